"""The HTML report in a real browser (Debian's chromium via Playwright): map, language, print."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cityregions.report import write_report
from tests.support.results import artifact, bundled_results, chromium_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def report_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser-report")
    return write_report(bundled_results(folder / "run"), folder / "report.html")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium_browser() as launched:
        yield launched


@pytest.fixture
def page(browser: Any, report_path: Path) -> Iterator[Any]:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.problems = []  # console errors, page errors and any network request
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on(
        "request",
        lambda r: r.url.startswith("file:") or page.problems.append(f"request {r.url}"),
    )
    page.goto(report_path.as_uri())
    yield page
    page.close()


def test_report_renders_a_non_blank_map_without_errors(page: Any) -> None:
    section = page.locator("#section-delineation")
    map_svg = section.locator("svg.map")
    box = map_svg.bounding_box()
    assert box["width"] > 600
    assert box["height"] > 300
    circles = map_svg.locator(".unit")  # the districts' polygons (seat circles without them)
    assert circles.count() == 50
    sizes = page.evaluate(
        "() => Array.from(document.querySelectorAll('#section-delineation svg.map .unit'))"
        ".map(c => c.getBoundingClientRect().width)"
    )
    assert min(sizes) > 2
    assert max(sizes) > 20
    fills = set(page.evaluate(
        "() => Array.from(document.querySelectorAll('#section-delineation svg.map .unit'))"
        ".map(c => getComputedStyle(c).fill)"
    ))  # fmt: skip
    assert len(fills) >= 5  # coloured by region
    municipal = page.locator("#section-level-municipality svg.map path.unit")
    assert municipal.count() == 1268  # the second level on its VG5000 polygons
    assert "Statistik der Bundesagentur für Arbeit" in page.locator("footer").inner_text()
    shot = map_svg.screenshot(path=str(artifact("report-map.png")))
    assert len(shot) > 30_000  # a blank picture of this size compresses to a few kB
    page.screenshot(path=str(artifact("report-page.png")), full_page=False)
    assert page.problems == []


def test_report_language_switch(page: Any) -> None:
    title = page.locator("#section-territory h2")
    assert title.inner_text() == "Gebiet und Verflechtungen"
    page.get_by_role("button", name="English").click()
    assert title.inner_text() == "Territory and flows"
    assert page.evaluate("document.documentElement.lang") == "en"
    page.get_by_role("button", name="Deutsch").click()
    assert title.inner_text() == "Gebiet und Verflechtungen"
    assert page.problems == []


def test_tooltips_switch_language_with_the_page(page: Any) -> None:
    """A chart's tooltip reads ``Leipzig: 0,0281`` in German and ``0.0281`` in English."""
    read = (
        "() => Array.from(document.querySelectorAll('title[data-de]'))"
        ".filter(t => /^Leipzig: 0\\.\\d+$/.test(t.getAttribute('data-en')))"
        ".map(t => t.textContent)"
    )
    german = page.evaluate(read)
    assert german
    assert all(re.fullmatch(r"Leipzig: 0,\d+", text) for text in german)
    page.get_by_role("button", name="English").click()
    english = page.evaluate(read)
    assert english == [text.replace(",", ".") for text in german]
    page.get_by_role("button", name="Deutsch").click()
    assert page.evaluate(read) == german
    assert page.problems == []


def test_report_prints_to_a4(page: Any) -> None:
    page.emulate_media(media="print")
    assert not page.locator(".controls").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    artifact("report.pdf").write_bytes(pdf)
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 5  # a page per section
    assert page.problems == []
