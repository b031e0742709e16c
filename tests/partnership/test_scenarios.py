"""Scenario rules: the words of scenario files mapped onto the one decision-rule model."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cityregions import InputError
from cityregions.io.scenario_files import read_scenario
from cityregions.partnership.compare import build_game
from cityregions.partnership.scenarios import ScenarioRule


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ({}, ("simple", None, None, None)),
        ({"share": 0.5, "more_than": True}, ("simple", None, None, None)),
        ({"share": 0.5, "more_than": False}, ("qualified", 0.5, None, False)),
        ({"share": "30%"}, ("qualified", 0.3, None, True)),  # a share: more than it
        ({"quota": 9}, ("qualified", None, 9.0, None)),  # an absolute quota: at least
        ({"quota": 9, "more_than": True}, ("qualified", None, 9.0, True)),
        ({"kind": "qualified", "threshold": 0.6}, ("qualified", 0.6, None, None)),
        ({"kind": "unanimity"}, ("unanimity", None, None, None)),
    ],
)
def test_file_words_map_onto_the_decision_rule(keys: dict, expected: tuple) -> None:
    rule = ScenarioRule.model_validate(keys)
    assert (rule.kind, rule.threshold, rule.quota, rule.strict) == expected


def test_members_share_makes_a_double_majority() -> None:
    rule = ScenarioRule.model_validate({"quota": 9, "members_share": "50%"})
    assert rule.kind == "double_majority"
    assert [(c.measure, c.threshold, c.quota, c.strict) for c in rule.criteria] == [
        ("weight", None, 9.0, False),
        ("members", 0.5, None, False),
    ]


def test_a_word_and_its_model_field_together_are_an_error() -> None:
    with pytest.raises(ValueError, match="give share or threshold, not both"):
        ScenarioRule.model_validate({"share": 0.5, "threshold": 0.5})
    with pytest.raises(ValueError, match="takes no threshold"):
        ScenarioRule.model_validate({"kind": "unanimity", "threshold": 0.5})


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


BASE = """name: base
members:
  - {id: a, bloc: a, population: 1}
  - {id: b, bloc: b, population: 1}
  - {id: c, bloc: c, population: 1}
  - {id: d, bloc: d, population: 1}
top: {representation: equal, share: 0.5, more_than: true}
"""


@pytest.mark.parametrize(
    ("change", "top"),
    [
        ("{}", "[3; 1, 1, 1, 1]"),  # more than half of 4
        ("{share: 0.75}", "[4; 1, 1, 1, 1]"),  # the base's more_than stays: more than 3
        ("{quota: 3, more_than: false}", "[3; 1, 1, 1, 1]"),  # at least 3
        ("{kind: unanimity}", "[4; 1, 1, 1, 1]"),
    ],
)
def test_a_variant_merges_the_rule_key_by_key(tmp_path: Path, change: str, top: str) -> None:
    _write(tmp_path / "base.yaml", BASE)
    variant = _write(tmp_path / "v.yaml", f"name: v\nbase: base.yaml\nchanges: {{top: {change}}}\n")
    game, _ = build_game(read_scenario(variant))
    assert str(game.top) == top


def test_a_rule_that_counts_population_needs_it(tmp_path: Path) -> None:
    text = BASE.replace("{id: d, bloc: d, population: 1}", "{id: d, bloc: d}").replace(
        "top: {representation: equal, share: 0.5, more_than: true}",
        "top: {kind: qualified, measure: population, threshold: 0.5}",
    )
    scenario = read_scenario(_write(tmp_path / "p.yaml", text))
    with pytest.raises(InputError, match=r"rule population of top .* member 'd'"):
        build_game(scenario)
    assert pd.isna(scenario.members[3].population)
