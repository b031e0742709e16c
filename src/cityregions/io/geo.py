"""Read units from vector files (incl. BKG VG250) and write GeoPackages atomically.

Vector files (GeoPackage, GeoJSON, shapefile, FlatGeobuf, zipped shapefiles) are read
with pyogrio. The BKG *Verwaltungsgebiete 1:250 000* (VG250, VG250-EW) layers
``vg250_krs`` (Kreise) and ``vg250_gem`` (Gemeinden) are recognised by their attributes
(``ADE``, ``GF``, ``AGS``/``ARS``/``RS``, ``GEN``) and cleaned as the BKG documentation
asks: only land parts are kept (``GF`` 3 or 4; the sea and Lake Constance parts ``GF``
1/2 repeat the key with ``EWZ = 0``), the German–Luxembourg *Kondominium* is dropped,
remaining parts with the same key are dissolved into one polygon per unit, and
``EWZ`` (VG250-EW population), ``KFL`` (cadastral area km²) and ``SN_L`` (Land) fill
the unit fields ``population``, ``area_km2`` and ``state``. Both attribute generations
(``RS``/``RS_0`` up to 2020, ``ARS``/``ARS_0`` since) are accepted. Geometries are
reprojected to EPSG:4326.

References
----------
BKG (2024). *Verwaltungsgebiete 1:250 000 (Ebenen), Stand 01.01.* Dokumentation
``vg250.pdf``. Bundesamt für Kartographie und Geodäsie, Frankfurt am Main.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from cityregions._errors import InputError
from cityregions.constants import CRS_WGS84, UNIT
from cityregions.io._atomic import atomic_path
from cityregions.io._text import check_file, find_column
from cityregions.io._timestamp import gdal_build_time
from cityregions.io.tables import (
    ID_COLUMNS,
    check_unique,
    id_series,
    rename_unit_fields,
)
from cityregions.territory import Territory

if TYPE_CHECKING:
    import geopandas as gpd


logger = logging.getLogger(__name__)

#: VG250 ``ADE`` (administrative level) → ``unit_level``.
VG250_LEVELS = {
    1: "state_nation",
    2: "land",
    3: "regierungsbezirk",
    4: "district",
    5: "verband",
    6: "municipality",
}
#: VG250 ``GF`` codes of land parts (3 land without, 4 land with lower structure).
VG250_LAND_GF = (3, 4)


def list_layers(path: str | Path) -> list[str]:
    """Return the layer names of a vector file (raising :class:`InputError` if unreadable).

    In a ``.zip`` (e.g. the BKG download), every GeoPackage layer and every shapefile
    (by its stem, e.g. ``VG250_KRS``) is a layer, wherever it sits inside the zip.
    """
    return list(_layer_sources(check_file(path)))


def _layer_sources(path: Path) -> dict[str, tuple[str, str | None]]:
    """Map layer name → (GDAL path, layer within it) for a file or the members of a zip."""
    import pyogrio

    sources: list[str] = [str(path)]
    if path.suffix.lower() == ".zip":
        sources = _zip_members(path)
    layers: dict[str, tuple[str, str | None]] = {}
    for source in sources:
        try:
            names = [str(name) for name in pyogrio.list_layers(source)[:, 0]]
        except Exception as error:  # GDAL errors come in several types
            msg = f"not a readable vector file ({error})"
            raise InputError(msg, source=path) from error
        for name in names:
            layers.setdefault(name, (source, name))
    return layers


def _zip_members(path: Path) -> list[str]:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.namelist()
    except zipfile.BadZipFile as error:
        msg = f"not a readable zip file ({error})"
        raise InputError(msg, source=path) from error
    wanted = [m for m in members if m.lower().endswith((".gpkg", ".shp", ".geojson"))]
    if not wanted:
        msg = "the zip holds no GeoPackage, shapefile or GeoJSON"
        raise InputError(msg, source=path)
    return [f"/vsizip/{path}/{member}" for member in sorted(wanted)]


def read_vector(path: str | Path, *, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read one layer of a vector file as a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    path
        GeoPackage, GeoJSON, shapefile, FlatGeobuf, or a ``.zip`` holding them (such as
        the BKG VG250 download; members are found by suffix).
    layer
        Layer name (any case: ``vg250_krs`` also finds the shapefile ``VG250_KRS``).
        Default: the only layer, else a layer named ``units``; a file with several
        other layers needs it (the message lists them).

    Raises
    ------
    InputError
        Missing, empty or unreadable file; a layer that is not there; no CRS on
        projected coordinates.
    """
    import geopandas as gpd
    import pyogrio

    path = check_file(path)
    sources = _layer_sources(path)
    chosen = _choose_layer(list(sources), layer, path=path)
    source, inner = sources[chosen]
    try:
        frame = pyogrio.read_dataframe(source, layer=inner)
    except Exception as error:
        msg = f"cannot read layer {chosen!r} ({error})"
        raise InputError(msg, source=path, location=f"layer {chosen!r}") from error
    if frame.empty:
        msg = "the layer has no features"
        raise InputError(msg, source=path, location=f"layer {chosen!r}")
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.isna().all():
        msg = "no geometry: expected a vector file (GeoPackage, GeoJSON, shapefile) with shapes"
        raise InputError(msg, source=path, location=f"layer {chosen!r}", field="geometry")
    return _to_wgs84(frame, path=path)


