"""Two-tier (compound) voting: members vote in their bloc, blocs in the top body.

The compound game of Shapley (1962): a set ``S`` of members wins iff the set of blocs
``j`` with ``S ∩ M_j`` winning in the bloc game ``G_j`` wins in the top game ``G_0``.
Blocs must be disjoint.

Indirect power uses the multilinear extension (Owen 1972): with ``p_k = A(G_k)`` the
passage probability of bloc ``k``,

    β'_i(G) = ∂f_{G_0}/∂y_j (p_1, …, p_m) · β'_i(G_j)     (i ∈ M_j),

where ``∂f_{G_0}/∂y_j(p)`` is the chance that bloc ``j`` is decisive when every other
bloc ``k`` says yes with probability ``p_k``. This is exact; the product shortcut
``β'_j(G_0) · β'_i(G_j)`` is right only when all other blocs pass with probability ½.
Shapley–Shubik does not compose and is computed on the flattened game (enumeration up
to 20 members, else Monte Carlo with 95 % Wilson intervals when a generator is given).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cityregions._errors import InputError
from cityregions.partnership.voting import _enum
from cityregions.partnership.voting.approx import penrose_psi
from cityregions.partnership.voting.games import VotingGame
from cityregions.partnership.voting.montecarlo import _wilson
from cityregions.partnership.voting.power import voting_power

#: Largest flattened body whose Shapley–Shubik index is enumerated exactly.
MAX_FLAT_ENUMERATION = 20


@dataclass(frozen=True)
class TwoTierGame:
    """A top game on blocs and one game per bloc on its members.

    Parameters
    ----------
    top
        Game whose members are the bloc ids.
    blocs
        Bloc id → game on the bloc's members (disjoint member sets).
    """

    top: VotingGame
    blocs: Mapping[str, VotingGame]

    def __post_init__(self) -> None:
        seen: dict[str, str] = {}
        for bloc in self.top.members:
            if bloc not in self.blocs:
                msg = f"bloc '{bloc}' of the top body has no members (no bloc rule given)"
                raise InputError(msg, location=bloc, field="bloc")
            for member in self.blocs[bloc].members:
                if member in seen:
                    msg = (
                        f"member '{member}' is in blocs '{seen[member]}' and '{bloc}'; "
                        "blocs must be disjoint for the compound game"
                    )
                    raise InputError(msg, location=member, field="bloc")
                seen[member] = bloc
        extra = set(self.blocs) - set(self.top.members)
        if extra:
            msg = f"bloc(s) {sorted(extra)} have members but no seat in the top body"
            raise InputError(msg, field="bloc")

    @property
    def members(self) -> tuple[str, ...]:
        """All members, bloc by bloc in top-body order."""
        return tuple(m for b in self.top.members for m in self.blocs[b].members)

    def bloc_of(self) -> dict[str, str]:
        """Member → bloc."""
        return {m: b for b in self.top.members for m in self.blocs[b].members}

    def flat_rule(self) -> tuple[npt.NDArray[np.int64], Any]:
        """Columns and rule of the flattened game on all members (for enumeration/MC)."""
        members = self.members
        position = {m: i for i, m in enumerate(members)}
        blocks: list[tuple[int, VotingGame]] = []
        cols: list[npt.NDArray[np.int64]] = []
        offset = 0
        for bloc in self.top.members:
            game = self.blocs[bloc]
            col = np.zeros((len(members), len(game.criteria)), dtype=np.int64)
            for k, member in enumerate(game.members):
                col[position[member]] = game.columns()[k]
            cols.append(col)
            blocks.append((offset, game))
            offset += len(game.criteria)
        top_columns = self.top.columns()

        def rule(sums: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
            yes = np.stack(
                [g.wins(sums[:, o : o + len(g.criteria)]) for o, g in blocks], axis=1
            ).astype(np.int64)
            return self.top.wins(yes @ top_columns)

        return np.concatenate(cols, axis=1), rule


@dataclass(frozen=True)
class TwoTierResult:
    """Indirect power of every member of a two-tier body.

    Attributes
    ----------
    members
        One row per member: ``bloc``, ``bloc_banzhaf_absolute`` (power inside the
        bloc), ``bloc_decisiveness`` (``∂f_{G_0}/∂y_j(p)``), ``banzhaf_absolute``
        (indirect, exact chain rule), ``banzhaf`` (normalised over all members),
        ``shapley_shubik`` (flattened game), ``population``, ``power_per_inhabitant``
        (``ψ(N_i) · β'_i``) and ``per_inhabitant_ratio`` (to the best-placed member).
    blocs
        One row per bloc: ``passage_probability`` ``A(G_j)``, ``decisiveness``,
        ``top_banzhaf_absolute`` (bloc power in the top body at p = ½).
    coleman_act
        Passage probability of the whole body ``f_{G_0}(p)`` (exact).
    exact
        Member → exact indirect ``β'`` (Fraction).
    """

    members: pd.DataFrame
    blocs: pd.DataFrame
    coleman_act: Fraction
    exact: dict[str, Fraction]
    shapley_method: str


def _weighted_decisiveness(game: VotingGame, p: list[Fraction]) -> tuple[list[Fraction], Fraction]:
    """Exact ``∂f/∂y_j(p)`` and ``f(p)`` of a weighted game by a sparse DP."""
    criterion = game.criteria[0]
    weights, q = criterion.weights, criterion.quota

    def distribution(skip: int | None) -> dict[int, Fraction]:
        dist: dict[int, Fraction] = {0: Fraction(1)}
        for k, (w, pk) in enumerate(zip(weights, p, strict=True)):
            if k == skip:
                continue
            new: dict[int, Fraction] = {}
            for total, prob in dist.items():
                new[total] = new.get(total, Fraction(0)) + prob * (1 - pk)
                new[total + w] = new.get(total + w, Fraction(0)) + prob * pk
            dist = new
        return dist

    full = distribution(None)
    passage = sum((v for t, v in full.items() if t >= q), Fraction(0))
    out = []
    for j, w in enumerate(weights):
        dist = distribution(j)
        out.append(sum((v for t, v in dist.items() if q - w <= t < q), Fraction(0)))
    return out, passage


def _decisiveness(game: VotingGame, p: list[Fraction]) -> tuple[list[Fraction], Fraction]:
    if game.is_weighted and game.n <= 30:
        return _weighted_decisiveness(game, p)
    return _enum.decisiveness(game.winning_mask(), game.n, p)


def _flat_shapley(
    game: TwoTierGame, rng: np.random.Generator | None, samples: int
) -> tuple[list[Any] | None, str, tuple[Any, Any] | None]:
    """Shapley–Shubik of the flattened body, how, and 95 % intervals when estimated."""
    columns, rule = game.flat_rule()
    n = columns.shape[0]
    if n <= MAX_FLAT_ENUMERATION:
        sums = np.stack([_enum.subset_sums(list(c)) for c in columns.T], axis=1)
        _, by_size, _ = _enum.counts_from_mask(rule(sums), n)
        return [_enum.shapley_from_sizes(c, n) for c in by_size], "exact (enumeration)", None
    if rng is None:
        return None, f"not computed (more than {MAX_FLAT_ENUMERATION} members and no rng)", None
    values = _enum.monte_carlo_shapley(columns, rule, samples=samples, rng=rng)
    interval = _wilson(values, samples, 1.959963984540054)
    how = f"Monte Carlo ({samples:,} orderings, 95% intervals)"
    return list(values), how, interval


def two_tier_power(
    game: TwoTierGame,
    *,
    population: Mapping[str, float] | pd.Series | None = None,
    rng: np.random.Generator | None = None,
    samples: int = 100_000,
) -> TwoTierResult:
    """Compute each member's indirect voting power in a two-tier body.

    Parameters
    ----------
    game
        The compound game.
    population
        Inhabitants per member, for the per-inhabitant (Penrose) comparison.
    rng, samples
        Generator and number of orderings for a Monte Carlo Shapley–Shubik index of
        the flattened game when it has more than 20 members.

    Returns
    -------
    TwoTierResult

    Notes
    -----
    ``β'_i = ∂f_{G_0}/∂y_j(p) · β'_i(G_j)`` with ``p_k = |W_k| / 2**|M_k|`` (Owen's
    multilinear extension and the chain rule). Per inhabitant, when the inhabitants of
    member ``i`` decide its vote by simple majority: ``ψ(N_i) · β'_i`` with
    ``ψ(N) ≈ sqrt(2/(πN))`` (:func:`~cityregions.partnership.voting.approx.penrose_psi`).

    References
    ----------
    Owen, G. (1972). Multilinear extensions of games. Management Science 18(5), P64–P79.
    Felsenthal & Machover (1998), ch. 3 (composition of simple games).

    Examples
    --------
    >>> from cityregions.partnership.voting import weighted_game
    >>> top = weighted_game({"A": 3, "B": 2, "C": 2}, 4)
    >>> blocs = {"A": weighted_game({"a1": 2, "a2": 1, "a3": 1}, 3),
    ...          "B": weighted_game({"b1": 1, "b2": 1}, 2),
    ...          "C": weighted_game({"c1": 1, "c2": 1, "c3": 1}, 2)}
    >>> result = two_tier_power(TwoTierGame(top, blocs))
    >>> [str(result.exact[m]) for m in ("a1", "b1", "c1")]
    ['3/8', '1/4', '7/32']
    """

    bloc_results = {b: voting_power(game.blocs[b], shapley=False) for b in game.top.members}
    p = [Fraction(bloc_results[b].coleman_act) for b in game.top.members]
    decisive, passage = _decisiveness(game.top, p)
    top_plain = voting_power(game.top, shapley=False)
    exact: dict[str, Fraction] = {}
    rows = []
    for j, bloc in enumerate(game.top.members):
        inner = bloc_results[bloc]
        for member, beta in zip(inner.members, inner.banzhaf_absolute, strict=True):
            exact[member] = decisive[j] * Fraction(beta)
            rows.append(
                {
                    "member": member,
                    "bloc": bloc,
                    "bloc_banzhaf_absolute": float(beta),
                    "bloc_decisiveness": float(decisive[j]),
                    "banzhaf_absolute": float(exact[member]),
                }
            )
    members = pd.DataFrame(rows).set_index("member")
    total = sum(exact.values(), Fraction(0))
    members["banzhaf"] = [float(exact[m] / total) if total else math.nan for m in members.index]
    shapley, how, interval = _flat_shapley(game, rng, samples)
    members["shapley_shubik"] = [float(x) for x in shapley] if shapley is not None else math.nan
    if interval is not None:
        members["shapley_shubik_ci_low"], members["shapley_shubik_ci_high"] = interval
    _per_inhabitant(members, population)
    blocs = pd.DataFrame(
        {
            "passage_probability": [float(x) for x in p],
            "decisiveness": [float(x) for x in decisive],
            "top_banzhaf_absolute": [float(x) for x in top_plain.banzhaf_absolute],
            "members": [game.blocs[b].n for b in game.top.members],
        },
        index=pd.Index(game.top.members, name="bloc"),
    )
    return TwoTierResult(members, blocs, passage, exact, how)


def _per_inhabitant(
    members: pd.DataFrame, population: Mapping[str, float] | pd.Series | None
) -> None:

    if population is None:
        members["population"] = math.nan
        members["power_per_inhabitant"] = math.nan
        members["per_inhabitant_ratio"] = math.nan
        return
    pop = pd.Series(population, dtype=float).reindex(members.index)
    members["population"] = pop
    members["power_per_inhabitant"] = [
        penrose_psi(int(n)) * b if n == n and n >= 1 else math.nan
        for n, b in zip(pop, members["banzhaf_absolute"], strict=True)
    ]
    best = members["power_per_inhabitant"].max()
    members["per_inhabitant_ratio"] = members["power_per_inhabitant"] / best
