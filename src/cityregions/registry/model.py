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
``certainty`` (``confirmed`` | ``single-source`` | ``uncertain`` | ``unspecified``, the
default: a record is never *confirmed* unless it says so). Dates are ISO 8601 with
reduced precision allowed, as in Popolo: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; a start
date ``2014`` means 1 January 2014 and an end date ``2013`` means 31 December 2013.
Validity and lifetime dates may say ``unknown``; ``first_evidence`` and
``last_evidence`` bound what a snapshot counts without assuming
(:mod:`cityregions.registry.validity`; the snapshot lists its
:attr:`Registry.assumptions`).

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

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from cityregions._errors import ParameterError
from cityregions._numbers import percent_share
from cityregions.registry.dates import (
    DateOrUnknown,
    PartialDate,
    date_end,
    date_start,
    parse_as_of,
)
from cityregions.registry.validity import Assumption, Undated, counted_records

logger = logging.getLogger(__name__)

ActorKind = Literal[
    "city",
    "municipality",
    "district",
    "state",
    "chamber",
    "company",
    "university",
    "association",
    "other",
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
    "project",
    "other",
]
BodyLevel = Literal["city_region", "metropolitan", "thematic"]
Role = Literal[
    "full",
    "advisory",
    "represented",
    "lead",
    "chair",
    "deputy",
    "observer",
    "shareholder",
    "partner",
    "funder",
]
Certainty = Literal["confirmed", "single-source", "uncertain", "unspecified"]
#: Certainty flags; ``unspecified`` (the default) is never shown as confirmed.
CERTAINTIES: tuple[str, ...] = ("confirmed", "single-source", "uncertain", "unspecified")
Status = Literal["documented", "target-model"]
RuleKind = Literal["simple", "qualified", "unanimity", "consensus", "double_majority"]
#: How a rule treats abstention (see :class:`DecisionRule`).
Abstention = Literal["counts_as_no", "not_counted", "does_not_block"]
Measure = Literal["members", "weight", "seats", "population"]

#: The tiers of bodies (``body_level``).
BODY_LEVELS: tuple[str, ...] = ("city_region", "metropolitan", "thematic")


class _Record(BaseModel):
    """Common fields of every record: provenance and certainty."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: list[str] = Field(
        default_factory=list,
        description="Source ids (keys of the registry's `sources`) or URLs; at least one.",
    )
    certainty: Certainty = "unspecified"
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
        ``city`` (a kreisfreie Stadt or a network city), ``municipality`` (a town or
        municipality inside a district), ``district``, ``state``, ``chamber``,
        ``company``, ``university``, ``association`` or ``other``.
    key, key_scheme
        Official key, e.g. the 8-digit ``AGS``; ``key_scheme`` names the scheme.
    units
        Ids of the territorial units the actor stands for (e.g. 5-digit district keys).
    units_partial
        True when the actor covers only part of its ``units`` (a town inside a district).
    state
        Two-digit state key (``14`` Saxony, ``15`` Saxony-Anhalt, ``16`` Thuringia).
    founded, dissolved
        When the actor came into existence in the form its ``key`` and ``units`` name
        (e.g. a district created by the Saxon district reform of 1 August 2008) and when
        it ended; a membership never counts outside this span. ``None`` or ``unknown``:
        not recorded.
    """

    id: str
    name: str
    kind: ActorKind
    key: str | None = None
    key_scheme: str | None = None
    units: list[str] = Field(default_factory=list)
    units_partial: bool = False
    state: str | None = None
    founded: DateOrUnknown | None = None
    dissolved: DateOrUnknown | None = None


