"""Shared low-level helpers of the readers: decoding text and reading plain tables.

Every reader of :mod:`cityregions.io` turns its input into a :class:`pandas.DataFrame` of
strings through :func:`read_frame`, so that ids keep their leading zeros and every
malformed file ends in one :class:`~cityregions.InputError` naming the file, the line or
sheet and what was expected.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from cityregions._errors import DataQualityWarning, InputError

logger = logging.getLogger(__name__)

#: File suffixes read as delimited text, Parquet and Excel workbooks.
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb")
#: Characters that never occur in a text table but do in binary or UTF-16 files: the
#: C0 control characters except tab, line feed, form feed and carriage return.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def check_file(path: str | Path) -> Path:
    """Return ``path`` as a Path, raising :class:`InputError` if it is missing or empty.

    Raises
    ------
    InputError
        If the file does not exist, is a folder, or has zero bytes.
    """
    path = Path(path)
    if not path.exists():
        msg = "file does not exist"
        raise InputError(msg, source=path)
    if path.is_dir():
        msg = "expected a file, got a folder"
        raise InputError(msg, source=path)
    if path.stat().st_size == 0:
        msg = "the file is empty (0 bytes)"
        raise InputError(msg, source=path)
    return path


def decode_text(
    data: bytes,
    *,
    source: str | Path,
    encoding: str | None = None,
    fallback: Sequence[str] = ("cp1252",),
) -> tuple[str, str]:
    """Decode the bytes of a text file; return the text and the encoding used.

    Parameters
    ----------
    data
        Raw file content.
    source
        File name for messages.
    encoding
        A fixed encoding; decoding errors are then an :class:`InputError`. ``None``
        tries UTF-8 (with or without byte-order mark) and then each of ``fallback``,
        warning (:class:`~cityregions.DataQualityWarning`) when a fallback was used.
    fallback
        Encodings tried after UTF-8 when ``encoding`` is None.

    Raises
    ------
    InputError
        If the bytes are not text in the given or any tried encoding (the message names
        the line and the bad byte), or contain control characters (binary or UTF-16
        files).
    """
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            raise _decode_error(data, error, source=source, encoding=encoding) from error
        except LookupError as error:
            msg = f"unknown encoding {encoding!r}"
            raise InputError(msg, source=source) from error
        _check_control(text, source=source, encoding=encoding)
        return text, encoding
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as first:
        for candidate in fallback:
            try:
                text = data.decode(candidate)
            except UnicodeDecodeError:
                continue
            _check_control(text, source=source, encoding=candidate)
            line = data[: first.start].count(b"\n") + 1
            message = (
                f"{source}: not UTF-8 (byte 0x{data[first.start]:02x} on line {line}); "
                f"read as {candidate} instead — check umlauts, or save the file as UTF-8"
            )
            warnings.warn(message, DataQualityWarning, stacklevel=3)
            return text, candidate
        raise _decode_error(data, first, source=source, encoding="utf-8") from first
    _check_control(text, source=source, encoding="utf-8")
    return text, "utf-8"


def _decode_error(
    data: bytes, error: UnicodeDecodeError, *, source: str | Path, encoding: str
) -> InputError:
    line = data[: error.start].count(b"\n") + 1
    msg = (
        f"wrong encoding: byte 0x{data[error.start]:02x} cannot be decoded as {encoding}; "
        "save the file as UTF-8 (or pass the encoding, e.g. encoding='cp1252')"
    )
    return InputError(msg, source=source, location=f"line {line}")


def _check_control(text: str, *, source: str | Path, encoding: str) -> None:
    """Raise naming the line of the first control character anywhere in ``text``.

    The whole text is searched (one regular-expression scan), not only its head: a NUL
    byte deep in a file would otherwise end up inside an id (``1\x006062``).
    """
    found = _CONTROL.search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        msg = (
            f"wrong encoding or not a text table: control character {found.group()!r} after "
            f"decoding as {encoding} (UTF-16 or binary file?); save it as UTF-8 CSV"
        )
        raise InputError(msg, source=source, location=f"line {line}")


def sniff_separator(text: str) -> str:
    """Return the most frequent of ``,`` ``;`` and tab in the first non-empty line."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def read_frame(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    sep: str | None = None,
) -> pd.DataFrame:
    """Read a plain table (CSV/TSV, Parquet or an Excel sheet) with every cell as text.

    Parameters
    ----------
    path
        The file; the format follows from the suffix.
    sheet
        Sheet name or 0-based index of a workbook (default: the first sheet).
    encoding
        Encoding of text files (see :func:`decode_text`; default UTF-8, then cp1252).
    sep
        Field separator of text files (default: sniffed from the header line).

    Returns
    -------
    pandas.DataFrame
        Column names stripped of blanks; cells are strings, empty cells NaN. Parquet
        columns keep their types. The index is the line (text) or row (workbook) number
        of each record in the file, counting the header as 1; blank lines are dropped.

    Raises
    ------
    InputError
        Missing, empty or unreadable file; a sheet that is not there; a table with no
        rows.
    """
    path = check_file(path)
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        frame = _read_parquet(path)
    elif suffix in EXCEL_SUFFIXES:
        frame = _read_excel(path, sheet=sheet)
    else:
        text, _ = decode_text(path.read_bytes(), source=path, encoding=encoding)
        lines = text.split("\n")
        skipped = next((i for i, line in enumerate(lines) if line.strip()), 0)
        text = "\n".join(lines[skipped:])
        frame = _read_text(text, source=path, sep=sep or sniff_separator(text), skipped=skipped)
        frame.index = frame.index + skipped
        frame.attrs["sep"] = sep or sniff_separator(text)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = pd.Index(frame.index.to_numpy() + 2)
    frame = frame.dropna(how="all")
    if frame.empty:
        msg = "the table has a header but no data rows"
        raise InputError(msg, source=path)
    return frame


