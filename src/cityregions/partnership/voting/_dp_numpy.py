"""The counting kernels of :mod:`._dp` in plain numpy, for installs without numba (private).

Same four kernels, same arguments, same results bit for bit: every entry is a residue
modulo a prime just below ``2**59``, and a residue is unique, so two correct programs
agree exactly. The loops over table cells of the numba kernels become whole-array
operations; what stays a Python loop is one pass per *weight* (``by_weight``,
``by_size``), per distinct weight (``windows``, ``regions``) and, where the recursion
runs along coalition size, per size (``regions``). Exact voting power therefore works
without the ``fast`` extra, only slower.

Arithmetic: residues are below ``p < 2**59``, so the sum of two is
below ``2**60`` and one conditional subtraction of ``p`` reduces it, in int64 or uint64
without overflow. Long sums (windows, regions) split each residue into its low 31 and
high 28 bits, sum the halves exactly in int64 (exact while the summed axis is shorter
than ``2**32``) and reduce ``high * 2**31 + low`` modulo ``p`` with Python integers.
"""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
_LOW_BITS = 31
_LOW_MASK = np.uint64((1 << _LOW_BITS) - 1)
#: Coalition sizes updated together by :func:`by_size` (bounds its scratch memory).
_ROWS = 32


def by_weight(weights: I64, limit: int, primes: I64) -> I64:
    """Counts ``c[r, k]`` (``k < limit``) of coalitions by weight modulo ``primes[r]``.

    The knapsack step of weight ``w`` is ``c[k] += c[k - w]`` for every ``k >= w`` at
    once (the right-hand side is read before it is written, as the numba kernel's
    descending loop does).
    """
    p = np.asarray(primes, dtype=np.int64)[:, None]
    table = np.zeros((len(p), limit), dtype=np.int64)
    table[:, 0] = 1
    for w in (int(x) for x in weights):
        if w >= limit:
            continue
        x = table[:, w:] + table[:, : limit - w]
        x -= p * (x >= p)
        table[:, w:] = x
    return table


def by_size(
    weights: I64,
    limit: int,
    max_size: int,
    lower: I64,
    upper: I64,
    primes: I64,
    starts: I64 | None = None,
    sizes: I64 | None = None,
    out: U64 | None = None,
) -> I64:
    """Counts ``c[r, s, k]`` by coalition size ``s <= max_size`` and weight ``k < limit``.

    ``starts``, ``sizes`` (the compiled kernel's groups of equal weight applied in one
    pass) are accepted and not used: here each step is one whole-array update per member.
    ``out`` (shape ``(primes, max_size + 1, limit)``), if given, receives the table.

    The step of weight ``w`` is ``c[s, k] += c[s - 1, k - w]``, done for a block of
    :data:`_ROWS` sizes at a time, highest sizes first (so ``c[s - 1]`` is still the
    old row, as in the numba kernel's descending loop) and only between the lightest
    and the heaviest possible weight of those sizes (``lower``, ``upper``: the band of
    the numba kernel; cells outside it count no coalition and stay 0 in both). With the
    weights heaviest first, each player's band narrows as in the numba kernel (``heads``:
    prefix sums of the weights; the block's smallest size bounds from below, its
    largest from above).
    """
    if out is None:
        out = np.empty((len(primes), max_size + 1, limit), dtype=np.uint64)
    out[:] = 0
    out[:, 0, 0] = 1
    cells = out
    table = out.view(np.int64)
    p = np.asarray(primes, dtype=np.int64).astype(np.uint64)[:, None, None]
    scratch = np.empty((2, len(primes) * min(_ROWS, max_size) * limit), dtype=np.uint64)
    order = [int(x) for x in weights]
    heads = np.concatenate([[0], np.cumsum(order, dtype=np.int64)]).tolist()
    descending = all(a >= b for a, b in itertools.pairwise(order))
    rows = 0
    for t, w in enumerate(order):
        rows = min(rows + 1, max_size)
        for first in reversed(range(1, rows + 1, _ROWS)):
            last = min(first + _ROWS, rows + 1)  # sizes first .. last - 1
            lo, hi = max(w, int(lower[first])), min(int(upper[last - 1]), limit)
            if descending:
                lo = max(lo, heads[t + 1] - heads[t + 1 - first])
                hi = min(hi, w + heads[last - 2] + 1)
            if hi > lo:
                _add_mod(
                    cells[:, first:last, lo:hi],
                    cells[:, first - 1 : last - 1, lo - w : hi - w],
                    p,
                    scratch,
                )
    return table


def _add_mod(target: U64, other: U64, p: U64, scratch: U64) -> None:
    """``target = (target + other) mod p`` for residues below ``p < 2**59``.

    The sum is formed in ``scratch`` before ``target`` is written (the two may overlap).
    """
    size = target.size
    total = scratch[0, :size].reshape(target.shape)
    less = scratch[1, :size].reshape(target.shape)
    np.add(target, other, out=total)
    np.subtract(total, p, out=less)  # wraps around (huge) where total < p
    np.minimum(total, less, out=target)


