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
