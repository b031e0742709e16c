"""Read unit and flow tables from CSV, Parquet and Excel; write CSV and Parquet atomically.

Column names follow the usual conventions and are found case-insensitively:

=============  ==========================================================================
role           column names tried, in order
=============  ==========================================================================
origin         ``origin``, ``community_live`` (LabourMarketAreas), ``RES``, ``from``,
               ``residence``, ``wohnort``, ``home``
destination    ``destination``, ``community_work``, ``POW``, ``to``, ``workplace``,
               ``arbeitsort``, ``work``
value          ``value``, ``commuters``, ``amount``, ``flow``, ``flows``, ``TotalFlow``,
               ``count``, ``insgesamt``
unit id        ``unit``, ``id``, ``ags``, ``ARS``, ``AGS_0``, ``ARS_0``, ``RS``, ``code``,
               ``key``, ``community``
unit fields    :data:`UNIT_FIELD_COLUMNS`, e.g. ``unit_level`` from ``level``; ``jobs``
               (place of work) from ``employees``, ``SvB am Arbeitsort``,
               ``Erwerbstätige``; ``residents`` (employed residents, place of residence)
               from ``employees_svb``, ``SvB am Wohnort``
=============  ==========================================================================

Ids are always read as text, so German keys keep their leading zeros. Files exported by
a German spreadsheet (``;``-separated) may write numbers the German way: counts
(flows, population, residents, jobs) with dot thousands separators (``616.093``) and, when
the file uses decimal commas anywhere, every number as ``1.234,5``; both are understood.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cityregions._errors import InputError
from cityregions.constants import DESTINATION, ORIGIN, REGION, UNIT, VALUE, FlowsProvenance
from cityregions.flows import FlowTable
from cityregions.io._atomic import atomic_path
from cityregions.io._text import (
    check_numbers,
    find_column,
    german_numbers,
    read_frame,
    uses_decimal_comma,
)
from cityregions.territory import Territory

if TYPE_CHECKING:
    import geopandas as gpd

logger = logging.getLogger(__name__)

ORIGIN_COLUMNS = ("origin", "community_live", "RES", "from", "residence", "wohnort", "home")
DESTINATION_COLUMNS = (
    "destination",
    "community_work",
    "POW",
    "to",
    "workplace",
    "arbeitsort",
    "work",
)
VALUE_COLUMNS = (
    "value",
    "commuters",
    "amount",
    "flow",
    "flows",
    "TotalFlow",
    "count",
    "insgesamt",
)
ID_COLUMNS = ("unit", "id", "ags", "ARS", "AGS_0", "ARS_0", "RS", "code", "key", "community")
#: Unit fields and the column names that fill them (first match wins, any case).
UNIT_FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "GEN", "label", "bezeichnung"),
    "unit_level": ("unit_level", "level"),
    "parent": ("parent", "district", "kreis"),
    "state": ("state", "land", "bundesland"),
    "population": ("population", "EWZ", "pop", "einwohner", "bevoelkerung"),
    # employed people living in the unit (place of residence); ``employees_svb`` is the
    # residence count of the BA district table in ../shared/data
    "residents": (
        "residents",
        "employed_residents",
        "employees_svb",
        "SvB am Wohnort",
        "svb_wohnort",
        "Erwerbstätige am Wohnort",
        "erwerbstaetige_wohnort",
    ),
    # jobs in the unit (place of work); ``employees`` is the name older tables used
    "jobs": (
        "jobs",
        "employees",
        "SvB am Arbeitsort",
        "svb_arbeitsort",
        "svb",
        "Erwerbstätige",
        "erwerbstaetige",
        "Erwerbstätige am Arbeitsort",
        "beschaeftigte",
        "Beschäftigte",
        "arbeitsplaetze",
        "Arbeitsplätze",
    ),
    "area_km2": ("area_km2", "KFL", "area", "flaeche_km2"),
    "lon": ("lon", "longitude", "lng"),
    "lat": ("lat", "latitude"),
}
VECTOR_SUFFIXES = (".gpkg", ".geojson", ".json", ".shp", ".fgb", ".zip", ".gml")


def read_flows(
    path_or_frame: str | Path | pd.DataFrame,
    *,
    units: Territory | Sequence[str] | None = None,
    origin: str | None = None,
    destination: str | None = None,
    value: str | None = None,
    flows_provenance: FlowsProvenance = "observed",
    sum_duplicates: bool = False,
    sheet: str | int | None = None,
    encoding: str | None = None,
    source: str | None = None,
) -> FlowTable:
    """Read a long origin–destination table into a :class:`~cityregions.FlowTable`.

    Parameters
    ----------
    path_or_frame
        A CSV/TSV, Parquet or Excel file, or a DataFrame, with one row per
        origin–destination pair.
    units
        The territory (or its ids) whose id order the flows follow. Flows naming an id
        outside it are an error. Ids that lost their leading zeros (``1001`` for
        ``01001``, e.g. after a spreadsheet round trip) are padded back when that makes
        every id known, with a log note. Without ``units`` the sorted union of the ids
        in the file is used.
    origin, destination, value
        Column names; by default found among the usual conventions (module docstring).
    flows_provenance
        Where the values come from: ``"observed"``, ``"completed"`` or ``"modeled"``.
    sum_duplicates
        Sum the values of an origin–destination pair listed on several lines. By
        default such a pair is an error naming both lines: adding the rows silently
        changes the residents of a unit when a file was pasted together twice.
    sheet
        Sheet of a workbook (name or 0-based index; default the first).
    encoding
        Encoding of a text file (default: UTF-8, falling back to cp1252 with a warning).
    source
        Name of the source for messages and outputs (default: the file name).

    Returns
    -------
    FlowTable
        Internal flows are on the diagonal. A :class:`~cityregions.DataQualityWarning`
        is issued when there is no diagonal.

    Raises
    ------
    InputError
        Missing or empty file, missing sheet or column, empty id, a value that is not a
        finite ASCII decimal (:mod:`cityregions._numbers`), a missing or negative value,
        an unknown unit id, a pair listed twice (unless ``sum_duplicates``) — naming the
        file, the line and the column.

    Examples
    --------
    >>> frame = pd.DataFrame({"RES": ["01", "01", "02"], "POW": ["01", "02", "02"],
    ...                       "TotalFlow": [5, 2, 3]})
    >>> read_flows(frame).residents().to_dict()
    {'01': 7.0, '02': 3.0}
    """
    try:
        frame, where = _load(path_or_frame, sheet=sheet, encoding=encoding, source=source)
        origin_col = _require(frame, ORIGIN_COLUMNS, origin, where=where, role="origin")
        destination_col = _require(
            frame, DESTINATION_COLUMNS, destination, where=where, role="destination"
        )
    except InputError as error:
        _explain_workbook(path_or_frame, error, sheet=sheet)
        raise
    value_col = _require(frame, VALUE_COLUMNS, value, where=where, role="value")
    row = _line_label(path_or_frame, sheet=sheet)
    origins = id_series(frame[origin_col], where=where, field=origin_col, row=row)
    destinations = id_series(frame[destination_col], where=where, field=destination_col, row=row)
    raw_values = frame[value_col]
    if uses_decimal_comma(frame, value_col, count=True):
        raw_values = german_numbers(raw_values)
    values = flow_values(raw_values, where=where, field=value_col, row=row)
    ids = None
    if units is not None:
        ids = units.ids if isinstance(units, Territory) else [str(i) for i in units]
        origins, destinations = _align_ids(origins, destinations, ids, where=where)
        _check_known(origins, ids, where=where, field=origin_col, row=row)
        _check_known(destinations, ids, where=where, field=destination_col, row=row)
    summed = check_pairs(
        origins,
        destinations,
        where=where,
        fields=(origin_col, destination_col),
        row=row,
        sum_duplicates=sum_duplicates,
    )
    if summed:
        logger.info("%s: %d repeated origin-destination rows summed", where, summed)
    long = pd.DataFrame({ORIGIN: origins, DESTINATION: destinations, VALUE: values})
    flows = FlowTable.from_long(long, ids=ids, flows_provenance=flows_provenance, source=where)
    logger.info("read %d flow rows (%d units) from %s", len(long), len(flows), where)
    return flows


def read_units(
    path: str | Path | pd.DataFrame,
    *,
    id_column: str | None = None,
    polygons: str | Path | None = None,
    provenance_file: str | Path | None = None,
    name_column: str | None = None,
    columns: Mapping[str, str] | None = None,
    unit_level: str | None = None,
    sheet: str | int | None = None,
    layer: str | None = None,
    encoding: str | None = None,
    name: str = "",
) -> Territory:
    """Read territorial units from a table (CSV/Parquet/Excel) or a vector file.

    Parameters
    ----------
    path
        The unit table or a GeoPackage/GeoJSON/shapefile (read by
        :func:`cityregions.io.geo.read_units_geo`, which also understands BKG VG250).
    id_column
        Column with the unit ids; by default the first of ``unit, id, ags, ARS, AGS_0,
        ARS_0, RS, code, key, community`` (any case).
    polygons
        Optional vector file with polygons keyed by the same ids (its id column is found
        the same way; BKG VG250 layers are cleaned as in :mod:`cityregions.io.geo`);
        every unit needs a polygon, extra polygons are ignored. Without it, a
        ``geometry_wkt`` column (as :func:`write_table` writes for GeoDataFrames) gives
        the polygons (EPSG:4326).
    provenance_file
        Optional CSV ``field,source[,year][,licence]``: one line per field of the unit
        table (or ``*`` for all fields) naming where its values come from. It becomes
        ``Territory.provenance`` as ``{field: "source, year, licence"}``.
    name_column
        Column with unit names (default: ``name``, ``GEN``, ``label``, ``bezeichnung``).
    columns
        Further explicit mapping ``unit field → column in the file`` (fields
        ``unit_level, parent, state, population, residents, jobs, area_km2, lon, lat``);
        it wins over the column names tried by default.
    unit_level
        Tier of all units (``"municipality"``, ``"district"``) if the file has no
        ``unit_level`` (or ``level``) column.
    sheet, layer
        Sheet of a workbook; layer of a multi-layer vector file (of ``path``, or of
        ``polygons`` when ``path`` is a table).
    encoding
        Encoding of a text file (default: UTF-8, falling back to cp1252 with a warning).
    name
        Name of the territory (default: the file stem).

    Returns
    -------
    Territory
        One row per unit, in file order; recognised columns renamed to the unit fields,
        other columns kept.

    Raises
    ------
    InputError
        Missing or empty file, missing id column, empty or duplicate id, non-numeric
        numbers, units without a polygon, a malformed provenance file.
    """
    provenance = read_provenance(provenance_file) if provenance_file is not None else {}
    if not isinstance(path, pd.DataFrame) and Path(path).suffix.lower() in VECTOR_SUFFIXES:
        from cityregions.io.geo import read_units_geo

        return read_units_geo(
            path,
            id_column=id_column,
            layer=layer,
            name_column=name_column,
            columns=columns,
            unit_level=unit_level,
            provenance=provenance,
            name=name,
        )
    frame, where = _load(path, sheet=sheet, encoding=encoding, source=None)
    id_col = _require(frame, ID_COLUMNS, id_column, where=where, role="unit id")
    geometry = None
    frame = rename_unit_fields(frame, id_col, name_column=name_column, columns=columns, where=where)
    row = _line_label(path)
    for numeric in ("population", "residents", "jobs", "area_km2", "lon", "lat"):
        count = numeric in ("population", "residents", "jobs")
        if numeric in frame.columns and uses_decimal_comma(frame, numeric, count=count):
            frame[numeric] = german_numbers(frame[numeric])
        if numeric in frame.columns:
            check_numbers(frame[numeric], where=where, field=numeric, row=row)
    frame[UNIT] = id_series(frame[UNIT], where=where, field=id_col, row=row).to_numpy()
    check_unique(frame[UNIT], where=where, field=id_col, row=row)
    if unit_level is not None and frame.get("unit_level", pd.Series(dtype=object)).isna().all():
        frame["unit_level"] = unit_level
    if layer is not None and polygons is None:
        msg = f"layer {layer!r} given, but neither the units nor polygons are a vector file"
        raise InputError(msg, source=where, field="layer")
    if polygons is not None:
        geometry = _join_polygons(frame[UNIT], polygons, units_source=where, layer=layer)
    elif "geometry_wkt" in frame.columns:
        geometry = _wkt_geometry(frame.pop("geometry_wkt"), where=where, row=row)
    title = name or (Path(where).stem if not isinstance(path, pd.DataFrame) else "")
    return Territory.from_frame(
        frame, geometry=geometry, provenance=provenance, name=title, source=where
    )


def read_labels(path: str | Path, *, encoding: str | None = None) -> pd.Series:
    """Read a partition ``unit,region`` (CSV, Parquet, Excel) into labels.

    An empty ``region`` marks a unit outside every region (as the delineation writes
    it): it becomes NaN. Ids and region ids are read as text.

    Parameters
    ----------
    path
        Table with the columns ``unit`` and ``region`` (any case; more are ignored).
    encoding
        Encoding of a text file (default: UTF-8, falling back to cp1252 with a warning).

    Returns
    -------
    pandas.Series
        Index ``unit`` (file order), values str or NaN, named ``region``.

    Raises
    ------
    InputError
        Missing or unreadable file, missing column, empty or repeated unit id (naming
        the line).

    Examples
    --------
    >>> frame = pd.DataFrame({"unit": ["01", "02"], "region": ["R1", None]})
    >>> read_labels(frame).to_dict()
    {'01': 'R1', '02': nan}
    """
    frame, where = _load(path, sheet=None, encoding=encoding, source=None)
    found = [find_column(list(frame.columns), (name,)) for name in (UNIT, REGION)]
    for name, column in zip((UNIT, REGION), found, strict=True):
        if column is None:
            msg = (
                f"missing column '{name}'; expected a table with columns unit,region "
                f"(columns are {list(frame.columns)})"
            )
            raise InputError(msg, source=where, field=name)
    unit_col, region_col = str(found[0]), str(found[1])
    row = _line_label(path)
    units = id_series(frame[unit_col], where=where, field=unit_col, row=row)
    check_unique(units, where=where, field=unit_col, row=row)
    regions = frame[region_col].map(id_text).replace("", np.nan)
    labels = pd.Series(regions.to_numpy(dtype=object), index=pd.Index(units, name=UNIT))
    return labels.rename(REGION)


def read_provenance(path: str | Path) -> dict[str, str]:
    """Read a provenance file ``field,source[,year][,licence]`` into ``{field: text}``.

    Each line names a field of the unit table (or ``*`` for the whole table) and where
    its values come from; ``year`` and ``licence`` are optional and are appended to the
    source text with commas.

    Raises
    ------
    InputError
        Missing file, missing ``field`` or ``source`` column, empty or repeated field.
    """
    frame, where = _load(path, sheet=None, encoding=None, source=None)
    field_col = _require(frame, ("field",), None, where=where, role="field")
    source_col = _require(frame, ("source",), None, where=where, role="source")
    extra = [find_column(list(frame.columns), (n,)) for n in ("year", "licence", "license")]
    result: dict[str, str] = {}
    for line, record in zip(frame.index, frame.itertuples(index=False), strict=True):
        values = dict(zip(frame.columns, record, strict=True))
        key = _text(values[field_col])
        text = _text(values[source_col])
        if not key or not text:
            empty = field_col if not key else source_col
            msg = "empty value (each line needs a field and its source)"
            raise InputError(msg, source=where, location=f"line {line}", field=empty)
        if key in result:
            msg = f"field '{key}' is listed twice"
            raise InputError(msg, source=where, location=f"line {line}", field=field_col)
        parts = [text, *(_text(values[c]) for c in extra if c is not None)]
        result[key] = ", ".join(p for p in parts if p)
    return result


def write_table(frame: pd.DataFrame, path: str | Path, *, index: bool | None = None) -> Path:
    """Write a table atomically as CSV (UTF-8), Parquet or xlsx, chosen by the file suffix.

    Parameters
    ----------
    frame
        The table. A GeoDataFrame keeps its geometry in Parquet (GeoParquet) and gets it
        as WKT text in CSV.
    path
        Target ``.csv``, ``.tsv``, ``.parquet`` or ``.xlsx`` file; its folder is created.
    index
        Write the index as columns. Default: only when it is named (e.g. ``unit``).

    Returns
    -------
    Path
        The written file. Nothing is written if anything fails.

    Raises
    ------
    InputError
        For an unsupported suffix.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if index is None:
        index = any(name is not None for name in frame.index.names)
    if suffix not in (".csv", ".tsv", ".parquet", ".pq", ".xlsx"):
        msg = "unsupported table format; use .csv, .tsv, .parquet or .xlsx"
        raise InputError(msg, source=path)
    with atomic_path(path) as tmp:
        if suffix in (".parquet", ".pq"):
            frame.to_parquet(tmp, index=index)
        elif suffix == ".xlsx":
            _as_text_table(frame).to_excel(tmp, index=index)
        else:
            _as_text_table(frame).to_csv(
                tmp, index=index, sep="\t" if suffix == ".tsv" else ",", encoding="utf-8"
            )
    logger.info("wrote %s (%d rows)", path, len(frame))
    return path


