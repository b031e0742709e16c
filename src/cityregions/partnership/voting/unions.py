"""Voting power with a priori unions: the Owen and Banzhaf–Owen values.

Members of one body who agree beforehand to act together — city regions whose members
coordinate before the metropolitan body votes — form *a priori unions* (a partition
``U_1, …, U_m`` of the members). Bargaining runs in two stages: first between unions,
then inside a union. For member ``i`` of union ``U_k`` (``u = |U_k|``), with ``Q_R`` the
members of the unions in ``R``:

    Owen (1977):   φ_i = Σ_{R ⊆ M∖k} Σ_{T ⊆ U_k∖i} r!(m−r−1)!/m! · t!(u−t−1)!/u! · Δ_i(Q_R ∪ T)
    Banzhaf–Owen:  β_i = Σ_{R ⊆ M∖k} Σ_{T ⊆ U_k∖i} 1/2**(m−1) · 1/2**(u−1) · Δ_i(Q_R ∪ T)

with ``r = |R|``, ``t = |T|`` and ``Δ_i(S) = v(S ∪ i) − v(S)`` (1 when ``i`` turns the
losing ``S`` into a winning coalition). The Owen values add up to 1; the
Banzhaf–Owen values are probabilities of being decisive (not normalised). With every
member in a union of its own both reduce to Shapley–Shubik and absolute Banzhaf.

Computation (exact, :func:`union_power`):

* weighted games: for union ``k`` the other unions' coalitions are counted by number and
  weight ``(r, x)``, the union's own sub-coalitions without ``i`` by ``(t, y)``
  (sparse tables of exact integers: at most ``2**(m−1)`` and ``2**(u−1)`` entries, fewer
  when sums repeat), and ``i`` is decisive iff ``q − w_i ≤ x + y < q`` — a range count
  on the sorted ``x`` of each ``r`` (the precoalition programs of Staudacher et al.
  2022, with sparse instead of dense tables);
* any other rule with at most 24 members: all ``2**(n−1)`` pairs ``(R, T)`` from the
  table of winning coalitions;
* beyond (a weighted game whose tables would exceed :data:`MAX_STATES`): Monte Carlo —
  random orders of the unions and of the members inside each (Owen: the share of the
  ``u`` positions inside its union at which ``i`` would be pivotal), random ``R`` and
  ``T`` with probability ½ each (Banzhaf–Owen), with Wilson and normal intervals as in
  :mod:`.montecarlo`.

For a two-tier (compound) body whose blocs are the unions, ``Δ_i(Q_R ∪ T) = 1`` iff bloc
``k`` swings the top game given the blocs in ``R`` and ``i`` swings its bloc given ``T``,
so the values factor: Owen ``= φ_k(G_0)·φ_i(G_k)`` and Banzhaf–Owen
``= β'_k(G_0)·β'_i(G_k)`` (:func:`compound_union_values`; tested against the
enumeration of the flattened body). This is the a priori union reading of a
partnership scenario: city regions bargain as wholes, every other city region is either
entirely for or entirely against.

References
----------
Owen, G. (1977). Values of games with a priori unions. In Henn & Moeschlin (eds.),
*Mathematical Economics and Game Theory*, 76–88. Springer.
Owen, G. (1982). Modification of the Banzhaf–Coleman index for games with a priori
unions. In Holler (ed.), *Power, Voting and Voting Power*, 232–238. Physica.
Staudacher, J., Kóczy, L. Á., Stach, I., Filipp, J., Kramer, M., Noffke, T., Olsson, L.,
Pichler, J. & Singer, T. (2022). Computing power indices for weighted voting games with
precoalitions. Games 13(1), 6.
Alonso-Meijide, J. M. & Bowles, C. (2005). Generating functions for coalitional power
indices: an application to the IMF. Annals of Operations Research 137, 21–44.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from cityregions._errors import InputError, ParameterError
from cityregions.partnership.voting import _enum
from cityregions.partnership.voting.games import VotingGame
from cityregions.partnership.voting.montecarlo import (
    _position_shares,
    _wilson,
    check_samples,
    normal_quantile,
)

logger = logging.getLogger(__name__)

UnionMethod = Literal["auto", "exact", "montecarlo"]
#: Largest sparse table (entries of one union's or of the other unions' coalitions)
#: the exact weighted program builds; above it ``auto`` estimates by Monte Carlo.
MAX_STATES = 1_000_000
_CHUNK = 2_000_000


@dataclass(frozen=True)
class UnionResult:
    """Owen and Banzhaf–Owen values of the members of a body with a priori unions.

    Attributes
    ----------
    members, unions
        Member ids and the union of each (same order).
    owen, banzhaf_owen
        Values per member (:class:`~fractions.Fraction` when exact).
    method
        How they were computed.
    intervals
        ``owen`` / ``banzhaf_owen`` → (low, high) per member (Monte Carlo only).
    """

    members: tuple[str, ...]
    unions: tuple[str, ...]
    owen: tuple[Any, ...]
    banzhaf_owen: tuple[Any, ...]
    method: str
    exact: bool
    samples: int | None = None
    confidence: float | None = None
    intervals: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """One row per member: ``union``, ``owen``, ``banzhaf_owen`` (floats), intervals."""
        frame = pd.DataFrame(
            {
                "union": list(self.unions),
                "owen": [float(x) for x in self.owen],
                "banzhaf_owen": [float(x) for x in self.banzhaf_owen],
            },
            index=pd.Index(self.members, name="member"),
        )
        for name, (low, high) in self.intervals.items():
            frame[f"{name}_ci_low"] = list(low)
            frame[f"{name}_ci_high"] = list(high)
        frame["union_method"] = self.method
        return frame


def _partition(
    game: VotingGame, unions: Mapping[str, str] | pd.Series, source: str | None
) -> tuple[list[str], dict[str, list[int]]]:
    """Union of each member (in game order) and member indices per union (first seen)."""
    given = {str(k): str(v) for k, v in dict(unions).items()}
    missing = [m for m in game.members if m not in given]
    if missing:
        msg = f"member '{missing[0]}' has no union (give one line 'member,union' per member)"
        raise InputError(msg, source=source, location=missing[0], field="union")
    strangers = sorted(set(given) - set(game.members))
    if strangers:
        msg = f"'{strangers[0]}' has a union but is not a member of the body"
        raise InputError(msg, source=source, location=strangers[0], field="member")
    labels = [given[m] for m in game.members]
    groups: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(label, []).append(i)
    return labels, groups


def _subset_table(weights: Sequence[int], cap: int) -> dict[tuple[int, int], int] | None:
    """``(size, weight) → number of sub-coalitions`` of ``weights``; None above ``cap``.

    The table has at most ``min(2**len, (len + 1)(Σw + 1))`` entries; when that bound is
    above ``cap`` it is not tried (large unions of large weights go to Monte Carlo).
    """
    bound = (len(weights) + 1) * (sum(weights) + 1)
    if len(weights) < 64:
        bound = min(bound, 1 << len(weights))
    if bound > cap:
        return None
    table: dict[tuple[int, int], int] = {(0, 0): 1}
    for w in weights:
        grown = dict(table)
        for (size, total), count in table.items():
            key = (size + 1, total + w)
            grown[key] = grown.get(key, 0) + count
        table = grown
        if len(table) > cap:
            return None
    return table


def _range_counts(
    outer: dict[tuple[int, int], int], inner: dict[tuple[int, int], int], low: int, high: int
) -> dict[tuple[int, int], int]:
    """``(r, t) → Σ count_out·count_in`` over pairs with ``low ≤ x + y < high``."""
    by_r: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (r, x), count in outer.items():
        by_r[r].append((x, count))
    inner_t = np.array([t for t, _ in inner], dtype=np.int64)
    inner_y = np.array([y for _, y in inner], dtype=np.int64)
    inner_c = np.array(list(inner.values()), dtype=object)
    out: dict[tuple[int, int], int] = {}
    for r, pairs in sorted(by_r.items()):
        pairs.sort()
        xs = np.array([x for x, _ in pairs], dtype=np.int64)
        prefix = np.concatenate([[0], np.cumsum(np.array([c for _, c in pairs], dtype=object))])
        lo = np.searchsorted(xs, low - inner_y, side="left")
        hi = np.searchsorted(xs, high - inner_y, side="left")
        products = (prefix[hi] - prefix[lo]) * inner_c
        for t in np.unique(inner_t).tolist():
            total = int(products[inner_t == t].sum())
            if total:
                out[(r, t)] = total
    return out


def _shapley_weight(size: int, n: int) -> Fraction:
    return Fraction(math.factorial(size) * math.factorial(n - size - 1), math.factorial(n))


def _values(counts: dict[tuple[int, int], int], m: int, u: int) -> tuple[Fraction, Fraction]:
    owen = sum(
        (c * _shapley_weight(r, m) * _shapley_weight(t, u) for (r, t), c in counts.items()),
        Fraction(0),
    )
    banzhaf = Fraction(sum(counts.values()), 1 << (m - 1 + u - 1))
    return owen, banzhaf


def _exact_weighted(
    game: VotingGame, groups: dict[str, list[int]]
) -> tuple[list[Fraction], list[Fraction]] | None:
    """Exact values of a weighted game; None when a table would exceed MAX_STATES."""
    weights, q = game.criteria[0].weights, game.criteria[0].quota
    names = list(groups)
    union_weight = [sum(weights[i] for i in groups[u]) for u in names]
    m = len(names)
    owen = [Fraction(0)] * game.n
    banzhaf = [Fraction(0)] * game.n
    for k, name in enumerate(names):
        outer = _subset_table([union_weight[j] for j in range(m) if j != k], MAX_STATES)
        if outer is None:
            return None
        members = groups[name]
        for i in members:
            inner = _subset_table([weights[j] for j in members if j != i], MAX_STATES)
            if inner is None:
                return None
            counts = _range_counts(outer, inner, q - weights[i], q)
            owen[i], banzhaf[i] = _values(counts, m, len(members))
    return owen, banzhaf


def _subset_masks(bits: Sequence[int]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Bit masks and sizes of all subsets of ``bits`` (each an int mask)."""
    masks = np.zeros(1, dtype=np.int64)
    sizes = np.zeros(1, dtype=np.int64)
    for b in bits:
        masks = np.concatenate([masks, masks | b])
        sizes = np.concatenate([sizes, sizes + 1])
    return masks, sizes


