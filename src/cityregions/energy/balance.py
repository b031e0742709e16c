r"""Bioenergy balance per unit and per city region, one energy carrier at a time.

Supply is the potential of one ``potential_level`` (default ``sustainable``) *not yet
used* by the plants in operation, converted at the unit along the chosen paths
(:func:`new_supply`); demand comes from :func:`~cityregions.energy.demand.energy_demand`.
The balance is taken for each *carrier* — ``electricity``, ``heat``, ``biomethane`` —
separately: heat from straw is never added to electricity from biogas, and gas heating is
part of both the heat and the gas demand, so balances of different carriers must not be
added either.

What the plants in operation deliver (``current_supply``) already covers part of the
demand. For electricity and biomethane, which the grids carry anywhere, the *open*
demand is :math:`D^{open} = \max(D - C, 0)`; for heat it is the full demand, because how
much of the heat of the plants in operation is used is not known (the notes give no
value): the heat balance is conservative. Optionally only a share of the open demand is
to be covered by biomass (``cover_share``, e.g. a heat-plan target).

Each city region (labels: a Series unit → region) has a *core* — the unit with the
largest population (ties by unit id) unless core ids are given — and a *ring* (the other
units). The ring surplus is the ring's pooled net balance after covering its own demand,
:math:`S_{ring} = \max(\sum_{i \in ring} (supply_i - demand_i), 0)`; the share of the
core's demand the ring can cover is :math:`\min(S_{ring}, D_{core}) / D_{core}` and of
the core's deficit :math:`\min(S_{ring}, deficit_{core}) / deficit_{core}`.

Examples
--------
>>> bal = pd.DataFrame(
...     {"supply_mwh": [10.0, 80.0], "demand_mwh": [100.0, 20.0], "population": [9.0, 1.0]},
...     index=pd.Index(["c", "r"], name="unit"),
... )
>>> reg = region_balance(bal, pd.Series({"c": "R", "r": "R"}))
>>> float(reg.loc["R", "ring_surplus_mwh"]), float(reg.loc["R", "ring_cover_share"])
(60.0, 0.6)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
import pandas as pd

from cityregions._errors import InputError
from cityregions.labels import normalize_labels

logger = logging.getLogger(__name__)

#: The energy carriers, each balanced on its own.
CARRIERS: tuple[str, ...] = ("electricity", "heat", "biomethane")
#: Carriers whose grids take the output of plants in operation anywhere: their current
#: supply is subtracted from the demand.
CREDITED: tuple[str, ...] = ("electricity", "biomethane")


def check_carrier(carrier: str) -> str:
    """Return ``carrier`` if known; raise :class:`InputError` otherwise."""
    if carrier == "final":
        msg = (
            "the carrier 'final' (heat + electricity) is gone: carriers are balanced one "
            f"at a time; choose one of {', '.join(CARRIERS)}"
        )
        raise InputError(msg, field="carrier")
    if carrier not in CARRIERS:
        msg = f"unknown carrier '{carrier}' (allowed: {', '.join(CARRIERS)})"
        raise InputError(msg, field="carrier")
    return carrier


def new_supply(potential: pd.DataFrame, *, potential_level: str = "sustainable") -> pd.DataFrame:
    r"""Return the supply for new uses per unit and carrier (MWh/a).

    Each feedstock's net outputs scale with its fuel, so the supply of carrier
    :math:`c` is :math:`\sum_f O_{fc} \, F^{unused}_f / F_f` over the feedstock rows of
    the potential table (:func:`~cityregions.energy.potential.biomass_potential`).

    Returns
    -------
    pandas.DataFrame
        Indexed by unit: ``supply_electricity_mwh``, ``supply_heat_mwh``,
        ``supply_biomethane_mwh`` (NaN where a feedstock or the current use is unknown).
    """
    rows = potential[
        (potential["potential_level"] == potential_level) & (potential["feedstock"] != "total")
    ]
    if rows.empty:
        msg = f"no rows at potential level '{potential_level}' in the potential table"
        raise InputError(msg, field="potential_level")
    fuel = rows["fuel_mwh"].to_numpy(dtype=float)
    unused = rows["unused_fuel_mwh"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where(fuel > 0, unused / fuel, np.where(np.isnan(unused), np.nan, 0.0))
    parts = pd.DataFrame(
        {f"supply_{c}_mwh": rows[f"{c}_mwh"].to_numpy(dtype=float) * scale for c in CARRIERS},
        index=pd.Index(rows["unit"].to_numpy(), name="unit"),
    )
    grouped = parts.groupby(level=0, sort=False)
    return grouped.sum().where(~grouped.apply(lambda g: g.isna().any()))


def current_supply(use: pd.DataFrame, units: pd.Index) -> pd.DataFrame:
    """Return what the plants in operation deliver per unit and carrier (MWh/a).

    Parts whose energy is unknown (e.g. solid-biomass units without full-load hours)
    are left out: the open demand is then an upper bound.
    """
    table = use.groupby("unit", sort=False)[[f"{c}_mwh" for c in CARRIERS]].sum(min_count=0)
    table.columns = [f"current_{c}_mwh" for c in CARRIERS]
    return table.reindex(units).fillna(0.0)


def unit_balance(
    supply: pd.DataFrame,
    demand: pd.DataFrame,
    *,
    carrier: str = "heat",
    cover_share: float | str | pd.Series = 1.0,
    current: pd.DataFrame | None = None,
    labels: pd.Series | None = None,
    population: pd.Series | None = None,
) -> pd.DataFrame:
    r"""Return the balance per unit for one carrier.

    Parameters
    ----------
    supply
        Supply for new uses per unit (:func:`new_supply`).
    demand
        Demand per unit (``demand_<carrier>_mwh``).
    carrier
        ``electricity``, ``heat`` or ``biomethane``.
    cover_share
        Share of the open demand biomass is to cover: a number in (0, 1], a Series per
        unit, ``"overall"`` (the self-sufficiency of all units together,
        :math:`r = \sum supply / \sum D^{open}`) or ``"regional"`` (that ratio per region
        of ``labels``). With the ratios, units above the average have a surplus that
        would bring every unit to the same biomass share: a fair-share view of the
        partnership.
    current
        What the plants in operation deliver (:func:`current_supply`); default none.
    labels
        Region per unit (needed for ``"regional"``).
    population
        Optional population per unit, carried along (used to find cores).

    Returns
    -------
    pandas.DataFrame
        Indexed by unit: ``supply_mwh, current_supply_mwh, full_demand_mwh,
        open_demand_mwh, self_sufficiency, cover_share, demand_mwh, net_mwh,
        surplus_mwh, deficit_mwh`` (+ ``population``), energies in MWh/a;
        ``demand_mwh`` is the open demand times ``cover_share``.
    """
    check_carrier(carrier)
    table = pd.DataFrame(index=demand.index)
    table["supply_mwh"] = supply[f"supply_{carrier}_mwh"].reindex(demand.index)
    missing = table.index[table["supply_mwh"].isna().to_numpy()]
    if len(missing):
        logger.warning("no (complete) supply for unit(s) %s: balance is NaN", list(missing[:5]))
    credit = (
        current[f"current_{carrier}_mwh"].reindex(demand.index).fillna(0.0)
        if current is not None
        else pd.Series(0.0, index=demand.index)
    )
    table["current_supply_mwh"] = credit
    table["full_demand_mwh"] = demand[f"demand_{carrier}_mwh"]
    counted = credit if carrier in CREDITED else 0.0
    table["open_demand_mwh"] = (table["full_demand_mwh"] - counted).clip(lower=0)
    open_demand = table["open_demand_mwh"].replace(0, np.nan)
    table["self_sufficiency"] = table["supply_mwh"] / open_demand
    table["cover_share"] = _cover_shares(table, cover_share, labels)
    table["demand_mwh"] = table["open_demand_mwh"] * table["cover_share"]
    table["net_mwh"] = table["supply_mwh"] - table["demand_mwh"]
    table["surplus_mwh"] = table["net_mwh"].clip(lower=0)
    table["deficit_mwh"] = (-table["net_mwh"]).clip(lower=0) + 0.0  # no negative zero
    if population is not None:
        table["population"] = population.reindex(table.index).astype(float)
    table.attrs.update(carrier=carrier, cover_share=str(cover_share))
    return table


def carrier_balances(
    supply: pd.DataFrame,
    demand: pd.DataFrame,
    *,
    cover_share: float | str | pd.Series = 1.0,
    current: pd.DataFrame | None = None,
    labels: pd.Series | None = None,
    population: pd.Series | None = None,
) -> dict[str, pd.DataFrame]:
    """Return :func:`unit_balance` for every carrier of :data:`CARRIERS`."""
    return {
        carrier: unit_balance(
            supply,
            demand,
            carrier=carrier,
            cover_share=cover_share,
            current=current,
            labels=labels,
            population=population,
        )
        for carrier in CARRIERS
    }


def _cover_shares(
    table: pd.DataFrame, cover_share: float | str | pd.Series, labels: pd.Series | None
) -> pd.Series:
    """Return the cover share per unit (see :func:`unit_balance`)."""
    if isinstance(cover_share, str):
        if cover_share == "overall":
            groups = pd.Series("all", index=table.index)
        elif cover_share == "regional":
            if labels is None:
                msg = "cover_share='regional' needs region labels"
                raise InputError(msg, field="cover_share")
            groups = complete_labels(labels, table.index)
        else:
            msg = f"cover_share must be a number, 'overall' or 'regional', got {cover_share!r}"
            raise InputError(msg, field="cover_share")
        sums = table[["supply_mwh", "open_demand_mwh"]].groupby(groups).sum()
        ratio = (sums["supply_mwh"] / sums["open_demand_mwh"]).clip(upper=1.0)
        return groups.map(ratio).astype(float)
    shares = (
        cover_share.reindex(table.index).astype(float)
        if isinstance(cover_share, pd.Series)
        else pd.Series(float(cover_share), index=table.index)
    )
    bad = ~((shares > 0) & (shares <= 1))
    if bad.any():
        msg = f"cover_share must lie in (0, 1], got {shares[bad].iloc[0]}"
        raise InputError(msg, field="cover_share")
    return shares


def core_units(
    labels: pd.Series, population: pd.Series, cores: Iterable[str] | None = None
) -> pd.Series:
    """Return a boolean Series unit → is the core of its region.

    The core of a region is the given core id(s) inside it, else the unit with the largest
    population (ties broken by the smallest unit id).
    """
    given = {str(c) for c in cores} if cores is not None else set()
    unknown = given - set(labels.index)
    if unknown:
        msg = f"core id(s) {sorted(unknown)} are not labelled units"
        raise InputError(msg, field="cores")
    is_core = pd.Series(False, index=labels.index)
    for _region, members in labels.groupby(labels, sort=True):
        ids = sorted(members.index)
        chosen = [u for u in ids if u in given]
        if not chosen:
            pop = population.reindex(ids).fillna(-1.0)
            chosen = [max(ids, key=lambda u: (pop[u], -ids.index(u)))]
        is_core[chosen] = True
    return is_core


def region_balance(
    balance: pd.DataFrame,
    labels: pd.Series,
    *,
    cores: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Return the balance per city region: core deficit, ring surplus, cover shares.

    Parameters
    ----------
    balance
        Per-unit balance (:func:`unit_balance`) with ``supply_mwh``, ``demand_mwh`` and
        ``population``.
    labels
        Region per unit (units without a label are their own region).
    cores
        Optional core unit ids (default: most populous unit per region).

    Returns
    -------
    pandas.DataFrame
        Indexed by region: ``core, units, population, core_supply_mwh,
        core_demand_mwh, core_deficit_mwh, ring_supply_mwh, ring_demand_mwh,
        ring_surplus_mwh, ring_cover_share, ring_cover_share_of_deficit,
        region_net_mwh, core_self_sufficiency, ring_self_sufficiency`` (self-sufficiency =
        supply / open demand of the carrier).
    """
    labels = complete_labels(labels, balance.index)
    if "net_mwh" not in balance:
        balance = balance.assign(net_mwh=balance["supply_mwh"] - balance["demand_mwh"])
    if "deficit_mwh" not in balance:
        balance = balance.assign(deficit_mwh=(-balance["net_mwh"]).clip(lower=0))
    population = balance.get("population", pd.Series(np.nan, index=balance.index))
    is_core = core_units(labels, population, cores).reindex(balance.index).fillna(False)
    is_core = is_core.astype(bool)
    region = labels.reindex(balance.index)
    frame = pd.DataFrame(
        {
            "supply": balance["supply_mwh"],
            "demand": balance["demand_mwh"],
            "deficit": balance["deficit_mwh"],
            "net": balance["net_mwh"],
            "full": _full(balance),
        },
        index=balance.index,
    )
    regions = sorted(set(region))
    core = _sums(frame[is_core], region[is_core]).reindex(regions)
    ring = _sums(frame[~is_core], region[~is_core]).reindex(regions, fill_value=0.0)
    surplus = ring["net"].clip(lower=0)
    members = region.groupby(region).size().reindex(regions)
    out = pd.DataFrame(index=pd.Index(regions, name="region"))
    out["core"] = region[is_core].index.to_series().groupby(region[is_core]).agg(";".join)
    out["units"] = members.to_numpy()
    out["population"] = (
        balance["population"].groupby(region).sum().reindex(regions)
        if "population" in balance
        else np.nan
    )
    out["core_supply_mwh"] = core["supply"]
    out["core_demand_mwh"] = core["demand"]
    out["core_deficit_mwh"] = core["deficit"]
    out["ring_supply_mwh"] = ring["supply"]
    out["ring_demand_mwh"] = ring["demand"]
    out["ring_surplus_mwh"] = surplus
    out["ring_cover_share"] = _ratios(surplus.clip(upper=core["demand"]), core["demand"])
    out["ring_cover_share_of_deficit"] = _ratios(
        surplus.clip(upper=core["deficit"]), core["deficit"]
    )
    out["region_net_mwh"] = _sums(frame[["net"]], region).reindex(regions)["net"]
    out["core_self_sufficiency"] = _ratios(core["supply"], core["full"])
    out["ring_self_sufficiency"] = _ratios(ring["supply"], ring["full"])
    return out


