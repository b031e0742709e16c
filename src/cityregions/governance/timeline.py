"""Membership over time: who was in which body each year, and how much of the strong
commuting the bodies covered.

Every year is a registry snapshot on 30 June (:meth:`Registry.as_of`), so the series
follows the registry's rules on unknown dates: a record without a start counts from its
first evidence, an open end counts on as an *assumption* that each row reports
(``members_assumed``). Commuter flows exist for one date only (the bundled case: June
2016); the coverage series holds the flows fixed and varies the bodies — it answers
"which share of today's strong ties would the bodies of year Y have covered", not how
commuting changed.

:func:`exit_evidence` puts the documented claim that Dresden and Magdeburg left the city
network "as it became centred on Halle/Leipzig" (press accounts, governance-facts.md
§2.1) next to data: each member city's commuting with the centre, the bodies it shared
with the centre, whether it left, and an exact permutation test of "the cities that left
were the least tied to the centre". With two leavers among a handful of cities the test
cannot reach conventional significance by construction; the function says so instead
of drawing a conclusion.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from cityregions.flows import FlowTable
from cityregions.governance.fit import governance_gaps
from cityregions.registry import Registry, date_end, date_start

logger = logging.getLogger(__name__)

#: First year of the series: the Saxon state plan names the "Sachsendreieck" (1994).
FIRST_YEAR = 1994
#: Day of the yearly snapshot.
SNAPSHOT_DAY = (6, 30)


def latest_year(registry: Registry) -> int:
    """The latest year any date of the registry names (validity, lifetime, evidence, fees).

    Used as "today" of the series, so that the series is the same whenever it runs.
    """
    values: list[Any] = []
    for m in registry.memberships:
        values += [m.valid_from, m.valid_to, m.first_evidence, m.last_evidence]
        if m.fee is not None:
            values += [m.fee.valid_from, m.fee.valid_to]
    for b in registry.bodies:
        values += [b.founded, b.dissolved, b.first_evidence, b.last_evidence]
    values += [s.date for s in registry.sources.values()]
    years = [d.year for v in values if (d := date_start(v)) is not None]
    return max(years, default=FIRST_YEAR)


def yearly_snapshots(
    registry: Registry, years: Iterable[int], *, include_target: bool = False
) -> dict[int, Registry]:
    """Snapshot of each year on 30 June."""
    month, day = SNAPSHOT_DAY
    return {y: registry.as_of(dt.date(y, month, day), include_target=include_target) for y in years}


def membership_timeline(registry: Registry, snapshots: Mapping[int, Registry]) -> pd.DataFrame:
    """Members, joins, leaves and sourced fees per body and year.

    Parameters
    ----------
    registry
        The full registry (names and former names of the bodies).
    snapshots
        Year → snapshot (:func:`yearly_snapshots`).

    Returns
    -------
    pandas.DataFrame
        One row per year and body that is alive that year and not an organ of another
        body, sorted by year and body: ``year``, ``body``, ``name`` (the name it had
        then), ``body_level``, ``kind``, ``members`` (documented members that count on
        30 June), ``members_assumed`` (of them, counted by assumption: unknown start
        without evidence, or an open end after the last evidence), ``joined`` and
        ``left`` (";"-joined member ids against the year before; the year after a body
        ended lists all its last members), ``fees_eur`` (sum of the flat yearly fees the
        sources date to that year), ``fees_known`` (members with such a fee) and
        ``fees_undated`` (members with a sourced fee whose years the source does not give:
        not counted in ``fees_eur``).
    """
    rows = []
    previous: dict[str, set[str]] = {}
    for year in sorted(snapshots):
        snap = snapshots[year]
        day = dt.date(year, *SNAPSHOT_DAY)
        assumed = {a.record for a in snap.assumptions if a.kind == "membership" and a.included}
        current: dict[str, set[str]] = {}
        for body in sorted(snap.bodies, key=lambda b: b.id):
            if body.parent is not None:
                continue
            ms = [m for m in snap.memberships if m.body == body.id]
            members = {m.member for m in ms}
            yearly = [m.fee for m in ms if m.fee is not None and m.fee.period == "year"]
            yearly = [f for f in yearly if f.basis == "flat"]
            dated = [f for f in yearly if f.valid_from or f.valid_to]
            fees = [f for f in dated if f.applies_on(day)]
            before = previous.get(body.id, set())
            rows.append(
                {
                    "year": year,
                    "body": body.id,
                    "name": body.name_on(day),
                    "body_level": body.body_level,
                    "kind": body.kind,
                    "members": len(members),
                    "members_assumed": len({m.member for m in ms if m.label in assumed}),
                    "joined": ";".join(sorted(members - before)) if body.id in previous else "",
                    "left": ";".join(sorted(before - members)),
                    "fees_eur": float(sum(f.amount for f in fees)) if fees else math.nan,
                    "fees_known": len(fees),
                    "fees_undated": len(yearly) - len(dated),
                }
            )
            current[body.id] = members
        for gone in sorted(set(previous) - set(current)):
            if previous[gone]:
                name = registry.body(gone).name_on(day)
                rows.append(
                    {
                        "year": year,
                        "body": gone,
                        "name": name,
                        "members": 0,
                        "members_assumed": 0,
                        "joined": "",
                        "left": ";".join(sorted(previous[gone])),
                        "fees_eur": math.nan,
                        "fees_known": 0,
                        "fees_undated": 0,
                        "body_level": registry.body(gone).body_level,
                        "kind": registry.body(gone).kind,
                    }
                )
        previous = current
    columns = ["year", "body", "name", "body_level", "kind", "members", "members_assumed"]
    columns += ["joined", "left", "fees_eur", "fees_known", "fees_undated"]
    return pd.DataFrame(rows, columns=columns)


def coverage_timeline(
    flows: FlowTable,
    snapshots: Mapping[int, Registry],
    *,
    min_flow: float = 1000,
    min_share: float = 0.05,
    states: Mapping[str, str] | pd.Series | None = None,
) -> pd.DataFrame:
    """Share of the strong commuting ties covered by a city-regional body, per year.

    The flows stay fixed (one observation date); the bodies change with the year.

    Returns
    -------
    pandas.DataFrame
        One row per year: ``strong_ties``, ``covered_ties``, ``covered_share`` (of the
        ties), ``strong_commuters`` (both directions summed over the strong ties),
        ``covered_commuters``, ``commuter_share``, ``cross_state_ties``,
        ``cross_state_covered`` and ``records_assumed`` (records the snapshot counts by
        assumption).
    """
    rows = []
    for year in sorted(snapshots):
        snap = snapshots[year]
        gaps = governance_gaps(
            flows, snap.areas(), min_flow=min_flow, min_share=min_share, states=states
        )
        covered = ~gaps["gap"]
        cross = gaps["cross_state"].astype(bool)
        total = float(gaps["flow_total"].sum())
        inside = float(gaps.loc[covered, "flow_total"].sum())
        rows.append(
            {
                "year": year,
                "strong_ties": len(gaps),
                "covered_ties": int(covered.sum()),
                "covered_share": float(covered.mean()) if len(gaps) else math.nan,
                "strong_commuters": total,
                "covered_commuters": inside,
                "commuter_share": inside / total if total else math.nan,
                "cross_state_ties": int(cross.sum()),
                "cross_state_covered": int((cross & covered).sum()),
                "records_assumed": sum(a.included for a in snap.assumptions),
            }
        )
    return pd.DataFrame(rows)


def exit_evidence(
    registry: Registry,
    flows: FlowTable,
    *,
    body: str,
    centre: Sequence[str],
    as_of: dt.date,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Data on the claim that members left a network centred on ``centre``.

    Parameters
    ----------
    registry
        The full registry.
    flows
        Commuter flows (one date; the bundled case's are of 2016, after the exits).
    body
        The network (e.g. ``mmd-network``).
    centre
        Actor ids of the centre (e.g. ``leipzig``, ``halle``).
    as_of
        Date on which the members are taken (e.g. 2012-06-30, before the exits).

    Returns
    -------
    members : pandas.DataFrame
        One row per voting member on ``as_of`` outside the centre: ``units``,
        ``commuters_with_centre`` (both directions), ``share_to_centre`` (share of the
        member's out-commuters who work in the centre), ``shared_bodies`` (bodies it
        shares with a centre city on ``as_of``, the network itself left out),
        ``left`` (its membership ends before the network ended) and ``valid_to``.
    test : dict
        ``members``, ``leavers``, per measure the leavers' mean and the exact
        one-sided permutation p-value of "the leavers are the least tied to the
        centre" (all subsets of the same size), the smallest p-value the design can
        reach, and ``conclusion`` — a sentence that draws no conclusion the data cannot
        carry.
    """
    snap = registry.as_of(as_of)
    network = registry.body(body)
    end = date_end(network.dissolved)
    centre_units = sorted({u for c in centre for u in registry.actor(c).units})
    rows = []
    for m in sorted(snap.memberships, key=lambda m: m.member):
        if m.body != body or not m.has_vote or m.member in centre:
            continue
        if m.member not in snap.actor_ids:
            continue
        rows.append(_member_row(registry, snap, flows, m, centre, centre_units, end))
    table = pd.DataFrame(rows).set_index("member") if rows else pd.DataFrame()
    return table, _exit_test(table)


