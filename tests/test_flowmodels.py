"""Tests of the radiation and gravity models and of the common part of commuters."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cityregions import flowmodels
from cityregions._errors import InputError, ParameterError
from cityregions.flowmodels import (
    common_part,
    common_part_of_commuters,
    estimate_flows,
    gravity_flows,
    radiation_flows,
)
from cityregions.flows import FlowTable
from cityregions.territory import Territory

REPO = Path(__file__).resolve().parents[1]


def toy() -> Territory:
    """Three towns on the equator: A at 0 km, B at ~1.1 km, C at ~3.3 km (east).

    Populations A=100, B=50, C=200 (M = 350). With share_employed=0.5 and
    share_commuting=0.4: employed E = (50, 25, 100), out-commuters T = (20, 10, 40).
    """
    frame = pd.DataFrame(
        {
            "unit": ["A", "B", "C"],
            "population": [100, 50, 200],
            "lon": [0.0, 0.01, 0.03],
            "lat": [0.0, 0.0, 0.0],
        }
    )
    return Territory.from_frame(frame, name="toy")


def dense(flows: FlowTable, order: list[str]) -> np.ndarray:
    codes = pd.Index(flows.ids).get_indexer(order)
    return flows.matrix.toarray()[np.ix_(codes, codes)]


def random_territory(n: int, seed: int) -> Territory:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "unit": [f"u{i:03d}" for i in rng.permutation(n)],
            "population": rng.integers(100, 100_000, n),
            "lon": rng.uniform(10, 14, n),
            "lat": rng.uniform(50, 53, n),
        }
    )
    return Territory.from_frame(frame)


# --- radiation ---------------------------------------------------------------------------


def test_radiation_toy_by_hand() -> None:
    # T_ij = T_i m_i n_j / ((m_i + s_ij)(m_i + n_j + s_ij)); s_ij = population closer to i
    # than j, excluding i and j.
    # From A (m=100): B nearest (s=0), then C (s=m_B=50).
    #   T_AB = 20·100·50/(100·150)  = 6.666667
    #   T_AC = 20·100·200/(150·350) = 7.619048        (sum 14.285714 = 20·(1 − 100/350))
    # From B (m=50): A at 1.1 km (s=0), C at 2.2 km (s=m_A=100).
    #   T_BA = 10·50·100/(50·150)   = 6.666667
    #   T_BC = 10·50·200/(150·350)  = 1.904762
    # From C (m=200): B at 2.2 km (s=0), A at 3.3 km (s=m_B=50).
    #   T_CB = 40·200·50/(200·250)  = 8.0
    #   T_CA = 40·200·100/(250·350) = 9.142857
    # Diagonal = E_i − Σ_j T_ij: A 50 − 14.285714, B 25 − 8.571429, C 100 − 17.142857.
    flows = radiation_flows(toy(), share_employed=0.5, share_commuting=0.4, finite_size=False)
    expected = np.array(
        [
            [35.714286, 6.666667, 7.619048],
            [6.666667, 16.428571, 1.904762],
            [9.142857, 8.0, 82.857143],
        ]
    )
    np.testing.assert_allclose(dense(flows, ["A", "B", "C"]), expected, atol=1e-6)
    assert flows.flows_provenance == "modeled"
    assert "radiation" in flows.source
    assert "finite_size=False" in flows.source


def test_radiation_finite_size_by_hand() -> None:
    # With the factor 1/(1 − m_i/M): A ×7/5, B ×7/6, C ×7/3; out-flows then sum to T_i.
    #   T_AB = 6.666667·1.4 = 9.333333, T_AC = 7.619048·1.4 = 10.666667
    #   T_BA = 6.666667·7/6 = 7.777778, T_BC = 1.904762·7/6 = 2.222222
    #   T_CB = 8·7/3 = 18.666667,       T_CA = 9.142857·7/3 = 21.333333
    flows = radiation_flows(toy(), share_employed=0.5, share_commuting=0.4)
    expected = np.array(
        [
            [30.0, 9.333333, 10.666667],
            [7.777778, 15.0, 2.222222],
            [21.333333, 18.666667, 60.0],
        ]
    )
    np.testing.assert_allclose(dense(flows, ["A", "B", "C"]), expected, atol=1e-6)
    np.testing.assert_allclose(flows.residents().to_numpy(), [50.0, 25.0, 100.0])


def test_radiation_does_not_depend_on_unit_order() -> None:
    t = toy()
    shuffled = t.subset(["C", "A", "B"])
    flows = radiation_flows(shuffled, share_employed=0.5, share_commuting=0.4)
    assert flows.ids == ("C", "A", "B")
    reference = radiation_flows(t, share_employed=0.5, share_commuting=0.4)
    np.testing.assert_allclose(
        dense(flows, ["A", "B", "C"]), dense(reference, ["A", "B", "C"]), atol=1e-9
    )


def brute_force_radiation(territory: Territory, out: np.ndarray) -> np.ndarray:
    """Independent loop implementation of Simini's formula (no finite-size factor)."""
    d = territory.seat_distances_km()
    m = territory.units["population"].to_numpy(dtype=float)
    n = len(m)
    result = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            s = sum(m[k] for k in range(n) if k not in (i, j) and d[i, k] < d[i, j])
            result[i, j] = out[i] * m[i] * m[j] / ((m[i] + s) * (m[i] + m[j] + s))
    return result


