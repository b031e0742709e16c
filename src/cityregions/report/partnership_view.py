"""Report sections ``partnership`` and ``energy``: scenario tables, bar charts, balance map.

Both only lay out what their pipeline steps computed: the scenario tables (weights,
seats, voting power per member and per inhabitant, fees) and the bioenergy potential,
balance and allocation tables.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING, Any

import pandas as pd

from cityregions.report import data
from cityregions.report.i18n import tr
from cityregions.report.maps import MapLayers, legend, region_map
from cityregions.report.svg import bar_chart
from cityregions.report.tables import html_table, key_figures

if TYPE_CHECKING:
    from cityregions.workflow import CaseResults

logger = logging.getLogger(__name__)

#: Column-name fragments of the columns drawn as bar charts, in chart order.
CHART_COLUMNS = ("banzhaf", "shapley", "power", "seats", "weight", "fee")


def scenario_tables(found: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Return ``{scenario: member table}`` from the partnership section.

    Accepts ``scenarios`` as a dict of DataFrames (or of dicts holding a ``members`` /
    first DataFrame) or one DataFrame with a ``scenario`` column.
    """
    scenarios = found.get("scenarios")
    out: dict[str, pd.DataFrame] = {}
    if isinstance(scenarios, pd.DataFrame) and "scenario" in scenarios.columns:
        for name, group in scenarios.groupby("scenario", sort=False):
            out[str(name)] = group.drop(columns="scenario")
    elif isinstance(scenarios, Mapping):
        for name, value in scenarios.items():
            if isinstance(value, pd.DataFrame):
                out[str(name)] = value
            elif isinstance(value, Mapping):
                frames = [v for v in value.values() if isinstance(v, pd.DataFrame)]
                member = value.get("members")
                if isinstance(member, pd.DataFrame):
                    out[str(name)] = member
                elif frames:
                    out[str(name)] = frames[0]
    return out


def chart_columns(table: pd.DataFrame) -> list[str]:
    """Return the numeric columns worth a bar chart (power, seats, weights, fees)."""
    numeric = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
    chosen = []
    for fragment in CHART_COLUMNS:
        chosen += [c for c in numeric if fragment in str(c).lower() and c not in chosen]
    return chosen[:4]


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
        svg = bar_chart(values, label=str(column), width=460)
        out.append(
            f'<figure class="pic"><figcaption>{escape(str(column))}</figcaption>{svg}</figure>'
        )
    return f'<div class="charts">{"".join(out)}</div>' if out else ""


def partnership_body(results: CaseResults, layers: MapLayers) -> str | None:
    """Render the ``partnership`` section: one table and bar charts per scenario."""
    found = data.section(results, "partnership")
    if found is None:
        return None
    from cityregions.report.sections import generic_body

    parts = [key_figures(dict(found.get("summary", {})))]
    for name, table in scenario_tables(found).items():
        parts.append(f"<h3>{tr('scenario')}: {escape(name)}</h3>")
        parts.append(html_table(table, max_rows=60))
        parts.append(charts(table))
    parts.append(generic_body(found, skip={"scenarios", "summary"}))
    return "".join(parts)


def _potential_by_feedstock(found: Mapping[str, Any]) -> dict[str, float] | None:
    for value in found.values():
        if isinstance(value, pd.DataFrame) and {"feedstock", "fuel_mwh"} <= set(value.columns):
            table = value[value["feedstock"] != "total"]
            if "level" in table.columns and (table["level"] == "sustainable").any():
                table = table[table["level"] == "sustainable"]
            summed = table.groupby("feedstock")["fuel_mwh"].sum().sort_values(ascending=False)
            return {str(k): float(v) / 1000 for k, v in summed.items()}
    return None


def _allocation_links(found: Mapping[str, Any]) -> pd.DataFrame | None:
    for value in found.values():
        flows = getattr(value, "flows", value)
        if isinstance(flows, pd.DataFrame) and {"supplier", "sink", "mwh"} <= set(flows.columns):
            links = flows.rename(columns={"supplier": "a", "sink": "b", "mwh": "value"})
            return links[["a", "b", "value"]].astype({"a": str, "b": str})
    return None


def energy_body(results: CaseResults, layers: MapLayers) -> str | None:
    """Render the ``energy`` section: potential by feedstock, balance per region, map."""
    found = data.section(results, "energy")
    if found is None:
        return None
    from cityregions.report.sections import generic_body

    parts = [key_figures(dict(found.get("summary", {})))]
    potential = _potential_by_feedstock(found)
    if potential:
        svg = bar_chart(potential, label="potential by feedstock", unit="GWh")
        parts.append(f'<h3>{tr("potential")} (GWh)</h3><figure class="pic">{svg}</figure>')
    balance = data.energy_region_balance(results)
    links = _allocation_links(found)
    if balance is not None:
        names = {layers.names.get(r, r): v / 1000 for r, v in balance.items()}
        svg = bar_chart(names, label="balance per region", unit="GWh")
        parts.append(f'<h3>{tr("balance")} (GWh)</h3><figure class="pic">{svg}</figure>')
    if balance is not None or links is not None:
        svg = region_map(layers, label="energy map", values=balance, show=(), allocation=links)
        caption = legend(layers, values=balance)
        parts.append(f"<h3>{tr('allocation')}</h3><figure class=\"pic\">{svg}"
                     f"<figcaption>{caption}</figcaption></figure>")  # fmt: skip
    skip = {"summary"}
    parts.append(generic_body(found, skip=skip))
    return "".join(parts)
