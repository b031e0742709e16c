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
