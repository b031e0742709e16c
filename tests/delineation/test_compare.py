"""The ``delineation`` pipeline step on the bundled Mitteldeutschland case (its districts).

ARI, VI, modularity, self-containment and the overlap table are recomputed from the
written labels and the flow matrix by the brute-force references of
``tests/support/brute_force.py`` (pair counting, entropies, loops over the matrix).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from cityregions._optional import has_optional
from cityregions.delineation.compare import DelineationComparison
from cityregions.delineation.lma import DISTRICT_PARAMETERS, validity
from cityregions.pipeline.case import bundled_case_path, load_case
from cityregions.pipeline.steps import delineation_step, run_case, territory_step
from tests.support.brute_force import (
    adjusted_rand_by_pairs,
    directed_modularity,
    variation_of_information_by_entropy,
)

STEPS = [("territory", territory_step), ("delineation", delineation_step)]


@pytest.fixture(scope="module")
def section(tmp_path_factory: pytest.TempPathFactory) -> tuple[DelineationComparison, Path]:
    out = tmp_path_factory.mktemp("demo")
    results = run_case(load_case(bundled_case_path()), out, steps=STEPS)
    noted = [n for n in results.provenance if n.section == "delineation" and n.item == "flows"]
    assert noted[0].kind == load_case(bundled_case_path()).flows.flows_provenance
    assert results.delineation is not None
    return results.delineation, out / "delineation"


@pytest.fixture(scope="module")
def flows_matrix() -> tuple[list[str], list[list[float]]]:
    """Unit ids and the dense flow matrix (diagonal = internal flows) as plain lists."""
    flows = load_case(bundled_case_path()).flows
    return list(flows.ids), flows.matrix.toarray().tolist()


@pytest.fixture(scope="module")
def complete_totals() -> dict[str, tuple[float, float]]:
    """Unit -> (residents, jobs) from the case's totals file (flows beyond the table
    included), read as plain CSV: shares divide by these when the case has them."""
    case = load_case(bundled_case_path())
    path = case.path("flows", "totals")
    if path is None:
        flows = case.flows
        rows = flows.matrix.toarray()
        return {u: (rows[i].sum(), rows[:, i].sum()) for i, u in enumerate(flows.ids)}
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            r["unit"]: (float(r["residents"]), float(r["jobs"])) for r in csv.DictReader(handle)
        }


def test_files(section: tuple[DelineationComparison, Path]) -> None:
    found, folder = section
    kind = load_case(bundled_case_path()).flows.flows_provenance
    assert found.flows_provenance == kind
    labels = pd.read_csv(folder / "labels.csv", dtype=str)
    assert list(labels.columns) == ["unit", "region"]
    assert len(labels) == 50
    assert labels["unit"].is_unique
    for name in ("regions.csv", "comparison.csv", "quality.csv", "labels_by_method.csv"):
        assert (folder / name).is_file()
    leiden = ["regions_leiden.csv"] if has_optional("igraph", "leidenalg") else []
    for name in ("regions.csv", "quality.csv", *leiden):
        assert set(pd.read_csv(folder / name)["flows_provenance"]) == {kind}, name


def test_lma_regions_are_valid_with_district_parameters(
    section: tuple[DelineationComparison, Path], complete_totals: dict[str, tuple[float, float]]
) -> None:
    found, _ = section
    regions = found.regions
    sc = regions[["self_containment_supply", "self_containment_demand"]].min(axis=1)
    values = validity(
        regions["internal"].to_numpy(),
        regions["residents"].to_numpy(),
        regions["jobs"].to_numpy(),
        **DISTRICT_PARAMETERS.as_dict(),
    )
    # after the reserve list some regions may fall below 1 (as in R); here none does
    assert (values >= 1 - 1e-12).all(), regions.assign(v=values, sc=sc)
    # totals preserved: every unit lies in an LMA, so the regions' residents and jobs add
    # up to the units' complete totals (flows beyond the table included)
    assert regions["residents"].sum() == pytest.approx(sum(r for r, _ in complete_totals.values()))
    assert regions["jobs"].sum() == pytest.approx(sum(j for _, j in complete_totals.values()))
    assert regions["units"].sum() == 50
    assert found.summary["regions_lma"] == len(regions)


def _partition(column: pd.Series) -> dict[str, object]:
    """Unit -> region as written; a unit outside every region (empty) is alone."""
    return {u: (r if isinstance(r, str) else ("alone", u)) for u, r in column.items()}


def _in_both(a: pd.Series, b: pd.Series) -> tuple[dict[str, object], dict[str, object]]:
    """The two partitions on the units in a region of both (those ARI and VI compare)."""
    both = a.notna() & b.notna()
    return a[both].to_dict(), b[both].to_dict()


def test_references_reproduce_hand_worked_values() -> None:
    """The brute-force references give known values before they judge anything.

    ARI: the documented examples of scikit-learn's ``adjusted_rand_score`` worked by hand
    (Hubert & Arabie 1985, eq. 5): {ab}{cd} vs {ab}{c}{d} has 1 pair together in both,
    2 in A, 1 in B of N = 6: (1 - 2/6) / (3/2 - 2/6) = 4/7; vs {ac}{bd}: (0 - 4/6) /
    (2 - 4/6) = -1/2. VI (Meila 2007): H(A) = ln 2, H(B) = H(A,B) = 1.5 ln 2, so
    VI = 2 H(A,B) - H(A) - H(B) = 0.5 ln 2. Modularity: flows a->a 6, a->b 2, b->b 8,
    c->c 5, c->b 1 with regions {ab}{c}: m = 22, Q = (16 - 16 * 17 / 22 + 5 - 6 * 5 / 22)
    / 22 = 40/121.
    """
    a = dict(zip("abcd", [0, 0, 1, 1], strict=True))
    split = dict(zip("abcd", [0, 0, 1, 2], strict=True))
    assert adjusted_rand_by_pairs(a, split) == pytest.approx(4 / 7, abs=1e-15)
    crossed = dict(zip("abcd", [0, 1, 0, 1], strict=True))
    assert adjusted_rand_by_pairs(a, crossed) == pytest.approx(-1 / 2, abs=1e-15)
    assert adjusted_rand_by_pairs(a, dict(zip("abcd", "xxyy", strict=True))) == 1.0
    vi = variation_of_information_by_entropy(a, split)
    assert vi == pytest.approx(0.5 * math.log(2), abs=1e-15)
    matrix = [[6, 2, 0], [0, 8, 0], [0, 1, 5]]
    assert directed_modularity(matrix, ["ab", "ab", "c"]) == pytest.approx(40 / 121, abs=1e-15)


def test_ari_and_vi_between_methods_by_brute_force(
    section: tuple[DelineationComparison, Path],
) -> None:
    found, folder = section
    written = pd.read_csv(folder / "labels_by_method.csv", dtype=str).set_index("unit")
    methods = [m for m in ("lma", "leiden", "infomap", "fua", "bbsr") if m in written.columns]
    comparisons = found.comparisons
    pairs = {(a, b) for a, b in zip(comparisons.method_a, comparisons.method_b, strict=True)}
    assert pairs == {(a, b) for i, a in enumerate(methods) for b in methods[i + 1 :]}
    for row in comparisons.itertuples():
        a, b = _in_both(written[row.method_a], written[row.method_b])
        assert row.units_compared == len(a)
        assert row.ari == pytest.approx(adjusted_rand_by_pairs(a, b), abs=1e-12)
        vi = variation_of_information_by_entropy(a, b)
        assert row.vi == pytest.approx(vi, abs=1e-12)
        assert row.vi_normalized == pytest.approx(vi / math.log(len(a)), abs=1e-12)
        regions = (written[row.method_a].nunique(), written[row.method_b].nunique())
        assert (row.regions_a, row.regions_b) == regions
    # LMA and the others differ (else this comparison would measure nothing)
    with_lma = comparisons[comparisons.method_a == "lma"]
    assert len(with_lma) >= 1
    assert ((with_lma["ari"] > 0) & (with_lma["ari"] < 1)).all()
    assert (with_lma["vi"] > 0).all()


def test_quality_table_recomputed_from_the_flows(
    section: tuple[DelineationComparison, Path],
    flows_matrix: tuple[list[str], list[list[float]]],
    complete_totals: dict[str, tuple[float, float]],
) -> None:
    found, folder = section
    units, matrix = flows_matrix
    written = pd.read_csv(folder / "labels_by_method.csv", dtype=str).set_index("unit")
    quality = found.quality.set_index("method")
    methods = ("lma", "leiden", "infomap", "fua", "bbsr")
    assert list(quality.index) == [m for m in methods if m in written]
    for method, row in quality.iterrows():
        labels = _partition(written[method])
        regions = [labels[u] for u in units]
        supply, demand, sizes = [], [], []
        for region in dict.fromkeys(r for r in regions if isinstance(r, str)):  # no "alone"
            members = [i for i, r in enumerate(regions) if r == region]
            inside = sum(matrix[i][j] for i in members for j in members)
            # self-containment divides by the complete totals (flows beyond the table)
            supply.append(inside / sum(complete_totals[units[i]][0] for i in members))
            demand.append(inside / sum(complete_totals[units[i]][1] for i in members))
            sizes.append(len(members))
        assert row["regions"] == len(sizes), method
        assert row["singletons"] == sizes.count(1), method
        assert row["units_outside"] == written[method].isna().sum(), method
        assert row["covered_units"] == written[method].notna().sum(), method
        # modularity on the covered units only: the flows among units in a region
        covered = [i for i, r in enumerate(regions) if isinstance(r, str)]
        inner = [[matrix[i][j] for j in covered] for i in covered]
        expected = directed_modularity(inner, [regions[i] for i in covered])
        assert row["modularity"] == pytest.approx(expected, abs=1e-12), method
        assert row["sc_supply_mean"] == pytest.approx(sum(supply) / len(supply), abs=1e-12)
        assert row["sc_supply_min"] == pytest.approx(min(supply), abs=1e-12)
        assert row["sc_demand_mean"] == pytest.approx(sum(demand) / len(demand), abs=1e-12)
        assert row["sc_demand_min"] == pytest.approx(min(demand), abs=1e-12)
        lma, labels = _in_both(written["lma"], written[method])
        assert row["ari_vs_lma"] == pytest.approx(adjusted_rand_by_pairs(lma, labels), abs=1e-12)
        vi = variation_of_information_by_entropy(lma, labels)
        assert row["vi_vs_lma"] == pytest.approx(vi, abs=1e-12)
    written_quality = pd.read_csv(folder / "quality.csv").set_index("method")
    assert written_quality["modularity"].tolist() == pytest.approx(quality["modularity"].tolist())


def test_overlap_of_lma_and_leiden_by_hand(section: tuple[DelineationComparison, Path]) -> None:
    pytest.importorskip("leidenalg", reason="the leiden extra: pip install 'cityregions[leiden]'")
    found, folder = section
    written = pd.read_csv(folder / "labels_by_method.csv", dtype=str).set_index("unit")
    with (bundled_case_path() / "districts.csv").open(encoding="utf-8", newline="") as handle:
        population = {r["unit"]: int(r["population"]) for r in csv.DictReader(handle)}
    cells: dict[tuple[str, str], list[str]] = {}
    for unit, (a, b) in written[["lma", "leiden"]].iterrows():
        cells.setdefault((a, b), []).append(unit)
    total_a: dict[str, int] = {}
    for (a, _), members in cells.items():
        total_a[a] = total_a.get(a, 0) + sum(population[u] for u in members)
    overlap = found.overlap.astype({"region_a": str, "region_b": str})
    assert len(overlap) == len(cells)
    for row in overlap.itertuples():
        members = sorted(cells[(row.region_a, row.region_b)])
        assert row.members == ";".join(members)
        weight = sum(population[u] for u in members)
        assert row.weight == weight
        assert row.share_of_a == pytest.approx(weight / total_a[row.region_a], abs=1e-12)
