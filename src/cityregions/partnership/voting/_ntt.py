"""Number-theoretic transforms and power-series arithmetic modulo several primes (private).

Exact counts of coalitions are integers that grow like ``2**n``. The generating-function
engine (:mod:`._gf`) computes them modulo several primes ``p = c·2**20 + 1 < 2**31``
at once and rebuilds the integers with the Chinese remainder theorem
(:func:`cityregions.partnership.voting._dp.crt`). Every prime has a root of unity of
order ``2**20``, so polynomials whose product has fewer than ``2**20`` coefficients are
multiplied exactly by a number-theoretic transform (NTT): the discrete Fourier
transform over the field ``Z/pZ``.

Arrays have the shape ``(P, B, L)``: ``P`` primes (row ``r`` is computed modulo
``primes[r]``), ``B`` series per prime (a batch) and ``L`` coefficients. Residues are
below ``2**31``, so a product of two is below ``2**62`` and fits ``numpy.uint64``.

* :func:`ntt` / :func:`intt` — forward transform (decimation in frequency, output in
  bit-reversed order) and inverse (decimation in time from bit-reversed input): the
  pointwise product of two forward transforms is the transform of the cyclic
  convolution, so no bit reversal is ever needed;
* :func:`multiply` — product of two series truncated to ``n`` terms;
* :func:`inverse`, :func:`logarithm`, :func:`exponential` — ``1/a``, ``log a`` and
  ``exp h`` modulo ``x**n`` by Newton's iteration (each step doubles the number of
  correct coefficients).

References
----------
Pollard, J. M. (1971). The fast Fourier transform in a finite field. Mathematics of
Computation 25(114), 365–374.
Brent, R. P. (1976). Multiple-precision zero-finding methods and the complexity of
elementary function evaluation. In *Analytic Computational Complexity*, 151–176
(Newton's iteration for the exponential of a power series).
von zur Gathen, J. & Gerhard, J. (2013). *Modern Computer Algebra*, 3rd ed., ch. 8–9.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache

import numpy as np
import numpy.typing as npt

from cityregions.partnership.voting._dp import is_prime

U64 = npt.NDArray[np.uint64]

#: Every prime is ``c * 2**ORDER_BITS + 1``: transforms of up to ``2**ORDER_BITS`` points.
ORDER_BITS = 20
#: Longest transform (and so the longest product of two series) the primes allow.
MAX_LENGTH = 1 << ORDER_BITS
#: Bits of information per prime (every prime is above ``2**30``).
BITS_PER_PRIME = 30


@lru_cache(maxsize=1)
def _all_primes() -> tuple[int, ...]:
    """Primes ``c·2**20 + 1`` between ``2**30`` and ``2**31``, largest first."""
    out = []
    for c in range(((1 << 31) - 2) >> ORDER_BITS, (1 << 30) >> ORDER_BITS, -1):
        p = (c << ORDER_BITS) + 1
        if is_prime(p):
            out.append(p)
    return tuple(out)


def ntt_primes(bits: int) -> tuple[int, ...]:
    """Return enough NTT primes for non-negative integers below ``2**bits``.

    Raises
    ------
    ValueError
        More bits than the ~280 available primes hold (about 8,400 bits).

    Examples
    --------
    >>> primes = ntt_primes(61)
    >>> len(primes), all((p - 1) % 2**20 == 0 and 2**30 < p < 2**31 for p in primes)
    (3, True)
    """
    count = max(1, math.ceil((bits + 1) / BITS_PER_PRIME))
    primes = _all_primes()
    if count > len(primes):
        msg = f"{bits} bits need {count} NTT primes; only {len(primes)} are available"
        raise ValueError(msg)
    return primes[:count]


def _factors(n: int) -> list[int]:
    out, f = [], 2
    while f * f <= n:
        if n % f == 0:
            out.append(f)
            while n % f == 0:
                n //= f
        f += 1
    return [*out, n] if n > 1 else out


@cache
def primitive_root(p: int) -> int:
    """Smallest generator of the multiplicative group modulo the prime ``p``."""
    factors = _factors(p - 1)
    g = 2
    while any(pow(g, (p - 1) // f, p) == 1 for f in factors):
        g += 1
    return g


def _powers(base: int, count: int, p: int) -> U64:
    """``base**j mod p`` for ``j < count`` (doubling: ``log2(count)`` array operations)."""
    out = np.ones(count, dtype=np.uint64)
    filled = 1
    while filled < count:
        step = min(filled, count - filled)
        out[filled : filled + step] = out[:step] * np.uint64(pow(base, filled, p)) % np.uint64(p)
        filled += step
    return out


class _Plan:
    """Twiddle factors of every stage of a transform of length ``L`` for each prime."""

    def __init__(self, primes: tuple[int, ...], length: int) -> None:
        self.primes = np.array(primes, dtype=np.uint64)
        self.p3 = self.primes[:, None, None]
        self.p4 = self.primes[:, None, None, None]
        self.forward: dict[int, U64] = {}
        self.backward: dict[int, U64] = {}
        block = length
        while block >= 2:
            half = block // 2
            fw = np.empty((len(primes), half), dtype=np.uint64)
            bw = np.empty_like(fw)
            for r, p in enumerate(primes):
                w = pow(primitive_root(p), (p - 1) // block, p)
                fw[r] = _powers(w, half, p)
                bw[r] = _powers(pow(w, -1, p), half, p)
            self.forward[block] = fw[:, None, None, :]
            self.backward[block] = bw[:, None, None, :]
            block //= 2
        self.scale = np.array([pow(length, -1, p) for p in primes], dtype=np.uint64)[:, None, None]


@lru_cache(maxsize=8)
def _plan(primes: tuple[int, ...], length: int) -> _Plan:
    return _Plan(primes, length)


def ntt(a: U64, primes: tuple[int, ...]) -> U64:
    """Transform ``a`` (shape ``(P, B, L)``, ``L`` a power of two) in place.

    Decimation in frequency (Gentleman–Sande): the output is the transform in
    bit-reversed order, which :func:`intt` takes as it is.
    """
    n_p, n_b, length = a.shape
    plan = _plan(primes, length)
    p = plan.p4
    block = length
    while block >= 2:
        half = block // 2
        view = a.reshape(n_p, n_b, length // block, block)
        upper, lower = view[..., :half], view[..., half:]
        total = upper + lower
        np.minimum(total, total - p, out=total)  # wraps around (huge) when total < p
        diff = upper + (p - lower)
        np.minimum(diff, diff - p, out=diff)
        diff *= plan.forward[block]
        diff %= p
        view[..., :half] = total
        view[..., half:] = diff
        block //= 2
    return a


def intt(a: U64, primes: tuple[int, ...]) -> U64:
    """Invert :func:`ntt` in place (input in bit-reversed order, output in natural order)."""
    n_p, n_b, length = a.shape
    plan = _plan(primes, length)
    p = plan.p4
    block = 2
    while block <= length:
        half = block // 2
        view = a.reshape(n_p, n_b, length // block, block)
        upper = view[..., :half].copy()
        lower = view[..., half:] * plan.backward[block]
        lower %= p
        total = upper + lower
        np.minimum(total, total - p, out=total)
        diff = upper + (p - lower)
        np.minimum(diff, diff - p, out=diff)
        view[..., :half] = total
        view[..., half:] = diff
        block *= 2
    a *= plan.scale
    a %= plan.p3
    return a


def _length(n: int) -> int:
    length = 1 << max(0, (n - 1).bit_length())
    if length > MAX_LENGTH:
        msg = f"a product of {n:,} coefficients exceeds the longest transform ({MAX_LENGTH:,})"
        raise ValueError(msg)
    return length


def _padded(a: U64, length: int) -> U64:
    out = np.zeros((*a.shape[:-1], length), dtype=np.uint64)
    k = min(a.shape[-1], length)
    out[..., :k] = a[..., :k]
    return out


def _primes_column(primes: tuple[int, ...]) -> U64:
    return np.array(primes, dtype=np.uint64)[:, None, None]


def multiply(a: U64, b: U64, n: int, primes: tuple[int, ...]) -> U64:
    """Return ``a·b mod x**n`` (shapes ``(P, B, ·)``, residues modulo ``primes``)."""
    a, b = a[..., :n], b[..., :n]
    length = _length(a.shape[-1] + b.shape[-1] - 1)
    fa = ntt(_padded(a, length), primes)
    fb = ntt(_padded(b, length), primes) if b is not a else fa
    fa *= fb
    fa %= _primes_column(primes)
    return intt(fa, primes)[..., :n]


def _sub_from(value: int, a: U64, primes: tuple[int, ...]) -> U64:
    """``value·[x**0] − a`` modulo each prime."""
    p = _primes_column(primes)
    out = p - a
    np.minimum(out, out - p, out=out)  # 0 stays 0
    out[..., 0] = (out[..., 0] + np.uint64(value)) % p[..., 0]
    return out


def inverse(a: U64, n: int, primes: tuple[int, ...]) -> U64:
    """Return ``1/a mod x**n`` (``a[..., 0]`` must be 1).

    Newton's iteration ``g ← g·(2 − a·g)`` doubles the number of correct terms.
    """
    g = np.ones((*a.shape[:-1], 1), dtype=np.uint64)
    k = 1
    while k < n:
        k = min(2 * k, n)
        g = multiply(g, _sub_from(2, multiply(a, g, k, primes), primes), k, primes)
    return g


@lru_cache(maxsize=4)
def reciprocals(n: int, primes: tuple[int, ...]) -> U64:
    """``1/j mod p`` for ``j = 0..n-1`` (``0`` for ``j = 0``), shape ``(P, 1, n)``.

    By Fermat's little theorem, ``1/j = j**(p−2)``: 31 vectorised squarings.
    """
    j = np.arange(n, dtype=np.uint64)
    out = np.empty((len(primes), 1, n), dtype=np.uint64)
    for r, p in enumerate(primes):
        prime = np.uint64(p)
        base, result, e = j % prime, np.ones(n, dtype=np.uint64), p - 2
        while e:
            if e & 1:
                result = result * base % prime
            base = base * base % prime
            e >>= 1
        out[r, 0] = result
    out[..., 0] = 0
    return out


def _derivative(a: U64, primes: tuple[int, ...]) -> U64:
    k = np.arange(1, a.shape[-1], dtype=np.uint64)
    return a[..., 1:] * k % _primes_column(primes)


def _integral(a: U64, primes: tuple[int, ...]) -> U64:
    out = np.zeros((*a.shape[:-1], a.shape[-1] + 1), dtype=np.uint64)
    out[..., 1:] = a * reciprocals(a.shape[-1] + 1, primes)[..., 1:] % _primes_column(primes)
    return out


def logarithm(a: U64, n: int, primes: tuple[int, ...]) -> U64:
    """Return ``log a mod x**n`` for ``a[..., 0] = 1``: ``∫ a′/a``."""
    quotient = multiply(_derivative(a[..., :n], primes), inverse(a, n, primes), n - 1, primes)
    return _integral(quotient, primes)[..., :n]


def exponential(h: U64, n: int, primes: tuple[int, ...]) -> U64:
    """Return ``exp h mod x**n`` for ``h[..., 0] = 0``.

    Newton's iteration ``g ← g·(1 + h − log g)`` doubles the number of correct terms
    (Brent 1976); ``n`` must not exceed ``MAX_LENGTH / 2``.
    """
    p = _primes_column(primes)
    g = np.ones((*h.shape[:-1], 1), dtype=np.uint64)
    k = 1
    while k < n:
        k = min(2 * k, n)
        step = _padded(h[..., :k], k) + (p - logarithm(_padded(g, k), k, primes))
        np.minimum(step, step - p, out=step)
        step[..., 0] = (step[..., 0] + np.uint64(1)) % p[..., 0]
        g = multiply(g, step, k, primes)
    return g


__all__ = [
    "MAX_LENGTH",
    "exponential",
    "intt",
    "inverse",
    "logarithm",
    "multiply",
    "ntt",
    "ntt_primes",
    "primitive_root",
    "reciprocals",
]
