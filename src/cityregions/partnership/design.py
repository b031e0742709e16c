"""Design a voting rule: integer weights and a quota whose power profile meets a target.

The founders of a partnership do not only ask how much power a rule gives each member;
they ask which rule gives each member the power it should have — proportional to its
population, to the square root of its population (Penrose: equal power per inhabitant
when the inhabitants decide their representative's vote by majority) or equal.
:func:`design_rule` answers this *inverse* problem for one body: it searches integer
weights ``w`` and a quota ``q`` (a share of the total weight within ``quota_range``,
always above one half so that two disjoint coalitions cannot both win) such that the
members' power shares ``p_i`` (normalised Banzhaf, or Shapley–Shubik) come as close as
possible to the target shares ``t_i``:

    minimise  max_i |p_i − t_i|,  then  mean_i |p_i − t_i|,  then the total weight.

* **Exact search** (at most :data:`EXACT_MAX_MEMBERS` members): every weight vector
  with weights ``1..K`` ordered like the target (``K`` the largest for which the
  number of vectors stays below :data:`EXACT_MAX_VECTORS`), every integer quota in the
  range. Ordering loses nothing: power is monotone in weight, and giving the larger
  weight to the larger target never increases the largest deviation (swapping two
  members' weights swaps their powers and leaves the others' unchanged). The result
  is optimal over that stated space; all quotas of a weight vector are evaluated at
  once from the counts of the other members' coalitions by size and weight.
* **Heuristic** (more members): iterative weight adjustment in the spirit of Leech
  (2002): start from weights proportional to the target, then repeatedly
  ``w_i ← w_i·(t_i/p_i)**α`` for each of :data:`HEURISTIC_QUOTAS` quotas across the
  range, keeping the best rule seen. The weights are adjusted as real numbers and
  rounded (at least 1) only to evaluate a rule, so steps smaller than one unit
  accumulate; the scale is :data:`HEURISTIC_UNITS_PER_MEMBER` units per member (at
  least :data:`HEURISTIC_TOTAL`), halved while one exact evaluation is expected to take
  longer than :data:`HEURISTIC_SECONDS_PER_RULE` (:func:`.voting.exact_costs`). No
  optimality is claimed; the achieved deviation is reported.
* Weights proportional to the target at the best quota of a grid (the *baseline*) are
  always a candidate too, so a design is never further from the target than they are.

``min_power_to_act`` leaves out rules under which fewer than that share of all
coalitions win (Coleman's power to act ``A = |W|/2**n``): close to a target profile is
easy for a body that can hardly decide anything (high quotas), so founders may want a
floor. It is a parameter with no default floor (0): the sources name none.

The result also gives the power to act and the fee shares that would match the power
shares (a fee key ``fee_i ∝ p_i``).

References
----------
Penrose, L. S. (1946). The elementary statistics of majority voting. JRSS 109, 53–57.
Słomczyński, W. & Życzkowski, K. (2006). Penrose voting system and optimal quota. Acta
Physica Polonica B 37, 3133–3143.
Leech, D. (2002). Designing the voting system for the Council of the European Union.
Public Choice 113, 437–464.
Kurz, S. (2012). On the inverse power index problem. Optimization 61(8), 989–1011.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations_with_replacement
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from cityregions._errors import InputError, ParameterError
from cityregions.partnership.representation import _population
from cityregions.partnership.voting import voting_power, weighted_game

logger = logging.getLogger(__name__)

TargetName = Literal["penrose", "proportional", "equal"]
IndexName = Literal["banzhaf", "shapley_shubik"]
#: Most members for which the exact search runs.
EXACT_MAX_MEMBERS = 8
#: Most weight vectors the exact search evaluates (each with all its quotas).
EXACT_MAX_VECTORS = 60_000
#: Largest weight the exact search tries (weighted games of few members need small ones).
EXACT_MAX_WEIGHT = 30
#: Fewest weight units the heuristic works with (weights ∝ target, in total about this).
HEURISTIC_TOTAL = 1000
#: Weight units per member the heuristic aims at (finer steps for the weights).
HEURISTIC_UNITS_PER_MEMBER = 200
#: Expected seconds of one exact evaluation above which the heuristic halves its units.
HEURISTIC_SECONDS_PER_RULE = 0.1
#: Quotas (evenly spread over the range) the heuristic tries.
HEURISTIC_QUOTAS = 16
#: Weight updates per quota of the heuristic, and their damping exponent α.
HEURISTIC_STEPS = 40
HEURISTIC_DAMPING = 0.7
_BATCH = 2000

#: The caveat of a per-inhabitant (Penrose) target.
PENROSE_READING = (
    "A square-root (Penrose) target equalises power per inhabitant only if the "
    "inhabitants of each member decide their representative's vote by simple majority, "
    "each yes or no with probability ½ independently (Penrose 1946); where "
    "representatives vote freely, it is a design convention, not equal power per person."
)


@dataclass(frozen=True)
class Design:
    """A designed rule and how close its power profile comes to the target.

    Attributes
    ----------
    members
        One row per member: ``population``, ``target`` (share), ``weight``, ``power``
        (share: normalised Banzhaf or Shapley–Shubik), ``deviation`` (``power −
        target``), ``fee_share`` (a fee key matching the power shares).
    quota, total_weight
        The rule ``[quota; weights]``: a coalition wins with at least ``quota``.
    max_deviation, mean_deviation
        ``max |p − t|`` and ``mean |p − t|``.
    power_to_act
        Coleman's ``A``: share of all coalitions that win.
    method
        ``exact search`` or ``heuristic`` and what was searched.
    baseline
        The same measures for weights proportional to the target (rounded to the
        heuristic's units) at the best quota of a grid in range: what the search
        improves on (a candidate itself, so never better than the design).
    min_power_to_act
        Rules with a smaller power to act were left out (0: none).
    notes
        Caveats (the Penrose reading of a square-root target).
    """

    members: pd.DataFrame
    quota: int
    total_weight: int
    max_deviation: float
    mean_deviation: float
    power_to_act: float
    index: str
    target: str
    quota_range: tuple[float, float]
    method: str
    evaluated: int
    baseline: dict[str, float]
    min_power_to_act: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def quota_share(self) -> float:
        """The quota as a share of the total weight."""
        return self.quota / self.total_weight

    def summary(self) -> dict[str, Any]:
        """One row of headline figures (for ``summary.csv``)."""
        return {
            "target": self.target,
            "index": self.index,
            "members": len(self.members),
            "quota": self.quota,
            "total_weight": self.total_weight,
            "quota_share": self.quota_share,
            "quota_range": f"{self.quota_range[0]:.4g}:{self.quota_range[1]:.4g}",
            "max_deviation": self.max_deviation,
            "mean_deviation": self.mean_deviation,
            "power_to_act": self.power_to_act,
            "min_power_to_act": self.min_power_to_act,
            "baseline_max_deviation": self.baseline["max_deviation"],
            "baseline_mean_deviation": self.baseline["mean_deviation"],
            "method": self.method,
            "evaluated": self.evaluated,
        }


def target_shares(
    population: pd.Series | Mapping[str, float],
    target: TargetName | Mapping[str, float] | pd.Series,
    *,
    source: str | None = None,
) -> pd.Series:
    """Target power shares: ``∝ √N`` (penrose), ``∝ N`` (proportional), equal, or given.

    A given mapping must name every member once with a finite share ≥ 0 (not all 0);
    shares are normalised to sum to 1.

    Examples
    --------
    >>> target_shares({"a": 900, "b": 100}, "penrose").round(3).tolist()
    [0.75, 0.25]
    """
    pop = _population(population)
    if isinstance(target, str):
        if target == "penrose":
            raw = np.sqrt(pop)
        elif target == "proportional":
            raw = pop.copy()
        elif target == "equal":
            raw = pd.Series(1.0, index=pop.index)
        else:
            msg = f"unknown target {target!r}; use penrose, proportional, equal or a file"
            raise ParameterError(msg)
    else:
        given = pd.Series(target, dtype=float)
        given.index = given.index.astype(str)
        missing = [m for m in pop.index if m not in given.index]
        extra = [m for m in given.index if m not in pop.index]
        if missing or extra:
            who = missing[0] if missing else extra[0]
            what = "has no target share" if missing else "has a target but is not a member"
            msg = f"member '{who}' {what}"
            raise InputError(msg, source=source, location=who, field="target")
        bad = given[~np.isfinite(given) | (given < 0)]
        if len(bad):
            msg = f"target share of '{bad.index[0]}' must be a finite number ≥ 0, got {bad.iloc[0]}"
            raise InputError(msg, source=source, location=bad.index[0], field="target")
        raw = given.reindex(pop.index)
    if float(raw.sum()) <= 0:
        msg = "the target shares add up to 0"
        raise InputError(msg, source=source, field="target")
    return (raw / raw.sum()).rename("target")


def _subset_matrix(n: int) -> npt.NDArray[np.int64]:
    """Rows: all subsets of ``n`` players as 0/1 vectors (bit ``j`` = player ``j``)."""
    index = np.arange(1 << n)[:, None]
    return ((index >> np.arange(n)[None, :]) & 1).astype(np.int64)


def _profiles(weights: npt.NDArray[np.int64], index: IndexName) -> npt.NDArray[np.float64]:
    """Power measure of every player of every weight vector for every quota ``1..Q``.

    ``weights`` has shape ``(G, n)``; ``Q`` is the largest total. Returns ``(G, n, Q)``:
    swing counts (Banzhaf) or Shapley-weighted pivots ``s!(n−1−s)!/n!`` summed over the
    coalitions ``S`` of the others with ``q − w_i ≤ w(S) < q`` — read, for all quotas
    at once, from prefix sums of the histogram of ``w(S)``.
    """
    g, n = weights.shape
    top = int(weights.sum(axis=1).max())
    subsets = _subset_matrix(n - 1)
    if index == "shapley_shubik":
        factor = np.array(
            [math.factorial(s) * math.factorial(n - 1 - s) for s in range(n)], dtype=np.float64
        ) / math.factorial(n)
        values = np.tile(factor[subsets.sum(axis=1)], g)
    else:
        values = None
    width = top + 2
    rows = np.repeat(np.arange(g) * width, len(subsets))
    q = np.arange(1, top + 1)[None, :]
    measure = np.zeros((g, n, top))
    for i in range(n):
        sums = np.delete(weights, i, axis=1) @ subsets.T  # (G, 2**(n-1))
        hist = np.bincount(rows + sums.ravel(), weights=values, minlength=g * width)
        prefix = np.zeros((g, width + 1))
        np.cumsum(hist.reshape(g, width), axis=1, out=prefix[:, 1:])
        low = np.clip(q - weights[:, i : i + 1], 0, width)
        measure[:, i, :] = np.take_along_axis(prefix, np.broadcast_to(q, (g, top)), axis=1)
        measure[:, i, :] -= np.take_along_axis(prefix, low, axis=1)
    return measure


def _acts(weights: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Power to act ``A(q) = |{S : w(S) ≥ q}| / 2**n`` per vector for quotas ``1..Q``."""
    g, n = weights.shape
    top = int(weights.sum(axis=1).max())
    sums = weights @ _subset_matrix(n).T  # (G, 2**n)
    width = top + 1
    hist = np.bincount((np.arange(g)[:, None] * width + sums).ravel(), minlength=g * width)
    at_least = np.cumsum(hist.reshape(g, width)[:, ::-1], axis=1)[:, ::-1]  # w(S) ≥ q
    return at_least[:, 1:] / float(1 << n)


def _score(
    measure: npt.NDArray[np.float64],
    target: npt.NDArray[np.float64],
    weights: npt.NDArray[np.int64],
    quota_range: tuple[float, float],
    min_power_to_act: float = 0.0,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Max and mean absolute deviation per (vector, quota), and which quotas are allowed
    (in range, above one half, someone swings, power to act at least the floor)."""
    total = measure.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = measure / total
    deviation = np.abs(shares - target[None, :, None])
    q = np.arange(1, measure.shape[2] + 1)[None, :]
    w_total = weights.sum(axis=1, keepdims=True)
    allowed = (q > w_total / 2) & (q >= quota_range[0] * w_total) & (q <= quota_range[1] * w_total)
    allowed &= total[:, 0, :] > 0
    if min_power_to_act > 0:
        allowed &= _acts(weights)[:, : measure.shape[2]] >= min_power_to_act
    worst = np.where(allowed, deviation.max(axis=1), np.inf)
    mean = np.where(allowed, deviation.mean(axis=1), np.inf)
    return worst, mean, allowed


def _largest_weight(n: int) -> int:
    """Largest ``K`` whose ordered weight vectors (``C(K+n−1, n)``) fit the budget."""
    k = 1
    while k < EXACT_MAX_WEIGHT and math.comb(k + 1 + n - 1, n) <= EXACT_MAX_VECTORS:
        k += 1
    return k


def _exact(
    target: pd.Series,
    quota_range: tuple[float, float],
    index: IndexName,
    min_power_to_act: float = 0.0,
) -> tuple[npt.NDArray[np.int64], int, int, str]:
    """Best ordered weight vector and quota over weights 1..K; the count evaluated."""
    n = len(target)
    k = _largest_weight(n)
    order = np.argsort(-target.to_numpy(), kind="stable")
    wanted = target.to_numpy()[order]
    best: tuple[float, float, int, int] | None = None
    best_vector: npt.NDArray[np.int64] | None = None
    evaluated = 0
    vectors = combinations_with_replacement(range(k, 0, -1), n)
    while True:
        batch = np.array([v for _, v in zip(range(_BATCH), vectors, strict=False)], dtype=np.int64)
        if batch.size == 0:
            break
        measure = _profiles(batch, index)
        worst, mean, allowed = _score(measure, wanted, batch, quota_range, min_power_to_act)
        evaluated += int(allowed.sum())
        totals = batch.sum(axis=1)
        keys = np.lexsort(
            (np.arange(worst.size), np.repeat(totals, worst.shape[1]), mean.ravel(), worst.ravel())
        )
        top = keys[0]
        if np.isfinite(worst.ravel()[top]):
            row, column = divmod(int(top), worst.shape[1])
            candidate = (
                float(worst.ravel()[top]),
                float(mean.ravel()[top]),
                int(totals[row]),
                column + 1,
            )
            if best is None or candidate < best:
                best, best_vector = candidate, batch[row]
    if best is None or best_vector is None:
        msg = f"no weights 1..{k} have a quota within {quota_range[0]:.4g}–{quota_range[1]:.4g}"
        if min_power_to_act > 0:
            msg += f" with a power to act of at least {min_power_to_act:.4g}"
        raise ParameterError(msg)
    weights = np.empty(n, dtype=np.int64)
    weights[order] = best_vector
    how = (
        f"exact search: every weight vector with weights 1..{k} ordered like the target "
        "and every integer quota in the range (optimal over that space)"
    )
    return weights, best[3], evaluated, how


def _power_shares(
    weights: npt.NDArray[np.int64], quota: int, index: IndexName
) -> tuple[npt.NDArray[np.float64], float]:
    game = weighted_game([int(w) for w in weights], quota, strict=True)
    result = voting_power(game, shapley=index == "shapley_shubik", method="exact")
    values = result.shapley_shubik if index == "shapley_shubik" else result.banzhaf
    return np.array([float(x) for x in values or ()]), float(result.coleman_act)


def _quota_grid(total: int, quota_range: tuple[float, float], count: int) -> list[int]:
    low = max(math.floor(total / 2) + 1, math.ceil(quota_range[0] * total))
    high = math.floor(quota_range[1] * total)
    if high < low:
        return []
    return sorted({round(float(x)) for x in np.linspace(low, high, count)})


def _units(target: pd.Series, quota_range: tuple[float, float], index: IndexName) -> int:
    """Weight units of the heuristic: :data:`HEURISTIC_UNITS_PER_MEMBER` per member (at
    least :data:`HEURISTIC_TOTAL`), halved while the exact power of the starting rule at
    the middle of the quota range is expected to take more than
    :data:`HEURISTIC_SECONDS_PER_RULE` (:func:`.voting.exact_costs`)."""
    from cityregions.partnership.voting import exact_costs

    units = max(HEURISTIC_TOTAL, HEURISTIC_UNITS_PER_MEMBER * len(target))
    share = max(0.5, sum(quota_range) / 2)
    while units > HEURISTIC_TOTAL:
        weights = _rounded(target.to_numpy() * units)
        total = int(weights.sum())
        game = weighted_game(
            [int(w) for w in weights], max(total // 2 + 1, math.ceil(share * total))
        )
        costs = exact_costs(game)["banzhaf" if index == "banzhaf" else "shapley_shubik"]
        if min(costs.values()) <= HEURISTIC_SECONDS_PER_RULE:
            break
        units = max(HEURISTIC_TOTAL, units // 2)
    return units


def _rounded(weights: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    return np.maximum(1, np.rint(weights)).astype(np.int64)


def _heuristic(
    target: pd.Series,
    quota_range: tuple[float, float],
    index: IndexName,
    min_power_to_act: float,
    units: int,
) -> tuple[npt.NDArray[np.int64], int, int, str]:
    """Iterative weight adjustment for each of a grid of quota shares; the best rule
    (weights ∝ target in ``units`` units to start, :func:`_units`)."""
    t = target.to_numpy()
    best: tuple[float, float, int] | None = None
    best_rule: tuple[npt.NDArray[np.int64], int] | None = None
    evaluated = 0
    shares = np.linspace(quota_range[0], quota_range[1], HEURISTIC_QUOTAS)
    for share in shares:
        real = t * units  # adjusted as real numbers, rounded to evaluate
        last: npt.NDArray[np.int64] | None = None
        ratio = np.ones_like(t)
        for _ in range(HEURISTIC_STEPS):
            weights = _rounded(real)
            if last is not None and np.array_equal(weights, last):
                real = real * ratio**HEURISTIC_DAMPING  # a step below one unit: go on
                continue
            total = int(weights.sum())
            quota = max(math.floor(total / 2) + 1, math.ceil(share * total))
            if quota > math.floor(quota_range[1] * total):
                break
            power, act = _power_shares(weights, quota, index)
            evaluated += 1
            last = weights
            deviation = np.abs(power - t)
            key = (float(deviation.max()), float(deviation.mean()), total)
            if act >= min_power_to_act and (best is None or key < best):
                best, best_rule = key, (weights.copy(), quota)
            ratio = np.where(power > 0, t / np.maximum(power, 1e-12), 2.0)
            real = real * ratio**HEURISTIC_DAMPING
    if best_rule is None:
        msg = (
            "the heuristic found no rule with a quota above one half within "
            f"{quota_range[0]:.4g}–{quota_range[1]:.4g}"
        )
        if min_power_to_act > 0:
            msg += f" and a power to act of at least {min_power_to_act:.4g}"
        raise ParameterError(msg)
    how = (
        f"heuristic: iterative weight adjustment w ← w·(t/p)**{HEURISTIC_DAMPING} (real "
        f"weights, rounded to evaluate) from weights ∝ target ({units:,} units), "
        f"{len(shares)} quota shares across the range, at most {HEURISTIC_STEPS} steps "
        "each; best rule seen (no optimality claimed)"
    )
    return best_rule[0], best_rule[1], evaluated, how


def _baseline(
    target: pd.Series,
    quota_range: tuple[float, float],
    index: IndexName,
    min_power_to_act: float,
    units: int,
) -> tuple[dict[str, float], tuple[npt.NDArray[np.int64], int] | None]:
    """Weights ∝ target (rounded to the heuristic's ``units``) at the best of a grid of
    quotas in range: its deviations, and the rule (None if no quota qualifies)."""
    weights = _rounded(target.to_numpy() * units)
    best = {"max_deviation": math.inf, "mean_deviation": math.inf}
    rule: tuple[npt.NDArray[np.int64], int] | None = None
    for quota in _quota_grid(int(weights.sum()), quota_range, 41):
        power, act = _power_shares(weights, quota, index)
        deviation = np.abs(power - target.to_numpy())
        key = (float(deviation.max()), float(deviation.mean()))
        if act >= min_power_to_act and key < tuple(best.values()):
            best = {"max_deviation": key[0], "mean_deviation": key[1]}
            rule = (weights, quota)
    return best, rule


def check_quota_range(
    quota_range: tuple[float, float], *, source: str | None = None, field: str = "quota_range"
) -> tuple[float, float]:
    """Return ``(low, high)`` if ``0.5 ≤ low ≤ high ≤ 1`` and both finite, else raise."""
    low, high = (float(x) for x in quota_range)
    if not (math.isfinite(low) and math.isfinite(high)) or not 0.5 <= low <= high <= 1:
        msg = (
            f"quota range {low:g}:{high:g} must lie within 50%:100% with the lower end "
            "first (a quota not above one half lets two disjoint coalitions both win)"
        )
        raise InputError(msg, source=source, field=field)
    return low, high


def check_power_floor(value: float) -> float:
    """Return a floor on the power to act if it lies in ``[0, ½]``, else raise.

    A quota above one half lets at most half of all coalitions win, so a higher floor
    can never be met.
    """
    if not (math.isfinite(value) and 0 <= value <= 0.5):
        msg = (
            f"the power to act asked for must lie in [0, 0.5], not {value:g} (a quota "
            "above one half lets at most half of all coalitions win)"
        )
        raise ParameterError(msg)
    return float(value)


def design_rule(
    population: pd.Series | Mapping[str, float],
    *,
    target: TargetName | Mapping[str, float] | pd.Series = "penrose",
    quota_range: tuple[float, float] = (0.5, 0.75),
    index: IndexName = "banzhaf",
    method: Literal["auto", "exact", "heuristic"] = "auto",
    min_power_to_act: float = 0.0,
    source: str | None = None,
) -> Design:
    """Find integer weights and a quota whose power shares come closest to a target.

    Parameters
    ----------
    population
        Member → population (needed for ``penrose`` and ``proportional`` targets,
        reported otherwise).
    target
        ``penrose`` (shares ∝ √population), ``proportional`` (∝ population), ``equal``,
        or member → target share.
    quota_range
        Allowed quota as shares of the total weight, ``(low, high)`` within ``[½, 1]``;
        the quota is always above one half of the total.
    index
        The power measure to match: ``banzhaf`` (normalised) or ``shapley_shubik``.
    method
        ``exact`` (at most :data:`EXACT_MAX_MEMBERS` members), ``heuristic`` or
        ``auto`` (both where the exact search applies — larger weights than it tries
        can fit better — and the better rule; the heuristic otherwise).
    min_power_to_act
        Leave out rules under which fewer than this share of all coalitions win
        (Coleman's power to act, in ``[0, ½]`` — a quota above one half lets at most
        half of them win; 0: no floor).
    source
        File the members or targets came from, for messages.

    Returns
    -------
    Design

    Raises
    ------
    InputError
        Bad populations or targets (naming the member), a quota range outside
        ``[½, 1]``.
    ParameterError
        ``exact`` for more members than it handles; no allowed quota (within the
        range, or with the power to act asked for); a floor outside ``[0, ½]``.

    Examples
    --------
    Three members with populations 1, 4 and 16 (square roots 1, 2 and 4): no weighted
    game of three gives power shares 1/7, 2/7, 4/7; the closest has the largest member
    decide alone with one of the others (Banzhaf 1/5, 1/5, 3/5):

    >>> design = design_rule({"a": 1, "b": 4, "c": 16}, target="penrose", method="exact")
    >>> design.members["power"].round(3).tolist(), round(design.max_deviation, 4)
    ([0.2, 0.2, 0.6], 0.0857)
    """
    pop = _population(population)
    goal = target_shares(pop, target, source=source)
    low_high = check_quota_range(quota_range, source=source)
    n = len(goal)
    if method == "exact" and n > EXACT_MAX_MEMBERS:
        msg = f"the exact search handles at most {EXACT_MAX_MEMBERS} members, not {n}"
        raise ParameterError(msg)
    min_power_to_act = check_power_floor(min_power_to_act)
    units = _units(goal, low_high, index)
    candidates = []
    if method == "exact" or (method == "auto" and n <= EXACT_MAX_MEMBERS):
        candidates.append(_exact(goal, low_high, index, min_power_to_act))
    if method in ("heuristic", "auto"):
        candidates.append(_heuristic(goal, low_high, index, min_power_to_act, units))
    baseline, baseline_rule = _baseline(goal, low_high, index, min_power_to_act, units)
    if baseline_rule is not None and method != "exact":
        candidates.append((*baseline_rule, 0, "weights ∝ target at the best quota of a grid"))
    found = []
    for weights, quota, evaluated, how in candidates:
        power, act = _power_shares(weights, quota, index)
        gap = np.abs(power - goal.to_numpy())
        found.append(
            (
                (float(gap.max()), float(gap.mean()), int(weights.sum())),
                weights,
                quota,
                evaluated,
                how,
                power,
                act,
            )
        )
    found.sort(key=lambda item: item[0])
    _, weights, quota, _, how, power, act = found[0]
    evaluated = sum(item[3] for item in found)
    if len(found) > 1:
        how = f"best of {len(found)} candidates, found by the {how}; also tried: " + "; ".join(
            item[4] for item in found[1:]
        )
    deviation = power - goal.to_numpy()
    members = pd.DataFrame(
        {
            "population": pop,
            "target": goal,
            "weight": weights,
            "power": power,
            "deviation": deviation,
            "fee_share": power / power.sum() if power.sum() > 0 else np.nan,
        },
        index=pd.Index(goal.index, name="member"),
    )
    notes = [PENROSE_READING] if isinstance(target, str) and target == "penrose" else []
    if min_power_to_act > 0:
        notes.append(
            f"Rules under which fewer than {min_power_to_act:.4g} of all coalitions win "
            "(power to act) were left out; the closest rule overall may have a lower one."
        )
    return Design(
        members=members,
        quota=int(quota),
        total_weight=int(weights.sum()),
        max_deviation=float(np.abs(deviation).max()),
        mean_deviation=float(np.abs(deviation).mean()),
        power_to_act=act,
        index=index,
        target=target if isinstance(target, str) else "given shares",
        quota_range=low_high,
        method=how,
        evaluated=evaluated,
        baseline=baseline,
        min_power_to_act=min_power_to_act,
        notes=notes,
    )


__all__ = [
    "EXACT_MAX_MEMBERS",
    "PENROSE_READING",
    "Design",
    "check_power_floor",
    "check_quota_range",
    "design_rule",
    "target_shares",
]
