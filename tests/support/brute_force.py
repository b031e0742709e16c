"""Independent brute-force references for the tests (enumerate every coalition)."""

from __future__ import annotations

from fractions import Fraction as F  # noqa: N817

import numpy as np

from cityregions.partnership.voting import TwoTierGame, _enum


def flat_banzhaf(game: TwoTierGame) -> list[F]:
    """Absolute Banzhaf index of every member in the flattened body (all ``2**n`` coalitions)."""
    columns, rule = game.flat_rule()
    n = columns.shape[0]
    sums = np.stack([_enum.subset_sums(list(c)) for c in columns.T], axis=1)
    swings, _, _ = _enum.counts_from_mask(rule(sums), n)
    return [F(s, 2 ** (n - 1)) for s in swings]
