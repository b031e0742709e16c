"""What would close each governance gap: candidate actions ranked by the commuters they cover.

A *gap* is a strong commuting tie between two units that no city-regional body covers
(:func:`cityregions.governance.fit.governance_gaps`). Three kinds of action would cover
gaps:

* ``join`` — a unit (its district, city or municipality) joins an existing body: every
  gap between the unit and the body's units is covered. Bodies whose members are fixed
  by law (``membership_fixed``, e.g. statutory planning regions) take no member by
  decision, and a body whose statute admits members from some states only
  (``member_states``) takes no member from another state: such candidates are not
  proposed (their number is reported).
* ``cooperate`` — two existing bodies agree to cooperate (a joint committee, a
  cooperation agreement): every gap between a unit of one and a unit of the other is
  covered; nobody changes membership, so no membership limit applies.
* ``new_body`` — a new cross-border body: around each strong tie across a state border
  that no body covers, a body over its two units and every unit strongly tied to both
  (the city region the tie belongs to) covers every gap among those units.

Each action is scored by the **strong-tie commuters it would cover**: the commuters of
both directions summed over the gaps it closes. Actions are ranked by that sum
(descending; ties by cross-border first, then kind, body and units). The score counts
only ties that are strong by the analysis' thresholds, on the flows of the study area.
An action that closes exactly the same ties as a higher-ranked one says so in its note
(``same ties as rank N``): the two are alternatives, their commuters do not add up.

Examples
--------
>>> import pandas as pd
>>> gaps = pd.DataFrame({"unit_a": ["1", "1"], "unit_b": ["2", "3"], "flow_total": [500.0, 80.0],
...                      "cross_state": [True, False], "gap": [True, True],
...                      "other_bodies": ["", ""]})
>>> table = candidate_actions(gaps, {"A": ["1", "3"]}, {"1": "14", "2": "15", "3": "14"})
>>> table[["action", "body", "units", "covered_commuters"]].values.tolist()
[['join', 'A', '2', 500.0], ['new_body', '', '1;2', 500.0]]
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pandas as pd

logger = logging.getLogger(__name__)

#: Columns of the recommendation table (the CSV of ``governance recommend``).
COLUMNS = ("rank", "action", "body", "units", "covered_commuters", "cross_state", "note")
ACTIONS = ("join", "cooperate", "new_body")


@dataclass(frozen=True)
class BodyLimits:
    """Legal limits of a body as the registry records them.

    Attributes
    ----------
    member_states
        States members may come from (None: no limit recorded).
    membership_fixed
        Members fixed by law: nobody joins by decision.
    """

    member_states: tuple[str, ...] | None = None
    membership_fixed: bool = False


@dataclass
class _Candidates:
    rows: list[dict[str, Any]] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def candidate_actions(
    gaps: pd.DataFrame,
    areas: Mapping[str, Sequence[str]],
    unit_states: Mapping[str, str],
    *,
    limits: Mapping[str, BodyLimits] | None = None,
    joiners: Mapping[str, str] | None = None,
    bodies: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Rank the actions that would cover the gaps.

    Parameters
    ----------
    gaps
        All strong ties (covered and not) with ``unit_a``, ``unit_b``, ``flow_total``,
        ``cross_state``, ``gap`` (and ``other_bodies``), as
        :func:`~cityregions.governance.fit.governance_gaps` returns them.
    areas
        Covering bodies: body id → unit ids (city-regional bodies on the date).
    unit_states
        Unit → state key.
    limits
        Body id → :class:`BodyLimits` (default: none recorded).
    joiners
        Unit → id of the actor that would join for it (shown in ``note``).
    bodies
        Only actions involving these bodies (``join``/``cooperate``); ``new_body``
        actions are always listed.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`: ``rank``, ``action`` (``join``, ``cooperate``,
        ``new_body``), ``body`` (the body joined; ``A+B`` for a cooperation; empty for a
        new body), ``units`` (";"-joined: the joining unit, or the units of the new
        body; empty for a cooperation), ``covered_commuters``, ``cross_state`` (some
        covered tie crosses a state border), ``note`` (ties covered, the joining actor,
        bodies that already span the ties without covering them). The number of join
        candidates left out for legal limits is in ``attrs["blocked_by_law"]``.
    """
    open_gaps = gaps[gaps["gap"].astype(bool)].copy()
    limits = limits or {}
    joiners = joiners or {}
    wanted = set(bodies) if bodies is not None else None
    members = {b: set(u) for b, u in sorted(areas.items())}
    found = _Candidates()
    if not open_gaps.empty:
        _joins(open_gaps, members, unit_states, limits, joiners, wanted, found)
        _cooperations(open_gaps, members, wanted, found)
        _new_bodies(gaps, open_gaps, found)
    table = pd.DataFrame(found.rows, columns=[*(c for c in COLUMNS if c != "rank"), "_ties"])
    order = {a: i for i, a in enumerate(ACTIONS)}
    table["_order"] = table["action"].map(order)
    table = table.sort_values(
        ["covered_commuters", "cross_state", "_order", "body", "units"],
        ascending=[False, False, True, True, True],
        kind="mergesort",
    ).drop(columns="_order")
    table.insert(0, "rank", range(1, len(table) + 1))
    table = table.reset_index(drop=True)
    table["note"] = _alternatives(table)
    table = table.drop(columns="_ties")
    table.attrs["blocked_by_law"] = len(found.blocked)
    table.attrs["blocked"] = sorted(found.blocked)
    return table


