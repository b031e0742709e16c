"""Governance registry: models, time snapshots, YAML round trips and validation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import yaml

from cityregions import ValidationReport
from cityregions.io.registry_yaml import check_registry, read_registry, write_registry
from cityregions.pipeline.case import bundled_case_path
from cityregions.registry import (
    Actor,
    Body,
    BodyRule,
    Membership,
    Registry,
    Source,
    date_end,
    date_start,
    rule_weights,
)

CASE_REGISTRY = bundled_case_path() / "registry"


def small_registry() -> Registry:
    """Leipzig in EMMD from 2015-01-01 (check 10), a district, a body-body tie."""
    return Registry(
        sources={"S28": Source(url="https://politik-bei-uns.de/file/5c08b5a82c66dc3b528b9a1b")},
        actors=[
            Actor(
                id="leipzig",
                name="Leipzig",
                kind="city",
                key="14713000",
                units=["14713"],
                sources=["S28"],
            ),
            Actor(
                id="lk-leipzig",
                name="LK Leipzig",
                kind="district",
                units=["14729"],
                sources=["S28"],
            ),
        ],
        bodies=[
            Body(
                id="emmd",
                name="EMMD e.V.",
                kind="metropolitan_association",
                body_level="metropolitan",
                founded="2014-03-18",
                sources=["S28"],
            ),
            Body(
                id="grl",
                name="Grüner Ring",
                kind="cooperation",
                body_level="city_region",
                founded="1996-09-20",
                sources=["S28"],
            ),
        ],
        memberships=[
            Membership(member="leipzig", body="emmd", valid_from="2015-01-01", sources=["S28"]),
            Membership(member="leipzig", body="grl", sources=["S28"]),
            Membership(member="lk-leipzig", body="grl", valid_to="2013", sources=["S28"]),
            Membership(
                member="grl",
                body="emmd",
                role="represented",
                represented_by="leipzig",
                status="target-model",
                sources=["S28"],
            ),
        ],
        rules=[
            BodyRule(
                id="r1",
                body="emmd",
                kind="qualified",
                threshold=0.75,
                measure="members",
                sources=["S28"],
            ),
        ],
    )


# ---------------------------------------------------------------- dates and snapshots
def test_partial_dates_mean_first_and_last_day() -> None:
    assert date_start("2014") == dt.date(2014, 1, 1)
    assert date_end("2013") == dt.date(2013, 12, 31)
    assert date_end("2024-02") == dt.date(2024, 2, 29)
    assert date_start("2012-05") == dt.date(2012, 5, 1)


def test_as_of_keeps_membership_only_inside_its_validity() -> None:
    """Check 10: Leipzig → EMMD from 2015-01-01 is in 2015-06-30, not in 2014-12-31."""
    reg = small_registry()
    pairs = {(m.member, m.body) for m in reg.as_of(dt.date(2015, 6, 30)).memberships}
    assert ("leipzig", "emmd") in pairs
    assert ("lk-leipzig", "grl") not in pairs  # ended 2013-12-31
    early = {(m.member, m.body) for m in reg.as_of(dt.date(2014, 12, 31)).memberships}
    assert ("leipzig", "emmd") not in early
    assert ("lk-leipzig", "grl") not in early
    assert ("lk-leipzig", "grl") in {
        (m.member, m.body) for m in reg.as_of(dt.date(2013, 12, 31)).memberships
    }


def test_as_of_drops_bodies_outside_their_lifetime_and_target_links() -> None:
    reg = small_registry()
    assert "emmd" not in reg.as_of(dt.date(2013, 6, 30)).body_ids
    snap = reg.as_of(dt.date(2016, 1, 1))
    assert all(m.status == "documented" for m in snap.memberships)
    with_target = reg.as_of(dt.date(2016, 1, 1), include_target=True)
    assert ("grl", "emmd") in {(m.member, m.body) for m in with_target.memberships}


def test_body_units_are_derived_from_members_recursively() -> None:
    reg = small_registry()
    assert reg.body_units("grl") == ["14713", "14729"]
    # EMMD's territory includes the target-model member body's units only if kept
    assert reg.as_of(dt.date(2016, 1, 1)).body_units("emmd") == ["14713"]
    assert reg.as_of(dt.date(2013, 1, 1), include_target=True).areas() == {
        "grl": ["14713", "14729"]
    }


def test_decision_rules_normalize_to_criteria() -> None:
    qualified = small_registry().rules[0].normalized_criteria()
    assert [(c.measure, c.threshold, c.strict) for c in qualified] == [("members", 0.75, False)]
    simple = BodyRule(id="s", body="b", kind="simple", sources=["x"])
    assert [(c.measure, c.threshold, c.strict) for c in simple.normalized_criteria()] == [
        ("weight", 0.5, True)
    ]
    double = BodyRule(
        id="d", body="b", kind="double_majority", sources=["x"],
        criteria=[{"measure": "members", "threshold": 0.55},
                  {"measure": "population", "threshold": "65%"}],
    )  # fmt: skip
    assert [(c.measure, c.threshold) for c in double.normalized_criteria()] == [
        ("members", 0.55),
        ("population", 0.65),
    ]
    unanimity = BodyRule(id="u", body="b", kind="unanimity", sources=["x"])
    assert [(c.measure, c.threshold) for c in unanimity.normalized_criteria()] == [("members", 1.0)]
    absolute = BodyRule(id="q", body="b", kind="qualified", quota=35, sources=["x"])
    assert [(c.threshold, c.quota, c.strict) for c in absolute.normalized_criteria()] == [
        (None, 35.0, False)
    ]


def test_a_share_written_as_an_absolute_quota_is_refused() -> None:
    """Criteria once took `quota` as a share: 0.55 must not silently mean 0.55 members."""
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=r"write a share as threshold: 0\.55"):
        BodyRule(
            id="d", body="b", kind="double_majority", sources=["x"],
            criteria=[{"measure": "members", "quota": 0.55},
                      {"measure": "population", "threshold": 0.65}],
        )  # fmt: skip


def test_rules_whose_fields_do_not_fit_their_kind_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "sources: {S: https://x.org}\n"
        "bodies: [{id: b, name: B, kind: cooperation, body_level: city_region, sources: [S]}]\n"
        "rules:\n"
        "  - {id: q, body: b, kind: qualified, sources: [S]}\n"
        "  - {id: d, body: b, kind: double_majority, sources: [S],\n"
        "     criteria: [{measure: members, threshold: 0.5}]}\n"
        "  - {id: s, body: b, kind: simple, threshold: 0.6, sources: [S]}\n",
        encoding="utf-8",
    )
    texts = [str(p) for p in check_registry(path)]
    assert any("record 'q', field 'threshold'" in t and "needs threshold" in t for t in texts)
    assert any("record 'd', field 'criteria'" in t and "at least 2 criteria" in t for t in texts)
    assert any("record 's', field 'threshold'" in t and "use qualified" in t for t in texts)
    assert len(texts) == 3, texts


# ---------------------------------------------------------------- round trips
def test_round_trip_of_a_registry_built_in_code(tmp_path: Path) -> None:
    reg = small_registry()
    path = write_registry(reg, tmp_path / "reg.yaml")
    again = read_registry(path)
    assert again == reg
    assert again.memberships[0].valid_from == "2015-01-01"


def test_round_trip_of_the_bundled_case(tmp_path: Path) -> None:
    reg = read_registry(CASE_REGISTRY)
    path = write_registry(reg, tmp_path / "case.yaml")
    again = read_registry(path)
    assert again == reg
    write_registry(again, tmp_path / "again.yaml")
    assert (tmp_path / "again.yaml").read_text() == path.read_text()


def test_folder_and_single_file_give_the_same_registry(tmp_path: Path) -> None:
    reg = small_registry()
    data = yaml.safe_load(write_registry(reg, tmp_path / "all.yaml").read_text())
    folder = tmp_path / "folder"
    folder.mkdir()
    for key, value in data.items():
        (folder / f"{key}.yaml").write_text(yaml.safe_dump({key: value}, allow_unicode=True))
    assert read_registry(folder) == read_registry(tmp_path / "all.yaml")


# ---------------------------------------------------------------- bundled case
def test_bundled_case_registry_is_valid_and_complete() -> None:
    assert check_registry(CASE_REGISTRY) == []
    reg = read_registry(CASE_REGISTRY)
    snap = reg.as_of(dt.date(2012, 6, 30))
    members = {m.member: m for m in snap.memberships if m.body == "mmd-network"}
    voting = {a for a, m in members.items() if m.role == "full"}
    assert voting == {"chemnitz", "dresden", "leipzig", "zwickau", "halle", "magdeburg",
                      "dessau-rosslau", "jena", "gera"}  # fmt: skip
    assert {a for a, m in members.items() if m.role == "represented"} == {"erfurt", "weimar"}
    assert members["erfurt"].represented_by == "jena"
    assert "ag-ueberregionale-kooperation" in snap.body_ids
    # 2015: Dresden and Magdeburg have left, the association exists
    later = reg.as_of(dt.date(2015, 6, 30))
    emmd = {m.member for m in later.memberships if m.body == "emmd"}
    assert {"leipzig", "halle", "saalekreis", "lk-leipzig"} <= emmd
    assert not {"dresden", "magdeburg"} & emmd
    assert "mmd-network" not in later.body_ids


def test_bundled_case_target_model_links_are_marked_and_sourced() -> None:
    reg = read_registry(CASE_REGISTRY)
    target = [m for m in reg.memberships if m.status == "target-model"]
    assert len(target) >= 7
    assert all(m.body == "mmd-network" and m.represented_by for m in target)
    assert all("S18" in m.sources for m in target)
    assert not [
        m for m in reg.as_of(dt.date(2012, 6, 30)).memberships if m.status == "target-model"
    ]


def test_bundled_case_units_are_district_keys_of_the_case() -> None:
    import pandas as pd

    districts = pd.read_csv(bundled_case_path() / "districts.csv", dtype={"unit": str})
    reg = read_registry(CASE_REGISTRY)
    units = {u for a in reg.actors for u in a.units}
    assert units <= set(districts["unit"])
    assert reg.actor("leipzig").units == ["14713"]
    assert reg.actor("saalekreis").units == ["15088"]
    assert all(r.sources for r in [*reg.actors, *reg.bodies, *reg.memberships])


# ---------------------------------------------------------------- validation
BAD = """\
sources:
  S1: https://example.org
