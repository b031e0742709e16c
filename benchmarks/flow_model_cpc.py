"""Fit of the flow models to the observed German district flows of 2016 (CPC table).

Compares the radiation and gravity models of :mod:`cityregions.flowmodels` with the
Bundesagentur für Arbeit district flows (June 2016) in
``../shared/data/de-ba-pendler-kreise-2016/`` for the 50 Mitteldeutschland districts
(states 14, 15, 16) and for all 401 districts of Germany, over a small parameter grid.

Usage (prints a Markdown table; ``docs/flow-models.md`` holds its output)::

    python benchmarks/flow_model_cpc.py [--shared-data ../shared/data] [--quick]

Measures (all "common part" = 2 Σ min(obs, mod) / (Σ obs + Σ mod)):

- ``pairs``: CPC of the between-district flows on the pairs that the observed file holds
  (each district's ten largest outgoing and incoming links, 83 % of all commuters);
  the modeled flows on other pairs are left out, because their observed value is unknown.
- ``all``: CPC on all pairs (the observed matrix counts 0 where truncated: a lower bound).
- ``out``, ``in``, ``internal``: common part of the complete totals per district in
  ``units.csv``: out-commuters, in-commuters and people working in their district of
  residence (``employees_svb − out_commuters_total``).

Masses: population 31.12.2018 (Destatis via npm ``landkreise-deutschland`` 3.0.0; for
Germany from ``benchmarks/data/de_districts_destatis_2018.csv``, for Mitteldeutschland
from the bundled case). Points: the bundled case's seat towns for Mitteldeutschland and
the interior points of ``units.csv`` for Germany. The Mitteldeutschland models see only
the 50 districts, exactly as the bundled case does, so all modeled commuters stay inside
the region while at least 9 % of its observed out-commuters work in other states.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cityregions.flowmodels import (
    DEFAULT_SHARE_COMMUTING,
    DEFAULT_SHARE_EMPLOYED,
    common_part,
    common_part_of_commuters,
    estimate_flows,
)
from cityregions.flows import FlowTable
from cityregions.pipeline.case import bundled_case_path
from cityregions.territory import Territory

REPO = Path(__file__).resolve().parents[1]
MD_STATES = ("14", "15", "16")


@dataclass(frozen=True)
class Area:
    """A territory, its observed flows (diagonal included) and observed totals."""

    name: str
    territory: Territory
    observed: FlowTable
    totals: pd.DataFrame  # index unit: employees_svb, out_commuters_total, in_commuters_total


def load_areas(shared_data: Path) -> list[Area]:
    """Return the Mitteldeutschland and Germany comparison areas."""
    folder = shared_data / "de-ba-pendler-kreise-2016"
    units = pd.read_csv(folder / "units.csv", dtype={"ags": str, "state": str})
    units = units.set_index("ags").rename_axis("unit")
    flows = pd.read_csv(folder / "flows.csv", dtype={"origin": str, "destination": str})
    population = pd.read_csv(
        REPO / "benchmarks" / "data" / "de_districts_destatis_2018.csv", dtype={"unit": str}
    ).set_index("unit")["population"]
    germany = Territory.from_frame(
        units[["name", "state", "lon", "lat"]].assign(population=population),
        name="Germany",
    )
    seats = pd.read_csv(bundled_case_path() / "districts.csv", dtype={"unit": str})
    md = Territory.from_frame(seats, name="Mitteldeutschland")
    observed = _observed(flows, units)
    md_ids = md.ids
    return [
        Area("Mitteldeutschland", md, observed.subset(md_ids), units.loc[md_ids]),
        Area("Germany", germany, observed, units),
    ]


def _observed(flows: pd.DataFrame, units: pd.DataFrame) -> FlowTable:
    internal = pd.DataFrame({
        "origin": units.index, "destination": units.index,
        "commuters": units["employees_svb"] - units["out_commuters_total"],
    })  # fmt: skip
    long = pd.concat([flows[["origin", "destination", "commuters"]], internal])
    return FlowTable.from_long(
        long, value="commuters", ids=list(units.index), source="BA Pendlerstatistik 2016"
    )


def evaluate(area: Area, model: str, **options: Any) -> dict[str, float]:
    """Return the CPC measures of one model configuration on one area."""
    modeled = estimate_flows(area.territory, model=model, **options)  # type: ignore[arg-type]
    ids = area.observed.ids
    modeled = modeled.subset(ids)
    off = modeled.matrix.copy()
    off.setdiag(0)
    out_mod = pd.Series(off.sum(axis=1), index=list(ids))
    in_mod = pd.Series(off.sum(axis=0), index=list(ids))
    totals = area.totals
    internal_obs = totals["employees_svb"] - totals["out_commuters_total"]
    return {
        "pairs": common_part_of_commuters(area.observed, modeled, pairs="observed"),
        "all": common_part_of_commuters(area.observed, modeled),
        "out": common_part(totals["out_commuters_total"], out_mod),
        "in": common_part(totals["in_commuters_total"], in_mod),
        "internal": common_part(internal_obs, modeled.internal()),
    }


def configurations(quick: bool) -> list[tuple[str, str, dict[str, Any]]]:
    """Return (model, label, options) for the grid."""
    employed = (0.38,) if quick else (0.34, 0.38, 0.42)
    commuting = (0.30, 0.39) if quick else (0.25, 0.30, 0.35, 0.39, 0.45)
    configs: list[tuple[str, str, dict[str, Any]]] = []
    for se, sc in itertools.product(employed, commuting):
        shares = {"share_employed": se, "share_commuting": sc}
        for finite in (True, False):
            configs.append(
                ("radiation", f"finite_size={finite}", {**shares, "finite_size": finite})
            )
        for beta in (1.0, 2.0, 3.0) if quick else (1.0, 1.5, 2.0, 2.5, 3.0, 3.5):
            configs.append(("gravity", f"power β={beta:g}", {**shares, "beta": beta}))
        if not quick:
            for beta in (0.02, 0.05, 0.1):
                label = f"exponential β={beta:g}/km"
                configs.append(
                    ("gravity", label, {**shares, "deterrence": "exponential", "beta": beta})
                )
    return configs


def observed_totals_rows(area: Area) -> list[dict[str, Any]]:
    """Rows for the models fed with the observed totals (distribution part only)."""
    totals = area.totals
    given = {"residents": totals["employees_svb"], "out_commuters": totals["out_commuters_total"]}
    rows = []
    for model, label, options in (
        ("radiation", "finite_size=True", {"finite_size": True}),
        ("gravity", "power β=2.5", {"beta": 2.5}),
    ):
        rows.append({
            "area": area.name, "model": model, "parameters": label,
            "share_employed": "observed", "share_commuting": "observed",
            **evaluate(area, model, **given, **options),
        })  # fmt: skip
    return rows


def run(shared_data: Path, *, quick: bool = False) -> pd.DataFrame:
    """Compute the whole table."""
    rows = []
    for area in load_areas(shared_data):
        for model, label, options in configurations(quick):
            rows.append({
                "area": area.name, "model": model, "parameters": label,
                "share_employed": options["share_employed"],
                "share_commuting": options["share_commuting"],
                **evaluate(area, model, **options),
            })  # fmt: skip
        rows.extend(observed_totals_rows(area))
    return pd.DataFrame(rows)


def summary(table: pd.DataFrame) -> str:
    """Return the three tables of docs/flow-models.md as Markdown."""
    shares = table[(table["model"] == "radiation") & (table["parameters"] == "finite_size=True")]
    shares = shares[shares["share_employed"] != "observed"]
    wide = shares.pivot_table(
        index=["share_employed", "share_commuting"],
        columns="area",
        values=["pairs", "out", "internal"],
    )
    wide.columns = [f"{measure} {area}" for measure, area in wide.columns]
    at_default = table[
        (table["share_employed"] == DEFAULT_SHARE_EMPLOYED)
        & (table["share_commuting"] == DEFAULT_SHARE_COMMUTING)
    ]
    observed = table[table["share_employed"] == "observed"]
    columns = ["area", "model", "parameters", "pairs", "all", "out", "in", "internal"]
    return "\n\n".join([
        "Radiation model (finite size) by share employed and share commuting:",
        markdown(wide.reset_index()),
        f"All models at share_employed={DEFAULT_SHARE_EMPLOYED}, "
        f"share_commuting={DEFAULT_SHARE_COMMUTING}:",
        markdown(at_default[columns]),
        "Models fed with the observed totals (residents, out-commuters) per district:",
        markdown(observed[columns]),
    ])  # fmt: skip


def markdown(table: pd.DataFrame) -> str:
    """Return ``table`` as a Markdown table with floats to three decimals."""

    def cell(value: Any) -> str:
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += [
        "| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)
    ]
    return "\n".join(lines)


def main() -> None:
    """Print the CPC table as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--quick", action="store_true", help="a smaller grid")
    parser.add_argument("--full", action="store_true", help="print every row of the grid")
    args = parser.parse_args()
    started = time.perf_counter()
    table = run(args.shared_data, quick=args.quick)
    print(markdown(table) if args.full else summary(table))
    print(f"\n{len(table)} rows in {time.perf_counter() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