def _member_row(
    registry: Registry,
    snap: Registry,
    flows: FlowTable,
    membership: Any,
    centre: Sequence[str],
    centre_units: list[str],
    end: dt.date | None,
) -> dict[str, Any]:
    actor = registry.actor(membership.member)
    units = [u for u in actor.units if u in set(flows.ids)]
    codes = flows.index.get_indexer(pd.Index(units))
    centre_codes = flows.index.get_indexer(
        pd.Index([u for u in centre_units if u in set(flows.ids)])
    )
    to_centre = float(flows.matrix[codes][:, centre_codes].sum()) if len(codes) else 0.0
    from_centre = float(flows.matrix[centre_codes][:, codes].sum()) if len(codes) else 0.0
    out = float((flows.residents() - flows.internal()).loc[units].sum()) if units else math.nan
    own = {m.body for m in snap.memberships if m.member == actor.id}
    shared = {m.body for m in snap.memberships if m.member in centre} & own
    left_on = date_end(membership.valid_to)
    return {
        "member": actor.id,
        "name": actor.name,
        "units": ";".join(units) + (" (part)" if actor.units_partial else ""),
        "commuters_with_centre": to_centre + from_centre,
        "share_to_centre": to_centre / out if out else math.nan,
        "shared_bodies": len(shared - {membership.body}),
        "left": bool(left_on is not None and end is not None and left_on < end),
        "valid_to": membership.valid_to or "",
    }


