"""Report section ``energy``: potential, balance per carrier, logistics, uncertainty.

It only lays out what the energy step computed (see :mod:`cityregions.energy.analysis`):
the sustainable potential by feedstock and how much of it plants in operation already
use, the balance per city region for each carrier (electricity, heat and biomethane are
never added), the feedstock flows of the logistics on the map, the cost-supply curve of
the focus region (the Dresden region in the bundled case), and the uncertainty of that
region's potential (tornado, Monte Carlo median and 5-95 % band).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from cityregions.geometry import MapView, short_name
from cityregions.i18n import LANGUAGES, bilingual, label, tr, tr_value, value_label
from cityregions.pipeline import views
from cityregions.report.energy_charts import cost_supply_svg, tornado_svg
from cityregions.report.maps import legend, region_map
from cityregions.report.svg import bar_chart, fmt_number
from cityregions.report.tables import html_table, key_figures, localised, natural_sorted
from cityregions.vocabulary import COEFFICIENTS_DE

if TYPE_CHECKING:
    from cityregions.energy.analysis import EnergyAnalysis
    from cityregions.pipeline.results import CaseResults

logger = logging.getLogger(__name__)

CARRIERS = ("electricity", "heat", "biomethane")
#: Parts drawn by this view (the rest goes to the generic tables).
RENDERED = {
    "summary",
    "balance_regions",
    "carrier_regions",
    "monte_carlo",
    "tornado",
    "cost_supply",
}


def _potential_by_feedstock(analysis: EnergyAnalysis) -> dict[str, float] | None:
    """Fuel potential per feedstock (GWh/a) at the chosen level, largest first."""
    table = analysis.potential
    if table.empty:
        return None
    level = analysis.settings.get("potential_level", "sustainable")
    table = table[(table["feedstock"] != "total") & (table["potential_level"] == level)]
    table = table[~table["feedstock"].isin(absent_feedstocks(table))]
    summed = table.groupby("feedstock")["fuel_mwh"].sum().sort_values(ascending=False)
    return {str(k): float(v) / 1000 for k, v in summed.items()}


def absent_feedstocks(potential: pd.DataFrame) -> list[str]:
    """Feedstocks whose input column the inputs lack in every unit (counted as zero).

    Their zero is not a finding (``flags`` ``<column>:absent``, e.g. horses); the chart
    leaves them out and a note names them.
    """
    if "flags" not in potential.columns or potential.empty:
        return []
    rows = potential[potential["feedstock"] != "total"]
    absent = rows["flags"].fillna("").astype(str).str.contains(":absent", regex=False)
    every = absent.groupby(rows["feedstock"], sort=False).all()
    return [str(f) for f, all_absent in every.items() if all_absent]


def feedstock_chart(potential: Mapping[str, float]) -> str:
    """Return the potential bar chart once per language (feedstocks by display name)."""
    charts = []
    for lang in LANGUAGES:
        named = {value_label(k, lang): v for k, v in potential.items()}
        svg = bar_chart(named, label=label("potential", lang), unit="GWh")
        charts.append(f'<figure class="pic t-{lang}">{svg}</figure>')
    return "".join(charts)


def _flow_links(analysis: EnergyAnalysis) -> pd.DataFrame | None:
    """Feedstock hauled between units as links ``a`` (origin), ``b`` (site's unit), tonnes."""
    flows = analysis.allocation_flows
    if flows.empty or "cross_unit" not in flows:
        return None
    moved = flows[flows["cross_unit"].astype(bool)]
    if moved.empty:
        return None
    links = moved.groupby(["origin", "site_unit"], sort=True)["tonnes"].sum().reset_index()
    links.columns = ["a", "b", "value"]
    return links.astype({"a": str, "b": str})


def unit_names(table: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Show the ``core`` column (a unit id per region) by the unit's short name."""
    if "core" not in table.columns:
        return table
    names = {str(u): short_name(str(n)) for u, n in units["name"].items()}
    shown = table.copy()
    shown["core"] = [names.get(str(c), c) if pd.notna(c) else c for c in shown["core"]]
    return shown


#: Columns of the balance per city region shown open (the full table is collapsed below).
OVERVIEW_COLUMNS = (
    "name",
    "carrier",
    "core",
    "inputs_population",
    "core_demand_mwh",
    "core_deficit_mwh",
    "ring_surplus_mwh",
    "ring_cover_share_of_deficit",
    "region_net_mwh",
)


def balance_overview(table: pd.DataFrame) -> pd.DataFrame:
    """Return the main columns of the balance per city region, energy in GWh (MWh / 1000)."""
    shown = table[[c for c in OVERVIEW_COLUMNS if c in table.columns]].copy()
    energy = [c for c in shown.columns if str(c).endswith("_mwh")]
    shown[energy] = shown[energy].astype(float) / 1000
    return shown.rename(columns={c: str(c)[: -len("_mwh")] + "_gwh" for c in energy})


def _carrier_charts(regions: pd.DataFrame, names: Mapping[str, str]) -> str:
    """One bar chart of the net balance per region for each carrier (GWh/a)."""
    parts = []
    for carrier in CARRIERS:
        block = regions[regions["carrier"] == carrier]
        if block.empty:
            continue
        heading = tr_value(carrier) or tr(carrier)
        supply = ["core_supply_mwh", "ring_supply_mwh"]
        if all(c in block.columns for c in supply) and not block[supply].abs().to_numpy().any():
            # no new supply of this carrier (e.g. biomethane when the biogas path is CHP):
            # a chart of zero bars would read as balanced regions
            note = bilingual(
                "Kein neues Angebot dieses Energieträgers (Biogaspfad und Eingaben des "
                "Falls); keine Bilanz gezeichnet.",
                "No new supply of this carrier (the case's biogas path and inputs); "
                "no balance drawn.",
            )
            parts.append(f'<h4>{heading}</h4><p class="note">{note}</p>')
            continue
        values = {
            short_name(names.get(str(r), str(r))): float(v) / 1000
            for r, v in zip(block["region"], block["region_net_mwh"], strict=True)
        }
        svg = bar_chart(
            values, label=f"{carrier} balance per region", unit="GWh", positive="#1a9850"
        )
        parts.append(f'<h4>{heading}</h4><figure class="pic">{svg}</figure>')
    return "".join(parts)


def _uncertainty(analysis: EnergyAnalysis, region: str) -> str:
    """The tornado and the Monte Carlo figures of the focus region."""
    table = analysis.tornado
    if table.empty:
        return ""
    descriptions = {}
    if "description" in analysis.coefficients:
        descriptions = {str(k): str(v) for k, v in analysis.coefficients["description"].items()}
    base = float(table.attrs.get("base_mwh", analysis.summary.get("focus_potential_gwh", 0) * 1000))
    named = {  # German names where the vocabulary has them, else the description
        "de": {**descriptions, **{k: v for k, v in COEFFICIENTS_DE.items() if k in descriptions}},
        "en": descriptions,
    }
    charts = "".join(
        f'<figure class="pic t-{lang}">{tornado_svg(table, base, named[lang], lang)}</figure>'
        for lang in LANGUAGES
    )
    mc = analysis.monte_carlo
    figures = {}
    if mc:
        figures = {
            "focus_potential_gwh": mc["base_mwh"] / 1000,
            "focus_potential_median_gwh": mc["median_mwh"] / 1000,
            "focus_potential_p05_gwh": mc["p05_mwh"] / 1000,
            "focus_potential_p95_gwh": mc["p95_mwh"] / 1000,
            "samples": mc["samples"],
            "distribution": mc["distribution"],
        }
    head = f"<h3>{tr('uncertainty')}: {region}</h3>"
    return head + (key_figures(figures) if figures else "") + charts


def _cost_supply(analysis: EnergyAnalysis, region: str) -> str:
    curve = analysis.cost_supply
    if curve.empty:
        return ""
    charts = "".join(
        f'<figure class="pic t-{lang}">{cost_supply_svg(curve, lang)}</figure>'
        for lang in LANGUAGES
    )
    total = localised(fmt_number(float(curve["fuel_gwh"].sum())))
    return f"<h3>{tr('cost_supply')}: {region} ({total} GWh)</h3>{charts}"


def energy_body(results: CaseResults, layers: MapView) -> str | None:
    """Render the ``energy`` section: potential, balance per carrier, flows, costs, ranges."""
    analysis = results.energy
    if analysis is None:
        return None
    from cityregions.report.sections import generic_body, with_region_names

    parts = [key_figures(dict(analysis.summary))]
    potential = _potential_by_feedstock(analysis)
    if potential:
        parts.append(f"<h3>{tr('potential')} (GWh)</h3>{feedstock_chart(potential)}")
        absent = absent_feedstocks(analysis.potential)
        if absent:
            german = ", ".join(value_label(f, "de") for f in absent)
            english = ", ".join(value_label(f, "en") for f in absent)
            note = bilingual(
                f"Nicht in den Eingangsdaten, als null gezählt (kein Befund): {german}.",
                f"Not in the inputs, counted as zero (not a finding): {english}.",
            )
            parts.append(f'<p class="note">{note}</p>')
    region = short_name(
        layers.names.get(
            str(analysis.summary.get("focus_region")), str(analysis.summary.get("focus_region"))
        )
    )
    parts.append(_uncertainty(analysis, region))
    regions = analysis.balance_regions
    if not regions.empty:
        charts = _carrier_charts(analysis.carrier_regions, layers.names)
        parts.append(f"<h3>{tr('balance')} (GWh)</h3>{charts}")
        table = with_region_names(unit_names(regions, layers.units), layers.names)
        # regions in number order (2 before 12); the population is the inputs' own
        table = natural_sorted(table).rename(columns={"population": "inputs_population"})
        parts.append(html_table(balance_overview(table), max_rows=60))
        parts.append(
            f'<details class="table-details"><summary>{tr("balance_regions")}: '
            f"{tr('all_columns')}</summary>{html_table(table, max_rows=160)}</details>"
        )
    balance = views.energy_region_balance(results)
    links = _flow_links(analysis)
    gwh = None if balance is None else {r: v / 1000 for r, v in balance.items()}
    if gwh is not None or links is not None:
        svg = region_map(layers, label="energy map", values=gwh, show=(), allocation=links)
        caption = legend(
            layers, values=gwh, show=(), allocation=links is not None, value_unit="GWh"
        )
        parts.append(
            f'<h3>{tr("feedstock_flows")}</h3><figure class="pic">{svg}'
            f"<figcaption>{caption}</figcaption></figure>"
        )
    parts.append(_cost_supply(analysis, region))
    found = results.parts("energy")
    parts.append(generic_body(found, skip=RENDERED, names=layers.names, units=layers.units))
    return "".join(parts)
