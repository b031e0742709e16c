"""Counting tables of weighted games by generating functions (private).

The counts of coalitions by weight are the coefficients of the generating function

    f(x) = Π_i (1 + x**w_i) = Π_v (1 + x**v)**c_v          (c_v players of weight v)

and, with a second variable ``y`` marking the size of the coalition,

    F(x, y) = Π_i (1 + y·x**w_i).

Kakimura & Terai (2025) compute ``f mod x**q`` as ``exp(log f)``: the logarithm is a
sparse sum known in closed form,

    log f = Σ_v c_v Σ_{k ≥ 1} (−1)**(k+1) x**(k·v) / k,

with at most ``Σ_v q/v ≤ q·H_q`` terms (``H`` the harmonic number), and the exponential
of a power series costs ``O(q log q)`` by Newton's iteration (:func:`._ntt.exponential`),
so the table costs ``O(n + q log q)`` whatever the number of players ``n``. For the
counts by size, ``F`` is evaluated at the ``L``-th roots of unity ``y = ω**b``
(``L ≥`` the largest size needed), each ``F(x, ω**b)`` by the same exp–log in ``x``, and
the sizes are read off by the inverse transform along ``y``: ``O(L·q log q)``, the
``O(ñ q log q)`` of Kakimura & Terai with ``ñ = min(n, q)``.

Everything is computed modulo NTT primes (:mod:`._ntt`); the swing counts are then
taken from these tables by the same alternating block sums as in :mod:`._dp`
(``Σ_{j=q−v}^{q−1} [x**j] f/(1 + x**v)``, Brams & Affuso 1976) and rebuilt exactly with
the Chinese remainder theorem. The result equals the dynamic program's bit for bit
(both are exact); which one is faster depends on ``n``, ``q`` and the machine
(see :func:`cityregions.partnership.voting.power.exact_costs`).

References
----------
Kakimura, N. & Terai, Y. (2025). Computing power indices in weighted majority games
with formal power series. arXiv:2511.14995.
Bilbao, J. M., Fernández, J. R., Jiménez Losada, A. & López, J. J. (2000). Generating
functions for computing power indices efficiently. TOP 8(2), 191–213.
Kurz, S. (2016). Computing the power distribution in the IMF. arXiv:1603.01443.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import numpy.typing as npt

from cityregions.partnership.voting import _ntt

U64 = npt.NDArray[np.uint64]


def _log_series(
    weights: list[int], limit: int, primes: tuple[int, ...], roots: U64 | None = None
) -> U64:
    """``log Π_i (1 + y·x**w_i) mod x**limit`` for ``y = ω**b`` (or ``y = 1``).

    ``roots`` (shape ``(P, L)``) holds the powers ``ω**j``, ``j < L``, of a root of unity
    of order ``L`` modulo each prime; row ``b`` of the result (shape ``(P, L, limit)``)
    is the series for ``y = ω**b``, whose ``k``-th power is ``ω**(b·k mod L)``. Without
    ``roots``: ``y = 1``, shape ``(P, 1, limit)``.
    """
    p = np.array(primes, dtype=np.uint64)[:, None, None]
    batch = 1 if roots is None else roots.shape[1]
    out = np.zeros((len(primes), batch, limit), dtype=np.uint64)
    inverse = _ntt.reciprocals(max(limit, 2), primes)
    rows = np.arange(batch)[:, None]
    for v, count in sorted(Counter(w for w in weights if 0 < w < limit).items()):
        k = np.arange(1, (limit - 1) // v + 1)
        # (−1)**(k+1) · c_v / k, times y**k
        term = inverse[:, :, k] * np.uint64(count) % p  # (P, 1, K)
        if roots is not None:
            term = term * roots[:, (rows * k) % batch] % p  # (P, L, K)
        even = k % 2 == 0
        term[..., even] = (p - term[..., even]) % p
        target = out[..., k * v] + term
        np.minimum(target, target - p, out=target)
        out[..., k * v] = target
    return out


def count_by_weight(weights: list[int], limit: int, primes: tuple[int, ...]) -> U64:
    """Counts ``c[r, k]`` (``k < limit``) of coalitions by weight modulo ``primes[r]``.

    Same table as :func:`._dp._count_by_weight`, as ``exp(log f) mod x**limit``.
    """
    if limit <= 1:
        return np.ones((len(primes), max(limit, 1)), dtype=np.uint64)[:, :limit]
    table = _ntt.exponential(_log_series(weights, limit, primes), limit, primes)
    return np.ascontiguousarray(table[:, 0, :])


def _bit_reversed(length: int) -> npt.NDArray[np.int64]:
    bits = length.bit_length() - 1
    index = np.arange(length)
    out = np.zeros(length, dtype=np.int64)
    for b in range(bits):
        out |= ((index >> b) & 1) << (bits - 1 - b)
    return out


def count_by_size(weights: list[int], limit: int, max_size: int, primes: tuple[int, ...]) -> U64:
    """Counts ``c[r, s, k]`` by size ``s ≤ max_size`` and weight ``k < limit``.

    Same table as :func:`._dp._count_by_size`. ``F(x, ω**b)`` for the ``L``-th roots of
    unity (``L`` the power of two above ``max_size``) by exp–log, then the sizes by the
    inverse transform along ``y``. No size above ``max_size`` has a coalition lighter
    than ``limit``, so the transform of length ``L > max_size`` does not fold sizes.
    """
    length = 1 << max(1, max_size.bit_length())
    roots = np.empty((len(primes), length), dtype=np.uint64)
    for r, p in enumerate(primes):
        omega = pow(_ntt.primitive_root(p), (p - 1) // length, p)
        roots[r] = _ntt._powers(omega, length, p)
    if limit <= 1:
        values = np.ones((len(primes), length, max(limit, 1)), dtype=np.uint64)[..., :limit]
    else:
        values = _ntt.exponential(_log_series(weights, limit, primes, roots), limit, primes)
    # values[r, b, k] = Σ_s c[s, k] ω**(b·s): invert along b (bit-reversed for intt)
    by_root = np.ascontiguousarray(np.swapaxes(values, 1, 2)[..., _bit_reversed(length)])
    sizes = _ntt.intt(by_root, primes)  # (P, limit, L)
    return np.ascontiguousarray(np.swapaxes(sizes, 1, 2)[:, : max_size + 1, :])


__all__ = ["count_by_size", "count_by_weight"]
