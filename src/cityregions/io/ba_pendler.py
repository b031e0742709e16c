"""Read the Bundesagentur für Arbeit (BA) Pendlerstatistik workbooks as users download them.

The BA publishes commuters (employees subject to social insurance, 30 June) between
districts (*Pendlerverflechtungen nach Kreisen*, ``krpend``: sheets ``Auspendler
Kreise`` / ``Einpendler Kreise``) and, on request, between municipalities (sheets
``Auspendler Gemeinden`` / ``Einpendler Gemeinden``). Both share one layout:

* a header block (title, Land, ``Stichtag: 30.06.YYYY``, a merged two-level column
  header) above the table;
* columns A–J: the described unit (key, name: *Wohnort* on Auspendler sheets,
  *Arbeitsort* on Einpendler sheets), the partner (key, name), then ``Insgesamt``,
  ``Männer``, ``Frauen``, ``Deutsche``, ``Ausländer``, ``Auszubildende`` (``Azubis``);
* one block per described unit: a row with only A/B, then one row per partner.
  Partners are listed hierarchically with subtotals *after* their details: units
  (5-digit Kreis or 8-digit Gemeinde keys), ``Übrige …`` remainders and subtotals of
  the higher levels (Kreis, Regierungsbezirk, Land; they reuse the key of the level),
  ``ZZ`` / ``Z`` block totals and foreign countries (vehicle codes such as ``PL``);
* ``*`` (and ``X``) for anonymised cells (1 or 2 people, or values from which such a
  number could be derived);
* a few footer lines below the table.

Only unit-to-unit rows become flows; every other row (remainders, subtotals, totals,
countries) is returned separately as *aggregates*, so it can never be mistaken for a
unit. Anonymised cells stay missing (NaN, status ``suppressed``), never zero. The
diagonal (people living and working in the same unit) is not in these sheets; take it
from the BA *Gemeindedaten* (``Wohnort gleich Arbeitsort``) and add it with
:meth:`cityregions.FlowTable.with_diagonal`.

References
----------
Bundesagentur für Arbeit, Statistik (2023). *Pendlerverflechtungen der
sozialversicherungspflichtig Beschäftigten nach Kreisen*, Stichtag 30. Juni.
https://statistik.arbeitsagentur.de (Pendleratlas, Einzelheftsuche ``krpend``).
"""

from __future__ import annotations

import csv
import io
import logging
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from cityregions._errors import DataQualityWarning, InputError
from cityregions.constants import DESTINATION, ORIGIN, VALUE
from cityregions.flows import FlowTable
from cityregions.io._text import check_file, resolve_sheet
from cityregions.territory import Territory

logger = logging.getLogger(__name__)

Direction = Literal["out", "in"]
#: Count columns (English names) and the German header labels that identify them.
COUNT_LABELS: dict[str, tuple[str, ...]] = {
    VALUE: ("insgesamt",),
    "men": ("männer",),
    "women": ("frauen",),
    "germans": ("deutsche",),
    "foreigners": ("ausländer",),
    "trainees": ("auszubildende", "azubis"),
}
#: Cell markers of anonymised values.
SUPPRESSED = frozenset({"*", "x", "X"})
_DATE = re.compile(r"(\d{1,2}\.\d{1,2}\.\d{4})")
_COUNTRY = re.compile(r"^[A-Z]{1,3}$")


class NoTableError(InputError):
    """A Pendler sheet without any block row (an :class:`InputError`)."""


@dataclass(frozen=True)
class BAPendler:
    """The content of one BA Pendler sheet.

    Attributes
    ----------
    flows
        Unit-to-unit rows: ``origin, origin_name, destination, destination_name,
        value, men, women, germans, foreigners, trainees, status, suppressed`` (counts
        NaN where anonymised; ``status`` of ``value`` is ``ok``, ``suppressed`` or
        ``empty``; ``suppressed`` lists the anonymised columns), sheet ``row``.
    aggregates
        All other partner rows with the same columns plus ``kind``: ``remainder``
        (``Übrige …``), ``subtotal`` (Kreis/RB/Land), ``total`` (``Z``/``ZZ``) or
        ``country``.
    direction
        ``"out"`` (Auspendler: blocks per place of residence) or ``"in"``.
    reference_date
        ``DD.MM.YYYY`` from the header block, or ``""``.
    land
        Land named in the header block (row 4), or ``""``.
    source
        File and sheet.
    """

    flows: pd.DataFrame
    aggregates: pd.DataFrame
    direction: Direction
    reference_date: str
    land: str
    source: str

    def block_totals(self) -> pd.Series:
        """Return each described unit's commuters in total (``Z`` row, or CSV key ``0``).

        On an Auspendler sheet this is the number of out-commuters of the place of
        residence, which gives the diagonal of a Kreis flow table as

        .. math:: F_{kk} = E^{\\mathrm{res}}_k - \\mathrm{Auspendler}_k

        with :math:`E^{\\mathrm{res}}_k` the employees living in :math:`k` (BA
        Gemeindedaten, :func:`cityregions.io.ba_gemeindedaten.read_ba_gemeindedaten`).
        Units whose total is anonymised are NaN.
        """
        block = ORIGIN if self.direction == "out" else DESTINATION
        partner = DESTINATION if self.direction == "out" else ORIGIN
        rows = self.aggregates[self.aggregates["kind"] == "total"]
        overall = rows[rows[partner].isin(["Z", "0"])]
        totals = overall.drop_duplicates(block).set_index(block)["value"]
        return totals.rename("total").rename_axis("unit")


