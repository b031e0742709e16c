"""Read GENESIS-Online / Regionaldatenbank (regionalstatistik.de) CSV exports.

Two download formats are understood and detected from the first line:

*Table CSV* ("Tabelle" → CSV, also ``genesisws/downloader/…/<code>_00.csv``):
Windows-1252 text, ``;``-separated, decimal comma; a header block (``GENESIS-Tabelle:
<code>``, title lines, ``regionale Tiefe: …``, the statistic, the measure with its unit
such as ``Fläche (ha)``), one to three column-header lines whose leading key cells are
empty (``;;2016;2016`` / ``;;Insgesamt;männlich``), data rows (optionally a date column,
then the regional key as text — ``DG``, 2/3/5/8 digits — and the name indented by
level), and a footer after a line of underscores (notes, copyright, ``Stand: …``).

*Flat CSV*: the old German flat file (``Statistik_Code;…;<CODE>__<Label>__<Unit>``) and
the new ``ffcsv`` (``statistics_code;…;value;value_unit;value_variable_code;…;value_q``,
UTF-8 with byte-order mark).

Values are returned in a long table with a parallel ``status``: special signs (Destatis
*Zeichenerklärung*) are never turned into numbers. :data:`SPECIAL_SIGNS` is the one table
of these signs in the package; every reader (this one, the energy inputs of
:mod:`cityregions.io.energy_inputs` and :mod:`cityregions.io.energy_genesis`) writes its
status words:

=======  =====================  ====================================================
sign     status                 official meaning (reader action)
=======  =====================  ====================================================
``-``    ``nothing``            nichts vorhanden — exactly zero or set to zero for
                                confidentiality; also written for units outside
                                their validity period (NaN; 0 with ``dash_as_zero``)
``.``    ``unknown_or_secret``  Zahlenwert unbekannt oder geheim zu halten (NaN)
``...``  ``not_yet_available``  Angabe fällt später an (NaN)
``/``    ``unreliable``         keine Angabe, da Zahlenwert nicht sicher genug (NaN)
``x``    ``locked``             Tabellenfach gesperrt, weil Aussage nicht sinnvoll
                                (NaN)
``(n)``  ``uncertain``          Aussagewert eingeschränkt (the value n, flagged)
=======  =====================  ====================================================

An empty cell has the status ``missing`` (NaN), a number ``ok``. The sign ``0`` (more
than nothing, but less than half of the smallest unit shown) is read as the number 0;
the quality flags ``p``, ``r``, ``s``, ``e`` (vorläufig, berichtigt, geschätzt,
endgültig) stand in their own columns and are kept as ``flag``, never as values.

References
----------
Statistisches Bundesamt. *GENESIS-Online: Zeichenerklärung*; Statistische Ämter des
Bundes und der Länder. *Regionaldatenbank Deutschland*, https://www.regionalstatistik.de.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cityregions._errors import InputError
from cityregions.io._text import check_file, decode_text

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpecialSign:
    """One special sign of GENESIS tables (Destatis *Zeichenerklärung*).

    Attributes
    ----------
    sign
        The cell text (``.``, ``...``, …).
    status
        The status word written to files beside the (missing) value.
    meaning
        The official meaning (German, as in the *Zeichenerklärung*).
    zero
        True for ``-``: the value is zero where a reader takes it as a number.
    """

    sign: str
    status: str
    meaning: str
    zero: bool = False


#: The one table of GENESIS special signs (sign, status, official meaning).
SPECIAL_SIGNS: tuple[SpecialSign, ...] = (
    SpecialSign(
        "-",
        "nothing",
        "nichts vorhanden (genau null oder aus Geheimhaltungsgründen auf null gesetzt; "
        "auch für Einheiten außerhalb ihrer Gültigkeit)",
        zero=True,
    ),
    SpecialSign(".", "unknown_or_secret", "Zahlenwert unbekannt oder geheim zu halten"),
    SpecialSign("...", "not_yet_available", "Angabe fällt später an"),
    SpecialSign("/", "unreliable", "keine Angabe, da Zahlenwert nicht sicher genug"),
    SpecialSign("x", "locked", "Tabellenfach gesperrt, weil Aussage nicht sinnvoll"),
)
#: Cell text → status; ``…`` (one character) and ``X`` are written for ``...`` and ``x``.
SPECIAL_VALUES: dict[str, str] = {
    **{s.sign: s.status for s in SPECIAL_SIGNS},
    "…": "not_yet_available",
    "X": "locked",
}
#: Status of an empty cell (no value, no sign) and of a value in brackets ``(n)``.
MISSING, UNCERTAIN = "missing", "uncertain"
#: Statuses whose value is a number (``nothing`` only with ``dash_as_zero``).
NUMERIC_STATUSES = frozenset({"ok", UNCERTAIN})


def special_value(cell: str, *, dash_as_zero: bool = True) -> tuple[float, str] | None:
    """Return ``(value, status)`` if ``cell`` is a special sign or empty, else None.

    The value is NaN, or 0 for ``-`` with ``dash_as_zero``. Numbers are left to the
    caller (GENESIS writes a decimal comma, other tables a decimal point).

    Examples
    --------
    >>> special_value(".")
    (nan, 'unknown_or_secret')
    >>> special_value("-"), special_value("-", dash_as_zero=False)
    ((0.0, 'nothing'), (nan, 'nothing'))
    >>> special_value("12") is None
    True
    """
    text = cell.strip().replace("\u00a0", "")
    if text == "":
        return np.nan, MISSING
    status = SPECIAL_VALUES.get(text)
    if status is None:
        return None
    return (0.0 if dash_as_zero and status == "nothing" else np.nan), status


#: Quality flags of GENESIS exported with ``quality=on`` (in their own columns).
QUALITY_FLAGS = frozenset({"", "e", "p", "r", "s", "g", "v", "()"})
_REGION_KEY = re.compile(r"^(DG|\d{2,12})$")
_TIME = re.compile(r"^(\d{4}|\d{2}\.\d{2}\.\d{4})$")
_UNDERSCORES = re.compile(r"^_{5,}")
_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
#: GENESIS variables that hold regional keys in flat files.
REGION_VARIABLES = ("DINSG", "DLAND", "REGBEZ", "KREISE", "GEMEIN", "GEMVB")


@dataclass(frozen=True)
class GenesisTable:
    """A GENESIS export as a long table of values with their status.

    Attributes
    ----------
    data
        One row per value: key columns (``time``, ``key``, ``name``, ``level`` where
        present), ``variable`` (column labels joined with `` | ``; flat files: the
        content code), ``value`` (float, NaN for special signs), ``status`` (``ok``,
        ``uncertain``, ``missing`` or the status of a special sign, see
        :data:`SPECIAL_SIGNS`), ``raw`` (the cell text) and ``line`` (1-based line in
        the file); where present ``flag`` (quality-flag column: ``e``, ``p``, …) and ``valid_until``
        (GENESIS-Online names of dissolved units end in ``(bis DD.MM.YYYY)``).
    code
        Table code (``41312-01-01-4``) or statistic code for flat files.
    title
        Title lines of the header block.
    measure
        The measure with its unit, e.g. ``Rinder (Anzahl)``.
    notes
        Footer lines (notes, copyright, ``Stand``).
    layout
        ``"table"``, ``"flat"`` (old German headers) or ``"ffcsv"``.
    source
        The file.
    """

    data: pd.DataFrame
    code: str = ""
    title: str = ""
    measure: str = ""
    notes: list[str] = field(default_factory=list)
    layout: str = "table"
    source: str = ""

    def wide(self) -> pd.DataFrame:
        """Return values as a table: one row per key (and time), one column per variable."""
        keys = [c for c in ("time", "key", "name") if c in self.data.columns]
        return self.data.pivot_table(
            index=keys, columns="variable", values="value", aggfunc="first", sort=False
        )

    def districts(self) -> pd.DataFrame:
        """Return the rows of Kreise (5-digit keys); Berlin/Hamburg Land rows become Kreise.

        Regionaldatenbank tables at Kreis level show Berlin and Hamburg only as Länder
        ``11`` and ``02``; they are also Kreise ``11000`` and ``02000``.

        Raises
        ------
        InputError
            If the table has no column of regional keys.
        """
        if "key" not in self.data.columns:
            msg = "the table has no column of regional keys (DG, 2–12 digits)"
            raise InputError(msg, source=self.source, field="key")
        keys = self.data["key"].astype(str)
        present = set(keys)
        mapped = keys.map(
            lambda k: f"{k}000" if k in ("02", "11") and f"{k}000" not in present else k
        )
        rows = self.data.assign(key=mapped.to_numpy())
        return rows[rows["key"].str.fullmatch(r"\d{5}")].reset_index(drop=True)


def read_genesis(
    path: str | Path, *, dash_as_zero: bool = False, encoding: str | None = None
) -> GenesisTable:
    """Read a GENESIS / Regionaldatenbank CSV export (table layout or flat file).

    Parameters
    ----------
    path
        The CSV file as downloaded.
    dash_as_zero
        Give ``-`` (nichts vorhanden) the value 0 instead of NaN; its status stays
        ``nothing``. Off by default because GENESIS also writes ``-`` for units outside
        their validity period.
    encoding
        Text encoding; default UTF-8 (with or without byte-order mark), else cp1252.

    Returns
    -------
    GenesisTable
        Long values with a status column; keys as strings (leading zeros kept).

    Raises
    ------
    InputError
        Missing or empty file, no recognisable GENESIS layout, a value cell that is
        neither a number nor a special sign (naming the line and the column).

    Examples
    --------
    >>> parse_value("1234,5")
    (1234.5, 'ok')
    >>> parse_value("...")
    (nan, 'not_yet_available')
    """
    path = check_file(path)
    text = _decode(path.read_bytes(), encoding=encoding, source=path)
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    if first.lower().startswith("statistics_code;"):
        return _read_flat(text, source=path, layout="ffcsv", dash_as_zero=dash_as_zero)
    if first.startswith("Statistik_Code;"):
        return _read_flat(text, source=path, layout="flat", dash_as_zero=dash_as_zero)
    return _read_table(text, source=path, dash_as_zero=dash_as_zero)


def parse_value(raw: str, *, dash_as_zero: bool = False) -> tuple[float, str]:
    """Return ``(value, status)`` for one GENESIS cell, or ``(nan, "bad")`` if invalid.

    Decimal comma; dot thousands separators (``1.234,5``) are accepted; ``(12)`` is 12
    with status ``uncertain``; special signs give NaN and their status.
    """
    special = special_value(raw, dash_as_zero=dash_as_zero)
    if special is not None:
        return special
    text = raw.strip().replace("\u00a0", "")
    status = "ok"
    if text.startswith("(") and text.endswith(")"):
        text, status = text[1:-1].strip(), "uncertain"
    if _THOUSANDS.match(text):
        text = text.replace(".", "")
    text = text.replace(",", ".")
    try:
        return float(text), status
    except ValueError:
        return np.nan, "bad"


def _decode(data: bytes, *, encoding: str | None, source: Path) -> str:
    if encoding is not None:
        text, _ = decode_text(data, source=source, encoding=encoding)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")  # GENESIS default encoding
        if "\x00" in text[:1000]:
            msg = "wrong encoding: NUL bytes (UTF-16 or binary file?); download the CSV again"
            raise InputError(msg, source=source, location="line 1")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_table(text: str, *, source: Path, dash_as_zero: bool) -> GenesisTable:
    lines = text.split("\n")
    footer_at = next((i for i, line in enumerate(lines) if _UNDERSCORES.match(line)), len(lines))
    rows = list(csv.reader(lines[:footer_at], delimiter=";", quotechar='"'))
    header_start, header_end = _header_block(rows, source=source)
    n_keys = min(_leading_empty(row) for row in rows[header_start:header_end])
    labels = _column_labels(rows[header_start:header_end], n_keys)
    title_lines = [r[0].strip() for r in rows[:header_start] if r and r[0].strip()]
    code = ""
    if title_lines and title_lines[0].startswith("GENESIS-Tabelle:"):
        code = title_lines.pop(0).split(":", 1)[1].strip()
    flags = _flag_columns(rows[header_end:], n_keys, labels)
    records = _table_records(
        rows, header_end, n_keys, labels, flags=flags, source=source, zero=dash_as_zero
    )
    if not records:
        msg = "the table has a header but no data rows"
        raise InputError(msg, source=source, location=f"line {header_end + 1}")
    data = _name_key_columns(pd.DataFrame.from_records(records), n_keys)
    notes = [n for n in _footer(lines[footer_at + 1 :]) if n]
    logger.info("%s: GENESIS table %s, %d values", source, code or "?", len(data))
    return GenesisTable(
        data=data,
        code=code,
        title=" ".join(title_lines[:-1]) if len(title_lines) > 1 else "".join(title_lines),
        measure=title_lines[-1] if title_lines else "",
        notes=notes,
        layout="table",
        source=str(source),
    )


def _header_block(rows: list[list[str]], *, source: Path) -> tuple[int, int]:
    """Return ``[start, end)`` of the column-header lines (empty first cell, labels after)."""
    start = None
    for index, row in enumerate(rows):
        is_header = len(row) > 1 and not row[0].strip() and any(c.strip() for c in row[1:])
        if is_header and start is None:
            start = index
        elif start is not None and not is_header:
            return start, index
    msg = (
        "not a GENESIS table CSV: no column-header line (a line starting with ';' followed "
        "by labels) was found; download the table as CSV from GENESIS or regionalstatistik.de"
    )
    raise InputError(msg, source=source, location="line 1")


def _leading_empty(row: list[str]) -> int:
    return next((i for i, cell in enumerate(row) if cell.strip()), len(row))


def _column_labels(header: list[list[str]], n_keys: int) -> list[str]:
    width = max(len(r) for r in header)
    labels = []
    for column in range(n_keys, width):
        parts = [r[column].strip() for r in header if column < len(r) and r[column].strip()]
        labels.append(" | ".join(parts))
    while labels and not labels[-1]:
        labels.pop()  # trailing ';' padding
    return labels


def _table_records(
    rows: list[list[str]],
    start: int,
    n_keys: int,
    labels: list[str],
    *,
    flags: set[int],
    source: Path,
    zero: bool,
) -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    for index in range(start, len(rows)):
        row = rows[index]
        if not any(cell.strip() for cell in row):
            continue
        keys = [row[i] if i < len(row) else "" for i in range(n_keys)]
        cells = row[n_keys : n_keys + len(labels)]
        if not any(c.strip() for c in cells):
            continue  # a section line such as a lone year or classifier label
        for column, (label, raw) in enumerate(zip(labels, cells, strict=False)):
            if column in flags:
                continue
            value, status = parse_value(raw, dash_as_zero=zero)
            if status == "bad":
                msg = (
                    f"expected a number (decimal comma) or a special sign "
                    f"{sorted(set(SPECIAL_VALUES))}, got {raw!r}"
                )
                raise InputError(
                    msg,
                    source=source,
                    location=f"line {index + 1}, column {n_keys + column + 1}",
                    field=label,
                )
            record: dict[str, object] = {f"_k{i}": k for i, k in enumerate(keys)}
            record |= {"variable": label, "value": value, "status": status, "raw": raw}
            if column + 1 in flags and column + 1 < len(cells):
                record["flag"] = cells[column + 1].strip()
            record["line"] = index + 1
            records.append(record)
    return records


def _flag_columns(data_rows: list[list[str]], n_keys: int, labels: list[str]) -> set[int]:
    """Value columns holding only quality flags (``e``, ``p``, …) after a value column."""
    flags = set()
    for column, label in enumerate(labels):
        if column == 0 or label.strip().lower() not in ("", "q", "qualität", "qualitaet"):
            continue
        cells = [r[n_keys + column].strip() for r in data_rows if len(r) > n_keys + column]
        if any(cells) and all(cell in QUALITY_FLAGS for cell in cells):
            flags.add(column)
    return flags


def _name_key_columns(data: pd.DataFrame, n_keys: int) -> pd.DataFrame:
    """Name key columns ``time``/``key``/``name`` by their content; add ``level``."""
    renames: dict[str, str] = {}
    for i in range(n_keys):
        column = data[f"_k{i}"].astype(str)
        stripped = column.str.strip()
        if "time" not in renames.values() and stripped.str.fullmatch(_TIME.pattern).all():
            renames[f"_k{i}"] = "time"
        elif "key" not in renames.values() and stripped.str.fullmatch(_REGION_KEY.pattern).all():
            renames[f"_k{i}"] = "key"
        elif "name" not in renames.values():
            renames[f"_k{i}"] = "name"
            indent = column.str.len() - column.str.lstrip().str.len()
            data["level"] = (indent // 2).to_numpy()
        else:
            renames[f"_k{i}"] = f"label_{i}"
    data = data.rename(columns=renames)
    for renamed in renames.values():
        data[renamed] = data[renamed].astype(str).str.strip()
    if "name" in data.columns:
        # GENESIS-Online marks dissolved units: "Göttingen, Landkreis (bis 31.10.2016)"
        until = data["name"].str.extract(r"\(bis (\d{2}\.\d{2}\.\d{4})\)\s*$")[0]
        if until.notna().any():
            data["valid_until"] = until.fillna("").to_numpy()
            data["name"] = data["name"].str.replace(r"\s*\(bis [^)]*\)\s*$", "", regex=True)
    front = [c for c in ("time", "key", "name", "level") if c in data.columns]
    return data[front + [c for c in data.columns if c not in front]]


def _footer(lines: list[str]) -> list[str]:
    text = "\n".join(lines)
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=";", quotechar='"'))
    except csv.Error:
        return [line.strip() for line in lines]
    return [" ".join(c.strip() for c in row if c.strip()) for row in rows]


def _read_flat(text: str, *, source: Path, layout: str, dash_as_zero: bool) -> GenesisTable:
    try:
        frame = pd.read_csv(
            io.StringIO(text.lstrip("\ufeff")),
            sep=";",
            dtype=str,
            keep_default_na=False,
        )
    except pd.errors.ParserError as error:
        msg = f"not a valid GENESIS flat file ({error})"
        raise InputError(msg, source=source) from error
    frame.columns = [c.strip() for c in frame.columns]
    if frame.empty:
        msg = "the flat file has a header but no data rows"
        raise InputError(msg, source=source)
    frame["line"] = np.arange(len(frame)) + 2
    if layout == "ffcsv":
        data, code_column = frame.rename(columns={"value": "raw"}), "statistics_code"
        data["variable"] = (
            data["value_variable_code"] if "value_variable_code" in data.columns else ""
        )
        kind, code_suffix = "variable", "variable_attribute"
    else:
        value_columns = [c for c in frame.columns if "__" in c]
        ids = [c for c in frame.columns if c not in value_columns]
        data = frame.melt(id_vars=ids, value_vars=value_columns, var_name="variable")
        data = data.rename(columns={"value": "raw"})
        data["variable"] = data["variable"].str.split("__").str[0].str.strip()
        code_column, kind, code_suffix = "Statistik_Code", "Merkmal", "Auspraegung"
    parsed = [parse_value(str(raw), dash_as_zero=dash_as_zero) for raw in data["raw"]]
    data["value"] = [v for v, _ in parsed]
    data["status"] = [s for _, s in parsed]
    _check_flat_values(data, source=source)
    data = _flat_keys(data, kind=kind, code_suffix=code_suffix)
    code = str(frame[code_column].iloc[0]) if code_column in frame.columns else ""
    logger.info("%s: GENESIS %s %s, %d values", source, layout, code, len(data))
    return GenesisTable(data=data, code=code, layout=layout, source=str(source))


def _check_flat_values(data: pd.DataFrame, *, source: Path) -> None:
    bad = (data["status"] == "bad").to_numpy()
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        msg = f"expected a number or a special sign, got {data['raw'].iloc[position]!r}"
        line = data["line"].iloc[position]
        raise InputError(msg, source=source, location=f"line {line}", field="value")


def _flat_keys(data: pd.DataFrame, *, kind: str, code_suffix: str) -> pd.DataFrame:
    """Copy the regional attribute code/label to ``key``/``name`` and time to ``time``."""
    for n in range(1, 10):
        variable = f"{n}_{kind}_code" if kind == "variable" else f"{n}_{kind}_Code"
        if variable not in data.columns:
            break
        if data[variable].iloc[0].strip() in REGION_VARIABLES:
            suffix = "code" if kind == "variable" else "Code"
            label = "label" if kind == "variable" else "Label"
            data["key"] = data[f"{n}_{code_suffix}_{suffix}"].str.strip()
            data["name"] = data[f"{n}_{code_suffix}_{label}"].str.strip()
            break
    if "time" not in data.columns and "Zeit" in data.columns:
        data = data.rename(columns={"Zeit": "time"})
    front = [c for c in ("time", "key", "name", "variable", "value", "status", "raw") if c in data]
    return data[front + [c for c in data.columns if c not in front]].reset_index(drop=True)
