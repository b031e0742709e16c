"""Report blocks of the governance evidence: study area, null models, membership over time,
the exit claim next to data, recommendations, and what the registry assumes.

The membership timeline is drawn as one lane per body (years on the x axis; a cell's
opacity grows with the body's members that year, a hatched outline marks a year whose
members count only by assumption) above a line of the share of today's strong commuting
ties that the bodies of each year cover (flows held fixed: one observation date). Every
text is bilingual (German and English) like the rest of the report.
"""

from __future__ import annotations

import logging
import math
import re
from html import escape
from typing import TYPE_CHECKING, Any

import pandas as pd

from cityregions.geometry import NODE_COLOURS
from cityregions.i18n import bilingual, tr, tr_value
from cityregions.pipeline.views import state_display
from cityregions.report.svg import INK, svg_open, svg_text, svg_title
from cityregions.report.tables import cell, html_table, html_with, key_figures
from cityregions.vocabulary import NO_STATE, NO_STATE_RECORDED, VALUE_LABELS

if TYPE_CHECKING:
    from cityregions.governance.analysis import GovernanceAnalysis
    from cityregions.registry import Registry

logger = logging.getLogger(__name__)

#: Parts of the governance result drawn here (not by the generic tables).
EVIDENCE_PARTS = {
    "study_area", "ties_outside", "assumptions", "registry_notes", "timeline",
    "coverage_timeline", "centre_degree", "exit_members", "exit_test", "recommendations",
    "n_permutations", "alpha", "state_openness",
}  # fmt: skip
#: Lanes drawn in the timeline: bodies of these tiers (thematic bodies are many and small).
LANE_LEVELS = ("metropolitan", "city_region")
#: Rows of the recommendation table shown in the report (all are in the CSV).
TOP_ACTIONS = 15


def significance_note(analysis: GovernanceAnalysis) -> str:
    """The sentence that says which headlines are tested and how."""
    n, alpha = analysis.n_permutations, analysis.alpha
    german = (
        f"Überschriften nennen nur Ergebnisse, die gegen zufällige Durchmischung bei "
        f"gleichen Gruppengrößen signifikant sind (α = {alpha:g}; {n} Permutationen der "
        "Gruppenzugehörigkeit; bei Maklerrollen nach Benjamini–Hochberg korrigiert). "
        "Zentralitäten ohne Nullmodell sind keine Überschrift."
    )
    english = (
        f"Headlines name only results that are significant against random mixing with the "
        f"group sizes kept (α = {alpha:g}; {n} permutations of the group labels; brokerage "
        "adjusted by Benjamini–Hochberg). Centralities without a null model are no headline."
    )
    return f'<p class="note">{bilingual(german, english)}</p>'


def study_area_block(analysis: GovernanceAnalysis) -> str:
    """Key figures of the study area and the ties left out."""
    area = analysis.study_area
    if area is None:
        return ""
    figures = {
        "study_area": area.description,
        "units_in_study_area": len(area),
        "ties_outside_study_area": analysis.ties_outside,
    }
    return f"<h3>{tr('study_area')}</h3>{key_figures(figures)}"


#: Actors named in the note on the group without a state (beyond: a count only).
NAMED_ACTORS = 6


def no_state_note(analysis: GovernanceAnalysis) -> str:
    """Say which actors form the group "no state recorded", or nothing without one.

    The count is the group's ``nodes`` in the E–I table; the names come from the actor
    metrics of the same snapshot (``state`` ``"?"``), listed when there are few.
    """
    table = analysis.state_openness
    if table is None or NO_STATE not in table.index:
        return ""
    n = int(table["nodes"].get(NO_STATE, 0))
    metrics = analysis.actor_metrics
    names: list[str] = []
    if "state" in metrics.columns:
        rows = metrics[metrics["state"].astype(str) == NO_STATE]
        column = rows["name"] if "name" in rows.columns else pd.Series(rows.index, rows.index)
        names = sorted(str(name) for name in column)
    listed = ""
    if names and len(names) == n and n <= NAMED_ACTORS:
        listed = ": " + ", ".join(names)
    german_group, english_group = VALUE_LABELS[NO_STATE_RECORDED]
    german = (
        f"„{german_group}“: {n} {'Akteur' if n == 1 else 'Akteure'} ohne Land im Register "
        f"(weder Land noch Schlüssel oder Gebiet){listed}."
    )
    english = (
        f"“{english_group}”: {n} {'actor' if n == 1 else 'actors'} without a state in the "
        f"registry (no state, key or unit){listed}."
    )
    return f'<p class="note small">{bilingual(german, english)}</p>'