def _alternatives(table: pd.DataFrame) -> list[str]:
    """Notes that name the first higher rank closing exactly the same gaps.

    Several actions often close the same ties (any of two planning regions cooperating
    with the same town network); the reader sees that they are alternatives, not
    additions.
    """
    first: dict[frozenset[tuple[str, str]], int] = {}
    notes = []
    for rank, ties, note in zip(table["rank"], table["_ties"], table["note"], strict=True):
        earlier = first.setdefault(ties, int(rank))
        notes.append(note if earlier == rank else f"{note}; same ties as rank {earlier}")
    return notes


def _tie_set(ties: pd.DataFrame) -> frozenset[tuple[str, str]]:
    return frozenset(zip(ties["unit_a"], ties["unit_b"], strict=True))


def _tie_summary(ties: pd.DataFrame) -> tuple[float, bool, str]:
    covered = float(ties["flow_total"].sum())
    cross = bool(ties["cross_state"].astype(bool).any())
    pairs = ", ".join(f"{a}–{b}" for a, b in zip(ties["unit_a"], ties["unit_b"], strict=True))
    spans = sorted(
        {
            o
            for v in ties.get("other_bodies", pd.Series(dtype=str)).fillna("")
            for o in str(v).split(";")
            if o
        }
    )
    note = f"{len(ties)} tie(s): {pairs}"
    if spans:
        note += f"; spanned without covering by {';'.join(spans)}"
    return covered, cross, note


def _joins(
    gaps: pd.DataFrame,
    members: Mapping[str, set[str]],
    unit_states: Mapping[str, str],
    limits: Mapping[str, BodyLimits],
    joiners: Mapping[str, str],
    wanted: set[str] | None,
    found: _Candidates,
) -> None:
    a, b = gaps["unit_a"].to_numpy(), gaps["unit_b"].to_numpy()
    for body, units in members.items():
        if wanted is not None and body not in wanted:
            continue
        limit = limits.get(body, BodyLimits())
        touching = [i for i in range(len(gaps)) if (a[i] in units) != (b[i] in units)]
        outside = sorted({(b[i] if a[i] in units else a[i]) for i in touching})
        for unit in outside:
            ties = gaps.iloc[[i for i in touching if unit in (a[i], b[i])]]
            if limit.membership_fixed:
                found.blocked.append(f"{unit}->{body} (members fixed by law)")
                continue
            state = unit_states.get(unit)
            if limit.member_states is not None and state not in limit.member_states:
                found.blocked.append(
                    f"{unit}->{body} (members from {','.join(limit.member_states)})"
                )
                continue
            covered, cross, note = _tie_summary(ties)
            if unit in joiners:
                note = f"{joiners[unit]} joins; {note}"
            found.rows.append(
                {
                    "action": "join",
                    "body": body,
                    "units": unit,
                    "covered_commuters": covered,
                    "cross_state": cross,
                    "note": note,
                    "_ties": _tie_set(ties),
                }
            )


def _cooperations(
    gaps: pd.DataFrame, members: Mapping[str, set[str]], wanted: set[str] | None, found: _Candidates
) -> None:
    a, b = gaps["unit_a"].to_numpy(), gaps["unit_b"].to_numpy()
    names = sorted(members)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if wanted is not None and first not in wanted and second not in wanted:
                continue
            one, two = members[first], members[second]
            rows = [
                k
                for k in range(len(gaps))
                if (a[k] in one and b[k] in two) or (a[k] in two and b[k] in one)
            ]
            if not rows:
                continue
            ties = gaps.iloc[rows]
            covered, cross, note = _tie_summary(ties)
            found.rows.append(
                {
                    "action": "cooperate",
                    "body": f"{first}+{second}",
                    "units": "",
                    "covered_commuters": covered,
                    "cross_state": cross,
                    "note": note,
                    "_ties": _tie_set(ties),
                }
            )


def _new_bodies(ties: pd.DataFrame, gaps: pd.DataFrame, found: _Candidates) -> None:
    """A new cross-border body around each uncovered cross-border tie.

    Around the tie ``a–b``: ``a``, ``b`` and every unit with a strong tie (covered or
    not) to both of them — the city region the tie belongs to; each such set once.
    """
    graph = nx.Graph()
    graph.add_edges_from(zip(ties["unit_a"], ties["unit_b"], strict=True))
    cross = gaps[gaps["cross_state"].astype(bool)]
    seen: set[tuple[str, ...]] = set()
    for a, b in zip(cross["unit_a"], cross["unit_b"], strict=True):
        common = set(graph[a]) & set(graph[b])
        units = tuple(sorted({a, b} | common))
        if units in seen:
            continue
        seen.add(units)
        inside = set(units)
        closed = gaps[gaps["unit_a"].isin(inside) & gaps["unit_b"].isin(inside)]
        covered, _, note = _tie_summary(closed)
        found.rows.append(
            {
                "action": "new_body",
                "body": "",
                "units": ";".join(units),
                "covered_commuters": covered,
                "cross_state": True,
                "note": f"new cross-border body around {a}–{b}; {note}",
                "_ties": _tie_set(closed),
            }
        )


__all__ = ["ACTIONS", "COLUMNS", "BodyLimits", "candidate_actions"]