def read_ba_pendler(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    direction: Direction | None = None,
    units: Territory | Sequence[str] | None = None,
) -> FlowTable:
    """Read a BA Pendler workbook sheet into an observed :class:`~cityregions.FlowTable`.

    Parameters
    ----------
    path
        The workbook (``.xlsx``; ``.xlsb`` needs the optional package ``pyxlsb``) or
        the CSV export of the interactive statistics (:func:`read_ba_pendler_csv`).
    sheet
        Sheet name or index; default the ``Auspendler …`` sheet (``Einpendler …`` when
        ``direction="in"``).
    direction
        ``"out"`` (Auspendler) or ``"in"`` (Einpendler); default from the sheet name.
    units
        Keep only flows between these units (ids or a territory, whose order the flows
        follow). BA sheets always list partners outside a study area; the dropped rows
        are logged, not errors. Default: the sorted ids of all unit-to-unit rows.

    Returns
    -------
    FlowTable
        Rows = place of residence, columns = place of work, values = ``Insgesamt``.
        Anonymised pairs (``*``) are left out and reported with a
        :class:`~cityregions.DataQualityWarning` (each stands for 1 or 2 people); the
        diagonal is empty (a warning says so).

    Raises
    ------
    InputError
        Missing file or sheet, no table found, non-numeric counts (naming sheet, row
        and column).
    """
    table = read_ba_pendler_long(path, sheet=sheet, direction=direction)
    long = table.flows
    suppressed = long["status"] != "ok"
    if suppressed.any():
        message = (
            f"{table.source}: {int(suppressed.sum())} flow(s) anonymised or empty "
            "('*': 1 or 2 people each) are left out of the flow table"
        )
        warnings.warn(message, DataQualityWarning, stacklevel=2)
    long = long[~suppressed]
    ids = None
    if units is not None:
        ids = units.ids if isinstance(units, Territory) else [str(u) for u in units]
        inside = long[ORIGIN].isin(ids) & long[DESTINATION].isin(ids)
        if (~inside).any():
            logger.info(
                "%s: %d flows (%.0f commuters) with a partner outside the units dropped",
                table.source,
                int((~inside).sum()),
                float(long.loc[~inside, VALUE].sum()),
            )
        long = long[inside]
    return FlowTable.from_long(long, ids=ids, flows_provenance="observed", source=table.source)


def read_ba_pendler_long(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    direction: Direction | None = None,
) -> BAPendler:
    """Read a BA Pendler sheet into long tables of unit flows and of aggregate rows.

    Parameters
    ----------
    path
        The workbook.
    sheet
        Sheet name or index (default: ``Auspendler …``, or ``Einpendler …`` when
        ``direction="in"``).
    direction
        ``"out"`` or ``"in"``; default from the sheet name (``Auspendler`` /
        ``Einpendler``).

    Returns
    -------
    BAPendler
        Unit flows, aggregates, direction, reference date and Land.

    Raises
    ------
    InputError
        As :func:`read_ba_pendler`.
    """
    path = check_file(path)
    if path.suffix.lower() in (".csv", ".txt"):
        return read_ba_pendler_csv(path, direction=direction)
    name = _choose_sheet(path, sheet, direction)
    where = f"{path} [sheet {name!r}]"
    direction = _direction(name, direction, where=where)
    cells = _read_cells(path, name)
    first = _first_data_row(cells, where=where)
    header = cells.iloc[:first]
    columns = _count_columns(header)
    rows = _partner_rows(cells, first, columns, where=where)
    rows = _orient(rows, direction)
    is_flow = rows.pop("kind") == "unit"
    kinds = rows.pop("partner_kind")
    flows = _drop_repeated(rows[is_flow], where=where)
    aggregates = rows[~is_flow].assign(kind=kinds[~is_flow]).reset_index(drop=True)
    n_suppressed = int((flows["status"] == "suppressed").sum())
    logger.info(
        "%s: %d unit flows (%d anonymised), %d aggregate rows",
        where,
        len(flows),
        n_suppressed,
        len(aggregates),
    )
    return BAPendler(
        flows=flows,
        aggregates=aggregates,
        direction=direction,
        reference_date=_reference_date(header),
        land=_land(header),
        source=where,
    )


