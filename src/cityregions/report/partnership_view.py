"""Report section ``partnership``: scenario overview, member tables and bar charts.

It only lays out what the partnership step computed: per scenario the weights, seats,
voting power per member and per inhabitant, and fees (see
:class:`cityregions.partnership.compare.Comparison`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING, Any

import pandas as pd

from cityregions.geometry import MapView
from cityregions.i18n import message_pair, tr
from cityregions.partnership.compare import MEMBER_COLUMNS, PENROSE_CAVEAT
from cityregions.report.svg import bar_chart
from cityregions.report.tables import header, html_table, html_with

if TYPE_CHECKING:
    from cityregions.pipeline.results import CaseResults

logger = logging.getLogger(__name__)

#: Member-table columns drawn as bar charts, in order (exact names first, then fragments).
CHART_COLUMNS = ("banzhaf", "per_inhabitant_ratio", "fee", "shapley", "power", "seats", "weight")


def chart_columns(table: pd.DataFrame) -> list[str]:
    """Return up to three numeric columns worth a bar chart (power, per inhabitant, fees)."""
    numeric = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
    chosen = [c for c in CHART_COLUMNS if c in numeric]
    for fragment in CHART_COLUMNS:
        chosen += [c for c in numeric if fragment in str(c).lower() and c not in chosen]
    return chosen[:3]


def _labels(table: pd.DataFrame) -> list[str]:
    for column in ("name", "member_name", "member"):
        if column in table.columns:
            return [str(v) for v in table[column]]
    return [str(i) for i in table.index]


def charts(table: pd.DataFrame) -> str:
    """Return small bar charts of the chart columns of one member table."""
    labels = _labels(table)
    out = []
    for column in chart_columns(table):
        values = dict(zip(labels, table[column].astype(float), strict=True))
        svg = bar_chart(values, label=str(column), width=420)
        if not svg:  # no finite value (e.g. no fees in this scenario): no empty chart
            continue
        caption = f"<figcaption>{header(column)}</figcaption>"
        out.append(f'<figure class="pic">{caption}{svg}</figure>')
    return f'<div class="charts">{"".join(out)}</div>' if out else ""


def scenario_text(info: Mapping[str, Any], key: str) -> tuple[str, str | None]:
    """Return the escaped English and German HTML of scenario text ``key``.

    A scenario file writes its texts in English; a German version under ``<key>_de``
    (``title_de``, ``description_de``, ``assumptions_de``) is shown in the German report.
    The German is None when the file gives none. Lists become ``<li>`` items.
    """

    def shown(value: Any) -> str:
        if isinstance(value, list | tuple):
            return "".join(f"<li>{escape(str(a))}</li>" for a in value)
        return escape(str(value)) if value else ""

    german = info.get(f"{key}_de")
    return shown(info.get(key)), (shown(german) if german else None)


def _title_html(info: Mapping[str, Any], fallback: str) -> str:
    """A scenario's title in both languages (English only, marked, without a German one)."""
    english, german = scenario_text(info, "title") if info.get("title") else (None, None)
    english = english or escape(fallback)
    if german is None:
        return f'<span lang="en">{english}</span>'
    return bilingual_html(german, english)


def bilingual_html(german: str, english: str) -> str:
    """Both languages of ready HTML, one shown at a time (see :mod:`cityregions.i18n`)."""
    return f'<span class="t-de">{german}</span><span class="t-en">{english}</span>'


def _in_languages(tag: str, english: str, german: str | None, css: str) -> str:
    """One element per language, or the English one marked ``lang="en"``."""
    if german is None:
        return f'<{tag} class="{css}" lang="en">{english}</{tag}>'
    return f'<{tag} class="{css} t-de">{german}</{tag}><{tag} class="{css} t-en">{english}</{tag}>'


def _scenario_text(info: Any) -> str:
    """Return the description and assumptions of a scenario (escaped; German if given).

    Without a German text, the German report says that the text is English only.
    """
    if not isinstance(info, Mapping):
        return ""
    parts = []
    english_only = False
    if info.get("description"):
        english, german = scenario_text(info, "description")
        english_only |= german is None
        parts.append(_in_languages("p", english, german, "small"))
    if info.get("assumptions"):
        english, german = scenario_text(info, "assumptions")
        english_only |= german is None
        parts.append(f'<p class="small"><strong>{tr("assumptions")}</strong></p>')
        parts.append(_in_languages("ul", english, german, "small assumptions"))
    if english_only:
        parts.insert(0, f'<p class="small muted t-de">{tr("text_in_english")}</p>')
    if info.get("sources"):
        parts.append(f'<p class="small muted">{tr("source")}: '
                     f"{escape(', '.join(map(str, info['sources'])))}</p>")  # fmt: skip
    return "".join(parts)


#: Summary columns that list member ids (shown by the members' names).
MEMBER_LISTS = ("members_without_power", "members_who_can_block_alone")