def _choose_layer(layers: list[str], layer: str | None, *, path: Path) -> str:
    if layer is not None:
        if layer in layers:
            return layer
        matches = [name for name in layers if name.lower() == layer.lower()]
        if len(matches) == 1:
            return matches[0]
        msg = f"no layer {layer!r}; layers are {layers}"
        raise InputError(msg, source=path, location=f"layer {layer!r}")
    if len(layers) == 1:
        return layers[0]
    if "units" in layers:
        return "units"
    msg = (
        f"the file has several layers {layers}; name the one with the units "
        "(--layer on the command line, layer=... in Python)"
    )
    raise InputError(msg, source=path, field="layer")


def _to_wgs84(frame: gpd.GeoDataFrame, *, path: Path) -> gpd.GeoDataFrame:
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds
        if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
            logger.warning("%s has no CRS; assuming longitude/latitude (EPSG:4326)", path)
            return frame.set_crs(CRS_WGS84)
        msg = "no coordinate reference system (.prj missing?) on projected coordinates"
        raise InputError(msg, source=path, field="crs")
    return frame if frame.crs.to_epsg() == 4326 else frame.to_crs(CRS_WGS84)


def is_vg250(frame: pd.DataFrame) -> bool:
    """Whether a table has the attributes of a BKG VG250/VG250-EW polygon layer."""
    columns = set(frame.columns)
    return {"ADE", "GF", "GEN"} <= columns and bool(columns & {"AGS", "ARS", "RS"})


def clean_vg250(frame: gpd.GeoDataFrame, *, id_column: str, source: str) -> gpd.GeoDataFrame:
    """Keep land parts of a VG250 layer and dissolve them into one row per key.

    Parameters
    ----------
    frame
        A VG250 polygon layer (``vg250_krs``, ``vg250_gem``, …).
    id_column
        The key column (``AGS``, ``ARS``, ``RS``, ``AGS_0``, ``ARS_0``).
    source
        File name for messages.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per key with ``GF`` in :data:`VG250_LAND_GF`, without Kondominium rows;
        attributes of the first part, ``EWZ`` and ``KFL`` summed over parts, a
        ``unit_level`` from ``ADE``, ``state`` from ``SN_L`` and, for Gemeinden,
        ``parent`` = Kreis key.
    """
    gf = pd.to_numeric(frame["GF"], errors="coerce")
    land = frame[gf.isin(VG250_LAND_GF).to_numpy()]
    if "BEZ" in land.columns:
        condominium = land["BEZ"].astype(str).str.lower().eq("kondominium")
        if condominium.any():
            logger.info("%s: dropped %d Kondominium part(s)", source, int(condominium.sum()))
        land = land[~condominium.to_numpy()]
    if land.empty:
        msg = "no land parts (GF 3 or 4) in this VG250 layer"
        raise InputError(msg, source=source, field="GF")
    land = land.assign(_key=land[id_column].astype(str).str.strip().to_numpy())
    sums = {c: "sum" for c in ("EWZ", "KFL") if c in land.columns}
    for column in sums:
        land[column] = pd.to_numeric(land[column], errors="coerce")
    firsts = {c: "first" for c in land.columns if c not in (*sums, "geometry", "_key")}
    merged = land.dissolve(by="_key", aggfunc={**firsts, **sums}, sort=False)
    ade = pd.to_numeric(merged["ADE"], errors="coerce")
    merged["unit_level"] = ade.map(VG250_LEVELS).to_numpy()
    if "SN_L" in merged.columns:
        merged["state"] = merged["SN_L"].astype(str).to_numpy()
    keys = merged.index.to_series()
    if (ade == 6).all() and keys.str.len().isin([8, 12]).all():
        merged["parent"] = keys.str[:5].to_numpy()
    merged = merged.reset_index(drop=True)
    logger.info("%s: %d VG250 units from %d parts", source, len(merged), len(frame))
    return merged


