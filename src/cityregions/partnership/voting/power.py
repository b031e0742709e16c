"""Voting power of a game: Banzhaf, Shapley–Shubik, Coleman.

:func:`voting_power` computes the indices of a :class:`~.games.VotingGame`:

* exactly for weighted games of any size by one of two counting engines (counts are
  exact integers, kept modulo several primes and rebuilt by the Chinese remainder
  theorem): the knapsack dynamic program (``dp``, :mod:`._dp`; ``O(n q)`` Banzhaf and
  ``O(n² q)`` Shapley–Shubik cell updates) or generating functions by exp–log with
  number-theoretic transforms (``gf``, :mod:`._gf`; Kakimura & Terai 2025,
  ``O(n + q log q)`` and ``O(ñ q log q)``). :func:`exact_costs` estimates the time of
  each on this kind of machine and ``exact`` takes the cheaper one;
* exactly by enumerating all ``2**n`` coalitions (any rule, ``n ≤ 24``) or by a
  (members × weight) program for double majorities and blocking clauses;
* by Monte Carlo with confidence intervals (:mod:`.montecarlo`; any rule, any size).

``method="auto"`` answers every well-formed game: each index is computed exactly when
the cheaper engine's estimated time is within :data:`EXACT_BUDGET_SECONDS` (and, for
other rules, by enumeration or the (members × weight) program), otherwise by Monte
Carlo, and the result says which (``methods``) with the intervals of the estimates.

Two-tier bodies (members vote inside their bloc, blocs in the metropolitan body) are in
:mod:`cityregions.partnership.voting.two_tier`; a priori unions (Owen, Banzhaf–Owen) in
:mod:`cityregions.partnership.voting.unions`.

References
----------
Banzhaf, J. F. (1965). Weighted voting doesn't work. Rutgers Law Review 19, 317–343.
Coleman, J. S. (1971). Control of collectivities and the power of a collectivity to act.
Felsenthal, D. S. & Machover, M. (1998). The Measurement of Voting Power. Edward Elgar.
Kakimura, N. & Terai, Y. (2025). Computing power indices in weighted majority games
with formal power series. arXiv:2511.14995.
Penrose, L. S. (1946). The elementary statistics of majority voting. JRSS 109, 53–57.
Shapley, L. S. & Shubik, M. (1954). A method for evaluating the distribution of power in
a committee system. APSR 48, 787–792.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from cityregions._errors import ParameterError
from cityregions._optional import has_optional
from cityregions.partnership.voting import _dp, _enum
from cityregions.partnership.voting.approx import hoeffding_half_width
from cityregions.partnership.voting.games import VotingGame
from cityregions.partnership.voting.montecarlo import Estimate, check_samples, estimate

logger = logging.getLogger(__name__)

Method = Literal["auto", "exact", "dp", "gf", "enumerate", "montecarlo"]
#: The values ``method`` accepts, in the order the command line lists them.
METHODS: tuple[str, ...] = ("auto", "exact", "dp", "gf", "enumerate", "montecarlo")

#: ``auto`` computes an index exactly when the cheaper engine's estimated time is at
#: most this many seconds; otherwise it estimates the index by Monte Carlo.
EXACT_BUDGET_SECONDS = 5.0
#: Seconds per unit of work measured on the development machine (2 cores; conservative
#: ends of the measured ranges): dp Banzhaf per (member × weight limit × prime)
#: (measured 1.1–2.3·10⁻⁹); dp Shapley–Shubik compiled per (cell visited by a pass ×
#: prime) of :meth:`._dp.SizePlan.passes` plus per (table cell × side × prime) for the
#: window sums, prime residues and fractions (fitted on n = 200–1,500, weights up to
#: 1,000: 1.4–5.7·10⁻¹⁰ and 2–4·10⁻⁹, the latter taken as :data:`._dp.CELL_PER_PASS`
#: times the former; ``python benchmarks/bench_voting.py``); without
#: numba per (member × cell of the final band × prime); gf per (prime × series ×
#: L log2 L).
RATES = {
    "dp_banzhaf_compiled": 5e-9,
    "dp_banzhaf_numpy": 1.5e-8,
    "dp_shapley_pass": 6e-10,
    "dp_shapley_cell": 6e-10 * _dp.CELL_PER_PASS,
    "dp_shapley_numpy": 2e-9,
    "gf": 1e-6,
}
#: Longest weight axis (``min(q, W − q + 1)``) an exact engine builds a table for.
MAX_EXACT_LIMIT = 500_000_000


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class PowerResult:
    """Voting-power indices of one game.

    Exact indices hold :class:`fractions.Fraction` values; estimated ones floats, with
    ``intervals`` (low, high per member at ``confidence``), ``standard_error`` and
    ``error_bound``. ``methods`` names how each index was computed.

    Attributes
    ----------
    banzhaf_absolute
        Penrose–Banzhaf measure ``β'_i = η_i / 2**(n-1)``: the chance that ``i`` is
        decisive when everybody else votes yes or no with probability ½.
    banzhaf
        Normalised Banzhaf index ``β_i = η_i / Σ_j η_j``.
    shapley_shubik
        Share of the ``n!`` orderings in which ``i`` is pivotal.
    coleman_act
        Power of the collectivity to act, ``A = |W| / 2**n``.
    coleman_prevent, coleman_initiate
        ``η_i / |W|`` and ``η_i / (2**n − |W|)``.
    swings
        ``η_i`` (exact Banzhaf only).
    method
        One line naming the method of every index.
    exact
        True when every index computed is exact.
    methods
        Index name (``banzhaf``, ``shapley_shubik``) → its method.
    intervals
        Index name (``banzhaf_absolute``, ``banzhaf``, ``shapley_shubik``) →
        ``(low, high)`` per member, for estimated indices only.
    error_bound
        Half-width of the two-sided Hoeffding interval at ``confidence`` (Monte
        Carlo), ``sqrt(ln(2/δ)/(2K))``: each estimate of ``banzhaf_absolute`` is a mean
        of ``K = samples`` values in [0, 1], each of ``shapley_shubik`` a mean over
        ``K`` = the orderings drawn (fewer); the wider of the estimated indices' bounds
        is given, so it holds for each of their estimates (not for the normalised
        ``banzhaf``, a ratio: see its interval).
    """

    members: tuple[str, ...]
    banzhaf_absolute: tuple[Any, ...]
    banzhaf: tuple[Any, ...]
    shapley_shubik: tuple[Any, ...] | None
    coleman_act: Any
    coleman_prevent: tuple[Any, ...]
    coleman_initiate: tuple[Any, ...]
    swings: tuple[int, ...] | None
    method: str
    exact: bool
    samples: int | None = None
    standard_error: tuple[float, ...] | None = None
    error_bound: float | None = None
    confidence: float | None = None
    methods: dict[str, str] = field(default_factory=dict)
    intervals: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def dummies(self) -> tuple[str, ...]:
        """Members without any power (when Banzhaf is exact)."""
        if self.swings is None:
            return ()
        return tuple(m for m, b in zip(self.members, self.banzhaf_absolute, strict=True) if b == 0)

    @property
    def vetoers(self) -> tuple[str, ...]:
        """Members in every winning coalition: each can block alone (``η_i = |W| > 0``)."""
        if self.swings is None:
            return ()
        return tuple(m for m, p in zip(self.members, self.coleman_prevent, strict=True) if p == 1)

    def to_frame(self) -> pd.DataFrame:
        """One row per member with float columns (exact values rounded to float).

        Estimated indices add ``<index>_ci_low`` and ``<index>_ci_high`` (and
        ``banzhaf_absolute_se``); the column ``method`` names the method of each index.
        """
        frame = pd.DataFrame(
            {
                "banzhaf": [float(x) for x in self.banzhaf],
                "banzhaf_absolute": [float(x) for x in self.banzhaf_absolute],
                "shapley_shubik": [float(x) for x in self.shapley_shubik]
                if self.shapley_shubik is not None
                else np.nan,
                "coleman_prevent": [float(x) for x in self.coleman_prevent],
                "coleman_initiate": [float(x) for x in self.coleman_initiate],
                "swings": list(self.swings) if self.swings is not None else np.nan,
            },
            index=pd.Index(self.members, name="member"),
        )
        for name in ("banzhaf", "banzhaf_absolute", "shapley_shubik"):
            if name in self.intervals:
                low, high = self.intervals[name]
                frame[f"{name}_ci_low"] = list(low)
                frame[f"{name}_ci_high"] = list(high)
        if self.standard_error is not None:
            frame["banzhaf_absolute_se"] = list(self.standard_error)
        # a dummy is known only from exact counts (an estimate of 0 is not a proof)
        frame["dummy"] = frame["banzhaf_absolute"] == 0 if self.swings is not None else np.nan
        frame["method"] = self.method
        return frame


def _ratio(a: Any, b: Any) -> Any:
    if b == 0:
        return Fraction(0) if isinstance(a, int | Fraction) else float("nan")
    return Fraction(a, b) if isinstance(a, int) and isinstance(b, int) else a / b


def _from_counts(
    game: VotingGame,
    swings: list[int],
    winning: int,
    shapley: list[Fraction] | None,
    method: str,
) -> PowerResult:
    n = game.n
    total = sum(swings)
    losing = (1 << n) - winning
    methods = {"banzhaf": method}
    if shapley is not None:
        methods["shapley_shubik"] = method
    return PowerResult(
        members=game.members,
        banzhaf_absolute=tuple(Fraction(s, 1 << (n - 1)) for s in swings),
        banzhaf=tuple(_ratio(s, total) for s in swings),
        shapley_shubik=tuple(shapley) if shapley is not None else None,
        coleman_act=Fraction(winning, 1 << n),
        coleman_prevent=tuple(_ratio(s, winning) for s in swings),
        coleman_initiate=tuple(_ratio(s, losing) for s in swings),
        swings=tuple(swings),
        method=method,
        exact=True,
        methods=methods,
    )


# --------------------------------------------------------------------------- costs
def _active(game: VotingGame) -> tuple[list[int], int]:
    criterion = game.criteria[0]
    return [w for w in criterion.weights if w > 0], criterion.quota


def _band_cells(plan: _dp.SizePlan) -> int:
    """Cells of the final size-by-weight band of the Shapley–Shubik program."""
    return int((plan.upper - plan.lower).clip(0).sum())


def _transform_work(rows: int, limit: int) -> float:
    length = 1 << max(1, (2 * limit - 1).bit_length())
    return rows * length * math.log2(length)


def exact_costs(game: VotingGame) -> dict[str, dict[str, float]]:
    """Estimated seconds of the exact engines for a weighted game.

    Returns ``{"banzhaf": {"dp": s, "gf": s}, "shapley_shubik": {"dp": s, "gf": s}}``;
    an engine that cannot run the game (too many bits for the NTT primes, a series
    longer than the longest transform) gets ``inf``.

    Notes
    -----
    With ``n`` members of positive weight, ``L = min(q, W − q + 1)`` (complement
    symmetry), ``P`` the number of primes (the fewest of 59 bits whose product exceeds
    ``2**b`` for dp, ``⌈(b+1)/30⌉`` NTT primes for gf; ``b = n + 1`` bits for Banzhaf,
    ``b`` = the bits of ``C(n, ⌊n/2⌋)`` for Shapley–Shubik) and ``T`` twice the table
    width rounded up to a power of two: dp Banzhaf ``n·L·P`` updates; dp Shapley–Shubik
    ``V·P`` cells visited by the compiled kernel's passes (``V`` = :meth:`._dp.SizePlan.passes` of
    :func:`._dp.shapley_plan`; up to four members of equal weight share a pass) plus
    ``C·P`` cells per side of window sums
    (``C`` = :meth:`._dp.SizePlan.cells`; without numba ``n·B·P``, ``B`` = cells of the
    final band); gf about ``P·T log T`` per series (one for Banzhaf, ``2**⌈log2(S+1)⌉``
    for Shapley–Shubik, ``S`` the largest size of a coalition lighter than the table
    width); times the measured rates :data:`RATES`.

    Examples
    --------
    >>> from cityregions.partnership.voting import weighted_game
    >>> costs = exact_costs(weighted_game([4, 4, 4, 2, 2, 1], 12))
    >>> sorted(costs), sorted(costs["banzhaf"])
    (['banzhaf', 'shapley_shubik'], ['dp', 'gf'])
    """
    from cityregions.partnership.voting import _ntt

    weights, quota = _active(game)
    n = len(weights)
    # nobody can win, or equal weights (closed form, :func:`_equal_weights`): no table
    if not weights or quota > sum(weights) or len(set(weights)) == 1:
        return {index: {"dp": 0.0, "gf": 0.0} for index in ("banzhaf", "shapley_shubik")}
    limit = _dp.narrow_limit(weights, quota)
    plan = _dp.shapley_plan(weights, quota)
    banzhaf_primes = len(_dp.primes_for(n + 1))
    size_bits = _dp.size_count_bits(n)
    shapley_primes = len(_dp.primes_for(size_bits))
    compiled = has_optional("numba")
    dp_rate = RATES["dp_banzhaf_compiled" if compiled else "dp_banzhaf_numpy"]
    if compiled:
        shapley_dp = shapley_primes * (
            plan.passes() * RATES["dp_shapley_pass"]
            + plan.cells() * len(plan.sides) * RATES["dp_shapley_cell"]
        )
    else:
        shapley_dp = n * _band_cells(plan) * shapley_primes * RATES["dp_shapley_numpy"]
    costs = {
        "banzhaf": {"dp": n * limit * banzhaf_primes * dp_rate},
        "shapley_shubik": {"dp": shapley_dp},
    }
    try:
        banzhaf_ntt = len(_ntt.ntt_primes(n + 1))
        shapley_ntt = len(_ntt.ntt_primes(size_bits))
        too_long = 2 * max(limit, plan.width) > _ntt.MAX_LENGTH
    except ValueError:
        banzhaf_ntt, shapley_ntt, too_long = 0, 0, True
    rows = 1 << max(1, plan.feasible_rows().bit_length())
    costs["banzhaf"]["gf"] = (
        math.inf if too_long else banzhaf_ntt * _transform_work(1, limit) * RATES["gf"]
    )
    costs["shapley_shubik"]["gf"] = (
        math.inf if too_long else shapley_ntt * _transform_work(rows, plan.width) * RATES["gf"]
    )
    return costs


def _cheaper(costs: dict[str, float]) -> tuple[str, float]:
    engine = min(sorted(costs), key=lambda e: costs[e])
    return engine, costs[engine]


# --------------------------------------------------------------------------- exact
ENGINE_NAMES = {
    "dp": "exact (dynamic program)",
    "gf": "exact (generating functions, NTT)",
    "equal": "exact (equal weights, closed form)",
}


def _equal_weights(game: VotingGame, *, shapley: bool) -> PowerResult:
    """Exact indices when every member of positive weight has the same weight ``a``.

    With ``m`` such members and ``k = ⌈q/a⌉`` votes needed, a member is decisive when
    exactly ``k − 1`` of the other ``m − 1`` vote yes: ``η = C(m−1, k−1)`` (times
    ``2**z`` for ``z`` members of weight 0); ``|W| = 2**z Σ_{j≥k} C(m, j)``; by symmetry
    Shapley–Shubik is ``1/m`` each. No table: any ``m`` in milliseconds.
    """
    weights, q = list(game.criteria[0].weights), game.criteria[0].quota
    active = [w for w in weights if w > 0]
    m, zeros = len(active), game.n - len(active)
    k = -(-q // active[0])
    swing = math.comb(m - 1, k - 1) << zeros
    binomial, above = 1, 0  # C(m, j) for j = m, m - 1, ..., k
    for j in range(m, k - 1, -1):
        above += binomial
        binomial = binomial * j // (m - j + 1)
    ss = [Fraction(1, m) if w > 0 else Fraction(0) for w in weights] if shapley else None
    swings = [swing if w > 0 else 0 for w in weights]
    return _from_counts(game, swings, above << zeros, ss, ENGINE_NAMES["equal"])


def _exact_weighted(game: VotingGame, *, shapley: bool, engine: str | None = None) -> PowerResult:
    """Exact indices of a weighted game; ``engine`` None takes the cheaper one per index."""
    costs = exact_costs(game) if engine is None else None
    weights, q = list(game.criteria[0].weights), game.criteria[0].quota
    n = game.n
    active, zeros = [w for w in weights if w > 0], n - sum(1 for w in weights if w > 0)
    if q > sum(active):  # nobody can win
        none = [Fraction(0)] * n if shapley else None
        return _from_counts(game, [0] * n, 0, none, ENGINE_NAMES["dp"])
    if min(q, sum(active) - q + 1) > MAX_EXACT_LIMIT:
        msg = (
            f"an exact count of this game needs a table of {min(q, sum(active) - q + 1):,} "
            f"weights per prime (at most {MAX_EXACT_LIMIT:,}); use method='auto' or "
            "'montecarlo', or express the weights in coarser units (which can change the game)"
        )
        raise ParameterError(msg)
    if engine is None and len(set(active)) == 1:
        return _equal_weights(game, shapley=shapley)
    banzhaf_engine = engine or _cheaper(costs["banzhaf"])[0]  # type: ignore[index]
    by_weight, winning = _dp.banzhaf_counts(active, q, engine=banzhaf_engine)  # type: ignore[arg-type]
    swings = [by_weight[w] << zeros if w > 0 else 0 for w in weights]
    ss: list[Fraction] | None = None
    shapley_engine = None
    if shapley:
        shapley_engine = engine or _cheaper(costs["shapley_shubik"])[0]  # type: ignore[index]
        sizes = _dp.shapley_counts(active, q, engine=shapley_engine)  # type: ignore[arg-type]
        m = len(active)
        value = {v: _enum.shapley_from_sizes(c, m) for v, c in sizes.items()}
        ss = [value[w] if w > 0 else Fraction(0) for w in weights]
    result = _from_counts(game, swings, winning << zeros, ss, ENGINE_NAMES[banzhaf_engine])
    methods = {"banzhaf": ENGINE_NAMES[banzhaf_engine]}
    if shapley_engine is not None:
        methods["shapley_shubik"] = ENGINE_NAMES[shapley_engine]
    return _with_methods(result, methods)


def _with_methods(result: PowerResult, methods: dict[str, str]) -> PowerResult:
    from dataclasses import replace

    return replace(result, methods=methods, method=_method_line(methods))


def _method_line(methods: dict[str, str]) -> str:
    if len(set(methods.values())) == 1:
        return next(iter(methods.values()))
    return "; ".join(f"{index}: {how}" for index, how in methods.items())


def _count_weight_form(
    game: VotingGame,
) -> tuple[list[int], npt.NDArray[np.bool_]] | None:
    """Weights and the win grid ``win[s, m]`` if every criterion counts members or one
    common weight vector (a double majority); None otherwise or if the grid is too big."""
    base: tuple[int, ...] | None = None
    for criterion in game.criteria:
        if len(set(criterion.weights)) > 1:
            if base is not None and criterion.weights != base:
                return None
            base = criterion.weights
    weights = list(base) if base is not None else [0] * game.n
    total = sum(weights)
    if _dp.grid_size(game.n, total) > _dp.MAX_GRID:
        return None
    m = np.arange(total + 1, dtype=np.int64)
    win = np.zeros((game.n + 1, total + 1), dtype=bool)
    for s in range(game.n + 1):  # one row of the grid at a time (memory)
        columns = [
            m if len(set(c.weights)) > 1 else np.full_like(m, s * c.weights[0])
            for c in game.criteria
        ]
        win[s] = game.wins(np.stack(columns, axis=1))
    return weights, win


def _exact_count_weight(
    game: VotingGame, form: tuple[list[int], npt.NDArray[np.bool_]], *, shapley: bool
) -> PowerResult:
    weights, win = form
    counts, winning = _dp.count_weight_counts(weights, win)
    swings = [sum(counts[w]) for w in weights]
    ss = [_enum.shapley_from_sizes(counts[w], game.n) for w in weights] if shapley else None
    return _from_counts(game, swings, winning, ss, "exact (members × weight)")


def _enumerated(game: VotingGame, *, shapley: bool) -> PowerResult:
    win = game.winning_mask()
    swings, by_size, winning = _enum.counts_from_mask(win, game.n)
    ss = [_enum.shapley_from_sizes(c, game.n) for c in by_size] if shapley else None
    return _from_counts(game, swings, winning, ss, "exact (enumeration)")


# --------------------------------------------------------------------------- estimated
def _estimate_text(result: Estimate, index: str, n: int) -> str:
    if index == "shapley_shubik":
        what = f"{result.orderings:,} orderings"
        if result.shapley_estimator == "positions":
            what += f" × {n:,} positions"
    else:
        what = f"{result.samples:,} coalitions"
    return (
        f"Monte Carlo ({what}, {result.tasks} task(s), "
        f"{result.confidence:.0%} confidence intervals)"
    )


def _monte_carlo(
    game: VotingGame,
    *,
    samples: int,
    rng: np.random.Generator | None,
    confidence: float,
    shapley: bool,
    scheduler: str | None,
    exact_banzhaf: PowerResult | None = None,
) -> PowerResult:
    """Estimates of the indices not already exact in ``exact_banzhaf``."""
    if rng is None:
        msg = "Monte Carlo needs a random generator: pass rng=numpy.random.default_rng(seed)"
        raise ParameterError(msg)
    est = estimate(
        game,
        samples=samples,
        rng=rng,
        confidence=confidence,
        shapley=shapley,
        scheduler=scheduler,
    )
    intervals = {k: (tuple(lo), tuple(hi)) for k, (lo, hi) in est.intervals.items()}
    ss = tuple(est.shapley_shubik) if est.shapley_shubik is not None else None
    # Hoeffding: Banzhaf absolute is a mean over `samples` coalitions, Shapley–Shubik
    # over `orderings` (fewer); the bound stated is the widest of the estimated ones.
    ss_bound = hoeffding_half_width(est.orderings, confidence) if ss is not None else 0.0
    if exact_banzhaf is not None:  # exact Banzhaf, estimated Shapley–Shubik
        methods = {"banzhaf": exact_banzhaf.methods["banzhaf"]}
        methods["shapley_shubik"] = _estimate_text(est, "shapley_shubik", game.n)
        from dataclasses import replace

        kept = {"shapley_shubik": intervals["shapley_shubik"]} if ss is not None else {}
        return replace(
            exact_banzhaf,
            shapley_shubik=ss,
            exact=False,
            samples=est.samples,
            error_bound=ss_bound,
            confidence=confidence,
            methods=methods,
            method=_method_line(methods),
            intervals=kept,
        )
    beta, act = est.banzhaf_absolute, est.coleman_act
    methods = {"banzhaf": _estimate_text(est, "banzhaf", game.n)}
    if ss is not None:
        methods["shapley_shubik"] = _estimate_text(est, "shapley_shubik", game.n)
    return PowerResult(
        members=game.members,
        banzhaf_absolute=tuple(beta),
        banzhaf=tuple(est.banzhaf),
        shapley_shubik=ss,
        coleman_act=act,
        # |W|/2^n = A and η_i/2^(n-1) = β' give η_i/|W| = β'/(2A)
        coleman_prevent=tuple(beta / (2 * act) if act > 0 else beta * np.nan),
        coleman_initiate=tuple(beta / (2 * (1 - act)) if act < 1 else beta * np.nan),
        swings=None,
        method=_method_line(methods),
        exact=False,
        samples=est.samples,
        standard_error=tuple(est.standard_error),
        error_bound=max(est.error_bound, ss_bound),
        confidence=confidence,
        methods=methods,
        intervals=intervals,
    )


# --------------------------------------------------------------------------- entry
def _auto(game: VotingGame, *, shapley: bool, budget: float) -> tuple[Method, bool]:
    """``(method, exact_shapley)``: how ``auto`` computes ``game`` within ``budget`` s."""
    if game.is_weighted:
        costs = exact_costs(game)
        banzhaf_ok = _cheaper(costs["banzhaf"])[1] <= budget
        shapley_ok = not shapley or _cheaper(costs["shapley_shubik"])[1] <= budget
        if banzhaf_ok:
            return "exact", shapley_ok
        return "montecarlo", False
    if game.n <= _enum.MAX_ENUMERATION:
        return "enumerate", True
    return ("exact" if _count_weight_form(game) is not None else "montecarlo"), True


def voting_power(
    game: VotingGame,
    *,
    method: Method = "auto",
    shapley: bool = True,
    samples: int = 200_000,
    rng: np.random.Generator | None = None,
    confidence: float = 0.95,
    budget: float = EXACT_BUDGET_SECONDS,
    scheduler: str | None = None,
) -> PowerResult:
    """Compute the Banzhaf, Shapley–Shubik and Coleman indices of a game.

    Parameters
    ----------
    game
        From :func:`weighted_game`, :func:`multi_criteria_game`,
        :func:`double_majority` or :func:`rule_game`.
    method
        ``auto`` (default): every index exact when it fits ``budget`` (estimated time,
        :func:`exact_costs`), else Monte Carlo — never a refusal. ``exact``: the
        cheaper exact engine for weighted games (any size; large tables are built a few
        primes at a time), the (members × weight) program for double majorities and
        blocking clauses. ``dp`` / ``gf``: one exact engine (weighted games).
        ``enumerate``: all coalitions (any rule, at most 24 members). ``montecarlo``.
    shapley
        Also compute Shapley–Shubik.
    samples
        Monte Carlo sample size ``K`` (coalitions, and orderings for Shapley–Shubik).
    rng
        Random generator for Monte Carlo (required when it is used).
    confidence
        Confidence level of the Monte Carlo intervals and error bound.
    budget
        Seconds ``auto`` allows an exact engine (default :data:`EXACT_BUDGET_SECONDS`).
    scheduler
        Run the Monte Carlo tasks on Dask (``"local"`` or an address); see
        :func:`.montecarlo.estimate`. The estimate equals the one computed here.

    Returns
    -------
    PowerResult

    Raises
    ------
    ParameterError
        Unknown method; ``samples`` not a positive integer; Monte Carlo without
        ``rng``; ``exact`` for a rule with several different weight vectors.

    Notes
    -----
    ``β'_i = η_i / 2**(n−1)``, ``β_i = η_i / Σ η_j``,
    ``φ_i = Σ_{S ∌ i pivotal} |S|! (n−|S|−1)! / n!``, ``A = |W| / 2**n``,
    ``P_i = η_i / |W|``. Monte Carlo estimates come with intervals (see
    :mod:`.montecarlo`) and the Hoeffding bound ``ε = sqrt(ln(2/δ) / (2K))``
    (``error_bound``, at ``confidence = 1−δ``).

    Examples
    --------
    >>> from cityregions.partnership.voting import weighted_game
    >>> result = voting_power(weighted_game([4, 4, 4, 2, 2, 1], 12))
    >>> [str(x) for x in result.banzhaf]
    ['5/21', '5/21', '5/21', '1/7', '1/7', '0']
    >>> result.dummies, result.method
    (('6',), 'exact (dynamic program)')
    """
    if method not in METHODS:
        msg = f"unknown method {method!r}; use {', '.join(METHODS)}"
        raise ParameterError(msg)
    samples = check_samples(samples)
    mc = {"samples": samples, "rng": rng, "confidence": confidence, "scheduler": scheduler}
    if method == "auto":
        method, exact_shapley = _auto(game, shapley=shapley, budget=budget)
        if rng is None and (method == "montecarlo" or not exact_shapley):
            msg = (
                "method='auto' estimates this game by Monte Carlo (an exact count is "
                f"expected to take longer than the budget of {budget:g} s, "
                "partnership.voting.exact_costs): pass rng=numpy.random.default_rng(seed) "
                "for the estimate, or method='exact' to count exactly however long it takes"
            )
            raise ParameterError(msg)
        if method == "exact" and game.is_weighted and shapley and not exact_shapley:
            banzhaf = _exact_weighted(game, shapley=False)
            return _monte_carlo(game, shapley=True, exact_banzhaf=banzhaf, **mc)  # type: ignore[arg-type]
    if method in ("dp", "gf"):
        if not game.is_weighted:
            msg = f"the {method} engine needs a weighted game; use 'exact' or 'enumerate'"
            raise ParameterError(msg)
        return _exact_weighted(game, shapley=shapley, engine=method)
    if method == "exact":
        if game.is_weighted:
            return _exact_weighted(game, shapley=shapley)
        form = _count_weight_form(game)
        if form is None:
            msg = (
                "the exact dynamic programs need one weighted criterion, or criteria that "
                "count members or share one weight vector (with a table of at most "
                f"{_dp.MAX_GRID:,} cells); use 'enumerate', 'montecarlo' or 'auto'"
            )
            raise ParameterError(msg)
        return _exact_count_weight(game, form, shapley=shapley)
    if method == "enumerate":
        return _enumerated(game, shapley=shapley)
    return _monte_carlo(game, shapley=shapley, **mc)  # type: ignore[arg-type]


__all__ = [
    "EXACT_BUDGET_SECONDS",
    "METHODS",
    "Method",
    "PowerResult",
    "exact_costs",
    "voting_power",
]
