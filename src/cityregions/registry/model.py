"""The governance registry: who cooperates in which body, since when, and on what source.

A :class:`Registry` holds four kinds of records, modelled on the Popolo
Organization/Membership classes with extensions for voting weights, fees and decision
rules:

* :class:`Actor` — a city, district, state, chamber, company, university, association
  or other organisation, with its official key (e.g. the 8-digit AGS) and the
  territorial ``units`` (ids of the case's :class:`~cityregions.Territory`, e.g. 5-digit
  district keys) it stands for;
* :class:`Body` — a cooperation, planning association, metropolitan network or
  association, company, working group or other organ, on a ``body_level``
  (``city_region`` | ``metropolitan`` | ``thematic``), with legal form, seat, founding and
  dissolution dates, an explicit territory or one derived from its members, themes and
  an optional ``parent`` body (the organ of which body it is);
* :class:`Membership` — a member (an actor **or a body**) in a body, with role, voting
  right and weight, fee, validity dates, source and certainty, and a ``status`` that
  separates documented memberships from links of a *target model*
  (``status: target-model``);
* :class:`BodyRule` — how a body decides (a :class:`DecisionRule`: simple or
  qualified majority, unanimity or a double majority with several criteria) with its
  id, body, decision type and validity.

Every record carries ``sources`` (ids of the registry's ``sources`` list or URLs) and a
``certainty`` (``confirmed`` | ``single-source`` | ``uncertain``). Dates are ISO 8601 with
reduced precision allowed, as in Popolo: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; a start
date ``2014`` means 1 January 2014 and an end date ``2013`` means 31 December 2013.

This module holds the records and the registry itself; queries that turn a registry into
weights and games are in :mod:`cityregions.registry.query`, cross-record checks in
:mod:`cityregions.registry.validation`. Registries are read from YAML (one file or a
folder of files) by :func:`cityregions.io.registry_yaml.read_registry`, which reports
**all** problems at once as a :class:`~cityregions.ValidationReport` (file, record id,
field, what was expected).

Examples
--------
>>> reg = Registry(
...     sources={"S1": Source(url="https://example.org")},
...     actors=[Actor(id="leipzig", name="Leipzig", kind="city", units=["14713"],
...                   sources=["S1"])],
...     bodies=[Body(id="emmd", name="EMMD e.V.", kind="metropolitan_association",
...                  body_level="metropolitan", founded="2014-03", sources=["S1"])],
...     memberships=[Membership(member="leipzig", body="emmd", valid_from="2015-01-01",
...                             sources=["S1"])],
... )
>>> import datetime as dt
>>> len(reg.as_of(dt.date(2015, 6, 30)).memberships)
1
>>> len(reg.as_of(dt.date(2014, 12, 31)).memberships)
0
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from cityregions._errors import InputError, ParameterError

logger = logging.getLogger(__name__)

ActorKind = Literal[
    "city", "district", "state", "chamber", "company", "university", "association", "other"
]
BodyKind = Literal[
    "cooperation",
    "planning_association",
    "metropolitan_network",
    "metropolitan_association",
    "association",
    "company",
    "working_group",
    "committee",
    "board",
    "assembly",
    "office",
    "conference",
    "forum",
    "other",
]
BodyLevel = Literal["city_region", "metropolitan", "thematic"]
Role = Literal[
    "full", "advisory", "represented", "lead", "chair", "deputy", "observer", "shareholder"
]
Certainty = Literal["confirmed", "single-source", "uncertain"]
Status = Literal["documented", "target-model"]
RuleKind = Literal["simple", "qualified", "unanimity", "double_majority"]
Measure = Literal["members", "weight", "seats", "population"]

#: The tiers of bodies (``body_level``).
BODY_LEVELS: tuple[str, ...] = ("city_region", "metropolitan", "thematic")

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
DATE_EXPECTED = "an ISO date YYYY, YYYY-MM or YYYY-MM-DD with a valid month and day"


def _check_partial_date(value: str) -> str:
    """Return ``value`` if it is a valid reduced-precision ISO date, else raise."""
    text = str(value).strip()
    match = _DATE_RE.match(text)
    if match is None:
        msg = f"expected {DATE_EXPECTED}, got {value!r}"
        raise ValueError(msg)
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is not None and not 1 <= month <= 12:
        msg = f"expected {DATE_EXPECTED}, got {value!r} (month {month} does not exist)"
        raise ValueError(msg)
    if day is not None and month is not None:
        last = calendar.monthrange(year or 1, month)[1]
        if not 1 <= day <= last:
            msg = f"expected {DATE_EXPECTED}, got {value!r} (day {day} does not exist)"
            raise ValueError(msg)
    return text


#: A reduced-precision ISO 8601 date string (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``).
PartialDate = Annotated[str, AfterValidator(_check_partial_date)]


def date_start(value: str | dt.date | None) -> dt.date | None:
    """Return the first day a (partial) date can mean: ``"2014"`` → 2014-01-01."""
    if value is None or isinstance(value, dt.date):
        return value
    year, month, day = (int(g) if g else None for g in _DATE_RE.match(value).groups())  # type: ignore[union-attr]
    return dt.date(year or 1, month or 1, day or 1)


def date_end(value: str | dt.date | None) -> dt.date | None:
    """Return the last day a (partial) date can mean: ``"2013"`` → 2013-12-31."""
    if value is None or isinstance(value, dt.date):
        return value
    year, month, day = (int(g) if g else None for g in _DATE_RE.match(value).groups())  # type: ignore[union-attr]
    year = year or 1
    if month is None:
        return dt.date(year, 12, 31)
    return dt.date(year, month, day or calendar.monthrange(year, month)[1])


def parse_as_of(
    value: str | dt.date,
    *,
    field: str = "as_of",
    source: str | Path | None = None,
    location: str | None = None,
) -> dt.date:
    """Parse a snapshot date given as text at an edge (command line, case.toml, a file).

    ``YYYY-MM-DD``; reduced precision is allowed, ``YYYY`` and ``YYYY-MM`` mean the last
    day of the year or month. A :class:`datetime.date` (TOML and YAML read unquoted
    dates as dates) is returned as it is. The library itself takes dates only.

    Parameters
    ----------
    value
        The text (or date) as given.
    field
        The option or field it came from (``--as-of``, ``[registry] as_of``), named in
        the message.
    source, location
        The file it came from and where in it (``[registry]``), if any.

    Raises
    ------
    InputError
        Naming ``field`` (and ``source``) and what is allowed.

    Examples
    --------
    >>> parse_as_of("2015-06-30"), parse_as_of("2013")
    (datetime.date(2015, 6, 30), datetime.date(2013, 12, 31))
    """
    if isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        end = date_end(_check_partial_date(str(value)))
    except ValueError as error:
        raise InputError(str(error), source=source, location=location, field=field) from error
    assert end is not None
    return end


class _Record(BaseModel):
    """Common fields of every record: provenance and certainty."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: list[str] = Field(
        default_factory=list,
        description="Source ids (keys of the registry's `sources`) or URLs; at least one.",
    )
    certainty: Certainty = "confirmed"
    note: str | None = None


