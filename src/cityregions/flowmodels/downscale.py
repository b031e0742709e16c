"""Municipal commuter flows from observed district flows (downscaling).

Where flows are published only between districts (the BA Pendlerstatistik by
*Kreise*), :func:`downscale_flows` estimates the flows between their municipalities
with a **doubly constrained spatial-interaction model** that reproduces the observed
district flows exactly:

.. math::

    T_{mn} = A_m\\, B_n\\, K_{p(m)q(n)}\\, f(d_{mn}),

    \\sum_n T_{mn} = r_m, \\qquad \\sum_m T_{mn} = w_n, \\qquad
    \\sum_{m \\in p,\\, n \\in q} T_{mn} = D_{pq}

for municipalities :math:`m` in district :math:`p = p(m)` and :math:`n` in
:math:`q = q(n)`, with

- :math:`D_{pq}` the observed district flows (the diagonal :math:`D_{pp}` included:
  it is spread over the pairs of municipalities of :math:`p`, their own diagonal
  included); a pair of districts without an observed flow gets no municipal flow;
- :math:`r_m = R_p\\, M_m / M_p` and :math:`w_n = W_q\\, J_n / J_q` the municipal
  margins: the district's employed residents :math:`R_p = \\sum_q D_{pq}` and jobs
  :math:`W_q = \\sum_p D_{pq}` in the table, shared out by a mass (population
  :math:`M`, and a job mass :math:`J`, by default also the population) — an
  assumption where municipal totals are not published, named in every output;
- :math:`f(d) = d^{-\\beta}` (``power``) or :math:`e^{-\\beta d}` (``exponential``) of
  the great-circle distance between municipal seats, raised to ``min_distance_km``; a
  municipality's distance to itself is :math:`\\tfrac23\\sqrt{a_m/\\pi}` (the mean
  distance from the centre of a disc of its area :math:`a_m` to a point in it;
  Frost & Spence 1995), raised likewise;
- :math:`A_m, B_n, K_{pq}` the balancing factors, found by iterative proportional
  fitting (Deming & Stephan 1940; Furness 1965) of the three margins in turn — rows,
  columns, then the district pairs, so that the last step makes every district pair
  exact. Its fixed point is the maximum-entropy (Wilson 1970) and Poisson
  maximum-likelihood table with these margins.

The deterrence parameter :math:`\\beta` is **fitted on the observed district flows**
(:func:`fit_deterrence`): a doubly constrained model between districts (seats: the
population-weighted centre of their municipalities) on the observed between-district
pairs, with :math:`\\beta` chosen so that the modeled mean of :math:`\\ln d` (power) or
:math:`d` (exponential) equals the observed one — Hyman's (1969) calibration, which is
the maximum-likelihood condition of the Poisson model with origin and destination
effects (Flowerdew & Aitkin 1982). Pairs missing from a truncated file are missing,
not zero: only the listed pairs enter the fit.

With ``integer=True`` (default) the flows are rounded to whole commuters within each
district pair by the largest-remainder method (ties by origin, then destination id),
so the district pairs stay exact (the district flows are whole numbers) and the
municipal margins move by less than one commuter per cell. Flows beyond the table
(:attr:`~cityregions.flows.FlowTable.outside_out`) are shared out by the same masses.
The result is labelled ``flows_provenance="modeled"``.

References
----------
.. [1] Deming, W. E. & Stephan, F. F. (1940). On a least squares adjustment of a sampled
   frequency table when the expected marginal totals are known. *Annals of Mathematical
   Statistics* 11, 427–444.
.. [2] Furness, K. P. (1965). Time function iteration. *Traffic Engineering and
   Control* 7, 458–460.
.. [3] Wilson, A. G. (1970). *Entropy in Urban and Regional Modelling*. Pion, London.
.. [4] Hyman, G. M. (1969). The calibration of trip distribution models. *Environment
   and Planning* 1, 105–112.
.. [5] Flowerdew, R. & Aitkin, M. (1982). A method of fitting the gravity model based on
   the Poisson distribution. *Journal of Regional Science* 22, 191–202.
.. [6] Frost, M. E. & Spence, N. A. (1995). The rediscovery of accessibility and
   economic potential: the critical issue of self-potential. *Environment and Planning
   A* 27, 1833–1848.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import brentq

from cityregions._errors import InputError, ParameterError
from cityregions.constants import DEFAULT_MIN_DISTANCE_KM
from cityregions.flows import FlowTable
from cityregions.territory import Territory, haversine_km

logger = logging.getLogger(__name__)

Deterrence = Literal["power", "exponential"]
#: Largest β searched: per unit of ln km (power) and per km (exponential).
BETA_MAX = {"power": 10.0, "exponential": 2.0}


@dataclass(frozen=True)
class DeterrenceFit:
    """The deterrence function fitted on observed flows (see :func:`fit_deterrence`).

    Attributes
    ----------
    deterrence
        ``"power"`` (:math:`d^{-\\beta}`) or ``"exponential"`` (:math:`e^{-\\beta d}`).
    beta
        The fitted :math:`\\beta`.
    mean_cost
        Observed mean of :math:`\\ln d` (power) or :math:`d` (exponential, km) over the
        commuters of the fitted pairs; the model reproduces it.
    pairs
        Number of observed between-unit pairs the fit used.
    commuters
        Commuters on these pairs.
    """

    deterrence: Deterrence
    beta: float
    mean_cost: float
    pairs: int
    commuters: float

    def describe(self) -> str:
        """Return the fit as text, e.g. ``f(d) = d^-2.13 (fitted on 612 pairs …)``."""
        form = f"d^-{self.beta:.4g}" if self.deterrence == "power" else f"exp(-{self.beta:.4g}·d)"
        return (
            f"f(d) = {form}, fitted on {self.pairs} observed pairs "
            f"({self.commuters:,.0f} commuters; Hyman calibration)"
        )


@dataclass(frozen=True)
class Downscaling:
    """Municipal flows estimated from district flows (see :func:`downscale_flows`).

    Attributes
    ----------
    flows
        The municipal flows (``flows_provenance="modeled"``), flows beyond the table
        when the district flows have them.
    fit
        The deterrence function fitted on the district flows.
    iterations
        Iterations of the proportional fitting.
    margin_error
        Largest relative deviation of a municipal row or column sum from its margin
        before rounding.
    parents
        Municipality → district of the municipalities used.
    left_out
        Municipalities of the unit table whose district is not in the flows.
    """

    flows: FlowTable
    fit: DeterrenceFit
    iterations: int
    margin_error: float
    parents: pd.Series
    left_out: list[str]

    def check_sums(self, districts: FlowTable) -> float:
        """Return the largest absolute difference between the aggregated and the given flows."""
        back = self.flows.aggregate(self.parents).subset(districts.ids)
        return float(abs(back.matrix - districts.matrix).max()) if len(districts) else 0.0


def fit_deterrence(
    flows: FlowTable,
    distances_km: np.ndarray,
    *,
    deterrence: Deterrence = "power",
    min_distance_km: float = DEFAULT_MIN_DISTANCE_KM,
) -> DeterrenceFit:
    """Fit :math:`\\beta` of a doubly constrained model on the observed between-unit flows.

    Parameters
    ----------
    flows
        Observed flows; only positive flows between different units enter the fit.
    distances_km
        Dense matrix of distances between the units, in ``flows.ids`` order.
    deterrence
        ``"power"`` or ``"exponential"``.
    min_distance_km
        Distances below this are raised to it.

    Returns
    -------
    DeterrenceFit
        :math:`\\beta \\ge 0` with the modeled mean cost equal to the observed one
        (:math:`\\beta = 0` when even a flat model is shorter than the observed flows).

    Notes
    -----
    For a given :math:`\\beta` the model :math:`\\hat T_{ij} = a_i b_j f(d_{ij})` on the
    observed pairs is balanced to their row and column sums (Furness); the mean cost
    :math:`\\sum \\hat T c / \\sum \\hat T` falls as :math:`\\beta` grows, and
    :func:`scipy.optimize.brentq` finds the root of its difference to the observed mean.

    Examples
    --------
    Flows made by the model itself (four places on a line, β = 0.05 per km) give back
    their β:

    >>> x = np.array([0.0, 10, 25, 45])
    >>> d = np.abs(x[:, None] - x[None, :])
    >>> mass = np.array([1.0, 2, 1, 3])
    >>> made = np.outer(mass, mass) * np.exp(-0.05 * d)
    >>> rows, cols = np.nonzero(~np.eye(4, dtype=bool))
    >>> long = pd.DataFrame({"origin": np.array(list("abcd"))[rows],
    ...     "destination": np.array(list("abcd"))[cols], "value": made[rows, cols]})
    >>> flows = FlowTable.from_long(long, warn_no_diagonal=False)
    >>> fit = fit_deterrence(flows, d, deterrence="exponential")
    >>> round(fit.beta, 6), fit.pairs
    (0.05, 12)

    Three places with symmetric distances cannot tell β apart (any β balances to the
    same flows): that is an error asking for β.
    """
    _check_deterrence(deterrence, min_distance_km)
    coo = sp.coo_array(flows.matrix)
    keep = (coo.row != coo.col) & (coo.data > 0)
    rows, cols, observed = coo.row[keep], coo.col[keep], coo.data[keep].astype(float)
    if len(observed) < 2:
        msg = "at least two observed flows between different units are needed to fit β"
        raise InputError(msg, source=flows.source or "flows", field="value")
    d = np.maximum(np.asarray(distances_km, dtype=float)[rows, cols], min_distance_km)
    cost = np.log(d) if deterrence == "power" else d
    target = float(observed @ cost / observed.sum())
    n = len(flows)
    row_sums = np.bincount(rows, observed, minlength=n)
    col_sums = np.bincount(cols, observed, minlength=n)

    def gap(beta: float) -> float:
        seed = np.exp(-beta * cost)
        fitted = _furness(seed, rows, cols, row_sums, col_sums)
        return float(fitted @ cost / fitted.sum()) - target

    high = BETA_MAX[deterrence]
    flat, steep = gap(0.0), gap(high)
    if abs(flat - steep) <= 1e-9 * (abs(target) + 1.0):
        msg = (
            f"β cannot be fitted on these {len(observed)} observed pairs: the balanced model "
            "reproduces them whatever β is (too few pairs per unit); give β explicitly"
        )
        raise InputError(msg, source=flows.source or "flows", field="beta")
    if flat <= 0:
        beta = 0.0
        logger.warning("observed flows are longer than a flat model: β = 0 (no deterrence)")
    elif steep > 0:
        beta = high
        logger.warning("β reached its search bound %g", high)
    else:
        beta = float(brentq(gap, 0.0, high, xtol=1e-10, rtol=1e-10))
    return DeterrenceFit(deterrence, beta, target, len(observed), float(observed.sum()))


def _furness(
    seed: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    row_sums: np.ndarray,
    col_sums: np.ndarray,
    *,
    tolerance: float = 1e-10,
    max_iterations: int = 2000,
) -> np.ndarray:
    """Balance sparse cells ``seed`` to the given row and column sums (two margins)."""
    values = seed.copy()
    n = len(row_sums)
    for _ in range(max_iterations):
        values *= _factor(row_sums, np.bincount(rows, values, minlength=n))[rows]
        values *= _factor(col_sums, np.bincount(cols, values, minlength=n))[cols]
        now = np.bincount(rows, values, minlength=n)
        if np.max(np.abs(now - row_sums) / np.maximum(row_sums, 1.0)) < tolerance:
            break
    return values


def _factor(target: np.ndarray, current: np.ndarray) -> np.ndarray:
    """``target / current`` where ``current > 0``, else 0."""
    out = np.zeros_like(target, dtype=float)
    np.divide(target, current, out=out, where=current > 0)
    return out


def _check_deterrence(deterrence: str, min_distance_km: float) -> None:
    if deterrence not in BETA_MAX:
        msg = f"deterrence must be 'power' or 'exponential', got {deterrence!r}"
        raise ParameterError(msg)
    if not (np.isfinite(min_distance_km) and min_distance_km > 0):
        msg = f"min_distance_km must be a positive number, got {min_distance_km!r}"
        raise ParameterError(msg)


def deterrence_function(deterrence: Deterrence, beta: float) -> Callable[[np.ndarray], np.ndarray]:
    """Return :math:`f(d)` for distances in km (``power``: :math:`d^{-\\beta}`)."""
    if deterrence == "power":
        return lambda d: np.power(d, -beta)
    return lambda d: np.exp(-beta * d)


def downscale_flows(
    flows: FlowTable,
    territory: Territory,
    *,
    parent: str = "parent",
    mass: str = "population",
    job_mass: str | None = None,
    deterrence: Deterrence = "power",
    beta: float | None = None,
    min_distance_km: float = DEFAULT_MIN_DISTANCE_KM,
    integer: bool = True,
    tolerance: float = 1e-9,
    max_iterations: int = 5000,
) -> Downscaling:
    """Estimate municipal flows that add up to the observed district flows.

    Parameters
    ----------
    flows
        District flows with the diagonal (observed), optionally with totals
        (:meth:`~cityregions.flows.FlowTable.with_totals`).
    territory
        The municipalities: column ``parent`` (district id), the ``mass`` columns,
        seat coordinates ``lon``/``lat`` and ``area_km2``. Municipalities of districts
        that are not in the flows are left out (listed in
        :attr:`Downscaling.left_out`).
    parent
        Column of ``territory.units`` holding each municipality's district.
    mass, job_mass
        Columns sharing the district's residents and jobs among its municipalities
        (``job_mass`` defaults to ``mass``).
    deterrence
        ``"power"`` (default) or ``"exponential"``.
    beta
        The deterrence parameter; default fitted on the district flows
        (:func:`fit_deterrence`).
    min_distance_km
        Distances below this are raised to it.
    integer
        Round to whole commuters within each district pair (largest remainder).
    tolerance, max_iterations
        Stop the proportional fitting when every municipal row and column sum is
        within ``tolerance`` (relative) of its margin, or after ``max_iterations``.

    Returns
    -------
    Downscaling
        The municipal flows (``modeled``), the fit and the fitting diagnostics.

    Raises
    ------
    InputError
        A municipality without a district (naming the unit and the ``parent``
        column); a district with flows but no municipality, or whose municipalities
        have no mass (naming the district pair the municipal table cannot carry);
        missing seats, areas or masses.

    Examples
    --------
    >>> districts = FlowTable.from_long(pd.DataFrame({"origin": ["A", "A", "B", "B"],
    ...     "destination": ["A", "B", "B", "A"], "value": [100, 20, 50, 10]}))
    >>> towns = Territory.from_frame(pd.DataFrame({"unit": ["a1", "a2", "b1"],
    ...     "parent": ["A", "A", "B"], "population": [300, 100, 200],
    ...     "lon": [12.0, 12.1, 12.3], "lat": [51.0, 51.0, 51.0], "area_km2": [50, 40, 60]}))
    >>> result = downscale_flows(districts, towns, beta=2.0)
    >>> result.check_sums(districts), result.flows.flows_provenance
    (0.0, 'modeled')
    """
    _check_deterrence(deterrence, min_distance_km)
    frame, left_out = _municipalities(flows, territory, parent, mass, job_mass or mass)
    cells = _cells(flows, frame, territory)
    if beta is None:
        seats = _district_seats(frame, flows.ids)
        distances = haversine_km(
            seats[:, 0, None], seats[:, 1, None], seats[None, :, 0], seats[None, :, 1]
        )
        fit = fit_deterrence(
            flows, distances, deterrence=deterrence, min_distance_km=min_distance_km
        )
    else:
        if not (np.isfinite(beta) and beta >= 0):
            msg = f"beta must be a finite number >= 0, got {beta!r}"
            raise ParameterError(msg)
        fit = DeterrenceFit(deterrence, float(beta), float("nan"), 0, 0.0)
    seed = _seed(cells, frame, fit, min_distance_km)
    values, iterations, error = _fit_margins(seed, cells, frame, tolerance, max_iterations)
    if integer:
        values = _round_within_blocks(values, cells)
    masses = (mass, job_mass or mass)
    table = _assemble(values, cells, frame, flows, fit, masses=masses, integer=integer)
    logger.info(
        "downscaled %d district flows to %d municipalities: %s; %d iterations, margin error %.2g",
        flows.matrix.nnz, len(frame), fit.describe(), iterations, error,
    )  # fmt: skip
    return Downscaling(table, fit, iterations, error, frame["parent"].rename(parent), left_out)


@dataclass(frozen=True)
class _Cells:
    """The municipal pairs of the observed district pairs (positions in the unit frame)."""

    rows: np.ndarray
    cols: np.ndarray
    block: np.ndarray
    block_values: np.ndarray
    residents: np.ndarray
    jobs: np.ndarray


def _municipalities(
    flows: FlowTable, territory: Territory, parent: str, mass: str, job_mass: str
) -> tuple[pd.DataFrame, list[str]]:
    """Return parent, masses, seat and area of the municipalities of the flows' districts."""
    units = territory.units
    for column in (parent, mass, job_mass):
        if column not in units.columns:
            msg = f"no column {column!r} (columns: {list(units.columns)})"
            raise InputError(msg, source=territory.where, field=column)
    parents = units[parent].map(lambda v: "" if pd.isna(v) else str(v).strip())
    if (parents == "").any():
        unit = parents.index[(parents == "").to_numpy()][0]
        msg = "municipality without a parent district; every municipality needs its district"
        raise InputError(msg, source=territory.where, location=f"unit {unit}", field=parent)
    inside = parents.isin(pd.Index(flows.ids)).to_numpy()
    left_out = sorted(units.index[~inside])
    if not inside.any():
        msg = f"no municipality belongs to a district of the flows (e.g. {list(flows.ids[:3])})"
        raise InputError(msg, source=territory.where, field=parent)
    frame = pd.DataFrame(
        {
            "parent": parents[inside],
            "mass": units.loc[inside, mass],
            "job_mass": units.loc[inside, job_mass],
            "lon": units.loc[inside, "lon"],
            "lat": units.loc[inside, "lat"],
            "area_km2": units.loc[inside, "area_km2"],
        }
    )
    for column, name in (("mass", mass), ("job_mass", job_mass), ("lon", "lon"),
                         ("lat", "lat"), ("area_km2", "area_km2")):  # fmt: skip
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(values) | (values < 0 if column not in ("lon", "lat") else False)
        if np.any(bad):
            unit = frame.index[np.flatnonzero(bad)[0]]
            msg = "a finite number (0 or more) is needed for every municipality"
            raise InputError(msg, source=territory.where, location=f"unit {unit}", field=name)
        frame[column] = values
    if left_out:
        logger.info("%d municipalities of districts not in the flows left out", len(left_out))
    return frame, left_out


