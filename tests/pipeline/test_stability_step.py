"""The stability step on the bundled case: files, headline pairs, provenance, bad settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from cityregions._errors import InputError, ParameterError
from cityregions.pipeline.case import Case, bundled_case_path, load_case
from cityregions.pipeline.results import CaseResults
from cityregions.pipeline.steps import stability_step
from tests.support.results import bundled_results


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> CaseResults:
    return bundled_results(tmp_path_factory.mktemp("bundled"))


def test_bundled_case_sweeps_three_settings_times_twenty_resamples(results: CaseResults) -> None:
    result = results.stability
    assert result is not None
    assert len(result.runs) == 60
    assert result.runs["target_self_containment"].drop_duplicates().tolist() == [0.7, 0.75, 0.8]
    assert set(result.runs["resampling"]) == {"poisson"}
    assert result.flows_provenance == results.case.flows.flows_provenance
    out = results.out_dir / "stability"
    assert sorted(p.name for p in out.iterdir()) == [
        "coassignment.csv", "labels", "runs.csv", "stability.csv"
    ]  # fmt: skip
    assert len(list((out / "labels").iterdir())) == 60
    assert out / "stability.csv" in results.files
    written = pd.read_csv(out / "stability.csv", dtype={"unit": str, "region": str})
    assert written["stability"].tolist() == result.stability["stability"].tolist()


def test_headline_pairs_are_the_share_of_runs_with_both_in_one_region(
    results: CaseResults,
) -> None:
    result = results.stability
    assert result is not None
    assert result.pairs[["unit_a", "unit_b"]].values.tolist() == [
        ["15002", "14713"], ["16055", "16051"], ["16055", "16053"]
    ]  # fmt: skip
    labels = result.labels
    for a, b, share in result.pairs.itertuples(index=False):
        together = (labels.loc[a] == labels.loc[b]) & labels.loc[a].notna()
        assert share == together.sum() / labels.shape[1]


def test_consensus_is_the_medoid_run_and_stability_counts_agreeing_runs(
    results: CaseResults,
) -> None:
    result = results.stability
    assert result is not None
    consensus = result.labels[result.consensus_run]
    assert consensus.tolist() == result.consensus.tolist()
    # a unit whose whole consensus region is the same set of units in a run agrees there
    members = {r: set(g.index) for r, g in consensus.groupby(consensus)}
    for unit in ("14713", "15002"):
        region = consensus[unit]
        same = sum(
            set(result.labels.index[result.labels[run] == result.labels.at[unit, run]])
            == members[region]
            for run in result.labels.columns
        )
        assert result.stability.at[unit, "stability"] >= same / len(result.labels.columns)


def test_provenance_says_what_is_modeled(results: CaseResults) -> None:
    notes = {(n.item, n.kind) for n in results.provenance if n.section == "stability"}
    flows_kind = results.case.flows.flows_provenance
    assert notes == {("flows", flows_kind), ("resamples", "modeled"), ("stability", "estimate")}


def with_stability(tmp_path: Path, settings: dict[str, Any]) -> tuple[Case, CaseResults]:
    case = load_case(bundled_case_path())
    config = {**case.config, "stability": settings}
    changed = Case(root=case.root, config=config)
    return changed, CaseResults(case=changed, out_dir=tmp_path)


def test_without_a_stability_table_the_step_is_skipped(tmp_path: Path) -> None:
    case = load_case(bundled_case_path())
    config = {k: v for k, v in case.config.items() if k != "stability"}
    results = CaseResults(case=Case(root=case.root, config=config), out_dir=tmp_path)
    stability_step(results.case, results)
    assert results.stability is None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("settings", "field", "message"),
    [
        ({"bootstrap": -1}, "bootstrap", "whole number of at least 0"),
        ({"seed": "x"}, "seed", "whole number of at least 0"),
        ({"grid": 3}, "grid", "table of parameter"),
        ({"pairs": [["15002"]]}, "pairs", "pairs of unit ids"),
        ({"pairs": [["15002", "99999"]]}, "pairs", "pairs of unit ids"),
    ],
)
def test_bad_settings_name_case_toml_and_the_field(
    tmp_path: Path, settings: dict[str, Any], field: str, message: str
) -> None:
    case, results = with_stability(tmp_path, settings)
    with pytest.raises(InputError, match=message) as error:
        stability_step(case, results)
    assert "case.toml" in str(error.value)
    assert f"field '{field}'" in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_bad_grid_or_scheduler_stops_before_any_run(tmp_path: Path) -> None:
    case, results = with_stability(tmp_path, {"grid": {"min_sise": [1]}})
    with pytest.raises(ParameterError, match="min_sise"):
        stability_step(case, results)
    case, results = with_stability(tmp_path, {"scheduler": "tcp://nowhere"})
    with pytest.raises(InputError, match=r"case.toml \[stability\] scheduler"):
        stability_step(case, results)
    assert list(tmp_path.iterdir()) == []
