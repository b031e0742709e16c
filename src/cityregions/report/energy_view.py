"""Report section ``energy``: potential by feedstock, balance per city region, allocation map.

It only lays out what the energy step computed (see the step's docstring in
:mod:`cityregions.energy.analysis`): the potential (sustainable level) summed by
feedstock, the net balance per city region (supply − demand) and the allocation of
rural surpluses to urban deficits drawn on the map.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from cityregions.geometry import MapView, short_name
from cityregions.i18n import LANGUAGES, label, tr, value_label
from cityregions.pipeline import views
from cityregions.report.maps import legend, region_map
from cityregions.report.svg import bar_chart
from cityregions.report.tables import html_table, key_figures, natural_sorted

if TYPE_CHECKING:
    from cityregions.energy.analysis import EnergyAnalysis
    from cityregions.pipeline.results import CaseResults

logger = logging.getLogger(__name__)


def _potential_by_feedstock(analysis: EnergyAnalysis) -> dict[str, float] | None:
    """Fuel potential per feedstock (GWh/a) at the sustainable level, largest first."""
    table = analysis.potential
    if table.empty:
        return None
    table = table[table["feedstock"] != "total"]
    if (table["potential_level"] == "sustainable").any():
        table = table[table["potential_level"] == "sustainable"]
    summed = table.groupby("feedstock")["fuel_mwh"].sum().sort_values(ascending=False)
    return {str(k): float(v) / 1000 for k, v in summed.items()}


def _allocation_links(analysis: EnergyAnalysis) -> pd.DataFrame | None:
    """The allocation as links ``a`` (supplier), ``b`` (sink), ``value`` (MWh)."""
    flows = analysis.allocation_flows
    if not {"supplier", "sink", "mwh"} <= set(flows.columns):
        return None
    links = flows.rename(columns={"supplier": "a", "sink": "b", "mwh": "value"})
    return links[["a", "b", "value"]].astype({"a": str, "b": str})


def feedstock_chart(potential: Mapping[str, float]) -> str:
    """Return the potential bar chart once per language (feedstocks by display name)."""
    charts = []
    for lang in LANGUAGES:
        named = {value_label(k, lang): v for k, v in potential.items()}
        svg = bar_chart(named, label=label("potential", lang), unit="GWh")
        charts.append(f'<figure class="pic t-{lang}">{svg}</figure>')
    return "".join(charts)


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
    "name", "core", "inputs_population", "core_demand_mwh", "core_deficit_mwh", "ring_surplus_mwh",
    "ring_cover_share_of_deficit", "region_net_mwh",
)  # fmt: skip


def balance_overview(table: pd.DataFrame) -> pd.DataFrame:
    """Return the main columns of the balance per city region, energy in GWh (MWh / 1000)."""
    shown = table[[c for c in OVERVIEW_COLUMNS if c in table.columns]].copy()
    energy = [c for c in shown.columns if str(c).endswith("_mwh")]
    shown[energy] = shown[energy].astype(float) / 1000
    return shown.rename(columns={c: str(c)[: -len("_mwh")] + "_gwh" for c in energy})


def energy_body(results: CaseResults, layers: MapView) -> str | None:
    """Render the ``energy`` section: potential by feedstock, balance per region, map."""
    analysis = results.energy
    if analysis is None:
        return None
    from cityregions.report.sections import generic_body, with_region_names

    parts = [key_figures(dict(analysis.summary))]
    potential = _potential_by_feedstock(analysis)
    if potential:
        parts.append(f"<h3>{tr('potential')} (GWh)</h3>{feedstock_chart(potential)}")
    balance = views.energy_region_balance(results)
    links = _allocation_links(analysis)
    gwh = None if balance is None else {r: v / 1000 for r, v in balance.items()}
    if gwh is not None:
        names = {short_name(layers.names.get(r, r)): v for r, v in gwh.items()}
        svg = bar_chart(names, label="balance per region", unit="GWh", positive="#1a9850")
        parts.append(f'<h3>{tr("balance")} (GWh)</h3><figure class="pic">{svg}</figure>')
        regions = analysis.balance_regions
        if not regions.empty:
            table = with_region_names(unit_names(regions, layers.units), layers.names)
            # regions in number order (2 before 12); the population is the inputs' own
            table = natural_sorted(table).rename(columns={"population": "inputs_population"})
            parts.append(html_table(balance_overview(table), max_rows=60))
            parts.append(
                f'<details class="table-details"><summary>{tr("balance_regions")}: '
                f"{tr('all_columns')}</summary>{html_table(table, max_rows=60)}</details>"
            )
    if gwh is not None or links is not None:
        svg = region_map(layers, label="energy map", values=gwh, show=(), allocation=links)
        caption = legend(
            layers, values=gwh, show=(), allocation=links is not None, value_unit="GWh"
        )
        parts.append(f"<h3>{tr('allocation')}</h3><figure class=\"pic\">{svg}"
                     f"<figcaption>{caption}</figcaption></figure>")  # fmt: skip
    skip = {"summary", "balance_regions"}
    found = results.parts("energy")
    parts.append(generic_body(found, skip=skip, names=layers.names, units=layers.units))
    return "".join(parts)
