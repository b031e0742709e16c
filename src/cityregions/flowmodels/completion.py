"""Complete a flow table from the units' official totals: the diagonal and the flows beyond.

Published commuter tables list the flows *between* units, often only the largest ones
(the BA district table: each district's ten largest links), while the totals per unit
are complete: employed residents, out-commuters and in-commuters. Functional
delineation needs the people who live and work in the same unit (the diagonal) and
divides by the complete totals. :func:`complete_flows` derives both, without any
model:

.. math::

    T_{ii} = R_i - A_i, \\qquad
    O_i = A_i - \\sum_{j \\ne i} T_{ij}, \\qquad
    I_j = E_j - \\sum_{i \\ne j} T_{ij}

with :math:`R_i` the employed residents, :math:`A_i` the out-commuters
(*Auspendler*), :math:`E_j` the in-commuters (*Einpendler*) of a unit, and
:math:`O_i, I_j` the flows beyond the table
(:attr:`~cityregions.flows.FlowTable.outside_out`, ``outside_in``). The values stay as
observed as the inputs (arithmetic on official totals, nothing estimated), so the
table keeps its ``flows_provenance``.

References
----------
Bundesagentur für Arbeit, Statistik (2023). *Pendlerverflechtungen der
sozialversicherungspflichtig Beschäftigten nach Kreisen*, methodological notes: a
person is an out-commuter when the municipality (here: district) of residence differs
from that of work; employees at residence = those working in their unit + out-commuters.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cityregions._errors import InputError
from cityregions.flows import FlowTable

logger = logging.getLogger(__name__)


def complete_flows(
    flows: FlowTable,
    totals: pd.DataFrame,
    *,
    source: str = "totals",
) -> FlowTable:
    """Return the flows with the diagonal and the flows beyond the table from unit totals.

    Parameters
    ----------
    flows
        Flows between units (a diagonal, if any, is replaced).
    totals
        Indexed by unit id, columns ``residents`` and ``out_commuters``, and
        ``in_commuters`` or ``jobs`` (in-commuters are then ``jobs`` minus the
        diagonal), e.g. from :func:`cityregions.io.totals.read_totals`. Rows of other
        units are ignored.
    source
        Where the totals come from, for messages.

    Returns
    -------
    FlowTable
        The same flows between units, the diagonal :math:`R_i - A_i`, and
        :attr:`~cityregions.flows.FlowTable.outside_out` / ``outside_in`` so that
        :meth:`~cityregions.flows.FlowTable.residents` and ``jobs`` are the complete
        totals.

    Raises
    ------
    InputError
        Naming the unit and the field: a unit of the flows without totals, more
        out-commuters than residents, listed out-flows (in-flows) summing above the
        out-commuters (in-commuters) of the unit.

    Examples
    --------
    >>> between = FlowTable.from_long(pd.DataFrame({"origin": ["a", "b"],
    ...     "destination": ["b", "a"], "value": [30, 5]}), warn_no_diagonal=False)
    >>> totals = pd.DataFrame({"residents": [100, 50], "out_commuters": [40, 5],
    ...                        "in_commuters": [8, 35]}, index=["a", "b"])
    >>> done = complete_flows(between, totals)
    >>> done.internal().tolist(), done.outside()["outside_out"].tolist()
    ([60.0, 45.0], [10.0, 0.0])
    >>> done.residents().tolist(), done.jobs().tolist()
    ([100.0, 50.0], [68.0, 80.0])
    """
    table = _totals_for(flows, totals, source=source)
    residents = table["residents"].to_numpy(dtype=float)
    leaving = table["out_commuters"].to_numpy(dtype=float)
    _check_at_most(leaving, residents, flows, "out_commuters", "the employed residents", source)
    internal = residents - leaving
    if "in_commuters" in table.columns:
        arriving = table["in_commuters"].to_numpy(dtype=float)
    else:
        jobs = table["jobs"].to_numpy(dtype=float)
        _check_at_most(internal, jobs, flows, "jobs", "residents − out_commuters", source)
        arriving = jobs - internal
    between = sp.csr_array(flows.matrix - sp.diags_array(flows.matrix.diagonal(), format="csr"))
    between.eliminate_zeros()
    listed_out = np.asarray(between.sum(axis=1), dtype=float).ravel()
    listed_in = np.asarray(between.sum(axis=0), dtype=float).ravel()
    _check_at_most(listed_out, leaving, flows, "out_commuters", "the listed out-flows", source)
    _check_at_most(listed_in, arriving, flows, "in_commuters", "the listed in-flows", source)
    old = flows.matrix.diagonal()
    if (old > 0).any() and not np.allclose(old, internal):
        logger.info(
            "%s: the diagonal of the flows is replaced by residents − out-commuters", source
        )
    matrix = sp.csr_array(between + sp.diags_array(internal, format="csr"))
    matrix.eliminate_zeros()
    return FlowTable(
        flows.ids,
        matrix,
        flows.flows_provenance,
        flows.source,
        outside_out=np.maximum(leaving - listed_out, 0.0),
        outside_in=np.maximum(arriving - listed_in, 0.0),
    )


def _totals_for(flows: FlowTable, totals: pd.DataFrame, *, source: str) -> pd.DataFrame:
    """Return the totals rows of the flows' units, in their order; raise on gaps."""
    needed = ["residents", "out_commuters"]
    missing_columns = [c for c in needed if c not in totals.columns]
    if missing_columns or not ({"in_commuters", "jobs"} & set(totals.columns)):
        msg = (
            "the totals need the columns residents, out_commuters and in_commuters (or jobs); "
            f"got {list(totals.columns)}"
        )
        raise InputError(msg, source=source, field=(missing_columns or ["in_commuters"])[0])
    table = totals.copy()
    table.index = table.index.astype(str)
    absent = [unit for unit in flows.ids if unit not in table.index]
    if absent:
        msg = f"no totals for {len(absent)} unit(s) of the flows (e.g. {absent[:5]})"
        raise InputError(msg, source=source, location=f"unit {absent[0]}", field="unit")
    return table.loc[list(flows.ids)]


def _check_at_most(
    part: np.ndarray,
    whole: np.ndarray,
    flows: FlowTable,
    field: str,
    what: str,
    source: str,
) -> None:
    """Raise naming the first unit whose ``part`` exceeds ``whole`` (beyond rounding)."""
    above = part > whole + 1e-9 * np.maximum(np.abs(whole), 1.0)
    if above.any():
        i = int(np.flatnonzero(above)[0])
        if what.startswith("the listed"):
            msg = (
                f"{what} sum to {part[i]:g}, above the {field} of the unit ({whole[i]:g}); "
                "the totals must include every listed flow"
            )
        elif field == "jobs":
            msg = (
                f"jobs {whole[i]:g} are fewer than the people working where they live "
                f"({what} = {part[i]:g})"
            )
        else:
            msg = f"{field} {part[i]:g} is above {what} ({whole[i]:g})"
        raise InputError(msg, source=source, location=f"unit {flows.ids[i]}", field=field)