class Source(BaseModel):
    """A cited document: URL, title and retrieval or publication date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    title: str | None = None
    date: PartialDate | None = None


class Actor(_Record):
    """An organisation that can be a member of bodies (never a natural person).

    Attributes
    ----------
    id
        Registry-wide unique id (shared namespace with bodies).
    kind
        ``city``, ``district``, ``state``, ``chamber``, ``company``, ``university``,
        ``association`` or ``other``.
    key, key_scheme
        Official key, e.g. the 8-digit ``AGS``; ``key_scheme`` names the scheme.
    units
        Ids of the territorial units the actor stands for (e.g. 5-digit district keys).
    units_partial
        True when the actor covers only part of its ``units`` (a town inside a district).
    state
        Two-digit state key (``14`` Saxony, ``15`` Saxony-Anhalt, ``16`` Thuringia).
    """

    id: str
    name: str
    kind: ActorKind
    key: str | None = None
    key_scheme: str | None = None
    units: list[str] = Field(default_factory=list)
    units_partial: bool = False
    state: str | None = None


class Body(_Record):
    """A cooperation, association, company, working group or organ of another body.

    Attributes
    ----------
    body_level
        The body's tier: ``city_region``, ``metropolitan`` or ``thematic`` (registry
        files may still write ``level``; the reader warns and maps it).
    parent
        Id of the body this one is an organ or subsidiary of (Popolo ``parent_id``).
    predecessor
        Id of the body this one continues (e.g. a KAG turned into an e.V.).
    territory
        Explicit unit ids; ``None`` means: derived from the members' ``units``.
    founded, dissolved
        Lifetime (partial ISO dates); memberships must lie inside it.
    """

    id: str
    name: str
    kind: BodyKind
    body_level: BodyLevel
    legal_form: str | None = None
    seat: str | None = None
    founded: PartialDate | None = None
    dissolved: PartialDate | None = None
    territory: list[str] | None = None
    themes: list[str] = Field(default_factory=list)
    parent: str | None = None
    predecessor: str | None = None


class Fee(BaseModel):
    """A membership fee: amount per period, flat or per inhabitant."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: float = Field(ge=0)
    currency: str = "EUR"
    period: Literal["year", "once"] = "year"
    basis: Literal["flat", "per_inhabitant", "share"] = "flat"