def _read_text(text: str, *, source: Path, sep: str, skipped: int = 0) -> pd.DataFrame:
    """Parse delimited ``text`` (its header on file line ``skipped + 1``) as strings."""
    if not text.strip():
        msg = "the file is empty (only blanks)"
        raise InputError(msg, source=source)
    check_field_counts(text, sep=sep, source=source, skipped=skipped)
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            index_col=False,  # never take the first column as an index
        )
    except pd.errors.ParserError as error:
        raise parser_error(error, source=source, sep=sep, skipped=skipped) from error


_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def check_field_counts(text: str, *, sep: str, source: str | Path, skipped: int = 0) -> None:
    """Raise unless the first data record has no more fields than the header.

    pandas takes a first data row with one field more than the header (a delimiter at
    the end of the line, as spreadsheet exports write it, or an extra value) as a sign
    that the first column is an index, and shifts every column; later rows with too
    many fields are its own parser error (:func:`parser_error` words it). Fields are
    counted with :mod:`csv`, so quoted delimiters and line breaks count as text.

    Parameters
    ----------
    text
        The table, its header on the first line.
    sep
        Field delimiter.
    source
        File name for messages.
    skipped
        Blank lines above the header in the file (to report file line numbers).

    Raises
    ------
    InputError
        Naming the line, its number of fields and the header's.
    """
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    try:
        header = next(reader)
        first = next((row for row in reader if row), None)
    except (csv.Error, StopIteration):
        return  # pandas reports malformed quoting itself
    if first is not None and len(first) > len(header):
        line = reader.line_num + skipped
        raise InputError(
            _too_many_fields(len(first), len(header), sep=sep, trailing=not first[-1].strip()),
            source=source,
            location=f"line {line}",
        )


def _too_many_fields(fields: int, expected: int, *, sep: str, trailing: bool) -> str:
    shown = "tab" if sep == "\t" else repr(sep)
    why = f"a {shown} at the end of the line?" if trailing else "an extra value?"
    return (
        f"the line has {fields} fields, the header {expected} ({why}); every line needs as "
        f"many fields as the header: remove the extra {shown}, or name the column in the header"
    )


def parser_error(
    error: pd.errors.ParserError, *, source: Path, sep: str, skipped: int
) -> InputError:
    """One message for a pandas parser error, with the line number of the file."""
    found = _FIELDS.search(str(error))
    if found is None:
        detail = str(error).strip().splitlines()[-1] if str(error).strip() else "parse error"
        return InputError(f"not a valid delimited table ({detail})", source=source)
    expected, line, fields = (int(g) for g in found.groups())
    return InputError(
        _too_many_fields(fields, expected, sep=sep, trailing=False).replace(
            "(an extra value?)", "(an extra value or a delimiter at the end of the line?)"
        ),
        source=source,
        location=f"line {line + skipped}",
    )


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(path)
    except Exception as error:  # pyarrow raises several unrelated types
        msg = f"not a readable Parquet file ({error})"
        raise InputError(msg, source=path) from error
    if any(name is not None for name in frame.index.names):
        frame = frame.reset_index()  # a named index (e.g. ``unit``) is a column of the table
    return frame


def excel_sheet_names(path: Path) -> list[str]:
    """Return the sheet names of a workbook, raising :class:`InputError` if unreadable."""
    try:
        with pd.ExcelFile(path) as workbook:
            return [str(name) for name in workbook.sheet_names]
    except Exception as error:  # zip, xml and engine errors
        msg = f"not a readable Excel workbook ({error})"
        raise InputError(msg, source=path) from error


