"""Wall-clock timings of the dashboard and the report in Debian's chromium, beside a baseline.

Run ``python benchmarks/bench_browser.py [--repeat N]``.

Wall-clock figures depend on the machine and its load, so they are not asserted in the
tests (``tests/app/test_browser.py`` and ``tests/report/test_browser.py`` check what the
pages show). This script measures them against a baseline taken in the same run and the
same browser: an empty page (one paragraph) served by the same local server.

Measures, each the best of ``--repeat`` loads after one warm-up load:

- ``first paint``: the ``first-contentful-paint`` entry of the page's Performance timeline;
- ``ready``: wall time from navigation until the page is usable: ``body[data-ready=true]``
  for the dashboard (the map is drawn), the ``load`` event for the report and the baseline.

Prints one line per page with both measures, the difference to the baseline, and whether
the dashboard meets its target (map drawn < 2 s, issue 7); exits 1 if it does not.
Needs ``/usr/bin/chromium``, Playwright and the ``dashboard`` extra.
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
TARGET_S = {"dashboard": 2.0}
EMPTY_PAGE = (
    "<!doctype html><html><head><title>empty</title></head><body><p>empty</p></body></html>"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve ``app`` (the dashboard plus an empty page at ``/empty``) on a free local port."""
    import httpx
    import uvicorn
    from fastapi.responses import HTMLResponse

    app.add_api_route("/empty", lambda: HTMLResponse(EMPTY_PAGE), include_in_schema=False)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{url}/api/case", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def timings(browser: Any, url: str, ready: Callable[[Any], None], repeat: int) -> dict[str, float]:
    """Return the best first paint and ready time (s) of ``url`` over ``repeat`` loads."""
    paints, readies = [], []
    for _ in range(repeat + 1):  # the first load warms the browser and the server up
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        started = time.perf_counter()
        page.goto(url)
        ready(page)
        readies.append(time.perf_counter() - started)
        paint = page.evaluate(
            "() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime"
        )
        paints.append(float("nan") if paint is None else paint / 1000)
        page.close()
    return {"first paint": min(paints[1:]), "ready": min(readies[1:])}


def _loaded(page: Any) -> None:
    page.wait_for_load_state("load")


def _map_drawn(page: Any) -> None:
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)


def main() -> int:
    """Run the pipeline once, then time the pages; print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not CHROMIUM.is_file():
        print(f"{CHROMIUM} is not installed (apt-get install chromium)")
        return 2
    from playwright.sync_api import sync_playwright

    from cityregions.app import create_app
    from cityregions.pipeline.case import bundled_case_path, load_case
    from cityregions.pipeline.steps import run_case
    from cityregions.report import write_report

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        results = run_case(load_case(bundled_case_path()), out / "run")
        report = write_report(results, out / "report.html")
        report_mb = report.stat().st_size / 1024**2
        with serve(create_app(results)) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            rows = {
                "empty page (baseline)": timings(browser, f"{url}/empty", _loaded, args.repeat),
                "dashboard": timings(browser, f"{url}/", _map_drawn, args.repeat),
                "report": timings(browser, report.as_uri(), _loaded, args.repeat),
            }
            browser.close()
    return _print(rows, report_mb=report_mb)


def _print(rows: dict[str, dict[str, float]], *, report_mb: float) -> int:
    base = rows["empty page (baseline)"]
    print(f"best of the loads after a warm-up; report file {report_mb:.1f} MB")
    print(f"{'page':>22}  {'first paint':>11}  {'ready':>7}  {'ready - baseline':>16}  target")
    failed = False
    for name, row in rows.items():
        target = TARGET_S.get(name)
        verdict = ""
        if target is not None:
            ok = row["ready"] < target and row["first paint"] < target
            failed |= not ok
            verdict = f"< {target:g} s {'ok' if ok else 'TOO SLOW'}"
        extra = row["ready"] - base["ready"]
        print(
            f"{name:>22}  {row['first paint']:9.3f} s  {row['ready']:5.3f} s  "
            f"{extra:+14.3f} s  {verdict}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