def _district_seats(frame: pd.DataFrame, districts: tuple[str, ...]) -> np.ndarray:
    """Mass-weighted centre of each district's municipal seats (radians; lon, lat)."""
    weight = frame["mass"].where(frame.groupby("parent")["mass"].transform("sum") > 0, 1.0)
    lon = (frame["lon"] * weight).groupby(frame["parent"]).sum() / weight.groupby(
        frame["parent"]
    ).sum()
    lat = (frame["lat"] * weight).groupby(frame["parent"]).sum() / weight.groupby(
        frame["parent"]
    ).sum()
    seats = pd.DataFrame({"lon": lon, "lat": lat}).reindex(list(districts))
    return np.radians(seats.to_numpy(dtype=float))


def _cells(flows: FlowTable, frame: pd.DataFrame, territory: Territory) -> _Cells:
    """Enumerate the municipal pairs of every observed district pair, with the margins."""
    positions = {p: np.flatnonzero((frame["parent"] == p).to_numpy()) for p in flows.ids}
    coo = sp.coo_array(flows.matrix)
    order = np.lexsort((coo.col, coo.row))
    rows_d, cols_d, values_d = coo.row[order], coo.col[order], coo.data[order].astype(float)
    keep = values_d > 0
    rows_d, cols_d, values_d = rows_d[keep], cols_d[keep], values_d[keep]
    share_out = _shares(frame, "mass", flows.ids, positions)
    share_in = _shares(frame, "job_mass", flows.ids, positions)
    for p, q, value in zip(rows_d, cols_d, values_d, strict=True):
        for district, share, what in ((p, share_out, "mass"), (q, share_in, "job mass")):
            if share[district] is None:
                pair = f"district pair {flows.ids[p]} → {flows.ids[q]}"
                reason = (
                    "has no municipality in the unit table"
                    if not len(positions[flows.ids[district]])
                    else f"has municipalities with a {what} of 0 only"
                )
                msg = (
                    f"the municipal table cannot carry the {value:g} commuters of this pair "
                    f"({flows.source or 'flows'}): district {flows.ids[district]} {reason}"
                )
                raise InputError(msg, source=territory.where, location=pair, field="parent")
    sizes_r = np.array([len(positions[flows.ids[p]]) for p in rows_d])
    sizes_c = np.array([len(positions[flows.ids[q]]) for q in cols_d])
    count = sizes_r * sizes_c
    rows = np.concatenate(
        [np.repeat(positions[flows.ids[p]], n) for p, n in zip(rows_d, sizes_c, strict=True)]
    )
    cols = np.concatenate(
        [np.tile(positions[flows.ids[q]], n) for q, n in zip(cols_d, sizes_r, strict=True)]
    )
    block = np.repeat(np.arange(len(values_d)), count)
    n_units = len(frame)
    row_totals = np.asarray(flows.matrix.sum(axis=1), dtype=float).ravel()
    col_totals = np.asarray(flows.matrix.sum(axis=0), dtype=float).ravel()
    residents = np.zeros(n_units)
    jobs = np.zeros(n_units)
    for district in range(len(flows)):
        members = positions[flows.ids[district]]
        if share_out[district] is not None:
            residents[members] = row_totals[district] * share_out[district]
        if share_in[district] is not None:
            jobs[members] = col_totals[district] * share_in[district]
    return _Cells(rows, cols, block, values_d, residents, jobs)