def read_ba_pendler_csv(path: str | Path, *, direction: Direction | None = None) -> BAPendler:
    """Read the CSV export of the BA interactive statistics (``statistik_pendler_*.csv``).

    The export (UTF-8, ``;``, every field quoted) has a preamble of varying length, a
    header ``"Arbeitsort";"Regionalschlüssel";"Wohnort";"Regionalschlüssel";"Insgesamt";
    …`` (Einpendler; Auspendler starts with ``"Wohnort"``; English labels
    ``Workplace``/``Place of residence`` also occur) with the *name before the key*,
    the described Kreis repeated on every row, totals with keys ``0``/``00``, remainders
    ``<RB>xx`` (``Übrige Kreise (Regierungsbezirk)``), Länder, countries, dot thousands
    separators in newer exports, and a 4-line footer. Values are rounded to 10.

    Parameters
    ----------
    path
        The CSV file.
    direction
        ``"out"``/``"in"``; default from the header (first column *Wohnort* = out).

    Returns
    -------
    BAPendler
        As :func:`read_ba_pendler_long`; ``reference_date`` is the ``Berichtsmonat``.

    Raises
    ------
    InputError
        No header line found, non-numeric counts (naming line and field).
    """
    from cityregions.io._text import decode_text

    path = check_file(path)
    text, _ = decode_text(path.read_bytes(), source=path)
    rows = list(csv.reader(io.StringIO(text), delimiter=";", quotechar='"'))
    start = next((i for i, row in enumerate(rows) if _is_csv_header(row)), None)
    if start is None:
        msg = (
            "no BA Pendler header line found: expected "
            '"Arbeitsort";"Regionalschlüssel";"Wohnort";"Regionalschlüssel";"Insgesamt";…'
        )
        raise InputError(msg, source=path)
    first = rows[start][0].strip().lower()
    guessed: Direction = "in" if first in ("arbeitsort", "workplace") else "out"
    direction = direction or guessed
    records = _csv_records(rows, start, where=str(path))
    if not records:
        msg = "the export has a header but no data lines"
        raise InputError(msg, source=path, location=f"line {start + 1}")
    table = _orient(pd.DataFrame.from_records(records), direction)
    is_flow = table.pop("kind") == "unit"
    kinds = table.pop("partner_kind")
    preamble = {r[0].strip().rstrip(":"): r[1].strip() for r in rows[:start] if len(r) >= 2}
    return BAPendler(
        flows=_drop_repeated(table[is_flow], where=str(path)),
        aggregates=table[~is_flow].assign(kind=kinds[~is_flow]).reset_index(drop=True),
        direction=direction,
        reference_date=preamble.get("Berichtsmonat", preamble.get("Reporting month", "")),
        land=preamble.get("Land", preamble.get("State", "")),
        source=str(path),
    )


def _csv_records(rows: list[list[str]], start: int, *, where: str) -> list[dict[str, Any]]:
    """Return one record per data line below the header (name before key in the CSV)."""
    columns = {name: 4 + i for i, name in enumerate(COUNT_LABELS)}
    records = []
    for index in range(start + 1, len(rows)):
        row = rows[index]
        if len(row) < 10 or not row[1].strip():
            continue  # blank or footer line
        block, partner = row[1].strip(), row[3].strip()
        record: dict[str, Any] = {
            "block": block,
            "block_name": row[0].strip(),
            "partner": partner,
            "partner_name": row[2].strip(),
            "row": index + 1,
        }
        at = f"line {index + 1}, field "
        record.update(_counts(row, columns, where=where, at=at, letters=False))
        kind = _csv_partner_kind(partner, row[2], len(block))
        record["partner_kind"] = kind
        record["kind"] = "unit" if kind == "unit" else "aggregate"
        records.append(record)
    return records


def _is_csv_header(row: list[str]) -> bool:
    labels = [cell.strip().lower() for cell in row]
    places = ("arbeitsort", "wohnort", "workplace", "place of residence")
    return len(labels) >= 10 and labels[0] in places and labels[4] in ("insgesamt", "total")


