"""Approximations and sample sizes for voting power."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cityregions._errors import ParameterError

if TYPE_CHECKING:
    from cityregions.partnership.voting.games import VotingGame


def hoeffding_half_width(samples: int, confidence: float) -> float:
    """Half-width ``ε = sqrt(ln(2/δ) / (2K))`` of a mean of ``K`` values in [0, 1] at
    ``confidence = 1 − δ`` (Hoeffding 1963); the inverse of :func:`hoeffding_samples`.

    Examples
    --------
    >>> round(hoeffding_half_width(18445, 0.95), 5)
    0.01
    """
    return math.sqrt(math.log(2 / (1 - confidence)) / (2 * max(samples, 1)))


def hoeffding_samples(epsilon: float, *, confidence: float = 0.95) -> int:
    """Samples ``K ≥ ln(2/δ) / (2 ε²)`` for additive error ``≤ ε`` with prob. ``1 − δ``.

    Examples
    --------
    >>> hoeffding_samples(0.01)
    18445
    """
    if not (0 < epsilon < 1 and 0 < confidence < 1):
        msg = "epsilon and confidence must lie in (0, 1)"
        raise ParameterError(msg)
    return math.ceil(math.log(2 / (1 - confidence)) / (2 * epsilon**2))


def normal_approximation(game: VotingGame) -> pd.Series:
    """Approximate absolute Banzhaf power of a weighted game by the normal law (Owen).

    ``β'_i ≈ Φ((q − ½ − μ)/σ) − Φ((q − w_i − ½ − μ)/σ)`` with ``μ = Σ_{j≠i} w_j / 2``
    and ``σ² = Σ_{j≠i} w_j² / 4`` (continuity-corrected). Fast for very large bodies;
    poor for skewed weights (a few large members).

    References
    ----------
    Owen, G. (1975). Evaluation of a presidential election game. APSR 69, 947–953.
    Leech, D. (2003). Computing power indices for large voting games. Management
    Science 49(6), 831–837.
    """
    if not game.is_weighted:
        msg = "the normal approximation needs a weighted game"
        raise ParameterError(msg)
    w = np.array(game.criteria[0].weights, dtype=float)
    q = game.criteria[0].quota
    mu = (w.sum() - w) / 2
    sigma = np.sqrt(((w**2).sum() - w**2) / 4)
    sigma[sigma == 0] = np.finfo(float).tiny
    from scipy.stats import norm

    value = norm.cdf((q - 0.5 - mu) / sigma) - norm.cdf((q - w - 0.5 - mu) / sigma)
    return pd.Series(value, index=pd.Index(game.members, name="member"), name="banzhaf_absolute")


def penrose_psi(n: int) -> float:
    """Absolute Banzhaf power of one voter among ``n`` in a simple-majority vote.

    ``ψ(n) = C(n−1, ⌊(n−1)/2⌋) / 2**(n−1) ≈ sqrt(2 / (π n))`` (Penrose 1946); computed
    with log-gamma, exact to float precision.

    Examples
    --------
    >>> round(penrose_psi(101), 7)
    0.0795892
    """
    if n < 1:
        msg = f"an electorate needs at least one voter, got {n}"
        raise ParameterError(msg)
    k = (n - 1) // 2
    log_value = math.lgamma(n) - math.lgamma(k + 1) - math.lgamma(n - k) - (n - 1) * math.log(2)
    return math.exp(log_value)
