"""Assemble the self-contained HTML report from :class:`~cityregions.pipeline.results.CaseResults`.

The report is one HTML file: the stylesheet, the script (language switch and print
button) and every map and chart (inline SVG) are written into it, and it names no
external resource, so it opens offline and can be sent by e-mail.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from html import escape
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from cityregions.i18n import LABELS, LANGUAGES, bilingual, coefficient_pair, tr, tr_message
from cityregions.io._atomic import atomic_path
from cityregions.io._timestamp import build_date
from cityregions.pipeline import views
from cityregions.pipeline.views import strip_paths
from cityregions.report.level_view import attribution_html
from cityregions.report.sections import render_body
from cityregions.report.svg import titles_in
from cityregions.vocabulary import humanise

if TYPE_CHECKING:
    from cityregions.pipeline.results import CaseResults

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenderedSection:
    """One section of the report, ready for the template."""

    id: str
    title: str
    provenance: str
    body: str


def _asset(name: str) -> str:
    return (resources.files("cityregions.report") / "assets" / name).read_text(encoding="utf-8")


def _template() -> str:
    return (resources.files("cityregions.report") / "templates" / "report.html").read_text(
        encoding="utf-8"
    )


#: Display order of the provenance kinds (``assumption``: scenario rules, see below).
KIND_ORDER = {
    "modeled": 0,
    "completed": 1,
    "estimate": 2,
    "assumption": 3,
    "observed": 4,
    "fact": 5,
}

#: ``<scenario>: rules`` notes whose source is a scenario file: design assumptions.
SCENARIO_RULES = re.compile(r"^(?P<scenario>.+): rules$")
#: ``<scenario>: <field>`` notes (e.g. the population of each scenario's members).
SCENARIO_FIELD = re.compile(r"^(?P<scenario>[^:]+): (?P<field>[A-Za-z_]+)$")
#: ``coefficient <name>`` notes of the energy step (assumed coefficients).
COEFFICIENT = re.compile(r"^coefficient (?P<name>\S+)$")


def short_source(source: str) -> str:
    """Return a source without its trailing ``key=value`` settings (kept in the details).

    ``radiation model (Simini et al. 2012), mass=population, top_k=None`` becomes
    ``radiation model (Simini et al. 2012)``; brackets left open by the cut are closed; a
    bracket of settings (``share of 60 lma runs (min_size=25000; …)``) is left out.
    """
    head = re.split(r",\s*[A-Za-z_]\w*=", source, maxsplit=1)[0].strip()
    head = head + ")" * max(0, head.count("(") - head.count(")"))
    return re.sub(r"\s*\((?:[^()]*?\b[A-Za-z_]\w*=[^()]*)\)", "", head).strip()


def _coefficient(item: str) -> str:
    match = COEFFICIENT.match(item)
    return match.group("name") if match else ""


def _coefficient_name(name: str, description: str | None) -> str:
    """A coefficient in both languages: German by name, English by its whole description."""
    german, _ = coefficient_pair(name, description)
    return bilingual(german, description or humanise(name))


def _badge(kind: str) -> str:
    label = "assumptions_kind" if kind == "assumption" else kind
    return f'<span class="badge {escape(kind)}">{tr(label)}</span>'


def _collapsed_list(summary: str, items: list[str], *, html: bool = False) -> str:
    """Return ``summary`` with the ``items`` in a collapsed list after it.

    Items are escaped unless ``html`` (items in both languages). The list stays
    collapsed in print: the sources table below the banner lists every note anyway.
    """
    shown = "".join(f"<li>{i if html else escape(i)}</li>" for i in items)
    return (
        f'<details class="inline"><summary>{summary}</summary>'
        f'<ul class="compact">{shown}</ul></details>'
    )


def coefficient_descriptions(results: CaseResults) -> dict[str, str]:
    """Return ``{coefficient name: description}`` from the energy section's ``coefficients``."""
    if results.energy is None or "description" not in results.energy.coefficients:
        return {}
    table = results.energy.coefficients
    return {str(k): str(v) for k, v in table["description"].items() if isinstance(v, str) and v}


