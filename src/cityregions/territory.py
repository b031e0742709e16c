"""The :class:`Territory`: the territorial units of one level.

A territory is a table of units (municipalities, districts or grid cells) keyed by a
string id (German AGS keeps its leading zeros), with names, the unit's tier
(``unit_level``), parent ids, population, employed residents (``residents``) and jobs
(``jobs``) where known, area, a seat point and, optionally, polygons. Contiguity (which
units touch) is derived from the polygons.

Tables written before the vocabulary of issue 10 are still understood by
:meth:`Territory.from_frame`: a column ``level`` is read as ``unit_level`` and a column
``employees`` as ``jobs`` (:data:`OLD_COLUMNS`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cityregions._errors import InputError
from cityregions.constants import CRS_EQUAL_AREA, CRS_WGS84, UNIT

if TYPE_CHECKING:
    import geopandas as gpd

logger = logging.getLogger(__name__)

#: Columns a territory always has (missing optional values are NaN / None):
#: ``unit_level`` is the unit's administrative tier (``municipality``, ``district``);
#: ``residents`` the employed people living in the unit and ``jobs`` the jobs in it
#: (place of work), both where known.
UNIT_COLUMNS = (
    "name",
    "unit_level",
    "parent",
    "state",
    "population",
    "residents",
    "jobs",
    "area_km2",
    "lon",
    "lat",
)
_NUMERIC = ("population", "residents", "jobs", "area_km2", "lon", "lat")
#: Column names of older tables and the unit field they fill (when that field is absent).
OLD_COLUMNS: dict[str, str] = {"level": "unit_level", "employees": "jobs"}


@dataclass(frozen=True, eq=False)
class Territory:
    """Territorial units of one level, immutable once built.

    Parameters
    ----------
    units
        One row per unit, index named ``unit`` holding string ids, columns
        :data:`UNIT_COLUMNS` (build with :meth:`from_frame` to fill defaults).
    geometry
        Optional polygons (a GeoSeries in EPSG:4326 aligned to ``units.index``).
    provenance
        Source and year per field, e.g. ``{"population": "Destatis 31.12.2018"}``.
    name
        A short name of the territory for reports.
    source
        Where the units were read from (a file name), for messages; see :attr:`where`.

    Examples
    --------
    >>> t = Territory.from_frame(pd.DataFrame({"unit": ["01", "02"], "population": [5, 7]}))
    >>> t.ids
    ['01', '02']
    >>> int(t.units["population"].sum())
    12
    """

    units: pd.DataFrame
    geometry: gpd.GeoSeries | None = None
    provenance: Mapping[str, str] = field(default_factory=dict)
    name: str = ""
    source: str = ""

    @property
    def where(self) -> str:
        """The file the units came from, else the territory name, for error messages."""
        return self.source or self.name or "units"

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        id_column: str = UNIT,
        geometry: gpd.GeoSeries | None = None,
        provenance: Mapping[str, str] | None = None,
        name: str = "",
        source: str = "<table>",
    ) -> Territory:
        """Build a territory from a table with one row per unit.

        Parameters
        ----------
        frame
            The unit table; ``id_column`` (or the index if the column is absent) holds ids.
            Old column names (``level``, ``employees``: :data:`OLD_COLUMNS`) are renamed.
        id_column
            Column with the unit ids; ids are converted to strings.
        geometry
            Optional polygons aligned to the rows of ``frame``.
        provenance
            Source and year per field (old field names are renamed like the columns).
        name
            Name of the territory.
        source
            Where the table came from, used in error messages.

        Raises
        ------
        InputError
            On missing, empty or duplicate ids or non-numeric numeric fields.
        """
        table = frame.rename(columns=_old_column_names(frame.columns))
        fields = dict(provenance or {})
        fields = {_old_column_names(pd.Index(fields)).get(k, k): v for k, v in fields.items()}
        if id_column in table.columns:
            table = table.set_index(id_column)
        elif table.index.name != id_column:
            msg = f"no column '{id_column}' with unit ids (columns: {list(frame.columns)})"
            raise InputError(msg, source=source, field=id_column)
        ids = _clean_ids(table.index, source=source, field=id_column)
        table.index = pd.Index(ids, name=UNIT)
        for column in UNIT_COLUMNS:
            if column not in table.columns:
                table[column] = np.nan if column in _NUMERIC else None
        for column in _NUMERIC:
            table[column] = _to_numeric(table[column], source=source, field=column)
        _check_ranges(table, source=source)
        if geometry is not None:
            geometry = geometry.set_axis(table.index)
            if geometry.crs is not None and str(geometry.crs) != CRS_WGS84:
                geometry = geometry.to_crs(CRS_WGS84)
            table = _fill_from_geometry(table, geometry)
        table = table[[*UNIT_COLUMNS, *[c for c in table.columns if c not in UNIT_COLUMNS]]]
        return cls(
            units=table,
            geometry=geometry,
            provenance=fields,
            name=name,
            source="" if source == "<table>" else source,
        )

    @property
    def ids(self) -> list[str]:
        """Unit ids in table order."""
        return list(self.units.index)

    def __len__(self) -> int:
        return len(self.units)

    @property
    def has_polygons(self) -> bool:
        """Whether every unit has an areal shape (polygon or multipolygon, not a point)."""
        if self.geometry is None:
            return False
        return bool(_is_areal(self.geometry).all())

    def subset(self, ids: Iterable[str]) -> Territory:
        """Return the territory restricted to ``ids`` (in the given order)."""
        wanted = list(ids)
        missing = [i for i in wanted if i not in self.units.index]
        if missing:
            msg = f"unknown unit ids {missing[:5]}"
            raise InputError(msg, source=self.where, field=UNIT)
        geometry = None if self.geometry is None else self.geometry.loc[wanted]
        return Territory(self.units.loc[wanted], geometry, self.provenance, self.name, self.source)

    @cached_property
    def contiguity(self) -> sp.csr_array:
        """Return the symmetric 0/1 adjacency of units whose polygons touch (queen).

        Raises
        ------
        InputError
            If the territory has no polygons.
        """
        if self.geometry is None:
            msg = "contiguity needs unit polygons; give units as GeoPackage/GeoJSON/shapefile"
            raise InputError(msg, source=self.where, field="geometry")
        import geopandas as gpd

        frame = gpd.GeoDataFrame(geometry=self.geometry.reset_index(drop=True))
        projected = frame.to_crs(CRS_EQUAL_AREA)
        # Tolerance of 1 m: generalised boundaries of neighbours do not always touch exactly.
        left, right = projected.sindex.query(projected.geometry, predicate="dwithin", distance=1.0)
        keep = left != right
        n = len(frame)
        data = np.ones(int(keep.sum()), dtype=np.int8)
        adjacency = sp.csr_array((data, (left[keep], right[keep])), shape=(n, n))
        adjacency = ((adjacency + adjacency.T) > 0).astype(np.int8)
        return sp.csr_array(adjacency)

    def neighbours(self) -> dict[str, list[str]]:
        """Return, for each unit id, the sorted ids of the units it touches."""
        adjacency = self.contiguity
        ids = np.asarray(self.ids)
        return {
            ids[i]: sorted(ids[adjacency.indices[adjacency.indptr[i] : adjacency.indptr[i + 1]]])
            for i in range(len(ids))
        }

    def to_geodataframe(self) -> gpd.GeoDataFrame:
        """Return the units as a GeoDataFrame (polygons, or seat points without polygons)."""
        import geopandas as gpd

        table = self.units.reset_index()
        if self.geometry is not None:
            geometry: Any = self.geometry.reset_index(drop=True)
        else:
            geometry = gpd.points_from_xy(table["lon"], table["lat"])
        return gpd.GeoDataFrame(table, geometry=geometry, crs=CRS_WGS84)

    def seat_distances_km(self) -> np.ndarray:
        """Return the dense matrix of great-circle distances between unit seats in km.

        Notes
        -----
        Haversine distance on a sphere of radius 6371.0088 km.
        """
        lon = np.radians(self.units["lon"].to_numpy(dtype=float))
        lat = np.radians(self.units["lat"].to_numpy(dtype=float))
        if np.isnan(lon).any() or np.isnan(lat).any():
            bad = self.units.index[np.isnan(lon) | np.isnan(lat)][0]
            msg = "seat coordinates (lon, lat) are needed for distances"
            raise InputError(msg, source=self.where, location=f"unit {bad}")
        return haversine_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :])


def _old_column_names(columns: pd.Index) -> dict[str, str]:
    """Renames of old column names (:data:`OLD_COLUMNS`) whose new name is not taken."""
    present = set(columns)
    return {old: new for old, new in OLD_COLUMNS.items() if old in present and new not in present}


def haversine_km(lon1: Any, lat1: Any, lon2: Any, lat2: Any) -> np.ndarray:
    """Return great-circle distances in km between points given in radians."""
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return np.asarray(2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def _clean_ids(index: pd.Index, *, source: str, field: str) -> list[str]:
    ids = [str(i).strip() if i is not None and not pd.isna(i) else "" for i in index]
    for position, unit_id in enumerate(ids):
        if unit_id == "":
            msg = "empty unit id"
            raise InputError(msg, source=source, location=f"row {position + 1}", field=field)
    duplicated = pd.Index(ids).duplicated()
    if duplicated.any():
        position = int(np.flatnonzero(duplicated)[0])
        msg = f"duplicate unit id '{ids[position]}' (each unit must appear once)"
        raise InputError(msg, source=source, location=f"row {position + 1}", field=field)
    return ids


#: Allowed closed range of numeric unit fields, and how a message states it.
_RANGES: dict[str, tuple[float, float, str]] = {
    "population": (0.0, np.inf, "zero or positive"),
    "residents": (0.0, np.inf, "zero or positive"),
    "jobs": (0.0, np.inf, "zero or positive"),
    "area_km2": (0.0, np.inf, "zero or positive"),
    "lon": (-180.0, 180.0, "a longitude in degrees between -180 and 180"),
    "lat": (-90.0, 90.0, "a latitude in degrees between -90 and 90"),
}


def _check_ranges(table: pd.DataFrame, *, source: str) -> None:
    """Raise naming the first unit whose population, area or seat is out of range."""
    for column, (low, high, allowed) in _RANGES.items():
        values = table[column]
        bad = (values < low) | (values > high)
        if bad.any():
            unit = table.index[bad.to_numpy()][0]
            msg = f"{column} must be {allowed}, got {values[unit]:g}"
            raise InputError(msg, source=source, location=f"unit {unit}", field=column)


def _to_numeric(values: pd.Series, *, source: str, field: str) -> pd.Series:
    converted = pd.to_numeric(values, errors="coerce")
    bad = converted.isna() & values.notna()
    if bad.any():
        unit = values.index[bad.to_numpy()][0]
        msg = f"expected a number, got {values[unit]!r}"
        raise InputError(msg, source=source, location=f"unit {unit}", field=field)
    return converted.astype(float)


def _fill_from_geometry(table: pd.DataFrame, geometry: gpd.GeoSeries) -> pd.DataFrame:
    """Fill missing area and seat coordinates from polygons."""
    if table["area_km2"].isna().any():
        area = (geometry.to_crs(CRS_EQUAL_AREA).area / 1e6).where(_is_areal(geometry))
        table["area_km2"] = table["area_km2"].fillna(pd.Series(area.to_numpy(), index=table.index))
    if table["lon"].isna().any() or table["lat"].isna().any():
        inside = geometry.representative_point()
        table["lon"] = table["lon"].fillna(pd.Series(inside.x.to_numpy(), index=table.index))
        table["lat"] = table["lat"].fillna(pd.Series(inside.y.to_numpy(), index=table.index))
    return table


def _is_areal(geometry: gpd.GeoSeries) -> pd.Series:
    """Whether each shape is a non-empty polygon or multipolygon."""
    polygonal = geometry.geom_type.isin(["Polygon", "MultiPolygon"])
    return pd.Series(polygonal.to_numpy() & ~geometry.is_empty.to_numpy(), index=geometry.index)
