"""The study area: the registry's reach, ties left out, network restricted to it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from cityregions import InputError
from cityregions.flows import FlowTable
from cityregions.governance.analysis import analyze_governance, recommend_actions
from cityregions.governance.study_area import (
    registry_study_area,
    restrict,
    states_study_area,
    units_study_area,
)
from cityregions.registry import Actor, Body, Membership, Registry

URL = ["https://x.org"]


def registry() -> Registry:
    """Leipzig and Nordsachsen in a Saxon body; Munich's district is not in the registry."""
    return Registry(
        actors=[Actor(id="l", name="Leipzig", kind="city", units=["14713"], sources=URL),
                Actor(id="n", name="Nordsachsen", kind="district", units=["14730"], sources=URL),
                Actor(id="co", name="A company", kind="company", sources=URL)],
        bodies=[Body(id="rpv", name="RPV", kind="planning_association",
                     body_level="city_region", founded="1992", sources=URL)],
        memberships=[Membership(member="l", body="rpv", valid_from="2008", sources=URL),
                     Membership(member="n", body="rpv", valid_from="2008", sources=URL),
                     Membership(member="co", body="rpv", valid_from="2008", sources=URL)],
    )  # fmt: skip


def flows() -> FlowTable:
    """Strong ties Leipzig–Nordsachsen, Leipzig–Halle, München–LK München (outside)."""
    rows = [
        ("14730", "14713", 17000),
        ("14713", "14730", 11000),
        ("15002", "14713", 4800),
        ("14713", "15002", 3700),
        ("09184", "09162", 90000),
        ("09162", "09184", 40000),
    ]
    rows += [(u, u, 50000) for u in ("14713", "14730", "15002", "09162", "09184")]
    return FlowTable.from_long(pd.DataFrame(rows, columns=["origin", "destination", "value"]))


def test_default_study_area_is_the_registrys_reach() -> None:
    snap = registry().as_of(dt.date(2016, 6, 30))
    area = registry_study_area(snap, flows().ids)
    assert area.units == ("14713", "14730")
    assert area.how == "registry"
    with pytest.raises(InputError, match="cover none of the units"):
        registry_study_area(snap, ["09162"])


def test_ties_outside_are_left_out_and_counted() -> None:
    result = analyze_governance(registry(), flows(), as_of=dt.date(2016, 6, 30),
                                n_permutations=9, rng=np.random.default_rng(0))  # fmt: skip
    pairs = set(zip(result.gaps["unit_a"], result.gaps["unit_b"], strict=True))
    assert pairs == {("14713", "14730")}  # München and Halle are outside
    assert result.ties_outside == 2  # Munich–LK München and Leipzig–Halle
    assert result.summary()["ties_outside_study_area"] == 2
    assert any("2 strong ties with an end outside" in w for w in result.warnings)
    states = states_study_area(["14", "15"], {u: u[:2] for u in flows().ids})
    wider = analyze_governance(registry(), flows(), as_of=dt.date(2016, 6, 30), study_area=states,
                               n_permutations=9, rng=np.random.default_rng(0))  # fmt: skip
    gaps = wider.gaps.set_index(["unit_a", "unit_b"])
    assert bool(gaps.loc[("14713", "15002"), "gap"])
    assert wider.ties_outside == 1
    # Halle (15002) is in the study area but in no body: its gap may be the registry's
    reach = [w for w in wider.warnings if "outside every body of the registry" in w]
    assert reach == [
        "1 of the 3 units of the study area lie outside every body of the registry on "
        "2016-06-30: their strong ties count as gaps although the registry may only not "
        "record the bodies there"
    ]
    assert not any("outside every body" in w for w in result.warnings)


def test_recommend_counts_the_units_outside_the_registrys_reach() -> None:
    states = states_study_area(["09", "14"], {u: u[:2] for u in flows().ids})
    table, info = recommend_actions(registry(), flows(), as_of=dt.date(2016, 6, 30),
                                    study_area=states)  # fmt: skip
    assert info["outside_reach"] == 2  # München and LK München
    assert len(info["warnings"]) == 1
    assert info["warnings"][0].startswith("2 of the 4 units of the study area lie outside")
    assert info["gaps"] == 1  # München–LK München only: the warning says why
    assert table.empty  # no body to join, none across a state border


def test_explicit_units_must_exist() -> None:
    with pytest.raises(InputError, match="not in the territory"):
        units_study_area(["99999"], flows().ids)
    with pytest.raises(InputError, match="covers no unit"):
        units_study_area([], flows().ids)
    with pytest.raises(InputError, match="no unit lies in the states 01"):
        states_study_area(["01"], {"14713": "14"})


def test_restrict_keeps_actors_inside_and_the_members_without_units() -> None:
    snap = registry().as_of(dt.date(2016, 6, 30))
    inside = restrict(snap, ["14713"])
    assert sorted(inside.actor_ids) == ["co", "l"]
    assert {m.member for m in inside.memberships} == {"co", "l"}
    assert restrict(snap, ["09162"]).memberships == []
