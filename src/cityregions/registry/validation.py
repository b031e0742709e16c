"""Cross-record checks of the governance registry (see :func:`validate_registry`).

The checks read only the registry model; they never read files (the YAML reader in
:mod:`cityregions.io.registry_yaml` runs them after loading).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from cityregions._errors import InputError
from cityregions.registry.dates import date_end, date_start, is_known

if TYPE_CHECKING:
    from cityregions.registry.model import Membership, Registry


def validate_registry(
    registry: Registry, *, unresolved: Iterable[str] = (), references: bool = True
) -> list[InputError]:
    """Return one :class:`InputError` per cross-record problem of ``registry``.

    Checked: duplicate ids (actors and bodies share one namespace; memberships and rules
    have their own), unknown ids (member, body, represented_by, parent, predecessor,
    project, rule body, source ids), dates in the wrong order (``valid_to`` before
    ``valid_from``, ``dissolved`` before ``founded``, ``last_evidence`` before
    ``first_evidence``), memberships outside the body's or the member's lifetime,
    members from a state the body's ``member_states`` do not admit, overlapping
    duplicate memberships (same member, body, role and status), decision rules whose
    fields do not fit their kind (``DecisionRule.problems``) and records without a
    source. Each error names the file, the record id and the field. Facts that are
    worth knowing but not wrong (a target-model link dated outside its project's
    runtime) are :func:`registry_flags`.

    ``unresolved`` are ids of actors or bodies whose records could not be read (their
    own problems are already reported): references to them are not reported again.
    With ``references=False`` (a file of the registry could not be read at all, so any
    id may be defined there) unknown ids are not reported.
    """
    problems: list[InputError] = []
    problems += _duplicate_ids(registry)
    if references:
        problems += _unknown_ids(registry, set(unresolved))
    problems += _date_order(registry)
    problems += _lifetimes(registry)
    problems += _legal_limits(registry)
    problems += _overlaps(registry)
    problems += _missing_sources(registry)
    return problems


def _error(registry: Registry, record: str, field: str, message: str) -> InputError:
    file, line = registry.origin(record)
    where = f"line {line}, record '{record}'" if line else f"record '{record}'"
    return InputError(message, source=file, location=where, field=field)


def _all_records(registry: Registry) -> Iterator[tuple[str, Any]]:
    for actor in registry.actors:
        yield actor.id, actor
    for body in registry.bodies:
        yield body.id, body
    for membership in registry.memberships:
        yield membership.label, membership
    for rule in registry.rules:
        yield rule.id, rule
    for claim in registry.claims:
        yield claim.id, claim


def _duplicate_ids(registry: Registry) -> list[InputError]:
    problems = []
    groups = {
        "actor/body": [a.id for a in registry.actors] + [b.id for b in registry.bodies],
        "membership": [m.id for m in registry.memberships if m.id],
        "rule": [r.id for r in registry.rules],
    }
    for kind, ids in groups.items():
        counts: dict[str, int] = defaultdict(int)
        for record_id in ids:
            counts[record_id] += 1
        for record_id, n in counts.items():
            if n > 1:
                msg = f"duplicate {kind} id {record_id!r} ({n} records); ids must be unique"
                problems.append(_error(registry, record_id, "id", msg))
    return problems


def _unknown_ids(registry: Registry, unresolved: set[str]) -> list[InputError]:
    problems = []
    bodies = set(registry.body_ids) | unresolved
    known = set(registry.actor_ids) | bodies
    for m in registry.memberships:
        if m.member == m.body and m.body in bodies:
            msg = f"{m.member!r} is a member of itself; expected member ≠ body"
            problems.append(_error(registry, m.label, "member", msg))
        if m.member not in known:
            msg = f"unknown member id {m.member!r}; expected the id of an actor or a body"
            problems.append(_error(registry, m.label, "member", msg))
        if m.body not in bodies:
            msg = f"unknown body id {m.body!r}; expected the id of a body"
            problems.append(_error(registry, m.label, "body", msg))
        if m.represented_by is not None and m.represented_by not in known:
            msg = f"unknown id {m.represented_by!r}; expected the id of an actor or a body"
            problems.append(_error(registry, m.label, "represented_by", msg))
        if m.role == "represented" and m.represented_by is None:
            msg = "role 'represented' needs represented_by (the member that represents it)"
            problems.append(_error(registry, m.label, "represented_by", msg))
    for m in registry.memberships:
        if m.project is not None and m.project not in bodies:
            msg = f"unknown project body id {m.project!r}; expected the id of a body"
            problems.append(_error(registry, m.label, "project", msg))
    for b in registry.bodies:
        for field in ("parent", "predecessor"):
            value = getattr(b, field)
            if value is not None and value not in bodies:
                msg = f"unknown {field} body id {value!r}; expected the id of a body"
                problems.append(_error(registry, b.id, field, msg))
    for r in registry.rules:
        if r.body not in bodies:
            msg = f"unknown body id {r.body!r}; expected the id of a body"
            problems.append(_error(registry, r.id, "body", msg))
    for c in registry.claims:
        if c.body not in bodies:
            msg = f"unknown body id {c.body!r}; expected the id of a body"
            problems.append(_error(registry, c.id, "body", msg))
        for actor in c.centre:
            if actor not in known:
                msg = f"unknown centre id {actor!r}; expected the id of an actor"
                problems.append(_error(registry, c.id, "centre", msg))
    for record_id, record in _all_records(registry):
        for source in record.sources:
            if source not in registry.sources and not is_url(source):
                msg = f"unknown source {source!r}; expected a key of 'sources' or a URL"
                problems.append(_error(registry, record_id, "sources", msg))
    return problems


def is_url(text: str) -> bool:
    """True if ``text`` is a URL-like source reference (http(s), doi:, file:)."""
    return text.startswith(("http://", "https://", "doi:", "file:"))


def _date_order(registry: Registry) -> list[InputError]:
    problems = []
    for record_id, record in _all_records(registry):
        pairs = [
            ("valid_from", "valid_to"),
            ("founded", "dissolved"),
            ("first_evidence", "last_evidence"),
        ]
        for lo_field, hi_field in pairs:
            lo, hi = getattr(record, lo_field, None), getattr(record, hi_field, None)
            if is_known(lo) and is_known(hi) and date_end(hi) < date_start(lo):  # type: ignore[operator]
                msg = f"{hi_field} {hi} is before {lo_field} {lo}; expected {hi_field} ≥ {lo_field}"
                problems.append(_error(registry, record_id, hi_field, msg))
    for rule in registry.rules:
        for field, msg in rule.problems():
            problems.append(_error(registry, rule.id, field, msg))
    return problems


def _lifetimes(registry: Registry) -> list[InputError]:
    problems = []
    bodies = registry._body_index()
    actors = registry._actor_index()
    for m in registry.memberships:
        body = bodies.get(m.body)
        if body is None:
            continue
        # a partial date is consistent when any day it can mean fits: "1996" fits a
        # body founded on 1996-09-20 (compare the latest day the start can mean)
        start, end = date_end(m.valid_from), date_end(m.valid_to)
        founded, dissolved = date_start(body.founded), date_end(body.dissolved)
        if start is not None and founded is not None and start < founded:
            msg = (
                f"membership starts {m.valid_from}, before body {body.id!r} was founded "
                f"({body.founded}); expected valid_from ≥ founded"
            )
            problems.append(_error(registry, m.label, "valid_from", msg))
        if dissolved is not None and (end is None or end > dissolved):
            shown = m.valid_to or "open end"
            msg = (
                f"membership runs to {shown}, after body {body.id!r} was dissolved "
                f"({body.dissolved}); expected valid_to ≤ dissolved"
            )
            problems.append(_error(registry, m.label, "valid_to", msg))
        member = actors.get(m.member)
        born = date_start(member.founded) if member is not None else None
        if member is not None and start and born and start < born:
            msg = (
                f"membership starts {m.valid_from}, before member {m.member!r} existed "
                f"(founded {member.founded}); expected valid_from ≥ the member's founded"
            )
            problems.append(_error(registry, m.label, "valid_from", msg))
    return problems


def _legal_limits(registry: Registry) -> list[InputError]:
    """Members from a state that the body's recorded ``member_states`` do not admit."""
    problems = []
    states = registry.actor_states()
    for m in registry.memberships:
        body = registry._body_index().get(m.body)
        if body is None or body.member_states is None or m.member not in states:
            continue
        state = states[m.member]
        if state is not None and state not in body.member_states:
            allowed = ", ".join(body.member_states)
            msg = (
                f"member {m.member!r} is from state {state}, but {body.id!r} admits members "
                f"from {allowed} only (member_states); expected a member of those states"
            )
            problems.append(_error(registry, m.label, "member", msg))
    return problems


