"""The study area: the units a governance analysis may judge.

A registry documents the bodies of some region only (the bundled one: Saxony,
Saxony-Anhalt and Thuringia). Commuter flows usually cover more (the BA district table:
all of Germany). Outside the registry's reach every strong tie would look like a
governance *gap* (Munich – Landkreis München), so ties, gaps, fit and brokerage are
computed inside a study area, and the analysis says how many strong ties it left out.

The study area is, by default, the units covered by the registry's bodies on the
analysis date (:func:`registry_study_area`); it can also be given as state keys, a list
of units or polygons (read by :func:`cityregions.io.study_area.read_study_area`).

Examples
--------
>>> area = StudyArea(units=("14713", "15002"), how="units", description="2 units")
>>> area.contains("14713"), len(area)
(True, 2)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cityregions._errors import InputError
from cityregions.registry import Registry

logger = logging.getLogger(__name__)

#: How a study area was given.
HOWS: tuple[str, ...] = ("registry", "states", "units", "polygons")


@dataclass(frozen=True)
class StudyArea:
    """The units an analysis judges, and how they were chosen.

    Attributes
    ----------
    units
        Unit ids, sorted.
    how
        ``registry`` (units covered by the registry's bodies on the date), ``states``,
        ``units`` (a list) or ``polygons``.
    description
        Text for the summary, e.g. ``states 14, 15, 16`` or ``units of 58 bodies``.
    """

    units: tuple[str, ...]
    how: str
    description: str

    def __len__(self) -> int:
        return len(self.units)

    def contains(self, unit: str) -> bool:
        """True if ``unit`` is inside the study area."""
        return unit in set(self.units)


def registry_study_area(snapshot: Registry, units: Iterable[str]) -> StudyArea:
    """The units covered by the bodies of a registry snapshot (any ``body_level``).

    A unit counts when it is in the territory of some body alive on the snapshot date
    (a body's own ``territory`` or the units of its members, recursively; towns that
    are part of a unit count for that unit), organs included.

    Parameters
    ----------
    snapshot
        ``registry.as_of(date)``.
    units
        The unit ids of the flows.

    Raises
    ------
    InputError
        If the bodies cover none of ``units`` (e.g. a registry of another country).
    """
    covered, n_bodies = registry_reach(snapshot, units)
    if not covered:
        msg = (
            "the registry's bodies cover none of the units of the flows on this date; "
            "expected bodies whose members stand for units of the territory (give "
            "--study-area explicitly, or check the registry's unit ids)"
        )
        raise InputError(msg, field="study_area")
    return StudyArea(tuple(covered), "registry", f"units of the registry's {n_bodies} bodies")


def registry_reach(snapshot: Registry, units: Iterable[str]) -> tuple[tuple[str, ...], int]:
    """The units of ``units`` some body of the snapshot covers, and the number of bodies.

    The reach of :func:`registry_study_area` (any ``body_level``, organs included),
    without its error: a study area given by states, a list or polygons may hold units
    outside it, whose strong ties count as gaps only because the registry records no
    body there.

    Examples
    --------
    >>> from cityregions.registry import Actor, Body, Membership, Registry
    >>> snapshot = Registry(
    ...     actors=[Actor(id="a", name="A", kind="city", units=["1"], sources=["s"])],
    ...     bodies=[Body(id="b", name="B", kind="cooperation", body_level="city_region",
    ...                  sources=["s"])],
    ...     memberships=[Membership(member="a", body="b", sources=["s"])])
    >>> registry_reach(snapshot, ["1", "2"])
    (('1',), 1)
    """
    known = {str(u) for u in units}
    areas = snapshot.areas(
        body_levels=("city_region", "metropolitan", "thematic"), include_organs=True
    )
    covered = sorted({u for members in areas.values() for u in members} & known)
    return tuple(covered), len(areas)


def states_study_area(
    states: Iterable[str], unit_states: Mapping[str, str], *, source: str = "--study-area"
) -> StudyArea:
    """The units whose state key is one of ``states`` (e.g. ``14, 15, 16``).

    Raises
    ------
    InputError
        If no unit lies in those states.
    """
    wanted = sorted({str(s).strip() for s in states if str(s).strip()})
    chosen = sorted(u for u, s in unit_states.items() if str(s) in wanted)
    if not chosen:
        msg = f"no unit lies in the states {', '.join(wanted)}; expected state keys of the units"
        raise InputError(msg, field=source)
    return StudyArea(tuple(chosen), "states", f"states {', '.join(wanted)}")


def units_study_area(
    chosen: Iterable[str], units: Iterable[str], *, how: str = "units", source: str = "--study-area"
) -> StudyArea:
    """The given unit ids (those not among ``units`` are an error).

    Raises
    ------
    InputError
        If the list is empty or names units that are not in the territory.
    """
    known = {str(u) for u in units}
    given = sorted({str(u) for u in chosen})
    unknown = [u for u in given if u not in known]
    if unknown:
        msg = f"{len(unknown)} unit(s) not in the territory, e.g. {unknown[:5]}"
        raise InputError(msg, source=source, field="unit")
    if not given:
        msg = "the study area covers no unit; expected at least one unit of the territory"
        raise InputError(msg, source=source, field="unit")
    return StudyArea(tuple(given), how, f"{len(given)} {'units' if how == 'units' else how}")


def restrict(snapshot: Registry, units: Iterable[str]) -> Registry:
    """The part of a snapshot inside a study area (for network indicators).

    Keeps the actors that stand for a unit of the study area, the bodies whose units
    meet it (or that have no units at all), the memberships among those, and the actors
    without units (companies, chambers, universities) that are members of a kept body.
    """
    inside = {str(u) for u in units}
    body_ids = set(snapshot.body_ids)
    bodies = {
        b.id
        for b in snapshot.bodies
        if not (found := snapshot.body_units(b.id)) or inside.intersection(found)
    }
    placed = {a.id for a in snapshot.actors if a.units and inside.intersection(a.units)}
    memberships = [
        m
        for m in snapshot.memberships
        if m.body in bodies
        and (
            m.member in placed or m.member in bodies or _without_units(snapshot, m.member, body_ids)
        )
    ]
    kept = placed | {m.member for m in memberships}
    out = snapshot.model_copy(
        update={
            "actors": [a for a in snapshot.actors if a.id in kept],
            "bodies": [b for b in snapshot.bodies if b.id in bodies],
            "memberships": memberships,
            "rules": [r for r in snapshot.rules if r.body in bodies],
        }
    )
    out._assumptions = list(snapshot.assumptions)  # model_copy shares the list
    return out.with_origins(dict(snapshot._origins))


def _without_units(snapshot: Registry, member: str, body_ids: set[str]) -> bool:
    return member not in body_ids and not snapshot.actor(member).units


__all__ = [
    "HOWS",
    "StudyArea",
    "registry_reach",
    "registry_study_area",
    "restrict",
    "states_study_area",
    "units_study_area",
]
