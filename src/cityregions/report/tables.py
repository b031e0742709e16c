"""HTML tables and key-figure cards for the report (escaped, numbers formatted)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from cityregions.report.i18n import LABELS, tr
from cityregions.report.svg import fmt_number


def header(name: Any) -> str:
    """Return the bilingual header of a column (the plain name if it has no label)."""
    key = str(name)
    return tr(key) if key in LABELS else escape(key.replace("_", " "))


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
        return fmt_number(number)
    if isinstance(value, list | tuple | set | frozenset):
        return escape(", ".join(map(str, value)))
    if isinstance(value, pd.Timestamp):
        return escape(value.date().isoformat())
    return escape(str(value))


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
    head = "".join(f'<th class="{"num" if c in numeric else ""}">{header(c)}</th>' for c in columns)
    if index:
        head = f"<th>{header(frame.index.name or '')}</th>" + head
    body = []
    for label, row in shown.iterrows():
        cls = (row_class or {}).get(label, "")
        cells = "".join(
            f'<td class="{"num" if c in numeric else ""}">{cell(row[c])}</td>' for c in columns
        )
        if index:
            cells = f'<th scope="row">{cell(label)}</th>' + cells
        body.append(f'<tr class="{cls}">{cells}</tr>' if cls else f"<tr>{cells}</tr>")
    note = ""
    if len(frame) > max_rows:
        note = f'<p class="muted small">{max_rows} {tr("rows_shown")} {len(frame)}</p>'
    return (
        f'<div class="table-wrap"><table class="{css_class}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>{note}"
    )


#: Text values shown translated (provenance kinds).
TRANSLATED_VALUES = frozenset({"observed", "modeled", "estimate", "fact"})

#: Text values longer than this are listed below the cards rather than in one.
LONG_TEXT = 24


def key_figures(figures: Mapping[str, Any]) -> str:
    """Return key figures as a row of cards (label from :data:`LABELS` where known).

    Long text values (parameters, sources) are listed below the cards instead.
    """
    cards, notes = [], []
    for key, value in figures.items():
        if isinstance(value, Mapping | list | tuple | pd.DataFrame | pd.Series):
            continue
        if isinstance(value, str) and len(value) > LONG_TEXT:
            notes.append(f"<dt>{header(key)}</dt><dd>{cell(value)}</dd>")
            continue
        shown = tr(value) if isinstance(value, str) and value in TRANSLATED_VALUES else cell(value)
        cards.append(
            f'<div class="figure"><div class="value">{shown}</div>'
            f'<div class="label">{header(key)}</div></div>'
        )
    html = f'<div class="figures">{"".join(cards)}</div>' if cards else ""
    return html + (f'<dl class="notes">{"".join(notes)}</dl>' if notes else "")