def _halves(table: U64) -> tuple[I64, I64]:
    """The low 31 and high 28 bits of each residue, as int64."""
    low = (table & _LOW_MASK).astype(np.int64)
    high = (table >> np.uint64(_LOW_BITS)).astype(np.int64)
    return low, high


def _residues(low: I64, high: I64, primes: npt.ArrayLike) -> U64:
    """Return ``(high * 2**31 + low) mod p`` per prime (axis 0) as uint64 residues."""
    out = np.empty(np.shape(low), dtype=np.uint64)
    for r, p in enumerate(int(x) for x in np.asarray(primes).ravel()):
        hi = np.mod(high[r], p).astype(object)
        lo = np.mod(low[r], p).astype(object)
        out[r] = ((hi * (1 << _LOW_BITS) + lo) % p).astype(np.uint64)
    return out


def windows(
    table: U64, primes: U64, limits: I64, values: I64, shift: bool, start: I64 | None = None
) -> U64:
    """Alternating block sums per side ``a`` (limit ``L_a``) and weight ``v_i``:
    ``out[r, a·V + i, s] = Σ_m (-1)**j(m) table[r, s - d(m), m]``.

    ``j(m) = floor((L_a - 1 - m) / v_i)``, ``d(m) = j(m)`` with ``shift`` else 0
    (see :mod:`._dp`); blocks are differences of exact prefix sums of the two halves,
    computed once for all sides. ``start`` (the compiled kernel's first column per row
    that its blocks may read) is accepted and not needed: the prefix sums start at 0.
    """
    n_p, n_s = table.shape[0], table.shape[1]
    width = int(max(limits))
    low, high = _halves(table[..., :width])
    shape = (n_p, n_s, width + 1)
    low_prefix, high_prefix = np.zeros(shape, np.int64), np.zeros(shape, np.int64)
    np.cumsum(low, axis=-1, out=low_prefix[..., 1:])
    np.cumsum(high, axis=-1, out=high_prefix[..., 1:])
    out = np.zeros((n_p, len(limits) * len(values), n_s), dtype=np.uint64)
    for a, limit in enumerate(int(x) for x in limits):
        for i, v in enumerate(int(x) for x in values):
            blocks = -(-limit // v)
            j = np.arange(min(blocks, n_s) if shift else blocks)
            b0, b1 = limit - j * v, np.maximum(limit - (j + 1) * v, 0)
            sign = 1 - 2 * (j % 2)
            low_blocks = low_prefix[..., b0] - low_prefix[..., b1]  # (primes, sizes, blocks)
            high_blocks = high_prefix[..., b0] - high_prefix[..., b1]
            if shift:
                lo, hi = np.zeros((n_p, n_s), np.int64), np.zeros((n_p, n_s), np.int64)
                for d in j.tolist():  # block d lands d sizes further up
                    lo[:, d:] += sign[d] * low_blocks[:, : n_s - d, d]
                    hi[:, d:] += sign[d] * high_blocks[:, : n_s - d, d]
            else:
                lo, hi = low_blocks @ sign, high_blocks @ sign
            out[:, a * len(values) + i, :] = _residues(lo, hi, primes)
    return out


def _masked_sums(table: U64, mask: npt.NDArray[np.bool_], primes: U64) -> U64:
    """``Σ_m table[r, s, m]`` over the cells where ``mask[s, m]``, modulo each prime."""
    low, high = _halves(np.where(mask, table, np.uint64(0)))
    return _residues(low.sum(axis=-1), high.sum(axis=-1), primes)


def regions(table: U64, primes: U64, win: npt.NDArray[np.bool_], values: I64) -> U64:
    """Sums over swing regions of the leave-one-out tables (see the numba kernel).

    For weight ``v``: ``d[s, m] = table[s, m] - d[s - 1, m - v]`` (the table without one
    player of weight ``v``, built size by size) summed over ``{(s, m): not win[s, m] and
    win[s + 1, m + v]}``; ``v = -1`` sums ``table`` over the winning cells.
    """
    n_p, n_s, n_m = table.shape
    p = np.asarray(primes, dtype=np.uint64)[:, None]
    out = np.zeros((n_p, len(values), n_s), dtype=np.uint64)
    for i, v in enumerate(int(x) for x in values):
        if v < 0:
            out[:, i, :] = _masked_sums(table, win, primes)
            continue
        d = table.copy()
        mask = np.zeros((n_s, n_m), dtype=bool)
        if v < n_m:
            for s in range(1, n_s):
                x = table[:, s, v:] + (p - d[:, s - 1, : n_m - v])
                d[:, s, v:] = np.minimum(x, x - p)  # x - p wraps around when x < p
            mask[:-1, : n_m - v] = win[1:, v:] & ~win[:-1, : n_m - v]
        out[:, i, :] = _masked_sums(d, mask, primes)
    return out


def kernels() -> tuple[tuple[object, object], ...]:
    """The kernels in the layout of ``_dp._kernels()``: (serial, parallel) per kernel."""
    return tuple((kernel, kernel) for kernel in (by_weight, by_size, windows, regions))
