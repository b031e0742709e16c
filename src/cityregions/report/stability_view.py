"""Report section ``stability``: how stable the city regions are over a parameter sweep.

It lays out what the stability step computed (:mod:`cityregions.delineation.sweep`):
the headlines of the case ("Halle and Leipzig share a region in X % of runs"), key
figures of the sweep, the stability map (units shaded by the share of runs that agree
with their consensus region, the consensus regions' boundaries drawn), the table of
the least stable units and the runs.
"""

from __future__ import annotations

import logging
from html import escape
from typing import TYPE_CHECKING, Any

import pandas as pd

from cityregions.geometry import STABILITY_CLASSES, MapView, short_name, stability_colour
from cityregions.i18n import bilingual, tr
from cityregions.pipeline import views
from cityregions.report.maps import region_map
from cityregions.report.tables import html_table, key_figures
from cityregions.vocabulary import SETTINGS

if TYPE_CHECKING:
    from cityregions.pipeline.results import CaseResults

logger = logging.getLogger(__name__)

#: Rows of the table of the least stable units.
LEAST_STABLE = 12
#: Key figures shown as settings (collapsed), not as cards.
SWEEP_SETTINGS = SETTINGS | {"method", "resampling"}


def percent(share: float) -> str:
    """Return a share as a whole percentage: ``0.6833`` → ``68 %``.

    Examples
    --------
    >>> percent(0.6833), percent(1.0)
    ('68\\u202f%', '100\\u202f%')
    """
    return f"{round(100 * share):d}\u202f%"


def headlines(pairs: list[dict[str, Any]], runs: int) -> str:
    """Return one sentence per pair: "A und B liegen in X % der Läufe in einer Region"."""
    items = []
    for pair in pairs:
        a, b = escape(short_name(pair["name_a"])), escape(short_name(pair["name_b"]))
        share = percent(pair["share"])
        german = f"{a} und {b} liegen in {share} der {runs} Läufe in einer Region"
        english = f"{a} and {b} share a region in {share} of {runs} runs"
        items.append(f"<li>{bilingual(german, english)}</li>")
    return f'<ul class="headlines">{"".join(items)}</ul>' if items else ""


def stability_legend(layers: MapView) -> str:
    """Return the legend of the stability map: the classes and what the lines are."""
    bounds = [low for low, _ in STABILITY_CLASSES]
    items = []
    for i, (low, colour) in enumerate(STABILITY_CLASSES):
        if low == 1.0:
            text = bilingual("alle Läufe stimmen überein", "every run agrees")
        else:
            text = f"{percent(low)} – &lt;{percent(bounds[i - 1])}"
        items.append(f'<li><span class="swatch" style="background:{colour}"></span>{text}</li>')
    lines = (
        bilingual(
            "Farbe: Anteil der Läufe, die die Einheit in ihre Konsensregion legen; dicke "
            "Linien: Grenzen der Konsensregionen (Medoid-Lauf)",
            "Colour: share of runs that put the unit in its consensus region; thick lines: "
            "boundaries of the consensus regions (medoid run)",
        )
        if layers.geometry is not None
        else bilingual(
            "Kreise: Anteil der Läufe, die die Einheit in ihre Konsensregion legen; helle "
            "Flächen: schematische Hüllen der Konsensregionen (Medoid-Lauf)",
            "Circles: share of runs that put the unit in its consensus region; light "
            "areas: schematic hulls of the consensus regions (medoid run)",
        )
    )
    keys = " · ".join(
        f'<span class="key">{key}</span> {escape(layers.names.get(region, region))}'
        for region, key in layers.keys.items()
    )
    notes = f"<li>{lines}</li>" + (f"<li>{keys}</li>" if keys else "")
    return f'<ul class="legend">{"".join(items)}</ul><ul class="map-notes">{notes}</ul>'


def stability_body(results: CaseResults, layers: MapView) -> str | None:
    """Render the ``stability`` section: headlines, figures, map, least stable units, runs."""
    result = results.stability
    view = views.stability_map(results)
    if result is None or view is None:
        return None
    table = views.stability_table(results, view)
    parts = [headlines(views.stability_pairs(results), len(result.runs))]
    parts.append(key_figures(_figures(result.summary, result), settings=SWEEP_SETTINGS))
    fills = {str(u): stability_colour(float(v)) for u, v in table["stability"].items()}
    svg = region_map(view, label="stability map", show=(), unit_fills=fills)
    parts.append(
        f'<h3>{tr("stability_map")}</h3><figure class="pic">{svg}'
        f"<figcaption>{stability_legend(view)}</figcaption></figure>"
    )
    least = table.head(LEAST_STABLE).assign(stability=lambda t: t["stability"] * 100)
    least = least.rename(columns={"stability": "stability_pct"})
    parts.append(f"<h3>{tr('least_stable')}</h3>{html_table(least, max_rows=LEAST_STABLE)}")
    parts.append(
        f'<details class="table-details"><summary>{tr("runs")} '
        f'<span class="muted">({len(result.runs)})</span></summary>'
        f"{html_table(result.runs, max_rows=len(result.runs))}</details>"
    )
    return "".join(parts)


def _figures(summary: dict[str, Any], result: Any) -> dict[str, Any]:
    """Key figures of the sweep, with the method and the resampling as settings."""
    shown = {
        "runs": summary["runs"],
        "settings_count": summary["settings"],
        "resamples": result.bootstrap,
        "consensus_regions": summary["consensus_regions"],
        "mean_stability": summary["mean_stability"],
        "units_stable": summary["units_stable"],
        "units_below_half": summary["units_below_half"],
        "method": result.method,
        "resampling": result.resampling,
    }
    return {k: v for k, v in shown.items() if not (isinstance(v, float) and pd.isna(v))}
