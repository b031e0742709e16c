"""Views of :class:`~cityregions.workflow.CaseResults` shared by the report and the dashboard.

These functions only *select and reshape* what the pipeline steps put into
``results.sections`` (documented in each step's docstring); they compute no analysis of
their own. A section that is absent yields ``None`` or an empty table, and the report and
dashboard then leave that part out.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from cityregions.flows import FlowTable
    from cityregions.territory import Territory
    from cityregions.workflow import CaseResults

logger = logging.getLogger(__name__)

#: Sections in report order (others found in the results follow, rendered generically).
SECTION_ORDER = ("territory", "delineation", "governance", "partnership", "energy")

#: German state keys (first two digits of the AGS) to short names.
STATE_NAMES = {
    "01": "SH", "02": "HH", "03": "NI", "04": "HB", "05": "NW", "06": "HE", "07": "RP",
    "08": "BW", "09": "BY", "10": "SL", "11": "BE", "12": "BB", "13": "MV", "14": "SN",
    "15": "ST", "16": "TH",
}  # fmt: skip

#: German state keys to full names (state tables, e.g. the openness per state).
STATE_FULL_NAMES = {
    "01": "Schleswig-Holstein", "02": "Hamburg", "03": "Niedersachsen", "04": "Bremen",
    "05": "Nordrhein-Westfalen", "06": "Hessen", "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg", "09": "Bayern", "10": "Saarland", "11": "Berlin",
    "12": "Brandenburg", "13": "Mecklenburg-Vorpommern", "14": "Sachsen",
    "15": "Sachsen-Anhalt", "16": "Thüringen",
}  # fmt: skip


def section(results: CaseResults, name: str) -> dict[str, Any] | None:
    """Return the section ``name`` of ``results`` or None when that step did not run."""
    found = results.sections.get(name)
    return found if isinstance(found, dict) else None


def territory(results: CaseResults) -> Territory:
    """Return the territory of the case (from the ``territory`` section or the case)."""
    found = section(results, "territory")
    if found is not None and "territory" in found:
        return found["territory"]  # type: ignore[no-any-return]
    return results.case.territory


def flows(results: CaseResults) -> FlowTable | None:
    """Return the flows of the ``territory`` section, or None."""
    found = section(results, "territory")
    return None if found is None else found.get("flows")


def region_labels(results: CaseResults) -> pd.Series | None:
    """Return the functional partition (unit -> region) chosen by the delineation step.

    Looks for ``labels`` (a Series) in the ``delineation`` section.
    """
    found = section(results, "delineation")
    if found is None:
        return None
    labels = found.get("labels")
    if isinstance(labels, pd.Series) and len(labels):
        return labels.astype(str).rename("region")
    return None


def units_frame(results: CaseResults) -> pd.DataFrame:
    """Return the unit table with a ``region`` column (the state when no labels exist)."""
    terr = territory(results)
    table = terr.units.copy()
    labels = region_labels(results)
    if labels is not None:
        table["region"] = labels.reindex(table.index).fillna("–").astype(str)
    else:
        state = table["state"].astype(str).str.zfill(2)
        table["region"] = state.map(STATE_NAMES).fillna(state)
    return table


def region_names(results: CaseResults, table: pd.DataFrame) -> dict[str, str]:
    """Return a display name per region: the step's own names, else the largest unit's."""
    found = section(results, "delineation") or {}
    names = found.get("region_names")
    if isinstance(names, Mapping):
        return {str(k): str(v) for k, v in names.items()}
    if isinstance(names, pd.Series):
        return {str(k): str(v) for k, v in names.items()}
    if region_labels(results) is None:
        return {r: r for r in table["region"].unique()}
    largest = table.sort_values(["population", "name"], ascending=[False, True])
    first = largest.groupby("region", sort=False)["name"].first()
    return {str(r): _short_name(str(n)) for r, n in first.items()}


def region_order(table: pd.DataFrame) -> list[str]:
    """Return region ids ordered by population (largest first, ties by id)."""
    pop = table.groupby("region")["population"].sum()
    frame = pd.DataFrame({"pop": pop, "id": pop.index})
    return list(frame.sort_values(["pop", "id"], ascending=[False, True])["id"])


def strongest_ties(table: FlowTable, *, n: int = 40) -> pd.DataFrame:
    """Return the ``n`` strongest unit pairs by flows in both directions (no diagonal).

    Returns
    -------
    pandas.DataFrame
        Columns ``a``, ``b`` (unit ids, ``a < b``) and ``value`` = flows a→b + b→a,
        sorted by value (descending, ties by ids).
    """
    matrix = table.matrix.tocoo()
    ids = np.asarray(table.ids)
    off = matrix.row != matrix.col
    rows, cols, vals = matrix.row[off], matrix.col[off], matrix.data[off]
    a = np.where(ids[rows] < ids[cols], ids[rows], ids[cols])
    b = np.where(ids[rows] < ids[cols], ids[cols], ids[rows])
    pairs = pd.DataFrame({"a": a, "b": b, "value": vals})
    summed = pairs.groupby(["a", "b"], as_index=False).agg(value=("value", "sum"))
    summed = summed.sort_values(["value", "a", "b"], ascending=[False, True, True])
    return summed.head(n).reset_index(drop=True)


def cooperation_areas(results: CaseResults) -> dict[str, dict[str, Any]]:
    """Return cooperation areas as ``{body id: {"name": ..., "units": [...]}}``.

    Read from the ``governance`` section key ``areas`` (a Series body -> unit list, a dict,
    or a long DataFrame with ``area`` (or ``body``), ``unit`` and ``name`` columns), else
    from the registry's city-regional areas, else empty.
    """
    found = section(results, "governance") or {}
    areas = found.get("areas", found.get("cooperation_areas"))
    names = found.get("body_names") or {}
    registry = found.get("registry")
    if areas is None and registry is not None and hasattr(registry, "areas"):
        areas = registry.areas()
        names = {body.id: body.name for body in registry.bodies}
    out: dict[str, dict[str, Any]] = {}
    if isinstance(areas, pd.DataFrame) and "area" in areas.columns and "body" not in areas:
        areas = areas.rename(columns={"area": "body"})
    if isinstance(areas, pd.DataFrame) and {"body", "unit"} <= set(areas.columns):
        for body, group in areas.groupby("body", sort=True):
            name = group["name"].iloc[0] if "name" in group else names.get(body, body)
            out[str(body)] = {"name": str(name), "units": sorted(map(str, group["unit"]))}
    elif isinstance(areas, Mapping | pd.Series):
        for key, units in areas.items():
            out[str(key)] = {"name": str(names.get(key, key)), "units": sorted(map(str, units))}
    return out


def governance_gaps(results: CaseResults) -> pd.DataFrame:
    """Return the ranked governance gaps (unit pairs with strong ties and no shared body).

    Read from the ``governance`` section key ``gaps``: a DataFrame with two unit-id columns
    (``a``/``b``, ``unit_a``/``unit_b`` or ``origin``/``destination``), a value column and
    optionally ``cross_border`` (or ``cross_state``, :func:`cityregions.governance.fit.
    governance_gaps`); rows with ``gap`` False (covered ties) are left out. Returned
    with columns ``a``, ``b``, ``cross_border`` and the others.
    """
    found = section(results, "governance") or {}
    gaps = found.get("gaps")
    if not isinstance(gaps, pd.DataFrame) or gaps.empty:
        return pd.DataFrame(columns=["a", "b"])
    if "gap" in gaps.columns:
        gaps = gaps[gaps["gap"].astype(bool)]
    for left, right in (("a", "b"), ("unit_a", "unit_b"), ("origin", "destination")):
        if {left, right} <= set(gaps.columns):
            renamed = gaps.rename(columns={left: "a", right: "b"})
            if "cross_state" in renamed.columns and "cross_border" not in renamed.columns:
                renamed = renamed.rename(columns={"cross_state": "cross_border"})
            return renamed.astype({"a": str, "b": str}).reset_index(drop=True)
    return pd.DataFrame(columns=["a", "b"])


def provenance_rows(results: CaseResults, name: str) -> list[dict[str, str]]:
    """Return the provenance notes of section ``name`` (deduplicated, in order)."""
    seen: set[tuple[str, str, str]] = set()
    rows = []
    for note in results.provenance:
        key = (note.item, note.kind, note.source)
        if note.section == name and key not in seen:
            seen.add(key)
            rows.append({"item": note.item, "kind": note.kind, "source": note.source})
    return rows


def map_label(row: pd.Series) -> str:
    """Return the map label of a unit: short city names, "Lkr." before rural districts.

    ``Leipzig, Stadt`` becomes ``Leipzig`` and the district ``Leipzig`` (``type``
    Landkreis) becomes ``Lkr. Leipzig``, so the two stay apart.
    """
    name = _short_name(str(row["name"]))
    kind = str(row.get("type", "") or "")
    return f"Lkr. {name}" if kind.lower() == "landkreis" else name


def short_name(name: str) -> str:
    """Return a district name without its administrative suffix (``Leipzig, Stadt``)."""
    return name.split(",")[0].strip()


_short_name = short_name


def energy_region_balance(results: CaseResults) -> dict[str, float] | None:
    """Return the net bioenergy balance per region (MWh; supply − demand), or None.

    Read from the first table of the ``energy`` section with a ``region_net_mwh`` column
    (:func:`cityregions.energy.balance.region_balance`), indexed by region.
    """
    found = section(results, "energy")
    if found is None:
        return None
    for value in found.values():
        if isinstance(value, pd.DataFrame) and "region_net_mwh" in value.columns:
            series = value["region_net_mwh"].astype(float)
            return {str(k): float(v) for k, v in series.items()}
    return None