def write_flows(flows: FlowTable, path: str | Path, *, include_zero: bool = False) -> Path:
    """Write flows as a long table ``origin, destination, value, provenance`` (CSV/Parquet)."""
    return write_table(flows.to_long(include_zero=include_zero), path, index=False)


def flow_values(values: pd.Series, *, where: str, field: str, row: str = "line") -> np.ndarray:
    """Return flow values as floats or raise naming the first empty, bad or negative cell.

    Parameters
    ----------
    values
        The raw cells (text or numbers), in file order.
    where
        File name for messages.
    field
        Column name for messages.
    row
        ``"line"`` for text files (header = line 1) or ``"row"`` for workbooks.
    """
    check_numbers(values, where=where, field=field, row=row, what="a number of commuters")
    numeric = pd.to_numeric(values, errors="coerce")
    array = numeric.to_numpy(dtype=float, na_value=np.nan)
    for test, problem in (
        (values.isna().to_numpy(), "empty value; expected a number of commuters (0 or more)"),
        (~np.isfinite(array), "expected a number of commuters (0 or more), got {raw!r}"),
        (array < 0, "negative value {raw!r}; flows must be 0 or more"),
    ):
        if test.any():
            position = int(np.flatnonzero(test)[0])
            msg = problem.format(raw=values.iloc[position])
            location = f"{row} {values.index[position]}"
            raise InputError(msg, source=where, location=location, field=field)
    return array


