"""Tornado and Monte Carlo of a region's sustainable potential (analytic references)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cityregions._errors import InputError
from cityregions.energy import load_coefficients, monte_carlo, tornado
from cityregions.energy.inputs import validate_energy_inputs
from cityregions.energy.uncertainty import potential_coefficients, regional_potential

COEFFICIENTS = load_coefficients()


def _unit(unit: str, **values: float) -> dict[str, float | str]:
    row: dict[str, float | str] = {
        "unit": unit,
        "population": 0,
        "arable_ha": 0,
        "grassland_ha": 0,
        "forest_ha": 0,
        "cereal_ha": 0,
        "cereal_yield_t_per_ha": 0,
        "sewage_digestion_share": 0,
        "protected_forest_share": 0,
    }
    row.update(values)
    return row


def _triangular_mean(name: str) -> float:
    low, mode, high = COEFFICIENTS.bounds(name)
    return (low + mode + high) / 3


def test_tornado_one_coefficient_at_a_time_by_hand():
    """Straw of 500 ha x 7 t/ha: RPR 0.8, 4.0 MWh/t, availability 0.33 (0.20-0.50)."""
    inputs = validate_energy_inputs(
        pd.DataFrame(
            [
                _unit(
                    "a",
                    cereal_ha=500,
                    arable_ha=500,
                    energy_crop_share=0,
                    cereal_yield_t_per_ha=7.0,
                )
            ]
        )
    )
    table = tornado(inputs, COEFFICIENTS, ["a"])
    assert table.attrs["base_mwh"] == pytest.approx(500 * 7 * 0.8 * 4.0 * 0.33)
    availability = table.loc["straw_availability"]
    assert availability["potential_low_mwh"] == pytest.approx(500 * 7 * 0.8 * 4.0 * 0.20)
    assert availability["potential_high_mwh"] == pytest.approx(500 * 7 * 0.8 * 4.0 * 0.50)
    assert availability["swing_mwh"] == pytest.approx(500 * 7 * 0.8 * 4.0 * 0.30)
    # the residue ratio spans 0.7-1.1: swing 500 x 7 x 0.4 x 4.0 x 0.33
    assert table.loc["straw_rpr", "swing_mwh"] == pytest.approx(500 * 7 * 0.4 * 4.0 * 0.33)
    # ordered by swing; coefficients of other feedstocks do not move this unit at all
    assert list(table.index[:2]) == ["straw_availability", "straw_rpr"]
    assert table.loc["silage_maize_yield", "swing_mwh"] == 0.0
    assert table["swing_mwh"].is_monotonic_decreasing
    # prices, costs and distance caps are not coefficients of the potential
    assert "straw_price" not in table.index
    assert "straw_price" not in potential_coefficients()


def test_monte_carlo_mean_equals_the_analytic_mean_of_independent_triangles():
    """Forest only: F = A x yield x LHV with independent triangular coefficients, so
    E[F] = A x E[yield] x E[LHV] and E of a triangle is (low + mode + high) / 3."""
    inputs = validate_energy_inputs(pd.DataFrame([_unit("a", forest_ha=1000)]))
    summary, draws = monte_carlo(
        inputs, COEFFICIENTS, ["a"], samples=20_000, rng=np.random.default_rng(7)
    )
    expected = (
        1000 * _triangular_mean("forest_residue_yield") * _triangular_mean("forest_residue_lhv")
    )
    assert summary["mean_mwh"] == pytest.approx(expected, rel=0.01)
    assert draws.mean() == pytest.approx(summary["mean_mwh"])
    assert summary["p05_mwh"] < summary["median_mwh"] < summary["p95_mwh"]
    assert summary["p05_mwh"] == pytest.approx(np.percentile(draws, 5))
    assert summary["base_mwh"] == pytest.approx(1000 * 1.0 * 2.0)
    assert summary["distribution"].startswith("triangular(low, default, high)")
    lows = 1000 * 0.5 * 1.86
    highs = 1000 * 1.5 * 2.63
    assert lows <= draws.min()
    assert draws.max() <= highs


def test_monte_carlo_is_reproduced_by_its_seed():
    inputs = validate_energy_inputs(
        pd.DataFrame(
            [_unit("a", forest_ha=10, cereal_ha=10, arable_ha=10, cereal_yield_t_per_ha=6.0)]
        )
    )
    one = monte_carlo(inputs, COEFFICIENTS, ["a"], samples=500, rng=np.random.default_rng(3))[1]
    two = monte_carlo(inputs, COEFFICIENTS, ["a"], samples=500, rng=np.random.default_rng(3))[1]
    other = monte_carlo(inputs, COEFFICIENTS, ["a"], samples=500, rng=np.random.default_rng(4))[1]
    assert np.array_equal(one, two)
    assert not np.array_equal(one, other)


def test_the_band_is_narrower_than_all_bounds_at_once():
    """The old 'low' and 'high' took every coefficient at its bound at once; the Monte
    Carlo band of a mixed unit lies well inside that range."""
    row = _unit(
        "a",
        arable_ha=1000,
        grassland_ha=300,
        forest_ha=500,
        cereal_ha=500,
        cereal_yield_t_per_ha=7.0,
        dairy_cows=300,
        fattening_pigs=1000,
        population=5000,
    )
    inputs = validate_energy_inputs(pd.DataFrame([row]))
    summary, _ = monte_carlo(
        inputs, COEFFICIENTS, ["a"], samples=2000, rng=np.random.default_rng(0)
    )
    values = COEFFICIENTS.values()
    all_low = {**values, **{n: COEFFICIENTS.bounds(n)[0] for n in potential_coefficients()}}
    all_high = {**values, **{n: COEFFICIENTS.bounds(n)[2] for n in potential_coefficients()}}
    from cityregions.energy.potential import FEEDSTOCKS, input_columns, sustainable_fuel

    columns = input_columns(inputs)
    low = float(sustainable_fuel(columns, all_low, FEEDSTOCKS).sum())
    high = float(sustainable_fuel(columns, all_high, FEEDSTOCKS).sum())
    assert low < summary["p05_mwh"] < summary["p95_mwh"] < high
    assert (summary["p95_mwh"] - summary["p05_mwh"]) < 0.6 * (high - low)


def test_bad_requests_are_errors():
    inputs = validate_energy_inputs(pd.DataFrame([_unit("a", forest_ha=10)]))
    with pytest.raises(InputError, match="at least 100"):
        monte_carlo(inputs, COEFFICIENTS, ["a"], samples=10, rng=np.random.default_rng(0))
    with pytest.raises(InputError, match="not in the inputs"):
        regional_potential(inputs, COEFFICIENTS, ["a", "zz"])