def _csv_partner_kind(key: str, name: str, width: int) -> str:
    if key in ("0", "00") or name.strip().lower().endswith("insgesamt"):
        return "total"
    if key.lower().endswith("xx") or name.strip().lower().startswith("übrige"):
        return "remainder"
    if key.isascii() and key.isdigit():  # not '١٤٧١٣' ('²'.isdigit() is True too)
        return "unit" if len(key) == width else "subtotal"
    return "country" if _COUNTRY.match(key) else "other"


def _choose_sheet(path: Path, sheet: str | int | None, direction: Direction | None) -> str:
    if sheet is not None:
        return resolve_sheet(path, sheet)
    from cityregions.io._text import excel_sheet_names

    names = excel_sheet_names(path)
    prefix = "einpendler" if direction == "in" else "auspendler"
    for candidate in names:
        if candidate.strip().lower().startswith(prefix):
            return candidate
    msg = (
        f"no '{prefix.capitalize()} Kreise' or '{prefix.capitalize()} Gemeinden' sheet; "
        f"sheets are {names} (name one with sheet=...)"
    )
    raise InputError(msg, source=path, field="sheet")


def _direction(name: str, direction: Direction | None, *, where: str) -> Direction:
    lowered = name.lower()
    guessed: Direction | None = (
        "out" if "auspendler" in lowered else "in" if "einpendler" in lowered else None
    )
    if direction is None:
        if guessed is None:
            msg = "cannot tell Auspendler from Einpendler by the sheet name; pass direction="
            raise InputError(msg, source=where, field="direction")
        return guessed
    if direction not in ("out", "in"):
        msg = f"direction must be 'out' (Auspendler) or 'in' (Einpendler), got {direction!r}"
        raise InputError(msg, source=where, field="direction")
    if guessed is not None and guessed != direction:
        logger.warning("%s: sheet name suggests direction %r, using %r", where, guessed, direction)
    return direction