class Membership(_Record):
    """A member (actor **or** body) in a body during ``valid_from`` … ``valid_to``.

    Attributes
    ----------
    role
        ``full`` (voting member), ``advisory``, ``represented`` (takes part through
        another member, named in ``represented_by``), ``lead``, ``chair``, ``deputy``,
        ``observer``, ``shareholder``.
    represented_by
        Id of the member that speaks or votes for this one (Popolo ``on_behalf_of``
        seen from the other side); for a target-model link of a cooperation into the
        metropolitan body, the representative city.
    voting, weight, seats
        Voting right, voting weight (default 1 for voting members) and seats.
    share
        Share in capital or in a cost key (0–1).
    status
        ``documented`` (a fact with a source) or ``target-model`` (a link of the
        intended model, e.g. the two-stage partnership, not a documented membership).
    """

    id: str | None = None
    member: str
    body: str
    role: Role = "full"
    represented_by: str | None = None
    voting: bool | None = None
    weight: float | None = Field(default=None, ge=0)
    seats: int | None = Field(default=None, ge=0)
    fee: Fee | None = None
    share: float | None = Field(default=None, ge=0, le=1)
    valid_from: PartialDate | None = None
    valid_to: PartialDate | None = None
    status: Status = "documented"

    @property
    def label(self) -> str:
        """The id if given, else ``member → body (from)``."""
        if self.id:
            return self.id
        return f"{self.member} → {self.body}" + (f" ({self.valid_from})" if self.valid_from else "")

    @property
    def has_vote(self) -> bool:
        """Voting right: explicit ``voting`` or, if unset, role ``full``/``lead``/``chair``."""
        if self.voting is not None:
            return self.voting
        return self.role in ("full", "lead", "chair", "deputy")

    def valid_on(self, day: dt.date) -> bool:
        """True if the membership is valid on ``day`` (open ends are unbounded)."""
        start, end = date_start(self.valid_from), date_end(self.valid_to)
        return (start is None or start <= day) and (end is None or day <= end)


def _share(value: Any) -> Any:
    """Read a share written as a percentage (``"66.7%"`` → 0.667); leave others as given."""
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            return float(value.strip()[:-1]) / 100
        except ValueError:
            return value
    return value


