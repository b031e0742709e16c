"""Voting power of a game: Banzhaf, Shapley–Shubik, Coleman.

:func:`voting_power` computes the indices of a :class:`~.games.VotingGame`:

* exactly by a counting dynamic program over integer weights (one criterion; any
  size; counts are exact integers, see :mod:`cityregions.partnership.voting._dp`),
* exactly by enumerating all ``2**n`` coalitions (any rule, ``n ≤ 24``),
* by Monte Carlo with a stated error bound (any rule, any size).

Two-tier bodies (members vote inside their bloc, blocs in the metropolitan body) are in
:mod:`cityregions.partnership.voting.two_tier`.

References
----------
Banzhaf, J. F. (1965). Weighted voting doesn't work. Rutgers Law Review 19, 317–343.
Coleman, J. S. (1971). Control of collectivities and the power of a collectivity to act.
Felsenthal, D. S. & Machover, M. (1998). The Measurement of Voting Power. Edward Elgar.
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
from cityregions.partnership.voting import _dp, _enum
from cityregions.partnership.voting.games import (
    VotingGame,
)

logger = logging.getLogger(__name__)

Method = Literal["auto", "exact", "enumerate", "montecarlo"]


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class PowerResult:
    """Voting-power indices of one game.

    Exact results hold :class:`fractions.Fraction` values (``exact=True``); Monte Carlo
    results floats with ``standard_error`` and ``error_bound``.

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
        ``η_i`` (exact methods only).
    error_bound
        Half-width of the two-sided Hoeffding interval at ``confidence`` (Monte Carlo);
        it holds for every estimate, Banzhaf and Shapley–Shubik (both are means of
        ``samples`` indicators).
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
    notes: list[str] = field(default_factory=list)

    @property
    def dummies(self) -> tuple[str, ...]:
        """Members without any power (exact methods)."""
        return tuple(m for m, b in zip(self.members, self.banzhaf_absolute, strict=True) if b == 0)

    def to_frame(self) -> pd.DataFrame:
        """One row per member with float columns (exact values rounded to float)."""
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
        if self.standard_error is not None:
            frame["banzhaf_absolute_se"] = list(self.standard_error)
        frame["dummy"] = frame["banzhaf_absolute"] == 0
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
    )


def _exact_weighted(game: VotingGame, *, shapley: bool) -> PowerResult:
    criterion = game.criteria[0]
    weights, q = list(criterion.weights), criterion.quota
    n = game.n
    active = [w for w in weights if w > 0]
    zeros = n - len(active)
    if q > sum(active):  # nobody can win
        return _from_counts(game, [0] * n, 0, [Fraction(0)] * n if shapley else None, "exact")
    by_weight, winning = _dp.banzhaf_counts(active, q)
    swings = [by_weight[w] << zeros if w > 0 else 0 for w in weights]
    ss: list[Fraction] | None = None
    if shapley:
        cells = _dp.shapley_cells(active, q)
        if cells > _dp.MAX_SHAPLEY_CELLS:
            msg = (
                f"exact Shapley–Shubik for {n} members with a total weight of "
                f"{sum(active):,} needs a table of {cells:,} cells "
                f"(~{cells * 8 / 1e9:.1f} GB, O(n² q) work; at most "
                f"{_dp.MAX_SHAPLEY_CELLS:,}); compute Banzhaf only "
                "(shapley=False, --index banzhaf) or use method='montecarlo'"
            )
            raise ParameterError(msg)
        sizes = _dp.shapley_counts(active, q)
        m = len(active)
        value = {v: _enum.shapley_from_sizes(c, m) for v, c in sizes.items()}
        ss = [value[w] if w > 0 else Fraction(0) for w in weights]
    return _from_counts(game, swings, winning << zeros, ss, "exact")


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
    return _from_counts(game, swings, winning, ss, "enumerate")


