"""Results of the bundled case for the report, app and browser tests, and the browser.

:func:`bundled_results` runs the real pipeline once per test session; every step runs
on the bundled case, so each section of the report and dashboard is present.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cityregions.pipeline.case import bundled_case_path, load_case
from cityregions.pipeline.results import CaseResults
from cityregions.pipeline.steps import run_case

_CACHE: dict[str, CaseResults] = {}


def bundled_results(out_dir: Path) -> CaseResults:
    """Run the pipeline on the bundled case into ``out_dir`` (once per test session).

    The results are shared read-only by the test modules; later calls return the first
    run (whose ``out_dir`` lives as long as the session's temporary folders).
    """
    if "bundled" not in _CACHE:
        _CACHE["bundled"] = run_case(load_case(bundled_case_path()), out_dir)
    return _CACHE["bundled"]


# ----------------------------------------------------------------------------- browser
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
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


def wait_until(page: Any, expression: str, arg: Any = None, *, timeout: float = 10.0) -> Any:
    """Poll ``expression`` (a JavaScript function of ``arg``) in ``page`` until it is truthy.

    Playwright's ``wait_for_function`` evaluates its predicate with ``eval`` inside the
    page, which the dashboard's Content-Security-Policy forbids (no ``unsafe-eval``);
    ``page.evaluate`` is not subject to it.
    """
    import time

    end = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression, arg)
        if value or time.monotonic() > end:
            assert value, f"timed out after {timeout} s waiting for {expression}"
            return value
        time.sleep(0.05)


def own_case_without_population(kreise_dir: Path, case: Path, *, language: str = "de") -> Path:
    """Write a user's own case of states 14-16 whose units have no population.

    Units, polygons and the observed flows (with the diagonal ``employees_svb −
    out_commuters_total``) come from the BA district data of 2016 (read in place); the
    registry, scenarios and energy inputs are the bundled case's, as a user copies them.
    The units give employed residents (``employees_svb``) but no population.
    """
    import shutil

    import geopandas as gpd
    import pandas as pd

    from cityregions.pipeline.case import bundled_case_path

    case.mkdir(parents=True)
    units = pd.read_csv(kreise_dir / "units.csv", dtype={"ags": str, "state": str})
    units = units[units["state"].isin(["14", "15", "16"])]
    ids = set(units["ags"])
    flows = pd.read_csv(kreise_dir / "flows.csv", dtype={"origin": str, "destination": str})
    flows = flows[flows["origin"].isin(ids) & flows["destination"].isin(ids)]
    diagonal = pd.DataFrame({
        "origin": units["ags"], "destination": units["ags"],
        "commuters": units["employees_svb"] - units["out_commuters_total"],
    })  # fmt: skip
    pd.concat([flows[["origin", "destination", "commuters"]], diagonal]).to_csv(
        case / "flows.csv", index=False
    )
    units.assign(unit_level="district").to_csv(case / "units.csv", index=False)
    polygons = gpd.read_file(kreise_dir / "kreise.geojson")
    polygons[polygons["ags"].isin(ids)].to_file(case / "kreise.geojson", driver="GeoJSON")
    bundled = bundled_case_path()
    shutil.copytree(bundled / "registry", case / "registry")
    shutil.copytree(bundled / "scenarios", case / "scenarios")
    for table in sorted(bundled.glob("*.csv")):  # the scenarios' population tables
        shutil.copy(table, case / table.name)
    (case / "energy").mkdir()
    shutil.copy(bundled / "energy" / "inputs.csv", case / "energy" / "inputs.csv")
    (case / "case.toml").write_text(
        f'name = "BA district flows 2016"\nlanguage = "{language}"\n'
        '[units]\nfile = "units.csv"\npolygons = "kreise.geojson"\n'
        '[flows]\nfile = "flows.csv"\nflows_provenance = "observed"\n'
        '[registry]\npath = "registry"\n[partnership]\nscenarios = "scenarios"\n'
        '[energy]\ninputs = "energy/inputs.csv"\n',
        encoding="utf-8",
    )
    return case