def check_pairs(
    origins: pd.Series,
    destinations: pd.Series,
    *,
    where: str,
    fields: tuple[str, str],
    row: str = "line",
    sum_duplicates: bool = False,
) -> int:
    """Raise naming both lines when an origin–destination pair is listed twice.

    Parameters
    ----------
    origins, destinations
        Ids per row, indexed by file line (or workbook row).
    where, fields
        File and the origin and destination columns, for the message.
    row
        ``"line"`` or ``"row"``.
    sum_duplicates
        Accept repeated pairs (they are summed by the caller) instead of raising.

    Returns
    -------
    int
        The number of rows that repeat an earlier pair (0 when every pair is unique).

    Raises
    ------
    InputError
        For the first repeated pair, naming its two lines and how many rows repeat one.
    """
    pairs = pd.MultiIndex.from_arrays([origins.to_numpy(), destinations.to_numpy()])
    repeated = pairs.duplicated(keep="first")
    count = int(repeated.sum())
    if not count or sum_duplicates:
        return count
    position = int(np.flatnonzero(repeated)[0])
    origin, destination = origins.iloc[position], destinations.iloc[position]
    same = (origins.to_numpy() == origin) & (destinations.to_numpy() == destination)
    first = int(np.flatnonzero(same)[0])
    lines = f"{row}s {origins.index[first]} and {origins.index[position]}"
    msg = (
        f"the pair {origin} -> {destination} is listed twice ({lines}; {count} repeated "
        "row(s) in all); give each origin-destination pair once, or sum repeated pairs "
        "knowingly (--sum-duplicates of delineate and governance analyze, [flows] "
        "sum_duplicates = true in case.toml, sum_duplicates=True in Python)"
    )
    raise InputError(
        msg, source=where, location=f"{row} {origins.index[position]}", field=fields[0]
    )


