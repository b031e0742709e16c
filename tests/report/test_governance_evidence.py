"""Report blocks of the governance evidence, on a small analysis and on the bundled case."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from cityregions.flows import FlowTable
from cityregions.governance.analysis import analyze_governance
from cityregions.registry import Actor, Body, Membership, Registry
from cityregions.report.governance_evidence import (
    action_note,
    certainty_table,
    evidence_html,
    exit_sentence,
    reason_html,
    timeline_svg,
)

URL = ["https://x.org"]


def analysis():  # type: ignore[no-untyped-def]
    """Leipzig and Nordsachsen in a body from 2008 (confirmed); Halle and Saalekreis in an
    undated one (certainty not given); the Leipzig–Halle tie across the border."""
    registry = Registry(
        actors=[Actor(id=i, name=n, kind="city", units=[u], state=u[:2], sources=URL,
                      certainty="confirmed")
                for i, n, u in (("l", "Leipzig", "14713"), ("n", "Nordsachsen", "14730"),
                                ("h", "Halle", "15002"), ("s", "Saalekreis", "15088"))],
        bodies=[Body(id="sn", name="Saxon body", kind="cooperation", body_level="city_region",
                     founded="2008", last_evidence="2016", sources=URL, certainty="confirmed"),
                Body(id="st", name="Anhalt body", kind="cooperation", body_level="city_region",
                     founded="unknown", sources=URL)],
        memberships=[Membership(member="l", body="sn", valid_from="2008", sources=URL,
                                last_evidence="2016", certainty="confirmed"),
                     Membership(member="n", body="sn", valid_from="2010", sources=URL,
                                last_evidence="2016", certainty="confirmed"),
                     Membership(member="h", body="st", valid_from="unknown", sources=URL),
                     Membership(member="s", body="st", valid_from="unknown", sources=URL)],
    )  # fmt: skip
    rows = [
        ("14730", "14713", 17752),
        ("14713", "14730", 10912),
        ("15088", "15002", 18520),
        ("15002", "15088", 10539),
        ("15002", "14713", 4817),
        ("14713", "15002", 3698),
    ]
    rows += [(u, u, 50000) for u in ("14713", "14730", "15002", "15088")]
    flows = FlowTable.from_long(pd.DataFrame(rows, columns=["origin", "destination", "value"]))
    return analyze_governance(registry, flows, as_of=dt.date(2016, 6, 30), first_year=2005,
                              n_permutations=19, rng=np.random.default_rng(0))  # fmt: skip


def test_certainty_is_never_shown_as_confirmed_by_default() -> None:
    table = certainty_table(analysis().registry).set_index("certainty")
    assert table.at["confirmed", "memberships"] == 2
    assert table.at["unspecified", "memberships"] == 2  # the two undated, unflagged ones
    assert table.at["unspecified", "bodies"] == 1


def test_timeline_lanes_and_coverage_line() -> None:
    result = analysis()
    svg = timeline_svg(result.timeline, result.coverage_timeline, result.registry)
    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")
    assert "Saxon body" in svg
    assert "Anhalt body" in svg
    # Saxon body: 2008-2009 one member, 2010-2016 two -> 9 cells; no assumption there
    assert len(re.findall(r'<title data-de="20\d\d: \d Mitglied(?:er)? \(0 nur', svg)) == 9
    assert len(re.findall(r'data-en="20\d\d: 1 member \(0 by assumption\)"', svg)) == 2
    # the undated body's members count by assumption every year: dashed cells
    assert len(re.findall(r"\(2 nur unter Annahme\)", svg)) == 12
    assert len(re.findall(r"\(2 by assumption\)", svg)) == 12 * 2  # attribute and text
    assert svg.count("<polyline") == 1
    # who joined, by name (not the registry's id 'n'), in each language of its own
    assert (
        '<title data-de="2010: 2 Mitglieder (0 nur unter Annahme); beigetreten: Nordsachsen" '
        'data-en="2010: 2 members (0 by assumption); joined: Nordsachsen">'
    ) in svg


def test_evidence_blocks_say_what_they_test_and_show_the_actions() -> None:
    html = evidence_html(analysis())
    assert "random mixing" in html
    assert "zufällige Durchmischung" in html
    assert "19 permutations" in html
    assert "What would close the gaps" in html
    assert "Saxon body + Anhalt body" in html  # the cooperation (ids sn+st), by name
    assert "nicht angegeben" in html  # the certainty table in German
    assert "Assumptions of the snapshot" in html


def test_recommendations_name_units_bodies_and_ties_in_both_languages() -> None:
    result = analysis()
    html = evidence_html(result)
    section = html[html.index("What would close the gaps") :]
    # units, ties and bodies by name, never the ids 14713/15002 or the code sn+st
    assert "Leipzig–Halle" in section
    assert not re.search(r"\b1471[0-9]\b|\b1500[0-9]\b|\bsn\+st\b", section)
    assert '<span class="t-de">' in section
    assert "Verflechtung(en): " in section  # German
    assert "tie(s): " in section  # English
    assert "\x00" not in html


def test_action_note_by_hand() -> None:
    note = (
        "new cross-border body around 1–2; 2 tie(s): 1–2, 2–3; "
        "spanned without covering by emmd;gw; same ties as rank 4"
    )
    html = action_note(note, {"1": "Leipzig", "2": "Halle", "3": "Saalekreis"},
                       {"emmd": "EMMD", "gw": "Gewerbeflächen"}, {})  # fmt: skip
    german, english = re.findall(r'<span class="t-(?:de|en)"[^>]*>(.*?)</span>', html)
    assert german == (
        "neues länderübergreifendes Gremium um Leipzig–Halle; 2 Verflechtung(en): "
        "Leipzig–Halle, Halle–Saalekreis; überspannt, aber nicht abgedeckt von EMMD, "
        "Gewerbeflächen; dieselben Verflechtungen wie Rang 4 (Alternative)"
    )
    assert english == (
        "new cross-border body around Leipzig–Halle; 2 tie(s): Leipzig–Halle, "
        "Halle–Saalekreis; spanned without covering by EMMD, Gewerbeflächen; same ties as "
        "rank 4 (an alternative)"
    )
    joined = action_note("lk-b joins; 1 tie(s): 1–9", {"1": "Dresden"}, {}, {"lk-b": "LK B"})
    assert "LK B tritt bei; 1 Verflechtung(en): Dresden–9" in joined  # unknown id kept


def test_assumption_reasons_in_both_languages() -> None:
    html = reason_html("valid to unknown; last evidence 2010-09-09")
    assert "gültig bis unbekannt; letzter Beleg 2010-09-09" in html
    assert "valid to unknown; last evidence 2010-09-09" in html
    assert "kein datierter Beleg" in reason_html("dissolved unknown; no dated evidence")
    blocks = evidence_html(analysis())
    assert "gültig ab unbekannt" in blocks  # the undated memberships of the Anhalt body
    assert re.search(r"<th[^>]*>\d+</th>", blocks[blocks.index("Annahmen des Stichtags") :]) is None


def test_exit_sentence_says_what_the_exact_test_cannot_carry() -> None:
    test = {"members": 7, "leavers": 2, "smallest_p": 1 / 21, "p_share_to_centre": 0.619,
            "p_shared_bodies": 1.0, "conclusion": "2 of 7 voting member cities ..."}  # fmt: skip
    html = exit_sentence(test)
    assert "2 von 7 stimmberechtigten Städten" in html
    assert "1/21 = 0,048" in html
    assert "p = 0,619 für das Pendeln ins Zentrum und p = 1,000 für gemeinsame Gremien" in html
    assert "warum sie austrat, können sie nicht zeigen" in html
    assert "2 of 7 voting member cities ..." in html  # the library's English sentence
    nothing = exit_sentence({"members": 3, "leavers": 0, "conclusion": "no member left"})
    assert "Kein Vergleich möglich" in nothing


def test_study_area_warnings_read_in_german() -> None:
    from cityregions.governance.study_area import units_study_area
    from cityregions.i18n import tr_message

    result = analysis()
    flows = FlowTable.from_long(
        pd.DataFrame(
            [("14713", "99999", 5000), ("99999", "14713", 100), ("14713", "14713", 9000),
             ("99999", "99999", 9000)],
            columns=["origin", "destination", "value"],
        )
    )  # fmt: skip
    wider = analyze_governance(result.registry, flows, as_of=dt.date(2016, 6, 30),
                               study_area=units_study_area(["14713", "99999"], flows.ids),
                               check_units_known=False, n_permutations=9,
                               rng=np.random.default_rng(0))  # fmt: skip
    reach = [w for w in wider.warnings if "outside every body" in w]
    assert len(reach) == 1
    assert tr_message(reach[0]).startswith(
        '<span class="t-de">1 der 2 Einheiten des Untersuchungsgebiets liegen am 2016-06-30 '
        "außerhalb aller Gremien des Registers"
    )
    outside = tr_message("929 strong ties with an end outside the study area (x) are left out")
    assert "929 starke Verflechtungen mit einem Ende außerhalb" in outside


def test_bundled_report_shows_the_timeline_and_the_recommendations(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The bundled case (observed district flows 2016): what the issue's "done" asks."""
    from cityregions.report.builder import build_report
    from tests.support.results import bundled_results

    results = bundled_results(tmp_path_factory.mktemp("bundled"))
    analysis = results.governance
    assert analysis is not None
    assert analysis.study_area is not None
    assert len(analysis.study_area) == 50
    html = build_report(results)
    section = html[html.index('id="section-governance"') : html.index('id="section-partnership"')]
    timeline = section[section.index("Mitgliedschaft im Zeitverlauf") :]
    assert "<svg" in timeline[:2000]
    assert "Grüner Ring Leipzig" in timeline
    actions = section[section.index("Was die Lücken schließen würde") :]
    first = re.search(r"<tr><th scope=\"row\">1</th>(.*?)</tr>", actions)
    assert first is not None
    assert "neues grenzüberschreitendes Gremium" in first[1]  # a new cross-border body
    assert "Leipzig–Halle (Saale)" in first[1]  # around the Leipzig–Halle tie, by name
    assert "37 772" in first[1].replace("\u202f", " ")
    # ranks 2-5: the same four Dresden–Bautzen ties, marked as alternatives of rank 2
    assert actions.count("same ties as rank 2 (an alternative)") == 3
    # the exit claim's exact test: leavers by name, labels in German, its limits stated
    exits = section[section.index("Austritte und Zentrierung") :]
    assert re.search(r'<span class="t-de">ausgetreten</span>.*?</th><td[^>]*>Dresden, Magdeburg<',
                     exits)  # fmt: skip
    assert "kleinster erreichbarer p-Wert" in exits
    assert "1/21 = 0,048" in exits
    confirmed = certainty_table(analysis.registry).set_index("certainty")
    assert confirmed.loc["unspecified"].sum() == 0  # every bundled record states it
