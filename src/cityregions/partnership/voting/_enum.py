"""Exact indices by enumerating all coalitions, and Monte Carlo estimates (private).

A coalition is an integer whose bit ``i`` says whether player ``i`` votes yes. The
winning set of any monotone rule is a boolean array of length ``2**n``; swings and
pivots are read off it by reshaping along one bit at a time.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from functools import lru_cache

import numpy as np
import numpy.typing as npt

#: Largest body enumerated exactly (2**24 coalitions, ~16 M booleans per criterion).
MAX_ENUMERATION = 24

Rule = Callable[[npt.NDArray[np.int64]], npt.NDArray[np.bool_]]


def subset_sums(weights: list[int]) -> npt.NDArray[np.int64]:
    """Weight of every coalition, indexed by its bit pattern."""
    sums = np.zeros(1, dtype=np.int64)
    for w in weights:
        sums = np.concatenate([sums, sums + w])
    return sums


def subset_sizes(n: int) -> npt.NDArray[np.int16]:
    """Size of every coalition, indexed by its bit pattern."""
    sizes = np.zeros(1, dtype=np.int16)
    for _ in range(n):
        sizes = np.concatenate([sizes, sizes + 1])
    return sizes


def counts_from_mask(win: npt.NDArray[np.bool_], n: int) -> tuple[list[int], list[list[int]], int]:
    """Swings, swings by size of the coalition without the player, and ``|W|``."""
    sizes = subset_sizes(n)
    swings: list[int] = []
    by_size: list[list[int]] = []
    for i in range(n):
        shaped = win.reshape(1 << (n - 1 - i), 2, 1 << i)
        swing = shaped[:, 1, :] & ~shaped[:, 0, :]
        without = sizes.reshape(1 << (n - 1 - i), 2, 1 << i)[:, 0, :]
        swings.append(int(swing.sum()))
        by_size.append(np.bincount(without[swing], minlength=n)[:n].tolist())
    return swings, by_size, int(win.sum())


def _coalition_probabilities(probabilities: list[Fraction]) -> npt.NDArray[np.object_]:
    prob: list[Fraction] = [Fraction(1)]
    for p in probabilities:
        prob = [x * (1 - p) for x in prob] + [x * p for x in prob]
    return np.array(prob, dtype=object)


def decisiveness(
    win: npt.NDArray[np.bool_], n: int, probabilities: list[Fraction]
) -> tuple[list[Fraction], Fraction]:
    """Exact ``df/dy_i(p)`` and ``f(p)`` of the multilinear extension of a rule.

    ``probabilities[i]`` is the chance that player ``i`` votes yes, independently;
    ``df/dy_i(p)`` is the chance that ``i`` is decisive given the others' votes.
    """
    probs = _coalition_probabilities(probabilities)
    passage = Fraction(probs[win].sum()) if win.any() else Fraction(0)
    out: list[Fraction] = []
    for i in range(n):
        others = _coalition_probabilities(
            [*probabilities[:i], Fraction(0), *probabilities[i + 1 :]]
        )
        shaped = win.reshape(1 << (n - 1 - i), 2, 1 << i)
        swing = shaped[:, 1, :] & ~shaped[:, 0, :]
        base = others.reshape(1 << (n - 1 - i), 2, 1 << i)[:, 0, :]
        out.append(Fraction(base[swing].sum()) if swing.any() else Fraction(0))
    return out, passage


@lru_cache(maxsize=8)
def _size_weights(n: int) -> tuple[tuple[int, ...], int]:
    """``s! (n-1-s)!`` for ``s = 0..n-1`` and ``n!``, as exact integers.

    Built by the ratio ``(s+1)! (n-2-s)! = s! (n-1-s)! · (s+1) / (n-1-s)`` (exact
    division): ``n`` products instead of ``2n`` factorials per call (which cost 3.5 s
    for 100 distinct weights of 1,000 members).
    """
    weights = [math.factorial(n - 1)] if n > 0 else []
    for s in range(n - 1):
        weights.append(weights[-1] * (s + 1) // (n - 1 - s))
    return tuple(weights), math.factorial(n)


def shapley_from_sizes(by_size: list[int], n: int) -> Fraction:
    """``sum_s N(s) s! (n-1-s)! / n!`` exactly.

    Examples
    --------
    >>> shapley_from_sizes([0, 2, 1], 3)  # (0·2 + 2·1 + 1·2) / 6
    Fraction(2, 3)
    """
    weights, total_orderings = _size_weights(n)
    # s!(n-1-s)! is symmetric in s <-> n-1-s: one product per pair of sizes
    counts = list(by_size) + [0] * (n - len(by_size))
    total = 0
    for s in range((n + 1) // 2):
        pair = counts[s] + (counts[n - 1 - s] if n - 1 - s != s else 0)
        if pair:
            total += pair * weights[s]
    return Fraction(total, total_orderings)


def monte_carlo_banzhaf(
    sums_of: Callable[[npt.NDArray[np.bool_]], npt.NDArray[np.int64]],
    columns: npt.NDArray[np.int64],
    rule: Rule,
    *,
    samples: int,
    rng: np.random.Generator,
    chunk: int = 20_000,
) -> tuple[npt.NDArray[np.float64], float]:
    """Share of random coalitions of the others in which each player is decisive.

    ``columns[i]`` holds player ``i``'s contribution to each criterion; ``rule`` maps an
    array of criterion sums (rows = coalitions) to win/lose. Each player is present
    with probability ½; one stream of coalitions serves all players (common random
    numbers). Returns the estimates and the share of winning coalitions.
    """
    n = columns.shape[0]
    hits = np.zeros(n, dtype=np.int64)
    wins = 0
    done = 0
    while done < samples:
        size = min(chunk, samples - done)
        present = rng.random((size, n)) < 0.5
        sums = sums_of(present)
        wins += int(rule(sums).sum())
        for i in range(n):
            without = sums - present[:, i, None] * columns[i]
            hits[i] += int((rule(without + columns[i]) & ~rule(without)).sum())
        done += size
    return hits / samples, wins / samples


def monte_carlo_shapley(
    columns: npt.NDArray[np.int64],
    rule: Rule,
    *,
    samples: int,
    rng: np.random.Generator,
    chunk: int = 2_000,
) -> npt.NDArray[np.float64]:
    """Share of random orderings in which each player is pivotal.

    Along each random order the criterion sums are accumulated; the pivot is the
    first player at which the rule holds (the rule is monotone).
    """
    n = columns.shape[0]
    pivots = np.zeros(n, dtype=np.int64)
    done = 0
    while done < samples:
        size = min(chunk, samples - done)
        order = np.argsort(rng.random((size, n)), axis=1)
        running = np.cumsum(columns[order], axis=1)  # (size, n, criteria)
        wins = rule(running.reshape(size * n, -1)).reshape(size, n)
        has = wins.any(axis=1)
        first = np.argmax(wins, axis=1)
        pivot = order[np.arange(size), first][has]
        pivots += np.bincount(pivot, minlength=n)
        done += size
    return pivots / samples