def _exit_test(table: pd.DataFrame) -> dict[str, Any]:
    """Exact permutation test: are the leavers the least tied to the centre?"""
    if table.empty:
        return {"members": 0, "leavers": 0, "conclusion": "no members on this date"}
    leavers = list(table.index[table["left"].to_numpy()])
    n, k = len(table), len(leavers)
    out: dict[str, Any] = {"members": n, "leavers": k, "leaver_ids": ";".join(leavers)}
    if k == 0 or k == n:
        out["conclusion"] = "no member left (or all did): nothing to compare"
        return out
    subsets = math.comb(n, k)
    out["smallest_p"] = 1 / subsets
    for measure in ("share_to_centre", "shared_bodies"):
        values = table[measure].astype(float)
        observed = float(values.loc[leavers].mean())
        means = np.array([values.iloc[list(c)].mean() for c in itertools.combinations(range(n), k)])
        out[f"{measure}_leavers"] = observed
        out[f"{measure}_others"] = float(values.drop(index=leavers).mean())
        out[f"p_{measure}"] = float((means <= observed + 1e-12).sum() / subsets)
    out["conclusion"] = (
        f"{k} of {n} voting member cities outside the centre left. With {k} leavers the "
        f"smallest attainable p-value of the exact test is 1/{subsets} = {1 / subsets:.3f}; "
        f"p = {out['p_share_to_centre']:.3f} for commuting to the centre and "
        f"p = {out['p_shared_bodies']:.3f} for bodies shared with it. The data show where "
        "each city stood; they cannot show why a city left (commuting is of one later "
        "date, the reasons are given only by press accounts)."
    )
    return out


def centre_degree(
    snapshots: Mapping[int, Registry], *, body: str, centre: Iterable[str]
) -> pd.DataFrame:
    """Per year: bodies of the centre cities vs. the other members of ``body``.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``centre_bodies`` (mean number of bodies a centre city is in),
        ``others_bodies`` (the same for the other members of ``body`` that year),
        ``members`` (of ``body``).
    """
    centre = set(centre)
    rows = []
    for year in sorted(snapshots):
        snap = snapshots[year]
        members = {m.member for m in snap.memberships if m.body == body}
        if not members:
            continue
        graph = nx.Graph((m.member, m.body) for m in snap.memberships)
        degree = {a: graph.degree(a) if a in graph else 0 for a in members | centre}
        others = [degree[a] for a in sorted(members - centre)]
        rows.append(
            {
                "year": year,
                "centre_bodies": float(np.mean([degree[c] for c in sorted(centre)])),
                "others_bodies": float(np.mean(others)) if others else math.nan,
                "members": len(members),
            }
        )
    return pd.DataFrame(rows, columns=["year", "centre_bodies", "others_bodies", "members"])


__all__ = [
    "FIRST_YEAR",
    "centre_degree",
    "coverage_timeline",
    "exit_evidence",
    "latest_year",
    "membership_timeline",
    "yearly_snapshots",
]