def _shares(
    frame: pd.DataFrame, column: str, districts: tuple[str, ...], positions: dict[str, np.ndarray]
) -> list[np.ndarray | None]:
    """Each district's municipal shares of ``column`` (None: no municipality or no mass)."""
    values = frame[column].to_numpy(dtype=float)
    shares: list[np.ndarray | None] = []
    for district in districts:
        members = values[positions[district]]
        total = float(members.sum())
        shares.append(members / total if len(members) and total > 0 else None)
    return shares


def _seed(
    cells: _Cells, frame: pd.DataFrame, fit: DeterrenceFit, min_distance_km: float
) -> np.ndarray:
    """Deterrence of every cell: seat distance, or the own-area distance on the diagonal."""
    lon = np.radians(frame["lon"].to_numpy(dtype=float))
    lat = np.radians(frame["lat"].to_numpy(dtype=float))
    d = haversine_km(lon[cells.rows], lat[cells.rows], lon[cells.cols], lat[cells.cols])
    own = cells.rows == cells.cols
    area = frame["area_km2"].to_numpy(dtype=float)
    d[own] = 2.0 / 3.0 * np.sqrt(area[cells.rows[own]] / np.pi)
    return deterrence_function(fit.deterrence, fit.beta)(np.maximum(d, min_distance_km))


