"""What the report, the dashboard and the GeoPackage draw from one run's results.

These functions only *select* from the typed :class:`~cityregions.pipeline.results.
CaseResults` and hand plain data to :mod:`cityregions.geometry`; they compute no
analysis of their own. A step that did not run yields None or an empty table, and the
presentation then leaves that part out.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from cityregions.geometry import STATE_FULL_NAMES, MapView, map_view, units_frame
from cityregions.vocabulary import NO_STATE, NO_STATE_RECORDED

if TYPE_CHECKING:
    import pandas as pd

    from cityregions.flows import FlowTable
    from cityregions.pipeline.results import CaseResults
    from cityregions.registry import Registry
    from cityregions.territory import Territory

logger = logging.getLogger(__name__)

#: An absolute local path inside a text (POSIX ``/a/b`` or Windows ``C:\\a\\b``); a URL's
#: ``//host/...`` part is not matched (it follows a ``:``).
ABSOLUTE_PATH = re.compile(
    r"(?<![\w.:/\\~-])(?:/(?:[^\s/,;()\[\]]+/)+[^\s/,;()\[\]]*|[A-Za-z]:\\(?:[^\s\\,;()]+\\)*[^\s\\,;()]*)"
)


def territory(results: CaseResults) -> Territory:
    """Return the territory of the case (from the territory step, else the case)."""
    if results.territory is not None:
        return results.territory.territory
    return results.case.territory


def flows(results: CaseResults) -> FlowTable | None:
    """Return the flows of the territory step, or None."""
    return results.territory.flows if results.territory is not None else None


def region_labels(results: CaseResults) -> pd.Series | None:
    """Return the functional partition (unit → region, NaN outside) of the delineation step.

    None when the step did not run.
    """
    if results.delineation is None or not len(results.delineation.labels):
        return None
    return results.delineation.labels.rename("region")


def units_table(results: CaseResults) -> pd.DataFrame:
    """Return the unit table with a ``region`` column (the state when no labels exist)."""
    return units_frame(territory(results), region_labels(results))


def registry(results: CaseResults) -> Registry | None:
    """Return the governance registry of the results, or None."""
    return results.governance.registry if results.governance is not None else None


def cooperation_areas(results: CaseResults) -> dict[str, dict[str, Any]]:
    """Return cooperation areas as ``{body id: {"name": ..., "units": [...]}}``.

    From the governance result's ``areas`` table (city-regional areas on its date);
    empty without a governance result.
    """
    if results.governance is None:
        return {}
    areas = results.governance.areas
    out: dict[str, dict[str, Any]] = {}
    for body, group in areas.groupby("area", sort=True):
        out[str(body)] = {
            "name": str(group["name"].iloc[0]),
            "units": sorted(map(str, group["unit"])),
        }
    return out


def governance_gaps(results: CaseResults) -> pd.DataFrame:
    """Return the ranked governance gaps: strong unit ties that no shared body covers.

    Columns ``a``, ``b`` (unit ids), ``cross_border`` and the others of
    :func:`cityregions.governance.fit.governance_gaps`; covered ties are left out.
    """
    import pandas as pd

    if results.governance is None or results.governance.gaps.empty:
        return pd.DataFrame(columns=["a", "b"])
    gaps = results.governance.gaps
    gaps = gaps[gaps["gap"].astype(bool)]
    renamed = gaps.rename(columns={"unit_a": "a", "unit_b": "b", "cross_state": "cross_border"})
    return renamed.astype({"a": str, "b": str}).reset_index(drop=True)


def region_names(results: CaseResults) -> dict[str, str] | None:
    """Return the delineation step's name per region, or None."""
    if results.delineation is None or results.delineation.region_names is None:
        return None
    return {str(k): str(v) for k, v in results.delineation.region_names.items()}


def case_map(results: CaseResults, *, n_ties: int = 30, n_gaps: int = 10) -> MapView:
    """Return the map of the case: units by region, ties, cooperation areas and gaps."""
    return map_view(
        territory(results),
        labels=region_labels(results),
        names=region_names(results),
        flows=flows(results),
        areas=cooperation_areas(results),
        gaps=governance_gaps(results),
        n_ties=n_ties,
        n_gaps=n_gaps,
    )


#: Columns of governance tables that hold actor or body ids.
ID_COLUMNS = ("member", "body", "represented_by", "actor", "best_area")
#: Columns that hold several body ids joined by ``;`` (e.g. ``emmd;gewerbeflaechen-hl``).
ID_LIST_COLUMNS = ("other_bodies", "shared_bodies", "areas")


def registry_names(table: Any, registry: Registry | None) -> Any:
    """Show actor and body ids in the id columns of ``table`` by their registry names.

    Lists of ids (``other_bodies``: ``emmd;gewerbeflaechen-hl``) become the names
    joined by ``"; "``.
    """
    import pandas as pd

    if not isinstance(table, pd.DataFrame) or registry is None:
        return table
    columns = [c for c in ID_COLUMNS if c in table.columns]
    lists = [c for c in ID_LIST_COLUMNS if c in table.columns]
    if not columns and not lists:
        return table
    names = {a.id: a.name for a in registry.actors} | {b.id: b.name for b in registry.bodies}
    shown = table.copy()
    for column in columns:
        shown[column] = [names.get(str(v), v) if isinstance(v, str) else v for v in shown[column]]
    for column in lists:
        shown[column] = [
            "; ".join(names.get(i, i) for i in v.split(";") if i) if isinstance(v, str) else v
            for v in shown[column]
        ]
    return shown


