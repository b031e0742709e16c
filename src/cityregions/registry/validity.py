"""When a record counts on a date, and which snapshots rest on an assumption.

A membership (or a body's lifetime) counts on a day ``d`` when ``d`` lies in its window:

* **start** — ``valid_from`` (``founded``) when the source gives it. When it is unknown,
  the record counts from its ``first_evidence`` (the earliest source that shows it);
  before that it does not count. Without either, it counts from the moment both ends
  exist (the body's and the member's ``founded``, and a membership's ``not_before``) —
  an *assumption*, listed with the snapshot.
* **end** — ``valid_to`` (``dissolved``) when given. When it is unknown or open, the
  record keeps counting, but after its ``last_evidence`` (or at all, without one) that
  is an *assumption*, listed with the snapshot.
* **existence** — a membership never counts before its member or its body exists
  (``Actor.founded``, e.g. a district created by the 2008 reform) or after either ended.

With ``undated="exclude"`` a snapshot leaves out every record that would count only by
assumption. This module reads the records' fields only (no imports of the model at run
time).

Examples
--------
>>> import datetime as dt
>>> from types import SimpleNamespace as R
>>> m = R(valid_from="unknown", valid_to=None, first_evidence="2011", last_evidence="2018")
>>> window(m, "valid_from", "valid_to", dt.date(2010, 6, 30)).counts
False
>>> window(m, "valid_from", "valid_to", dt.date(2015, 6, 30))
Window(counts=True, assumption=None)
>>> window(m, "valid_from", "valid_to", dt.date(2020, 6, 30)).assumption
'valid to unknown; last evidence 2018'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

from cityregions.registry.dates import date_end, date_start, is_known

#: What a snapshot does with records that count only by assumption.
Undated = Literal["assume", "exclude"]
UNDATED: tuple[str, ...] = ("assume", "exclude")


class Window(NamedTuple):
    """Whether a record counts on a day, and the assumption it rests on (or None)."""

    counts: bool
    assumption: str | None


class Assumption(NamedTuple):
    """A record a snapshot includes (or, with ``undated="exclude"``, leaves out) by assumption.

    Attributes
    ----------
    record
        The record's id or label (``member → body (from)``).
    kind
        ``membership`` or ``body``.
    reason
        What is assumed, e.g. ``valid to unknown; last evidence 2018``.
    included
        True if the snapshot includes the record, False if it left it out.
    """

    record: str
    kind: str
    reason: str
    included: bool = True


def window(
    record: Any,
    start_field: str,
    end_field: str,
    day: dt.date,
    *,
    exists_from: dt.date | None = None,
    exists_to: dt.date | None = None,
) -> Window:
    """Whether ``record`` counts on ``day`` and on which assumption.

    Parameters
    ----------
    record
        A membership or body: its ``start_field``/``end_field`` and ``first_evidence`` /
        ``last_evidence``.
    start_field, end_field
        ``valid_from``/``valid_to`` (memberships) or ``founded``/``dissolved`` (bodies).
    day
        The snapshot date.
    exists_from, exists_to
        Existence bounds from the ends of the tie (the member and the body).
    """
    if (exists_from is not None and day < exists_from) or (
        exists_to is not None and day > exists_to
    ):
        return Window(False, None)
    start_value, end_value = getattr(record, start_field), getattr(record, end_field)
    first = date_start(getattr(record, "first_evidence", None))
    last_text = getattr(record, "last_evidence", None)
    last = date_end(last_text)
    assumptions = []
    if is_known(start_value):
        if day < date_start(start_value):  # type: ignore[operator]
            return Window(False, None)
    elif first is not None:
        if day < first:
            return Window(False, None)
    else:
        not_before = date_start(getattr(record, "not_before", None))
        if not_before is not None and day < not_before:
            return Window(False, None)
        assumptions.append(f"{start_field.replace('_', ' ')} unknown")
    if is_known(end_value):
        if day > date_end(end_value):  # type: ignore[operator]
            return Window(False, None)
    elif last is None or day > last:
        evidence = f"last evidence {last_text}" if last_text else "no dated evidence"
        assumptions.append(f"{end_field.replace('_', ' ')} unknown; {evidence}")
    return Window(True, "; ".join(assumptions) or None)


def existence(record: Any) -> tuple[dt.date | None, dt.date | None]:
    """First and last day an actor (or body) exists, from its known ``founded``/``dissolved``."""
    founded, dissolved = getattr(record, "founded", None), getattr(record, "dissolved", None)
    return date_start(founded), date_end(dissolved)


def later(*days: dt.date | None) -> dt.date | None:
    """The latest of the given days (None entries ignored; None if all are None)."""
    known = [d for d in days if d is not None]
    return max(known) if known else None


def earlier(*days: dt.date | None) -> dt.date | None:
    """The earliest of the given days (None entries ignored; None if all are None)."""
    known = [d for d in days if d is not None]
    return min(known) if known else None


def counted_records(
    actors: Sequence[Any],
    bodies: Sequence[Any],
    memberships: Sequence[Any],
    day: dt.date,
    *,
    include_target: bool = False,
    keep: bool = True,
) -> tuple[list[Any], list[Any], list[Assumption]]:
    """The bodies and memberships that count on ``day`` and the assumptions made.

    Bodies count by their own :func:`window`; a membership counts when its body (and a
    member body) counts, its own window holds and both ends exist (actors' and bodies'
    ``founded``/``dissolved``); target-model links only with ``include_target``.
    Records that count only by assumption are kept with ``keep`` (else left out) and
    listed either way.

    Returns
    -------
    tuple
        ``(bodies, memberships, assumptions)`` in registry order.
    """
    assumed: list[Assumption] = []
    kept_bodies = []
    for body in bodies:
        counts, why = window(body, "founded", "dissolved", day)
        if counts and why:
            assumed.append(Assumption(body.id, "body", why, keep))
        if counts and (keep or not why):
            kept_bodies.append(body)
    alive = {b.id for b in kept_bodies}
    lifetimes = {a.id: existence(a) for a in actors} | {b.id: existence(b) for b in bodies}
    body_ids = {b.id for b in bodies}
    kept = []
    for m in memberships:
        if m.body not in alive or not (include_target or m.status == "documented"):
            continue
        if m.member in body_ids and m.member not in alive:
            continue
        member_from, member_to = lifetimes.get(m.member, (None, None))
        body_from, body_to = lifetimes[m.body]
        counts, why = window(
            m,
            "valid_from",
            "valid_to",
            day,
            exists_from=later(member_from, body_from),
            exists_to=earlier(member_to, body_to),
        )
        if counts and why:
            assumed.append(Assumption(m.label, "membership", why, keep))
        if counts and (keep or not why):
            kept.append(m)
    return kept_bodies, kept, assumed


__all__ = [
    "UNDATED",
    "Assumption",
    "Undated",
    "Window",
    "counted_records",
    "earlier",
    "existence",
    "later",
    "window",
]