class OtherName(BaseModel):
    """A former or alternative name of a body with its validity (Popolo ``other_names``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    valid_from: PartialDate | None = None
    valid_to: PartialDate | None = None


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
        Lifetime (partial ISO dates or ``unknown``); memberships must lie inside it.
    first_evidence, last_evidence
        Earliest and latest date a source shows the body at work: with an unknown
        founding date the body counts from its first evidence; with an unknown or open
        end, snapshots after the last evidence *assume* it still exists and say so
        (:mod:`cityregions.registry.validity`).
    other_names
        Former names with their validity (the legal person continues under a new name,
        e.g. the Wirtschaftsinitiative's association renamed EMMD e.V. in 2014).
    member_states
        Legal limit recorded in the statute or law: members may only come from these
        states (two-digit keys). ``None``: no limit recorded. Recommendations never
        propose a member from another state.
    membership_fixed
        The members are fixed by law (e.g. a statutory planning region): nobody can join
        by decision, so recommendations never propose joining it.
    """

    id: str
    name: str
    kind: BodyKind
    body_level: BodyLevel
    legal_form: str | None = None
    seat: str | None = None
    founded: DateOrUnknown | None = None
    dissolved: DateOrUnknown | None = None
    first_evidence: PartialDate | None = None
    last_evidence: PartialDate | None = None
    territory: list[str] | None = None
    themes: list[str] = Field(default_factory=list)
    parent: str | None = None
    predecessor: str | None = None
    other_names: list[OtherName] = Field(default_factory=list)
    member_states: list[str] | None = None
    membership_fixed: bool = False

    def name_on(self, day: dt.date) -> str:
        """The body's name on ``day``: a former name (``other_names``) valid then, or ``name``.

        Examples
        --------
        >>> body = Body(id="emmd", name="EMMD e.V.", kind="association",
        ...             body_level="metropolitan", sources=["x"],
        ...             other_names=[{"name": "WIM e.V.", "valid_to": "2014-03-17"}])
        >>> body.name_on(dt.date(2012, 6, 30)), body.name_on(dt.date(2015, 6, 30))
        ('WIM e.V.', 'EMMD e.V.')
        """
        for other in self.other_names:
            if _in_interval(day, other.valid_from, other.valid_to):
                return other.name
        return self.name


