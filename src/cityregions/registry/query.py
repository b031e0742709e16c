"""Queries of a registry: the voting weights of a body and the game of a decision rule.

These take a validated :class:`~cityregions.registry.model.Registry` and return plain
data (dicts of weights and thresholds) that the voting-power engine of
:mod:`cityregions.partnership` turns into games, so that partnership needs the registry
but not the other way round.
"""

from __future__ import annotations

from collections.abc import Mapping

from cityregions._errors import InputError
from cityregions.registry.model import Registry


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


def rule_game(
    registry: Registry, rule_id: str, *, population: Mapping[str, float] | None = None
) -> list[tuple[dict[str, float], float, bool]]:
    """The game of a decision rule: one ``(weights, threshold, strict)`` per criterion.

    A coalition ``S`` wins iff for every criterion ``Σ_{i∈S} w_i ≥ threshold``
    (``> threshold`` when ``strict``), with ``threshold = quota · Σ_i w_i``.

    Examples
    --------
    For a simple majority of seats 7/5/4 the game is ``[9; 7, 5, 4]``: more than 8.
    """
    rule = next((r for r in registry.rules if r.id == rule_id), None)
    if rule is None:
        msg = f"unknown decision rule {rule_id!r}"
        raise InputError(msg, field="rule")
    game = []
    for criterion in rule.normalized_criteria():
        weights = voting_weights(
            registry, rule.body, measure=criterion.measure, population=population
        )
        game.append((weights, criterion.quota * sum(weights.values()), criterion.strict))
    return game


__all__ = ["rule_game", "voting_weights"]