def _fit_margins(
    seed: np.ndarray, cells: _Cells, frame: pd.DataFrame, tolerance: float, max_iterations: int
) -> tuple[np.ndarray, int, float]:
    """Proportional fitting of rows, columns and district pairs (the pairs last)."""
    n = len(frame)
    k = len(cells.block_values)
    values = seed.copy()
    error = np.inf
    iteration = 0
    while iteration < max_iterations:
        iteration += 1
        values *= _factor(cells.residents, np.bincount(cells.rows, values, minlength=n))[cells.rows]
        values *= _factor(cells.jobs, np.bincount(cells.cols, values, minlength=n))[cells.cols]
        blocks = np.bincount(cells.block, values, minlength=k)
        values *= _factor(cells.block_values, blocks)[cells.block]
        error = max(
            _relative_error(np.bincount(cells.rows, values, minlength=n), cells.residents),
            _relative_error(np.bincount(cells.cols, values, minlength=n), cells.jobs),
        )
        if error < tolerance:
            break
    else:
        logger.warning(
            "proportional fitting stopped after %d iterations; margins within %.2g",
            max_iterations,
            error,
        )
    return values, iteration, float(error)


def _relative_error(current: np.ndarray, target: np.ndarray) -> float:
    return float(np.max(np.abs(current - target) / np.maximum(target, 1.0))) if len(target) else 0.0