def test_radiation_matches_brute_force_on_random_units() -> None:
    t = random_territory(25, seed=3)
    flows = radiation_flows(t, share_employed=0.4, share_commuting=0.5, finite_size=False)
    out = 0.2 * t.units["population"].to_numpy(dtype=float)
    expected = brute_force_radiation(t, out)
    got = flows.matrix.toarray()
    np.fill_diagonal(got, 0.0)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-9)


def test_radiation_ties_ranked_by_unit_id() -> None:
    # B and C are both 1.1 km from A. Ranking B (lower id) first: s_AB = 0, s_AC = m_B.
    frame = pd.DataFrame(
        {"unit": ["C", "A", "B"], "population": [10, 10, 10], "lon": [0.01, 0, -0.01]}
    ).assign(lat=0.0)
    flows = radiation_flows(
        Territory.from_frame(frame), share_employed=1.0, share_commuting=1.0, finite_size=False
    )
    values = dense(flows, ["A", "B", "C"])
    # T_AB = 10·10·10/(10·20) = 5; T_AC = 10·10·10/(20·30) = 1.666667
    assert values[0, 1] == pytest.approx(5.0)
    assert values[0, 2] == pytest.approx(10 / 6)


def test_origin_without_mass_sends_everyone_to_the_nearest_unit() -> None:
    # Destination mass = jobs; A has no jobs, so the m_i -> 0 limit sends all to B.
    frame = pd.DataFrame(
        {
            "unit": ["A", "B", "C"],
            "population": [100, 50, 200],
            "jobs": [0, 30, 80],
            "lon": [0.0, 0.01, 0.03],
            "lat": [0.0, 0.0, 0.0],
        }
    )
    flows = radiation_flows(
        Territory.from_frame(frame),
        share_employed=0.5,
        share_commuting=0.4,
        destination_mass="jobs",
    )
    values = dense(flows, ["A", "B", "C"])
    assert values[0, 1] == pytest.approx(20.0)
    assert values[0, 2] == pytest.approx(0.0)


def test_distance_ranking_equals_a_stable_sort() -> None:
    rng = np.random.default_rng(1)
    tied = rng.integers(0, 20, (30, 200)).astype(float)  # many ties
    distinct = rng.random((30, 200))
    for distances in (tied, distinct):
        expected = np.argsort(distances, axis=1, kind="stable")
        np.testing.assert_array_equal(flowmodels._rank(distances), expected)


