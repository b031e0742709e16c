"""Assemble the self-contained HTML report from :class:`~cityregions.workflow.CaseResults`.

The report is one HTML file: the stylesheet, the script (language switch and print
button) and every map and chart (inline SVG) are written into it, and it names no
external resource, so it opens offline and can be sent by e-mail.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from html import escape
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from cityregions.io._atomic import atomic_path
from cityregions.report import data
from cityregions.report.i18n import LABELS, LANGUAGES, tr
from cityregions.report.maps import map_layers
from cityregions.report.sections import render_body

if TYPE_CHECKING:
    from cityregions.workflow import CaseResults

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


def provenance_banner(results: CaseResults, name: str) -> str:
    """Return the provenance banner of section ``name``: observed vs modeled inputs.

    Modeled and estimated inputs are listed one by one with their source; observed inputs
    and facts are summarised in one line per kind, with the sources in a details table.
    """
    rows = data.provenance_rows(results, name)
    if not rows:
        return ""
    order = {"modeled": 0, "estimate": 1, "observed": 2, "fact": 3}
    rows = sorted(rows, key=lambda r: (order.get(r["kind"], 9), r["item"]))
    lines = []
    for kind in sorted({r["kind"] for r in rows}, key=lambda k: order.get(k, 9)):
        of_kind = [r for r in rows if r["kind"] == kind]
        badge = f'<span class="badge {escape(kind)}">{tr(kind)}</span>'
        if kind in ("modeled", "estimate"):
            lines += [
                f"<li>{badge}<strong>{escape(r['item'])}</strong> — {escape(r['source'])}</li>"
                for r in of_kind
            ]
        else:
            items = ", ".join(escape(r["item"]) for r in of_kind)
            lines.append(f"<li>{badge}{items}</li>")
    table = "".join(
        f"<tr><td>{escape(r['item'])}</td><td>{tr(r['kind'])}</td><td>{escape(r['source'])}</td></tr>"
        for r in rows
    )
    details = (
        f'<details data-print="open"><summary>{tr("source")}</summary>'
        '<table class="data"><thead><tr>'
        f"<th>{tr('item')}</th><th>{tr('kind')}</th><th>{tr('source')}</th></tr></thead>"
        f"<tbody>{table}</tbody></table></details>"
    )
    css = "provenance has-modeled" if any(r["kind"] == "modeled" for r in rows) else "provenance"
    return (
        f'<aside class="{css}"><strong>{tr("provenance")}</strong>'
        f"<ul>{''.join(lines)}</ul>{details}</aside>"
    )


def section_names(results: CaseResults) -> list[str]:
    """Return the sections present in ``results``, in report order."""
    known = [name for name in data.SECTION_ORDER if name in results.sections]
    return known + sorted(name for name in results.sections if name not in known)


def build_report(results: CaseResults, *, lang: str | None = None) -> str:
    """Return the HTML of the report of ``results``.

    Parameters
    ----------
    results
        Output of :func:`cityregions.workflow.run_case`.
    lang
        ``de`` or ``en``; default: the case's language. Both languages are always in the
        file; this only chooses the one shown first.

    Returns
    -------
    str
        A complete, self-contained HTML document.
    """
    import jinja2

    from cityregions import __version__

    lang = lang or results.case.language
    if lang not in LANGUAGES:
        lang = "en"
    layers = map_layers(results)
    sections = []
    for name in section_names(results):
        body = render_body(name, results, layers)
        if body is None:
            continue
        sections.append(
            RenderedSection(
                id=f"section-{name}",
                title=tr(name),
                provenance=provenance_banner(results, name),
                body=body,
            )
        )
    environment = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined)
    template = environment.from_string(_template())
    return template.render(
        lang=lang,
        version=__version__,
        case_name=escape(results.case.name),
        title_plain=escape(LABELS["report_title"][0 if lang == "de" else 1]),
        labels={key: tr(key) for key in LABELS},
        generated=dt.date.today().isoformat(),
        sections=sections,
        css=_asset("report.css"),
        js=_asset("report.js"),
    )


def write_report(results: CaseResults, path: str | Path, *, lang: str | None = None) -> Path:
    """Write the report of ``results`` to ``path`` atomically and return the path."""
    html = build_report(results, lang=lang)
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_text(html, encoding="utf-8")
    logger.info("report written to %s (%.0f kB)", target, target.stat().st_size / 1024)
    return target
