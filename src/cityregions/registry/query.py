"""Queries of a registry: the voting weights of a body and the weights of a decision rule.

These take a validated :class:`~cityregions.registry.model.Registry` and return plain
data (the rule and dicts of weights) that the voting-power engine of
:mod:`cityregions.partnership` turns into games, so that partnership needs the registry
but not the other way round.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from cityregions._errors import InputError
from cityregions.registry.model import Actor, BodyRule, Registry


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


def for_units(registry: Registry, units: Iterable[str]) -> Registry:
    """Return ``registry`` with each actor's and body's units expressed in ``units``.

    A registry names the units of one level (the bundled case: 5-digit district keys,
    with towns as ``units_partial`` parts of their district). A territory of another
    level (e.g. 8-digit municipal keys) needs the same actors in its own ids:

    * units already among ``units`` are kept;
    * an actor whose ``key`` (scheme ``AGS``) is among ``units`` stands for that unit
      (a town at municipal level; ``units_partial`` becomes False);
    * a unit that is the prefix of ids in ``units`` (a district key of municipalities)
      stands for all of them;
    * anything else is kept as it is (and reported by
      :func:`~cityregions.registry.validation.check_units`).

    Body ``territory`` lists are mapped by the last two rules.

    Examples
    --------
    >>> from cityregions.registry import Actor, Registry
    >>> reg = Registry(actors=[
    ...     Actor(id="schkeuditz", name="Schkeuditz", kind="city", key="14730270",
    ...           key_scheme="AGS", units=["14730"], units_partial=True, sources=["x"]),
    ...     Actor(id="nordsachsen", name="Nordsachsen", kind="district", units=["14730"],
    ...           sources=["x"])])
    >>> municipal = for_units(reg, ["14730270", "14730300"])
    >>> municipal.actor("schkeuditz").units, municipal.actor("nordsachsen").units
    (['14730270'], ['14730270', '14730300'])
    """
    ids = sorted({str(u) for u in units})
    known = set(ids)

    def mapped(unit_list: Iterable[str]) -> list[str]:
        out: list[str] = []
        for unit in unit_list:
            if unit in known:
                out.append(unit)
                continue
            parts = [i for i in ids if i.startswith(unit) and len(i) > len(unit)]
            out.extend(parts or [unit])
        return sorted(dict.fromkeys(out))

    actors = []
    for actor in registry.actors:
        actors.append(_actor_in(actor, known, mapped))
    bodies = [
        b.model_copy(update={"territory": mapped(b.territory)}) if b.territory is not None else b
        for b in registry.bodies
    ]
    return registry.model_copy(update={"actors": actors, "bodies": bodies}).with_origins(
        dict(registry._origins)
    )


def _actor_in(actor: Actor, known: set[str], mapped: Callable[[Iterable[str]], list[str]]) -> Actor:
    """The actor with its units in the ids ``known`` (see :func:`for_units`).

    A part of a unit (``units_partial``) whose own key is not among ``known`` keeps its
    units: the whole of the unit's parts would overstate it.
    """
    if actor.units and all(u in known for u in actor.units):
        return actor
    if actor.key_scheme == "AGS" and actor.key in known:
        return actor.model_copy(update={"units": [actor.key], "units_partial": False})
    if not actor.units or actor.units_partial:
        return actor
    return actor.model_copy(update={"units": mapped(actor.units)})


__all__ = ["for_units", "rule_weights", "voting_weights"]
