"""The :class:`FlowTable`: a sparse origin–destination matrix over unit ids.

Rows are origins (place of residence), columns destinations (place of work); the
diagonal holds the people who live and work in the same unit. Where the values come
from, :attr:`FlowTable.flows_provenance` (``observed``, ``completed`` or ``modeled``),
travels with the object into every output.

A table rarely holds every commuter of its units: a study area loses the people who
live in it and work beyond its edge (and the reverse), and a truncated file (the BA
district table lists each district's ten largest links) loses the links it cut. Per
unit, :attr:`FlowTable.outside_out` and :attr:`FlowTable.outside_in` carry these
*flows beyond the table*, so that :meth:`FlowTable.residents` and
:meth:`FlowTable.jobs` are the complete totals every share divides by
(:meth:`FlowTable.with_totals` derives them from official totals; :meth:`FlowTable.subset`
keeps the flows to the units it drops as flows beyond the table).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
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

#: Per unit: people living in it and working beyond the table / working in it and
#: living beyond the table.
OUTSIDE_OUT = "outside_out"
OUTSIDE_IN = "outside_in"

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
    outside_out
        Per unit (in ``ids`` order), the people living in it and working in a unit
        beyond the table; None when not known (then taken as 0).
    outside_in
        Per unit, the people working in it and living beyond the table; None when not
        known.

    Examples
    --------
    >>> long = pd.DataFrame({"origin": ["a", "a", "b"], "destination": ["a", "b", "b"],
    ...                      "value": [3, 1, 4]})
    >>> flows = FlowTable.from_long(long, flows_provenance="observed", source="toy")
    >>> flows.residents().tolist(), flows.jobs().tolist()
    ([4.0, 4.0], [3.0, 5.0])
    >>> complete = flows.with_totals(pd.Series({"a": 10, "b": 4}), pd.Series({"a": 3, "b": 9}))
    >>> complete.residents().tolist(), complete.outside()["outside_in"].tolist()
    ([10.0, 4.0], [0.0, 4.0])
    """

    ids: tuple[str, ...]
    matrix: sp.csr_array
    flows_provenance: FlowsProvenance = "observed"
    source: str = ""
    outside_out: np.ndarray | None = None
    outside_in: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self.ids)
        if self.matrix.shape != (n, n):
            msg = f"matrix shape {self.matrix.shape} does not match {n} unit ids"
            raise InputError(msg, source=self.source or "flows")
        if self.flows_provenance not in FLOWS_PROVENANCES:
            allowed = ", ".join(FLOWS_PROVENANCES)
            msg = f"flows_provenance must be one of {allowed}, got {self.flows_provenance!r}"
            raise InputError(msg, source=self.source or "flows", field=FLOWS_PROVENANCE)
        if (self.outside_out is None) != (self.outside_in is None):
            msg = "give both outside_out and outside_in (the flows beyond the table), or neither"
            raise InputError(msg, source=self.source or "flows", field=OUTSIDE_OUT)
        for name in (OUTSIDE_OUT, OUTSIDE_IN):
            values = getattr(self, name)
            if values is not None:
                object.__setattr__(self, name, _check_outside(values, n, self, name))

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
        """Sum of all flows in the table (flows beyond it not included)."""
        return float(self.matrix.sum())

    @property
    def has_totals(self) -> bool:
        """Whether the flows beyond the table are known (complete residents and jobs)."""
        return self.outside_out is not None

    def residents(self) -> pd.Series:
        """Return the employed residents of each unit: row sums plus flows beyond the table.

        :math:`R_i = \\sum_j T_{ij} + O_i`, the internal flow :math:`T_{ii}` included,
        with :math:`O_i` the people of ``i`` working beyond the table
        (:attr:`outside_out`; 0 when unknown, and then a truncated table gives less
        than the official number of employed residents).
        """
        rows = np.asarray(self.matrix.sum(axis=1), dtype=float).ravel()
        if self.outside_out is not None:
            rows = rows + self.outside_out
        return pd.Series(rows, index=self.index)

    def jobs(self) -> pd.Series:
        """Return the jobs of each unit: column sums plus flows from beyond the table.

        :math:`W_j = \\sum_i T_{ij} + I_j`, the internal flow :math:`T_{jj}` included,
        with :math:`I_j` the people working in ``j`` and living beyond the table
        (:attr:`outside_in`; 0 when unknown).
        """
        cols = np.asarray(self.matrix.sum(axis=0), dtype=float).ravel()
        if self.outside_in is not None:
            cols = cols + self.outside_in
        return pd.Series(cols, index=self.index)

    def outside(self) -> pd.DataFrame:
        """Return the flows beyond the table per unit: ``outside_out``, ``outside_in``.

        Zeros when they are not known (:attr:`has_totals` False).
        """
        n = len(self.ids)
        out = self.outside_out if self.outside_out is not None else np.zeros(n)
        inn = self.outside_in if self.outside_in is not None else np.zeros(n)
        return pd.DataFrame({OUTSIDE_OUT: out, OUTSIDE_IN: inn}, index=self.index)

    def totals(self) -> pd.DataFrame:
        """Return ``residents`` and ``jobs`` per unit (index ``unit``), as ``--totals`` reads."""
        return pd.DataFrame({"residents": self.residents(), "jobs": self.jobs()})

    def with_totals(
        self, residents: pd.Series, jobs: pd.Series, *, source: str = "totals"
    ) -> FlowTable:
        """Return a copy that knows the complete totals, hence the flows beyond the table.

        Parameters
        ----------
        residents
            Employed people living in each unit (unit id → number), all of them: those
            working in the unit, in other units of the table and beyond it.
        jobs
            Jobs (people working) in each unit, whoever holds them.
        source
            Where the totals come from, for messages.

        Returns
        -------
        FlowTable
            The same flows with :math:`O_i = R_i - \\sum_j T_{ij}` and
            :math:`I_j = W_j - \\sum_i T_{ij}`.

        Raises
        ------
        InputError
            If a unit has no total, a total that is not a finite number of at least 0,
            or a total smaller than the flows the table lists for it (naming the unit).
        """
        rows = np.asarray(self.matrix.sum(axis=1), dtype=float).ravel()
        cols = np.asarray(self.matrix.sum(axis=0), dtype=float).ravel()
        outside = []
        for name, given, listed, direction in (
            ("residents", residents, rows, "from"),
            ("jobs", jobs, cols, "to"),
        ):
            values = _aligned_totals(given, self.index, source=source, field=name)
            short = values < listed - 1e-9 * np.maximum(listed, 1.0)
            if short.any():
                i = int(np.flatnonzero(short)[0])
                msg = (
                    f"{name} {values[i]:g} is smaller than the {listed[i]:g} commuters the "
                    f"flows list {direction} this unit ({self.source or 'flows'}); the totals "
                    "must include every listed flow"
                )
                raise InputError(msg, source=source, location=f"unit {self.ids[i]}", field=name)
            outside.append(np.maximum(values - listed, 0.0))
        return replace(self, outside_out=outside[0], outside_in=outside[1])

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
        """Return the flows among ``ids``; flows to or from other units go beyond the table.

        The kept units keep their complete :meth:`residents` and :meth:`jobs`: a flow
        to (from) a dropped unit is added to :attr:`outside_out` (:attr:`outside_in`).
        """
        wanted = [str(i) for i in ids]
        codes = self.index.get_indexer(pd.Index(wanted))
        if (codes < 0).any():
            missing = [w for w, c in zip(wanted, codes, strict=True) if c < 0][:5]
            msg = f"unknown unit ids {missing}"
            raise InputError(msg, source=self.source or "flows", field=UNIT)
        matrix = sp.csr_array(self.matrix[codes][:, codes])
        rows = np.asarray(matrix.sum(axis=1), dtype=float).ravel()
        cols = np.asarray(matrix.sum(axis=0), dtype=float).ravel()
        out = np.maximum(self.residents().to_numpy()[codes] - rows, 0.0)
        inn = np.maximum(self.jobs().to_numpy()[codes] - cols, 0.0)
        if not self.has_totals and not out.any() and not inn.any():
            out = inn = None  # type: ignore[assignment]
        return FlowTable(tuple(wanted), matrix, self.flows_provenance, self.source, out, inn)

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
        return replace(self, matrix=matrix)

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
        out = inn = None
        if self.outside_out is not None and self.outside_in is not None:
            out = np.bincount(codes, self.outside_out, minlength=k)
            inn = np.bincount(codes, self.outside_in, minlength=k)
        ids = tuple(str(g) for g in groups)
        return FlowTable(ids, matrix, self.flows_provenance, self.source, out, inn)