def _load(
    path_or_frame: str | Path | pd.DataFrame,
    *,
    sheet: str | int | None,
    encoding: str | None,
    source: str | None,
) -> tuple[pd.DataFrame, str]:
    if isinstance(path_or_frame, pd.DataFrame):
        frame = path_or_frame.reset_index(drop=True)
        frame.columns = [str(c) for c in frame.columns]
        frame.index = pd.RangeIndex(2, len(frame) + 2)  # as lines below a header line
        return frame, source or "<table>"
    frame = read_frame(path_or_frame, sheet=sheet, encoding=encoding)
    where = source or str(path_or_frame)
    if sheet is not None:
        where = f"{where} [sheet {sheet!r}]"
    return frame, where


def _explain_workbook(path_or_frame: object, error: InputError, *, sheet: object) -> None:
    """Raise a clearer message for a workbook that is not a flow table on its read sheet.

    A BA Pendler workbook is named as such (it needs its own reader and the diagonal);
    for another workbook with several sheets, the message names the sheet that was read
    and the others.
    """
    from cityregions.io._text import excel_sheet_names

    if not isinstance(path_or_frame, str | Path):
        return
    path = Path(path_or_frame)
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".xlsb") or not path.is_file():
        return
    try:
        sheets = excel_sheet_names(path)
    except InputError:
        return
    ba = [name for name in sheets if name.lower().startswith(("auspendler", "einpendler"))]
    if ba:
        msg = (
            f"this is a BA Pendlerstatistik workbook (sheet {ba[0]!r}), not a long flow table "
            "origin,destination,value; it has no internal flows, so read it with "
            "read_ba_pendler() and add the diagonal from the BA Gemeindedaten "
            "(docs/data-formats.md, 'BA Pendlerstatistik'), then save that table as CSV"
        )
        raise InputError(msg, source=path) from error
    if sheet is None and len(sheets) > 1:
        msg = (
            f"{error.message} (read the first sheet {sheets[0]!r} of {sheets}; name the one "
            "with the flows: --sheet on the command line, sheet=... in Python)"
        )
        raise InputError(
            msg, source=error.source, location=error.location, field=error.field
        ) from error