# --- gravity -----------------------------------------------------------------------------


def test_gravity_toy_by_hand() -> None:
    # Power deterrence β=2 is scale-free, so take d_AB = 1, d_AC = 3, d_BC = 2 (units of
    # 1.11 km). From A: weights 50/1 = 50 and 200/9 = 22.2222, A_A = 1/72.2222;
    #   T_AB = 20·50/72.2222 = 13.846154, T_AC = 20·22.2222/72.2222 = 6.153846.
    # From B: 100/1 = 100, 200/4 = 50 -> T_BA = 10·100/150 = 6.666667, T_BC = 3.333333.
    # From C: 100/9 = 11.1111, 50/4 = 12.5 -> T_CA = 40·11.1111/23.6111 = 18.823529,
    #   T_CB = 40·12.5/23.6111 = 21.176471. Diagonal = E_i − T_i = 30, 15, 60.
    flows = gravity_flows(toy(), share_employed=0.5, share_commuting=0.4, beta=2.0)
    expected = np.array(
        [
            [30.0, 13.846154, 6.153846],
            [6.666667, 15.0, 3.333333],
            [18.823529, 21.176471, 60.0],
        ]
    )
    np.testing.assert_allclose(dense(flows, ["A", "B", "C"]), expected, atol=1e-6)


@pytest.mark.parametrize(("deterrence", "beta"), [("power", 2.5), ("exponential", 0.05)])
def test_gravity_is_production_constrained(deterrence: str, beta: float) -> None:
    t = random_territory(60, seed=7)
    flows = gravity_flows(
        t, share_employed=0.4, share_commuting=0.3, deterrence=deterrence, beta=beta
    )
    off = flows.matrix.toarray()
    np.fill_diagonal(off, 0.0)
    origin = 0.4 * 0.3 * t.units["population"].to_numpy(dtype=float)
    np.testing.assert_allclose(off.sum(axis=1), origin, rtol=1e-12)
    np.testing.assert_allclose(flows.residents().to_numpy(), origin / 0.3, rtol=1e-12)


def test_gravity_matches_dense_formula_with_seat_distances() -> None:
    t = random_territory(20, seed=11)
    flows = gravity_flows(t, deterrence="exponential", beta=0.03)
    d = t.seat_distances_km()
    mass = t.units["population"].to_numpy(dtype=float)
    weight = mass[None, :] * np.exp(-0.03 * d)
    np.fill_diagonal(weight, 0.0)
    origin = flowmodels.DEFAULT_SHARE_EMPLOYED * flowmodels.DEFAULT_SHARE_COMMUTING * mass
    expected = origin[:, None] * weight / weight.sum(axis=1, keepdims=True)
    got = flows.matrix.toarray()
    np.fill_diagonal(got, 0.0)
    np.testing.assert_allclose(got, expected, rtol=1e-10)


# --- chunks and top_k --------------------------------------------------------------------


@pytest.mark.parametrize("model", ["radiation", "gravity"])
def test_chunking_gives_the_same_flows(model: str, monkeypatch: pytest.MonkeyPatch) -> None:
    t = random_territory(40, seed=5)
    whole = estimate_flows(t, model=model)  # type: ignore[arg-type]
    monkeypatch.setattr(flowmodels, "CHUNK_CELLS", 7 * 40)  # chunks of 7 origins
    chunked = estimate_flows(t, model=model)  # type: ignore[arg-type]
    np.testing.assert_allclose(chunked.matrix.toarray(), whole.matrix.toarray(), rtol=1e-12)


def test_top_k_keeps_the_largest_flows_and_the_full_diagonal() -> None:
    t = random_territory(40, seed=9)
    full = radiation_flows(t).matrix.toarray()
    kept = radiation_flows(t, top_k=5).matrix.toarray()
    np.testing.assert_allclose(np.diag(kept), np.diag(full))
    for i in range(len(t)):
        row = np.delete(full[i], i)
        off = np.delete(kept[i], i)
        assert (off > 0).sum() == 5
        np.testing.assert_allclose(np.sort(off[off > 0]), np.sort(row)[-5:])