def _read_cells(path: Path, sheet: str) -> pd.DataFrame:
    """Return all cells as text; frame row ``i`` is Excel row ``i + 1`` (blank rows kept)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            rows = list(workbook[sheet].iter_rows(values_only=True))
        finally:
            workbook.close()
        cells = pd.DataFrame(rows, dtype=object)
    else:
        try:
            cells = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object)
        except ImportError as error:
            msg = f"reading {path.suffix} workbooks needs an extra package ({error})"
            raise InputError(msg, source=path) from error
    cells = cells.reindex(columns=range(max(10, cells.shape[1])))
    return cells.map(_cell_text)


def _cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _first_data_row(cells: pd.DataFrame, *, where: str) -> int:
    """Index of the first block row: column A a 4–8 digit key, B a name, C empty."""
    a, b, c = cells[0], cells[1], cells[2]
    candidates = a.str.fullmatch(r"\d{4,8}") & (b != "") & (c == "")
    if not candidates.any():
        msg = (
            "no BA Pendler table found: expected rows with a 5-digit (Kreis) or 8-digit "
            "(Gemeinde) key in column A and a name in column B"
        )
        raise NoTableError(msg, source=where, location="column A")
    return int(np.flatnonzero(candidates.to_numpy())[0])


def _count_columns(header: pd.DataFrame) -> dict[str, int]:
    """Map count fields to column positions from the header labels (default E–J)."""
    columns = {name: 4 + i for i, name in enumerate(COUNT_LABELS)}
    found: dict[str, int] = {}
    for _, row in header.iterrows():
        for position, text in row.items():
            label = str(text).strip().lower()
            for name, labels in COUNT_LABELS.items():
                if label in labels and name not in found and int(str(position)) >= 4:
                    found[name] = int(str(position))
    if found:
        columns.update(found)
    else:
        logger.info("no count labels in the header; assuming columns E–J")
    return columns


def _partner_rows(
    cells: pd.DataFrame, first: int, columns: dict[str, int], *, where: str
) -> pd.DataFrame:
    records: list[dict[str, Any]] = []
    block_key = block_name = ""
    width = 0
    lines: list[list[str]] = cells.to_numpy().tolist()  # row access on a frame is slow
    for position in range(first, len(lines)):
        row = lines[position]
        a, b, c, d = row[0], row[1], row[2], row[3]
        if re.fullmatch(r"\d{4,8}", a) and b and not c:
            width = 5 if len(a) <= 5 else 8
            block_key, block_name = a.zfill(width), b
            continue
        if not c:
            continue  # blank line or footer text
        if not block_key:
            continue
        record: dict[str, Any] = {
            "block": block_key,
            "block_name": block_name,
            "partner": _partner_key(c, d, width),
            "partner_name": d,
            "row": position + 1,
        }
        record.update(_counts(row, columns, where=where, at=f"row {position + 1}, column "))
        record["partner_kind"] = _partner_kind(record["partner"], d, width)
        record["kind"] = "unit" if record["partner_kind"] == "unit" else "aggregate"
        records.append(record)
    if not records:
        msg = "the sheet has block rows but no partner rows (columns C/D are empty)"
        raise InputError(msg, source=where)
    return pd.DataFrame.from_records(records)


def _partner_key(key: str, name: str, width: int) -> str:
    """Re-pad keys that a spreadsheet turned into numbers (``5111`` → ``05111``)."""
    if not (key.isascii() and key.isdigit()):
        return key
    lowered = name.lower()
    if len(key) in (width - 1, width):
        return key.zfill(width)
    if "regierungsbezirk" in lowered or "reg.-bez" in lowered or "region" in lowered:
        return key.zfill(3)
    if width == 8 and len(key) == 4 and "kreis" in lowered:
        return key.zfill(5)
    return key.zfill(2) if len(key) < 2 else key


def _partner_kind(key: str, name: str, width: int) -> str:
    lowered = name.strip().lower()
    if key in ("Z", "ZZ"):
        return "total"
    if lowered.startswith("übrige"):
        return "remainder"
    if key.isascii() and key.isdigit():  # not '١٤٧١٣' ('²'.isdigit() is True too)
        return "unit" if len(key) == width else "subtotal"
    if _COUNTRY.match(key):
        return "country"
    return "other"


def _counts(
    row: pd.Series | list[str],
    columns: dict[str, int],
    *,
    where: str,
    at: str,
    letters: bool = True,
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    suppressed: list[str] = []
    status = "ok"
    for name, position in columns.items():
        raw = row[position].strip()
        if raw in SUPPRESSED:
            values[name] = np.nan
            suppressed.append(name)
            status = "suppressed" if name == VALUE else status
            continue
        if raw == "":
            values[name] = np.nan
            status = "empty" if name == VALUE else status
            continue
        number = _number(raw)
        if number is None or number < 0:
            column = chr(ord("A") + position) if letters else str(position + 1)
            msg = f"expected a count (0 or more) or '*' (anonymised), got {raw!r}"
            raise InputError(msg, source=where, location=f"{at}{column}", field=name)
        values[name] = number
    values["status"] = status
    values["suppressed"] = ",".join(suppressed)
    return values


def _number(raw: str) -> float | None:
    text = raw.replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")  # thousands separators
    try:
        return float(text)
    except ValueError:
        return None


def _orient(rows: pd.DataFrame, direction: Direction) -> pd.DataFrame:
    """Name block and partner as origin (residence) and destination (work)."""
    if direction == "out":
        names = {"block": ORIGIN, "block_name": "origin_name"}
        names |= {"partner": DESTINATION, "partner_name": "destination_name"}
    else:
        names = {"block": DESTINATION, "block_name": "destination_name"}
        names |= {"partner": ORIGIN, "partner_name": "origin_name"}
    rows = rows.rename(columns=names)
    first = [ORIGIN, "origin_name", DESTINATION, "destination_name"]
    return rows[first + [c for c in rows.columns if c not in first]]


def _drop_repeated(flows: pd.DataFrame, *, where: str) -> pd.DataFrame:
    """Drop rows repeating a unit pair with identical counts (seen in Gemeinde files)."""
    repeated = flows.drop(columns="row").duplicated()
    if repeated.any():
        logger.warning("%s: %d repeated flow row(s) dropped", where, int(repeated.sum()))
    flows = flows[~repeated.to_numpy()]
    pairs = flows.duplicated([ORIGIN, DESTINATION], keep=False)
    if pairs.any():
        first = flows[pairs].iloc[0]
        msg = (
            f"the pair {first[ORIGIN]} → {first[DESTINATION]} is listed twice with different counts"
        )
        raise InputError(msg, source=where, location=f"row {first['row']}", field=VALUE)
    return flows.reset_index(drop=True)


def _reference_date(header: pd.DataFrame) -> str:
    for text in header.to_numpy().ravel():
        match = _DATE.search(str(text))
        if match:
            return match.group(1)
    return ""


def _land(header: pd.DataFrame) -> str:
    if len(header) > 3:
        text = str(header.iloc[3, 0]).strip()
        if text and not _DATE.search(text):
            return text
    return ""
