"""HTML tables and key-figure cards for the report (escaped, numbers formatted)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from cityregions.geometry import natural_key
from cityregions.i18n import (
    bilingual,
    german_number,
    message_pair,
    tr,
    tr_message,
    tr_value,
)
from cityregions.pipeline.views import strip_paths
from cityregions.report.svg import fmt_number
from cityregions.vocabulary import CODED_COLUMNS, SETTINGS

#: A date or month (``2012-02``, ``2014-03-21``), kept on one line in tables.
DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")

#: Tables with more columns than this get the compact ``wide`` layout.
WIDE_COLUMNS = 8
#: Tables with at most this many rows are kept on one printed page.
SHORT_ROWS = 6


def header(name: Any) -> str:
    """Return the bilingual header of a column (a humanised name if it has no label)."""
    key = str(name)
    return tr(key) if key else ""


def cell(value: Any) -> str:
    """Return one formatted, escaped table cell value."""
    if value is None:
        return "–"
    if isinstance(value, bool | np.bool_):
        return "✓" if value else "–"
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        if math.isnan(number):
            return "–"
        return localised(fmt_number(number))
    if isinstance(value, list | tuple | set | frozenset):
        return escape(", ".join(map(str, value)))
    if isinstance(value, pd.Timestamp):
        return escape(value.date().isoformat())
    text = str(value)
    if DATE.fullmatch(text):
        return text.replace("-", "\u2011")  # non-breaking hyphens: a date stays on one line
    return escape(strip_paths(text))


def is_plain_number_column(name: Any) -> bool:
    """Whether a column holds years, seeds or run numbers: written without separators.

    ``2008`` as a currency year or a resample seed is a label, not a quantity;
    ``2 008`` would read as two thousand and eight.

    Examples
    --------
    >>> [is_plain_number_column(c) for c in ("currency_year", "resample_seed", "run", "value")]
    [True, True, True, False]
    """
    key = str(name)
    return key in ("year", "seed", "run") or key.endswith(("_year", "_seed"))


def plain_cell(value: Any) -> str:
    """Return a cell of a :func:`is_plain_number_column` column (``2008``, ``8920742``)."""
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    ):
        number = float(value)
        if math.isfinite(number) and number == int(number):
            return str(int(number))
    return cell(value)


def localised(number: str) -> str:
    """Return a formatted number with a decimal comma in German, a point in English.

    Thousands are separated by a narrow space in both languages (ISO 31-0), so only
    the decimal mark and the sign differ: ``0,556`` / ``0.556``, ``−12`` (the minus
    sign U+2212) / ``-12`` (:func:`~cityregions.i18n.german_number`).
    """
    return bilingual(german_number(number), number)


def html_with(frame: pd.DataFrame, cells: dict[str, list[str]], **options: Any) -> str:
    """:func:`html_table` with some columns given as HTML.

    ``cells`` maps a column to its rendered cells (e.g. text in both languages), one per
    row of ``frame``; the other columns are formatted as usual.
    """
    shown = frame.copy()
    for column, values in cells.items():
        shown[column] = [f"\x00{column}:{i}\x00" for i in range(len(values))]
    rendered = html_table(shown, **options)
    for column, values in cells.items():
        for i, value in enumerate(values):
            rendered = rendered.replace(f"\x00{column}:{i}\x00", value, 1)
    return rendered


def natural_sorted(table: pd.DataFrame) -> pd.DataFrame:
    """Return ``table`` with its index (region or unit ids) in number order.

    Ids are text; sorted as text, regions read ``11, 15, 16, 2, 20``. Numbers inside
    an id sort as numbers (:func:`~cityregions.geometry.natural_key`).
    """
    order = sorted(range(len(table)), key=lambda i: natural_key(str(table.index[i])))
    return table.iloc[order]


def coded_cell(value: Any) -> str:
    """Return a cell of a coded column (``feedstock``, ``level``…): its label if known."""
    return tr_value(value) or cell(value)


def html_table(
    frame: pd.DataFrame,
    *,
    max_rows: int = 40,
    index: bool | None = None,
    css_class: str = "data",
    row_class: Mapping[Any, str] | None = None,
) -> str:
    """Return ``frame`` as an HTML table with formatted numbers and bilingual headers.

    Parameters
    ----------
    frame
        The table.
    max_rows
        Rows beyond this are left out (a note says how many are shown).
    index
        Whether to show the index; default: when it is named or not a plain range.
    css_class
        Class of the ``<table>``.
    row_class
        Optional CSS class per index label (e.g. to mark cross-border rows).
    """
    if index is None:
        index = frame.index.name is not None or not isinstance(frame.index, pd.RangeIndex)
    shown = frame.head(max_rows)
    columns = list(shown.columns)
    numeric = {c for c in columns if pd.api.types.is_numeric_dtype(shown[c])}
    coded = {c for c in columns if str(c) in CODED_COLUMNS and c not in numeric}
    plain = {c for c in columns if is_plain_number_column(c)}
    writer = {c: coded_cell if c in coded else plain_cell if c in plain else cell for c in columns}
    head = "".join(f'<th class="{"num" if c in numeric else ""}">{header(c)}</th>' for c in columns)
    if index:
        head = f"<th>{header(frame.index.name or '')}</th>" + head
    show_index = coded_cell if str(frame.index.name) in CODED_COLUMNS else cell
    body = []
    for label, row in shown.iterrows():
        cls = (row_class or {}).get(label, "")
        cells = "".join(
            f'<td class="{"num" if c in numeric else ""}">{writer[c](row[c])}</td>' for c in columns
        )
        if index:
            cells = f'<th scope="row">{show_index(label)}</th>' + cells
        body.append(f'<tr class="{cls}">{cells}</tr>' if cls else f"<tr>{cells}</tr>")
    note = ""
    if len(frame) > max_rows:
        note = f'<p class="muted small">{max_rows} {tr("rows_shown")} {len(frame)}</p>'
    if len(columns) + int(index) > WIDE_COLUMNS:
        css_class += " wide"
    # a short table prints on one page (its last rows alone on a page read as lost)
    wrap = "table-wrap short" if len(shown) <= SHORT_ROWS else "table-wrap"
    return (
        f'<div class="{wrap}" tabindex="0"><table class="{css_class}"><thead><tr>{head}</tr>'
        f"</thead><tbody>{''.join(body)}</tbody></table></div>{note}"
    )


#: Text values longer than this are listed below the cards rather than in one.
LONG_TEXT = 24


#: Inputs of the user: a missing value is "not given" (never 0, never a bare dash).
GIVEN_FIGURES = frozenset({"population", "residents", "jobs", "area_km2"})


def figure_value(value: Any, key: str = "") -> str:
    """Return a key-figure value: a coded value's label, else the formatted value.

    A missing input (:data:`GIVEN_FIGURES`, e.g. the population of own data that has
    none) reads "nicht angegeben / not given".
    """
    if key in GIVEN_FIGURES and _missing(value):
        return tr("not_given")
    return tr_value(value) or cell(value)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value))


def settings_block(settings: Mapping[str, Any]) -> str:
    """Return technical settings as a collapsed "Einstellungen / Settings" list."""
    items = "".join(
        f"<dt>{header(k)}</dt><dd>{figure_value(v)}</dd>"
        for k, v in settings.items()
        if not isinstance(v, Mapping | list | tuple | pd.DataFrame | pd.Series)
    )
    if not items:
        return ""
    return (
        f'<details class="settings"><summary>{tr("settings")}</summary>'
        f'<dl class="notes">{items}</dl></details>'
    )


def is_setting(key: str, value: Any, settings: frozenset[str] = SETTINGS) -> bool:
    """Whether ``key`` is a technical setting: listed, and text or a distance limit.

    A listed key with a count as value (``sinks`` = 8 in the allocation summary, where
    the energy summary's ``sinks`` = "cores" is a setting) is a figure, not a setting.
    """
    if key not in settings:
        return False
    number = isinstance(value, int | float | np.integer | np.floating)
    return not number or key.endswith("_km")


def key_figures(figures: Mapping[str, Any], *, settings: frozenset[str] = SETTINGS) -> str:
    """Return key figures as a row of cards (labels from :data:`LABELS`, humanised else).

    Keys in ``settings`` (technical settings such as the scenario file or the checksum
    of the coefficients) go into a collapsed settings block instead; long text values
    (notes) are listed below the cards; absolute local paths are never shown.
    """
    cards, notes, chosen = [], [], {}
    for key, value in figures.items():
        if isinstance(value, Mapping | list | tuple | pd.DataFrame | pd.Series):
            continue
        if is_setting(str(key), value, settings):
            chosen[key] = value
        elif isinstance(value, str) and len(value) > LONG_TEXT and tr_value(value) is None:
            known = message_pair(value) is not None
            shown = tr_message(value) if known else cell(value)
            notes.append(f"<dt>{header(key)}</dt><dd>{shown}</dd>")
        else:
            cards.append(
                f'<div class="figure"><div class="value">{figure_value(value, str(key))}</div>'
                f'<div class="label">{header(key)}</div></div>'
            )
    html = f'<div class="figures">{"".join(cards)}</div>' if cards else ""
    html += f'<dl class="notes">{"".join(notes)}</dl>' if notes else ""
    return html + settings_block(chosen)
