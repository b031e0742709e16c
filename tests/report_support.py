"""Results of the bundled case for the report, app and browser tests.

:func:`bundled_results` runs the real pipeline. :func:`full_results` adds *stand-in*
sections for the steps that have not run (so the report and dashboard can be tested
with every section present even when a capability is missing); stand-ins are labelled
``stand-in`` in their provenance and never replace a section the pipeline produced.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cityregions.case import bundled_case_path, load_case
from cityregions.workflow import CaseResults, run_case

STAND_IN = "test stand-in (not an analysis result)"


_CACHE: dict[str, CaseResults] = {}


def bundled_results(out_dir: Path) -> CaseResults:
    """Run the pipeline on the bundled case into ``out_dir`` (once per test session).

    The results are shared read-only by the test modules; later calls return the first
    run (whose ``out_dir`` lives as long as the session's temporary folders).
    """
    if "bundled" not in _CACHE:
        _CACHE["bundled"] = run_case(load_case(bundled_case_path()), out_dir)
    return _CACHE["bundled"]


def _nearest_labels(units: pd.DataFrame, n: int = 9) -> pd.Series:
    big = units.sort_values(["population", "name"]).tail(n)
    labels = {}
    for unit, row in units.iterrows():
        d2 = (big["lon"] - row["lon"]) ** 2 + (big["lat"] - row["lat"]) ** 2
        labels[unit] = str(d2.idxmin())
    return pd.Series(labels, name="region")


def add_stand_ins(results: CaseResults) -> CaseResults:
    """Add stand-in sections for every capability whose step did not run."""
    territory = results.sections["territory"]["territory"]
    flows = results.sections["territory"]["flows"]
    units = territory.units
    if "delineation" not in results.sections:
        labels = _nearest_labels(units)
        quality = pd.DataFrame(
            {"units": labels.value_counts().sort_index(), "self_containment": 0.7}
        )
        quality.index.name = "region"
        results.sections["delineation"] = {"labels": labels, "quality": quality}
        results.note_provenance("delineation", "labels", "modeled", STAND_IN)
    labels = results.sections["delineation"].get("labels", _nearest_labels(units))
    if "governance" not in results.sections:
        from cityregions.io.registry_yaml import read_registry

        registry = read_registry(bundled_case_path() / "registry")
        from cityregions.report.data import strongest_ties

        ties = strongest_ties(flows, n=12)
        gaps = pd.DataFrame(
            {
                "unit_a": ties["a"],
                "unit_b": ties["b"],
                "flow_total": ties["value"],
                "cross_state": ties["a"].str[:2] != ties["b"].str[:2],
                "gap": [True, False] * 6,
            }
        )
        results.sections["governance"] = {"registry": registry, "gaps": gaps}
        results.note_provenance("governance", "gaps", "modeled", STAND_IN)
    if "partnership" not in results.sections:
        regions = sorted(labels.unique())
        pop = units["population"].groupby(labels).sum().reindex(regions)
        equal = pd.DataFrame({"seats": 1, "banzhaf": 1 / len(regions)}, index=regions)
        sqrt = np.sqrt(pop.to_numpy())
        penrose = pd.DataFrame(
            {"seats": np.round(10 * sqrt / sqrt.max()), "banzhaf": sqrt / sqrt.sum()},
            index=regions,
        )
        penrose["fee_eur"] = 0.05 * pop.to_numpy()
        results.sections["partnership"] = {"scenarios": {"equal": equal, "penrose": penrose}}
        results.note_provenance("partnership", "scenarios", "modeled", STAND_IN)
    if "energy" not in results.sections:
        regions = sorted(labels.unique())
        net = np.linspace(-1e6, 5e5, len(regions))
        balance = pd.DataFrame({"region_net_mwh": net}, index=pd.Index(regions, name="region"))
        n = len(units)
        potential = pd.DataFrame(
            {
                "unit": list(units.index) * 2,
                "feedstock": ["straw"] * n + ["manure"] * n,
                "level": "sustainable",
                "fuel_mwh": 1000.0,
            }
        )
        results.sections["energy"] = {"potential": potential, "region_balance": balance}
        results.note_provenance("energy", "potential", "estimate", STAND_IN)
    return results


def full_results(out_dir: Path) -> CaseResults:
    """Return the bundled case's results with stand-ins for missing sections (cached)."""
    if "full" not in _CACHE:
        _CACHE["full"] = add_stand_ins(run_case(load_case(bundled_case_path()), out_dir))
    return _CACHE["full"]


# ----------------------------------------------------------------------------- browser
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Skip when Debian's chromium or Playwright is missing; fail instead on CI."""
    import os

    import pytest

    problem = None
    if not CHROMIUM.is_file():
        problem = f"{CHROMIUM} is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "playwright (python) is not installed"
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {problem}")
        pytest.skip(problem)


def artifact(name: str) -> Path:
    """Return the path of a test artifact (screenshots) in ``test-artifacts/``."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


@contextlib.contextmanager
def chromium_browser() -> Iterator[Any]:
    """Launch Debian's headless chromium through Playwright (no browser download)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()
