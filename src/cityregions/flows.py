"""The :class:`FlowTable`: a sparse origin–destination matrix over unit ids.

Rows are origins (place of residence), columns destinations (place of work); the
diagonal holds the people who live and work in the same unit. Where the values come
from, :attr:`FlowTable.flows_provenance` (``observed``, ``completed`` or ``modeled``),
travels with the object into every output.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cityregions._errors import DataQualityWarning, InputError
from cityregions.constants import (
    DESTINATION,
    FLOWS_PROVENANCE,
    FLOWS_PROVENANCES,
    ORIGIN,
    UNIT,
    VALUE,
    FlowsProvenance,
)

logger = logging.getLogger(__name__)

NO_DIAGONAL_MESSAGE = (
    "the flows have no internal (diagonal) flows: people living and working in the same "
    "unit are missing, so self-containment is near zero and functional delineation "
    "collapses into one region or fails; add the diagonal (e.g. the employed residents "
    "of the unit minus its out-commuters)"
)


@dataclass(frozen=True, eq=False)
class FlowTable:
    """Origin–destination flows over a fixed, ordered list of unit ids.

    Parameters
    ----------
    ids
        Unit ids (strings) giving the row and column order of ``matrix``.
    matrix
        Square CSR array, ``matrix[i, j]`` = people living in ``ids[i]`` and working in
        ``ids[j]``; the diagonal holds internal flows.
    flows_provenance
        Where the values come from: ``"observed"`` (counted), ``"completed"`` (observed
        with missing cells filled by a model) or ``"modeled"`` (estimated).
    source
        Where the flows come from (file, statistic and year, or the model).

    Examples
    --------
    >>> long = pd.DataFrame({"origin": ["a", "a", "b"], "destination": ["a", "b", "b"],
    ...                      "value": [3, 1, 4]})
    >>> flows = FlowTable.from_long(long, flows_provenance="observed", source="toy")
    >>> flows.residents().tolist(), flows.jobs().tolist()
    ([4.0, 4.0], [3.0, 5.0])
    """

    ids: tuple[str, ...]
    matrix: sp.csr_array
    flows_provenance: FlowsProvenance = "observed"
    source: str = ""

    def __post_init__(self) -> None:
        n = len(self.ids)
        if self.matrix.shape != (n, n):
            msg = f"matrix shape {self.matrix.shape} does not match {n} unit ids"
            raise InputError(msg, source=self.source or "flows")
        if self.flows_provenance not in FLOWS_PROVENANCES:
            allowed = ", ".join(FLOWS_PROVENANCES)
            msg = f"flows_provenance must be one of {allowed}, got {self.flows_provenance!r}"
            raise InputError(msg, source=self.source or "flows", field=FLOWS_PROVENANCE)

    @classmethod
    def from_long(
        cls,
        table: pd.DataFrame,
        *,
        origin: str = ORIGIN,
        destination: str = DESTINATION,
        value: str = VALUE,
        ids: Sequence[str] | None = None,
        flows_provenance: FlowsProvenance = "observed",
        source: str = "<table>",
        warn_no_diagonal: bool = True,
    ) -> FlowTable:
        """Build flows from a long table (one row per origin–destination pair).

        Duplicated pairs are summed. Ids are compared as strings.

        Parameters
        ----------
        table
            Long table with origin, destination and value columns.
        origin, destination, value
            Column names.
        ids
            The unit ids, in order (e.g. ``territory.ids``). Flows naming other ids are an
            error. Without ``ids`` the sorted union of origins and destinations is used.
        flows_provenance
            ``"observed"``, ``"completed"`` or ``"modeled"``.
        source
            Where the table came from, for messages and outputs.
        warn_no_diagonal
            Warn (:class:`DataQualityWarning`) when no flow is internal.

        Raises
        ------
        InputError
            On missing columns, non-numeric, negative or missing values, unknown ids.
        """
        for column in (origin, destination, value):
            if column not in table.columns:
                msg = f"missing column '{column}' (columns: {list(table.columns)})"
                raise InputError(msg, source=source, field=column)
        origins = table[origin].astype(str).str.strip()
        destinations = table[destination].astype(str).str.strip()
        values = _check_values(table[value], source=source, field=value)
        id_list = sorted(set(origins) | set(destinations)) if ids is None else [str(i) for i in ids]
        position = pd.Index(id_list)
        if not position.is_unique:
            msg = "unit ids must be unique"
            raise InputError(msg, source=source, field=UNIT)
        rows = position.get_indexer(pd.Index(origins))
        cols = position.get_indexer(pd.Index(destinations))
        for codes, names, column in ((rows, origins, origin), (cols, destinations, destination)):
            if (codes < 0).any():
                line = int(np.flatnonzero(codes < 0)[0])
                msg = f"unit id '{names.iloc[line]}' is not in the unit table"
                raise InputError(msg, source=source, location=f"line {line + 2}", field=column)
        n = len(id_list)
        coo = sp.coo_array((values, (rows, cols)), shape=(n, n))
        matrix = sp.csr_array(coo)  # duplicates are summed here
        matrix.eliminate_zeros()
        flows = cls(tuple(id_list), matrix, flows_provenance, source)
        if warn_no_diagonal and len(table) and not flows.has_diagonal:
            warnings.warn(f"{source}: {NO_DIAGONAL_MESSAGE}", DataQualityWarning, stacklevel=2)
        return flows

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def index(self) -> pd.Index:
        """Unit ids as a pandas Index named ``unit``."""
        return pd.Index(self.ids, name=UNIT)

    @property
    def has_diagonal(self) -> bool:
        """Whether any internal (diagonal) flow is positive."""
        return bool((self.matrix.diagonal() > 0).any())

    @property
    def total(self) -> float:
        """Sum of all flows."""
        return float(self.matrix.sum())

    def residents(self) -> pd.Series:
        """Return the employed residents of each unit in the table: row sums.

        :math:`R_i = \\sum_j T_{ij}`, the internal flow :math:`T_{ii}` included. Flows to
        units beyond the table are not counted: a truncated table gives less than the
        official number of employed residents.
        """
        return pd.Series(np.asarray(self.matrix.sum(axis=1)).ravel(), index=self.index)

    def jobs(self) -> pd.Series:
        """Return the jobs of each unit held by residents of the table: column sums.

        :math:`W_j = \\sum_i T_{ij}`, the internal flow :math:`T_{jj}` included.
        """
        return pd.Series(np.asarray(self.matrix.sum(axis=0)).ravel(), index=self.index)

    def internal(self) -> pd.Series:
        """Return the internal flows (the diagonal)."""
        return pd.Series(self.matrix.diagonal(), index=self.index)

    def to_long(self, *, include_zero: bool = False) -> pd.DataFrame:
        """Return the flows as a long table ``origin, destination, value, flows_provenance``."""
        coo = self.matrix.tocoo()
        ids = np.asarray(self.ids, dtype=object)
        frame = pd.DataFrame(
            {ORIGIN: ids[coo.row], DESTINATION: ids[coo.col], VALUE: coo.data.astype(float)}
        )
        if not include_zero:
            frame = frame[frame[VALUE] != 0]
        frame = frame.sort_values([ORIGIN, DESTINATION], kind="stable").reset_index(drop=True)
        frame[FLOWS_PROVENANCE] = self.flows_provenance
        return frame

    def subset(self, ids: Iterable[str]) -> FlowTable:
        """Return the flows among ``ids`` only (flows to or from other units dropped)."""
        wanted = [str(i) for i in ids]
        codes = self.index.get_indexer(pd.Index(wanted))
        if (codes < 0).any():
            missing = [w for w, c in zip(wanted, codes, strict=True) if c < 0][:5]
            msg = f"unknown unit ids {missing}"
            raise InputError(msg, source=self.source or "flows", field=UNIT)
        matrix = sp.csr_array(self.matrix[codes][:, codes])
        return FlowTable(tuple(wanted), matrix, self.flows_provenance, self.source)

    def with_diagonal(self, internal: pd.Series) -> FlowTable:
        """Return a copy whose diagonal is replaced by ``internal`` (aligned by unit id)."""
        aligned = internal.reindex(self.index)
        if aligned.isna().any():
            missing = list(aligned.index[aligned.isna().to_numpy()][:5])
            msg = f"no internal flow given for units {missing}"
            raise InputError(msg, source=self.source or "flows", field="internal")
        values = _check_values(aligned, source=self.source or "flows", field="internal")
        lil = self.matrix.tolil()
        lil.setdiag(values)
        matrix = sp.csr_array(lil)
        matrix.eliminate_zeros()
        return FlowTable(self.ids, matrix, self.flows_provenance, self.source)

    def aggregate(self, labels: pd.Series) -> FlowTable:
        """Return the flows between groups of units (e.g. regions) given ``unit → group``.

        Every unit needs a group: flows are never dropped. Labels with units outside
        every region (NaN) must give those units a group first (e.g. their own ids) or
        be restricted with :meth:`subset`.
        """
        aligned = labels.reindex(self.index)
        if aligned.isna().any():
            missing = list(aligned.index[aligned.isna().to_numpy()][:5])
            msg = (
                f"no group for units {missing} (NaN marks a unit outside every region; "
                "give each a group or leave them out with subset())"
            )
            raise InputError(msg, source="labels", field="region")
        groups, codes = np.unique(aligned.astype(str).to_numpy(), return_inverse=True)
        n, k = len(self.ids), len(groups)
        membership = sp.csr_array((np.ones(n), (np.arange(n), codes)), shape=(n, k))
        matrix = sp.csr_array(membership.T @ self.matrix @ membership)
        return FlowTable(tuple(str(g) for g in groups), matrix, self.flows_provenance, self.source)


def _check_values(values: pd.Series, *, source: str, field: str) -> np.ndarray:
    numeric = pd.to_numeric(values, errors="coerce")
    bad = numeric.isna() | ~np.isfinite(numeric.to_numpy(dtype=float, na_value=np.nan))
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0])
        msg = f"expected a non-negative number, got {values.iloc[line]!r}"
        raise InputError(msg, source=source, location=f"line {line + 2}", field=field)
    array = numeric.to_numpy(dtype=float)
    if (array < 0).any():
        line = int(np.flatnonzero(array < 0)[0])
        msg = f"expected a non-negative number, got {array[line]:g}"
        raise InputError(msg, source=source, location=f"line {line + 2}", field=field)
    return array
