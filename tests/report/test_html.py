"""The self-contained HTML report: sections, no loadable URLs, languages, drawing helpers."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cityregions.flows import FlowTable
from cityregions.geometry import strongest_ties
from cityregions.pipeline.case import bundled_case_path
from cityregions.pipeline.steps import run_case
from cityregions.pipeline.views import provenance_rows
from cityregions.report import build_report, write_report
from cityregions.report.svg import bar_chart, place_labels
from tests.support.results import bundled_results

#: Attributes and CSS constructs through which a browser loads a resource.
LOADABLE = re.compile(
    r"""(?:\b(?:src|href|srcset|data|poster|action|xlink:href)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|(?:@import)""",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory):
    return bundled_results(tmp_path_factory.mktemp("real"))


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory):
    return bundled_results(tmp_path_factory.mktemp("full"))


@pytest.fixture(scope="module")
def full_html(full) -> str:
    return build_report(full)


def test_strongest_ties_sum_both_directions_hand_computed() -> None:
    long = pd.DataFrame(
        {
            "origin": ["a", "b", "a", "c", "a", "b"],
            "destination": ["b", "a", "c", "c", "a", "c"],
            "value": [3.0, 2.0, 4.0, 9.0, 7.0, 4.0],
        }
    )
    flows = FlowTable.from_long(long, flows_provenance="observed", source="toy")
    ties = strongest_ties(flows, n=2)
    # a-b: 3 + 2 = 5; a-c: 4; b-c: 4; diagonal (a-a, c-c) left out; ties by ids
    assert ties.to_dict("list") == {"a": ["a", "a"], "b": ["b", "c"], "value": [5.0, 4.0]}


def test_bar_chart_lengths_proportional_to_values() -> None:
    svg = bar_chart({"x": 2.0, "y": -1.0}, label="t", width=640)
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)]
    # plot width 640 - 190 - 90 = 360 over the span 3: bars of 240 and 120
    assert widths == pytest.approx([360 * 2 / 3, 360 / 3], abs=0.1)
    zero = float(re.search(r'<line x1="([\d.]+)"', svg).group(1))
    assert zero == pytest.approx(190 + 360 / 3, abs=0.1)


def test_place_labels_drops_overlaps_keeps_first() -> None:
    kept = place_labels([(100, 100, "Leipzig"), (104, 102, "Halle"), (300, 100, "Jena")])
    assert [text for _, _, text in kept] == ["Leipzig", "Jena"]


def test_bundled_report_has_every_section_of_the_pipeline(real) -> None:
    html = build_report(real)
    assert len(real.sections()) == 6, real.sections()  # with stability (issue 15)
    for name in real.sections():
        assert f'id="section-{name}"' in html
    assert "<svg" in html
    assert 'class="map"' in html


def test_full_report_has_all_five_sections_with_content(full_html: str) -> None:
    for name in ("territory", "delineation", "governance", "partnership", "energy"):
        assert f'id="section-{name}"' in full_html
    assert 'class="network"' in full_html  # governance network picture
    assert 'class="allocation"' in full_html or "energy map" in full_html
    assert full_html.count('class="chart"') >= 3  # partnership and energy bar charts
    assert 'class="cross-border"' in full_html  # cross-border gaps are marked


def test_report_loads_nothing_from_the_network(full_html: str) -> None:
    assert not LOADABLE.findall(full_html)
    assert "<script src" not in full_html
    assert "<link" not in full_html
    assert "<iframe" not in full_html
    assert "<img" not in full_html
    hrefs = re.findall(r'href="([^"]*)"', full_html)
    assert hrefs
    assert all(h.startswith("#") for h in hrefs)
    # no attribute value anywhere names a web address (plain text in notes may)
    assert not re.search(r"""=\s*["'][^"']*https?://""", full_html)
    assert "url(" not in full_html.replace("url(#", "")


def test_loadable_pattern_catches_remote_references() -> None:
    for bad in ('<script src="https://cdn.x/a.js">', "url(//fonts.x/f.woff)",
                '<img srcset="http://x/a.png">', "@import 'a.css';"):  # fmt: skip
        assert LOADABLE.search(bad), bad
    assert not LOADABLE.search('<a href="#section-energy">')


def test_provenance_banner_names_observed_and_modeled_flows(real) -> None:
    html = build_report(real)
    territory = html.split('id="section-territory"')[1].split("</section>")[0]
    assert 'class="provenance has-modeled"' in territory  # the municipal flows
    rows = {r["item"]: r for r in provenance_rows(real, "territory")}
    assert rows["flows"]["kind"] == "observed"
    assert "ten largest links per district" in rows["flows"]["source"]
    assert rows["flows (municipality)"]["kind"] == "modeled"
    assert "badge modeled" in territory
    assert "badge observed" in territory
    assert "ten largest links per district" in territory


def test_language_default_from_case_and_switchable(real) -> None:
    assert real.case.language == "de"
    html_de = build_report(real)
    assert '<html lang="de" data-lang="de">' in html_de
    assert '<span class="t-de">Gebiet und Verflechtungen</span>' in html_de
    assert '<span class="t-en">Territory and flows</span>' in html_de
    html_en = build_report(real, lang="en")
    assert '<html lang="en" data-lang="en">' in html_en
    assert 'data-set-lang="en"' in html_en  # the in-page switch


def test_absent_sections_are_left_out(tmp_path: Path) -> None:
    from cityregions.pipeline.case import load_case
    from cityregions.pipeline.steps import territory_step

    results = run_case(
        load_case(bundled_case_path()), tmp_path, steps=[("territory", territory_step)]
    )
    html = build_report(results)
    assert 'id="section-territory"' in html
    for name in ("delineation", "governance", "partnership", "energy"):
        assert f'id="section-{name}"' not in html


def test_print_css_targets_a4(full_html: str) -> None:
    assert "@page { size: A4" in full_html
    assert "@media print" in full_html


def test_write_report_is_atomic_and_small(full, tmp_path: Path) -> None:
    path = write_report(full, tmp_path / "r.html")
    assert path.stat().st_size < 5 * 1024 * 1024
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cityregions.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_report_writes_html_and_gpkg(tmp_path: Path) -> None:
    out, gpkg = tmp_path / "report.html", tmp_path / "case.gpkg"
    done = _cli("report", str(bundled_case_path()), "--out", str(out), "--lang", "en",
                "--gpkg", str(gpkg))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.is_file()
    assert gpkg.is_file()
    assert 'data-lang="en"' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{missing}"], "case.toml"),
        (["{case}", "--lang", "fr"], "--lang"),
    ],
)
def test_cli_report_bad_input_exit_2_nothing_written(
    tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "out" / "report.html"
    filled = [a.format(missing=tmp_path / "nope", case=bundled_case_path()) for a in args]
    done = _cli("report", *filled, "--out", str(out))
    assert done.returncode == 2
    assert message in done.stderr
    assert not out.exists()
