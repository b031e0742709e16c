"""Monte Carlo voting power with confidence intervals, split into seeded tasks.

When an exact count is too costly (see :func:`~.power.exact_costs`), the indices are
estimated from random coalitions and random orderings. The samples are split into
*tasks*, each a pure function of the game and its own seed (seeds drawn once from the
caller's ``rng``), so the estimate is the same whether the tasks run here one after the
other or on a Dask cluster (:mod:`cityregions._distributed`, ``scheduler=``).

Estimators
----------
* Banzhaf (absolute): ``K`` coalitions, each member present with probability ½ (one
  stream for all members); ``β̂'_i`` = share of coalitions in which ``i`` is decisive.
  Interval: Wilson score interval of a binomial proportion.
* Shapley–Shubik, weighted games: random orderings (``K``, but at most
  :data:`POSITION_BUDGET` ``/ n`` of them); for each ordering and member
  ``i`` the share of the ``n`` positions at which ``i``, moved there, would be pivotal
  (the order of the others kept). Each ordering of the others with a uniform position
  of ``i`` is a uniform random ordering, so the share is an unbiased estimate of
  ``φ_i`` with a smaller variance than the 0/1 pivot indicator (conditioning,
  Rao–Blackwell). The predecessors' weights are prefix sums of the ordering, so the
  ``n`` positions take two binary searches per member. Interval: normal, from the
  sample variance of the shares.
* Shapley–Shubik, other rules: the 0/1 pivot indicator of random orderings; Wilson
  interval.
* Normalised Banzhaf ``β_i = β'_i / Σ β'_j``: a ratio; its interval comes from the
  spread between tasks (batch means, Student t with ``tasks − 1`` degrees of freedom),
  left empty with a single task.

Every estimate is also within the Hoeffding half-width ``sqrt(ln(2/δ)/(2K))`` with
probability ``1 − δ`` (``error_bound``).

References
----------
Mann, I. & Shapley, L. S. (1960). Values of large games IV: evaluating the Electoral
College by Monte Carlo techniques. RAND RM-2651.
Bachrach, Y., Markakis, E., Resnick, E., Procaccia, A. D., Rosenschein, J. S. & Saberi,
A. (2010). Approximating power indices: theoretical and empirical analysis. Autonomous
Agents and Multi-Agent Systems 20, 105–122.
Castro, J., Gómez, D. & Tejada, J. (2009). Polynomial calculation of the Shapley value
based on sampling. Computers & Operations Research 36(5), 1726–1730.
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
inference. JASA 22(158), 209–212.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from cityregions._errors import ParameterError
from cityregions.partnership.voting import _enum
from cityregions.partnership.voting.approx import hoeffding_half_width
from cityregions.partnership.voting.games import VotingGame

logger = logging.getLogger(__name__)

F64 = npt.NDArray[np.float64]
#: Samples per task (the unit of work sent to a worker, and one batch of the interval).
TASK_SAMPLES = 10_000
#: Most tasks a run is split into.
MAX_TASKS = 64
#: Cells (samples × members) handled at once inside a task (bounds its memory).
_CHUNK_CELLS = 2_000_000
#: Most member-positions (orderings × members) the position-share estimator of
#: Shapley–Shubik evaluates per run: each ordering checks every position of every member,
#: so it uses at most ``POSITION_BUDGET / n`` of the ``samples`` orderings (at least
#: :data:`MIN_ORDERINGS`).
POSITION_BUDGET = 4_000_000
MIN_ORDERINGS = 2_000


def orderings_for(samples: int, n: int) -> int:
    """Orderings the position-share estimator draws for ``samples`` and ``n`` members.

    Examples
    --------
    >>> orderings_for(200_000, 50), orderings_for(200_000, 1268)
    (80000, 3154)
    """
    return min(samples, max(MIN_ORDERINGS, POSITION_BUDGET // max(n, 1)))


@dataclass(frozen=True)
class Estimate:
    """Monte Carlo estimates of one game with their intervals.

    Attributes
    ----------
    banzhaf_absolute, banzhaf, shapley_shubik
        Estimates per member (``shapley_shubik`` None when not asked for).
    coleman_act
        Estimated share of winning coalitions.
    intervals
        Index name → (low, high) per member, at ``confidence``.
    standard_error
        ``sqrt(β'(1 − β')/K)`` per member.
    samples, orderings, tasks, confidence, error_bound
        Coalitions ``K``, orderings (Shapley–Shubik; fewer for the position-share
        estimator, :func:`orderings_for`), number of tasks, confidence level,
        Hoeffding half-width of the Banzhaf estimates.
    shapley_estimator
        ``positions`` (weighted games) or ``pivots`` (other rules).
    """

    banzhaf_absolute: F64
    banzhaf: F64
    shapley_shubik: F64 | None
    coleman_act: float
    intervals: dict[str, tuple[F64, F64]]
    standard_error: F64
    samples: int
    orderings: int
    tasks: int
    confidence: float
    error_bound: float
    shapley_estimator: str | None


def check_samples(samples: Any, *, field: str = "samples") -> int:
    """Return ``samples`` if it is a positive integer, else raise naming ``field``.

    Examples
    --------
    >>> check_samples(200)
    200
    """
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples <= 0:
        msg = f"{field} must be a positive whole number of samples, got {samples!r}"
        raise ParameterError(msg)
    return int(samples)


def task_sizes(samples: int) -> list[int]:
    """Split ``samples`` into near-equal tasks of about :data:`TASK_SAMPLES`.

    Examples
    --------
    >>> task_sizes(25_000)
    [8334, 8333, 8333]
    """
    count = min(MAX_TASKS, max(1, math.ceil(samples / TASK_SAMPLES)))
    base, extra = divmod(samples, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def _chunks(samples: int, n: int) -> list[int]:
    size = max(1, _CHUNK_CELLS // max(n, 1))
    return [min(size, samples - start) for start in range(0, samples, size)]


def _random_bits(rng: np.random.Generator, rows: int, columns: int) -> npt.NDArray[np.bool_]:
    """A ``rows × columns`` matrix of fair coin flips from ``rng`` (one random bit each)."""
    width = -(-columns // 8)
    raw = np.frombuffer(rng.bytes(rows * width), dtype=np.uint8).reshape(rows, width)
    return np.unpackbits(raw, axis=1, count=columns).astype(bool)


def _weighted_banzhaf(
    weights: F64, quota: float, samples: int, rng: np.random.Generator
) -> tuple[F64, int]:
    """Decisive counts per member and winning coalitions of ``samples`` coalitions.

    With ``d = w(S) − q`` for the coalition ``S``: a present member is decisive iff
    ``0 ≤ d < w_i``, an absent one iff ``−w_i ≤ d < 0``; so per coalition only the
    present (``d ≥ 0``) or only the absent (``d < 0``) members heavier than a threshold
    (``d``, resp. ``−d − 1`` for integer weights) can be decisive.
    """
    hits = np.zeros(len(weights))
    wins = 0
    for size in _chunks(samples, len(weights)):
        present = _random_bits(rng, size, len(weights))
        d = present.astype(np.float64) @ weights - quota
        wins += int((d >= 0).sum())
        side = d >= 0
        threshold = np.where(side, d, -d - 1)
        hits += ((present == side[:, None]) & (weights[None, :] > threshold[:, None])).sum(axis=0)
    return hits, wins


def _position_shares(order: npt.NDArray[np.int64], weights: F64, quota: float | F64) -> F64:
    """Share of the ``n`` positions at which each member would be pivotal, per ordering.

    ``order[r]`` is a random ordering (member indices). With ``P[r, k]`` the weight of
    the first ``k`` members of the ordering and ``i`` at position ``t``: moved to
    position ``k ≤ t`` it follows weight ``P[k]``; moved to ``k > t`` it follows
    ``P[k + 1] − w_i``. It is pivotal iff that weight lies in ``[q − w_i, q)``.
    ``quota`` may differ per ordering (shape ``(rows, 1)``: the quota left after the
    unions ahead, :mod:`.unions`).
    """
    rows, n = order.shape
    prefix = np.zeros((rows, n + 1))
    np.cumsum(weights[order], axis=1, out=prefix[:, 1:])
    position = np.empty_like(order)
    np.put_along_axis(position, order, np.arange(n)[None, :], axis=1)
    high = np.broadcast_to(np.asarray(quota, dtype=np.float64), (rows, 1))
    reach = float(np.abs(high).max()) + float(weights.max(initial=0.0))
    span = 2.0 * (float(weights.sum()) + reach) + 1.0
    offset = (np.arange(rows) * span)[:, None]
    flat = (prefix + offset).ravel()
    base = (np.arange(rows) * (n + 1))[:, None]

    def first(value: F64) -> npt.NDArray[np.int64]:  # first k with P[r, k] ≥ value
        queries = np.broadcast_to(value + offset, (rows, n)).ravel()
        return np.searchsorted(flat, queries).reshape(rows, n) - base

    low = high - weights[None, :]
    # positions k = 0..t: P[k] in [q − w_i, q)
    before = np.minimum(first(high), position + 1) - np.maximum(first(low), 0)
    # positions k = t+1..n−1, i.e. j = k + 1 = t+2..n: P[j] in [q, q + w_i)
    after = np.minimum(first(high + weights), n + 1) - np.maximum(first(high), position + 2)
    return (np.maximum(before, 0) + np.maximum(after, 0)) / n


def _weighted_shapley(
    weights: F64, quota: float, samples: int, rng: np.random.Generator
) -> tuple[F64, F64]:
    """Sum and sum of squares of the position shares over ``samples`` orderings."""
    total = np.zeros(len(weights))
    squares = np.zeros(len(weights))
    for size in _chunks(samples, 4 * len(weights)):
        order = np.argsort(rng.random((size, len(weights))), axis=1)
        share = _position_shares(order, weights, quota)
        total += share.sum(axis=0)
        squares += (share**2).sum(axis=0)
    return total, squares


def sample_task(
    seed: int, *, game: VotingGame, samples: int, shapley: bool, orderings: int | None = None
) -> dict[str, Any]:
    """Run one task: ``samples`` coalitions (and orderings) of ``game`` from ``seed``.

    A pure function of its arguments (the unit of work of a Dask run). Returns sums the
    caller adds up: ``hits`` (decisive counts), ``wins``, ``samples`` and, with
    ``shapley``, ``orderings``, ``shapley_sum`` and ``shapley_squares``. ``orderings``
    (default ``samples``) is the number of orderings of the position-share estimator.
    """
    rng = np.random.default_rng(seed)
    out: dict[str, Any] = {"samples": samples}
    orderings = samples if orderings is None else orderings
    if game.is_weighted:
        criterion = game.criteria[0]
        weights = np.array(criterion.weights, dtype=np.float64)
        out["hits"], out["wins"] = _weighted_banzhaf(weights, criterion.quota, samples, rng)
        if shapley:
            out["orderings"] = orderings
            out["shapley_sum"], out["shapley_squares"] = _weighted_shapley(
                weights, criterion.quota, orderings, rng
            )
        return out
    columns = game.columns()
    beta, act = _enum.monte_carlo_banzhaf(
        lambda present: present.astype(np.int64) @ columns,
        columns,
        game.wins,
        samples=samples,
        rng=rng,
    )
    out["hits"], out["wins"] = beta * samples, round(act * samples)
    if shapley:
        pivots = _enum.monte_carlo_shapley(columns, game.wins, samples=samples, rng=rng)
        out["shapley_sum"] = out["shapley_squares"] = pivots * samples
        out["orderings"] = samples
    return out


def normal_quantile(probability: float) -> float:
    """Quantile of the standard normal law (stdlib, no scipy import on this path).

    Examples
    --------
    >>> round(normal_quantile(0.975), 4)
    1.96
    """
    from statistics import NormalDist

    return NormalDist().inv_cdf(probability)


def student_quantile(probability: float, df: int) -> float:
    """Quantile of Student's t with ``df`` degrees of freedom (Cornish–Fisher series).

    ``t ≈ z + (z³+z)/(4ν) + (5z⁵+16z³+3z)/(96ν²) + (3z⁷+19z⁵+17z³−15z)/(384ν³)
    + (79z⁹+776z⁷+1482z⁵−1920z³−945z)/(92160ν⁴)`` (Abramowitz & Stegun 26.7.5): within
    about 10⁻³ of the exact value for ``ν ≥ 4`` at the usual levels.

    Examples
    --------
    >>> round(student_quantile(0.975, 19), 3)  # exact 2.093
    2.093
    """
    z, v = normal_quantile(probability), float(df)
    terms = (
        z,
        (z**3 + z) / (4 * v),
        (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2),
        (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3),
        (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * v**4),
    )
    return sum(terms)


def _wilson(share: F64, samples: int, z: float) -> tuple[F64, F64]:
    """Wilson score interval of binomial proportions ``share`` from ``samples`` trials."""
    centre = (share + z * z / (2 * samples)) / (1 + z * z / samples)
    half = z * np.sqrt(share * (1 - share) / samples + z * z / (4 * samples**2))
    half /= 1 + z * z / samples
    # the interval contains the estimate; keep it so against rounding at 0 and 1
    low = np.minimum(np.clip(centre - half, 0, 1), share)
    return low, np.maximum(np.clip(centre + half, 0, 1), share)


def _batch_interval(values: list[F64], confidence: float) -> tuple[F64, F64]:
    """Student-t interval of the mean of per-task estimates (NaN with one task)."""
    stacked = np.stack(values)
    if len(values) < 2:
        empty = np.full(stacked.shape[1], np.nan)
        return empty, empty.copy()
    mean = stacked.mean(axis=0)
    half = student_quantile(0.5 + confidence / 2, len(values) - 1) * stacked.std(axis=0, ddof=1)
    half /= math.sqrt(len(values))
    return np.clip(mean - half, 0, 1), np.clip(mean + half, 0, 1)


def combine(
    parts: Sequence[dict[str, Any]], *, n: int, confidence: float, weighted: bool
) -> Estimate:
    """Add up task results into estimates and intervals."""
    z = normal_quantile(0.5 + confidence / 2)
    samples = sum(int(p["samples"]) for p in parts)
    hits = np.sum([p["hits"] for p in parts], axis=0)
    beta = hits / samples
    total = beta.sum()
    normalised = beta / total if total > 0 else np.full(n, np.nan)
    per_task = [p["hits"] / p["hits"].sum() if p["hits"].sum() > 0 else np.zeros(n) for p in parts]
    intervals = {
        "banzhaf_absolute": _wilson(beta, samples, z),
        "banzhaf": _batch_interval(per_task, confidence),
    }
    shapley = None
    estimator = None
    orderings = 0
    if "shapley_sum" in parts[0]:
        orderings = sum(int(p["orderings"]) for p in parts)
        shapley = np.sum([p["shapley_sum"] for p in parts], axis=0) / orderings
        if weighted:
            squares = np.sum([p["shapley_squares"] for p in parts], axis=0) / orderings
            spread = np.sqrt(np.maximum(squares - shapley**2, 0) / max(orderings - 1, 1))
            intervals["shapley_shubik"] = (
                np.clip(shapley - z * spread, 0, 1),
                np.clip(shapley + z * spread, 0, 1),
            )
            estimator = "positions"
        else:
            intervals["shapley_shubik"] = _wilson(shapley, orderings, z)
            estimator = "pivots"
    return Estimate(
        banzhaf_absolute=beta,
        banzhaf=normalised,
        shapley_shubik=shapley,
        coleman_act=sum(int(p["wins"]) for p in parts) / samples,
        intervals=intervals,
        standard_error=np.sqrt(beta * (1 - beta) / samples),
        samples=samples,
        orderings=orderings,
        tasks=len(parts),
        confidence=confidence,
        error_bound=hoeffding_half_width(samples, confidence),
        shapley_estimator=estimator,
    )


def estimate(
    game: VotingGame,
    *,
    samples: int,
    rng: np.random.Generator,
    confidence: float = 0.95,
    shapley: bool = True,
    scheduler: str | None = None,
) -> Estimate:
    """Estimate the indices of ``game`` by Monte Carlo with confidence intervals.

    Parameters
    ----------
    game
        Any game (weighted games use the faster estimators above).
    samples
        Number ``K`` of coalitions (and of orderings for Shapley–Shubik); > 0.
    rng
        Random generator: one seed per task is drawn from it, so the same generator
        state gives the same estimate however the tasks are run.
    confidence
        Level of the intervals, in (0, 1).
    shapley
        Also estimate Shapley–Shubik.
    scheduler
        ``None``: the tasks run in this process. Otherwise a Dask scheduler
        (``"local"`` for a local cluster, an address ``tcp://host:port``), as in
        :func:`cityregions._distributed.map_tasks` (the ``dask`` extra).

    Returns
    -------
    Estimate

    Raises
    ------
    ParameterError
        ``samples`` not a positive integer or ``confidence`` outside (0, 1).

    Examples
    --------
    >>> import numpy as np
    >>> from cityregions.partnership.voting import weighted_game
    >>> result = estimate(weighted_game([4, 4, 4, 2, 2, 1], 12), samples=20_000,
    ...                   rng=np.random.default_rng(1))
    >>> low, high = result.intervals["banzhaf_absolute"]
    >>> bool(low[0] < 5 / 16 < high[0]), float(result.banzhaf_absolute[5])
    (True, 0.0)
    """
    samples = check_samples(samples)
    if not 0 < confidence < 1:
        msg = f"confidence must lie in (0, 1), got {confidence}"
        raise ParameterError(msg)
    sizes = task_sizes(samples)
    seeds = [int(s) for s in rng.integers(0, 2**63 - 1, size=len(sizes))]
    total_orderings = orderings_for(samples, game.n) if game.is_weighted else samples
    orderings = _spread(total_orderings, len(sizes))
    items = [
        {"seed": seed, "samples": size, "orderings": k}
        for seed, size, k in zip(seeds, sizes, orderings, strict=True)
    ]
    shared: dict[str, Any] = {"game": game, "shapley": shapley}
    if scheduler is None:
        parts = [_run_item(item, game=game, shapley=shapley) for item in items]
    else:
        from cityregions._distributed import map_tasks

        parts = map_tasks(
            _run_item, items, shared=shared, scheduler=scheduler, description="samples"
        )
    return combine(parts, n=game.n, confidence=confidence, weighted=game.is_weighted)


def _spread(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _run_item(item: dict[str, int], *, game: VotingGame, shapley: bool) -> dict[str, Any]:
    """One task of :func:`estimate` (module level, so that workers can import it)."""
    return sample_task(
        item["seed"],
        game=game,
        samples=item["samples"],
        shapley=shapley,
        orderings=item["orderings"],
    )


__all__ = [
    "Estimate",
    "check_samples",
    "combine",
    "estimate",
    "normal_quantile",
    "orderings_for",
    "sample_task",
    "student_quantile",
    "task_sizes",
]