def _sums(frame: pd.DataFrame, keys: pd.Series) -> pd.DataFrame:
    """Sums per group that stay missing (NaN) when any term is missing."""
    grouped = frame.groupby(keys)
    return grouped.sum().mask(frame.isna().groupby(keys).any())


def _ratios(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, NaN where the denominator is not positive or a term missing."""
    return (numerator / denominator.where(denominator > 0)).astype(float)


def _full(rows: pd.DataFrame) -> pd.Series:
    for column in ("open_demand_mwh", "full_demand_mwh"):
        if column in rows:
            return rows[column]
    return rows["demand_mwh"]


def complete_labels(labels: pd.Series | None, index: pd.Index) -> pd.Series:
    """Return the region of every unit of ``index``; units outside form their own region.

    A unit outside every functional region (a NaN label, as an FUA or a Stadtregion
    leaves units out) or without a label forms a region of its own, named by its unit
    id (``outside-<id>`` if that id is also a region id): its balance stays visible and
    it is not pooled with other such units, which need not be near each other. Labels
    of units outside ``index`` are dropped; without ``labels`` every unit is its own
    region. Ids and regions are strings.

    Examples
    --------
    >>> complete_labels(pd.Series({"a": "R", "b": None}), pd.Index(["a", "b", "c"])).tolist()
    ['R', 'b', 'c']
    """
    if labels is None:
        return pd.Series(list(index), index=index, name="region")
    labels = normalize_labels(labels).reindex(index)
    alone = labels.isna().to_numpy()
    if alone.any():
        logger.info("%d unit(s) outside every region form their own region", int(alone.sum()))
        taken = set(labels.dropna())
        labels[alone] = [u if u not in taken else f"outside-{u}" for u in index[alone]]
    return labels.rename("region")