def _monte_carlo(
    game: VotingGame,
    *,
    samples: int,
    rng: np.random.Generator,
    confidence: float,
    shapley: bool,
) -> PowerResult:
    columns = game.columns()
    beta, act = _enum.monte_carlo_banzhaf(
        lambda present: present.astype(np.int64) @ columns,
        columns,
        game.wins,
        samples=samples,
        rng=rng,
    )
    ss = (
        tuple(_enum.monte_carlo_shapley(columns, game.wins, samples=samples, rng=rng))
        if shapley
        else None
    )
    total = beta.sum()
    bound = math.sqrt(math.log(2 / (1 - confidence)) / (2 * samples))
    se = np.sqrt(beta * (1 - beta) / samples)
    return PowerResult(
        members=game.members,
        banzhaf_absolute=tuple(beta),
        banzhaf=tuple(beta / total if total > 0 else beta * np.nan),
        shapley_shubik=ss,
        coleman_act=act,
        # |W|/2^n = A and η_i/2^(n-1) = β' give η_i/|W| = β'/(2A)
        coleman_prevent=tuple(beta / (2 * act) if act > 0 else beta * np.nan),
        coleman_initiate=tuple(beta / (2 * (1 - act)) if act < 1 else beta * np.nan),
        swings=None,
        method="montecarlo",
        exact=False,
        samples=samples,
        standard_error=tuple(se),
        error_bound=bound,
        confidence=confidence,
    )


def voting_power(
    game: VotingGame,
    *,
    method: Method = "auto",
    shapley: bool = True,
    samples: int = 200_000,
    rng: np.random.Generator | None = None,
    confidence: float = 0.95,
) -> PowerResult:
    """Compute the Banzhaf, Shapley–Shubik and Coleman indices of a game.

    Parameters
    ----------
    game
        From :func:`weighted_game`, :func:`multi_criteria_game` or
        :func:`double_majority`.
    method
        ``exact`` (counting DP: weighted games of any size; rules whose criteria count
        members or share one weight vector — double majorities, blocking clauses —
        by a DP over (members, weight)), ``enumerate`` (all coalitions; any rule, at
        most 24 members), ``montecarlo`` or ``auto`` (exact for weighted games,
        enumeration for other rules up to 24 members, then the (members, weight) DP
        where it applies, else Monte Carlo).
    shapley
        Also compute Shapley–Shubik (the exact DP for it costs ``O(n² q)``).
    samples
        Monte Carlo sample size ``K`` (coalitions, and orderings for Shapley–Shubik).
    rng
        Random generator for Monte Carlo (required for it).
    confidence
        Confidence level of the Monte Carlo error bound.

    Returns
    -------
    PowerResult

    Notes
    -----
    ``β'_i = η_i / 2**(n−1)``, ``β_i = η_i / Σ η_j``,
    ``φ_i = Σ_{S ∌ i pivotal} |S|! (n−|S|−1)! / n!``, ``A = |W| / 2**n``,
    ``P_i = η_i / |W|``. Monte Carlo: ``K`` random coalitions (each member in with
    probability ½); the additive error of each estimate is at most
    ``ε = sqrt(ln(2/δ) / (2K))`` with probability ``1 − δ`` (Hoeffding), reported as
    ``error_bound``; ``standard_error = sqrt(β'(1−β')/K)``.

    Examples
    --------
    >>> from cityregions.partnership.voting import weighted_game
    >>> result = voting_power(weighted_game([4, 4, 4, 2, 2, 1], 12))
    >>> [str(x) for x in result.banzhaf]
    ['5/21', '5/21', '5/21', '1/7', '1/7', '0']
    >>> result.dummies
    ('6',)
    """
    if method == "auto":
        if game.is_weighted:
            method = "exact"
        elif game.n <= _enum.MAX_ENUMERATION:
            method = "enumerate"
        else:
            method = "exact" if _count_weight_form(game) is not None else "montecarlo"
    if method == "exact" and not game.is_weighted:
        form = _count_weight_form(game)
        if form is not None:
            return _exact_count_weight(game, form, shapley=shapley)
    if method == "exact":
        if not game.is_weighted:
            msg = (
                "the exact dynamic programs need one weighted criterion, or criteria that "
                "count members or share one weight vector (with a table of at most "
                f"{_dp.MAX_GRID:,} cells); use 'enumerate' or 'montecarlo'"
            )
            raise ParameterError(msg)
        return _exact_weighted(game, shapley=shapley)
    if method == "enumerate":
        return _enumerated(game, shapley=shapley)
    if method == "montecarlo":
        if rng is None:
            msg = "Monte Carlo needs a random generator: pass rng=numpy.random.default_rng(seed)"
            raise ParameterError(msg)
        return _monte_carlo(game, samples=samples, rng=rng, confidence=confidence, shapley=shapley)
    msg = f"unknown method {method!r}; use auto, exact, enumerate or montecarlo"
    raise ParameterError(msg)


__all__ = ["Method", "PowerResult", "voting_power"]
