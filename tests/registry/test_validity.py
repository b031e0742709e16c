"""When records count on a date, what snapshots assume, legal limits, flags, level mapping."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cityregions import ValidationReport
from cityregions.io.registry_yaml import check_registry, read_registry
from cityregions.registry import (
    Actor,
    Body,
    Membership,
    Registry,
    for_units,
    registry_flags,
)
from cityregions.registry.validity import window

URL = ["https://x.org"]


def toy() -> Registry:
    """A body from 2000; a district created in 2008; memberships with unknown dates."""
    return Registry(
        actors=[
            Actor(id="city", name="City", kind="city", units=["11"], state="14", sources=URL),
            Actor(id="lk", name="LK", kind="district", units=["12"], state="14",
                  founded="2008-08-01", sources=URL),
            Actor(id="town", name="Town", kind="municipality", key="12000001", key_scheme="AGS",
                  units=["12"], units_partial=True, state="14", sources=URL),
        ],
        bodies=[
            Body(id="b", name="B", kind="cooperation", body_level="city_region", founded="2000",
                 sources=URL),
            Body(id="old", name="Old", kind="forum", body_level="city_region", founded="unknown",
                 first_evidence="2005", last_evidence="2006", sources=URL),
        ],
        memberships=[
            Membership(id="undated", member="lk", body="b", valid_from="unknown", sources=URL),
            Membership(id="evidence", member="city", body="b", valid_from="unknown",
                       first_evidence="2011", last_evidence="2018", sources=URL),
            Membership(id="later", member="town", body="b", valid_from="unknown",
                       not_before="2014-04-16", sources=URL),
            Membership(id="dated", member="city", body="old", valid_from="2005",
                       valid_to="2006", sources=URL),
        ],
    )  # fmt: skip


def ids(snapshot: Registry) -> set[str]:
    return {m.label for m in snapshot.memberships}


def test_certainty_is_unspecified_unless_given() -> None:
    record = Membership(member="a", body="b", sources=URL)
    assert record.certainty == "unspecified"
    assert Body(id="b", name="B", kind="forum", body_level="thematic", sources=URL).certainty == (
        "unspecified"
    )


def test_a_district_never_counts_before_it_existed() -> None:
    """The undated membership of a district created 1.8.2008 starts with the district."""
    assert "undated" not in ids(toy().as_of(dt.date(2008, 7, 31)))
    snapshot = toy().as_of(dt.date(2008, 8, 1))
    assert "undated" in ids(snapshot)
    reasons = {a.record: a.reason for a in snapshot.assumptions}
    assert reasons["undated"] == "valid from unknown; valid to unknown; no dated evidence"


def test_unknown_start_counts_from_first_evidence_and_open_end_is_assumed_later() -> None:
    assert "evidence" not in ids(toy().as_of(dt.date(2010, 12, 31)))
    inside = toy().as_of(dt.date(2015, 6, 30))
    assert "evidence" in ids(inside)
    assert "evidence" not in {a.record for a in inside.assumptions}  # documented 2011-2018
    after = toy().as_of(dt.date(2020, 6, 30))
    reasons = {a.record: a.reason for a in after.assumptions}
    assert reasons["evidence"] == "valid to unknown; last evidence 2018"


def test_not_before_bounds_an_unknown_start_without_evidence() -> None:
    assert "later" not in ids(toy().as_of(dt.date(2014, 4, 15)))
    assert "later" in ids(toy().as_of(dt.date(2014, 4, 16)))


def test_body_with_unknown_founding_counts_from_its_evidence() -> None:
    assert "old" not in toy().as_of(dt.date(2004, 12, 31)).body_ids
    assert "old" in toy().as_of(dt.date(2005, 6, 30)).body_ids
    later = toy().as_of(dt.date(2010, 6, 30))
    assert "old" in later.body_ids  # assumed to continue, and said so
    assert ("old", "body", "dissolved unknown; last evidence 2006", True) in later.assumptions


def test_exclude_leaves_out_what_only_an_assumption_keeps() -> None:
    snapshot = toy().as_of(dt.date(2020, 6, 30), undated="exclude")
    # both bodies run on only by assumption (open end without evidence after 2020), so
    # they and their memberships are left out
    assert snapshot.body_ids == []
    assert ids(snapshot) == set()
    assert all(not a.included for a in snapshot.assumptions)
    assert {a.record for a in snapshot.assumptions} == {"b", "old"}
    reg = toy()
    evidenced = reg.bodies[0].model_copy(update={"last_evidence": "2018"})
    reg = reg.model_copy(update={"bodies": [evidenced, reg.bodies[1]]})
    kept = reg.as_of(dt.date(2015, 6, 30), undated="exclude")
    assert kept.body_ids == ["b"]
    assert ids(kept) == {"evidence"}  # documented 2011-2018; the others only assumed


def test_window_of_a_partial_date() -> None:
    record = type("R", (), {"valid_from": "2014", "valid_to": "2013-12"})
    assert window(record, "valid_from", "valid_to", dt.date(2014, 6, 30)).counts is False


def test_unknown_is_read_and_written_back(tmp_path: Path) -> None:
    from cityregions.io.registry_yaml import write_registry

    path = write_registry(toy(), tmp_path / "r.yaml")
    assert "valid_from: unknown" in path.read_text()
    assert read_registry(path) == toy()


def test_a_member_from_a_state_the_statute_excludes_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "actors:\n"
        "  - {id: halle, name: Halle, kind: city, state: '15', sources: [https://x.org]}\n"
        "bodies:\n"
        "  - {id: rpv, name: RPV, kind: planning_association, body_level: city_region,"
        " member_states: ['14'], membership_fixed: true, sources: [https://x.org]}\n"
        "memberships:\n"
        "  - {id: m, member: halle, body: rpv, sources: [https://x.org]}\n"
    )
    problems = [str(p) for p in check_registry(tmp_path / "r.yaml")]
    assert len(problems) == 1
    assert "record 'm', field 'member': member 'halle' is from state 15" in problems[0]
    assert "admits members from 14 only" in problems[0]


def test_a_membership_before_its_member_existed_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "actors:\n"
        "  - {id: lk, name: LK, kind: district, founded: '2008-08-01', sources: [https://x.org]}\n"
        "bodies:\n"
        "  - {id: b, name: B, kind: forum, body_level: city_region, sources: [https://x.org]}\n"
        "memberships:\n"
        "  - {id: m, member: lk, body: b, valid_from: '1995', sources: [https://x.org]}\n"
    )
    with pytest.raises(ValidationReport, match="before member 'lk' existed"):
        read_registry(tmp_path / "r.yaml")


def test_target_model_link_after_the_project_runtime_is_flagged() -> None:
    reg = Registry(
        bodies=[
            Body(id="moro", name="MORO", kind="project", body_level="metropolitan",
                 founded="2011-09", dissolved="2013-06", sources=URL),
            Body(id="net", name="Net", kind="metropolitan_network", body_level="metropolitan",
                 sources=URL),
            Body(id="coop", name="Coop", kind="cooperation", body_level="city_region",
                 sources=URL),
        ],
        memberships=[
            Membership(id="inside", member="coop", body="net", status="target-model",
                       project="moro", valid_from="2012-02", valid_to="2013-06", sources=URL),
            Membership(id="after", member="coop", body="net", status="target-model",
                       project="moro", valid_from="2013-07", valid_to="2013-09", sources=URL),
        ],
    )  # fmt: skip
    flags = registry_flags(reg)
    assert [(f.record, f.field) for f in flags] == [("after", "valid_to")]
    assert "after the runtime of 'moro' (2011-09 – 2013-06)" in flags[0].message


def test_for_units_maps_towns_to_their_key_and_districts_to_their_municipalities() -> None:
    municipal = for_units(toy(), ["11000000", "12000001", "12000002"])
    assert municipal.actor("town").units == ["12000001"]
    assert municipal.actor("town").units_partial is False
    assert municipal.actor("lk").units == ["12000001", "12000002"]
    assert municipal.actor("city").units == ["11000000"]
    assert for_units(toy(), ["11", "12"]) == toy()  # the registry's own level: unchanged


def test_a_claim_names_known_ids(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "actors:\n"
        "  - {id: a, name: A, kind: city, sources: [https://x.org]}\n"
        "claims:\n"
        "  - {id: c, body: ghost, centre: [a, nobody], as_of: '2012', statement: s,"
        " sources: [https://x.org]}\n"
    )
    problems = " ".join(str(p) for p in check_registry(tmp_path / "r.yaml"))
    assert "unknown body id 'ghost'" in problems
    assert "unknown centre id 'nobody'" in problems