def test_top_k_ties_keep_the_lowest_ids() -> None:
    # From X, the three others are equally far and equally big: gravity flows tie.
    frame = pd.DataFrame(
        {
            "unit": ["X", "d", "b", "c"],
            "population": [10, 10, 10, 10],
            "lon": [0.0, 0.01, -0.01, 0.0],
            "lat": [0.0, 0.0, 0.0, 0.01],
        }
    )
    flows = gravity_flows(Territory.from_frame(frame), top_k=2)
    long = flows.to_long()
    from_x = long[(long["origin"] == "X") & (long["destination"] != "X")]
    assert sorted(from_x["destination"]) == ["b", "c"]


# --- estimate_flows: parameters and bad input --------------------------------------------


def test_estimate_flows_dispatches_and_checks_parameters() -> None:
    t = toy()
    flows = estimate_flows(t, model="gravity", beta=2.0, share_employed=0.5, share_commuting=0.4)
    assert "gravity" in flows.source
    assert "β=2" in flows.source
    with pytest.raises(ParameterError, match="unknown flow model"):
        estimate_flows(t, model="intervening")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="unknown model parameter"):
        estimate_flows(t, model="radiation", beta=2.0)
    with pytest.raises(ParameterError, match="share_commuting"):
        estimate_flows(t, share_commuting=1.2)
    with pytest.raises(ParameterError, match="beta"):
        estimate_flows(t, model="gravity", beta=-1.0)
    with pytest.raises(ParameterError, match="top_k"):
        estimate_flows(t, top_k=0)


def test_given_totals_replace_the_shares() -> None:
    t = toy()
    employed = pd.Series({"C": 90.0, "A": 60.0, "B": 30.0})
    out = pd.Series({"A": 6.0, "B": 3.0, "C": 9.0})
    flows = gravity_flows(t, residents=employed, out_commuters=out)
    np.testing.assert_allclose(flows.residents().to_numpy(), [60.0, 30.0, 90.0])
    np.testing.assert_allclose(flows.internal().to_numpy(), [54.0, 27.0, 81.0])
    assert "out_commuters given" in flows.source


def test_bad_units_give_clear_errors() -> None:
    no_pop = Territory.from_frame(pd.DataFrame({"unit": ["a", "b"], "lon": [0, 1], "lat": [0, 1]}))
    with pytest.raises(InputError, match=r"unit a.*population"):
        estimate_flows(no_pop)
    no_seat = Territory.from_frame(pd.DataFrame({"unit": ["a", "b"], "population": [1, 2]}))
    with pytest.raises(InputError, match="seat coordinates"):
        estimate_flows(no_seat)
    with pytest.raises(InputError, match="destination mass"):
        estimate_flows(toy(), destination_mass="jobs")


# --- common part of commuters ------------------------------------------------------------


def long_table(values: dict[tuple[str, str], float]) -> pd.DataFrame:
    return pd.DataFrame(
        [(o, d, v) for (o, d), v in values.items()], columns=["origin", "destination", "value"]
    )


