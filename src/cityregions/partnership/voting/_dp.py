"""Exact counting dynamic programs for weighted majority games (private).

Counts of coalitions are exact integers. They grow like ``2**n``, so the tables are
kept *modulo several primes* ``p = 2**59 - c`` with ``c < 2**16`` in ``numpy.uint64``
arrays, and the few numbers the indices need are rebuilt as Python integers with the
Chinese remainder theorem. The product of the primes exceeds every count the programs
rebuild (``2**(n + 1)`` for the by-weight table, ``C(n, n // 2)`` for counts by size),
so the result is exact, not an approximation.

Arithmetic. The by-weight kernel adds two residues (below ``2**60``) and subtracts ``p``
once where the sum reaches it. The size-by-weight kernel applies up to four members of
equal weight ``v`` in one pass, ``c[s, k] += Σ_j C(g, j) c[s - j, k - j v]`` (the
binomial coefficients of ``(1 + y x**v)**g``), and reduces *lazily*: its cells stay
below ``M = 2**59 + 2**21`` (not below ``p``), a pass sums at most 16 of them (below
``2**64``), and ``x ≡ (x mod 2**59) + c · ⌊x / 2**59⌋ (mod p)`` — because
``2**59 ≡ c`` — brings the sum back below ``M`` with one mask, one shift and one small
multiplication, no comparison. One last pass subtracts ``p`` where a cell reaches it.

The table kernels are compiled with numba (the ``fast`` extra). Without numba the same
kernels run as numpy array operations (:mod:`._dp_numpy`): the same residues bit for
bit, only slower.

Notation: ``c[k]`` is the number of coalitions of *all* players with weight ``k`` (only
``k < q`` is kept); ``c[s, k]`` the same split by coalition size ``s``.

Leave-one-out ("divide out" a player of weight ``v``) is never materialised. The swing
count of a player of weight ``v`` is the window sum
``eta = sum_{k=q-v}^{q-1} d[k]`` of the counts ``d`` without that player, and because
``d = c / (1 + x**v)`` as a power series this equals an alternating sum over blocks of
width ``v`` counted down from ``q``:

    eta_v = sum_{m=0}^{q-1} (-1)**floor((q-1-m)/v) * c[m]

(each residue class modulo ``v`` meets the window exactly once). With sizes,
``N_v(s) = sum_m (-1)**j(m) c[s - j(m), m]`` with ``j(m) = floor((q-1-m)/v)``. So all
players of one weight cost one pass over the table, however many there are.

References
----------
Brams, S. J. & Affuso, P. J. (1976). Power and size: a new paradox. Theory and Decision 7.
Mann, I. & Shapley, L. S. (1962). The a priori voting strength of the Electoral College.
Uno, T. (2012). Efficient computation of power indices for weighted majority games.
ISAAC 2012, LNCS 7676.
"""

from __future__ import annotations

import logging
import math
import types
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt

from cityregions._optional import has_optional, install_hint

logger = logging.getLogger(__name__)

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
_LOW_BITS = 31
_LOW_MASK = np.uint64((1 << _LOW_BITS) - 1)
#: Work (table cells times primes times players) above which two threads are used.
_THREAD_WORK = 20_000_000
#: Members of equal weight applied in one pass by the compiled size-by-weight kernel
#: (1 to 4; the lazy reduction bounds a pass to 16 summed cells, ``2**4``).
GROUP = 4
#: Groups applied together as a row wavefront by the compiled size-by-weight kernel:
#: at step ``i`` group ``b`` of a wave updates row ``i + 4b`` (rows descending), so its
#: four source rows are those group ``b - 1`` left and it has not touched yet — the
#: same table as one group after the other, with the rows of two groups in cache
#: (measured 8 % faster on two threads, 1,000 members; 3 and more: no better).
WAVE_GROUPS = 2
#: Time of the window sums per table cell and side, in cells visited by the kernel's
#: passes (measured 3–10 on n = 200–1,500; the cost model's rates are in this ratio).
CELL_PER_PASS = 7
#: The primes are ``2**PRIME_BITS - c`` with ``c < 2**16`` (see the module notes).
PRIME_BITS = 59
_MAX_OFFSET = 1 << 16


def is_prime(n: int) -> bool:
    """Deterministic Miller–Rabin for ``n < 3.3e24`` (bases: the first 13 primes)."""
    if n < 2:
        return False
    small = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41)
    for p in small:
        if n % p == 0:
            return n == p
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for a in small:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


@lru_cache(maxsize=1)
def _prime_list(count: int = 400) -> tuple[int, ...]:
    primes: list[int] = []
    n = (1 << PRIME_BITS) - 1
    while len(primes) < count:
        if is_prime(n):
            primes.append(n)
        n -= 2
    if (1 << PRIME_BITS) - primes[-1] >= _MAX_OFFSET:
        msg = f"more than {len(primes)} primes of the form 2**59 - c, c < 2**16"
        raise ValueError(msg)
    return tuple(primes)


def primes_for(bits: int) -> tuple[int, ...]:
    """Return the fewest primes ``2**59 - c`` (``c < 2**16``) whose product exceeds ``2**bits``.

    Each prime is above ``2**58.9999``: 17 of them for ``C(1000, 500) < 2**995``.
    """
    primes = _prime_list(max(400, math.ceil((bits + 1) / (PRIME_BITS - 1))))
    product, count = 1, 0
    while product <= 1 << bits:
        product *= primes[count]
        count += 1
    return primes[:count]


