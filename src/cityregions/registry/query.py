"""Queries of a registry: the voting weights of a body and the weights of a decision rule.

These take a validated :class:`~cityregions.registry.model.Registry` and return plain
data (the rule and dicts of weights) that the voting-power engine of
:mod:`cityregions.partnership` turns into games, so that partnership needs the registry
but not the other way round.
"""

from __future__ import annotations

from collections.abc import Mapping

from cityregions._errors import InputError
from cityregions.registry.model import BodyRule, Registry


def voting_weights(
    registry: Registry,
    body_id: str,
    *,
    measure: str = "weight",
    population: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """Voting members of ``body_id`` and their value of ``measure``, sorted by id.

    ``weight`` = the membership's ``weight`` (1 if unset), ``seats``, ``members`` (1
    each) or ``population`` (from ``population``: member id → inhabitants). Take a
    snapshot with :meth:`Registry.as_of` first: one membership per member is expected.
    """
    out: dict[str, float] = {}
    for m in registry.memberships:
        if m.body != body_id or not m.has_vote:
            continue
        if measure == "members":
            value = 1.0
        elif measure == "weight":
            value = float(m.weight if m.weight is not None else 1.0)
        elif measure == "seats":
            value = float(m.seats or 0)
        elif population is not None and m.member in population:
            value = float(population[m.member])
        else:
            msg = f"no {measure} for member {m.member!r} of {body_id!r}"
            raise InputError(msg, field=measure)
        out[m.member] = value
    return dict(sorted(out.items()))


def rule_weights(
    registry: Registry, rule_id: str, *, population: Mapping[str, float] | None = None
) -> tuple[BodyRule, dict[str, dict[str, float]]]:
    """A decision rule of the registry and its voting members' value of each measure.

    Returns ``(rule, weights)`` with ``weights[measure]`` = member → value for every
    measure the rule's criteria count (see :func:`voting_weights`), ready for
    :func:`cityregions.partnership.voting.rule_game` (the registry builds no games
    itself: ``rule_game(*rule_weights(registry, "rpv-lw-statute"))``).

    Raises
    ------
    InputError
        An unknown rule id, or a measure without values (e.g. no ``population``).

    Examples
    --------
    For a simple majority of weights 7/5/4 the measure is ``weight``:
    ``{"weight": {"a": 7.0, "b": 5.0, "c": 4.0}}``, and the game is ``[9; 7, 5, 4]``.
    """
    rule = next((r for r in registry.rules if r.id == rule_id), None)
    if rule is None:
        msg = f"unknown decision rule {rule_id!r}"
        raise InputError(msg, field="rule")
    weights: dict[str, dict[str, float]] = {
        criterion.measure: voting_weights(
            registry, rule.body, measure=criterion.measure, population=population
        )
        for criterion in rule.normalized_criteria()
    }
    return rule, weights


__all__ = ["rule_weights", "voting_weights"]