def openness_table(analysis: GovernanceAnalysis) -> str:
    """E–I index per state with its expected value and p-value (states by name).

    Actors without a state form a group of their own in the statistic; it is shown as
    "kein Land erfasst / no state recorded" with a note naming its actors.
    """
    table = analysis.state_openness
    if table is None or table.empty:
        return ""
    shown = table.copy()
    shown.index = pd.Index([state_display(i) for i in shown.index], name="state")
    return (
        f"<h3>{tr('state_openness')}</h3>{html_table(shown, index=True)}{no_state_note(analysis)}"
    )


def certainty_table(registry: Registry) -> pd.DataFrame:
    """Records per certainty and kind (``unspecified`` is never shown as confirmed).

    One row per certainty flag (``certainty`` is a coded column, shown in the reader's
    language), one column per kind of record.
    """
    from cityregions.registry import CERTAINTIES

    kinds: dict[str, list[Any]] = {
        "actors": registry.actors,
        "bodies": registry.bodies,
        "memberships": registry.memberships,
        "claims": registry.claims,
    }
    rows = [
        {
            "certainty": c,
            **{kind: sum(r.certainty == c for r in records) for kind, records in kinds.items()},
        }
        for c in CERTAINTIES
    ]
    return pd.DataFrame(rows)


def assumptions_block(analysis: GovernanceAnalysis, registry: Registry) -> str:
    """How many records the snapshot assumes, by reason, and the notes on records."""
    parts = [f"<h3>{tr('certainty')}</h3>{html_table(certainty_table(registry))}"]
    table = analysis.assumptions
    if len(table):
        included = table[table["included"].astype(bool)]
        reasons = (
            included.groupby(["kind", "reason"]).size().rename("records").reset_index()
            if len(included)
            else pd.DataFrame(columns=["kind", "reason", "records"])
        )
        by = ["records", "reason"]
        parts.append(
            f"<h3>{tr('snapshot_assumptions')}</h3>"
            f"{_reasons_table(reasons.sort_values(by, ascending=[False, True]), index=False)}"
            f"<details><summary>{tr('snapshot_assumptions')} ({len(included)})</summary>"
            f"{_reasons_table(_named(included, registry).head(400), max_rows=400, index=False)}"
            "</details>"
        )
    notes = analysis.registry_notes
    if len(notes):
        parts.append(f"<h3>{tr('registry_notes')}</h3>{html_table(notes)}")
    return "".join(parts)


def _reasons_table(table: pd.DataFrame, **options: Any) -> str:
    """A table with a ``reason`` column of assumptions, the reasons in both languages."""
    return html_with(table, {"reason": [reason_html(str(r)) for r in table["reason"]]}, **options)