def size_count_bits(n: int) -> int:
    """Bits of the largest count of coalitions of one size among ``n`` members.

    ``C(n, s) <= C(n, ⌊n/2⌋)``: every count by size that the size-by-weight programs
    rebuild (swings of a size, winning coalitions of a size) is below ``2**bits``.

    Examples
    --------
    >>> size_count_bits(1000)  # C(1000, 500) ≈ 2.7·10**299
    995
    """
    return math.comb(n, n // 2).bit_length()


def _kernels():  # type: ignore[no-untyped-def]
    """Compile (once, cached on disk) the numba kernels of the two counting tables.

    Without numba (the ``fast`` extra is not installed), the numpy kernels of
    :mod:`._dp_numpy`, which give the same residues.
    """
    global _KERNELS
    if _KERNELS is not None:
        return _KERNELS
    if not has_optional("numba"):
        from cityregions.partnership.voting import _dp_numpy

        logger.info(
            "numba is not installed: exact voting power runs on numpy kernels (same "
            "results, slower); for the compiled ones: %s",
            install_hint("fast"),
        )
        _KERNELS = _dp_numpy.kernels()
        return _KERNELS
    import numba

    # The by-weight table works in signed int64 (residues < 2**59, sums < 2**60) with a
    # branch-free reduction `x -= p * (x >= p)`, which numba vectorises: 1.5-1.8x faster
    # than the unsigned `min(x, x - p)` of the other kernels (measured, 1,000 members).
    def by_weight(weights, limit, primes):  # type: ignore[no-untyped-def]
        table = np.zeros((len(primes), limit), dtype=np.int64)
        for r in numba.prange(len(primes)):
            p = primes[r]
            row = table[r]
            row[0] = 1
            for w in weights:
                for k in range(limit - 1, w - 1, -1):
                    x = row[k] + row[k - w]
                    x -= p * (x >= p)
                    row[k] = x
        return table

    def by_size(weights, limit, max_size, lower, upper, primes, starts, sizes, table):  # type: ignore[no-untyped-def]
        # Members of equal weight are applied a group at a time (members starts[i] ..
        # starts[i] + sizes[i] - 1, equal_weight_groups), as one product
        # (1 + y x**v)**g: row s gains tab[s, k] += sum_j C(g, j) tab[s-j, k-j*v], rows
        # descending (rows s - j not yet updated): one pass over the table instead of
        # g (measured 1.5x faster than one member per pass with a 16-member row
        # wavefront, 1,000 members with weights 1..100); WAVE_GROUPS groups at a time
        # as a row wavefront. One function, no helper: numba does not find a cached
        # function again that calls a closure's function.
        # Lazy reduction (module notes): cells < M = 2**59 + 2**21, sums < 16 M < 2**64,
        # x -> (x & (2**59 - 1)) + c * (x >> 59) < 2**59 + 31 c < M.
        # `table` (primes, max_size + 1, limit) is zeroed and filled here: numpy
        # allocates it (huge pages where granted) and it is reused between chunks of
        # primes; the first touch of fresh memory costs up to 2 s per GB on a VM.
        n = len(weights)
        mask = np.uint64((1 << 59) - 1)
        top = np.uint64(59)
        low5 = np.uint64(31)  # x >> 59 < 32: tells LLVM the product is a small one
        # Heaviest first, the cells a group can change in row s are narrower than the
        # final band: an s-coalition of the members so far containing one of the group
        # weighs at least the s lightest so far and at most v plus the s - 1 heaviest.
        # Other orders use the final band only.
        heads = np.zeros(n + 1, dtype=np.int64)
        descending = True
        for t in range(n):
            heads[t + 1] = heads[t] + weights[t]
            if t > 0 and weights[t] > weights[t - 1]:
                descending = False
        count = len(starts)
        binom = np.zeros((5, 5), dtype=np.uint64)
        for g in range(5):
            binom[g, 0] = 1
            for j in range(1, g + 1):
                binom[g, j] = binom[g, j - 1] * (g - j + 1) // j
        for r in numba.prange(len(primes)):
            p = np.uint64(primes[r])
            c = ((np.uint64(1) << top) - p) & np.uint64(0xFFFF)  # 2**59 ≡ c (mod p)
            tab = table[r]
            tab[:, :] = 0
            tab[0, 0] = 1
            for w0 in range(0, count, WAVE_GROUPS):
                span = min(WAVE_GROUPS, count - w0)
                highest = 0
                for b in range(span):
                    highest = max(highest, min(starts[w0 + b] + sizes[w0 + b], max_size))
                for step in range(highest, -4 * (span - 1), -1):
                    for b in range(span):
                        s = step + 4 * b
                        t0, g = starts[w0 + b], sizes[w0 + b]
                        if s < 1 or s > min(t0 + g, max_size):
                            continue
                        v = weights[t0]
                        u1, u2, u3, u4 = (
                            np.uintp(v),
                            np.uintp(2 * v),
                            np.uintp(3 * v),
                            np.uintp(4 * v),
                        )
                        lo = max(v, lower[s])
                        hi = upper[s]
                        if descending:
                            lo = max(lo, heads[t0 + g] - heads[t0 + g - s])
                            hi = min(hi, v + heads[s - 1] + 1)
                        if lo >= hi:
                            continue
                        dst = tab[s]
                        kmax = min(g, s)
                        # columns below g*v (and rows below g) miss some source terms
                        split = min(max(lo, g * v), hi) if kmax == g else hi
                        for j in range(1, kmax + 1):
                            coefficient = binom[g, j]
                            src = tab[s - j]
                            for k in range(max(lo, j * v), split):
                                x = dst[k] + coefficient * src[k - j * v]
                                dst[k] = (x & mask) + c * ((x >> top) & low5)
                        first, stop = np.uintp(split), np.uintp(hi)
                        if split >= hi:
                            continue
                        if g == 1:
                            s1 = tab[s - 1]
                            for k in range(first, stop):
                                x = dst[k] + s1[k - u1]
                                dst[k] = (x & mask) + c * ((x >> top) & low5)
                        elif g == 2:
                            s1, s2 = tab[s - 1], tab[s - 2]
                            for k in range(first, stop):
                                a = s1[k - u1]
                                x = dst[k] + a + a + s2[k - u2]
                                dst[k] = (x & mask) + c * ((x >> top) & low5)
                        elif g == 3:
                            s1, s2, s3 = tab[s - 1], tab[s - 2], tab[s - 3]
                            for k in range(first, stop):
                                a = s1[k - u1] + s2[k - u2]
                                x = dst[k] + a + a + a + s3[k - u3]
                                dst[k] = (x & mask) + c * ((x >> top) & low5)
                        else:
                            s1, s2, s3, s4 = tab[s - 1], tab[s - 2], tab[s - 3], tab[s - 4]
                            for k in range(first, stop):
                                a = s1[k - u1] + s3[k - u3]  # 4 a + 6 b = 2 (2 (a + b) + b)
                                b = s2[k - u2]
                                d = a + b
                                d = d + d + b
                                x = dst[k] + d + d + s4[k - u4]
                                dst[k] = (x & mask) + c * ((x >> top) & low5)
            for s in range(max_size + 1):  # cells < M < 2 p: one subtraction
                row = tab[s]  # (outside [lower, upper) every cell is still 0)
                for k in range(np.uintp(max(lower[s], 0)), np.uintp(max(upper[s], 0))):
                    x = row[k]
                    row[k] = min(x, x - p)

    def windows(table, primes, limits, values, shift, start):  # type: ignore[no-untyped-def]
        # out[r, a*V + i, s] = sum_m (-1)**floor((L_a-1-m)/v_i) table[r, s - j(m), m]
        # mod p for each limit L_a (a side of the table) and weight v_i. Row by row:
        # the prefix sums P of row s (in cache, once for every side) from start[s], below
        # which the blocks read no cell; block j of weight v is P[L - jv] - P[L - (j+1)v]
        # with sign (-1)**j, which is g[j] + g[j+1] for g[j] = (-1)**j P[L - jv]: one
        # gather of g, then one contiguous loop adding block j to size s + j (shift) or
        # to size s.
        n_p, n_s = table.shape[0], table.shape[1]
        n_v = len(values)
        width = 0
        for a in range(len(limits)):
            width = max(width, limits[a])
        out = np.zeros((n_p, len(limits) * n_v, n_s), dtype=np.uint64)
        for r in numba.prange(n_p):
            p = primes[r]
            prefixes = np.zeros((4, width + 1), dtype=np.uint64)
            signed = np.zeros(width + 2, dtype=np.uint64)
            for s0 in range(0, n_s, 4):
                # prefix sums of four rows at once: four independent chains of
                # dependent additions run side by side (the one-row loop waits for each)
                first = width
                for b in range(min(4, n_s - s0)):
                    first = min(first, max(start[s0 + b], 0))
                x0 = x1 = x2 = x3 = np.uint64(0)
                src = table[r, s0]
                r1 = table[r, min(s0 + 1, n_s - 1)]
                r2 = table[r, min(s0 + 2, n_s - 1)]
                r3 = table[r, min(s0 + 3, n_s - 1)]
                p0, p1, p2, p3 = prefixes[0], prefixes[1], prefixes[2], prefixes[3]
                p0[first] = p1[first] = p2[first] = p3[first] = 0
                for m in range(np.uintp(first), np.uintp(width)):
                    after = m + np.uintp(1)
                    x0 = x0 + src[m]
                    x0 = min(x0, x0 - p)
                    p0[after] = x0
                    x1 = x1 + r1[m]
                    x1 = min(x1, x1 - p)
                    p1[after] = x1
                    x2 = x2 + r2[m]
                    x2 = min(x2, x2 - p)
                    p2[after] = x2
                    x3 = x3 + r3[m]
                    x3 = min(x3, x3 - p)
                    p3[after] = x3
                # cells below `first` read as 0: the blocks only take differences of
                # prefix sums at or above each row's own start
                for b in range(min(4, n_s - s0)):
                    s = s0 + b
                    prefix = prefixes[b]
                    for a in range(len(limits)):
                        limit = limits[a]
                        for i in range(n_v):
                            v = values[i]
                            acc = out[r, a * n_v + i]
                            # blocks above `first` only (lower ones are 0)
                            blocks = (limit - first + v - 1) // v if limit > first else 0
                            count = min(blocks, n_s - s) if shift else blocks
                            for j in range(0, count + 1, 2):
                                signed[j] = prefix[max(limit - j * v, first)]
                            for j in range(1, count + 1, 2):
                                y = p - prefix[max(limit - j * v, first)]
                                signed[j] = min(y, y - p)  # p - 0 is 0
                            if shift:
                                target = acc[s : s + count]
                                for j in range(count):
                                    y = signed[j] + signed[j + 1]
                                    y = min(y, y - p)
                                    y = target[j] + y
                                    target[j] = min(y, y - p)
                            else:
                                total = acc[s]
                                for j in range(count):
                                    y = signed[j] + signed[j + 1]
                                    y = min(y, y - p)
                                    y = total + y
                                    total = min(y, y - p)
                                acc[s] = total
        return out

    def regions(table, primes, win, values):  # type: ignore[no-untyped-def]
        # out[r, i, s] = sum_m d_i[s, m] over the swing region of weight v_i, where
        # d_i = table / (1 + y x^v) (leave-one-out) and the region is
        # {(s, m): not win[s, m] and win[s + 1, m + v]}; the last entry of `values`
        # may be -1: then out = sum_m table[s, m] * win[s, m] (winning coalitions).
        n_p, n_s, n_m = table.shape
        out = np.zeros((n_p, len(values), n_s), dtype=np.uint64)
        for r in numba.prange(n_p):
            p = primes[r]
            tab = table[r]
            d = np.zeros((n_s, n_m), dtype=np.uint64)
            for i in range(len(values)):
                v = values[i]
                if v < 0:
                    for s in range(n_s):
                        acc = np.uint64(0)
                        for m in range(n_m):
                            if win[s, m]:
                                x = acc + tab[s, m]
                                acc = min(x, x - p)
                        out[r, i, s] = acc
                    continue
                for s in range(n_s):
                    for m in range(n_m):
                        x = tab[s, m]
                        if s > 0 and m >= v:
                            x = x + p - d[s - 1, m - v]
                            x = min(x, x - p)
                        d[s, m] = x
                for s in range(n_s - 1):
                    acc = np.uint64(0)
                    for m in range(n_m - v):
                        if win[s + 1, m + v] and not win[s, m]:
                            x = acc + d[s, m]
                            acc = min(x, x - p)
                    out[r, i, s] = acc
        return out

    # nogil: a serial kernel can run in a thread of its own beside a parallel one
    # (shapley_counts builds the odd prime out that way)
    def serial(fn):  # type: ignore[no-untyped-def]
        try:  # cache on disk; a read-only install has no cache locator
            return numba.njit(cache=True, nogil=True)(fn)
        except RuntimeError:
            return numba.njit(nogil=True)(fn)

    def parallel(fn):  # type: ignore[no-untyped-def]
        # A copy under its own name: numba's disk cache is keyed by the function's
        # name, not by `parallel`, so the same function would load the serial build.
        clone = types.FunctionType(
            fn.__code__, fn.__globals__, f"{fn.__name__}_parallel", None, fn.__closure__
        )
        clone.__qualname__ = f"{fn.__qualname__}_parallel"
        try:
            return numba.njit(cache=True, parallel=True, nogil=True)(clone)
        except RuntimeError:
            return numba.njit(parallel=True, nogil=True)(clone)

    _KERNELS = (
        (serial(by_weight), parallel(by_weight)),
        (serial(by_size), parallel(by_size)),
        (serial(windows), parallel(windows)),
        (serial(regions), parallel(regions)),
    )
    return _KERNELS


_KERNELS = None


def _kernel(which: int, work: int):  # type: ignore[no-untyped-def]
    """The serial kernel for small work, the parallel one (over primes) for large."""
    return _kernels()[which][1 if work > _THREAD_WORK else 0]


def _count_by_weight(weights: list[int], limit: int, primes: tuple[int, ...]) -> U64:
    """Counts ``c[k]`` (k < limit) of coalitions by weight, modulo each prime."""
    w = np.array([x for x in weights if x < limit], dtype=np.int64)
    by_weight = _kernel(0, len(w) * limit * len(primes))
    table = by_weight(w, limit, np.array(primes, dtype=np.int64))
    return table.view(np.uint64)  # type: ignore[no-any-return]


def equal_weight_groups(weights: I64, group: int = GROUP) -> tuple[I64, I64]:
    """Runs of equal consecutive weights, cut into groups of at most ``group`` members.

    Returns the first member and the size of each group: the passes of the compiled
    size-by-weight kernel (one per group) and of :meth:`SizePlan.passes`.

    Examples
    --------
    >>> starts, sizes = equal_weight_groups(np.array([5, 5, 5, 5, 5, 3, 2, 2]))
    >>> starts.tolist(), sizes.tolist()
    ([0, 4, 5, 6], [4, 1, 1, 2])
    """
    if not 1 <= group <= GROUP:
        msg = f"group must be between 1 and {GROUP}, got {group}"
        raise ValueError(msg)
    starts, sizes = [], []
    t = 0
    while t < len(weights):
        g = 1
        while g < group and t + g < len(weights) and weights[t + g] == weights[t]:
            g += 1
        starts.append(t)
        sizes.append(g)
        t += g
    return np.array(starts, dtype=np.int64), np.array(sizes, dtype=np.int64)


def size_band(
    weights: list[int] | npt.NDArray[np.int64], limit: int, max_size: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The weights heaviest first, and the final band of the size-by-weight table.

    ``lower[s]`` is the weight of the ``s`` lightest members, ``upper[s]`` one more
    than that of the ``s`` heaviest (``s = 0..max_size``), both clipped to ``limit``:
    every coalition of size ``s`` weighs within ``[lower[s], upper[s])``. Only weights
    below ``limit`` count (heavier members are in no table cell).
    """
    ascending = np.sort(np.array([x for x in weights if x < limit], dtype=np.int64))
    heaviest_first = ascending[::-1].copy()
    lower = np.concatenate([[0], np.cumsum(ascending)])[: max_size + 1]
    upper = np.concatenate([[0], np.cumsum(heaviest_first)])[: max_size + 1] + 1
    return (
        heaviest_first,
        np.minimum(lower, limit).astype(np.int64),
        np.minimum(upper, limit).astype(np.int64),
    )


def _count_by_size(
    weights: list[int], limit: int, max_size: int, primes: tuple[int, ...], group: int = GROUP
) -> U64:
    """Counts ``c[s, k]`` (s <= max_size, k < limit) modulo each prime.

    Row ``s`` is only filled between the lightest and the heaviest possible weight of
    an ``s``-coalition (the band of the final table, which contains every
    intermediate one); the members are applied heaviest first, which narrows each
    member's band further (:func:`shapley_updates`). The compiled kernel applies up to
    ``group`` members of equal weight in one pass (1 to 4; the same table as one member
    after the other, which ``group=1`` is).
    """
    w, lower, upper = size_band(weights, limit, max_size)  # heaviest first: narrowest
    starts, sizes = equal_weight_groups(w, group)
    by_size = _kernel(1, len(w) * (max_size + 1) * limit * len(primes))
    table = np.empty((len(primes), max_size + 1, limit), dtype=np.uint64)
    prime_array = np.array(primes, dtype=np.int64)
    by_size(w, limit, max_size, lower, upper, prime_array, starts, sizes, table)
    return table


def _block_bounds(q: int, v: int) -> npt.NDArray[np.int64]:
    """Block boundaries ``q, q - v, q - 2v, ..., 0`` (clipped at 0)."""
    count = -(-q // v)
    bounds = q - v * np.arange(count + 1, dtype=np.int64)
    return np.maximum(bounds, 0)


def _prefix(table: U64) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Prefix sums (along the last axis, leading 0) of the low and high 31-bit halves."""
    shape = (*table.shape[:-1], table.shape[-1] + 1)
    low = np.zeros(shape, dtype=np.int64)
    high = np.zeros(shape, dtype=np.int64)
    np.cumsum((table & _LOW_MASK).astype(np.int64), axis=-1, out=low[..., 1:])
    np.cumsum((table >> np.uint64(_LOW_BITS)).astype(np.int64), axis=-1, out=high[..., 1:])
    return low, high


def _combine(low: npt.NDArray[np.int64], high: npt.NDArray[np.int64], primes) -> list:  # type: ignore[no-untyped-def]
    """Residues ``(high * 2**31 + low) mod p`` as nested lists of Python ints, per prime."""
    out = []
    for r, p in enumerate(primes):
        hi = high[r].astype(object)
        lo = low[r].astype(object)
        out.append((hi * (1 << _LOW_BITS) + lo) % p)
    return out


def crt(residues: list, primes: tuple[int, ...]):  # type: ignore[no-untyped-def]
    """Rebuild non-negative integers below the product of ``primes`` from residues.

    ``residues[r]`` is an object array (or int) of residues modulo ``primes[r]``.
    """
    modulus = math.prod(primes)
    total = 0
    for res, p in zip(residues, primes, strict=True):
        part = modulus // p
        total = total + res * (part * pow(part % p, -1, p))
    return total % modulus


Engine = Literal["dp", "gf"]
#: The exact counting engines: ``dp`` — the knapsack dynamic program of this module
#: (``O(n q)`` and ``O(n² q)`` cell updates); ``gf`` — generating functions by exp–log
#: with number-theoretic transforms (:mod:`._gf`, ``O(n + q log q)`` and ``O(ñ q log q)``).
ENGINES: tuple[str, ...] = ("dp", "gf")


def engine_primes(engine: str, bits: int) -> tuple[int, ...]:
    """Primes of an engine for integers below ``2**bits``: 59-bit (dp) or NTT primes (gf)."""
    if engine == "gf":
        from cityregions.partnership.voting import _ntt

        return _ntt.ntt_primes(bits)
    return primes_for(bits)


def _per_chunk(cells: int, count: int, reserved: int = 0) -> int:
    """Primes per chunk (of ``count``): ``cells`` per prime times a chunk within the
    memory cap (less ``reserved`` cells held elsewhere); an even number where the
    primes need several chunks (the parallel kernels share the primes of a chunk
    between two threads)."""
    per = min(count, max(1, (MAX_TABLE_CELLS - reserved) // max(cells, 1)))
    return per - per % 2 if 1 < per < count else per


def _chunks(primes: tuple[int, ...], cells: int, reserved: int = 0) -> list[tuple[int, ...]]:
    """Split primes so that ``cells`` per prime times a chunk stays within the memory cap."""
    per = _per_chunk(cells, len(primes), reserved)
    return [primes[i : i + per] for i in range(0, len(primes), per)]


def _odd_prime_out(engine: str, primes: tuple[int, ...], work: int) -> tuple[int, ...]:
    """The last prime, if an odd number of them would leave one of two threads idle.

    Two or more threads, the compiled dp engine and work enough for the parallel
    kernels (:data:`_THREAD_WORK`): the last prime of an odd number is built in a
    thread of its own (serial kernels, which release the GIL) beside the parallel
    kernels' chunks of an even number; the operating system shares the cores.
    """
    if engine != "dp" or len(primes) % 2 == 0 or len(primes) < 3:
        return ()
    if work * len(primes) <= _THREAD_WORK or not has_optional("numba"):
        return ()
    import numba

    return primes[-1:] if numba.get_num_threads() > 1 else ()


def narrow_limit(weights: list[int], quota: int) -> int:
    """Weights below which counting coalitions serves the quota or its complement.

    Complement symmetry: ``T = N \\ S`` loses with weight at most ``W − q``, so counting
    coalitions lighter than ``min(q, W − q + 1)`` gives the swings of either (used by
    :func:`banzhaf_counts` and the one-sided plan of :func:`candidate_plans`).
    """
    return min(quota, sum(weights) - quota + 1)


def banzhaf_counts(
    weights: list[int], quota: int, *, engine: Engine = "dp"
) -> tuple[dict[int, int], int]:
    """Swings per distinct weight and the number of winning coalitions, exactly.

    Parameters
    ----------
    weights
        Positive integer weights (zero weights must be removed by the caller).
    quota
        Integer quota with ``0 < quota <= sum(weights)``.
    engine
        ``dp`` (knapsack dynamic program) or ``gf`` (generating functions, :mod:`._gf`);
        both give the same integers.

    Returns
    -------
    swings, winning
        ``swings[v]`` = number of coalitions of the *other* players in which a player
        of weight ``v`` is decisive; ``winning`` = number of winning coalitions.
    """
    n = len(weights)
    limit = narrow_limit(weights, quota)
    primes = engine_primes(engine, n + 1)
    values = sorted(set(weights))
    if engine == "gf":
        from cityregions.partnership.voting import _gf

        table = _gf.count_by_weight(weights, limit, primes)[:, None, :]
    else:
        table = _count_by_weight(weights, limit, primes)[:, None, :]
    prime_array = np.array(primes, dtype=np.uint64)
    windows = _kernel(2, table.size * 4)
    sides, start = np.array([limit]), np.zeros(1, dtype=np.int64)
    sums = windows(table, prime_array, sides, np.array(values), False, start)
    below_res = windows(table, prime_array, sides, np.array([limit]), False, start)
    swing_values = crt(list(sums[:, :, 0].astype(object)), primes)
    swings = {v: int(x) for v, x in zip(values, swing_values, strict=True)}
    below = int(crt(list(below_res[:, 0, 0].astype(object)), primes))
    # `below` counts coalitions lighter than `limit`; if the complement trick was used
    # these are the complements of winning coalitions.
    winning = (1 << n) - below if limit == quota else below
    return swings, winning


#: Largest size-by-weight table (cells times primes held at once, 8 bytes each) of the
#: exact Shapley–Shubik programs: 5·10**7 cells = 400 MB. Larger tables are built a
#: few primes at a time (the time grows, the memory does not).
MAX_TABLE_CELLS = 50_000_000


def _feasible_rows(weights: list[int], width: int) -> int:
    """Largest size of a coalition lighter than ``width`` (its lightest members)."""
    acc, rows = 0, 0
    for w in sorted(weights):
        if acc + w >= width:
            break
        acc += w
        rows += 1
    return rows


@dataclass(frozen=True, eq=False)
class SizePlan:
    """How :func:`shapley_counts` builds and reads its size-by-weight table.

    Attributes
    ----------
    width
        Weights ``k < width`` are kept.
    rows
        Sizes ``s <= rows`` are kept.
    sides
        ``(Q, mirrored)`` per pass of window sums: the swing counts of a member of
        weight ``v`` are the alternating block sums down from ``Q``; for the quota
        itself (``mirrored`` false) they count coalitions of size ``s``, for the
        complement's quota ``W − q + 1`` (``mirrored``) coalitions of size
        ``n − 1 − s`` (their complements among the others).
    weights, lower, upper
        The members heaviest first and, per size, the first cell the window sums read
        and one past the heaviest possible weight (:func:`size_band`, narrowed by
        :func:`shapley_plan`).
    """

    width: int
    rows: int
    sides: tuple[tuple[int, bool], ...]
    weights: npt.NDArray[np.int64]
    lower: npt.NDArray[np.int64]
    upper: npt.NDArray[np.int64]

    def updates(self) -> int:
        """Cell updates per prime, one member at a time (heaviest first).

        Member ``t`` (weights descending, ``H`` their prefix sums) changes row ``s``
        only between ``max(w_t, lower[s], H[t+1] − H[t+1−s])`` — the ``s`` lightest
        weights so far — and ``min(w_t + H[s−1], width − 1)``: the bounds the kernel
        uses (:func:`_kernels`, ``by_size``).
        """
        return self._visited(1)

    def passes(self) -> int:
        """Cells per prime that the compiled kernel's passes visit (:data:`GROUP`).

        Up to ``GROUP`` members of equal weight share one pass, which visits the cells
        its last member would (:meth:`updates`). Time follows passes more than
        updates (a pass over four members costs about what one over one member does).
        """
        return self._visited(GROUP)

    def _visited(self, group: int) -> int:
        w, lower = self.weights, self.lower
        heads = np.concatenate([[0], np.cumsum(w)])
        starts, sizes = equal_weight_groups(w, group)
        end, v = starts + sizes, w[starts]
        total = 0
        for size in range(1, min(self.rows, len(w)) + 1):
            at = end >= size  # groups after which a coalition of `size` exists
            e, u = end[at], v[at]
            lo = np.maximum(np.maximum(u, lower[size]), heads[e] - heads[e - size])
            hi = np.minimum(u + heads[size - 1] + 1, self.width)
            total += int(np.maximum(hi - lo, 0).sum())
        return total

    def feasible_rows(self) -> int:
        """Every size with a coalition lighter than the width (the generating-function
        engine transforms them all: no folding of sizes)."""
        return _feasible_rows(self.weights.tolist(), self.width)

    def cells(self) -> int:
        """Cells of the table per prime."""
        return (self.rows + 1) * self.width

    def cost(self) -> float:
        """Work per prime in cells visited by passes: the passes plus the window sums
        (:data:`CELL_PER_PASS` per table cell and side)."""
        return self.passes() + CELL_PER_PASS * self.cells() * len(self.sides)


def _plan(
    weights: list[int], width: int, rows: int, sides: tuple[tuple[int, bool], ...]
) -> SizePlan:
    w, lower, upper = size_band(weights, width, rows)
    # Only cells the window sums read: block j of row s lands on size s + j <= rows and
    # lies below Q - j·v, so row s needs no cell below min(Q) - (rows - s + 1)·max(v).
    # A needed cell reads only needed cells (the source of (s, k) for j members of
    # weight v is (s - j, k - j·v), and need[s - j] = need[s] - j·max(v)).
    need = min(q for q, _ in sides) - (rows - np.arange(rows + 1) + 1) * max(weights)
    lower = np.minimum(np.maximum(lower, need), width).astype(np.int64)
    return SizePlan(width, rows, sides, w, lower, upper)


def candidate_plans(weights: list[int], quota: int) -> tuple[SizePlan, SizePlan]:
    """The two tables :func:`shapley_plan` chooses from: one side, two sides."""
    n, total = len(weights), sum(weights)
    complement = total - quota + 1
    narrow = narrow_limit(weights, quota)
    one = _plan(weights, narrow, _feasible_rows(weights, narrow), ((narrow, narrow != quota),))
    wide = max(quota, complement)
    half = min((n - 1) // 2, _feasible_rows(weights, wide))
    two = _plan(weights, wide, half, ((quota, False), (complement, True)))
    return one, two


def shapley_plan(weights: list[int], quota: int) -> SizePlan:
    """The cheaper of two tables for the swing counts by size of a weighted game.

    *One side* keeps weights below ``L = min(q, W − q + 1)`` and every size with a
    coalition lighter than ``L`` (by complement symmetry ``L`` serves the quota or its
    complement). *Two sides* keep weights below ``max(q, W − q + 1)`` but only sizes up
    to ``⌊(n − 1)/2⌋``: sizes up to there come from the quota, the larger ones
    ``n − 1 − s`` from the complement's quota on row ``s``. The cheaper plan wins
    (:meth:`SizePlan.cost`: cells its passes visit plus the window sums; for 1,000
    members with weights 1..100 and a simple majority the two sides need 10 % fewer
    updates and 29 % fewer cells).
    """
    return _cheaper_plan(tuple(weights), quota)


@lru_cache(maxsize=4)  # the cost model and the counts ask for the same game in a row
def _cheaper_plan(weights: tuple[int, ...], quota: int) -> SizePlan:
    one, two = candidate_plans(list(weights), quota)
    return min((two, one), key=lambda plan: plan.cost())


def shapley_shape(weights: list[int], quota: int) -> tuple[int, int]:
    """Weight limit and largest coalition size of the table :func:`shapley_counts` builds."""
    plan = shapley_plan(weights, quota)
    return plan.width, plan.rows


def shapley_updates(weights: list[int], quota: int) -> int:
    """Cell updates per prime of :func:`shapley_counts` (:meth:`SizePlan.updates`).

    The 1,000 members with weights 1..100 of the benchmark need 2.1·10⁹ updates
    (5.5·10⁹ if every member updated the whole final band).
    """
    return shapley_plan(weights, quota).updates()


def shapley_cells(weights: list[int], quota: int) -> int:
    """Cells times primes of the table :func:`shapley_counts` builds (dp engine)."""
    return shapley_plan(weights, quota).cells() * len(primes_for(size_count_bits(len(weights))))


def _build_plan(
    plan: SizePlan, primes: tuple[int, ...], out: U64 | None = None, *, serial: bool = False
) -> U64:
    """The plan's table modulo each prime (compiled or numpy kernel), in ``out`` if given
    (a buffer of at least ``len(primes)`` tables, reused between chunks of primes);
    ``serial``: the one-thread kernel whatever the work."""
    shape = (len(primes), plan.rows + 1, plan.width)
    table = np.empty(shape, dtype=np.uint64) if out is None else out[: len(primes)]
    work = len(plan.weights) * plan.cells() * len(primes)
    kernel = _kernels()[1][0] if serial else _kernel(1, work)
    starts, sizes = equal_weight_groups(plan.weights)
    prime_array = np.array(primes, dtype=np.int64)
    kernel(
        plan.weights,
        plan.width,
        plan.rows,
        plan.lower,
        plan.upper,
        prime_array,
        starts,
        sizes,
        table,
    )
    return table


def shapley_counts(
    weights: list[int], quota: int, *, engine: Engine = "dp", plan: SizePlan | None = None
) -> dict[int, list[int]]:
    """Swing counts by coalition size per distinct weight, exactly.

    Returns ``counts[v][s]`` = number of coalitions ``S`` of the other players with
    ``|S| = s`` in which a player of weight ``v`` is pivotal (``s = 0..n-1``), read
    from the table :func:`shapley_plan` chooses (or ``plan``, one of
    :func:`candidate_plans`). The table is built a chunk of primes at a time
    (:data:`MAX_TABLE_CELLS`).
    """
    n = len(weights)
    plan = plan or shapley_plan(weights, quota)
    primes = engine_primes(engine, size_count_bits(n))
    values = np.array(sorted(set(weights)))
    if engine == "gf":
        from cityregions.partnership.voting import _gf

        # the exp-log works on 2**k rows (roots of unity) of twice the length, and on
        # every size with a coalition lighter than the width (no folding of sizes)
        full = plan.feasible_rows()
        cells = 4 * (1 << max(1, full.bit_length())) * plan.width
    else:
        cells = plan.cells()
    limits = np.array([q for q, _ in plan.sides])
    lone = _odd_prime_out(engine, primes, len(weights) * cells)
    chunks = _chunks(primes[: len(primes) - len(lone)], cells, reserved=cells * len(lone))
    buffer = None
    if engine == "dp":  # one buffer for every chunk
        shape = (max(len(part) for part in chunks), plan.rows + 1, plan.width)
        buffer = np.empty(shape, dtype=np.uint64)

    def residues_of(part: tuple[int, ...], serial: bool = False) -> list:  # type: ignore[type-arg]
        """Window sums of the table for ``part``, residues as Python integers."""
        if engine == "gf":
            table = _gf.count_by_size(weights, plan.width, full, part)[:, : plan.rows + 1, :]
            table = np.ascontiguousarray(table)
        else:
            table = _build_plan(plan, part, None if serial else buffer, serial=serial)
        windows = _kernels()[2][0] if serial else _kernel(2, table.size * 4)
        sums = windows(table, np.array(part, dtype=np.uint64), limits, values, True, plan.lower)
        return list(sums.astype(object))

    residues = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        # the odd prime out in a thread of its own, beside the chunks' two threads
        pending = pool.submit(residues_of, lone, True) if lone else None
        for part in chunks:
            residues += residues_of(part)
        if pending is not None:
            residues += pending.result()
    rebuilt = crt(residues, primes)
    counts: dict[int, list[int]] = {}
    for i, v in enumerate(values.tolist()):
        by_size = [0] * n
        for side, (_, mirrored) in enumerate(plan.sides):
            for s, x in enumerate(rebuilt[side * len(values) + i]):
                size = n - 1 - s if mirrored else s
                if not (mirrored and len(plan.sides) == 2 and size <= plan.rows):
                    by_size[size] = int(x)  # the quota's own side covers sizes <= rows
        counts[v] = by_size
    return counts


#: Largest count-by-weight table (cells times primes) of :func:`count_weight_counts`.
MAX_GRID = 20_000_000


def grid_size(n: int, total: int) -> int:
    """Cells times primes of the full ``(size, weight)`` table."""
    return (n + 1) * (total + 1) * len(primes_for(size_count_bits(n)))


def count_weight_counts(
    weights: list[int], win: npt.NDArray[np.bool_]
) -> tuple[dict[int, list[int]], int]:
    """Exact swing counts by size for a rule on (number of members, total weight).

    Parameters
    ----------
    weights
        Non-negative integer weights (e.g. population in chosen units).
    win
        ``win[s, m]``: does a coalition of ``s`` members with weight ``m`` win
        (shape ``(n + 1, sum(weights) + 1)``, monotone in both).

    Returns
    -------
    counts, winning
        ``counts[v][s]`` = coalitions of the others of size ``s`` in which a member of
        weight ``v`` is decisive; ``winning`` = number of winning coalitions.
    """
    n, total = len(weights), sum(weights)
    primes = primes_for(size_count_bits(n))
    w, lower, upper = size_band(weights, total + 1, n)  # heaviest first: narrowest
    prime_array = np.array(primes, dtype=np.uint64)
    work = n * (n + 1) * (total + 1) * len(primes)
    table = np.empty((len(primes), n + 1, total + 1), dtype=np.uint64)
    starts, sizes = equal_weight_groups(w)
    kernel = _kernel(1, work)
    kernel(w, total + 1, n, lower, upper, prime_array.view(np.int64), starts, sizes, table)
    values = sorted(set(weights))
    out = _kernel(3, work)(table, prime_array, win, np.array([*values, -1], dtype=np.int64))
    rebuilt = crt(list(out.astype(object)), primes)
    counts = {v: [int(x) for x in rebuilt[i][:n]] for i, v in enumerate(values)}
    winning = sum(int(x) for x in rebuilt[-1])
    return counts, winning