actors:
  - {id: leipzig, name: Leipzig, kind: city, units: ["14713"], sources: [S1]}
  - {id: leipzig, name: Leipzig again, kind: city, sources: [S1]}
  - {id: halle, name: Halle, kind: city}
bodies:
  - {id: emmd, name: EMMD, kind: metropolitan_association, body_level: metropolitan,
     founded: "2014-03-18", sources: [S1]}
memberships:
  - {id: m-date, member: leipzig, body: emmd, valid_from: "2012-13-01", sources: [S1]}
  - {id: m-unknown, member: nobody, body: emmd, valid_from: "2015", sources: [S1]}
  - {id: m-order, member: halle, body: emmd, valid_from: "2016", valid_to: "2015", sources: [S1]}
  - {id: m-early, member: leipzig, body: emmd, valid_from: "2013", valid_to: "2014-12-31",
     sources: [S1]}
  - {id: m-overlap, member: leipzig, body: emmd, valid_from: "2014-06", sources: [S1]}
  - {id: m-nosource, member: halle, body: emmd, valid_from: "2017"}
"""


def _problems_by_record(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for problem in check_registry(path):
        text = str(problem)
        for record in ("leipzig", "halle", "m-date", "m-unknown", "m-order", "m-early",
                       "m-overlap", "m-nosource"):  # fmt: skip
            if f"record '{record}'" in text:
                out.setdefault(record, []).append(text)
    return out


def test_all_problems_are_reported_in_one_run(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    with pytest.raises(ValidationReport) as info:
        read_registry(path)
    problems = info.value.problems
    texts = [str(p) for p in problems]
    assert all(str(path) in t for t in texts)
    by_record = _problems_by_record(path)
    assert any("month 13" in t and "field 'valid_from'" in t for t in by_record["m-date"])
    assert any("unknown member id 'nobody'" in t for t in by_record["m-unknown"])
    assert any("valid_to 2015 is before valid_from 2016" in t for t in by_record["m-order"])
    assert any("before body 'emmd' was founded" in t for t in by_record["m-early"])
    assert any("overlaps 'm-early'" in t for t in by_record["m-overlap"])
    assert any("missing source" in t for t in by_record["m-nosource"])
    assert any("missing source" in t and "field 'sources'" in t for t in by_record["halle"])
    assert any("duplicate actor/body id 'leipzig'" in t for t in by_record["leipzig"])
    # one message per problem, each with a line number
    assert len(texts) == len(set(texts)) == 8
    assert all("line " in t for t in texts)


def test_membership_after_the_body_was_dissolved_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "actors: [{id: a, name: A, kind: city, sources: [https://x.org]}]\n"
        "bodies: [{id: b, name: B, kind: cooperation, body_level: city_region, founded: '2000',\n"
        "          dissolved: '2010-06-30', sources: [https://x.org]}]\n"
        "memberships: [{id: m, member: a, body: b, valid_from: '2001', sources: [https://x.org]}]\n"
    )
    (problem,) = check_registry(path)
    assert "after body 'b' was dissolved" in str(problem)
    assert "record 'm'" in str(problem)
    assert "field 'valid_to'" in str(problem)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- just\n- a list\n", "expected a mapping"),
        ("actors: {id: a}\n", "must be a list of records"),
        ("members: []\n", "unknown key 'members'"),
        ("actors:\n  - [1, 2]\n", "a record must be a mapping"),
        ("actors: [\n", "not valid YAML"),
        ("actors: [{id: a, name: A, kind: city, colour: red, sources: [x]}]\n", "unknown field"),
        (
            "actors:\n  - {id: a, name: A, name: B, kind: city, sources: [x]}\n",
            "'name' appears twice",
        ),
        ("# only a comment\n", "the file is empty"),
        (b"actors: [{id: m\xfcnchen}]\n", "not UTF-8 text"),
    ],
)
def test_malformed_files_give_one_clear_message(
    tmp_path: Path, text: str | bytes, expected: str
) -> None:
    path = tmp_path / "r.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    problems = check_registry(path)
    assert any(expected in str(p) for p in problems), problems
    assert all(str(path) in str(p) for p in problems)


def test_a_control_character_is_one_line_naming_its_line(tmp_path: Path) -> None:
    """PyYAML's reader error spans lines and has no mark: one line, the character's line."""
    path = tmp_path / "r.yaml"
    path.write_text("sources: {}\nactors:\n  - {id: a\x1f, name: A}\n")
    problem = check_registry(path)[0]
    assert str(problem) == (
        f"{path}, line 3: not valid YAML: unacceptable character #x001f: control characters "
        "are not allowed"
    )


def test_a_bad_file_in_a_folder_does_not_hide_problems_in_the_others(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("- a list\n")
    (tmp_path / "b.yaml").write_text(
        "memberships: [{id: m, member: x, body: y, sources: [https://x.org]}]\n"
    )
    texts = [str(p) for p in check_registry(tmp_path)]
    assert any("a.yaml" in t and "expected a mapping" in t for t in texts)
    assert any("b.yaml" in t and "unknown member id 'x'" in t for t in texts)
    assert any("b.yaml" in t and "unknown body id 'y'" in t for t in texts)


CASCADE = """\
sources: {S1: https://example.org}
actors:
  - {id: a, name: A, kind: spaceship, sources: [S1]}
bodies:
  - {id: y, name: Y, kind: cooperation, body_level: galactic, founded: "2010",
     dissolved: "2005", sources: [S99]}
  - {id: z, name: Z, kind: cooperation, body_level: city_region, sources: [S1]}
memberships:
  - {member: a, body: y, sources: [S1]}
  - {member: z, body: z, sources: [S1]}
"""


def test_a_rejected_record_is_checked_and_not_reported_as_unknown(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(CASCADE)
    texts = [str(p) for p in check_registry(path)]
    assert not any("unknown member id 'a'" in t or "unknown body id 'y'" in t for t in texts)
    assert any("record 'a'" in t and "field 'kind'" in t for t in texts)
    assert any("record 'y'" in t and "field 'body_level'" in t for t in texts)
    # the rejected body's other problems still show in the same run
    assert any("record 'y'" in t and "unknown source 'S99'" in t for t in texts)
    assert any("record 'y'" in t and "dissolved 2005 is before founded 2010" in t for t in texts)
    assert any("record 'z → z'" in t and "member of itself" in t for t in texts)
    assert len(texts) == 5, texts


def test_an_empty_file_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("# nothing yet\n")
    (problem,) = check_registry(path)
    assert "the file is empty" in str(problem)
    assert str(path) in str(problem)


def test_a_syntax_error_does_not_flood_the_report_with_unknown_ids(tmp_path: Path) -> None:
    """One missing brace in the actors file must not turn every membership into a problem."""
    (tmp_path / "a.yaml").write_text("actors:\n  - {id: x, name: X, kind: city\n  - {id: y}\n")
    (tmp_path / "b.yaml").write_text(
        "bodies: [{id: b, name: B, kind: cooperation, body_level: city_region, sources: [https://x.org]}]\n"
        "memberships:\n"
        "  - {member: x, body: b, sources: [https://x.org]}\n"
        "  - {member: x, body: b, valid_from: '2015', valid_to: '2014', sources: [https://x.org]}\n"
    )
    texts = [str(p) for p in check_registry(tmp_path)]
    assert any("a.yaml" in t and "not valid YAML" in t for t in texts)
    assert any("ids and source ids were not checked across files" in t for t in texts)
    assert any("valid_to 2014 is before valid_from 2015" in t for t in texts)  # still checked
    assert not any("unknown member id" in t for t in texts)
    assert len(texts) == 3, texts


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    from cityregions import InputError

    with pytest.raises(InputError, match="no such registry"):
        read_registry(tmp_path / "nope.yaml")


def test_rule_weights_of_the_bundled_planning_association() -> None:
    """Check 10: the RPV Leipzig-Westsachsen statute counts the seats 7/5/4 as weights."""
    reg = read_registry(CASE_REGISTRY).as_of(dt.date(2016, 6, 30))
    rule, weights = rule_weights(reg, "rpv-lw-statute")
    assert (rule.kind, rule.measure, rule.body) == ("simple", "weight", "rpv-lw")
    assert weights == {"weight": {"leipzig": 7.0, "lk-leipzig": 5.0, "nordsachsen": 4.0}}


def test_rule_weights_of_a_double_majority_need_population() -> None:
    src = ["https://x.org"]
    reg = Registry(
        actors=[Actor(id=a, name=a, kind="city", sources=src) for a in "dcba"],
        bodies=[Body(id="b", name="B", kind="cooperation", body_level="city_region", sources=src)],
        memberships=[Membership(member=a, body="b", sources=src) for a in "dcba"],
        rules=[
            BodyRule(
                id="dm",
                body="b",
                kind="double_majority",
                sources=src,
                criteria=[
                    {"measure": "members", "threshold": 0.75},
                    {"measure": "population", "threshold": 0.65},
                ],
            ),
        ],
    )
    population = {"a": 50, "b": 30, "c": 15, "d": 5}
    _, weights = rule_weights(reg, "dm", population=population)
    # voting members sorted by id, one value per measure the criteria count
    assert weights == {
        "members": {"a": 1.0, "b": 1.0, "c": 1.0, "d": 1.0},
        "population": {"a": 50.0, "b": 30.0, "c": 15.0, "d": 5.0},
    }
    with pytest.raises(ValueError, match="no population"):
        rule_weights(reg, "dm")
    with pytest.raises(ValueError, match="unknown decision rule 'nope'"):
        rule_weights(reg, "nope")


def test_lenient_reading_logs_cross_record_problems(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "actors: [{id: a, name: A, kind: city}]\n"
        "bodies: [{id: b, name: B, kind: cooperation, body_level: city_region, sources: [x]}]\n"
    )
    reg = read_registry(path, strict=False)
    assert reg.actor_ids == ["a"]
    assert "missing source" in caplog.text
    assert "unknown source 'x'" in caplog.text
    path.write_text("actors: [{id: a, name: A, kind: town, sources: [https://x.org]}]\n")
    with pytest.raises(ValidationReport, match="got 'town'"):
        read_registry(path, strict=False)


def test_old_key_level_is_read_as_body_level_with_a_warning(tmp_path: Path) -> None:
    from cityregions import DataQualityWarning

    path = tmp_path / "old.yaml"
    path.write_text(
        "sources: {S: https://x.org}\n"
        "bodies:\n"
        "  - {id: a, name: A, kind: cooperation, level: city_region, sources: [S]}\n"
        "  - {id: b, name: B, kind: cooperation, level: thematic, sources: [S]}\n",
        encoding="utf-8",
    )
    with pytest.warns(DataQualityWarning, match=r"old key 'level' \(2 records, first on line 3\)"):
        registry = read_registry(path)
    assert [b.body_level for b in registry.bodies] == ["city_region", "thematic"]
    both = tmp_path / "both.yaml"
    both.write_text(
        "sources: {S: https://x.org}\n"
        "bodies: [{id: a, name: A, kind: cooperation, level: city_region,\n"
        "          body_level: city_region, sources: [S]}]\n",
        encoding="utf-8",
    )
    texts = [str(p) for p in check_registry(both)]
    assert texts == [
        f"{both}, line 2, record 'a', field 'level': give body_level only ('level' is its old name)"
    ], texts


def test_as_of_takes_a_date_and_text_is_parsed_at_the_edges() -> None:
    from cityregions import InputError, ParameterError
    from cityregions.registry import parse_as_of

    reg = small_registry()
    with pytest.raises(ParameterError, match=r"as_of must be a datetime\.date, got '2015-06-30'"):
        reg.as_of("2015-06-30")  # type: ignore[arg-type]
    assert parse_as_of("2015-06") == dt.date(2015, 6, 30)  # the last day of the month
    assert parse_as_of(dt.date(2015, 6, 30)) == dt.date(2015, 6, 30)
    with pytest.raises(InputError) as caught:
        parse_as_of("2015-02-30", field="as_of", source="case.toml", location="[registry]")
    assert str(caught.value) == (
        "case.toml, [registry], field 'as_of': expected an ISO date YYYY, YYYY-MM or "
        "YYYY-MM-DD with a valid month and day, got '2015-02-30' (day 30 does not exist)"
    )


# ---------------------------------------------------------------- completeness (issue 12)
PLANNING = {
    "rpv-lw": {"14713", "14729", "14730"},
    "rpv-oeoe": {"14612", "14627", "14628"},
    "pv-chemnitz": {"14511", "14521", "14522", "14523", "14524"},
    "rpv-olns": {"14625", "14626"},
    "rpg-altmark": {"15081", "15090"},
    "rpg-magdeburg": {"15003", "15083", "15086", "15089"},
    "rpg-abw": {"15001", "15082", "15091"},
    "rpg-halle": {"15002", "15084", "15087", "15088"},
    "rpg-harz": {"15085", "15087"},
    "rpg-nordthueringen": {"16061", "16062", "16064", "16065"},
    "rpg-mittelthueringen": {"16051", "16055", "16067", "16068", "16070", "16071"},
    "rpg-suedwestthueringen": {"16054", "16063", "16066", "16069", "16072", "16056"},
    "rpg-ostthueringen": {"16052", "16053", "16073", "16074", "16075", "16076", "16077"},
}  # the member districts of research note §1.2 (Mansfeld-Südharz 15087 is split)


def test_all_13_planning_regions_with_their_districts() -> None:
    reg = read_registry(CASE_REGISTRY)
    planning = {b.id: b for b in reg.bodies if b.kind == "planning_association"}
    assert set(PLANNING) <= set(planning)
    for body, districts in PLANNING.items():
        units = {
            u
            for m in reg.memberships
            if m.body == body
            for u in reg.actor(m.member).units
            if not reg.actor(m.member).units_partial
        }
        assert units == districts, body
        assert planning[body].membership_fixed, body
        assert planning[body].member_states == [sorted(districts)[0][:2]], body
    # together they cover all 50 districts of the case, each once but Mansfeld-Südharz
    counts = pd.Series([u for d in PLANNING.values() for u in d]).value_counts()
    assert len(counts) == 50
    assert counts[counts > 1].index.tolist() == ["15087"]


def test_the_moro_project_is_a_body_with_partners_activities_and_runtime() -> None:
    reg = read_registry(CASE_REGISTRY)
    moro = reg.body("moro-slp-mmd")
    assert (moro.kind, moro.founded, moro.dissolved) == ("project", "2011-09", "2013-06")
    assert "S18" in moro.sources  # the project page (stored copy: the seed document)
    roles = {(m.member, m.role) for m in reg.memberships if m.body == "moro-slp-mmd"}
    assert roles == {
        ("tu-dortmund", "lead"),
        ("tu-dresden", "partner"),
        ("ag-ueberregionale-kooperation", "partner"),
        ("bmvbs-bbr", "funder"),
    }
    parts = sorted(b.id for b in reg.bodies if b.parent == "moro-slp-mmd")
    assert parts == ["moro-activity-dresden-energy", "moro-activity-halle-leipzig",
                     "moro-activity-impuls", "moro-key-project"]  # fmt: skip


def test_target_model_links_run_past_the_project_and_are_flagged() -> None:
    from cityregions.registry import registry_flags

    reg = read_registry(CASE_REGISTRY)
    target = [m for m in reg.memberships if m.status == "target-model"]
    assert all(m.project == "moro-slp-mmd" for m in target)
    flagged = {f.record for f in registry_flags(reg) if f.field == "valid_to"}
    assert flagged == {m.label for m in target}  # dated to 09/2013 (BBSR), runtime 06/2013
    choices = {m.member for m in target if m.certainty == "uncertain"}
    assert {"regionalforum-halle", "regionalforum-leipzig", "erlebnisregion-dresden",
            "rk-magdeburg", "regionalforum-anhalt"} <= choices  # fmt: skip
    assert next(m for m in target if m.member == "impuls-kag").certainty == "confirmed"


def test_wim_and_emmd_are_one_legal_person() -> None:
    reg = read_registry(CASE_REGISTRY)
    assert "wim" not in reg.body_ids
    emmd = reg.body("emmd")
    assert (emmd.founded, emmd.dissolved) == ("2000", None)
    assert emmd.name_on(dt.date(2012, 6, 30)) == "Wirtschaftsinitiative für Mitteldeutschland e.V."
    assert emmd.name_on(dt.date(2015, 6, 30)) == "Europäische Metropolregion Mitteldeutschland e.V."
    assert emmd.predecessor == "mmd-network"


def test_unsupported_records_are_sourced_or_unknown() -> None:
    reg = read_registry(CASE_REGISTRY)
    by_pair = {}
    for m in reg.memberships:
        by_pair.setdefault((m.member, m.body), []).append(m)
    for district in ("altenburger-land", "burgenlandkreis", "lk-leipzig", "saalekreis"):
        (m,) = by_pair[(district, "emmd")]
        assert (m.valid_from, m.not_before, m.certainty) == ("unknown", "2014-04-16", "uncertain")
    dresden = {m.role: m for m in by_pair[("dresden", "erlebnisregion-dresden")]}
    assert dresden["full"].valid_from == "unknown"
    assert (dresden["deputy"].valid_from, dresden["deputy"].first_evidence) == (
        "unknown",
        "2023-11",
    )
    assert reg.body("mmd-office").founded == "unknown"
    assert reg.body("mmd-office").first_evidence == "2012-03"


def test_every_record_states_its_certainty() -> None:
    """Nothing is shown as confirmed unless its record says so (no silent default)."""
    for path in sorted(CASE_REGISTRY.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for section in ("actors", "bodies", "memberships", "rules", "claims"):
            for record in data.get(section) or []:
                assert "certainty" in record, (path.name, record.get("id") or record)


@pytest.mark.shared
def test_municipal_keys_and_names_are_the_destatis_directory(shared_data: Path) -> None:
    """Every 8-digit AGS of the registry is in the Destatis AuszugGV 2020 with its name."""
    directory = pd.read_csv(
        shared_data / "de-municipalities-2021" / "AuszugGV4Q-2020.csv", dtype=str,
        encoding="utf-8-sig",
    )  # fmt: skip
    towns = directory[directory["satzart"] == "60"]
    keys = towns["land"] + towns["rb"] + towns["kreis"] + towns["gemeinde"]
    names = dict(zip(keys, towns["gemeindename"], strict=True))
    reg = read_registry(CASE_REGISTRY)
    municipal = [a for a in reg.actors if a.key_scheme == "AGS" and len(a.key or "") == 8]
    assert len(municipal) >= 95
    for actor in municipal:
        assert actor.key in names, actor.id
        if actor.kind == "municipality":
            assert actor.name == names[actor.key], actor.id
        assert actor.units == [actor.key[:5]], actor.id
    grl = {m.member for m in reg.memberships if m.body == "gruener-ring"}
    assert {reg.actor(a).key for a in grl if reg.actor(a).kind == "municipality"} == {
        "14729020",
        "14729040",
        "14729060",
        "14729070",
        "14729190",
        "14729260",
        "14729270",
        "14729350",
        "14730250",
        "14729370",
        "14730270",
        "14730300",
        "14729430",
    }  # the 13 municipalities of the member list besides Leipzig (research §3.1)