def _check_outside(values: np.ndarray, n: int, flows: FlowTable, name: str) -> np.ndarray:
    """Return the flows beyond the table as floats; raise unless n finite numbers >= 0."""
    array = np.asarray(values, dtype=float).ravel()
    if array.shape != (n,):
        msg = f"{name} has {array.size} values for {n} units"
        raise InputError(msg, source=flows.source or "flows", field=name)
    bad = ~np.isfinite(array) | (array < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = f"expected a finite number of commuters (0 or more), got {array[i]!r}"
        raise InputError(
            msg, source=flows.source or "flows", location=f"unit {flows.ids[i]}", field=name
        )
    return array


def _aligned_totals(values: pd.Series, index: pd.Index, *, source: str, field: str) -> np.ndarray:
    """Return ``values`` (unit id → number) in the order of ``index``; raise on gaps."""
    given = pd.Series(values.to_numpy(), index=values.index.astype(str))
    aligned = pd.to_numeric(given.reindex(index), errors="coerce")
    array = aligned.to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(array) | (array < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raw = given.get(index[i])
        what = "no total" if raw is None else f"{raw!r}, not a finite number of at least 0"
        msg = f"{what} for this unit of the flows"
        raise InputError(msg, source=source, location=f"unit {index[i]}", field=field)
    return array


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
