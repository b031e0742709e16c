"""The report section of a further unit level of the case (e.g. its municipalities).

A case may hold a second level of units (``[levels.<unit_level>]`` in ``case.toml``;
:attr:`~cityregions.pipeline.results.CaseResults.levels`). Its section shows the level's
key figures, the map of its city regions on the units' real polygons with the
cooperation areas of the registry at that level, the quality of each delineation
method and the fit of each cooperation area — every figure computed from the level's
flows, whose provenance (e.g. *modeled*: downscaled from observed district flows) the
section's banner names.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING

import pandas as pd

from cityregions.geometry import short_name
from cityregions.i18n import bilingual, tr_message
from cityregions.pipeline import views
from cityregions.report.maps import legend, region_map
from cityregions.report.sections import figure, subsection
from cityregions.report.tables import html_table, key_figures

if TYPE_CHECKING:
    from cityregions.pipeline.results import CaseResults

#: German and English title of a level's section, by unit level.
LEVEL_TITLES: dict[str, tuple[str, str]] = {
    "municipality": ("Gemeinden: Stadtregionen und Kooperationen", "Municipalities: city regions "
                     "and cooperations"),
    "district": ("Kreise", "Districts"),
}  # fmt: skip


def level_title(unit_level: str) -> str:
    """The bilingual title of the section of ``unit_level``."""
    german, english = LEVEL_TITLES.get(unit_level, (unit_level, unit_level))
    return bilingual(german, english)


def level_body(level: CaseResults) -> str | None:
    """Render a level: key figures, the regions map, method quality and area fit."""
    if level.territory is None:
        return None
    parts = [key_figures(_figures(level))]
    layers = views.case_map(level, n_ties=0, n_gaps=10)
    if level.delineation is not None:
        svg = region_map(layers, label="municipal regions map", show=("areas",))
        parts.append(figure(svg, legend(layers, show=("areas",))))
        parts.append(subsection("quality", html_table(level.delineation.quality)))
    if level.governance is not None and level.governance.warnings:
        items = "".join(f"<li>{tr_message(w)}</li>" for w in level.governance.warnings)
        parts.append(f'<ul class="warnings">{items}</ul>')
    if level.governance is not None and not level.governance.fit_areas.empty:
        fit = _area_fit(level, layers.names)
        heading = bilingual(
            "Passung der Kooperationsräume auf dieser Ebene",
            "Fit of the cooperation areas at this level",
        )
        parts.append(subsection(heading, html_table(fit, max_rows=40)))
    return "".join(parts)


def attribution_html(results: CaseResults) -> str:
    """The attribution lines the case's sources require, for the foot of the report."""
    lines = results.case.attribution
    if not lines:
        return ""
    head = bilingual("Datenquellen", "Data sources")
    return f'<p class="attribution">{head}: {" · ".join(escape(line) for line in lines)}</p>'


def _figures(level: CaseResults) -> dict[str, object]:
    assert level.territory is not None
    figures: dict[str, object] = dict(level.territory.summary)
    if level.delineation is not None:
        figures.update(
            {k: v for k, v in level.delineation.summary.items() if k.startswith("regions_")}
        )
    return figures


def _area_fit(level: CaseResults, region_names: Mapping[str, str]) -> pd.DataFrame:
    """The fit table indexed by the bodies' names, best-matching regions by name.

    Neither the body ids (``rpg-ostthueringen``) nor the delineation's region ids (``639``,
    which the map and legend number 1, 2, …) are shown.
    """
    assert level.governance is not None
    fit = level.governance.fit_areas.copy()
    names = level.governance.areas.drop_duplicates("area").set_index("area")["name"]
    keep = [c for c in fit.columns if c in _FIT_COLUMNS and c != "name"]
    fit = fit[keep].sort_values("units", ascending=False, kind="stable")
    if "region" in fit.columns:
        fit["region"] = [
            short_name(region_names.get(str(r), str(r))) if pd.notna(r) else r
            for r in fit["region"]
        ]
    fit.index = pd.Index([str(names.get(i, i)) for i in fit.index], name="area")
    return fit


_FIT_COLUMNS = (
    "name",
    "units",
    "population",
    "self_containment_supply",
    "self_containment_demand",
    "internal_share",
    "region",
    "coverage",
    "precision",
    "jaccard",
)

__all__ = ["LEVEL_TITLES", "attribution_html", "level_body", "level_title"]