def test_cpc_toy_by_hand() -> None:
    observed = FlowTable.from_long(
        long_table({("a", "a"): 50, ("a", "b"): 10, ("b", "a"): 5, ("b", "c"): 5, ("c", "b"): 2}),
        ids=["a", "b", "c"],
    )
    modeled = FlowTable.from_long(
        long_table(
            {("c", "c"): 7, ("a", "b"): 8, ("a", "c"): 2, ("b", "a"): 5, ("b", "c"): 3}
            | {("c", "a"): 1, ("c", "b"): 1}
        ),
        ids=["c", "b", "a"],  # other order: aligned by id
        flows_provenance="modeled",
    )
    # Off-diagonal: Σ min = 8 + 0 + 5 + 3 + 0 + 1 = 17, Σ obs = 22, Σ mod = 20 -> 34/42.
    assert common_part_of_commuters(observed, modeled) == pytest.approx(34 / 42)
    # Observed pairs only: modeled a→c and c→a dropped: Σ mod = 17 -> 34/39.
    assert common_part_of_commuters(observed, modeled, pairs="observed") == pytest.approx(34 / 39)
    # With the diagonal: obs +50 (a), mod +7 (c); Σ min unchanged -> 34/(72 + 27).
    assert common_part_of_commuters(observed, modeled, include_diagonal=True) == pytest.approx(
        34 / 99
    )
    assert common_part_of_commuters(observed, observed) == pytest.approx(1.0)


def test_cpc_needs_the_same_units() -> None:
    a = FlowTable.from_long(long_table({("a", "b"): 1}), warn_no_diagonal=False)
    b = FlowTable.from_long(long_table({("a", "c"): 1}), warn_no_diagonal=False)
    with pytest.raises(InputError, match="different units"):
        common_part_of_commuters(a, b)


def test_common_part_of_series_aligns_by_index() -> None:
    observed = pd.Series({"x": 10.0, "y": 5.0})
    modeled = pd.Series({"y": 5.0, "x": 8.0, "z": 2.0})
    # Σ min = 8 + 5 + 0 = 13; (15 + 15) -> 26/30
    assert common_part(observed, modeled) == pytest.approx(26 / 30)


# --- real data: the documented CPC figures (docs/flow-models.md) -------------------------

#: (area, model, CPC on the observed pairs) as documented for the default parameters.
DOCUMENTED = [
    ("Mitteldeutschland", "radiation", 0.628),
    ("Mitteldeutschland", "gravity", 0.689),
    ("Germany", "radiation", 0.614),
    ("Germany", "gravity", 0.685),
]