class Fee(BaseModel):
    """A membership fee: amount per period, flat or per inhabitant.

    ``valid_from``/``valid_to`` give the years the amount applies to when the source
    says so (e.g. Magdeburg's 25,000 €/year in the city network 2010–2013).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: float = Field(ge=0)
    currency: str = "EUR"
    period: Literal["year", "once"] = "year"
    basis: Literal["flat", "per_inhabitant", "share"] = "flat"
    valid_from: PartialDate | None = None
    valid_to: PartialDate | None = None

    def applies_on(self, day: dt.date) -> bool:
        """True if the fee applies on ``day`` (undated bounds are open)."""
        return _in_interval(day, self.valid_from, self.valid_to)


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
    project
        For a target-model link: the id of the project body whose model it belongs to;
        a link dated outside the project's runtime is flagged by
        :func:`cityregions.registry.validation.registry_flags`.
    valid_from, valid_to
        Validity (partial ISO dates or ``unknown``).
    first_evidence, last_evidence
        Earliest and latest date a source shows the membership: with an unknown
        ``valid_from`` it counts from its first evidence; with an unknown or open end,
        snapshots after the last evidence *assume* it continues and say so.
    not_before
        With an unknown start and no first evidence: a date before which the sources
        rule the membership out (e.g. districts were to join only after the 2014 local
        elections); the membership is assumed from then on.
    fee
        The fee, only where a source gives it.
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
    valid_from: DateOrUnknown | None = None
    valid_to: DateOrUnknown | None = None
    first_evidence: PartialDate | None = None
    last_evidence: PartialDate | None = None
    not_before: PartialDate | None = None
    status: Status = "documented"
    project: str | None = None

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
        """True if ``day`` lies between the known dates (unknown and open ends unbounded).

        This reads the dates only; what a snapshot counts (evidence, existence of both
        ends, assumptions) is :meth:`Registry.as_of`.
        """
        start, end = date_start(self.valid_from), date_end(self.valid_to)
        return (start is None or start <= day) and (end is None or day <= end)


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

    _percent = field_validator("threshold", mode="before")(percent_share)

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
        ``strict``), ``unanimity`` (all voting members say yes), ``consensus`` (no
        voting member objects: every member can block, an abstaining member does not)
        or ``double_majority`` (``criteria`` that must all hold, e.g. members and
        population).
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
    abstention
        How the body's rules treat a member who abstains, as documented:
        ``counts_as_no`` (the quota is of all voting members, so abstaining works like
        no — e.g. "majority of the votes of all members" in the Saxon planning
        associations' statutes), ``not_counted`` (the quota is of the votes cast) or
        ``does_not_block`` (consensus: abstaining lets the others proceed, as in the
        Metropolregion Hamburg's Regionsrat). Default: ``does_not_block`` for
        ``consensus``, ``counts_as_no`` otherwise. The voting-power model has two
        options per member (yes, or no = object), so the game is the same for all
        three; the field records the rule and is shown with the results.

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
    abstention: Abstention | None = None

    _percent = field_validator("threshold", mode="before")(percent_share)

    @property
    def abstention_rule(self) -> str:
        """``abstention`` as given, or the default of the kind."""
        if self.abstention is not None:
            return self.abstention
        return "does_not_block" if self.kind == "consensus" else "counts_as_no"

    def problems(self) -> list[tuple[str, str]]:
        """Return ``(field, message)`` for each field that does not fit the ``kind``."""
        out = []
        if self.kind == "qualified" and self.threshold is None and self.quota is None:
            out.append(("threshold", "a qualified majority needs threshold (e.g. 0.6667)"))
        if self.kind == "qualified" and self.threshold is not None and self.quota is not None:
            out.append(("quota", "give threshold (a share) or quota (an amount), not both"))
        if self.kind in ("simple", "unanimity", "consensus") and (
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
        (``>`` with ``strict``; a missing threshold is read as 2/3); ``unanimity`` and
        ``consensus`` → ``[members ≥ all]`` (with yes and no as the only votes, "nobody
        objects" is "everybody agrees"); ``double_majority`` → ``criteria``.
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
        if self.kind in ("unanimity", "consensus"):
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


class Claim(_Record):
    """A documented claim about the governance that the analysis puts data next to.

    Attributes
    ----------
    id
        Claim id.
    kind
        ``exit``: members left the network ``body`` as it became centred on ``centre``
        (e.g. the press accounts that Dresden and Magdeburg left the city network
        centred on Halle/Leipzig).
    body
        The network the claim is about.
    centre
        Actor ids of the centre.
    as_of
        The date whose members the claim is about (before the exits).
    statement
        The claim in the sources' words (paraphrased).
    """

    id: str
    kind: Literal["exit"] = "exit"
    body: str
    centre: list[str]
    as_of: PartialDate
    statement: str


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
    claims: list[Claim] = Field(default_factory=list)
    _origins: dict[str, tuple[str, int | None]] = PrivateAttr(default_factory=dict)
    _assumptions: list[Assumption] = PrivateAttr(default_factory=list)

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
    def as_of(
        self, as_of: dt.date, *, include_target: bool = False, undated: Undated = "assume"
    ) -> Registry:
        """Return the snapshot on the day ``as_of``, with the assumptions it rests on.

        Keeps all actors, the bodies alive on ``as_of``, the memberships and rules that
        count on ``as_of`` and whose body (and member body) is alive, and – only with
        ``include_target=True`` – the links marked ``status: target-model``. When a
        record counts is decided by :func:`cityregions.registry.validity.window`:
        known dates bound it; an unknown start counts from the first evidence; an
        unknown or open end counts on, and after the last evidence that is an
        assumption; no membership counts before its member or its body exists.

        The records included (or, with ``undated="exclude"``, left out) by assumption
        are listed in the snapshot's :attr:`assumptions`.

        Parameters
        ----------
        as_of
            The day (a :class:`datetime.date`; text from a command line or a file is
            parsed there with :func:`parse_as_of`).
        include_target
            Keep target-model links (the two-stage partnership) in the snapshot.
        undated
            ``assume`` (default): include records that count only by assumption and
            list them; ``exclude``: leave them out (and list them as left out).

        Raises
        ------
        ParameterError
            If ``as_of`` is not a date or ``undated`` is not ``assume``/``exclude``.
        """
        if not isinstance(as_of, dt.date):
            msg = (
                f"as_of must be a datetime.date, got {as_of!r}; parse text with "
                "cityregions.registry.parse_as_of"
            )
            raise ParameterError(msg)
        if undated not in ("assume", "exclude"):
            msg = f"undated must be 'assume' or 'exclude', got {undated!r}"
            raise ParameterError(msg)
        bodies, memberships, assumed = counted_records(
            self.actors,
            self.bodies,
            self.memberships,
            as_of,
            include_target=include_target,
            keep=undated == "assume",
        )
        alive, day = {b.id for b in bodies}, as_of
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
            claims=self.claims,
        )
        snapshot._assumptions.extend(assumed)
        return snapshot.with_origins(dict(self._origins))

    @property
    def assumptions(self) -> list[Assumption]:
        """Records a snapshot (:meth:`as_of`) included or left out by assumption.

        Empty for a registry read from files (it is not a snapshot).
        """
        return list(self._assumptions)

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


def _in_interval(day: dt.date, start: str | None, end: str | None) -> bool:
    lo, hi = date_start(start), date_end(end)
    return (lo is None or lo <= day) and (hi is None or day <= hi)


__all__ = [
    "BODY_LEVELS",
    "CERTAINTIES",
    "Actor",
    "Body",
    "BodyRule",
    "Claim",
    "Criterion",
    "DecisionRule",
    "Fee",
    "Membership",
    "OtherName",
    "Registry",
    "Source",
    "date_end",
    "date_start",
    "parse_as_of",
]