def read_units_geo(
    path: str | Path,
    *,
    id_column: str | None = None,
    layer: str | None = None,
    name_column: str | None = None,
    columns: Mapping[str, str] | None = None,
    unit_level: str | None = None,
    provenance: Mapping[str, str] | None = None,
    name: str = "",
) -> Territory:
    """Read territorial units with polygons from a vector file (BKG VG250 understood).

    Parameters
    ----------
    path
        GeoPackage (e.g. ``DE_VG250.gpkg`` with ``layer="vg250_krs"``), GeoJSON,
        shapefile (e.g. ``VG250_GEM.shp``).
    id_column
        Key column (default: the first of ``unit, id, ags, ARS, …`` as in
        :func:`cityregions.io.tables.read_units`; for VG250 this picks ``AGS``).
    layer
        Layer of a multi-layer file.
    name_column, columns, unit_level
        As in :func:`cityregions.io.tables.read_units` (VG250: ``GEN`` → name,
        ``EWZ`` → population, ``KFL`` → area_km2).
    provenance
        Source per field, stored in ``Territory.provenance``.
    name
        Territory name (default: the layer or file stem).

    Returns
    -------
    Territory
        Polygons in EPSG:4326; seats (lon/lat) are representative points inside them
        unless the file has ``lon``/``lat``.

    Raises
    ------
    InputError
        Unreadable file or layer, missing key column, empty or duplicate keys.
    """
    frame = read_vector(path, layer=layer)
    where = f"{path} [layer {layer!r}]" if layer else str(path)
    attribute_columns = [c for c in frame.columns if c != frame.geometry.name]
    id_col = find_column(attribute_columns, ID_COLUMNS, given=id_column)
    if id_col is None:
        expected = id_column or ", ".join(ID_COLUMNS)
        msg = f"no unit id column: expected {expected} (any case); columns are {attribute_columns}"
        raise InputError(msg, source=where, field=id_column or ID_COLUMNS[0])
    if is_vg250(frame):
        frame = clean_vg250(frame, id_column=id_col, source=where)
    geometry = frame.geometry.reset_index(drop=True)
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name)).reset_index(drop=True)
    table.index = pd.RangeIndex(1, len(table) + 1)  # feature numbers in messages
    table = rename_unit_fields(table, id_col, name_column=name_column, columns=columns, where=where)
    table[UNIT] = id_series(table[UNIT], where=where, field=id_col, row="feature").to_numpy()
    check_unique(table[UNIT], where=where, field=id_col, row="feature")
    present = "unit_level" in table.columns and table["unit_level"].notna().any()
    if unit_level is not None and not present:
        table["unit_level"] = unit_level
    title = name or layer or Path(path).stem
    return Territory.from_frame(
        table, geometry=geometry, provenance=provenance, name=title, source=where
    )


def write_geopackage(
    path: str | Path,
    layers: Mapping[str, gpd.GeoDataFrame | pd.DataFrame],
    *,
    descriptions: Mapping[str, str] | None = None,
    metadata: Mapping[str, str] | None = None,
) -> Path:
    """Write several layers into one GeoPackage atomically (temp file, then rename).

    Parameters
    ----------
    path
        Target ``.gpkg``; an existing file is replaced as a whole.
    layers
        Layer name → GeoDataFrame (spatial layer) or DataFrame (attribute table), e.g.
        ``{"units": units_layer(t), "flows": flows_layer(f, t)}``.
    descriptions
        Layer name → description (``gpkg_contents.description``, shown by QGIS), e.g.
        the attribution its sources require.
    metadata
        Key → text of dataset metadata (GDAL metadata in ``gpkg_metadata``).

    Returns
    -------
    Path
        The written file; nothing is written if any layer fails. With the environment
        variable ``SOURCE_DATE_EPOCH`` set, GDAL stamps that time (not now) into
        ``gpkg_contents.last_change``, so equal layers give a byte-identical file.

    Raises
    ------
    InputError
        If ``layers`` is empty, a name is not a valid layer name or
        ``SOURCE_DATE_EPOCH`` is not a number of seconds.
    """
    import geopandas as gpd
    import pyogrio

    path = Path(path)
    if not layers:
        msg = "no layers to write"
        raise InputError(msg, source=path)
    for layer_name in layers:
        if not layer_name or not str(layer_name).replace("_", "").isalnum():
            msg = f"invalid layer name {layer_name!r}: use letters, digits and '_'"
            raise InputError(msg, source=path, field="layer")
    with atomic_path(path, suffix=".gpkg") as tmp, gdal_build_time():
        for position, (layer_name, frame) in enumerate(layers.items()):
            table = frame if isinstance(frame, gpd.GeoDataFrame) else pd.DataFrame(frame)
            description = (descriptions or {}).get(layer_name)
            pyogrio.write_dataframe(
                table,
                tmp,
                layer=layer_name,
                driver="GPKG",
                layer_options={"DESCRIPTION": description} if description else None,
                dataset_metadata=dict(metadata) if metadata and position == 0 else None,
            )
    logger.info("wrote %s (layers %s)", path, ", ".join(layers))
    return path
