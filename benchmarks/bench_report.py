"""Benchmark of the report and the dashboard on the bundled Mitteldeutschland case.

Run ``python benchmarks/bench_report.py [--repeat N] [--no-browser]``.

Measures (targets from issue 7):

- ``pipeline``: :func:`cityregions.pipeline.steps.run_case` on the bundled case (all steps);
- ``report``: :func:`cityregions.report.build_report` + writing the file (target < 10 s),
  and ``end to end`` = pipeline + report, what ``cityregions report`` does;
- ``report size`` (target < 5 MB);
- ``dashboard payloads``: :func:`cityregions.app.create_app` (computed once at startup);
- ``first paint`` and ``map drawn`` of the dashboard in Debian's chromium (Playwright,
  headless; target < 2 s): the first-contentful-paint entry of the page's Performance
  timeline, and the wall time from navigation until the page marks the map ready.

Prints one line per measure with the best of ``--repeat`` runs and whether it meets its
target; exits 1 if one does not.
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

from cityregions.pipeline.case import bundled_case_path, load_case
from cityregions.pipeline.steps import run_case

CHROMIUM = Path("/usr/bin/chromium")
TARGETS = {"report": 10.0, "report size MB": 5.0, "first paint": 2.0, "map drawn": 2.0}


def _best(function, repeat: int) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        value = function()
        best = min(best, time.perf_counter() - started)
    return best, value


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def browser_timings(app, repeat: int) -> dict[str, float]:
    """Return first contentful paint and map-ready time (s) of the dashboard (best run)."""
    import httpx
    import uvicorn
    from playwright.sync_api import sync_playwright

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            httpx.get(url + "api/case", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    paints, ready = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for _ in range(repeat + 1):  # the first load warms the browser up
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            started = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("body[data-ready=true]", timeout=30_000)
            ready.append(time.perf_counter() - started)
            paints.append(
                page.evaluate(
                    "() => performance.getEntriesByName('first-contentful-paint')[0].startTime"
                )
                / 1000
            )
            page.close()
        browser.close()
    server.should_exit = True
    thread.join(timeout=10)
    return {"first paint": min(paints[1:]), "map drawn": min(ready[1:])}


def main() -> int:
    """Run the benchmark and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    from cityregions.app import create_app
    from cityregions.report import write_report

    case = load_case(bundled_case_path())
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        pipeline, results = _best(lambda: run_case(load_case(case.root), out / "run"), 1)
        report, path = _best(lambda: write_report(results, out / "report.html"), args.repeat)
        size_mb = path.stat().st_size / 1024**2
        payloads, app = _best(lambda: create_app(results), 1)
        rows = {
            "pipeline": pipeline,
            "report": report,
            "end to end": pipeline + report,
            "report size MB": size_mb,
            "dashboard payloads": payloads,
        }
        if not args.no_browser and CHROMIUM.is_file():
            rows.update(browser_timings(app, args.repeat))
    failed = False
    units = len(results.territory.territory) if results.territory is not None else 0
    levels = ", ".join(f"{name} level" for name in results.levels)
    print(f"bundled case: {units} units ({levels or 'one level'}), sections {results.sections()}")
    for name, value in rows.items():
        target = TARGETS.get(name)
        unit = "" if name.endswith("MB") else " s"
        verdict = "" if target is None else ("  ok" if value < target else "  TOO SLOW/LARGE")
        failed |= target is not None and value >= target
        limit = "" if target is None else f" (target < {target:g})"
        print(f"{name:>20}: {value:8.3f}{unit}{limit}{verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