def _grouped_lines(
    rows: list[dict[str, str]], descriptions: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """Return the banner lines as ``(kind, html)``: grouped where notes repeat a pattern.

    Scenario rules (one note per scenario file) are design assumptions and become one
    line "Annahmen (Szenarien): n Szenariodateien" (files collapsed); per-scenario facts
    become one item per field ("Einwohner (8 Szenarien)"); assumed coefficients one line.
    Every other modeled or estimated input keeps a line of its own, with its source.
    """
    rules = [r for r in rows if SCENARIO_RULES.match(r["item"]) and "scenario" in r["source"]]
    coefficients = [r for r in rows if COEFFICIENT.match(r["item"]) and r not in rules]
    lines: list[tuple[str, str]] = []
    if rules:
        files = [r["source"].removeprefix("scenario file ").strip() for r in rules]
        summary = f"<strong>{tr('scenario_rules')}</strong>: {len(rules)} {tr('scenario_files')}"
        lines.append(("assumption", _collapsed_list(summary, files)))
    for kind in sorted({r["kind"] for r in coefficients}, key=lambda k: KIND_ORDER.get(k, 9)):
        names = [
            _coefficient_name(name, (descriptions or {}).get(name))
            for r in coefficients
            if r["kind"] == kind and (name := _coefficient(r["item"]))
        ]
        summary = f"<strong>{tr('coefficients')}</strong>: {len(names)}"
        lines.append((kind, _collapsed_list(summary, names, html=True)))
    rest = [r for r in rows if r not in rules and r not in coefficients]
    for kind in sorted({r["kind"] for r in rest}, key=lambda k: KIND_ORDER.get(k, 9)):
        of_kind = [r for r in rest if r["kind"] == kind]
        if kind in ("modeled", "completed", "estimate"):
            lines += [
                (
                    kind,
                    f"<strong>{tr(r['item'])}</strong> — {tr_message(short_source(r['source']))}",
                )
                for r in of_kind
            ]
            continue
        fields: dict[str, int] = {}
        for r in of_kind:
            match = SCENARIO_FIELD.match(r["item"])
            key = match.group("field") if match else r["item"]
            fields[key] = fields.get(key, 0) + (1 if match else 0)
        items = [
            tr(k) + (f" ({n} {tr('n_scenarios')})" if n > 1 else "") for k, n in fields.items()
        ]
        lines.append((kind, ", ".join(items)))
    return sorted(lines, key=lambda line: KIND_ORDER.get(line[0], 9))


def provenance_banner(results: CaseResults, name: str) -> str:
    """Return the provenance banner of section ``name``: observed vs modeled inputs.

    Modeled and estimated inputs are listed one by one with their source (without the
    model's settings, which are in the sources table); observed inputs and facts are
    summarised in one line per kind; notes that repeat per scenario or coefficient are
    grouped (:func:`_grouped_lines`). The sources table below lists every note as
    recorded. Local folder paths are shown by their last part only.
    """
    rows = [{**r, "source": strip_paths(r["source"])} for r in views.provenance_rows(results, name)]
    if not rows:
        return ""
    rows = sorted(rows, key=lambda r: (KIND_ORDER.get(r["kind"], 9), r["item"]))
    grouped = _grouped_lines(rows, coefficient_descriptions(results))
    lines = "".join(f"<li>{_badge(kind)}{html}</li>" for kind, html in grouped)
    table = "".join(
        f"<tr><td>{escape(r['item'])}</td><td>{tr(r['kind'])}</td><td>{escape(r['source'])}</td></tr>"
        for r in rows
    )
    details = (
        f'<details data-print="open"><summary>{tr("source")}</summary>'
        '<div class="table-wrap"><table class="data"><thead><tr>'
        f"<th>{tr('item')}</th><th>{tr('kind')}</th><th>{tr('source')}</th></tr></thead>"
        f"<tbody>{table}</tbody></table></div></details>"
    )
    modeled = any(kind in ("modeled", "completed") for kind, _ in grouped)
    css = "provenance has-modeled" if modeled else "provenance"
    return (
        f'<aside class="{css}"><strong>{tr("provenance")}</strong><ul>{lines}</ul>{details}</aside>'
    )


def section_names(results: CaseResults) -> list[str]:
    """Return the sections present in ``results``, in report order."""
    return results.sections()


def build_report(results: CaseResults, *, lang: str | None = None) -> str:
    """Return the HTML of the report of ``results``.

    Parameters
    ----------
    results
        Output of :func:`cityregions.pipeline.steps.run_case`.
    lang
        ``de`` or ``en``; default: the case's language. Both languages are always in the
        file; this only chooses the one shown first.

    Returns
    -------
    str
        A complete, self-contained HTML document, dated today (or the day of
        ``SOURCE_DATE_EPOCH`` when that environment variable is set).
    """
    import jinja2

    from cityregions import __version__

    lang = lang or results.case.language
    if lang not in LANGUAGES:
        lang = "en"
    layers = views.case_map(results)
    sections = []
    for name in section_names(results):
        body = render_body(name, results, layers)
        if body is None or not body.strip():  # no heading over an empty section
            continue
        sections.append(
            RenderedSection(
                id=f"section-{name}",
                title=tr(name),
                provenance=provenance_banner(results, name),
                body=body,
            )
        )
    sections += _level_sections(results)
    environment = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined)
    template = environment.from_string(_template())
    html = template.render(
        lang=lang,
        version=__version__,
        case_name=escape(results.case.name),
        title_plain=escape(LABELS["report_title"][0 if lang == "de" else 1]),
        labels={key: tr(key) for key in LABELS},
        generated=build_date().isoformat(),  # SOURCE_DATE_EPOCH when set
        sections=sections,
        attribution=attribution_html(results),
        css=_asset("report.css"),
        js=_asset("report.js"),
    )
    return titles_in(html, lang)  # tooltips in the language the report opens in


def _level_sections(results: CaseResults) -> list[RenderedSection]:
    """One section per further unit level of the case (e.g. its municipalities)."""
    from cityregions.report.level_view import level_body, level_title

    sections = []
    for name, level in results.levels.items():
        body = level_body(level)
        if body:
            provenance = provenance_banner(level, "territory") + provenance_banner(
                level, "delineation"
            )
            sections.append(
                RenderedSection(
                    id=f"section-level-{name}",
                    title=level_title(name),
                    provenance=provenance,
                    body=body,
                )
            )
    return sections


def write_report(results: CaseResults, path: str | Path, *, lang: str | None = None) -> Path:
    """Write the report of ``results`` to ``path`` atomically and return the path."""
    html = build_report(results, lang=lang)
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_text(html, encoding="utf-8")
    logger.info("report written to %s (%.0f kB)", target, target.stat().st_size / 1024)
    return target
