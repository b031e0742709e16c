"""Downscaling district flows to municipalities: margins, the fitted deterrence, rounding.

The proportional fitting is checked against an independent solution of the same
problem (the convex dual of the maximum-entropy model minimised by BFGS), the fit of
β against a planted value, and the real case (the 50 districts of Saxony, Saxony-Anhalt
and Thuringia to their municipalities) against the district flows it must reproduce.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

from cityregions import FlowTable, InputError, Territory
from cityregions.flowmodels.downscale import downscale_flows, fit_deterrence
from cityregions.territory import haversine_km


def _districts() -> FlowTable:
    long = pd.DataFrame(
        {
            "origin": ["A", "A", "A", "B", "B", "C", "C"],
            "destination": ["A", "B", "C", "B", "A", "C", "B"],
            "value": [500, 120, 30, 300, 80, 200, 40],
        }
    )
    return FlowTable.from_long(long, source="districts.csv")


def _towns() -> Territory:
    frame = pd.DataFrame(
        {
            "unit": ["a1", "a2", "a3", "b1", "b2", "c1"],
            "parent": ["A", "A", "A", "B", "B", "C"],
            "population": [3000, 1000, 500, 2000, 700, 1500],
            "lon": [12.00, 12.08, 11.95, 12.30, 12.38, 12.60],
            "lat": [51.00, 51.03, 50.95, 51.00, 51.05, 51.10],
            "area_km2": [60.0, 35.0, 20.0, 50.0, 30.0, 80.0],
        }
    )
    return Territory.from_frame(frame)


def _dual_solution(districts: FlowTable, towns: Territory, beta: float) -> pd.DataFrame:
    """Solve the same model independently: minimise the dual of the entropy problem.

    T_mn = s_mn exp(a_m + b_n + k_pq) on the municipal pairs of observed district pairs,
    with the gradient of sum(T) - r·a - w·b - D·k zero exactly at the three margins.
    """
    units = towns.units
    ids = list(units.index)
    parent = units["parent"].to_dict()
    pairs = {(o, d): v for o, d, v in zip(*_long(districts), strict=True)}
    cells = [(m, n) for m in ids for n in ids if (parent[m], parent[n]) in pairs]
    blocks = sorted(pairs)
    rad = np.radians(units[["lon", "lat"]].to_numpy(dtype=float))
    pos = {u: i for i, u in enumerate(ids)}
    seed = []
    for m, n in cells:
        if m == n:
            d = 2 / 3 * np.sqrt(units.loc[m, "area_km2"] / np.pi)
        else:
            i, j = pos[m], pos[n]
            d = float(haversine_km(rad[i, 0], rad[i, 1], rad[j, 0], rad[j, 1]))
        seed.append(max(d, 1.0) ** -beta)
    row_total = {p: sum(v for (o, _), v in pairs.items() if o == p) for p in "ABC"}
    col_total = {q: sum(v for (_, d), v in pairs.items() if d == q) for q in "ABC"}
    pop = units["population"]
    share = pop / pop.groupby(units["parent"]).transform("sum")
    r = np.array([row_total[parent[m]] * share[m] for m in ids])
    w = np.array([col_total[parent[m]] * share[m] for m in ids])
    big_d = np.array([pairs[b] for b in blocks])
    rows = np.array([pos[m] for m, _ in cells])
    cols = np.array([pos[n] for _, n in cells])
    block = np.array([blocks.index((parent[m], parent[n])) for m, n in cells])
    log_seed = np.log(np.array(seed))
    n_units = len(ids)

    def dual(x: np.ndarray) -> tuple[float, np.ndarray]:
        a, b, k = x[:n_units], x[n_units : 2 * n_units], x[2 * n_units :]
        t = np.exp(log_seed + a[rows] + b[cols] + k[block])
        value = t.sum() - r @ a - w @ b - big_d @ k
        grad = np.concatenate(
            [
                np.bincount(rows, t, minlength=n_units) - r,
                np.bincount(cols, t, minlength=n_units) - w,
                np.bincount(block, t, minlength=len(blocks)) - big_d,
            ]
        )
        return float(value), grad

    x0 = np.zeros(2 * n_units + len(blocks))
    done = minimize(dual, x0, jac=True, method="BFGS", options={"gtol": 1e-9, "maxiter": 5000})
    a, b, k = done.x[:n_units], done.x[n_units : 2 * n_units], done.x[2 * n_units :]
    values = np.exp(log_seed + a[rows] + b[cols] + k[block])
    return pd.DataFrame({"origin": [c[0] for c in cells], "destination": [c[1] for c in cells],
                         "value": values})  # fmt: skip


def _long(flows: FlowTable) -> tuple[list[str], list[str], list[float]]:
    long = flows.to_long()
    return list(long["origin"]), list(long["destination"]), list(long["value"])


def test_proportional_fitting_equals_an_independent_solution() -> None:
    districts, towns = _districts(), _towns()
    result = downscale_flows(districts, towns, beta=2.0, integer=False, tolerance=1e-12)
    expected = _dual_solution(districts, towns, 2.0)
    ours = result.flows.to_long().set_index(["origin", "destination"])["value"]
    theirs = expected.set_index(["origin", "destination"])["value"]
    assert set(ours.index) <= set(theirs.index)
    assert np.allclose(ours.reindex(theirs.index, fill_value=0.0), theirs, rtol=1e-6, atol=1e-6)
    assert result.check_sums(districts) < 1e-9
    # every municipal row sums to its share of the district's residents (A: 650 · 3000/4500)
    assert result.flows.residents()["a1"] == pytest.approx(650 * 3000 / 4500)
    # no municipal flow where the districts have none (A's towns never work in... none)
    assert ("c1", "a1") not in set(ours.index)


def test_rounding_keeps_every_district_pair_and_moves_cells_by_less_than_one() -> None:
    districts, towns = _districts(), _towns()
    exact = downscale_flows(districts, towns, beta=2.0, integer=False)
    whole = downscale_flows(districts, towns, beta=2.0)
    assert whole.check_sums(districts) == 0.0
    values = whole.flows.to_long().set_index(["origin", "destination"])["value"]
    assert (values == np.round(values)).all()
    fractional = exact.flows.to_long().set_index(["origin", "destination"])["value"]
    difference = values.reindex(fractional.index, fill_value=0.0) - fractional
    assert (difference.abs() < 1).all()


def test_fit_recovers_a_planted_power_law() -> None:
    rng = np.random.default_rng(3)
    n = 12
    lon, lat = np.radians(rng.uniform(11, 14, n)), np.radians(rng.uniform(50, 52, n))
    d = haversine_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
    a, b = rng.uniform(1, 5, n), rng.uniform(1, 5, n)
    planted = np.outer(a, b) * np.maximum(d, 1.0) ** -1.7 * 1e5
    np.fill_diagonal(planted, 0.0)
    ids = [f"u{i:02d}" for i in range(n)]
    rows, cols = np.nonzero(planted)
    long = pd.DataFrame({"origin": np.array(ids)[rows], "destination": np.array(ids)[cols],
                         "value": planted[rows, cols]})  # fmt: skip
    flows = FlowTable.from_long(long, ids=ids, warn_no_diagonal=False)
    fit = fit_deterrence(flows, d, deterrence="power")
    assert fit.beta == pytest.approx(1.7, abs=1e-6)
    assert fit.pairs == n * (n - 1)


def test_flows_beyond_the_table_are_shared_by_mass() -> None:
    districts = _districts().with_totals(
        pd.Series({"A": 700, "B": 400, "C": 300}), pd.Series({"A": 600, "B": 500, "C": 260})
    )
    result = downscale_flows(districts, _towns(), beta=2.0)
    outside = result.flows.outside()
    assert outside["outside_out"].sum() == pytest.approx(700 - 650 + 400 - 380 + 300 - 240)
    assert outside.loc["b2", "outside_out"] == pytest.approx(20 * 700 / 2700)
    back = result.flows.aggregate(result.parents)
    assert back.residents().to_dict() == pytest.approx({"A": 700, "B": 400, "C": 300})


def test_a_municipality_without_district_is_named() -> None:
    frame = _towns().units.reset_index()
    frame.loc[3, "parent"] = None
    towns = Territory.from_frame(frame, source="towns.csv")
    with pytest.raises(InputError, match="without a parent district") as error:
        downscale_flows(_districts(), towns, beta=2.0)
    assert (error.value.location, error.value.field) == ("unit b1", "parent")
    assert "towns.csv" in str(error.value)


def test_a_district_pair_without_municipalities_is_named() -> None:
    frame = _towns().units.reset_index()
    towns = Territory.from_frame(frame[frame["parent"] != "C"], source="towns.csv")
    with pytest.raises(InputError, match="cannot carry the 30 commuters") as error:
        downscale_flows(_districts(), towns, beta=2.0)
    assert error.value.location == "district pair A → C"
    assert "district C has no municipality" in str(error.value)


@pytest.mark.shared
@pytest.mark.filterwarnings("ignore:.*no internal:cityregions.DataQualityWarning")
def test_mitteldeutschland_sums_back_to_the_observed_district_flows(
    kreise_dir: Path, shared_data: Path
) -> None:
    """50 observed districts to their municipalities: every district pair within 0.5."""
    from cityregions.flowmodels.completion import complete_flows
    from cityregions.io.tables import read_flows
    from cityregions.io.totals import read_totals

    between = read_flows(kreise_dir / "flows.csv", units=None)
    totals = read_totals(
        kreise_dir / "units.csv",
        fields=("residents", "out_commuters", ("in_commuters", "jobs")),
        units=between.ids,
    )
    ours = [u for u in between.ids if u[:2] in ("14", "15", "16")]
    districts = complete_flows(between, totals).subset(ours)
    table = pd.read_csv(shared_data / "de-municipalities-2021" / "AuszugGV4Q-2020.csv",
                        dtype=str, encoding="utf-8-sig")  # fmt: skip
    table = table[(table["satzart"] == "60") & table["land"].isin(["14", "15", "16"])]
    number = lambda s: pd.to_numeric(s.str.replace(" ", "").str.replace(",", "."))  # noqa: E731
    towns = Territory.from_frame(
        pd.DataFrame(
            {
                "unit": table["land"] + table["rb"] + table["kreis"] + table["gemeinde"],
                "population": number(table["bevoelkerung"]),
                "area_km2": number(table["flaeche"]),
                "lon": number(table["laengengrad"]),
                "lat": number(table["breitengrad"]),
            }
        ).assign(parent=lambda f: f["unit"].str[:5])
    )
    for integer in (True, False):
        result = downscale_flows(districts, towns, integer=integer)
        back = result.flows.aggregate(result.parents).subset(districts.ids)
        assert abs(back.matrix - districts.matrix).max() <= 0.5
        assert back.residents().to_numpy() == pytest.approx(districts.residents().to_numpy())
    assert result.flows.flows_provenance == "modeled"
    assert len(result.flows) == 1270
    assert 1.5 < result.fit.beta < 3.0  # the power law of German commuting distances