class Flag(NamedTuple):
    """A fact about a record that is worth a note but not an error.

    Attributes
    ----------
    record
        Record id or label.
    field
        The field concerned.
    message
        What is noteworthy.
    """

    record: str
    field: str
    message: str


def registry_flags(registry: Registry) -> list[Flag]:
    """Notes on records: target-model links dated outside the runtime of their project.

    A link of a project's target model (``status: target-model``, ``project: <body>``)
    whose validity reaches beyond the project's ``founded``/``dissolved`` is flagged:
    sources may date the project differently (e.g. BBSR: 02/2012–09/2013, the project
    page: 09/2011–06/2013), and the flag keeps the conflict visible.

    Examples
    --------
    >>> from cityregions.registry import Body, Membership, Registry
    >>> reg = Registry(
    ...     bodies=[Body(id="p", name="P", kind="project", body_level="metropolitan",
    ...                  founded="2011-09", dissolved="2013-06", sources=["https://x.org"]),
    ...             Body(id="b", name="B", kind="cooperation", body_level="city_region",
    ...                  sources=["https://x.org"])],
    ...     memberships=[Membership(member="b", body="p", status="target-model",
    ...                             project="p", valid_from="2012-02", valid_to="2013-09",
    ...                             sources=["https://x.org"])])
    >>> [f.field for f in registry_flags(reg)]
    ['valid_to']
    """
    flags = []
    bodies = registry._body_index()
    for m in registry.memberships:
        project = bodies.get(m.project) if m.project else None
        if project is None:
            continue
        start, end = date_start(m.valid_from), date_end(m.valid_to)
        runs_from, runs_to = date_start(project.founded), date_end(project.dissolved)
        if start is not None and runs_from is not None and start < runs_from:
            msg = (
                f"target-model link starts {m.valid_from}, before the runtime of "
                f"{project.id!r} ({project.founded} – {project.dissolved or 'open'})"
            )
            flags.append(Flag(m.label, "valid_from", msg))
        if end is not None and runs_to is not None and end > runs_to:
            msg = (
                f"target-model link is dated to {m.valid_to}, after the runtime of "
                f"{project.id!r} ({project.founded or 'unknown'} – {project.dissolved})"
            )
            flags.append(Flag(m.label, "valid_to", msg))
    return flags


