"""The energy section's balance charts: one per carrier that has new supply."""

from __future__ import annotations

import pandas as pd

from cityregions.report.energy_view import _carrier_charts


def _regions(biomethane_supply: float) -> pd.DataFrame:
    rows = []
    for carrier, supply in (("electricity", 5000.0), ("biomethane", biomethane_supply)):
        for region, net in (("1", 1500.0), ("2", -2500.0)):
            rows.append(
                {
                    "region": region,
                    "carrier": carrier,
                    "core_supply_mwh": 0.0,
                    "ring_supply_mwh": supply,
                    "core_demand_mwh": 3000.0,
                    "ring_demand_mwh": 500.0,
                    "region_net_mwh": net if supply else 0.0,
                }
            )
    return pd.DataFrame(rows)


def test_a_carrier_without_new_supply_gets_a_note_not_a_chart_of_zero_bars() -> None:
    html = _carrier_charts(_regions(0.0), {"1": "Leipzig", "2": "Halle"})
    electricity, _, biomethane = html.partition("</figure>")
    assert "<svg" in electricity
    assert "Leipzig" in electricity
    assert "<svg" not in biomethane
    assert "No new supply of this carrier" in biomethane
    assert "Kein neues Angebot" in biomethane


def test_a_carrier_with_supply_is_drawn() -> None:
    html = _carrier_charts(_regions(800.0), {"1": "Leipzig", "2": "Halle"})
    assert html.count("<svg") == 2
    assert "No new supply" not in html


def test_a_feedstock_whose_input_column_is_absent_is_named_not_charted() -> None:
    from cityregions.report.energy_view import absent_feedstocks

    potential = pd.DataFrame(
        {
            "unit": ["1", "1", "2", "2", "1"],
            "feedstock": ["horse_manure", "poultry_manure"] * 2 + ["total"],
            "flags": ["horses:absent", "", "horses:absent", "", "horses:absent"],
        }
    )
    assert absent_feedstocks(potential) == ["horse_manure"]
    # given in one unit: its zeros elsewhere are findings, the feedstock stays
    potential.loc[2, "flags"] = ""
    assert absent_feedstocks(potential) == []


def test_the_tornado_names_coefficients_in_german_in_the_german_report() -> None:
    from cityregions.energy import load_coefficients
    from cityregions.vocabulary import COEFFICIENTS_DE

    # every German name belongs to a coefficient of the file (no stale key)
    assert set(COEFFICIENTS_DE) <= set(load_coefficients().entries)
    # short enough for the chart's label column (46 characters) and never cut at " ("
    assert all(len(name) <= 46 and " (" not in name for name in COEFFICIENTS_DE.values())
