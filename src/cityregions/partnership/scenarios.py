"""Partnership scenarios: a two-stage body described as data (the model of a scenario file).

A scenario names the members (with population and its source), groups them into blocs
(city regions) with each bloc's internal rule, and gives the rule of the metropolitan
body and the fee key::

    name: network-2012
    title: City network 2012 as documented
    members:
      - {id: leipzig, name: Leipzig, population: 502979, bloc: leipzig,
         source: "Zensus 9.5.2011"}
    blocs:
      - {id: leipzig, rule: {representation: equal, share: 0.5, more_than: true}}
    top: {name: Gemeinsamer Ausschuss, representation: equal, share: 0.5, more_than: true}
    fees: {key: flat, total: 270000}

Scenario files are read by :func:`cityregions.io.scenario_files.read_scenario`. A
scenario can also be composed from the governance registry (see
:func:`scenario_from_registry`)::

    name: registry-city-regions-2012
    from_registry: {path: ../registry, body: mmd-network, as_of: "2012-06-30",
                    city_regions: true, units: ../districts.csv}
    top: {share: 0.5, more_than: true}

Populations come from one table for the whole scenario, so that every member has the
same reference date: ``population_from: ../municipalities.csv`` (a unit table with a
``population`` column, path relative to the file) and ``units: [...]`` per member
instead of a ``population`` number (see :class:`MemberSpec`)::

    population_from: ../municipalities.csv
    members:
      - {id: leipzig, name: Leipzig, units: ["14713000"], bloc: leipzig}
      - {id: lk-leipzig, name: Landkreis Leipzig, kind: district, units: ["14729"],
         bloc: leipzig}

A *variant* names a ``base`` file (relative path) and only the ``changes``:
``add_members``, ``remove_members``, ``regroup`` (member → bloc), ``blocs`` (added or
replacing blocs with the same id), ``remove_blocs``, ``top`` and ``fees`` (merged
key by key; a ``top`` change naming ``kind`` replaces the base's decision rule). A
variant keeps the base's ``assumptions`` and ``sources`` and adds its own (so write them
as changes: "Variant: …"). Unknown keys are errors (the file is checked before anything
runs). The rules of blocs and of the metropolitan body are :class:`ScenarioRule`
objects: representation plus the :class:`~cityregions.registry.DecisionRule` that
registry bodies use too.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    model_validator,
)

from cityregions._errors import InputError
from cityregions._numbers import percent_share
from cityregions.registry.model import DecisionRule

if TYPE_CHECKING:
    import pandas as pd

    from cityregions.registry import Registry

logger = logging.getLogger(__name__)

Representation = Literal["equal", "proportional", "penrose", "degressive", "fixed"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


#: Keys of scenario files for the quota, mapped onto the :class:`DecisionRule` fields.
FILE_KEYS = ("share", "more_than", "members_share")


class ScenarioRule(DecisionRule):
    """The rule of a body in a scenario: representation plus the decision rule.

    *Representation* turns the members' population into weights: ``representation``
    (``equal``, ``proportional``, ``penrose``, ``degressive``, ``fixed``), ``seats``,
    ``fixed`` (member/bloc id → seats), ``base``, ``cap``, ``method`` (see
    :func:`~cityregions.partnership.representation.representation_weights`). The
    *decision rule* is a :class:`~cityregions.registry.DecisionRule` over those weights
    (measure ``weight``; ``members`` and ``population`` can be counted too): ``kind``,
    ``measure``, ``threshold`` or absolute ``quota``, ``strict``, ``criteria``.
    ``penrose_quota: true`` replaces the threshold by the optimal quota of the
    square-root rule (at least that share).

    Scenario files may write the quota with their own words, mapped onto the model
    when the file is read:

    * ``share: x`` → ``threshold: x`` (a percentage such as ``"66.7%"`` is accepted);
      ``more_than`` → ``strict``, which defaults to true for a share (``share: 0.5`` =
      simple majority) and to false for an absolute ``quota`` (``quota: 9`` = at least
      9, as in ``partnership power --quota 9``);
    * ``members_share: y`` → a ``double_majority`` of the weight criterion and at least
      ``y`` of the members.

    Without any quota the rule is a simple majority of the weights.

    Examples
    --------
    >>> rule = ScenarioRule.model_validate({"representation": "fixed",
    ...     "fixed": {"a": 7, "b": 5, "c": 4}, "quota": 9})
    >>> rule.kind, [(c.quota, c.strict) for c in rule.normalized_criteria()]
    ('qualified', [(9.0, False)])
    >>> ScenarioRule.model_validate({"share": 0.5, "more_than": True}).kind
    'simple'
    """

    representation: Representation = "equal"
    seats: int | None = Field(default=None, gt=0)
    fixed: dict[str, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    base: int = Field(default=1, ge=0)
    cap: int | None = Field(default=None, gt=0)
    method: Literal["hamilton", "dhondt", "sainte_lague"] = "sainte_lague"
    penrose_quota: bool = False
    note: str | None = None
    _given: dict[str, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _remember_keys(cls, data: Any, handler: Any) -> Any:
        """Keep the keys as written: a variant merges its changes into them."""
        rule = handler(_from_file_keys(data))
        if isinstance(data, dict):
            rule._given = dict(data)
        elif isinstance(data, ScenarioRule):
            rule._given = dict(data.given)
        return rule

    @model_validator(mode="after")
    def _fits_kind(self) -> ScenarioRule:
        problems = self.problems()
        if problems:
            field, problem = problems[0]
            msg = f"{field}: {problem}"
            raise ValueError(msg)
        return self

    @property
    def given(self) -> dict[str, Any]:
        """The keys of the rule as written in the file (or passed in code)."""
        return dict(self._given) if self._given else self.model_dump(exclude_defaults=True)

    def decision_rule(self) -> DecisionRule:
        """Return the decision rule alone (without representation)."""
        return DecisionRule.model_validate(self.model_dump(include=set(DecisionRule.model_fields)))


def _from_file_keys(data: Any) -> Any:
    """Map the scenario-file words (share, more_than, members_share) onto the model."""
    if not isinstance(data, dict) or ("kind" in data and not set(FILE_KEYS) & set(data)):
        return data
    data = dict(data)
    share = percent_share(data.pop("share", None))
    more_than = data.pop("more_than", None)
    members_share = percent_share(data.pop("members_share", None))
    for word, field, value in (("share", "threshold", share), ("more_than", "strict", more_than)):
        if value is not None and data.get(field) is not None:
            msg = f"give {word} or {field}, not both"
            raise ValueError(msg)
    if share is not None and data.get("quota") is None:
        data["threshold"] = share
    if more_than is not None:
        data["strict"] = more_than
    elif share is not None and data.get("quota") is None and data.get("strict") is None:
        data["strict"] = True  # a share asks for more than it unless said otherwise
    if members_share is not None:
        return _double_majority(data, members_share)
    if "kind" not in data and not data.get("criteria"):
        data["kind"] = _kind(data)
    return data


def _kind(data: dict[str, Any]) -> str:
    """``simple`` for more than half (no quota), else ``qualified``."""
    threshold, quota, strict = data.get("threshold"), data.get("quota"), data.get("strict")
    if quota is None and threshold is None:
        return "simple"
    if quota is None and threshold == 0.5 and strict:
        data["threshold"] = data["strict"] = None
        return "simple"
    return "qualified"


def _double_majority(data: dict[str, Any], members_share: Any) -> dict[str, Any]:
    """The weight criterion of ``data`` and at least ``members_share`` of the members."""
    quota, threshold = data.pop("quota", None), data.pop("threshold", None)
    strict = data.pop("strict", None)
    first = {"measure": data.pop("measure", "weight"), "strict": bool(strict)}
    if quota is not None:
        first["quota"] = quota
    else:
        first["threshold"] = threshold if threshold is not None else 0.5
        first["strict"] = strict if strict is not None else True
    data["kind"] = "double_majority"
    data["criteria"] = [first, {"measure": "members", "threshold": members_share}]
    return data


class MemberSpec(_Strict):
    """One member: id, name, population (with its source), bloc and kind.

    ``units`` names the territorial units the member stands for (e.g. the 8-digit key
    of a city, the 5-digit key of a district); the scenario reader takes the
    population from the scenario's ``population_from`` table (a district key sums its
    municipalities) and writes the table's source into ``source``. A member gives
    either ``units`` or ``population``.
    """

    id: str
    name: str | None = None
    units: list[str] = Field(default_factory=list)
    population: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    source: str | None = None
    bloc: str
    kind: str = "city"
    pays: bool = True


class BlocSpec(_Strict):
    """A bloc (city region): its id, name and internal decision rule."""

    id: str
    name: str | None = None
    rule: ScenarioRule = Field(default_factory=ScenarioRule)
    note: str | None = None


class FeeSpec(_Strict):
    """Fee key of the metropolitan body (see :func:`~.representation.fees`).

    ``per_capita`` takes either a budget ``total`` or a ``rate`` per inhabitant.
    """

    key: Literal["flat", "per_capita", "mixed", "shares"] = "flat"
    total: float | None = Field(default=None, ge=0)
    rate: float | None = Field(default=None, ge=0)
    flat_share: float = Field(default=0.5, ge=0, le=1)
    shares: dict[str, float] = Field(default_factory=dict)
    note: str | None = None


class TopRule(ScenarioRule):
    """The metropolitan body: a name plus its rule over the blocs."""

    name: str = "metropolitan body"


class Scenario(_Strict):
    """A complete two-stage partnership design."""

    name: str
    title: str | None = None
    description: str | None = None
    sources: list[str] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    #: German versions of the texts, shown by the German report and dashboard (optional;
    #: without them the German presentation marks the English text as English).
    title_de: str | None = None
    description_de: str | None = None
    assumptions_de: list[str] = Field(default_factory=list)
    members: list[MemberSpec]
    blocs: list[BlocSpec] = Field(default_factory=list)
    top: TopRule = Field(default_factory=TopRule)
    fees: FeeSpec = Field(default_factory=FeeSpec)
    population_from: str | None = None
    _source: str | None = PrivateAttr(default=None)

    @property
    def source(self) -> str | None:
        """The file the scenario was read from (for messages), if any."""
        return self._source

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        seen: dict[str, str] = {}
        for member in self.members:
            if member.id in seen:
                where = (
                    f"in bloc '{seen[member.id]}' and in bloc '{member.bloc}'; a member "
                    "belongs to one bloc only (blocs are disjoint)"
                    if seen[member.id] != member.bloc
                    else "twice"
                )
                msg = f"member '{member.id}' is listed {where}"
                raise ValueError(msg)
            seen[member.id] = member.bloc
        bloc_ids = [b.id for b in self.blocs]
        if len(set(bloc_ids)) != len(bloc_ids):
            dup = next(b for b in bloc_ids if bloc_ids.count(b) > 1)
            msg = f"bloc '{dup}' is defined twice"
            raise ValueError(msg)
        used = {m.bloc for m in self.members}
        for bloc in bloc_ids:
            if bloc not in used:
                msg = f"bloc '{bloc}' has no members"
                raise ValueError(msg)
        return self

    def bloc_ids(self) -> list[str]:
        """Blocs in order: defined ones first, then implicit single-member blocs."""
        ids = [b.id for b in self.blocs]
        for member in self.members:
            if member.bloc not in ids:
                ids.append(member.bloc)
        return ids

    def bloc(self, bloc_id: str) -> BlocSpec:
        """The bloc definition (implicit blocs get the default rule)."""
        for bloc in self.blocs:
            if bloc.id == bloc_id:
                return bloc
        return BlocSpec(id=bloc_id)


class Changes(_Strict):
    """What a variant changes in its base scenario."""

    add_members: list[MemberSpec] = Field(default_factory=list)
    remove_members: list[str] = Field(default_factory=list)
    regroup: dict[str, str] = Field(default_factory=dict)
    blocs: list[BlocSpec] = Field(default_factory=list)
    remove_blocs: list[str] = Field(default_factory=list)
    top: dict[str, Any] = Field(default_factory=dict)
    fees: dict[str, Any] = Field(default_factory=dict)


#: Keys of a rule that say how it decides (model fields and scenario-file words).
DECISION_KEYS = (*DecisionRule.model_fields, *FILE_KEYS, "penrose_quota")


def merge_rule(base: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    """Merge a variant's change of a rule into the base rule, both as written.

    Keys are merged one by one (``{more_than: false}`` keeps the base's ``share``),
    except that a change naming ``kind`` replaces the base's whole decision rule (its
    representation keys stay).

    Examples
    --------
    >>> merge_rule({"representation": "equal", "share": 0.6}, {"more_than": False})
    {'representation': 'equal', 'share': 0.6, 'more_than': False}
    >>> merge_rule({"representation": "equal", "share": 0.6}, {"kind": "unanimity"})
    {'representation': 'equal', 'kind': 'unanimity'}
    """
    if "kind" in change:
        base = {k: v for k, v in base.items() if k not in DECISION_KEYS}
    return {**base, **change}


def apply_changes(
    base: Scenario, changes: Changes, path: Path | str | None = None
) -> dict[str, Any]:
    """Return the data of ``base`` with a variant's ``changes`` applied (not yet validated).

    Raises
    ------
    InputError
        A change names a member or bloc the base lacks, or adds one it has; the error
        names ``path`` (the variant file) and the change.
    """
    data = base.model_dump()
    members = {m["id"]: m for m in data["members"]}
    for member_id in changes.remove_members:
        if member_id not in members:
            msg = f"cannot remove member '{member_id}': not in the base scenario"
            raise InputError(msg, source=path, field="remove_members")
        del members[member_id]
    for member in changes.add_members:
        if member.id in members:
            msg = (
                f"cannot add member '{member.id}': already in the base scenario "
                "(use regroup to move it, or remove_members first)"
            )
            raise InputError(msg, source=path, field="add_members")
        members[member.id] = member.model_dump()
    for member_id, target in changes.regroup.items():
        if member_id not in members:
            msg = f"cannot regroup member '{member_id}': not in the scenario"
            raise InputError(msg, source=path, field="regroup")
        members[member_id]["bloc"] = target
    blocs = {b["id"]: b for b in data["blocs"]}
    for bloc_id in changes.remove_blocs:
        if blocs.pop(bloc_id, None) is None and not any(
            m["bloc"] == bloc_id for m in data["members"]
        ):
            msg = f"cannot remove bloc '{bloc_id}': not in the base scenario"
            raise InputError(msg, source=path, field="remove_blocs")
    for bloc in changes.blocs:
        blocs[bloc.id] = bloc.model_dump()
    data["members"] = list(members.values())
    data["blocs"] = list(blocs.values())
    data["top"] = merge_rule(base.top.given, changes.top)
    data["fees"] = {**data["fees"], **changes.fees}
    return data


def population_from_units(registry: Registry, population: pd.Series) -> dict[str, float]:
    """Inhabitants per actor: the sum over its units (actors with partial units left out).

    ``population`` is indexed by unit id (e.g. ``territory.units["population"]``).
    """
    out: dict[str, float] = {}
    for actor in registry.actors:
        if (
            actor.units
            and not actor.units_partial
            and all(u in population.index for u in actor.units)
        ):
            out[actor.id] = float(sum(population[u] for u in actor.units))
    return out


def _region_members(
    snapshot: Registry, memberships: list[Any], bodies: set[str]
) -> dict[str, tuple[str, int]]:
    """Member → (city-regional body, vote 0/1) for members of member *bodies*."""
    placed: dict[str, tuple[str, int]] = {}
    for m in memberships:
        if m.member not in bodies:
            continue
        for inner in snapshot.memberships:
            if inner.body != m.member or inner.member in bodies:
                continue
            if inner.member in placed:
                if placed[inner.member][0] != m.member:
                    msg = (
                        f"'{inner.member}' is a member of both '{placed[inner.member][0]}' "
                        f"and '{m.member}'; the two-stage model needs disjoint city regions "
                        "(end one membership at this date, or evaluate the flattened body)"
                    )
                    raise InputError(msg, location=f"actor '{inner.member}'", field="memberships")
                continue
            placed[inner.member] = (m.member, 1 if inner.has_vote else 0)
    return placed


def scenario_from_registry(
    registry: Registry,
    body: str,
    *,
    as_of: dt.date,
    population: Mapping[str, float],
    regions: Mapping[str, str] | None = None,
    city_regions: bool = False,
    name: str | None = None,
    top: ScenarioRule | None = None,
    source: str = "population mapping",
) -> Scenario:
    """Compose a scenario from the registry's memberships of ``body`` on ``as_of``.

    Parameters
    ----------
    registry
        The governance registry.
    body
        The metropolitan body (e.g. ``mmd-network``).
    as_of
        Snapshot date.
    population
        Actor id → inhabitants (see :func:`population_from_units`).
    regions
        Member → city region (e.g. functional labels): members are grouped by region,
        one member one vote inside.
    city_regions
        Use the registry's two-stage links (``status: target-model``): member *bodies*
        of ``body`` (city-regional cooperations) become the blocs, with their own
        members inside (one vote per voting member, more than half decides); actors
        already in such a bloc are not counted again.
    top
        Rule of the metropolitan body (default: one vote per bloc, more than half).

    Raises
    ------
    InputError
        ``body`` has no memberships on ``as_of``; with ``city_regions``, an actor that
        is a member of two city-regional bodies (blocs must be disjoint).

    Notes
    -----
    Without regions, voting members form their own bloc and a member
    ``represented_by`` another joins the representative's bloc with weight 0.
    """
    snapshot = registry.as_of(as_of, include_target=city_regions)
    memberships = [m for m in snapshot.memberships if m.body == body]
    if not memberships:
        msg = f"body '{body}' has no memberships on {as_of.isoformat()}"
        raise InputError(msg, field="body")
    bodies = set(snapshot.body_ids)
    placed = _region_members(snapshot, memberships, bodies) if city_regions else {}
    for m in memberships:
        if m.member in bodies or m.member in placed:
            continue
        bloc = m.represented_by if m.role == "represented" and m.represented_by else m.member
        if m.has_vote or m.role == "represented":
            placed[m.member] = (bloc, 1 if m.has_vote else 0)
    if regions is not None:
        placed = {k: (regions.get(k, b), 1) for k, (b, _) in placed.items()}
    members = []
    for member_id, (bloc, _) in placed.items():
        actor = registry.actor(member_id)
        members.append(
            {
                "id": member_id,
                "name": actor.name,
                "population": population.get(member_id),
                "bloc": bloc,
                "kind": actor.kind,
                "source": source if member_id in population else "not available",
            }
        )
    blocs = []
    for bloc_id in dict.fromkeys(b for b, _ in placed.values()):
        votes = {k: v for k, (b, v) in placed.items() if b == bloc_id}
        if not any(votes.values()):
            votes = dict.fromkeys(votes, 1)
        label = registry.body(bloc_id).name if bloc_id in bodies else None
        blocs.append(
            {
                "id": bloc_id,
                "name": label,
                "rule": {"representation": "fixed", "fixed": votes},
            }
        )
    top_rule = {**(top.given if top is not None else {}), "name": registry.body(body).name}
    return Scenario.model_validate(
        {
            "name": name or f"{body}-{as_of.isoformat()}",
            "title": f"{registry.body(body).name} on {as_of.isoformat()} (from the registry)",
            "members": members,
            "blocs": blocs,
            "top": top_rule,
        }
    )