def _round_within_blocks(values: np.ndarray, cells: _Cells) -> np.ndarray:
    """Whole commuters per cell; each district pair keeps its (rounded) total."""
    floor = np.floor(values)
    remainder = values - floor
    k = len(cells.block_values)
    missing = np.rint(cells.block_values - np.bincount(cells.block, floor, minlength=k))
    order = np.lexsort((cells.cols, cells.rows, -remainder, cells.block))
    start = np.searchsorted(cells.block[order], np.arange(k))
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(len(values)) - np.repeat(start, np.bincount(cells.block, minlength=k))
    return floor + (rank < missing[cells.block])


def _assemble(
    values: np.ndarray,
    cells: _Cells,
    frame: pd.DataFrame,
    flows: FlowTable,
    fit: DeterrenceFit,
    *,
    masses: tuple[str, str],
    integer: bool,
) -> FlowTable:
    """The municipal FlowTable (modeled) with the flows beyond the table shared by mass."""
    n = len(frame)
    matrix = sp.csr_array(sp.coo_array((values, (cells.rows, cells.cols)), shape=(n, n)))
    matrix.eliminate_zeros()
    outside: dict[str, np.ndarray] = {}
    if flows.has_totals:
        beyond = flows.outside()
        for name, column in (("outside_out", "mass"), ("outside_in", "job_mass")):
            weight = frame[column]
            share = weight / weight.groupby(frame["parent"]).transform("sum")
            district = beyond[name].reindex(frame["parent"]).to_numpy(dtype=float)
            outside[name] = np.nan_to_num(district * share.to_numpy(dtype=float))
    source = (
        f"downscaled from {flows.source or 'district flows'} ({flows.flows_provenance}): "
        f"doubly constrained model, {fit.describe()}; district residents shared by "
        f"{masses[0]}, jobs by {masses[1]} (assumed)"
        + ("; whole commuters (largest remainder)" if integer else "")
    )
    return FlowTable(tuple(frame.index), matrix, "modeled", source, **outside)
