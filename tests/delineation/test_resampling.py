"""Resampled flows: Poisson with the observed mean, multinomial per origin.

The moments are checked against the model's own (a Poisson count has variance equal to
its mean; a multinomial cell n·p and n·p·(1−p)) over many draws, with bounds of five
standard errors, so that a wrong draw (e.g. a fixed share, a forgotten cell, the
diagonal left out) fails while a correct one passes with near certainty.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cityregions._errors import ParameterError
from cityregions.delineation.resampling import resample_flows
from cityregions.flows import FlowTable

LONG = pd.DataFrame(
    {
        "origin": ["a", "a", "a", "b", "b", "c"],
        "destination": ["a", "b", "c", "b", "a", "c"],
        "value": [400.0, 30.0, 2.5, 90.0, 10.0, 50.0],
    }
)


def flows(with_totals: bool = False) -> FlowTable:
    table = FlowTable.from_long(LONG)
    if with_totals:  # 25 people of a and 7 of c work beyond the table; 12 come into b
        residents = pd.Series({"a": 457.5, "b": 100.0, "c": 57.0})
        jobs = pd.Series({"a": 410.0, "b": 132.0, "c": 52.5})
        table = table.with_totals(residents, jobs)
    return table


def draws(table: FlowTable, resampling: str, n: int = 3000) -> np.ndarray:
    """n draws of the dense matrix, plus outside_out and outside_in as two more columns."""
    rng = np.random.default_rng(42)
    out = []
    for _ in range(n):
        drawn = resample_flows(table, rng, resampling=resampling)  # type: ignore[arg-type]
        extra = [drawn.outside_out, drawn.outside_in] if drawn.has_totals else []
        out.append(np.concatenate([drawn.matrix.toarray().ravel(), *extra]))
    return np.array(out)


def observed(table: FlowTable) -> np.ndarray:
    extra = [table.outside_out, table.outside_in] if table.has_totals else []
    return np.concatenate([table.matrix.toarray().ravel(), *extra])


@pytest.mark.parametrize("with_totals", [False, True])
def test_poisson_has_the_observed_mean_and_variance(with_totals: bool) -> None:
    table = flows(with_totals)
    sample = draws(table, "poisson")
    mean = observed(table)
    se = np.sqrt(np.maximum(mean, 1e-12) / len(sample))
    assert np.all(np.abs(sample.mean(axis=0) - mean) <= 5 * se)
    big = mean >= 10  # variance = mean (sampling error of a variance: ~ mean * sqrt(2/n))
    assert np.allclose(sample.var(axis=0)[big], mean[big], rtol=5 * np.sqrt(2 / len(sample)))
    assert np.all(sample[:, mean == 0] == 0)  # a zero stays zero
    assert np.all(sample == np.round(sample))  # counts, also from the mean 2.5


@pytest.mark.parametrize("with_totals", [False, True])
def test_multinomial_keeps_every_origin_total(with_totals: bool) -> None:
    table = flows(with_totals)
    rng = np.random.default_rng(7)
    for _ in range(50):
        drawn = resample_flows(table, rng, resampling="multinomial")
        # 2.5 + 30 + 400 rounds to 432 (and 457.5 with 25 beyond to 458)
        expected = [458.0, 100.0, 57.0] if with_totals else [432.0, 100.0, 50.0]
        assert drawn.residents().tolist() == expected
        if with_totals:  # the 12 + 0.0 coming from beyond form one more origin
            assert drawn.outside_in.sum() == round(table.outside_in.sum())


def test_multinomial_cells_have_binomial_moments() -> None:
    table = flows(with_totals=True)
    sample = draws(table, "multinomial", n=2000)
    matrix = table.matrix.toarray()
    beyond = table.outside_out
    n_rows = np.round(matrix.sum(axis=1) + beyond)
    share = np.column_stack([matrix, beyond]) / (matrix.sum(axis=1) + beyond)[:, None]
    mean = share * n_rows[:, None]
    var = n_rows[:, None] * share * (1 - share)
    got = np.concatenate([sample[:, :9].reshape(-1, 3, 3), sample[:, 9:12][:, :, None]], axis=2)
    got_mean, got_var = got.mean(axis=0), got.var(axis=0)
    se = np.sqrt(np.maximum(var, 1e-12) / len(sample))
    assert np.all(np.abs(got_mean - mean) <= 5 * se)
    big = var >= 5
    assert np.allclose(got_var[big], var[big], rtol=5 * np.sqrt(2 / len(sample)))


def test_resample_keeps_units_provenance_and_names_the_resampling() -> None:
    table = FlowTable.from_long(LONG, flows_provenance="modeled", source="toy.csv")
    drawn = resample_flows(table, np.random.default_rng(0))
    assert drawn.ids == table.ids
    assert drawn.flows_provenance == "modeled"
    assert drawn.source == "toy.csv (poisson resample)"
    assert not drawn.has_totals


def test_same_seed_same_resample_and_another_seed_another() -> None:
    table = flows(with_totals=True)
    one = resample_flows(table, np.random.default_rng(5), resampling="multinomial")
    two = resample_flows(table, np.random.default_rng(5), resampling="multinomial")
    three = resample_flows(table, np.random.default_rng(6), resampling="multinomial")
    assert (one.matrix != two.matrix).nnz == 0
    assert np.array_equal(one.outside_in, two.outside_in)
    assert (one.matrix != three.matrix).nnz > 0


def test_unknown_resampling_is_an_error() -> None:
    with pytest.raises(ParameterError, match="unknown resampling 'bootstrap'"):
        resample_flows(flows(), np.random.default_rng(0), resampling="bootstrap")  # type: ignore[arg-type]