def _line_label(path_or_frame: object, *, sheet: str | int | None = None) -> str:
    if isinstance(path_or_frame, str | Path) and Path(path_or_frame).suffix.lower() in (
        ".xlsx",
        ".xlsm",
        ".xls",
        ".xlsb",
    ):
        return "row"
    return "line"


def _require(
    frame: pd.DataFrame,
    candidates: Sequence[str],
    given: str | None,
    *,
    where: str,
    role: str,
) -> str:
    column = find_column(list(frame.columns), candidates, given=given)
    if column is not None:
        return column
    if given is not None:
        msg = f"missing column '{given}' for the {role} (columns are {list(frame.columns)})"
        raise InputError(msg, source=where, field=given)
    expected = ", ".join(candidates)
    msg = (
        f"no {role} column: expected one of {expected} (any case) or name it explicitly; "
        f"columns are {list(frame.columns)}"
    )
    raise InputError(msg, source=where, field=candidates[0])


def id_series(values: pd.Series, *, where: str, field: str, row: str) -> pd.Series:
    """Return ids as stripped strings (integral floats lose their ``.0``); empty is an error."""
    if pd.api.types.is_string_dtype(values) and not pd.api.types.is_float_dtype(values):
        text = values.astype("string").str.strip().fillna("").astype(object)
    else:
        text = values.map(id_text)
    missing = values.isna().to_numpy() | (text == "").to_numpy()
    if missing.any():
        position = int(np.flatnonzero(missing)[0])
        msg = "empty unit id"
        location = f"{row} {values.index[position]}"
        raise InputError(msg, source=where, location=location, field=field)
    return text