def member_names(summary: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Show the member lists of :data:`MEMBER_LISTS` (member ids) by the members' names."""
    columns = [c for c in MEMBER_LISTS if c in summary.columns]
    if not columns:
        return summary
    if not {"member", "name"} <= set(members.columns):
        return summary
    names = dict(zip(members["member"].astype(str), members["name"].astype(str), strict=True))

    def named(value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [names.get(str(v), str(v)) for v in value]
        if isinstance(value, str) and value:
            return ", ".join(names.get(v.strip(), v.strip()) for v in value.split(","))
        return value

    shown = summary.copy()
    for column in columns:
        shown[column] = [named(v) for v in shown[column]]
    return shown


#: German versions of the comparison's fixed notes (others are shown in English).
NOTES_DE = {
    PENROSE_CAVEAT: (
        "Macht pro Einwohner (ψ(N)·β', Penrose 1946) setzt voraus, dass die Einwohner "
        "jedes Mitglieds über die Stimme ihres Vertreters mit einfacher Mehrheit "
        "entscheiden, jede und jeder unabhängig mit Wahrscheinlichkeit ½ für Ja oder "
        "Nein; das ist eine Lesart der Regel, kein Teil einer dokumentierten Satzung, und "
        "sagt nichts, wo Vertreter frei abstimmen."
    ),
}

#: How to read the columns of the decision rules and of the a priori unions.
READING = (
    "<strong>Wie entscheidet das Gremium?</strong> <em>Entscheidungsregel</em> ist die Art der "
    "Regel (einfache oder qualifizierte Mehrheit, Einstimmigkeit, Konsens, doppelte "
    "Mehrheit); bei Konsens kann jedes Mitglied blockieren, Enthaltung blockiert nicht "
    "(<em>kann allein blockieren</em>: ohne dieses Mitglied beschließt das Gremium "
    "nichts). <em>Owen</em> und <em>Banzhaf–Owen</em> lesen die Stadtregionen als a-priori-Unionen "
    "(Owen 1977, 1982): Stadtregionen verhandeln als Ganzes, jede andere ist ganz dafür "
    "oder ganz dagegen.",
    "<strong>How does the body decide?</strong> <em>decision rule</em> is the kind of rule "
    "(simple or qualified majority, unanimity, consensus, double majority); under "
    "consensus every member can block and abstention does not (<em>can block alone</em>: "
    "the body decides nothing without this member). <em>Owen</em> and "
    "<em>Banzhaf–Owen</em> read the city regions as a priori unions (Owen 1977, 1982): "
    "city regions bargain as wholes, every other one entirely for or against.",
)


def _reading(notes: list[str]) -> str:
    """The reading of the rule columns and the comparison's notes (warnings first)."""
    items = []
    for note in notes:
        pair = message_pair(note)  # the steps' sentences (vocabulary.SENTENCES)
        german = NOTES_DE.get(note) or (pair[0] if pair else None)
        english = escape(note)
        items.append(
            _in_languages("p", english, escape(german) if german else None, "small warning")
        )
    german, english = READING
    return "".join(items) + f'<p class="small">{bilingual_html(german, english)}</p>'


def partnership_body(results: CaseResults, layers: MapView) -> str | None:
    """Render the ``partnership`` section: overview, then per scenario table and charts."""
    comparison = results.partnership
    if comparison is None:
        return None
    from cityregions.report.sections import generic_body

    summary = comparison.summary
    parts = []
    if not summary.empty:
        shown_summary = summary.drop(columns=["shapley_method"], errors="ignore")
        table = member_names(shown_summary, comparison.members)
        table = table.set_index("scenario") if "scenario" in table.columns else table
        cells = {}
        if "title" in table.columns:  # the German title where the scenario gives one
            cells["title"] = [
                _title_html(comparison.scenarios.get(str(name), {}), str(title))
                for name, title in zip(table.index, table["title"], strict=True)
            ]
        parts.append(f"<h3>{tr('scenarios')}</h3>{html_with(table, cells)}")
        parts.append(_reading(comparison.notes))
    texts = comparison.scenarios
    blocs = comparison.bloc_tables()
    for name, table in comparison.member_tables().items():
        info = texts.get(name, {})
        english, german = (
            scenario_text(info, "title") if info.get("title") else (escape(name), None)
        )
        title = english if german is None else bilingual_html(german, english)
        parts.append(f'<h3>{tr("scenario")}: {title} '
                     f'<span class="muted small">({escape(name)})</span></h3>')  # fmt: skip
        parts.append(_scenario_text(info))
        shown = [c for c in MEMBER_COLUMNS if c in table.columns] or list(table.columns)
        parts.append(html_table(table[shown], max_rows=60, index=False))
        parts.append(charts(table))
        if name in blocs:
            parts.append(
                f"<details><summary>{tr('blocs')}</summary>"
                f"{html_table(blocs[name], index=False)}</details>"
            )
    skip = {"results", "scenarios", "summary", "members", "blocs", "wide", "notes"}
    found = results.parts("partnership")
    parts.append(generic_body(found, skip=skip, names=layers.names, units=layers.units))
    return "".join(parts)