class Criterion(BaseModel):
    """One criterion of a decision rule: the yes-side's ``measure`` reaches a quota.

    The quota is ``threshold`` — a share of the total of all voting members (``0.55``
    or ``"55%"``) — or ``quota``, an absolute amount of the measure (``35`` votes).
    ``strict`` means *more than* (a simple majority is ``threshold=0.5, strict=True``).

    Notes
    -----
    A coalition :math:`S` meets the criterion iff :math:`m(S) \\ge q` (:math:`m(S) > q`
    when ``strict``), with :math:`m(S) = \\sum_{i \\in S} m_i` and
    :math:`q = t \\sum_i m_i` for a threshold :math:`t`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    measure: Measure = "weight"
    threshold: float | None = Field(default=None, gt=0, le=1)
    quota: float | None = Field(default=None, gt=0)
    strict: bool = False

    _percent = field_validator("threshold", mode="before")(_share)

    @model_validator(mode="after")
    def _one_quota(self) -> Criterion:
        if (self.threshold is None) == (self.quota is None):
            msg = (
                f"criterion on {self.measure}: give exactly one of threshold (a share, "
                "e.g. 0.55) or quota (an absolute amount, e.g. 35)"
            )
            raise ValueError(msg)
        _check_quota(self.quota, self.measure)
        return self


def _check_quota(quota: float | None, measure: str) -> None:
    """An absolute quota ≤ 1 is almost surely a share written in the wrong field."""
    if quota is not None and quota <= 1:
        msg = (
            f"quota {quota:g} is an absolute amount of {measure} (e.g. 35 of 69 votes); "
            f"write a share as threshold: {quota:g}"
        )
        raise ValueError(msg)


class DecisionRule(BaseModel):
    """How a body decides, as data that the voting-power module turns into a game.

    The same model describes the rule of a body in the registry (:class:`BodyRule`
    adds id, body and validity) and the rule of a body in a partnership scenario
    (:class:`cityregions.partnership.scenarios.ScenarioRule` adds how weights come
    from population); :func:`cityregions.partnership.voting.rule_game` builds the game.

    Attributes
    ----------
    kind
        ``simple`` (more than half of ``measure``), ``qualified`` (at least
        ``threshold`` of ``measure``, or the absolute ``quota``; more than it with
        ``strict``), ``unanimity`` (all voting members) or ``double_majority``
        (``criteria`` that must all hold, e.g. members and population).
    measure
        What is counted for simple and qualified majorities: ``weight`` (voting
        weights), ``members`` (one member one vote), ``seats`` or ``population``.
    threshold, quota
        The quota of a qualified majority as a share of the total (``2/3``, ``"60%"``)
        or as an absolute amount of ``measure``.
    strict
        *More than* the quota (default: at least).
    criteria
        The criteria of a double majority.

    Examples
    --------
    >>> [(c.measure, c.threshold, c.strict) for c in DecisionRule().normalized_criteria()]
    [('weight', 0.5, True)]
    >>> rule = DecisionRule(kind="double_majority", criteria=[
    ...     {"measure": "members", "threshold": 0.55},
    ...     {"measure": "population", "threshold": "65%"}])
    >>> [(c.measure, c.threshold) for c in rule.normalized_criteria()]
    [('members', 0.55), ('population', 0.65)]
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: RuleKind = "simple"
    measure: Measure = "weight"
    threshold: float | None = Field(default=None, gt=0, le=1)
    quota: float | None = Field(default=None, gt=0)
    strict: bool | None = None
    criteria: list[Criterion] = Field(default_factory=list)

    _percent = field_validator("threshold", mode="before")(_share)

    def problems(self) -> list[tuple[str, str]]:
        """Return ``(field, message)`` for each field that does not fit the ``kind``."""
        out = []
        if self.kind == "qualified" and self.threshold is None and self.quota is None:
            out.append(("threshold", "a qualified majority needs threshold (e.g. 0.6667)"))
        if self.kind == "qualified" and self.threshold is not None and self.quota is not None:
            out.append(("quota", "give threshold (a share) or quota (an amount), not both"))
        if self.kind in ("simple", "unanimity") and (
            self.threshold is not None or self.quota is not None
        ):
            field = "threshold" if self.threshold is not None else "quota"
            out.append((field, f"a rule of kind '{self.kind}' takes no {field} (use qualified)"))
        if self.kind == "double_majority" and len(self.criteria) < 2:
            msg = f"a double majority needs at least 2 criteria, got {len(self.criteria)}"
            out.append(("criteria", msg))
        if self.kind != "double_majority" and self.criteria:
            out.append(("criteria", f"a rule of kind '{self.kind}' takes no criteria"))
        try:
            _check_quota(self.quota, self.measure)
        except ValueError as error:
            out.append(("quota", str(error)))
        return out

    def normalized_criteria(self) -> list[Criterion]:
        """Return the rule as a list of criteria that must all hold.

        ``simple`` → ``[measure > 1/2]``; ``qualified`` → ``[measure ≥ threshold]``
        (``>`` with ``strict``; a missing threshold is read as 2/3); ``unanimity`` →
        ``[members ≥ all]``; ``double_majority`` → ``criteria``.
        """
        if self.kind == "simple":
            return [Criterion(measure=self.measure, threshold=0.5, strict=True)]
        if self.kind == "qualified":
            threshold = self.threshold if self.quota is None else None
            if threshold is None and self.quota is None:
                threshold = 2 / 3
            return [
                Criterion(
                    measure=self.measure,
                    threshold=threshold,
                    quota=self.quota if threshold is None else None,
                    strict=bool(self.strict),
                )
            ]
        if self.kind == "unanimity":
            return [Criterion(measure="members", threshold=1.0)]
        return list(self.criteria)


