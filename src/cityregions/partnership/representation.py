"""Representation rules: weights and seats of the members of a body from population.

Weights of the members of a body from their population:

* :func:`equal_weights` — one member, one vote;
* :func:`proportional_weights` — ∝ population (raw, or apportioned seats);
* :func:`penrose_weights` — ∝ √population (Penrose 1946), with
  :func:`penrose_optimal_quota` (Słomczyński & Życzkowski 2006);
* :func:`cambridge_compromise` — degressive proportionality ``min(b + ⌈p/d⌉, M)``
  (Grimmett et al. 2011), checked by :func:`degressive_proportionality`;
* fixed seats (a mapping), apportioned by :func:`apportion` (Hamilton / largest
  remainder, D'Hondt / Jefferson, Sainte-Laguë / Webster).

All functions return a :class:`pandas.Series` aligned to the input index; ties are
broken by member id.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from cityregions._errors import InputError, ParameterError

logger = logging.getLogger(__name__)

ApportionMethod = Literal["hamilton", "dhondt", "sainte_lague"]
RuleName = Literal["equal", "proportional", "penrose", "degressive", "fixed"]


def _population(population: pd.Series | Mapping[str, float]) -> pd.Series:
    pop = pd.Series(population, dtype=float)
    pop.index = pop.index.astype(str)
    bad = pop[~np.isfinite(pop) | (pop < 0)]
    if len(bad):
        member = bad.index[0]
        msg = f"population of member '{member}' must be a number ≥ 0, got {bad.iloc[0]}"
        raise InputError(msg, location=member, field="population")
    if pop.index.has_duplicates:
        member = pop.index[pop.index.duplicated()][0]
        msg = f"member '{member}' is listed twice"
        raise InputError(msg, location=member, field="member")
    return pop


def equal_weights(population: pd.Series | Mapping[str, float]) -> pd.Series:
    """One vote per member.

    Examples
    --------
    >>> equal_weights({"a": 10, "b": 90}).tolist()
    [1, 1]
    """
    pop = _population(population)
    return pd.Series(1, index=pop.index, name="weight")


def apportion(
    values: pd.Series | Mapping[str, float],
    seats: int,
    *,
    method: ApportionMethod = "sainte_lague",
    minimum: int = 0,
) -> pd.Series:
    """Distribute ``seats`` integer seats in proportion to ``values``.

    Parameters
    ----------
    values
        Population (or any positive quantity) per member.
    seats
        House size.
    method
        ``hamilton`` (largest remainder: ``⌊s·v_i/V⌋`` then the largest remainders),
        ``dhondt`` (divisors 1, 2, 3, …) or ``sainte_lague`` (divisors 1, 3, 5, …).
    minimum
        Seats every member gets first (the rest is apportioned).

    Notes
    -----
    Divisor methods assign the seats one by one to the largest quotient
    ``v_i / d(s_i)`` with ``d(s) = s + 1`` (D'Hondt) or ``2s + 1`` (Sainte-Laguë).
    Ties go to the member id that sorts first.

    Examples
    --------
    >>> apportion({"a": 5, "b": 3, "c": 2}, 7, method="hamilton").tolist()
    [4, 2, 1]
    >>> apportion({"a": 5, "b": 3, "c": 2}, 7, method="dhondt").tolist()
    [4, 2, 1]
    """
    v = _population(values)
    free = seats - minimum * len(v)
    if free < 0:
        msg = f"{seats} seats cannot give {minimum} to each of {len(v)} members"
        raise ParameterError(msg)
    out = pd.Series(minimum, index=v.index, name="seats", dtype=int)
    if free == 0 or v.sum() == 0:
        return out
    order = sorted(v.index)
    if method == "hamilton":
        exact = v * free / v.sum()
        base = np.floor(exact).astype(int)
        rest = free - int(base.sum())
        remainders = sorted(order, key=lambda m: (-(exact[m] - base[m]), m))
        for m in remainders[:rest]:
            base[m] += 1
        return out + base
    if method not in ("dhondt", "sainte_lague"):
        msg = f"unknown apportionment method {method!r}; use hamilton, dhondt or sainte_lague"
        raise ParameterError(msg)
    extra = dict.fromkeys(order, 0)
    for _ in range(free):

        def quotient(m: str) -> float:
            d = extra[m] + 1 if method == "dhondt" else 2 * extra[m] + 1
            return float(v[m]) / d

        best = min(order, key=lambda m: (-quotient(m), m))
        extra[best] += 1
    return out + pd.Series(extra)


def proportional_weights(
    population: pd.Series | Mapping[str, float],
    *,
    seats: int | None = None,
    method: ApportionMethod = "sainte_lague",
) -> pd.Series:
    """Weights ∝ population: the population itself, or ``seats`` apportioned."""
    pop = _population(population)
    if seats is None:
        return pop.round().astype(int).rename("weight")
    return apportion(pop, seats, method=method).rename("weight")


def penrose_weights(
    population: pd.Series | Mapping[str, float],
    *,
    seats: int | None = None,
    method: ApportionMethod = "sainte_lague",
) -> pd.Series:
    """Weights ∝ √population (Penrose square-root rule).

    Without ``seats`` the weights are ``√N_i`` rounded to integers (enough resolution
    for bodies of cities and districts); with ``seats`` they are apportioned.
    """
    root = np.sqrt(_population(population))
    if seats is None:
        return root.round().astype(int).rename("weight")
    return apportion(root, seats, method=method).rename("weight")


def penrose_optimal_quota(population: pd.Series | Mapping[str, float]) -> float:
    """Optimal relative quota for square-root weights (Jagiellonian compromise).

    ``q* = ½ (1 + √(Σ N_j) / Σ √N_j)``.

    References
    ----------
    Słomczyński, W. & Życzkowski, K. (2006). Penrose voting system and optimal quota.
    Acta Physica Polonica B 37, 3133–3143 (arXiv physics/0610271).

    Examples
    --------
    >>> round(penrose_optimal_quota([1, 1, 1, 1]), 4)
    0.75
    """
    pop = _population(population)
    return 0.5 * (1 + math.sqrt(pop.sum()) / float(np.sqrt(pop).sum()))


def cambridge_compromise(
    population: pd.Series | Mapping[str, float],
    *,
    seats: int,
    base: int = 5,
    cap: int | None = None,
) -> pd.Series:
    """Degressively proportional seats ``s_i = min(b + ⌈N_i / d⌉, M)``.

    The divisor ``d`` is found by bisection so that the seats add up to ``seats``; if
    no divisor hits the house size exactly (ties), the smallest total above it is
    reduced by taking seats from the largest units first and a warning is logged.

    References
    ----------
    Grimmett, G. et al. (2011). The allocation between the EU Member States of the seats
    in the European Parliament (Cambridge Compromise). European Parliament, PE 432.760.

    Examples
    --------
    >>> cambridge_compromise({"a": 900, "b": 90, "c": 10}, seats=12, base=1).tolist()
    [8, 2, 2]
    """
    pop = _population(population)
    n = len(pop)
    cap = cap if cap is not None else seats
    if seats < n * (base + 1) or seats > n * cap:
        msg = f"{seats} seats cannot be reached with base {base} and cap {cap} for {n} members"
        raise ParameterError(msg)

    def total(d: float) -> pd.Series:
        return np.minimum(base + np.ceil(pop / d), cap).astype(int)

    lo, hi = 1e-9, float(pop.sum()) * 2 + 1
    for _ in range(200):
        mid = math.sqrt(lo * hi)
        if total(mid).sum() > seats:
            lo = mid
        else:
            hi = mid
    result = total(hi)
    short = seats - int(result.sum())
    if short:
        logger.warning("Cambridge compromise: %d seat(s) assigned by largest population", short)
        for m in sorted(pop.index, key=lambda m: (-pop[m], m))[:short]:
            result[m] += 1
    return result.rename("seats")


def degressive_proportionality(
    population: pd.Series | Mapping[str, float], seats: pd.Series | Mapping[str, int]
) -> list[str]:
    """Check degressive proportionality; return the violations (empty = satisfied).

    With members ordered by population ``p_1 ≥ p_2 ≥ …``: (a) ``s_1 ≥ s_2 ≥ …`` and
    (b) ``p_1/s_1 ≥ p_2/s_2 ≥ …`` (Lamassoure–Severin 2007).

    Examples
    --------
    >>> degressive_proportionality({"a": 100, "b": 10}, {"a": 3, "b": 4})[0]
    "(a) 'b' (10) has more seats (4) than the larger 'a' (3)"
    >>> degressive_proportionality({"a": 100, "b": 10}, {"a": 5, "b": 2})
    []
    """
    pop = _population(population)
    s = pd.Series(seats, dtype=float).reindex(pop.index)
    order = sorted(pop.index, key=lambda m: (-pop[m], m))
    problems = []
    for big, small in itertools.pairwise(order):
        if s[small] > s[big]:
            problems.append(
                f"(a) '{small}' ({pop[small]:g}) has more seats ({s[small]:g}) than the "
                f"larger '{big}' ({s[big]:g})"
            )
        if s[big] > 0 and s[small] > 0 and pop[small] / s[small] > pop[big] / s[big] + 1e-12:
            problems.append(
                f"(b) '{small}' has more inhabitants per seat ({pop[small] / s[small]:,.0f}) "
                f"than the larger '{big}' ({pop[big] / s[big]:,.0f})"
            )
    return problems


def representation_weights(
    population: pd.Series | Mapping[str, float],
    rule: RuleName,
    *,
    seats: int | None = None,
    fixed: Mapping[str, int] | None = None,
    base: int = 1,
    cap: int | None = None,
    method: ApportionMethod = "sainte_lague",
) -> pd.Series:
    """Weights of the members of a body under a named representation rule.

    ``equal``, ``proportional``, ``penrose``, ``degressive`` (Cambridge compromise,
    needs ``seats``) or ``fixed`` (the mapping ``fixed``; every member needs a value).
    """
    pop = _population(population)
    if rule == "equal":
        return equal_weights(pop)
    if rule == "proportional":
        return proportional_weights(pop, seats=seats, method=method)
    if rule == "penrose":
        return penrose_weights(pop, seats=seats, method=method)
    if rule == "degressive":
        if seats is None:
            msg = "the degressive rule needs a house size (seats)"
            raise ParameterError(msg)
        return cambridge_compromise(pop, seats=seats, base=base, cap=cap).rename("weight")
    if rule == "fixed":
        fixed = fixed or {}
        missing = [m for m in pop.index if m not in fixed]
        if missing:
            msg = f"fixed seats: no seats given for '{missing[0]}' (one per member or bloc)"
            raise InputError(msg, location=missing[0], field="seats")
        return pd.Series({m: int(fixed[m]) for m in pop.index}, name="weight")
    msg = (
        f"unknown representation rule {rule!r}; "
        "use equal, proportional, penrose, degressive or fixed"
    )
    raise ParameterError(msg)
