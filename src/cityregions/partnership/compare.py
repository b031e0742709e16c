"""The two-stage partnership: city regions as blocs of the metropolitan body.

A :class:`~cityregions.partnership.scenarios.Scenario` (members with population, blocs
with their internal rule, the metropolitan body's rule, a fee key) is turned into a
:class:`~cityregions.partnership.voting.TwoTierGame` and evaluated: weights and seats,
each member's indirect voting power (exact multilinear-extension chain rule), power
per inhabitant (Penrose), Shapley–Shubik of the flattened body, the body's Coleman
power to act and the fee per member. :func:`compare_scenarios` puts several designs
side by side (scenario files are read by :mod:`cityregions.io.scenario_files`).

Model: blocs are *compound-game* units — each bloc decides by its own rule and casts
its whole weight in the metropolitan body (Shapley 1962; Owen 1972). Beside the
chain-rule power the comparison gives the *a priori union* reading of the same body
(Owen 1977, 1982): city regions bargain as wholes, every other city region entirely for
or against (columns ``owen`` and ``banzhaf_owen``), and who can block the body alone
(``can_block_alone``: under consensus or unanimity every member of a one-member bloc).
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cityregions._errors import DataQualityWarning, InputError
from cityregions.partnership import representation as rep
from cityregions.partnership.fees import scenario_fees
from cityregions.partnership.scenarios import Scenario, ScenarioRule
from cityregions.partnership.voting import (
    PowerResult,
    TwoTierGame,
    VotingGame,
    rule_game,
    two_tier_power,
    voting_power,
)
from cityregions.partnership.voting.unions import compound_union_values
from cityregions.registry.model import DecisionRule

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PartnershipResult:
    """Evaluation of one scenario.

    Attributes
    ----------
    members
        One row per member (see :func:`evaluate_scenario`).
    blocs
        One row per bloc: population, weight in the metropolitan body, passage
        probability, decisiveness, Banzhaf and Shapley–Shubik of the bloc in the body.
    summary
        Headline figures: Coleman power to act, dummies, per-inhabitant spread, fees.
    """

    scenario: Scenario
    game: TwoTierGame
    members: pd.DataFrame
    blocs: pd.DataFrame
    summary: dict[str, Any]


def body_game(
    population: pd.Series,
    rule: ScenarioRule,
    *,
    what: str,
    strict: bool = False,
    source: str | None = None,
) -> tuple[VotingGame, pd.Series]:
    """Build the game of one body of a scenario from its members' population and rule.

    The representation part of ``rule`` gives the weights (seats) per member; the
    decision part is turned into the game by
    :func:`~cityregions.partnership.voting.rule_game` with measures ``weight`` (and
    ``seats``) = those weights, ``population`` and ``members``. Returns the game and the
    weights. ``what`` names the body in messages (``bloc 'x'``), ``source`` the file.

    Raises
    ------
    InputError
        A rule that needs population meets a member without it, a ``fixed``
        allocation names someone who is not a member or leaves a member out, a quota
        above the total — naming the file, the body and the member.
    """
    where = f"{source}, {what}" if source else what
    counts_population = any(c.measure == "population" for c in rule.normalized_criteria())
    if rule.representation not in ("equal", "fixed") or counts_population:
        missing = population[population.isna()]
        if len(missing):
            needs = "population" if counts_population else f"'{rule.representation}'"
            msg = (
                f"rule {needs} of {what} needs the population of member "
                f"'{missing.index[0]}', which is not given"
            )
            raise InputError(msg, source=where, location=missing.index[0], field="population")
    if rule.representation == "fixed":
        _check_fixed(rule.fixed, population.index, where)
    pop = population.fillna(0)
    try:
        weights = rep.representation_weights(
            pop,
            rule.representation,
            seats=rule.seats,
            fixed=rule.fixed,
            base=rule.base,
            cap=rule.cap,
            method=rule.method,
        )
    except InputError as error:  # name the scenario file and the body
        raise InputError(
            error.message, source=where, location=error.location, field=error.field
        ) from None
    decision = _with_penrose_quota(rule, pop) if rule.penrose_quota else rule.decision_rule()
    measures = {"weight": weights, "seats": weights, "population": pop.reindex(weights.index)}
    with warnings.catch_warnings():
        if len(weights) == 1:  # a single member: any majority is that member
            warnings.simplefilter("ignore", DataQualityWarning)
        game = rule_game(decision, measures, strict=strict, source=where)
    return game, weights


def _with_penrose_quota(rule: ScenarioRule, population: pd.Series) -> DecisionRule:
    """The rule with the optimal quota of the square-root rule (at least that share).

    ``q* = ½(1 + √ΣN / Σ√N)`` (Słomczyński & Życzkowski 2006) replaces the threshold of
    the rule's first criterion; an absolute ``quota`` is kept (then: at least it).
    """
    optimal = rep.penrose_optimal_quota(population[population > 0])
    data = rule.decision_rule().model_dump()
    if data["kind"] == "double_majority":
        first = data["criteria"][0]
        if first.get("quota") is None:
            first["threshold"] = optimal
        first["strict"] = False
    else:
        data["kind"] = "qualified"
        if data.get("quota") is None:
            data["threshold"] = optimal
        data["strict"] = False
    return DecisionRule.model_validate(data)


def _check_fixed(fixed: dict[str, int], members: pd.Index, where: str) -> None:
    """A fixed allocation must not give seats to someone outside the body."""
    strangers = [k for k in fixed if k not in members]
    if strangers:
        msg = (
            f"fixed seats name '{strangers[0]}', which is not a member here "
            f"(members: {', '.join(map(str, members))})"
        )
        raise InputError(msg, source=where, field="fixed")


def build_game(scenario: Scenario, *, strict: bool = False) -> tuple[TwoTierGame, pd.DataFrame]:
    """Compose the two-tier game of a scenario; also return weights per member and bloc."""
    members = pd.DataFrame([m.model_dump() for m in scenario.members]).set_index("id")
    members.index = members.index.astype(str)
    blocs: dict[str, VotingGame] = {}
    weight = pd.Series(np.nan, index=members.index, dtype=float)
    for bloc_id in scenario.bloc_ids():
        spec = scenario.bloc(bloc_id)
        inside = members[members["bloc"] == bloc_id]
        pop = inside["population"].astype(float)
        game, w = body_game(
            pop, spec.rule, what=f"bloc '{bloc_id}'", strict=strict, source=scenario.source
        )
        blocs[bloc_id] = game
        weight[w.index] = w.astype(float)
    bloc_pop = members.groupby("bloc", sort=False)["population"].sum(min_count=1)
    bloc_pop = bloc_pop.reindex(scenario.bloc_ids()).astype(float)
    top, top_weights = body_game(
        bloc_pop,
        scenario.top,
        what=f"top '{scenario.top.name}'",
        strict=strict,
        source=scenario.source,
    )
    members["member_weight"] = weight
    members["bloc_weight"] = members["bloc"].map(top_weights.astype(float))
    return TwoTierGame(top=top, blocs=blocs), members


def evaluate_scenario(
    scenario: Scenario,
    *,
    strict: bool = False,
    rng: np.random.Generator | None = None,
) -> PartnershipResult:
    """Evaluate one partnership design.

    Member columns: ``name``, ``bloc``, ``kind``, ``population``, ``source``,
    ``member_weight`` (inside the bloc), ``bloc_weight`` (the bloc's seats/weight in
    the metropolitan body), ``bloc_banzhaf_absolute``, ``bloc_decisiveness``
    (``∂f_0/∂y_j(p)``), ``banzhaf_absolute`` (indirect, exact), ``banzhaf`` (normalised
    over members), ``shapley_shubik`` (flattened body; with ``shapley_shubik_ci_low``
    and ``_ci_high`` when estimated), ``owen`` and ``banzhaf_owen`` (the blocs as a
    priori unions, :func:`~.voting.unions.compound_union_values`), ``can_block_alone``
    (the body decides nothing against this member), ``power_per_inhabitant``
    (``ψ(N_i)·β'_i``), ``per_inhabitant_ratio``, ``fee``, ``fee_per_inhabitant``.
    """
    game, members = build_game(scenario, strict=strict)
    result = two_tier_power(game, population=members["population"].astype(float), rng=rng)
    table = members[
        ["name", "bloc", "kind", "population", "source", "member_weight", "bloc_weight"]
    ].join(result.members.drop(columns=["bloc", "population"]))
    unions, top_power = _union_values(game, rng)
    table = table.join(unions)
    table["can_block_alone"] = [_blocks_alone(game, m) for m in table.index]
    table["fee"] = scenario_fees(scenario, members)
    table["fee_per_inhabitant"] = table["fee"] / table["population"]
    table.insert(0, "scenario", scenario.name)
    blocs = result.blocs.copy()
    blocs["population"] = members.groupby("bloc", sort=False)["population"].sum(min_count=1)
    blocs["weight"] = [
        float(w)
        for w in members.groupby("bloc", sort=False)["bloc_weight"].first().reindex(blocs.index)
    ]
    blocs["top_shapley_shubik"] = (
        [float(x) for x in top_power.shapley_shubik] if top_power.shapley_shubik else math.nan
    )
    blocs["can_block_alone"] = [_vetoer(game.top, b) for b in blocs.index]
    blocs.insert(0, "scenario", scenario.name)
    summary = _summary(scenario, game, table, result.coleman_act, result.shapley_method)
    return PartnershipResult(scenario, game, table.rename_axis("member"), blocs, summary)


def _union_values(
    game: TwoTierGame, rng: np.random.Generator | None
) -> tuple[pd.DataFrame, PowerResult]:
    """Owen and Banzhaf–Owen of every member with the blocs as a priori unions."""
    top = voting_power(game.top, rng=rng)
    inner = {b: voting_power(game.blocs[b], rng=rng) for b in game.top.members}
    values = compound_union_values(
        top.shapley_shubik or (),
        top.banzhaf_absolute,
        {b: r.shapley_shubik or () for b, r in inner.items()},
        {b: r.banzhaf_absolute for b, r in inner.items()},
        list(game.top.members),
    )
    frame = pd.DataFrame(
        {k: [float(x) for x in v] for k, v in values.items()},
        index=pd.Index(game.members, name="member"),
    )
    return frame, top


def _vetoer(game: VotingGame, member: str) -> bool:
    """True if all members but ``member`` together lose: it can block alone."""
    columns = game.columns()
    others = columns.sum(axis=0) - columns[game.members.index(member)]
    return not bool(game.wins(others[None, :])[0])


def _blocks_alone(game: TwoTierGame, member: str) -> bool:
    """A member blocks the body alone iff it can block its bloc and its bloc the body."""
    bloc = game.bloc_of()[member]
    return _vetoer(game.blocs[bloc], member) and _vetoer(game.top, bloc)


def _summary(
    scenario: Scenario, game: TwoTierGame, table: pd.DataFrame, act: Any, how: str
) -> dict[str, Any]:
    per = table["power_per_inhabitant"]
    positive = per[(per > 0) & per.notna()]
    rule = scenario.top.decision_rule()
    return {
        "scenario": scenario.name,
        "title": scenario.title or scenario.name,
        "members": len(table),
        "blocs": game.top.n,
        "metropolitan_rule": str(game.top),
        "decision": rule.kind,
        "abstention": rule.abstention_rule,
        "coleman_act": float(act),
        "members_without_power": ", ".join(table.index[table["banzhaf_absolute"] == 0]),
        "members_who_can_block_alone": ", ".join(table.index[table["can_block_alone"]]),
        "per_inhabitant_spread": float(positive.max() / positive.min())
        if len(positive)
        else math.nan,
        "fee_total": float(table["fee"].sum(min_count=1)),
        "shapley_method": how,
        "assumptions": len(scenario.assumptions),
    }


#: The caveat every per-inhabitant (Penrose) figure carries.
PENROSE_CAVEAT = (
    "Power per inhabitant (ψ(N)·β', Penrose 1946) assumes that the inhabitants of each "
    "member decide their representative's vote by simple majority, each voting yes or no "
    "with probability ½ independently; it is a reading of the rule, not part of any "
    "documented statute, and says nothing where representatives vote freely."
)


@dataclass(frozen=True)
class Comparison:
    """Several scenarios side by side (long tables plus a wide member table).

    Attributes
    ----------
    results
        One :class:`PartnershipResult` per scenario, in the order given.
    members
        One row per scenario and member: ``scenario``, ``member``, ``name``, ``bloc``,
        ``kind``, ``population``, ``source`` (of the population), ``member_weight``
        (inside its bloc), ``bloc_weight``, ``bloc_banzhaf_absolute``,
        ``bloc_decisiveness``, ``banzhaf_absolute`` (indirect power, exact chain rule),
        ``banzhaf`` (normalised), ``shapley_shubik`` (flattened body), ``owen`` and
        ``banzhaf_owen`` (blocs as a priori unions), ``can_block_alone``,
        ``power_per_inhabitant`` (``ψ(N)·β'``), ``per_inhabitant_ratio``, ``fee``,
        ``fee_per_inhabitant``.
    blocs
        Per scenario and bloc: ``passage_probability``, ``decisiveness``,
        ``top_banzhaf_absolute``, ``top_shapley_shubik``, ``can_block_alone``,
        ``members``, ``population``,
        ``weight``.
    summary
        Per scenario: ``title``, ``members``, ``blocs``, ``metropolitan_rule``,
        ``decision`` (kind of the metropolitan rule: simple, qualified, unanimity,
        consensus, double_majority), ``abstention`` (how it treats abstention),
        ``coleman_act`` (power to act), ``members_without_power``,
        ``members_who_can_block_alone``,
        ``per_inhabitant_spread``, ``fee_total``, ``shapley_method``, ``assumptions``.
    wide
        Member × ``<scenario>:<value>`` for side-by-side tables.
    scenarios
        Scenario name → ``title``, ``description``, ``assumptions``, ``sources``.
    notes
        Caveats every reader of the tables needs (the Penrose reading of the
        per-inhabitant figures; Monte Carlo estimates).
    """

    results: list[PartnershipResult]
    members: pd.DataFrame
    blocs: pd.DataFrame
    summary: pd.DataFrame
    wide: pd.DataFrame
    scenarios: dict[str, dict[str, Any]]
    notes: list[str] = field(default_factory=list)

    def member_tables(self) -> dict[str, pd.DataFrame]:
        """Return ``{scenario: its rows of members}`` (without the scenario column), in order."""
        return _by_scenario(self.members)

    def bloc_tables(self) -> dict[str, pd.DataFrame]:
        """Return ``{scenario: its rows of blocs}`` (without the scenario column), in order."""
        return _by_scenario(self.blocs)


#: The member columns shown first (report, dashboard), in order, when present.
MEMBER_COLUMNS = (
    "name", "bloc", "population", "member_weight", "bloc_weight", "seats", "banzhaf",
    "banzhaf_absolute", "shapley_shubik", "banzhaf_owen", "owen", "can_block_alone",
    "power_per_inhabitant", "per_inhabitant_ratio", "fee", "fee_per_inhabitant",
)  # fmt: skip


def _by_scenario(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    if "scenario" not in table.columns:
        return {}
    return {
        str(name): group.drop(columns="scenario")
        for name, group in table.groupby("scenario", sort=False)
    }


def compare_scenarios(
    scenarios: Sequence[Scenario],
    *,
    strict: bool = False,
    rng: np.random.Generator | None = None,
) -> Comparison:
    """Evaluate several scenarios and put them side by side.

    ``wide`` has one row per member and, per scenario, the columns
    ``<scenario>:bloc_weight``, ``:banzhaf_absolute``, ``:shapley_shubik``,
    ``:power_per_inhabitant`` and ``:fee``.
    """
    loaded = list(scenarios)
    names = [s.name for s in loaded]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        msg = f"two scenarios are both named '{dup}'; scenario names must differ"
        raise InputError(msg, field="name")
    results = [evaluate_scenario(s, strict=strict, rng=rng) for s in loaded]
    members = pd.concat([r.members.reset_index() for r in results], ignore_index=True)
    blocs = pd.concat([r.blocs.reset_index() for r in results], ignore_index=True)
    summary = pd.DataFrame([r.summary for r in results])
    columns = [
        "bloc",
        "bloc_weight",
        "banzhaf_absolute",
        "shapley_shubik",
        "power_per_inhabitant",
        "fee",
    ]
    wide = members.pivot_table(
        index="member", columns="scenario", values=columns[1:], aggfunc="first"
    )
    wide.columns = [f"{pair[1]}:{pair[0]}" for pair in wide.columns]
    order = [f"{s}:{c}" for s in names for c in columns[1:] if f"{s}:{c}" in wide.columns]
    texts = {
        s.name: {
            "title": s.title or s.name,
            "description": s.description,
            "assumptions": list(s.assumptions),
            "sources": list(s.sources),
            "title_de": s.title_de,
            "description_de": s.description_de,
            "assumptions_de": list(s.assumptions_de),
        }
        for s in loaded
    }
    notes = [PENROSE_CAVEAT]
    estimated = [r.scenario.name for r in results if "Monte Carlo" in r.summary["shapley_method"]]
    if estimated:
        notes.append(
            "Shapley–Shubik of the flattened body is a Monte Carlo estimate (with 95 % "
            f"intervals) in: {', '.join(estimated)}; every other figure is exact."
        )
    return Comparison(results, members, blocs, summary, wide[order], texts, notes)


def assumptions_table(comparison: Comparison) -> pd.DataFrame:
    """One row per scenario and assumption: ``scenario``, ``number``, ``assumption``.

    Assumptions are the rules and figures a scenario file sets without a documented
    source (its ``assumptions`` list); a scenario without any gets no row.
    """
    rows = [
        {"scenario": r.scenario.name, "number": i, "assumption": text}
        for r in comparison.results
        for i, text in enumerate(r.scenario.assumptions, start=1)
    ]
    return pd.DataFrame(rows, columns=["scenario", "number", "assumption"])
