"""One decision-rule model, one game builder: registry rules and scenario rules alike.

Every expected value is counted by hand in the comments (swings of each member over the
winning coalitions), never taken from the implementation.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pandas as pd
import pytest

from cityregions import InputError
from cityregions.io.registry_yaml import read_registry
from cityregions.partnership.compare import body_game
from cityregions.partnership.scenarios import ScenarioRule
from cityregions.partnership.voting import equivalent, rule_game, voting_power, weighted_game
from cityregions.pipeline.case import bundled_case_path
from cityregions.registry import (
    Actor,
    Body,
    BodyRule,
    DecisionRule,
    Membership,
    Registry,
    rule_weights,
)

RPV = {"leipzig": 7, "lk-leipzig": 5, "nordsachsen": 4}


def test_registry_rule_and_scenario_rule_give_the_same_game_and_banzhaf_by_hand() -> None:
    """RPV Leipzig-Westsachsen: more than half of the 16 votes 7/5/4 = [9; 7, 5, 4].

    Winning coalitions: {L, LL} 12, {L, N} 11, {LL, N} 9, {L, LL, N} 16. Each member
    swings in the two pairs it belongs to and not in the grand coalition (any two
    others still have 9), so every member is decisive in 2 of the 4 coalitions of the
    others: absolute Banzhaf 2/4 = 1/2, normalised 1/3 each.
    """
    registry = read_registry(bundled_case_path() / "registry").as_of(dt.date(2016, 6, 30))
    from_registry = rule_game(*rule_weights(registry, "rpv-lw-statute"))
    scenario_rule = ScenarioRule.model_validate(
        {"representation": "fixed", "fixed": RPV, "share": 0.5, "more_than": True}
    )
    population = pd.Series(dict.fromkeys(RPV, 1.0))
    from_scenario, weights = body_game(population, scenario_rule, what="bloc 'rpv'")
    assert from_registry == from_scenario  # the identical game, not only an equivalent one
    assert str(from_registry) == "[9; 7, 5, 4]"
    assert weights.to_dict() == RPV
    power = voting_power(from_registry)
    assert power.banzhaf_absolute == (Fraction(1, 2), Fraction(1, 2), Fraction(1, 2))
    assert power.banzhaf == (Fraction(1, 3), Fraction(1, 3), Fraction(1, 3))
    assert voting_power(from_scenario).banzhaf_absolute == power.banzhaf_absolute


def _double_majority_registry() -> Registry:
    src = ["https://x.org"]
    return Registry(
        actors=[Actor(id=a, name=a, kind="city", sources=src) for a in "abcd"],
        bodies=[Body(id="b", name="B", kind="cooperation", body_level="city_region", sources=src)],
        memberships=[Membership(member=a, body="b", sources=src) for a in "abcd"],
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
            )
        ],
    )


def test_double_majority_of_members_and_population_by_hand() -> None:
    """At least 3 of 4 members and 65 % of 50/30/15/5 (governance-methods check 4).

    Winning: abc (95), abd (85), acd (70) and abcd; bcd has 50 < 65. Swings: a in abc,
    abd, acd and abcd (bcd loses) = 4 of 8 → 1/2; b in abc, abd = 2 → 1/4; c in abc,
    acd → 1/4; d in abd, acd → 1/4. The game is [5; 3, 1, 1, 1].
    """
    population = {"a": 50, "b": 30, "c": 15, "d": 5}
    game = rule_game(*rule_weights(_double_majority_registry(), "dm", population=population))
    # population scaled exactly by its gcd 5: 10/6/3/1, quota 65 % of 20 = 13
    assert str(game) == "(members ≥ 3 AND population ≥ 13)"
    assert voting_power(game).banzhaf_absolute == (
        Fraction(1, 2),
        Fraction(1, 4),
        Fraction(1, 4),
        Fraction(1, 4),
    )
    assert equivalent(game, weighted_game([3, 1, 1, 1], 5, members=list("abcd")))
    scenario_rule = ScenarioRule.model_validate(
        {"representation": "equal", "kind": "double_majority",
         "criteria": [{"measure": "members", "threshold": "75%"},
                      {"measure": "population", "threshold": 0.65}]}
    )  # fmt: skip
    same, _ = body_game(pd.Series(population, dtype=float), scenario_rule, what="council")
    assert same == game


def test_a_missing_measure_names_it() -> None:
    rule = DecisionRule(kind="qualified", measure="population", threshold=0.6)
    with pytest.raises(InputError, match="counts population, but no population is given"):
        rule_game(rule, {"weight": {"a": 1, "b": 1}})
    with pytest.raises(InputError, match="no population for member 'a'"):
        rule_weights(_double_majority_registry(), "dm", population={"b": 1})


def test_absolute_quota_and_unanimity() -> None:
    """Bundesrat: at least 35 of the 69 votes is the weighted game [35; w]."""
    seats = [6, 6, 6, 6, 5, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3]
    votes = dict(zip("ABCDEFGHIJKLMNOP", seats, strict=True))
    game = rule_game(DecisionRule(kind="qualified", quota=35), {"weight": votes})
    assert game == weighted_game(votes, 35)
    # unanimity counts members: with weights 7/5/4 every member is a veto player
    all_of = rule_game(DecisionRule(kind="unanimity"), {"weight": RPV})
    assert str(all_of) == "[3; 1, 1, 1]"
    assert voting_power(all_of).banzhaf_absolute == (Fraction(1, 4), Fraction(1, 4), Fraction(1, 4))
