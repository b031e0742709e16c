"""Scenario rules: the words of scenario files mapped onto the one decision-rule model."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from cityregions import InputError
from cityregions.io.scenario_files import read_scenario
from cityregions.partnership.compare import build_game
from cityregions.partnership.scenarios import ScenarioRule
from cityregions.pipeline.case import bundled_case_path


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


BUNDLED = sorted((bundled_case_path() / "scenarios").glob("*.*"))

#: A number as written in a text: digits with thousands separators and a decimal mark.
NUMBER = re.compile(r"\d[\d,.\u202f]*\d|\d")


def _numbers(text: str, *, german: bool) -> list[str]:
    """The numbers of ``text`` as plain decimals (English ``26,428.57``, German
    ``26 428,57`` with a narrow no-break space both read ``26428.57``), sorted."""
    found = NUMBER.findall(text)
    if german:
        return sorted(n.replace("\u202f", "").replace(",", ".") for n in found)
    return sorted(n.replace(",", "") for n in found)


def test_the_bundled_scenarios_are_all_found() -> None:
    assert len(BUNDLED) == 17


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_bundled_scenario_has_its_texts_in_german(path: Path) -> None:
    """The German report showed the English texts marked as English: every bundled
    scenario gives a German title, description (when it has one) and one German
    sentence per English assumption, with the same numbers in German notation."""
    scenario = read_scenario(path)
    assert scenario.title_de
    assert scenario.title_de != scenario.title
    assert bool(scenario.description_de) == bool(scenario.description)
    assert len(scenario.assumptions) > 0
    assert len(scenario.assumptions_de) == len(scenario.assumptions)
    pairs = [
        (scenario.title, scenario.title_de),
        (scenario.description or "", scenario.description_de or ""),
        *zip(scenario.assumptions, scenario.assumptions_de, strict=True),
    ]
    for english, german in (pair for pair in pairs if pair[0]):
        assert german != english
        assert _numbers(german, german=True) == _numbers(english, german=False), german
        # thousands in German: a narrow no-break space, as in the tables (not 25,000)
        assert not re.search(r"(?<![\d,.])[1-9]\d{0,2}[,.]\d{3}\b", german), german


def test_german_numbers_of_the_texts_are_read_as_written() -> None:
    assert _numbers("je 26\u202f428,57 € und 0,119 €", german=True) == ["0.119", "26428.57"]
    assert _numbers("26,428.57 € each and 0.119 €", german=False) == ["0.119", "26428.57"]


VARIANT_BASE = """name: base
title: Two regions
title_de: Zwei Regionen
description: Base text.
description_de: Basistext.
assumptions: [One vote each., Simple majority.]
assumptions_de: [Eine Stimme je Region., Einfache Mehrheit.]
members:
  - {id: a, bloc: a, population: 1}
  - {id: b, bloc: b, population: 1}
"""


def test_a_variant_adds_its_german_assumptions_to_the_base_ones(tmp_path: Path) -> None:
    """A variant kept its base's English assumptions and added its own, but its German
    ones replaced the base's: the German list was shorter and out of step."""
    _write(tmp_path / "base.yaml", VARIANT_BASE)
    variant = _write(
        tmp_path / "v.yaml",
        "name: v\nbase: base.yaml\ntitle: Consensus\ntitle_de: Konsens\n"
        "assumptions: ['Variant: consensus.']\nassumptions_de: ['Variante: Konsens.']\n"
        "changes: {top: {kind: consensus}}\n",
    )
    scenario = read_scenario(variant)
    assert scenario.assumptions == ["One vote each.", "Simple majority.", "Variant: consensus."]
    assert scenario.assumptions_de == [
        "Eine Stimme je Region.",
        "Einfache Mehrheit.",
        "Variante: Konsens.",
    ]
    assert (scenario.title_de, scenario.description_de) == ("Konsens", "Basistext.")


@pytest.mark.parametrize(
    ("own", "title", "title_de", "description_de"),
    [
        ("title: Own\n", "Own", None, "Basistext."),  # not the base's German title
        ("", "v", None, "Basistext."),  # the variant's name, no German title
        ("description: Own text.\n", "v", None, None),  # not the base's German text
    ],
)
def test_a_variant_never_shows_the_base_german_for_its_own_text(
    tmp_path: Path, own: str, title: str, title_de: str | None, description_de: str | None
) -> None:
    _write(tmp_path / "base.yaml", VARIANT_BASE)
    variant = _write(tmp_path / "v.yaml", f"name: v\nbase: base.yaml\n{own}changes: {{}}\n")
    scenario = read_scenario(variant)
    assert (scenario.title, scenario.title_de, scenario.description_de) == (
        title,
        title_de,
        description_de,
    )


def test_a_registry_scenario_keeps_its_german_texts() -> None:
    """``from_registry`` files passed only the English texts on (title_de was dropped)."""
    folder = BUNDLED[0].parent
    scenario = read_scenario(folder / "registry-city-regions-2012.yaml")
    assert scenario.title_de == (
        "Stadtregionen als Blöcke, aus dem Register zusammengesetzt (Zielmodell 2012)"
    )
    assert scenario.assumptions_de[0] == (
        "Registerstand 30.06.2012 mit den Verknüpfungen des MORO-Zielmodells [S18][S21]."
    )


def test_a_registry_scenario_with_an_unknown_key_is_refused(tmp_path: Path) -> None:
    """A misspelt key (``titel``) was silently ignored in ``from_registry`` files."""
    folder = BUNDLED[0].parent
    text = (folder / "registry-city-regions-2012.yaml").read_text(encoding="utf-8")
    text = text.replace("from_registry:", "titel: Tippfehler\nfrom_registry:", 1)
    broken = tmp_path / "broken.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_scenario(broken)
    message = str(caught.value)
    assert message.startswith(f"{broken}, field 'titel': unknown key 'titel'")
    assert "allowed: from_registry, top, name, title" in message
