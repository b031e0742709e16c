"""Resample a flow table: the noise of commuter counts, for sweeps and bootstraps.

:func:`resample_flows` redraws every count of a :class:`~cityregions.flows.FlowTable`
(flows beyond the table included, when known) in one of two ways:

``"poisson"`` (default)
    Every flow is redrawn independently as :math:`T^*_{ij} \\sim
    \\mathrm{Poisson}(T_{ij})`, with the observed value as mean; so are the flows
    beyond the table (:attr:`FlowTable.outside_out`, :attr:`~FlowTable.outside_in`)
    when known. This is the parametric bootstrap of a table of counts under the
    independent-Poisson model (a count of independent commuting decisions, whose
    variance equals its mean; Agresti 2013, §4.3; Davison & Hinkley 1997, §2.2): a flow
    of 100 varies by about ±10, one of 4 by ±2. Flows observed as zero stay zero. The
    totals of the units vary with their flows.
``"multinomial"``
    Per origin, the total :math:`n_i = \\mathrm{round}(\\sum_j T_{ij} + O_i)` (flows
    beyond the table :math:`O_i` included) is kept and redistributed:
    :math:`(T^*_{i1}, \\dots, O^*_i) \\sim \\mathrm{Multinomial}(n_i;\\ T_{ij}/n_i,
    \\dots)`. The people working in the table and living beyond it form one more origin
    with the same rule. Every unit keeps its employed residents; only where they work
    varies (the bootstrap conditional on the row margins).

Modeled or completed flows are resampled in the same way; the result then says how
sensitive the regions are to noise of that size, not what the sampling error of the
model is.

References
----------
Agresti, A. (2013). *Categorical Data Analysis* (3rd ed.). Wiley.
Davison, A. C., & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*.
Cambridge University Press.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Literal

import numpy as np
import scipy.sparse as sp

from cityregions._errors import ParameterError
from cityregions.flows import FlowTable

logger = logging.getLogger(__name__)

Resampling = Literal["poisson", "multinomial"]
RESAMPLINGS: tuple[str, ...] = ("poisson", "multinomial")


def resample_flows(
    flows: FlowTable, rng: np.random.Generator, *, resampling: Resampling = "poisson"
) -> FlowTable:
    """Return a copy of ``flows`` with every count redrawn (see the module notes).

    Parameters
    ----------
    flows
        The flows (observed, completed or modeled); flows beyond the table, when known,
        are redrawn too.
    rng
        Random numbers.
    resampling
        ``"poisson"`` (each flow Poisson with the observed mean) or ``"multinomial"``
        (per origin, the total kept and redistributed).

    Returns
    -------
    FlowTable
        Same units, provenance and source (with the resampling named); integer counts.

    Examples
    --------
    >>> import pandas as pd
    >>> long = pd.DataFrame({"origin": ["a", "a", "b"], "destination": ["a", "b", "b"],
    ...                      "value": [30.0, 10.0, 40.0]})
    >>> flows = FlowTable.from_long(long)
    >>> drawn = resample_flows(flows, np.random.default_rng(0), resampling="multinomial")
    >>> drawn.residents().tolist()  # every origin keeps its total
    [40.0, 40.0]
    """
    if resampling not in RESAMPLINGS:
        msg = f"unknown resampling {resampling!r}; choose one of {', '.join(RESAMPLINGS)}"
        raise ParameterError(msg)
    matrix = sp.csr_array(flows.matrix, dtype=float, copy=True)
    matrix.sum_duplicates()
    matrix.sort_indices()
    out = flows.outside_out
    inn = flows.outside_in
    if resampling == "poisson":
        matrix.data = rng.poisson(matrix.data).astype(float)
        if out is not None and inn is not None:
            out, inn = rng.poisson(out).astype(float), rng.poisson(inn).astype(float)
    else:
        matrix.data, out = _multinomial_rows(matrix, out, rng)
        if inn is not None:
            inn = _multinomial(inn, rng)
    matrix.eliminate_zeros()
    source = f"{flows.source} ({resampling} resample)" if flows.source else f"{resampling} resample"
    return dataclasses.replace(flows, matrix=matrix, source=source, outside_out=out, outside_in=inn)


def _multinomial(weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Redistribute ``round(sum(weights))`` over the cells in proportion to ``weights``."""
    total = float(weights.sum())
    if total <= 0:
        return np.zeros_like(weights, dtype=float)
    return rng.multinomial(round(total), weights / total).astype(float)


def _multinomial_rows(
    matrix: sp.csr_array, outside: np.ndarray | None, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray | None]:
    """Per row, a multinomial draw over its stored flows (and its flow beyond the table)."""
    data = np.zeros(len(matrix.data), dtype=float)
    drawn_outside = None if outside is None else np.zeros(len(outside), dtype=float)
    for row in range(matrix.shape[0]):
        start, stop = matrix.indptr[row], matrix.indptr[row + 1]
        cells = matrix.data[start:stop]
        if outside is not None:
            cells = np.append(cells, outside[row])
        draw = _multinomial(cells, rng)
        if outside is not None and drawn_outside is not None:
            drawn_outside[row] = draw[-1]
            draw = draw[:-1]
        data[start:stop] = draw
    return data, drawn_outside


__all__ = ["RESAMPLINGS", "Resampling", "resample_flows"]