def named_partitions(result: Any) -> pd.DataFrame:
    """Return ``labels_by_method`` with each method's region ids shown by region name.

    A Leiden region is numbered by a unit id (``14612``) and an LMA region by R's
    cluster id: a reader needs the region's name (its largest member), from each
    method's per-region summary; zones and ids without a name stay as they are.
    """
    import pandas as pd

    table = result.labels_by_method.copy()
    for method, summary in result.summaries.items():
        if method not in table or not {"region", "name"} <= set(summary.columns):
            continue
        names = dict(zip(summary["region"].astype(str), summary["name"].astype(str), strict=True))
        table[method] = [names.get(str(r), r) if pd.notna(r) else r for r in table[method]]
    return table


def coverage_names(results: CaseResults) -> dict[str, str]:
    """Return the names under which the governance fit's weighted columns are shown.

    The fit tables call their weight ``population``; when the units give no population
    it is the employed residents (or the jobs), see
    :attr:`~cityregions.governance.analysis.GovernanceAnalysis.coverage_weight`, and the
    report and dashboard must say so: ``{"population": "residents",
    "population_covered": "residents_covered"}``. Empty when it is the population.
    """
    weight = results.governance.coverage_weight if results.governance is not None else None
    if weight is None or weight == "population":
        return {}
    return {"population": weight, "population_covered": f"{weight}_covered"}


def renamed(value: Any, names: dict[str, str]) -> Any:
    """Return a table with its columns, or a dict with its keys, renamed by ``names``."""
    import pandas as pd

    if not names:
        return value
    if isinstance(value, pd.DataFrame):
        return value.rename(columns=names)
    if isinstance(value, dict):
        return {names.get(str(k), k): v for k, v in value.items()}
    return value


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


def energy_region_balance(results: CaseResults) -> dict[str, float] | None:
    """Return the net bioenergy balance per region (MWh; supply − demand), or None.

    The balance is that of the energy step's headline carrier (``[energy] carrier``,
    default heat): carriers are balanced one at a time and never added.
    """
    if results.energy is None or "region_net_mwh" not in results.energy.balance_regions:
        return None
    table = results.energy.balance_regions
    if "carrier" in table:
        table = table[table["carrier"] == results.energy.settings.get("carrier", "heat")]
    series = table["region_net_mwh"].astype(float)
    return {str(k): float(v) for k, v in series.items()}


def stability_map(results: CaseResults) -> MapView | None:
    """Return the map of the stability section: units by consensus region, or None.

    The regions are those of the sweep's consensus (medoid) run; the report and the
    dashboard fill each unit by :func:`cityregions.geometry.stability_colour`.
    """
    if results.stability is None:
        return None
    return map_view(territory(results), labels=results.stability.consensus)


def stability_table(results: CaseResults, view: MapView) -> pd.DataFrame:
    """Return per unit ``name``, ``region_name`` (consensus region) and ``stability``.

    Index ``unit``; least stable first (ties by name). Empty without the stability step.
    """
    import pandas as pd

    if results.stability is None:
        return pd.DataFrame(columns=["name", "region_name", "stability"])
    table = results.stability.stability
    units = view.units.reindex(table.index)
    regions = units["region"].astype(str)
    shown = pd.DataFrame(
        {
            "name": units["name"],
            "region_name": [view.names.get(r, r) for r in regions],
            "stability": table["stability"],
        },
        index=table.index.rename("unit"),
    )
    return shown.sort_values(["stability", "name"], kind="stable")


def stability_pairs(results: CaseResults) -> list[dict[str, Any]]:
    """Return the headline pairs of the stability step: ``a``, ``b``, their names, ``share``."""
    if results.stability is None:
        return []
    names = territory(results).units["name"]
    pairs = results.stability.pairs[["unit_a", "unit_b", "share"]]
    rows = []
    for a, b, share in pairs.itertuples(index=False):
        name_a, name_b = str(names.get(a, a)), str(names.get(b, b))
        rows.append({"a": a, "b": b, "name_a": name_a, "name_b": name_b, "share": float(share)})
    return rows


def state_display(state: Any) -> str:
    """A state key as tables show it: its name, or the group of actors without a state.

    ``14`` reads "Sachsen"; the governance analysis' group ``"?"``
    (:data:`~cityregions.vocabulary.NO_STATE`) becomes the coded value
    :data:`~cityregions.vocabulary.NO_STATE_RECORDED` ("kein Land erfasst / no state
    recorded" in the reader's language).

    Examples
    --------
    >>> state_display("14"), state_display(15), state_display("?")
    ('Sachsen', 'Sachsen-Anhalt', 'no_state_recorded')
    """
    if str(state) == NO_STATE:
        return NO_STATE_RECORDED
    return STATE_FULL_NAMES.get(str(state).zfill(2), str(state))


def strip_paths(text: str) -> str:
    """Return ``text`` with every absolute local path replaced by its last component.

    A report is sent by e-mail: it must not reveal the author's folders
    (``/home/x/case/coefficients.toml`` -> ``coefficients.toml``).
    """

    def last(match: re.Match[str]) -> str:
        parts = [p for p in re.split(r"[/\\]", match.group(0)) if p]
        return parts[-1] if parts else ""

    return ABSOLUTE_PATH.sub(last, text)


__all__ = [
    "case_map",
    "cooperation_areas",
    "coverage_names",
    "energy_region_balance",
    "flows",
    "governance_gaps",
    "named_partitions",
    "provenance_rows",
    "region_labels",
    "region_names",
    "registry",
    "registry_names",
    "renamed",
    "stability_map",
    "stability_pairs",
    "stability_table",
    "state_display",
    "strip_paths",
    "territory",
    "units_table",
]
