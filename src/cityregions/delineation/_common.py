"""Helpers shared by the core-based delineations (FUA, BBSR) and community detection.

Private: commuter totals of a flow matrix, alignment of a territory to the flows,
connected pieces of regions on a contiguity graph and the units on the outer edge of a
territory.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from cityregions._errors import InputError, ParameterError
from cityregions.constants import CRS_EQUAL_AREA, UNIT
from cityregions.flows import FlowTable
from cityregions.territory import Territory

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CommuterTotals:
    """Per-unit commuter totals of a flow table (arrays in ``flows.ids`` order).

    ``residents`` = employed residents (row sums incl. internal, plus the flows beyond
    the table when the table knows them), ``jobs`` = column sums incl. internal (plus
    the flows from beyond the table), ``internal`` = diagonal, ``out_commuters`` =
    residents − internal, ``in_commuters`` = jobs − internal. Every share that divides
    by a unit's total divides by these complete totals
    (:meth:`cityregions.flows.FlowTable.with_totals`).
    """

    residents: np.ndarray
    jobs: np.ndarray
    internal: np.ndarray

    @property
    def out_commuters(self) -> np.ndarray:
        """Employed residents working in another unit."""
        return self.residents - self.internal

    @property
    def in_commuters(self) -> np.ndarray:
        """Jobs held by residents of another unit."""
        return self.jobs - self.internal

    @classmethod
    def of(cls, flows: FlowTable) -> CommuterTotals:
        """Compute the totals of ``flows`` (flows beyond the table included)."""
        return cls(
            residents=flows.residents().to_numpy(dtype=float),
            jobs=flows.jobs().to_numpy(dtype=float),
            internal=np.asarray(flows.matrix.diagonal()).astype(float),
        )


def check_share(value: float, *, name: str, allow_zero: bool = False) -> float:
    """Return ``value`` if it is a share in (0, 1] (or [0, 1]); raise otherwise."""
    low_ok = value >= 0 if allow_zero else value > 0
    if not (np.isfinite(value) and low_ok and value <= 1):
        bound = "[0, 1]" if allow_zero else "(0, 1]"
        msg = f"{name} must be a share in {bound}, got {value!r}"
        raise ParameterError(msg)
    return float(value)


def check_positive(value: float, *, name: str) -> float:
    """Return ``value`` if it is a finite number > 0; raise otherwise."""
    if not (np.isfinite(value) and value > 0):
        msg = f"{name} must be a positive number, got {value!r}"
        raise ParameterError(msg)
    return float(value)


def aligned_units(
    territory: Territory, flows: FlowTable, *, columns: tuple[str, ...]
) -> pd.DataFrame:
    """Return ``territory.units[columns]`` in the order of ``flows.ids``.

    Raises
    ------
    InputError
        If a unit of the flows is missing from the territory (or the reverse), or a
        needed column has missing values.
    """
    units = territory.units
    missing = [i for i in flows.ids if i not in units.index]
    extra = units.index.difference(pd.Index(flows.ids))
    if missing or len(extra):
        msg = (
            f"flows and units cover different units ({len(missing)} in flows only, e.g. "
            f"{missing[:5]}; {len(extra)} in units only, e.g. {list(extra[:5])})"
        )
        raise InputError(msg, source=territory.where, field=UNIT)
    table = units.loc[list(flows.ids), list(columns)]
    for column in columns:
        if table[column].isna().any():
            bad = table.index[table[column].isna().to_numpy()][0]
            msg = f"a value of '{column}' is needed for every unit"
            raise InputError(msg, source=territory.where, location=f"unit {bad}", field=column)
    return table


def region_pieces(labels: pd.Series, adjacency: sp.csr_array) -> tuple[np.ndarray, np.ndarray]:
    """Return the connected piece of each unit within its region.

    Parameters
    ----------
    labels
        Region per unit (NaN = unassigned), in the order of ``adjacency``.
    adjacency
        Symmetric 0/1 contiguity of the units.

    Returns
    -------
    tuple of numpy arrays
        ``pieces`` (piece number per unit; unassigned units form pieces of their own
        among themselves) and the number of pieces.
    """
    codes = _label_codes(labels)
    coo = adjacency.tocoo()
    same = codes[coo.row] == codes[coo.col]
    within = sp.csr_array(
        (np.ones(int(same.sum())), (coo.row[same], coo.col[same])), shape=adjacency.shape
    )
    count, pieces = connected_components(within, directed=False)
    return pieces, np.asarray(count)


def _label_codes(labels: pd.Series) -> np.ndarray:
    """Integer code per unit; all unassigned (NaN) units share code −1."""
    codes, _ = pd.factorize(labels, sort=True)
    return np.asarray(codes)


def outer_edge_units(territory: Territory, *, gap_m: float = 100.0) -> np.ndarray:
    """Return a boolean array: does the unit touch the outer edge of the territory?

    The edge is the boundary (outer ring and holes) of the union of all polygons, each
    buffered by ``gap_m`` metres so that slivers between generalised neighbours do not
    count as edge. A unit touching it may have neighbours outside the territory, so
    it cannot be known to be an enclave.
    """
    if territory.geometry is None:
        return np.zeros(len(territory), dtype=bool)
    import geopandas as gpd
    import shapely

    projected = gpd.GeoSeries(territory.geometry.to_numpy(), crs=territory.geometry.crs)
    projected = projected.to_crs(CRS_EQUAL_AREA)
    hull = shapely.union_all(projected.buffer(gap_m).to_numpy())
    edge = hull.boundary
    return np.asarray(projected.buffer(2 * gap_m).intersects(edge), dtype=bool)


def main_member(members: list[str], weight: pd.Series) -> str:
    """Return the member with the largest weight; ties go to the smallest id."""
    ranked = sorted(members, key=lambda unit: (-float(weight.get(unit, 0.0)), unit))
    return ranked[0]
