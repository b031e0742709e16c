"""CSV tables of an :class:`~cityregions.energy.analysis.EnergyAnalysis`, all or nothing.

:func:`write_energy` is used by the pipeline's energy step and by ``cityregions energy``,
so each file is written by one function only.

========================== ===============================================================
file                       content
========================== ===============================================================
potential.csv              unit × feedstock × potential level (mass, fuel, outputs, used)
potential_wide.csv         unit × feedstock fuel at the chosen potential level
current_use.csv            plants in operation per unit and technology
demand.csv                 demand per unit and carrier
supply.csv                 supply for new uses and current supply per unit and carrier
balance_units.csv          balance per unit (headline carrier)
balance_regions.csv        balance per city region (headline carrier)
carrier_units.csv          balance per unit and carrier (electricity, heat, biomethane)
carrier_regions.csv        balance per city region and carrier
allocation_flows.csv       tonnes per feedstock, origin unit and conversion site
allocation_sites.csv       conversion sites: energy per carrier, cost per MWh, CO₂
allocation_unallocated.csv feedstock left where it is, with the reason
cost_supply.csv            cost-supply curve of the focus region
tornado.csv                one-at-a-time sensitivity of the focus region's potential
monte_carlo.csv            Monte Carlo draws of the focus region's potential
summary.csv                headline figures, logistics totals and Monte Carlo statistics
coefficients.csv           the coefficients used, with units, ranges and sources
actor_network.csv          centralities of the bioenergy actors (when computed)
========================== ===============================================================
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cityregions.io._atomic import atomic_paths

if TYPE_CHECKING:
    import pandas as pd

    from cityregions.energy.analysis import EnergyAnalysis

logger = logging.getLogger(__name__)


def energy_tables(analysis: EnergyAnalysis) -> dict[str, tuple[pd.DataFrame, bool]]:
    """Return ``{file name: (table, write the index)}`` of ``analysis``."""
    import pandas as pd

    tables: dict[str, tuple[pd.DataFrame, bool]] = {
        "potential.csv": (analysis.potential, False),
        "potential_wide.csv": (analysis.potential_wide.rename_axis("unit"), True),
        "current_use.csv": (analysis.current_use, False),
        "demand.csv": (analysis.demand.rename_axis("unit"), True),
        "supply.csv": (analysis.supply.rename_axis("unit"), True),
        "balance_units.csv": (analysis.balance_units.rename_axis("unit"), True),
        "balance_regions.csv": (analysis.balance_regions.rename_axis("region"), True),
        "carrier_units.csv": (analysis.carrier_units, False),
        "carrier_regions.csv": (analysis.carrier_regions, False),
        "allocation_flows.csv": (analysis.allocation_flows, False),
        "allocation_sites.csv": (analysis.allocation_sites, False),
        "allocation_unallocated.csv": (analysis.allocation_unallocated, False),
        "cost_supply.csv": (analysis.cost_supply, False),
        "tornado.csv": (analysis.tornado.rename_axis("coefficient"), True),
        "summary.csv": (_summary_table(analysis), False),
        "coefficients.csv": (analysis.coefficients.rename_axis("name"), True),
    }
    draws = analysis.monte_carlo.get("draws_mwh")
    if draws is not None:
        tables["monte_carlo.csv"] = (
            pd.DataFrame({"draw": range(1, len(draws) + 1), "potential_mwh": draws}),
            False,
        )
    if analysis.actor_network is not None:
        tables["actor_network.csv"] = (analysis.actor_network, True)
    return tables


def _summary_table(analysis: EnergyAnalysis) -> pd.DataFrame:
    import pandas as pd

    rows: list[tuple[str, str, Any]] = []
    for part, figures in (
        ("energy", analysis.summary),
        ("allocation", analysis.allocation_summary),
        ("monte_carlo", {k: v for k, v in analysis.monte_carlo.items() if k != "draws_mwh"}),
    ):
        rows += [(part, str(key), value) for key, value in figures.items()]
    return pd.DataFrame(rows, columns=["part", "key", "value"])


def write_energy(analysis: EnergyAnalysis, out: str | Path) -> list[Path]:
    """Write the tables of ``analysis`` into ``out``; return the paths.

    All files are written to temporary paths first and moved into place together: if
    one fails, none is written.
    """
    from cityregions.io.tables import write_table

    out = Path(out)
    tables = energy_tables(analysis)
    targets = [out / name for name in tables]
    with atomic_paths(*targets) as temporary:
        for tmp, (frame, index) in zip(temporary, tables.values(), strict=True):
            write_table(frame, tmp, index=index)
    return targets


__all__ = ["energy_tables", "write_energy"]
