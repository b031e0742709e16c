"""Printing the report to PDF in Debian's chromium: colours kept, tables break sensibly."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from cityregions.report import write_report
from cityregions.report.tables import html_table
from tests.support.results import bundled_results, chromium_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium_browser() as launched:
        yield launched


@pytest.fixture(scope="module")
def report_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("print-report")
    return write_report(bundled_results(folder / "run"), folder / "report.html")


def test_legend_swatches_and_region_keys_print_in_colour(browser: Any, report_path: Path) -> None:
    """Without ``print-color-adjust: exact`` chromium prints the swatches as empty rings."""
    page = browser.new_page()
    page.goto(report_path.as_uri())
    page.emulate_media(media="print")
    adjust = page.evaluate(
        "() => Array.from(document.querySelectorAll('.legend .swatch'))"
        ".map(s => getComputedStyle(s).printColorAdjust)"
    )
    page.close()
    assert len(adjust) > 18
    assert set(adjust) == {"exact"}


def _pdf_pages(browser: Any, html: str, path: Path) -> list[str]:
    from pypdf import PdfReader

    page = browser.new_page()
    page.set_content(html)
    page.pdf(path=str(path), format="A4", print_background=True)
    page.close()
    return [p.extract_text() for p in PdfReader(path).pages]


def test_a_long_table_continues_across_pages_under_its_header(browser: Any, tmp_path: Path) -> None:
    """Counted in the PDF chromium prints: whole pages of rows, the header on each page."""
    css = (resources.files("cityregions.report") / "assets" / "report.css").read_text("utf-8")
    rows = pd.DataFrame(
        {"name": [f"row-{i:03d}" for i in range(150)],
         "flow_total": [1000.0 + i for i in range(150)],
         "area": ["a fairly long name of a cooperation area"] * 150},
        index=pd.Index([f"{14000 + i}" for i in range(150)], name="unit"),
    )  # fmt: skip
    body = f"<h2>Tabelle</h2>{html_table(rows, max_rows=150)}"
    html = f'<html lang="de" data-lang="de"><style>{css}</style><body><main>{body}</main></html>'
    pages = _pdf_pages(browser, html, tmp_path / "table.pdf")
    per_page = [re.findall(r"row-\d{3}", text) for text in pages]
    printed = [row for page in per_page for row in page]
    assert printed == [f"row-{i:03d}" for i in range(150)]  # each row once, in order
    assert len(pages) >= 2
    counts = [len(p) for p in per_page]
    assert all(n >= 30 for n in counts[:-1]), counts  # never a page holding a single row
    assert all("Pendler gesamt" in text for text in pages), "header row on every page"


def test_the_printed_report_leaves_no_page_nearly_empty(browser: Any, report_path: Path) -> None:
    """A page per section left the tail of a section alone on a page (the comparison of
    methods: one table row); sections now follow on, and maps fit beside their legend."""
    from pypdf import PdfReader

    page = browser.new_page()
    page.goto(report_path.as_uri())
    pdf = report_path.with_suffix(".pdf")
    page.pdf(path=str(pdf), format="A4", print_background=True)
    page.close()
    lines = [
        len([line for line in p.extract_text().splitlines() if line.strip()])
        for p in PdfReader(pdf).pages
    ]
    assert len(lines) > 10
    assert min(lines[:-1]) >= 20, lines