def _named(table: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """Tables of record ids with the body's name (where the record is a body)."""
    names = {b.id: b.name for b in registry.bodies}
    shown = table.copy()
    shown.insert(1, "name", [names.get(str(r), "") for r in shown["record"]])
    return shown


def timeline_svg(
    timeline: pd.DataFrame, coverage: pd.DataFrame, registry: Registry, *, width: float = 880
) -> str:
    """One lane per body over the years, above the yearly share of strong ties covered.

    Parameters
    ----------
    timeline
        :attr:`GovernanceAnalysis.timeline` (year, body, members, members_assumed, …).
    coverage
        :attr:`GovernanceAnalysis.coverage_timeline` (year, commuter_share, …).
    registry
        For the bodies' names and tiers.
    """
    if timeline.empty:
        return ""
    lanes = _lanes(timeline, registry)
    years = sorted(timeline["year"].unique())
    first, last = int(years[0]), int(years[-1])
    left, right, row, top = 250.0, 12.0, 13.0, 18.0
    cell = (width - left - right) / (last - first + 1)
    chart_h = 90.0
    height = top + row * len(lanes) + 30 + chart_h + 28
    out = [svg_open(width, height, label="membership over time and strong ties covered")]
    out.append(_year_axis(first, last, left, cell, top - 6))
    peak = timeline.groupby("body")["members"].max()
    for i, body in enumerate(lanes):
        y = top + i * row
        name = registry.body(body).name
        out.append(
            f'<text x="{left - 6:.0f}" y="{y + row - 3:.1f}" font-size="10" fill="{INK}" '
            f'text-anchor="end">{escape(name if len(name) <= 42 else name[:41] + "…")}</text>'
        )
        colour = NODE_COLOURS.get(registry.body(body).body_level, NODE_COLOURS["thematic"])
        rows = timeline[(timeline["body"] == body) & (timeline["members"] > 0)]
        for _, r in rows.iterrows():
            x = left + (int(r["year"]) - first) * cell
            out.append(_cell(r, x, y, cell, row, colour, float(peak[body]), registry))
    out.append(_coverage_line(coverage, first, left, cell, top + row * len(lanes) + 30, chart_h))
    out.append("</svg>")
    return "".join(out)


def _lanes(timeline: pd.DataFrame, registry: Registry) -> list[str]:
    """Bodies with members in some year, metropolitan first, then by first year and id."""
    with_members = timeline[timeline["members"] > 0]
    first_year = with_members.groupby("body")["year"].min()
    order = {level: i for i, level in enumerate(LANE_LEVELS)}
    bodies = [b for b in first_year.index if registry.body(b).body_level in order]
    return sorted(
        bodies,
        key=lambda b: (
            order[registry.body(b).body_level],
            registry.body(b).kind == "planning_association",
            int(first_year[b]),
            b,
        ),
    )


def _year_axis(first: int, last: int, left: float, cell: float, y: float) -> str:
    marks = []
    for year in range(first, last + 1):
        near_mark = (year in (first, last)) and min(year % 5, 5 - year % 5) <= 2
        if (year % 5 == 0) or (year in (first, last) and not near_mark):
            x = left + (year - first + 0.5) * cell
            marks.append(
                f'<text x="{x:.1f}" y="{y:.1f}" font-size="9" fill="{INK}" '
                f'text-anchor="middle">{year}</text>'
            )
    return "".join(marks)


def _member_names(ids: str, registry: Registry) -> str:
    """Names of the members in ``"a;b;c"`` (actors or bodies; an unknown id as it is)."""
    names = []
    for member in filter(None, str(ids).split(";")):
        try:
            names.append(registry.actor(member).name)
        except KeyError:
            try:
                names.append(registry.body(member).name)
            except KeyError:
                names.append(member)
    return ", ".join(names)


def _cell(
    row: pd.Series,
    x: float,
    y: float,
    w: float,
    h: float,
    colour: str,
    peak: float,
    registry: Registry,
) -> str:
    members, assumed = int(row["members"]), int(row["members_assumed"])
    opacity = 0.25 + 0.75 * members / peak if peak else 1.0
    dashed = ' stroke="#1f2933" stroke-dasharray="2,1" stroke-width="0.6"' if assumed else ""
    year = int(row["year"])  # a tooltip in the reader's language (svg_title)
    one = members == 1
    german = f"{year}: {members} Mitglied{'' if one else 'er'} ({assumed} nur unter Annahme)"
    english = f"{year}: {members} member{'' if one else 's'} ({assumed} by assumption)"
    if row.get("joined"):
        german += f"; beigetreten: {_member_names(row['joined'], registry)}"
        english += f"; joined: {_member_names(row['joined'], registry)}"
    if row.get("left"):
        german += f"; ausgetreten: {_member_names(row['left'], registry)}"
        english += f"; left: {_member_names(row['left'], registry)}"
    return (
        f'<rect x="{x:.1f}" y="{y + 1:.1f}" width="{max(w - 0.6, 0.5):.1f}" '
        f'height="{h - 2:.1f}" fill="{colour}" fill-opacity="{opacity:.2f}"{dashed}>'
        f"{svg_title((german, english))}</rect>"
    )


def _coverage_line(
    coverage: pd.DataFrame, first: int, left: float, cell: float, y0: float, h: float
) -> str:
    if coverage.empty:
        return ""
    out = [
        f'<line x1="{left:.0f}" y1="{y0 + h:.1f}" x2="{left + cell * len(coverage):.1f}" '
        f'y2="{y0 + h:.1f}" stroke="{INK}" stroke-width="0.6"/>',
        svg_text(
            f'x="{left - 6:.0f}" y="{y0 + 8:.1f}" font-size="10" fill="{INK}" text-anchor="end"',
            "1.0",
        ),
        svg_text(
            f'x="{left - 6:.0f}" y="{y0 + h:.1f}" font-size="10" fill="{INK}" text-anchor="end"',
            "0",
        ),
        f'<text class="t-de" x="{left - 6:.0f}" y="{y0 + h / 2:.1f}" font-size="10" '
        f'fill="{INK}" text-anchor="end">Anteil abgedeckt</text>'
        f'<text class="t-en" x="{left - 6:.0f}" y="{y0 + h / 2:.1f}" font-size="10" '
        f'fill="{INK}" text-anchor="end">share covered</text>',
    ]
    points = []
    for _, r in coverage.iterrows():
        share = float(r["commuter_share"])
        if math.isfinite(share):
            x = left + (int(r["year"]) - first + 0.5) * cell
            points.append(f"{x:.1f},{y0 + h - share * h:.1f}")
    if points:
        out.append(
            f'<polyline points="{" ".join(points)}" fill="none" '
            f'stroke="{NODE_COLOURS["city_region"]}" stroke-width="1.6"/>'
        )
    return "".join(out)


def timeline_block(analysis: GovernanceAnalysis, registry: Registry) -> str:
    """The timeline chart with its caption and the yearly coverage table."""
    svg = timeline_svg(analysis.timeline, analysis.coverage_timeline, registry)
    if not svg:
        return ""
    german = (
        "Eine Zeile je Gremium (metropolitan und stadtregional) und Jahr (Stand 30. Juni): "
        "je kräftiger, desto mehr Mitglieder; gestrichelt = Mitglieder nur unter Annahme "
        "(Datum unbekannt). Linie: Anteil der Pendler in starken Verflechtungen, die ein "
        "stadtregionales Gremium des Jahres abdeckt – mit den Pendlerdaten eines Stichtags."
    )
    english = (
        "One lane per body (metropolitan and city-regional) and year (30 June): the darker, "
        "the more members; dashed = members only by assumption (date unknown). Line: share "
        "of the commuters in strong ties that a city-regional body of that year covers – with "
        "the commuter flows of one date."
    )
    coverage = analysis.coverage_timeline
    table = html_table(_by_snapshot(coverage), max_rows=60) if not coverage.empty else ""
    return (
        f'<h3>{tr("timeline")}</h3><figure class="pic">{svg}'
        f"<figcaption>{bilingual(german, english)}</figcaption></figure>"
        f"<details><summary>{tr('coverage_timeline')}</summary>{table}</details>"
    )


def _by_snapshot(coverage: pd.DataFrame) -> pd.DataFrame:
    """The yearly coverage indexed by its snapshot day (30 June), never a year as a number."""
    shown = coverage.drop(columns="year")
    shown.index = pd.Index([f"{int(y)}-06-30" for y in coverage["year"]], name="as_of")
    return shown


def exit_block(analysis: GovernanceAnalysis, registry: Registry) -> str:
    """The documented exit claim, the data next to it, and what the data cannot carry."""
    members, test = analysis.exit_members, analysis.exit_test
    if members is None or test is None:
        return ""
    claims = [c for c in registry.claims if c.kind == "exit"]
    statement = ""
    if claims:
        claim = claims[0]
        statement = (
            f'<p class="note">{escape(claim.statement)} '
            f"[{escape(', '.join(claim.sources))}] — {tr_value(claim.certainty)}</p>"
        )
    return (
        f"<h3>{tr('exit_claim')}</h3>{statement}{html_table(members, index=True)}"
        f"{_exit_figures(test, registry)}"
    )


#: Figures of the exact exit test, in this order (labels from the vocabulary).
EXIT_FIGURES = (
    "members",
    "leavers",
    "leaver_ids",
    "share_to_centre_leavers",
    "share_to_centre_others",
    "p_share_to_centre",
    "shared_bodies_leavers",
    "shared_bodies_others",
    "p_shared_bodies",
    "smallest_p",
)


def _exit_figures(test: dict[str, Any], registry: Registry) -> str:
    """The exact test's figures (leavers by name) and its limits, in both languages."""
    names = {a.id: a.name for a in registry.actors}
    rows = []
    for key in EXIT_FIGURES:
        if key not in test:
            continue
        value, label = test[key], tr(key)
        if key == "leaver_ids":  # by name: who left
            value = ", ".join(names.get(i, i) for i in str(value).split(";") if i)
            label = tr("left")
        rows.append({"figure": label, "value": value})
    table = pd.DataFrame(rows, columns=["figure", "value"])
    body = "".join(
        f'<tr><th scope="row">{r.figure}</th><td class="num">{cell(r.value)}</td></tr>'
        for r in table.itertuples()
    )
    return (
        f'<div class="table-wrap short"><table class="data"><tbody>{body}</tbody></table></div>'
        f'<p class="note">{exit_sentence(test)}</p>'
    )


def exit_sentence(test: dict[str, Any]) -> str:
    """What the exact test can and cannot say, in both languages."""
    n, k = int(test.get("members", 0)), int(test.get("leavers", 0))
    if "p_share_to_centre" not in test:
        return bilingual(
            "Kein Vergleich möglich: kein Mitglied (oder alle) ausgetreten.",
            escape(str(test.get("conclusion", "nothing to compare"))),
        )
    subsets = round(1 / float(test["smallest_p"]))
    p_share, p_bodies = float(test["p_share_to_centre"]), float(test["p_shared_bodies"])

    def de(x: float) -> str:
        return f"{x:.3f}".replace(".", ",")

    german = (
        f"{k} von {n} stimmberechtigten Städten außerhalb des Zentrums traten aus. Bei {k} "
        f"Ausgetretenen ist der kleinste erreichbare p-Wert des exakten Tests 1/{subsets} = "
        f"{de(1 / subsets)}; p = {de(p_share)} für das Pendeln ins Zentrum und "
        f"p = {de(p_bodies)} für gemeinsame Gremien. Die Daten zeigen, wo jede Stadt stand; "
        "warum sie austrat, können sie nicht zeigen (die Pendlerdaten stammen von einem "
        "späteren Stichtag, die Gründe nennen nur Presseberichte)."
    )
    return bilingual(german, escape(str(test.get("conclusion", ""))))


def recommendations_block(analysis: GovernanceAnalysis, registry: Registry) -> str:
    """The top candidate actions, bodies by name."""
    table = analysis.recommendations
    if table is None or table.empty:
        return ""
    names = {b.id: b.name for b in registry.bodies}
    units = unit_names(registry)
    shown = table.head(TOP_ACTIONS).copy()
    shown["body"] = [
        " + ".join(names.get(b, b) for b in str(v).split("+")) if v else "" for v in shown["body"]
    ]
    shown["units"] = [
        ", ".join(units.get(u, u) for u in str(v).split(";") if u) for v in shown["units"]
    ]
    actors = {a.id: a.name for a in registry.actors}
    notes = [action_note(str(v), units, names, actors) for v in shown["note"]]
    shown = shown.drop(columns=[c for c in ("flows",) if c in shown.columns])
    shown = shown.set_index("rank")
    german = (
        f"Die {min(TOP_ACTIONS, len(table))} stärksten von {len(table)} Handlungsoptionen "
        "(Beitritt, Kooperation zweier Gremien, neues grenzüberschreitendes Gremium), "
        "geordnet nach den Pendlern in starken Verflechtungen, die sie abdecken würden; "
        "gesetzliche Mitgliedsgrenzen (Planungsregionen, Landesbeschränkungen) sind beachtet."
    )
    english = (
        f"The {min(TOP_ACTIONS, len(table))} strongest of {len(table)} candidate actions (join, "
        "two bodies cooperate, a new cross-border body), ranked by the commuters in strong "
        "ties they would cover; legal membership limits (planning regions, state limits) "
        "are respected."
    )
    rendered = html_with(shown, {"note": notes}, index=True)
    return (
        f'<h3>{tr("recommendations")}</h3><p class="note">{bilingual(german, english)}</p>'
        f"{rendered}"
    )


#: Phrases of the snapshot's assumptions (:func:`cityregions.registry.validity.window`).
_REASONS = (
    (re.compile(r"valid from unknown"), "gültig ab unbekannt"),
    (re.compile(r"valid to unknown"), "gültig bis unbekannt"),
    (re.compile(r"founded unknown"), "Gründung unbekannt"),
    (re.compile(r"dissolved unknown"), "Auflösung unbekannt"),
    (re.compile(r"no dated evidence"), "kein datierter Beleg"),
    (re.compile(r"last evidence (.+)"), "letzter Beleg {0}"),
)


def reason_html(reason: str) -> str:
    """Why a snapshot assumes a record, in German and English."""
    german = []
    for part in reason.split("; "):
        for pattern, template in _REASONS:
            match = pattern.fullmatch(part)
            if match is not None:
                german.append(template.format(*match.groups()))
                break
        else:
            german.append(part)
    return bilingual(escape("; ".join(german)), escape(reason))


def unit_names(registry: Registry) -> dict[str, str]:
    """Unit id → the name of the actor that stands for that unit alone.

    A city, district or municipality whose ``units`` is that one unit (not a part of
    it); the first by actor id when several do. Units no actor stands for keep their id.
    """
    names: dict[str, str] = {}
    for actor in sorted(registry.actors, key=lambda a: a.id):
        if len(actor.units) == 1 and not actor.units_partial and actor.kind != "state":
            names.setdefault(actor.units[0], actor.name)
    return names


#: Phrases of a recommendation's note (:mod:`cityregions.governance.recommend`).
_NOTE_PARTS = (
    (re.compile(r"new cross-border body around (\S+)–(\S+)"), "tie",
     "neues länderübergreifendes Gremium um {0}", "new cross-border body around {0}"),
    (re.compile(r"(\S+) joins"), "actor", "{0} tritt bei", "{0} joins"),
    (re.compile(r"(\d+) tie\(s\): (.+)"), "ties",
     "{0} Verflechtung(en): {1}", "{0} tie(s): {1}"),
    (re.compile(r"spanned without covering by (.+)"), "bodies",
     "überspannt, aber nicht abgedeckt von {0}", "spanned without covering by {0}"),
    (re.compile(r"same ties as rank (\d+)"), "rank",
     "dieselben Verflechtungen wie Rang {0} (Alternative)",
     "same ties as rank {0} (an alternative)"),
)  # fmt: skip


def action_note(
    note: str, units: dict[str, str], bodies: dict[str, str], actors: dict[str, str]
) -> str:
    """A recommendation's note with names for ids, in German and English.

    The note lists its parts separated by ``"; "`` (see
    :mod:`cityregions.governance.recommend`); a part that is none of the known phrases
    is shown as it is.
    """

    def tie(a: str, b: str) -> str:
        return f"{units.get(a, a)}–{units.get(b, b)}"

    german, english = [], []
    for part in note.split("; "):
        for pattern, what, de, en in _NOTE_PARTS:
            match = pattern.fullmatch(part)
            if match is None:
                continue
            if what == "tie":
                args = [tie(match[1], match[2])]
            elif what == "actor":
                args = [actors.get(match[1], match[1])]
            elif what == "ties":
                pairs = [p.split("–", 1) for p in match[2].split(", ")]
                args = [match[1], ", ".join(tie(*p) if len(p) == 2 else p[0] for p in pairs)]
            elif what == "bodies":
                args = [", ".join(bodies.get(b, b) for b in match[1].split(";"))]
            else:
                args = [match[1]]
            german.append(de.format(*args))
            english.append(en.format(*args))
            break
        else:
            german.append(part)
            english.append(part)
    return bilingual(escape("; ".join(german)), escape("; ".join(english)))


def evidence_html(analysis: GovernanceAnalysis) -> str:
    """All evidence blocks in reading order."""
    registry = analysis.registry
    return "".join(
        [
            study_area_block(analysis),
            significance_note(analysis),
            openness_table(analysis),
            timeline_block(analysis, registry),
            exit_block(analysis, registry),
            recommendations_block(analysis, registry),
            assumptions_block(analysis, registry),
        ]
    )


__all__ = [
    "EVIDENCE_PARTS",
    "action_note",
    "certainty_table",
    "evidence_html",
    "exit_sentence",
    "html_with",
    "reason_html",
    "timeline_svg",
    "unit_names",
]