def _exact_enumerated(
    game: VotingGame, groups: dict[str, list[int]]
) -> tuple[list[Fraction], list[Fraction]]:
    """Exact values of any rule from its table of winning coalitions (n ≤ 24)."""
    win = game.winning_mask()
    names = list(groups)
    m = len(names)
    union_bits = [sum(1 << i for i in groups[u]) for u in names]
    owen = [Fraction(0)] * game.n
    banzhaf = [Fraction(0)] * game.n
    for k, name in enumerate(names):
        outer, r = _subset_masks([union_bits[j] for j in range(m) if j != k])
        members = groups[name]
        for i in members:
            inner, t = _subset_masks([1 << j for j in members if j != i])
            both = (outer[:, None] | inner[None, :]).ravel()
            swing = win[both | (1 << i)] & ~win[both]
            pairs = (r[:, None] * (len(members) + 1) + t[None, :]).ravel()[swing]
            tally = np.bincount(pairs, minlength=m * (len(members) + 1))
            counts = {
                divmod(int(key), len(members) + 1): int(c) for key, c in enumerate(tally) if c
            }
            owen[i], banzhaf[i] = _values(counts, m, len(members))
    return owen, banzhaf


def _monte_carlo(
    game: VotingGame,
    labels: list[str],
    groups: dict[str, list[int]],
    *,
    samples: int,
    rng: np.random.Generator,
    confidence: float,
) -> tuple[npt.NDArray[np.float64], ...]:
    """Estimates (Owen, Banzhaf–Owen) and their standard deviations per sample."""
    weights = np.array(game.criteria[0].weights, dtype=np.float64)
    q = float(game.criteria[0].quota)
    names = list(groups)
    union_of = np.array([names.index(label) for label in labels])
    union_weight = np.array([weights[groups[u]].sum() for u in names])
    n, m = game.n, len(names)
    owen_sum, owen_squares, hits = np.zeros(n), np.zeros(n), np.zeros(n)
    indicator = np.zeros((n, m))
    indicator[np.arange(n), union_of] = 1.0
    done = 0
    while done < samples:
        size = min(max(1, _CHUNK // (4 * n)), samples - done)
        share = _owen_shares(rng, size, weights, q, groups, names, union_weight)
        owen_sum += share.sum(axis=0)
        owen_squares += (share**2).sum(axis=0)
        unions_in = rng.random((size, m)) < 0.5
        members_in = rng.random((size, n)) < 0.5
        # i's union is replaced by the sub-coalition T of its other members
        outside = (unions_in.astype(np.float64) @ union_weight)[:, None]
        outside = outside - unions_in[:, union_of] * union_weight[union_of]
        present = members_in * weights
        inside = (present @ indicator)[:, union_of] - present
        total = outside + inside
        hits += ((total >= q - weights) & (total < q)).sum(axis=0)
        done += size
    owen = owen_sum / samples
    spread = np.sqrt(np.maximum(owen_squares / samples - owen**2, 0) / max(samples - 1, 1))
    return owen, spread, hits / samples


def _owen_shares(
    rng: np.random.Generator,
    size: int,
    weights: npt.NDArray[np.float64],
    q: float,
    groups: dict[str, list[int]],
    names: list[str],
    union_weight: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Per ordering and member: share of positions inside its union where it pivots."""
    m = len(names)
    union_order = np.argsort(rng.random((size, m)), axis=1)
    rank = np.empty_like(union_order)
    np.put_along_axis(rank, union_order, np.arange(m)[None, :], axis=1)
    before = np.zeros((size, m))  # weight of the unions ahead of each union
    ordered = np.take_along_axis(np.broadcast_to(union_weight, (size, m)), union_order, axis=1)
    ahead = np.concatenate([np.zeros((size, 1)), np.cumsum(ordered, axis=1)[:, :-1]], axis=1)
    np.put_along_axis(before, union_order, ahead, axis=1)
    share = np.zeros((size, len(weights)))
    for k, name in enumerate(names):
        members = np.array(groups[name])
        inner_order = members[np.argsort(rng.random((size, len(members))), axis=1)]
        local = np.searchsorted(members, inner_order)  # positions 0..u-1 of the members
        part = _position_shares(local, weights[members], q - before[:, k : k + 1])
        share[:, members] = part
    return share


def union_power(
    game: VotingGame,
    unions: Mapping[str, str] | pd.Series,
    *,
    method: UnionMethod = "auto",
    samples: int = 100_000,
    rng: np.random.Generator | None = None,
    confidence: float = 0.95,
    source: str | None = None,
) -> UnionResult:
    """Compute the Owen and Banzhaf–Owen values of a body with a priori unions.

    Parameters
    ----------
    game
        The body (any rule; weighted games are exact at any size the tables allow).
    unions
        Member → union id (every member exactly once; a union of one member is
        allowed).
    method
        ``exact``, ``montecarlo`` (weighted games) or ``auto`` (exact when the tables
        fit :data:`MAX_STATES` or the rule can be enumerated, else Monte Carlo).
    samples, rng, confidence
        Monte Carlo orderings and coalitions, generator and interval level.
    source
        File the unions came from, for messages.

    Returns
    -------
    UnionResult

    Raises
    ------
    InputError
        A member without a union or a union naming a non-member (naming both).
    ParameterError
        ``exact`` beyond the tables, a rule of several criteria with more than 24
        members, Monte Carlo without ``rng``.

    Examples
    --------
    Three parties ``[4; 3, 2, 2]`` have a third of the power each (Shapley–Shubik); when
    the two small ones form a union, which alone reaches the quota, the large one has
    none:

    >>> from cityregions.partnership.voting import weighted_game
    >>> result = union_power(weighted_game({"a": 3, "b": 2, "c": 2}, 4),
    ...                      {"a": "A", "b": "BC", "c": "BC"})
    >>> [str(x) for x in result.owen], [str(x) for x in result.banzhaf_owen]
    (['0', '1/2', '1/2'], ['0', '1/2', '1/2'])
    """
    labels, groups = _partition(game, unions, source)
    samples = check_samples(samples)
    exact: tuple[list[Fraction], list[Fraction]] | None = None
    if method in ("auto", "exact"):
        if game.is_weighted:
            exact = _exact_weighted(game, groups)
        elif game.n <= _enum.MAX_ENUMERATION:
            exact = _exact_enumerated(game, groups)
        if exact is None and method == "exact":
            msg = (
                "the exact a priori union values need a weighted game whose union tables "
                f"stay below {MAX_STATES:,} entries, or at most {_enum.MAX_ENUMERATION} "
                "members; use method='montecarlo'"
            )
            raise ParameterError(msg)
    if exact is not None:
        how = "exact (union tables)" if game.is_weighted else "exact (enumeration)"
        return UnionResult(game.members, tuple(labels), tuple(exact[0]), tuple(exact[1]), how, True)
    if not game.is_weighted:
        msg = (
            f"a priori union values of a rule of several criteria with {game.n} members "
            f"(more than {_enum.MAX_ENUMERATION}) are not available"
        )
        raise ParameterError(msg)
    if rng is None:
        msg = "Monte Carlo needs a random generator: pass rng=numpy.random.default_rng(seed)"
        raise ParameterError(msg)
    return _estimated(game, labels, groups, samples=samples, rng=rng, confidence=confidence)


def _estimated(
    game: VotingGame,
    labels: list[str],
    groups: dict[str, list[int]],
    *,
    samples: int,
    rng: np.random.Generator,
    confidence: float,
) -> UnionResult:
    owen, spread, banzhaf = _monte_carlo(
        game, labels, groups, samples=samples, rng=rng, confidence=confidence
    )
    z = normal_quantile(0.5 + confidence / 2)
    low, high = _wilson(banzhaf, samples, z)
    intervals = {
        "owen": (tuple(np.clip(owen - z * spread, 0, 1)), tuple(np.clip(owen + z * spread, 0, 1))),
        "banzhaf_owen": (tuple(low), tuple(high)),
    }
    how = f"Monte Carlo ({samples:,} orderings and coalitions, {confidence:.0%} intervals)"
    return UnionResult(
        game.members,
        tuple(labels),
        tuple(owen),
        tuple(banzhaf),
        how,
        False,
        samples=samples,
        confidence=confidence,
        intervals=intervals,
    )


def compound_union_values(
    top_shapley: Sequence[Any],
    top_banzhaf: Sequence[Any],
    bloc_shapley: Mapping[str, Sequence[Any]],
    bloc_banzhaf: Mapping[str, Sequence[Any]],
    blocs: Sequence[str],
) -> dict[str, list[Any]]:
    """Owen and Banzhaf–Owen values of a two-tier body whose blocs are the unions.

    ``Owen_i = φ_k(G_0)·φ_i(G_k)``, ``Banzhaf–Owen_i = β'_k(G_0)·β'_i(G_k)`` for member
    ``i`` of bloc ``k`` (see the module notes). ``top_*`` are the blocs' indices in the
    top game (order of ``blocs``); ``bloc_*`` the members' indices inside each bloc.
    Returns ``{"owen": [...], "banzhaf_owen": [...]}`` in the order bloc by bloc.

    Examples
    --------
    >>> compound_union_values([0.5, 0.5], [0.5, 0.5], {"A": [1], "B": [0.5, 0.5]},
    ...                       {"A": [1], "B": [0.5, 0.5]}, ["A", "B"])
    {'owen': [0.5, 0.25, 0.25], 'banzhaf_owen': [0.5, 0.25, 0.25]}
    """
    owen, banzhaf = [], []
    for k, bloc in enumerate(blocs):
        owen += [top_shapley[k] * x for x in bloc_shapley[bloc]]
        banzhaf += [top_banzhaf[k] * x for x in bloc_banzhaf[bloc]]
    return {"owen": owen, "banzhaf_owen": banzhaf}


__all__ = ["MAX_STATES", "UnionResult", "compound_union_values", "union_power"]