def id_text(value: Any) -> str:
    """Return one id as stripped text; an integral float loses its ``.0``, NaN gives ``""``.

    Examples
    --------
    >>> id_text(14713.0), id_text(" 01001 "), id_text(None)
    ('14713', '01001', '')
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _align_ids(
    origins: pd.Series, destinations: pd.Series, ids: Sequence[str], *, where: str
) -> tuple[pd.Series, pd.Series]:
    """Pad numeric ids that lost their leading zeros when that makes all ids known."""
    known = set(ids)
    used = set(pd.unique(np.concatenate([origins.to_numpy(), destinations.to_numpy()])))
    unknown = used - known
    widths = {len(i) for i in ids}
    if not unknown or len(widths) != 1 or not all(i.isdigit() for i in ids):
        return origins, destinations
    width = widths.pop()
    if not all(u.isdigit() and len(u) < width for u in unknown):
        return origins, destinations
    padded_o, padded_d = origins.str.zfill(width), destinations.str.zfill(width)
    if set(pd.unique(np.concatenate([padded_o.to_numpy(), padded_d.to_numpy()]))) <= known:
        logger.warning(
            "%s: %d ids had lost their leading zeros (e.g. %s); padded to %d digits",
            where,
            len(unknown),
            sorted(unknown)[0],
            width,
        )
        return padded_o, padded_d
    return origins, destinations


def _check_known(ids: pd.Series, known: Sequence[str], *, where: str, field: str, row: str) -> None:
    mask = ~ids.isin(pd.Index(known)).to_numpy()
    if mask.any():
        position = int(np.flatnonzero(mask)[0])
        count = int(pd.unique(ids[mask]).size)
        bad = str(ids.iloc[position])
        msg = f"unit id '{bad}' is not in the unit table ({count} unknown id(s) in this column)"
        stripped = bad.lstrip("0")
        if bad.isdigit() and stripped != bad and stripped in set(known):
            msg += (
                f"; the unit table has '{stripped}': its ids lost their leading zeros "
                "(keep id columns as text, e.g. format the column as Text in a spreadsheet)"
            )
        raise InputError(msg, source=where, location=f"{row} {ids.index[position]}", field=field)


def check_unique(ids: pd.Series, *, where: str, field: str, row: str = "line") -> None:
    """Raise :class:`InputError` naming the first repeated id and where it first was."""
    duplicated = ids.duplicated().to_numpy()
    if duplicated.any():
        position = int(np.flatnonzero(duplicated)[0])
        first = int(np.flatnonzero((ids == ids.iloc[position]).to_numpy())[0])
        msg = (
            f"duplicate unit id '{ids.iloc[position]}' (first at {row} {ids.index[first]}); "
            "each unit must appear once"
        )
        raise InputError(msg, source=where, location=f"{row} {ids.index[position]}", field=field)


def rename_unit_fields(
    frame: pd.DataFrame,
    id_col: str,
    *,
    name_column: str | None,
    columns: Mapping[str, str] | None,
    where: str,
) -> pd.DataFrame:
    """Rename the id column to ``unit`` and recognised columns to the unit fields."""
    explicit = dict(columns or {})
    if name_column is not None:
        explicit["name"] = name_column
    renames: dict[str, str] = {id_col: UNIT}
    # fields named explicitly first, so that a default candidate never takes their column
    fields = sorted(UNIT_FIELD_COLUMNS, key=lambda name: name not in explicit)
    for unit_field in fields:
        candidates = UNIT_FIELD_COLUMNS[unit_field]
        given = explicit.get(unit_field)
        found = find_column(list(frame.columns), candidates, given=given)
        if given is not None and found is None:
            msg = f"missing column '{given}' for the {unit_field} (columns are {list(frame)})"
            raise InputError(msg, source=where, field=given)
        if found is not None and found not in renames and unit_field not in renames.values():
            renames[found] = unit_field
    clashes = [c for c in frame.columns if c in renames.values() and c not in renames]
    table = frame.drop(columns=clashes).rename(columns=renames)
    return table.loc[:, ~table.columns.duplicated()].copy()


def _join_polygons(
    ids: pd.Series, polygons: str | Path, *, units_source: str, layer: str | None = None
) -> gpd.GeoSeries:
    from cityregions.io.geo import clean_vg250, is_vg250, read_vector

    shapes = read_vector(polygons, layer=layer)
    id_col = find_column([c for c in shapes.columns if c != "geometry"], ID_COLUMNS)
    if id_col is None:
        msg = f"no unit id column: expected one of {', '.join(ID_COLUMNS)} (any case)"
        raise InputError(msg, source=polygons, field=ID_COLUMNS[0])
    if is_vg250(shapes):
        shapes = clean_vg250(shapes, id_column=id_col, source=str(polygons))
    keys = shapes[id_col].map(id_text)
    shapes = shapes.assign(_key=keys.to_numpy()).dissolve(by="_key")
    missing = [i for i in ids if i not in shapes.index]
    if missing:
        msg = (
            f"{len(missing)} unit(s) of {units_source} have no polygon, e.g. {missing[:5]}; "
            "every unit needs one"
        )
        raise InputError(msg, source=polygons, field=id_col)
    extra = len(shapes) - len(ids)
    if extra:
        logger.info("%s: %d polygons without a unit ignored", polygons, extra)
    return shapes.geometry.loc[list(ids)].reset_index(drop=True)


def _wkt_geometry(wkt: pd.Series, *, where: str, row: str) -> gpd.GeoSeries:
    """Return polygons from the ``geometry_wkt`` column that :func:`write_table` writes."""
    import geopandas as gpd
    import shapely

    try:
        shapes = shapely.from_wkt(wkt.fillna("").astype(str).to_numpy(), on_invalid="raise")
    except shapely.errors.GEOSException as error:
        msg = f"not valid WKT ({error})"
        raise InputError(msg, source=where, field="geometry_wkt") from error
    empty = pd.isna(shapes) | shapely.is_empty(shapes)
    if empty.any():
        location = f"{row} {wkt.index[int(np.flatnonzero(empty)[0])]}"
        msg = "empty geometry; every unit needs a polygon"
        raise InputError(msg, source=where, location=location, field="geometry_wkt")
    return gpd.GeoSeries(shapes, crs="EPSG:4326")


def _as_text_table(frame: pd.DataFrame) -> pd.DataFrame:
    geometry = getattr(frame, "geometry", None) if hasattr(frame, "active_geometry_name") else None
    if geometry is None:
        return frame
    table = pd.DataFrame(frame.drop(columns=frame.active_geometry_name))
    table["geometry_wkt"] = geometry.to_wkt().to_numpy()
    return table


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
