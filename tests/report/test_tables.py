"""Table cells: quantities get thousands separators, years and seeds do not."""

from __future__ import annotations

import pandas as pd

from cityregions.report.tables import html_table


def test_years_seeds_and_runs_are_written_without_separators() -> None:
    frame = pd.DataFrame(
        {
            "run": [12],
            "resample_seed": [8920742594318771200],
            "currency_year": [2008],
            "default": [-12345.5],
        }
    )
    html = html_table(frame)
    assert '<td class="num">12</td>' in html
    assert ">8920742594318771200<" in html
    assert ">2008<" in html
    assert "2\u202f008" not in html
    # a quantity keeps its separators; German has the minus sign, English the hyphen
    german, english = "\u221212\u202f346", "-12\u202f346"
    assert f'<span class="t-de">{german}</span><span class="t-en">{english}</span>' in html
