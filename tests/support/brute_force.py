"""Independent brute-force references for the tests.

Voting power by enumerating every coalition; partition comparison (ARI, VI) by counting
every pair of units and every region; directed flow modularity by summing over the
matrix. None of them uses the code it checks.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from fractions import Fraction as F  # noqa: N817
from itertools import combinations

import numpy as np

from cityregions.partnership.voting import TwoTierGame, _enum


def flat_banzhaf(game: TwoTierGame) -> list[F]:
    """Absolute Banzhaf index of every member in the flattened body (all ``2**n`` coalitions)."""
    columns, rule = game.flat_rule()
    n = columns.shape[0]
    sums = np.stack([_enum.subset_sums(list(c)) for c in columns.T], axis=1)
    swings, _, _ = _enum.counts_from_mask(rule(sums), n)
    return [F(s, 2 ** (n - 1)) for s in swings]


def adjusted_rand_by_pairs(a: Mapping[str, Hashable], b: Mapping[str, Hashable]) -> float:
    """ARI of two partitions of the same units, by looking at every pair of units.

    Hubert & Arabie (1985), eq. 5, with the pair counts of the two partitions:
    ``index`` = pairs together in both, ``together_a`` / ``together_b`` = pairs together
    in A / in B, ``N`` = all pairs; expected index ``together_a * together_b / N``, maximum
    ``(together_a + together_b) / 2``.
    """
    assert set(a) == set(b), "the partitions must cover the same units"
    both = in_a = in_b = total = 0
    for u, v in combinations(sorted(a), 2):
        same_a, same_b = a[u] == a[v], b[u] == b[v]
        both += same_a and same_b
        in_a += same_a
        in_b += same_b
        total += 1
    expected = in_a * in_b / total
    maximum = (in_a + in_b) / 2
    if maximum == expected:  # both partitions all-singletons or one region
        return 1.0
    return (both - expected) / (maximum - expected)


def variation_of_information_by_entropy(
    a: Mapping[str, Hashable], b: Mapping[str, Hashable]
) -> float:
    """VI = H(A) + H(B) - 2 I(A; B) in nats (Meila 2007), from region and cell counts."""
    assert set(a) == set(b), "the partitions must cover the same units"
    n = len(a)

    def entropy(counts: Counter[Hashable]) -> float:
        return -sum(c / n * math.log(c / n) for c in counts.values())

    cells = Counter((a[u], b[u]) for u in a)
    h_a, h_b, h_ab = entropy(Counter(a.values())), entropy(Counter(b.values())), entropy(cells)
    mutual = h_a + h_b - h_ab
    return h_a + h_b - 2 * mutual


def directed_modularity(matrix: Sequence[Sequence[float]], regions: Sequence[Hashable]) -> float:
    """Leicht & Newman (2008) modularity of a flow matrix (diagonal included), by loops.

    ``Q = (1/m) sum_c [A_cc - O_c I_c / m]`` with ``A_cc`` the flows inside region c,
    ``O_c`` / ``I_c`` all flows out of / into the units of c and ``m`` the total.
    """
    n = len(regions)
    m = sum(matrix[i][j] for i in range(n) for j in range(n))
    q = 0.0
    for region in set(regions):
        members = [i for i in range(n) if regions[i] == region]
        inside = sum(matrix[i][j] for i in members for j in members)
        out = sum(matrix[i][j] for i in members for j in range(n))
        into = sum(matrix[j][i] for i in members for j in range(n))
        q += inside - out * into / m
    return q / m


def owen_by_orderings(weights: Sequence[int], quota: int, unions: Sequence[Hashable]) -> list[F]:
    """Owen value by its definition (Owen 1977): the share of the orderings in which the
    unions come one after the other (every order of the unions, every order inside each)
    where the member is pivotal for ``[quota; weights]``."""
    from itertools import permutations, product

    names = sorted(set(unions), key=str)
    groups = {u: [i for i, x in enumerate(unions) if x == u] for u in names}
    pivots = [0] * len(weights)
    orderings = 0
    for union_order in permutations(names):
        for inner in product(*(list(permutations(groups[u])) for u in union_order)):
            orderings += 1
            total = 0
            for i in (i for block in inner for i in block):
                if total < quota <= total + weights[i]:
                    pivots[i] += 1
                total += weights[i]
    return [F(p, orderings) for p in pivots]


def banzhaf_owen_by_subsets(
    weights: Sequence[int], quota: int, unions: Sequence[Hashable]
) -> list[F]:
    """Banzhaf–Owen value by its definition (Owen 1982): for member ``i`` of union ``k``
    the share of pairs (set ``R`` of other unions, subset ``T`` of ``k`` without ``i``)
    in which ``i`` turns ``∪R ∪ T`` from losing into winning."""
    names = sorted(set(unions), key=str)
    out = []
    for i, own in enumerate(unions):
        others = [u for u in names if u != own]
        mates = [j for j, u in enumerate(unions) if u == own and j != i]
        swings = pairs = 0
        for r in range(len(others) + 1):
            for chosen in combinations(others, r):
                outside = sum(w for w, u in zip(weights, unions, strict=True) if u in chosen)
                for t in range(len(mates) + 1):
                    for inside in combinations(mates, t):
                        pairs += 1
                        total = outside + sum(weights[j] for j in inside)
                        swings += total < quota <= total + weights[i]
        out.append(F(swings, pairs))
    return out