def resolve_sheet(path: Path, sheet: str | int | None) -> str:
    """Return the name of ``sheet`` (default the first) or raise naming the sheets there."""
    names = excel_sheet_names(path)
    if sheet is None:
        return names[0]
    if isinstance(sheet, int):
        if 0 <= sheet < len(names):
            return names[sheet]
    elif sheet in names:
        return sheet
    msg = f"no sheet {sheet!r} in the workbook; sheets are {names}"
    raise InputError(msg, source=path, location=f"sheet {sheet!r}")


def _read_excel(path: Path, *, sheet: str | int | None) -> pd.DataFrame:
    name = resolve_sheet(path, sheet)
    frame = pd.read_excel(path, sheet_name=name, dtype=str, keep_default_na=False, na_values=[""])
    return frame


def check_numbers(
    values: pd.Series,
    *,
    where: str | Path,
    field: str,
    row: str = "line",
    what: str = "a number",
) -> None:
    """Raise naming the first cell that is not a finite ASCII decimal (empty cells pass).

    Text cells must match :data:`cityregions._numbers.NUMBER_PATTERN` (convert German
    numbers with :func:`german_numbers` first); numeric cells (Parquet, Excel) must be
    finite and at most :data:`cityregions._numbers.MAX_MAGNITUDE` in magnitude. So
    ``inf``, ``nan`` written out, ``1e400``, ``1_000`` and non-ASCII digits such as
    ``١٢`` are refused instead of being read by :class:`float`.

    Parameters
    ----------
    values
        The cells, indexed by file line (or workbook row).
    where, field
        File and column for the message.
    row
        ``"line"`` (text files) or ``"row"`` (workbooks).
    what
        What the column holds, for the message (e.g. ``"a number of commuters"``).

    Raises
    ------
    InputError
        Naming file, line, field, the bad text and what is expected.
    """
    from cityregions._numbers import ASCII_BLANKS, EXPECTED, MAX_MAGNITUDE, NUMBER_PATTERN

    present = values.notna().to_numpy()
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.to_numpy(dtype=float, na_value=0.0)
        bad = present & ~(np.abs(np.nan_to_num(numbers, nan=np.inf)) <= MAX_MAGNITUDE)
    else:
        text = values.astype("string").str.strip(ASCII_BLANKS)
        matched = text.str.fullmatch(NUMBER_PATTERN).fillna(False).to_numpy(dtype=bool)
        bad = present & ~matched & (text.fillna("") != "").to_numpy(dtype=bool)
        if not bad.any():
            numbers = pd.to_numeric(text.where(matched), errors="coerce").to_numpy(dtype=float)
            bad = matched & ~(np.abs(numbers) <= MAX_MAGNITUDE)
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        cell = values.iloc[position]
        shown = repr(cell) if isinstance(cell, str) else str(cell)
        msg = f"expected {what}, got {shown}: {EXPECTED}"
        location = f"{row} {values.index[position]}"
        raise InputError(msg, source=where, location=location, field=field)


def german_numbers(values: pd.Series) -> pd.Series:
    """Convert text numbers with decimal comma and dot thousands (``1.234,5``) to floats.

    Only applied by the readers to columns of ``;``-separated files in which some value
    has a decimal comma (the German spreadsheet export); other cells are left as they
    are, so that bad values still reach the checks with their original text.
    """
    text = values.astype("string").str.strip()
    german = text.str.fullmatch(r"-?\d{1,3}(\.\d{3})*(,\d+)?|-?\d+(,\d+)?").fillna(False)
    converted = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return values.where(~german.to_numpy(dtype=bool), converted)


def uses_decimal_comma(frame: pd.DataFrame, column: str, *, count: bool = False) -> bool:
    """Whether ``column`` of a text table is written the German way (``1.234,5``).

    True for ``;``-separated tables in which any column holds decimal-comma numbers;
    for counts (people, flows: never fractional) already when the table is
    ``;``-separated, so that ``616.093`` inhabitants are read as 616093.
    """
    if frame.attrs.get("sep") != ";" or pd.api.types.is_numeric_dtype(frame[column]):
        return False
    if count:
        return True
    if "decimal_comma" not in frame.attrs:
        pattern = r"-?[\d.]*\d,\d+"
        frame.attrs["decimal_comma"] = any(
            frame[c].astype("string").str.fullmatch(pattern).any()
            for c in frame.columns
            if not pd.api.types.is_numeric_dtype(frame[c])
        )
    return bool(frame.attrs["decimal_comma"])


def find_column(
    columns: Sequence[str], candidates: Sequence[str], *, given: str | None = None
) -> str | None:
    """Return the column matching ``given`` or the first of ``candidates`` (any case).

    ``given`` must match exactly or case-insensitively; candidates are tried in order.
    """
    lowered = {c.lower(): c for c in reversed(list(columns))}
    if given is not None:
        if given in columns:
            return given
        return lowered.get(given.lower())
    for candidate in candidates:
        if candidate.lower() in lowered:
            return lowered[candidate.lower()]
    return None
