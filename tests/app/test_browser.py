"""The dashboard in a real browser: the map, layer toggles, unit figures, network, scenarios.

What the page shows is asserted here; how fast it shows it (wall clock, machine
dependent) is measured by ``benchmarks/bench_browser.py`` against an empty page.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

pytest.importorskip("fastapi", reason="the dashboard extra: pip install 'cityregions[dashboard]'")

from cityregions.app import create_app
from tests.support.results import (
    artifact,
    bundled_results,
    chromium_browser,
    require_chromium,
    wait_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    import uvicorn

    app = create_app(bundled_results(tmp_path_factory.mktemp("browser-app")))
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{url}/api/case", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield url
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium_browser() as launched:
        yield launched


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on(
        "request",
        lambda r: r.url.startswith(server) or page.problems.append(f"request {r.url}"),
    )
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready=true]", timeout=15_000)
    yield page
    page.close()


def test_the_map_is_drawn_with_every_unit_and_no_error(page: Any) -> None:
    paint = page.evaluate("() => performance.getEntriesByType('paint').map(e => e.name)")
    assert "first-contentful-paint" in paint  # something was painted
    units = page.locator("#map path.unit-marker")
    assert units.count() == 50  # one marker per district of the bundled case
    assert page.locator("#map path.unit-14713").count() == 1
    page.screenshot(path=str(artifact("dashboard.png")))
    assert page.problems == []


def test_legend_lists_every_region_and_the_map_numbers_them(page: Any) -> None:
    """The legend stopped after 16 regions; colours repeat (neighbours never), so every
    region carries its number on the map and in the legend. No CSP violation either."""
    regions = page.evaluate("() => fetch('/api/layers/regions').then(r => r.json())")
    keys = [str(f["properties"]["key"]) for f in regions["features"]]
    assert len(keys) > 16  # the old legend stopped at 16
    legend = page.locator("#legend .key").all_inner_texts()
    assert legend == keys
    swatches = page.evaluate(
        "() => Array.from(document.querySelectorAll('#legend .key'))"
        ".map(k => getComputedStyle(k.previousElementSibling).backgroundColor)"
    )
    assert len(swatches) == len(keys)
    assert "rgba(0, 0, 0, 0)" not in swatches  # set by property under the CSP
    assert sorted(page.locator("#map .region-key").all_inner_texts(), key=int) == sorted(
        keys, key=int
    )
    assert page.problems == []


def test_toggling_a_layer_changes_the_map(page: Any) -> None:
    map_box = page.locator("#map")
    flows = page.locator("#map path.flow-line")
    assert flows.count() > 10
    before = map_box.screenshot()
    page.locator("#toggle-flows").uncheck()
    assert flows.count() == 0
    after = map_box.screenshot(path=str(artifact("dashboard-flows-off.png")))
    assert before != after
    page.locator("#toggle-gaps").uncheck()
    page.locator("#toggle-areas").check()
    assert page.locator("#map path.area-shape").count() > 0
    page.locator("#toggle-energy").check()
    assert page.locator("#map path.energy-shape").count() > 0
    page.screenshot(path=str(artifact("dashboard-layers.png")))
    assert page.problems == []


def test_clicking_a_unit_shows_its_figures(page: Any) -> None:
    page.locator("#toggle-flows").uncheck()
    page.locator("#map path.unit-14713").click()
    page.wait_for_selector("#details .unit-title")
    details = page.locator("#details").inner_text()
    assert "Leipzig, Stadt" in details
    assert "Einwohner\t587\u202f857" in details  # population, Destatis 31.12.2018, as the report
    headings = page.locator("#details h4").all_inner_texts()
    assert "Bioenergie · Eingangsdaten" in headings
    raw = [h for h in headings if "_" in h or h.split(":")[0] in ("energy", "delineation")]
    assert raw == []  # labels, not raw "section:key"
    page.screenshot(path=str(artifact("dashboard-unit.png")))
    page.get_by_role("button", name="EN").click()
    wait_until(page, "() => document.querySelector('#details').innerText.includes('Population')")
    assert "Population\t587\u202f857" in page.locator("#details").inner_text()
    assert "Functional regions" in page.locator("#layer-toggles").inner_text()
    assert page.problems == []


def test_network_slider_and_scenario_switch(page: Any) -> None:
    page.get_by_role("tab", name="Netzwerk").click()
    page.wait_for_selector("#network line.edge")
    latest = page.locator("#network line.edge").count()
    page.locator("#as-of").fill("0")  # earliest year
    wait_until(page, "n => document.querySelectorAll('#network line.edge').length != n", latest)
    assert page.locator("#network line.edge").count() < latest
    page.screenshot(path=str(artifact("dashboard-network.png")), full_page=True)
    page.get_by_role("tab", name="Partnerschaft").click()
    first = page.locator("#scenario-tables").inner_text()
    options = page.locator("#scenario option")
    assert options.count() >= 2
    page.locator("#scenario").select_option(index=1)
    wait_until(page, "t => document.querySelector('#scenario-tables').innerText !== t", first)
    assert page.problems == []


def test_clicking_a_region_shows_its_figures(page: Any) -> None:
    for layer in ("units", "flows", "gaps"):
        page.locator(f"#toggle-{layer}").uncheck()
    shapes = page.locator("#map path.region-shape")
    assert shapes.count() >= 2
    shapes.first.click()  # regions are convex hulls: their box centre lies inside
    page.wait_for_selector("#details .region-title")
    first = page.evaluate(
        "() => fetch('/api/layers/regions').then(r => r.json()).then(c => c.features[0].properties)"
    )
    details = page.locator("#details").inner_text()
    assert first["name"] in details
    assert page.locator("#details .region-title").inner_text() == first["name"]
    # the region reads as the map and legend number it ("Region 7"), not by its id
    subtitle = page.locator("#details .region-title + p").inner_text()
    assert subtitle == f"Region {first['key']}"
    if str(first["key"]) != str(first["id"]):
        assert str(first["id"]) not in subtitle.split()
    assert "Nummer auf der Karte" not in details  # said once, in the subtitle
    assert page.problems == []


def test_scale_bar_is_not_hidden_by_the_attribution(page: Any) -> None:
    """The sources' attribution line spans the map's width and covered the scale bar."""
    boxes = page.evaluate(
        "() => ['.leaflet-control-scale', '.leaflet-control-attribution'].map(s => {"
        " const r = document.querySelector(s).getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom]; })"
    )
    (left, top, right, bottom), (a_left, a_top, a_right, a_bottom) = boxes
    overlap = not (right <= a_left or a_right <= left or bottom <= a_top or a_bottom <= top)
    assert not overlap, boxes
    assert page.problems == []


def test_municipal_layer_has_its_own_legend_and_numbers(page: Any) -> None:
    """With the municipal regions shown the legend listed only the district regions, and
    the municipal regions (colours repeat) had no numbers on the map."""
    layer = page.evaluate("() => fetch('/api/layers/municipalities').then(r => r.json())")
    regions = {f["properties"]["region"] for f in layer["features"]}
    assert len(regions) > 16
    assert {r["id"] for r in layer["regions"]} == regions
    keys = [str(r["key"]) for r in layer["regions"]]
    assert page.locator("#legend .municipal").count() == 0  # layer off by default
    page.locator("#toggle-municipalities").check()
    assert page.locator("#legend .municipal .key").all_inner_texts() == keys
    assert sorted(page.locator("#map .municipal-key").all_inner_texts(), key=int) == sorted(
        keys, key=int
    )
    page.screenshot(path=str(artifact("dashboard-municipalities.png")))
    page.locator("#toggle-municipalities").uncheck()
    assert page.locator("#legend .municipal").count() == 0
    assert page.problems == []


def test_german_tooltips_and_provenance_follow_the_report(page: Any) -> None:
    """An energy region's tooltip reads its balance as the report's tables do
    (``−579 241 MWh``), and the provenance tab names coefficients in German."""
    from cityregions.i18n import german_number
    from cityregions.report.svg import fmt_number

    for layer in ("units", "flows", "gaps", "regions"):
        page.locator(f"#toggle-{layer}").uncheck()
    page.locator("#toggle-energy").check()
    energy = page.evaluate("() => fetch('/api/layers/energy').then(r => r.json())")
    balances = {f["properties"]["name"]: f["properties"]["balance"] for f in energy["features"]}
    page.locator("#map path.energy-shape").first.hover(force=True)
    page.wait_for_selector(".leaflet-tooltip")
    tip = page.locator(".leaflet-tooltip").inner_text()
    name = next(n for n in balances if tip.startswith(n))
    shown = german_number(fmt_number(balances[name]))
    assert tip.endswith(f": {shown} MWh")
    if balances[name] < 0:
        assert "\u2212" in tip
    page.get_by_role("tab", name="Herkunft der Daten").click()
    provenance = page.locator("#provenance").inner_text()
    assert "Koeffizient: Frischmasseertrag Grassilage" in provenance
    assert "Coefficient grass yield" not in provenance
    page.get_by_role("button", name="EN").click()
    wait_until(
        page, "() => document.querySelector('#provenance').innerText.includes('Coefficient:')"
    )
    assert (
        "Coefficient: Fresh-matter yield of grass silage"
        in page.locator("#provenance").inner_text()
    )
    assert page.problems == []


def test_network_tab_shows_the_openness_of_the_states(page: Any) -> None:
    """The E–I table of the governance analysis under the network: states by name, the
    group without a state by its label, numbers as the report's tables write them, in
    the reader's language; the figures are the API's."""
    from cityregions.i18n import german_number
    from cityregions.report.svg import fmt_number

    page.get_by_role("tab", name="Netzwerk").click()
    page.wait_for_selector("#network-openness table")
    text = page.locator("#network-openness").inner_text()
    assert "Offenheit der Länder" in text
    assert "E-I-Index" in text
    assert "kein Land erfasst" in text
    governance = page.evaluate("() => fetch('/api/sections/governance').then(r => r.json())")
    saxony = next(r for r in governance["state_openness"] if r["group"] == "Sachsen")
    rows = page.locator("#network-openness tbody tr")
    cells = next(
        rows.nth(i).locator("td").all_inner_texts()
        for i in range(rows.count())
        if rows.nth(i).locator("td").first.inner_text() == "Sachsen"
    )
    assert cells[4] == german_number(fmt_number(saxony["ei_index"]))  # e.g. −0,0164
    page.get_by_role("button", name="EN").click()
    wait_until(
        page,
        "() => document.querySelector('#network-openness').innerText.includes('no state recorded')",
    )
    assert "Openness of the states" in page.locator("#network-openness").inner_text()
    assert page.problems == []