class BodyRule(DecisionRule, _Record):
    """A decision rule of a body in the registry: the rule plus its record fields.

    Attributes
    ----------
    id, body
        Rule id and the body it belongs to.
    decision
        The kind of decision it governs (``default``, ``statute``, …).
    base
        ``all`` members or those ``present``.
    valid_from, valid_to, status
        Validity and whether it is documented or part of a target model.
    """

    id: str
    body: str
    decision: str = "default"
    kind: RuleKind
    base: Literal["all", "present"] = "all"
    valid_from: PartialDate | None = None
    valid_to: PartialDate | None = None
    status: Status = "documented"


class Registry(BaseModel):
    """Actors, bodies, memberships and decision rules with their sources.

    Equality compares the records only (not the files they were read from), so a
    registry written by :func:`write_registry` and read back equals the original.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: dict[str, Source] = Field(default_factory=dict)
    actors: list[Actor] = Field(default_factory=list)
    bodies: list[Body] = Field(default_factory=list)
    memberships: list[Membership] = Field(default_factory=list)
    rules: list[BodyRule] = Field(default_factory=list)
    _origins: dict[str, tuple[str, int | None]] = PrivateAttr(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Registry):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]

    # ------------------------------------------------------------------ look-ups
    @property
    def actor_ids(self) -> list[str]:
        """Ids of all actors, in registry order."""
        return [a.id for a in self.actors]

    @property
    def body_ids(self) -> list[str]:
        """Ids of all bodies, in registry order."""
        return [b.id for b in self.bodies]

    def actor(self, actor_id: str) -> Actor:
        """Return the actor with ``actor_id`` (KeyError if unknown)."""
        return self._actor_index()[actor_id]

    def body(self, body_id: str) -> Body:
        """Return the body with ``body_id`` (KeyError if unknown)."""
        return self._body_index()[body_id]

    def _actor_index(self) -> dict[str, Actor]:
        return {a.id: a for a in self.actors}

    def _body_index(self) -> dict[str, Body]:
        return {b.id: b for b in self.bodies}

    def origin(self, record_id: str) -> tuple[str | None, int | None]:
        """File and line a record was read from (``(None, None)`` if built in code)."""
        return self._origins.get(record_id, (None, None))

    def with_origins(self, origins: dict[str, tuple[str, int | None]]) -> Registry:
        """Return this registry remembering the file each record came from."""
        self._origins.update(origins)
        return self

    # ------------------------------------------------------------------ time
    def as_of(self, as_of: dt.date, *, include_target: bool = False) -> Registry:
        """Return the snapshot valid on the day ``as_of``.

        Keeps all actors, the bodies alive on ``as_of`` (``founded`` ≤ as_of ≤
        ``dissolved``; unknown dates are open), the memberships and rules valid on
        ``as_of`` whose body is alive, and – only with ``include_target=True`` – the
        links marked ``status: target-model``.

        Parameters
        ----------
        as_of
            The day (a :class:`datetime.date`; text from a command line or a file is
            parsed there with :func:`parse_as_of`).
        include_target
            Keep target-model links (the two-stage partnership) in the snapshot.

        Raises
        ------
        ParameterError
            If ``as_of`` is not a date.
        """
        if not isinstance(as_of, dt.date):
            msg = (
                f"as_of must be a datetime.date, got {as_of!r}; parse text with "
                "cityregions.registry.parse_as_of"
            )
            raise ParameterError(msg)
        day = as_of
        bodies = [b for b in self.bodies if _alive(b, day)]
        alive = {b.id for b in bodies} | set(self.actor_ids)
        memberships = [
            m
            for m in self.memberships
            if m.valid_on(day)
            and m.body in alive
            and m.member in alive
            and (include_target or m.status == "documented")
        ]
        rules = [
            r
            for r in self.rules
            if r.body in alive
            and _in_interval(day, r.valid_from, r.valid_to)
            and (include_target or r.status == "documented")
        ]
        snapshot = Registry(
            sources=self.sources,
            actors=self.actors,
            bodies=bodies,
            memberships=memberships,
            rules=rules,
        )
        return snapshot.with_origins(dict(self._origins))

    def documented(self) -> Registry:
        """Return the registry without target-model links."""
        return self.model_copy(
            update={"memberships": [m for m in self.memberships if m.status == "documented"]}
        )

    # ------------------------------------------------------------------ structure
    def members_of(self, body_id: str, *, recursive: bool = False) -> list[str]:
        """Ids of the members of ``body_id`` (with ``recursive``: members of member bodies)."""
        direct = list(dict.fromkeys(m.member for m in self.memberships if m.body == body_id))
        if not recursive:
            return direct
        seen: dict[str, None] = {}
        stack = list(reversed(direct))
        bodies = set(self.body_ids)
        while stack:
            item = stack.pop()
            if item in seen:
                continue
            seen[item] = None
            if item in bodies:
                stack.extend(reversed(self.members_of(item)))
        return list(seen)

    def body_units(self, body_id: str, *, include_partial: bool = True) -> list[str]:
        """Unit ids of a body: its ``territory`` or the union of its members' units.

        Member bodies contribute their own (recursively derived) units. With
        ``include_partial=False`` actors flagged ``units_partial`` are ignored.
        """
        body = self.body(body_id)
        if body.territory is not None:
            return sorted(set(body.territory))
        actors = self._actor_index()
        units: set[str] = set()
        for member in self.members_of(body_id, recursive=True):
            actor = actors.get(member)
            if actor is not None and (include_partial or not actor.units_partial):
                units.update(actor.units)
        return sorted(units)

    def areas(
        self,
        *,
        body_levels: Iterable[str] = ("city_region",),
        kinds: Iterable[str] | None = None,
        include_partial: bool = True,
        include_organs: bool = False,
    ) -> dict[str, list[str]]:
        """Cooperation areas: body id → unit ids, for bodies on ``body_levels`` with units.

        ``kinds`` restricts the body kinds (e.g. leave out ``planning_association``);
        organs and subsidiaries (bodies with a ``parent``) are left out unless
        ``include_organs``.
        """
        wanted = set(body_levels)
        wanted_kinds = set(kinds) if kinds is not None else None
        out = {}
        for body in self.bodies:
            if body.parent is not None and not include_organs:
                continue
            if wanted_kinds is not None and body.kind not in wanted_kinds:
                continue
            if body.body_level in wanted:
                units = self.body_units(body.id, include_partial=include_partial)
                if units:
                    out[body.id] = units
        return out

    def actor_states(self) -> dict[str, str | None]:
        """Two-digit state key per actor: ``state`` or the first two digits of its key."""
        out: dict[str, str | None] = {}
        for actor in self.actors:
            state = actor.state
            if state is None and actor.key and actor.key[:2].isdigit():
                state = actor.key[:2]
            if state is None and actor.units and actor.units[0][:2].isdigit():
                state = actor.units[0][:2]
            out[actor.id] = state
        return out


def _alive(body: Body, day: dt.date) -> bool:
    return _in_interval(day, body.founded, body.dissolved)


def _in_interval(day: dt.date, start: str | None, end: str | None) -> bool:
    lo, hi = date_start(start), date_end(end)
    return (lo is None or lo <= day) and (hi is None or day <= hi)


__all__ = [
    "BODY_LEVELS",
    "Actor",
    "Body",
    "BodyRule",
    "Criterion",
    "DecisionRule",
    "Fee",
    "Membership",
    "Registry",
    "Source",
    "date_end",
    "date_start",
    "parse_as_of",
]
