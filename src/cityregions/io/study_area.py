"""Read a study area as the command line and ``case.toml`` give it.

``--study-area`` (or ``[registry] study_area``) takes one of

* **state keys**, comma-separated: ``14,15,16`` (the two-digit keys of the units'
  ``state`` column);
* a **unit list**: a ``.csv`` with a ``unit`` column or a text file with one id per line
  (:func:`cityregions.io.id_lists.read_ids`);
* a **polygon file** (``.gpkg``, ``.geojson``, ``.json``, ``.shp``): a unit is inside when
  its seat point (``lon``/``lat``) lies in one of the polygons (the file's CRS is
  respected; the seats are WGS 84).

Without it the study area is the units covered by the registry's bodies on the date
(:func:`cityregions.governance.study_area.registry_study_area`).

Examples
--------
>>> import pandas as pd
>>> from cityregions.territory import Territory
>>> units = Territory.from_frame(pd.DataFrame({"unit": ["14713", "15002", "09162"],
...                                            "state": ["14", "15", "09"]}))
>>> read_study_area("14,15", units).units
('14713', '15002')
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from cityregions._errors import InputError
from cityregions.governance.study_area import (
    StudyArea,
    states_study_area,
    units_study_area,
)
from cityregions.territory import Territory

logger = logging.getLogger(__name__)

_STATES = re.compile(r"^\s*\d{1,2}\s*(,\s*\d{1,2}\s*)*$")
POLYGON_SUFFIXES = (".gpkg", ".geojson", ".json", ".shp")
LIST_SUFFIXES = (".csv", ".txt")


def read_study_area(spec: str, territory: Territory, *, option: str = "--study-area") -> StudyArea:
    """Read a study area given as state keys, a unit-list file or a polygon file.

    Parameters
    ----------
    spec
        ``14,15,16``, or the path of a unit list or a polygon file.
    territory
        The units (ids, ``state``, seat ``lon``/``lat``).
    option
        The option or field the spec came from, for messages.

    Raises
    ------
    InputError
        Naming the option or file: no such file, a file of another kind, or an area
        that covers no unit.
    """
    text = str(spec).strip()
    if _STATES.match(text):
        keys = [k.strip().zfill(2) for k in text.split(",")]
        states = {str(u): str(s).zfill(2) for u, s in territory.units["state"].astype(str).items()}
        return states_study_area(keys, states, source=option)
    path = Path(text)
    if not path.is_file():
        msg = (
            f"{text!r} is neither state keys (e.g. 14,15,16) nor an existing file "
            f"(a unit list {', '.join(LIST_SUFFIXES)} or polygons {', '.join(POLYGON_SUFFIXES)})"
        )
        raise InputError(msg, field=option)
    suffix = path.suffix.lower()
    if suffix in LIST_SUFFIXES:
        from cityregions.io.id_lists import read_ids

        ids = read_ids(path, what="study-area units")
        return units_study_area(ids, territory.ids, source=str(path))
    if suffix in POLYGON_SUFFIXES:
        return units_study_area(
            _units_in_polygons(path, territory), territory.ids, how="polygons", source=str(path)
        )
    msg = f"unknown kind of file {suffix!r}; expected {', '.join(LIST_SUFFIXES + POLYGON_SUFFIXES)}"
    raise InputError(msg, source=path, field=option)


def _units_in_polygons(path: Path, territory: Territory) -> list[str]:
    """Units whose seat point lies in one of the polygons of ``path``."""
    import geopandas as gpd

    try:
        shapes = gpd.read_file(path)
    except Exception as error:  # pyogrio/fiona raise many kinds of errors for bad files
        msg = f"not a readable polygon file: {error}"
        raise InputError(msg, source=path) from error
    if shapes.empty or not shapes.geom_type.isin(["Polygon", "MultiPolygon"]).any():
        msg = "the file holds no polygons"
        raise InputError(msg, source=path, field="geometry")
    if shapes.crs is None:
        msg = "the polygons have no coordinate reference system"
        raise InputError(msg, source=path, field="crs")
    units = territory.units
    if "lon" not in units.columns or units[["lon", "lat"]].isna().all().all():
        msg = "the units have no seat points (lon, lat) to place in the polygons"
        raise InputError(msg, field="lon")
    seats = gpd.GeoDataFrame(
        index=units.index,
        geometry=gpd.points_from_xy(units["lon"], units["lat"]),
        crs="EPSG:4326",
    ).to_crs(shapes.crs)
    area = shapes.geometry.union_all()
    inside = seats.geometry.within(area)
    return sorted(str(u) for u in units.index[inside.to_numpy()])


__all__ = ["read_study_area"]
