"""Fee keys: how a body's budget is split among its members.

:func:`fees` splits a total by a key — flat, per capita, mixed (a flat part plus a per
capita part) or cost-share percentages; :func:`scenario_fees` applies a scenario's fee
table to its paying members.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from cityregions._errors import InputError, ParameterError
from cityregions.partnership.representation import _population

if TYPE_CHECKING:
    from cityregions.partnership.scenarios import Scenario

FeeKey = Literal["flat", "per_capita", "mixed", "shares"]


def fees(
    population: pd.Series | Mapping[str, float],
    *,
    key: FeeKey,
    total: float,
    flat_share: float = 0.5,
    shares: Mapping[str, float] | None = None,
) -> pd.Series:
    """Split a budget ``total`` among the members by a fee key.

    Parameters
    ----------
    key
        ``flat`` (``T/n`` each), ``per_capita`` (``T·N_i/ΣN``), ``mixed``
        (``α·T/n + (1−α)·T·N_i/ΣN`` with ``α = flat_share``) or ``shares``
        (percentages per member, e.g. WRL 51/19/15/15; they must add up to 100).

    Examples
    --------
    >>> fees({"a": 300, "b": 100}, key="mixed", total=1000, flat_share=0.5).tolist()
    [625.0, 375.0]
    """
    pop = _population(population)
    n = len(pop)
    if key == "flat":
        return pd.Series(total / n, index=pop.index, name="fee")
    if key == "per_capita":
        return (total * pop / pop.sum()).rename("fee")
    if key == "mixed":
        if not 0 <= flat_share <= 1:
            msg = f"flat_share must lie in [0, 1], got {flat_share}"
            raise ParameterError(msg)
        return (flat_share * total / n + (1 - flat_share) * total * pop / pop.sum()).rename("fee")
    if key == "shares":
        shares = shares or {}
        missing = [m for m in pop.index if m not in shares]
        if missing:
            msg = f"cost shares: no share given for member '{missing[0]}'"
            raise InputError(msg, location=missing[0], field="share")
        pct = pd.Series({m: float(shares[m]) for m in pop.index})
        if abs(pct.sum() - 100) > 1e-6:
            msg = f"cost shares add up to {pct.sum():g} %, not 100 %"
            raise InputError(msg, field="share")
        return (total * pct / 100).rename("fee")
    msg = f"unknown fee key {key!r}; use flat, per_capita, mixed or shares"
    raise ParameterError(msg)


def scenario_fees(scenario: Scenario, members: pd.DataFrame) -> pd.Series:
    """Return the fee of each member of a scenario by its fee key (0 for members who do not pay).

    ``members`` has a ``population`` and a boolean ``pays`` column, indexed by member id.
    Errors in the key (shares missing a member or not adding up to 100 %) name the
    scenario file and its ``fees`` table.
    """
    spec = scenario.fees
    payers = members[members["pays"].astype(bool)]
    try:
        fee = _fees_of_payers(spec, payers["population"].astype(float))
    except InputError as error:  # name the scenario file and its fee key
        where = f"{scenario.source}, fees" if scenario.source else "fees"
        raise InputError(
            error.message, source=where, location=error.location, field=error.field
        ) from None
    return fee.reindex(members.index).fillna(
        {m: 0.0 for m in members.index if m not in payers.index}
    )


def _fees_of_payers(spec: Any, pop: pd.Series) -> pd.Series:
    if spec.key == "per_capita" and spec.rate is not None:
        return (pop * spec.rate).rename("fee")
    if spec.total is None or pop.empty:
        return pd.Series(np.nan, index=pop.index, name="fee")
    if spec.key in ("per_capita", "mixed") and pop.isna().any():
        known = pop.dropna()
        out = pd.Series(np.nan, index=pop.index, name="fee")
        out[known.index] = fees(known, key=spec.key, total=spec.total, flat_share=spec.flat_share)
        return out
    return fees(
        pop.fillna(0),
        key=spec.key,
        total=spec.total,
        flat_share=spec.flat_share,
        shares=spec.shares,
    )


__all__ = ["FeeKey", "fees", "scenario_fees"]