@pytest.fixture(scope="module")
def benchmark_areas(kreise_dir: Path) -> dict[str, object]:
    spec = importlib.util.spec_from_file_location(
        "flow_model_cpc", REPO / "benchmarks" / "flow_model_cpc.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["flow_model_cpc"] = module
    spec.loader.exec_module(module)
    areas = module.load_areas(kreise_dir.parent)
    return {"module": module, **{area.name: area for area in areas}}


@pytest.mark.shared
@pytest.mark.parametrize(("area", "model", "documented"), DOCUMENTED)
def test_cpc_on_observed_district_flows(
    benchmark_areas: dict[str, object], area: str, model: str, documented: float
) -> None:
    module = benchmark_areas["module"]
    measures = module.evaluate(benchmark_areas[area], model)  # type: ignore[attr-defined]
    assert measures["pairs"] > documented - 0.01
    assert measures["pairs"] == pytest.approx(documented, abs=0.0006)
    # Totals per district (documented: out 0.833-0.884, internal 0.901-0.946).
    assert measures["out"] > 0.82
    assert measures["internal"] > 0.89


# --- command line ------------------------------------------------------------------------


def run_cli(args: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    from cityregions.cli.main import main

    monkeypatch.setattr(sys, "argv", ["cityregions", *args])
    try:
        main()
    except SystemExit as done:
        return int(done.code or 0)
    return 0


def write_units(path: Path) -> Path:
    frame = toy().units.reset_index()[["unit", "population", "lon", "lat"]]
    frame.to_csv(path, index=False)
    return path


def test_cli_writes_modeled_flows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    units = write_units(tmp_path / "units.csv")
    out = tmp_path / "flows.csv"
    args = ["flows", "estimate", "--units", str(units), "--out", str(out)]
    args += ["--share-employed", "0.5", "--share-commuting", "0.4", "--no-progress"]
    assert run_cli(args, monkeypatch) == 0
    table = pd.read_csv(out, dtype={"origin": str, "destination": str})
    assert list(table.columns) == ["origin", "destination", "value", "flows_provenance"]
    assert set(table["flows_provenance"]) == {"modeled"}
    values = table.set_index(["origin", "destination"])["value"]
    assert values[("A", "B")] == pytest.approx(9.333333, abs=1e-5)  # finite-size toy value
    assert values[("C", "C")] == pytest.approx(60.0)


def test_cli_compare_prints_cpc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    units = write_units(tmp_path / "units.csv")
    observed = tmp_path / "observed.csv"
    long_table({("A", "B"): 9, ("C", "A"): 20, ("A", "A"): 30}).to_csv(observed, index=False)
    out = tmp_path / "flows.csv"
    args = ["flows", "estimate", "--units", str(units), "--out", str(out), "--model", "gravity"]
    args += ["--beta", "2", "--share-employed", "0.5", "--share-commuting", "0.4"]
    assert run_cli([*args, "--compare", str(observed)], monkeypatch) == 0
    # Off-diagonal modeled total 70; Σ min = 9 + 18.823529 -> 2·27.823529/(29 + 70)
    text = " ".join(capsys.readouterr().err.split())
    assert f"{2 * 27.823529 / 99:.3f} (all pairs)" in text


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--beta", "2"], "belongs to the gravity model"),
        (["--share-commuting", "1.5"], "between 0 and 1"),
        (["--destination-mass", "jobs"], "destination mass"),
        (["--compare", "missing.csv"], "missing.csv"),
    ],
)
def test_cli_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    units = write_units(tmp_path / "units.csv")
    out = tmp_path / "flows.csv"
    monkeypatch.chdir(tmp_path)
    code = run_cli(
        ["flows", "estimate", "--units", str(units), "--out", str(out), *extra], monkeypatch
    )
    assert code == 2
    assert message in " ".join(capsys.readouterr().err.split())
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["units.csv"]


def test_cli_unknown_unit_in_compare_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    units = write_units(tmp_path / "units.csv")
    observed = tmp_path / "observed.csv"
    long_table({("A", "Z"): 9}).to_csv(observed, index=False)
    out = tmp_path / "flows.csv"
    args = ["flows", "estimate", "--units", str(units), "--out", str(out)]
    assert run_cli([*args, "--compare", str(observed)], monkeypatch) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "observed.csv" in err
    assert "'Z'" in err
    assert not out.exists()


def test_cli_unwritable_out_fails_before_modelling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import cityregions.flowmodels

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model ran although the output cannot be written")

    monkeypatch.setattr(cityregions.flowmodels, "estimate_flows", never)
    units = write_units(tmp_path / "units.csv")
    (tmp_path / "blocker").write_text("a file", encoding="utf-8")
    out = tmp_path / "blocker" / "flows.csv"
    args = ["flows", "estimate", "--units", str(units), "--out", str(out)]
    assert run_cli(args, monkeypatch) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "blocker/flows.csv" in err
    assert "is a file, not a folder" in err


def test_cli_out_over_the_units_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    units = write_units(tmp_path / "units.csv")
    before = units.read_bytes()
    assert (
        run_cli(["flows", "estimate", "--units", str(units), "--out", str(units)], monkeypatch) == 2
    )
    assert "would overwrite this input file" in capsys.readouterr().err
    assert units.read_bytes() == before


def test_no_out_commuters_anywhere_warns() -> None:
    from cityregions import DataQualityWarning

    units = pd.DataFrame(
        {"unit": ["a", "b"], "population": [0, 0], "lon": [12.0, 13.0], "lat": [51.0, 51.0]}
    )
    with pytest.warns(DataQualityWarning, match="no unit has out-commuters"):
        flows = estimate_flows(Territory.from_frame(units, name="u"))
    assert flows.total == 0