def _overlaps(registry: Registry) -> list[InputError]:
    problems = []
    groups: dict[tuple[str, str, str, str], list[Membership]] = defaultdict(list)
    for m in registry.memberships:
        groups[(m.member, m.body, m.role, m.status)].append(m)
    for (member, body, _, _), items in groups.items():
        items = [m for m in items if _ordered(m.valid_from, m.valid_to)]
        ordered = sorted(items, key=lambda m: date_start(m.valid_from) or dt.date.min)
        for first, second in itertools.pairwise(ordered):
            first_end = date_end(first.valid_to) or dt.date.max
            second_start = date_start(second.valid_from) or dt.date.min
            if second_start <= first_end:
                msg = (
                    f"membership of {member!r} in {body!r} overlaps {first.label!r} "
                    f"({first.valid_from or 'open'} – {first.valid_to or 'open'}); expected "
                    "one membership per member and body at a time (end the first one)"
                )
                problems.append(_error(registry, second.label, "valid_from", msg))
    return problems


def _ordered(start: str | None, end: str | None) -> bool:
    return not (is_known(start) and is_known(end) and date_end(end) < date_start(start))  # type: ignore[operator]


def _missing_sources(registry: Registry) -> list[InputError]:
    problems = []
    for record_id, record in _all_records(registry):
        if not record.sources:
            msg = "missing source: expected at least one source id or URL in 'sources'"
            problems.append(_error(registry, record_id, "sources", msg))
    return problems


def check_units(registry: Registry, unit_ids: Iterable[str]) -> list[InputError]:
    """Return one error per actor or body unit id that is not among ``unit_ids``."""
    known = set(unit_ids)
    problems = []
    for actor in registry.actors:
        for unit in actor.units:
            if unit not in known:
                msg = f"unknown unit {unit!r}; expected a unit id of the territory"
                problems.append(_error(registry, actor.id, "units", msg))
    for body in registry.bodies:
        for unit in body.territory or []:
            if unit not in known:
                msg = f"unknown unit {unit!r}; expected a unit id of the territory"
                problems.append(_error(registry, body.id, "territory", msg))
    return problems
