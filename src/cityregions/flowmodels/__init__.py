"""Commuter flows estimated where no observed flows exist, and how well they fit.

Two spatial-interaction models turn a :class:`~cityregions.Territory` (population and
seat points) into a *modeled* :class:`~cityregions.FlowTable`:

- the **radiation model** (Simini et al. 2012), parameter-free apart from the number of
  commuters leaving each unit;
- a **production-constrained gravity model** (Wilson 1971) with power or exponential
  distance deterrence.

Both need the number of out-commuters of each unit ``i``,
``T_i = share_employed · share_commuting · population_i``, and both fill the diagonal
(people working in their unit of residence) with ``residents_i − Σ_j T_ij`` so that
functional delineation, which relies on self-containment, works on modeled flows.

The fit of modeled to observed flows is measured with the *common part of commuters*
(:func:`common_part_of_commuters`). The default parameters were chosen by that measure
on the observed German district flows of 2016; ``docs/flow-models.md`` has the table and
``benchmarks/flow_model_cpc.py`` reproduces it.

References
----------
.. [1] Simini, F., González, M. C., Maritan, A. & Barabási, A.-L. (2012). A universal
   model for mobility and migration patterns. *Nature* 484, 96–100.
   doi:10.1038/nature10856
.. [2] Masucci, A. P., Serras, J., Johansson, A. & Batty, M. (2013). Gravity versus
   radiation models: On the importance of scale and heterogeneity in commuting flows.
   *Physical Review E* 88, 022812 (finite-size normalisation of the radiation model).
.. [3] Wilson, A. G. (1971). A family of spatial interaction models, and associated
   developments. *Environment and Planning A* 3, 1–32.
.. [4] Lenormand, M., Huet, S., Gargiulo, F. & Deffuant, G. (2012). A universal model of
   commuting networks. *PLoS ONE* 7, e45985; Lenormand, M., Bassolas, A. & Ramasco,
   J. J. (2016). Systematic comparison of trip distribution laws and models. *Journal of
   Transport Geography* 51, 158–169.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterator
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cityregions._errors import DataQualityWarning, InputError, ParameterError
from cityregions._progress import track
from cityregions.constants import (  # defined there so that --help needs no models
    DEFAULT_BETA,
    DEFAULT_MIN_DISTANCE_KM,
    DEFAULT_SHARE_COMMUTING,
    DEFAULT_SHARE_EMPLOYED,
)
from cityregions.flows import FlowTable
from cityregions.territory import Territory, haversine_km

logger = logging.getLogger(__name__)

Model = Literal["radiation", "gravity"]
Deterrence = Literal["power", "exponential"]
MODELS: tuple[Model, ...] = ("radiation", "gravity")

#: Number of matrix cells (origins × units) computed at once; bounds the memory used.
CHUNK_CELLS = 2_000_000
#: Above this many units, modeling without ``top_k`` logs a warning about memory.
LARGE_WITHOUT_TOP_K = 5_000

#: A block function: (origin positions, distances rows × n) -> off-diagonal flows rows × n.
_Block = Callable[[np.ndarray, np.ndarray], np.ndarray]


def estimate_flows(
    territory: Territory,
    *,
    model: Model = "radiation",
    share_employed: float = DEFAULT_SHARE_EMPLOYED,
    share_commuting: float = DEFAULT_SHARE_COMMUTING,
    top_k: int | None = None,
    residents: pd.Series | None = None,
    out_commuters: pd.Series | None = None,
    destination_mass: str = "population",
    progress: bool = False,
    **params: float | str | bool,
) -> FlowTable:
    """Estimate commuter flows between the units of ``territory`` with a spatial model.

    Parameters
    ----------
    territory
        Units with ``population`` and seat coordinates ``lon``/``lat``.
    model
        ``"radiation"`` (:func:`radiation_flows`) or ``"gravity"`` (:func:`gravity_flows`).
    share_employed
        Employed residents per inhabitant: ``residents_i = share_employed · population_i``.
    share_commuting
        Share of the employed residents who work outside their unit:
        ``T_i = share_commuting · residents_i``.
    top_k
        Keep only each origin's ``top_k`` largest outgoing flows (ties by unit id). The
        diagonal still counts all modeled out-commuters as leaving. Use it for many
        units (10,000 and more): memory then grows with ``n · top_k``, not ``n²``.
    residents, out_commuters
        Known numbers per unit id that replace ``share_employed · population`` and
        ``share_commuting · residents`` (e.g. the out-commuter totals the Bundesagentur
        für Arbeit publishes even where pair flows are suppressed).
    destination_mass
        Column of ``territory.units`` measuring the opportunities (jobs) of a unit:
        ``"population"`` (default) or e.g. ``"jobs"`` (jobs at the place of work).
    progress
        Show a progress bar over chunks of origins.
    **params
        Model parameters: radiation ``finite_size`` (bool, default True); gravity
        ``deterrence`` (``"power"`` or ``"exponential"``), ``beta``, ``min_distance_km``.

    Returns
    -------
    FlowTable
        Flows over ``territory.ids`` with ``flows_provenance="modeled"`` and a ``source`` naming
        the model and its parameters.

    Raises
    ------
    ParameterError
        For an unknown model, unknown or out-of-range parameters.
    InputError
        For missing population, masses or seat coordinates.

    Examples
    --------
    >>> units = pd.DataFrame({"unit": ["a", "b", "c"], "population": [1000, 500, 2000],
    ...                       "lon": [0.0, 0.01, 0.03], "lat": [0.0, 0.0, 0.0]})
    >>> flows = estimate_flows(Territory.from_frame(units), share_employed=0.5,
    ...                        share_commuting=0.4)
    >>> flows.flows_provenance, round(flows.total, 6)
    ('modeled', 1750.0)
    """
    if model == "radiation":
        return radiation_flows(
            territory,
            share_employed=share_employed,
            share_commuting=share_commuting,
            top_k=top_k,
            residents=residents,
            out_commuters=out_commuters,
            destination_mass=destination_mass,
            progress=progress,
            **_bool_params(params, {"finite_size"}),
        )
    if model == "gravity":
        _check_keys(params, {"deterrence", "beta", "min_distance_km"})
        return gravity_flows(
            territory,
            share_employed=share_employed,
            share_commuting=share_commuting,
            top_k=top_k,
            residents=residents,
            out_commuters=out_commuters,
            destination_mass=destination_mass,
            progress=progress,
            deterrence=str(params.get("deterrence", "power")),  # type: ignore[arg-type]
            beta=float(params.get("beta", DEFAULT_BETA)),
            min_distance_km=float(params.get("min_distance_km", DEFAULT_MIN_DISTANCE_KM)),
        )
    msg = f"unknown flow model {model!r}; allowed: {', '.join(MODELS)}"
    raise ParameterError(msg)


def radiation_flows(
    territory: Territory,
    *,
    share_employed: float = DEFAULT_SHARE_EMPLOYED,
    share_commuting: float = DEFAULT_SHARE_COMMUTING,
    finite_size: bool = True,
    top_k: int | None = None,
    residents: pd.Series | None = None,
    out_commuters: pd.Series | None = None,
    destination_mass: str = "population",
    progress: bool = False,
) -> FlowTable:
    """Estimate commuter flows with the radiation model of Simini et al. (2012).

    Parameters
    ----------
    territory, share_employed, share_commuting, top_k, residents, out_commuters,
    destination_mass, progress
        As in :func:`estimate_flows`.
    finite_size
        Divide each origin's flows by ``1 − m_i/M`` so that they add up to ``T_i``
        exactly (Masucci et al. 2013).

    Returns
    -------
    FlowTable
        Modeled flows; the diagonal holds ``residents_i − Σ_{j≠i} T_ij``.

    Notes
    -----
    For origin ``i`` with ``T_i`` out-commuters and destination ``j``

    .. math::

        T_{ij} = T_i \\, \\frac{m_i n_j}{(m_i + s_{ij})(m_i + n_j + s_{ij})}
                 \\left[\\frac{1}{1 - m_i/M}\\right]_{\\text{finite\\_size}}

    where ``m_i`` and ``n_j`` are the masses (opportunities; ``destination_mass``) of
    ``i`` and ``j``, ``M = Σ_k m_k`` and ``s_ij`` the mass of the units closer to ``i``
    than ``j`` (great-circle distance between seats), excluding ``i`` and ``j``. Units at
    exactly the same distance are ranked by unit id, which keeps the telescoping sum
    ``Σ_j m_i n_j / ((m_i+s_ij)(m_i+n_j+s_ij)) = 1 − m_i/M`` exact; hence, without the
    finite-size factor, the model sends only ``T_i (1 − m_i/M)`` people out of ``i``
    and the rest is counted as working at home. Only the distance *ranking* matters.

    References
    ----------
    Simini et al. (2012), *Nature* 484, 96–100; Masucci et al. (2013), *Phys. Rev. E* 88,
    022812.

    Examples
    --------
    >>> units = pd.DataFrame({"unit": ["a", "b"], "population": [100, 300],
    ...                       "lon": [0.0, 0.1], "lat": [0.0, 0.0]})
    >>> flows = radiation_flows(Territory.from_frame(units), share_employed=0.5,
    ...                         share_commuting=0.2)
    >>> flows.matrix.toarray().round(6).tolist()
    [[40.0, 10.0], [30.0, 120.0]]
    """
    residents_, out_ = _origin_totals(
        territory, share_employed, share_commuting, residents, out_commuters
    )
    mass = _mass(territory, destination_mass)
    total_mass = float(mass.sum())

    def block(rows: np.ndarray, distances: np.ndarray) -> np.ndarray:
        share = _radiation_shares(rows, distances, mass)
        if finite_size and total_mass > 0:
            remaining = 1.0 - mass[rows] / total_mass
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.where(remaining[:, None] > 0, share / remaining[:, None], 0.0)
        return out_[rows, None] * share

    source = (
        f"radiation model (Simini et al. 2012), mass={destination_mass}, "
        f"{_totals_text(share_employed, share_commuting, residents, out_commuters)}, "
        f"finite_size={finite_size}, top_k={top_k}"
    )
    return _assemble(territory, block, residents_, top_k=top_k, source=source, progress=progress)


def gravity_flows(
    territory: Territory,
    *,
    share_employed: float = DEFAULT_SHARE_EMPLOYED,
    share_commuting: float = DEFAULT_SHARE_COMMUTING,
    deterrence: Deterrence = "power",
    beta: float = DEFAULT_BETA,
    min_distance_km: float = DEFAULT_MIN_DISTANCE_KM,
    top_k: int | None = None,
    residents: pd.Series | None = None,
    out_commuters: pd.Series | None = None,
    destination_mass: str = "population",
    progress: bool = False,
) -> FlowTable:
    """Estimate commuter flows with a production-constrained gravity model.

    Parameters
    ----------
    territory, share_employed, share_commuting, top_k, residents, out_commuters,
    destination_mass, progress
        As in :func:`estimate_flows`.
    deterrence
        ``"power"``: ``f(d) = d^-β``; ``"exponential"``: ``f(d) = exp(−β d)`` (β per km).
    beta
        Deterrence parameter β ≥ 0.
    min_distance_km
        Distances between seats below this are raised to it (co-located seats would
        otherwise get an infinite power deterrence).

    Returns
    -------
    FlowTable
        Modeled flows; off-diagonal row sums equal ``O_i = T_i`` exactly, the diagonal
        holds ``residents_i − O_i``.

    Notes
    -----
    .. math::

        T_{ij} = O_i A_i D_j f(d_{ij}), \\qquad
        A_i = \\Big(\\sum_{k \\neq i} D_k f(d_{ik})\\Big)^{-1}, \\quad j \\neq i

    with ``O_i`` the out-commuters of ``i``, ``D_j`` the destination mass and ``d_ij`` the
    great-circle distance between seats (as in :meth:`Territory.seat_distances_km`).

    References
    ----------
    Wilson (1971), *Environment and Planning A* 3, 1–32.
    """
    if beta < 0 or not np.isfinite(beta):
        msg = f"beta must be a finite number >= 0, got {beta}"
        raise ParameterError(msg)
    if deterrence not in ("power", "exponential"):
        msg = f"deterrence must be 'power' or 'exponential', got {deterrence!r}"
        raise ParameterError(msg)
    if min_distance_km <= 0:
        msg = f"min_distance_km must be > 0, got {min_distance_km}"
        raise ParameterError(msg)
    residents_, out_ = _origin_totals(
        territory, share_employed, share_commuting, residents, out_commuters
    )
    mass = _mass(territory, destination_mass)

    def block(rows: np.ndarray, distances: np.ndarray) -> np.ndarray:
        d = np.maximum(distances, min_distance_km)
        decay = d**-beta if deterrence == "power" else np.exp(-beta * d)
        weight = mass[None, :] * decay
        weight[np.arange(len(rows)), rows] = 0.0
        totals = weight.sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(totals > 0, weight / totals, 0.0)
        return out_[rows, None] * share

    source = (
        "production-constrained gravity model (Wilson 1971), "
        f"f(d)={'d^-β' if deterrence == 'power' else 'exp(-β·d)'}, "
        f"β={beta:g}, mass={destination_mass}, "
        f"{_totals_text(share_employed, share_commuting, residents, out_commuters)}, top_k={top_k}"
    )
    return _assemble(territory, block, residents_, top_k=top_k, source=source, progress=progress)


def common_part_of_commuters(
    observed: FlowTable,
    modeled: FlowTable,
    *,
    include_diagonal: bool = False,
    pairs: Literal["all", "observed"] = "all",
) -> float:
    """Return the common part of commuters (CPC) between two flow tables.

    Parameters
    ----------
    observed, modeled
        Flows over the same set of unit ids (in any order; aligned by id).
    include_diagonal
        Also compare internal flows (default: off-diagonal flows only, the commuters).
    pairs
        ``"all"``: every origin–destination pair; ``"observed"``: only the pairs with a
        positive observed flow (for truncated observed files, e.g. the ten largest links
        of each unit).

    Returns
    -------
    float
        CPC in [0, 1]: 1 when the flows are identical, 0 when they share no commuter.

    Raises
    ------
    InputError
        If the two tables do not cover the same unit ids.

    Notes
    -----
    .. math::

        \\mathrm{CPC} = \\frac{2 \\sum_{ij} \\min(T_{ij}, T'_{ij})}
                             {\\sum_{ij} T_{ij} + \\sum_{ij} T'_{ij}}

    the Sørensen–Dice index of two flow matrices.

    References
    ----------
    Lenormand et al. (2012), *PLoS ONE* 7, e45985; Lenormand, Bassolas & Ramasco (2016),
    *J. Transport Geography* 51, 158–169.

    Examples
    --------
    >>> a = FlowTable.from_long(pd.DataFrame({"origin": ["x", "y"], "destination": ["y", "x"],
    ...     "value": [10, 5]}), warn_no_diagonal=False)
    >>> b = FlowTable.from_long(pd.DataFrame({"origin": ["x", "y"], "destination": ["y", "x"],
    ...     "value": [6, 5]}), warn_no_diagonal=False)
    >>> round(common_part_of_commuters(a, b), 6)  # 2·(6+5)/(15+11)
    0.846154
    """
    if set(observed.ids) != set(modeled.ids):
        only = sorted(set(observed.ids) ^ set(modeled.ids))[:5]
        msg = f"the flow tables cover different units (e.g. {only}); subset them first"
        raise InputError(msg, source=modeled.source or "modeled flows", field="unit")
    order = pd.Index(modeled.ids).get_indexer(pd.Index(observed.ids))
    first = observed.matrix.astype(float)
    second = sp.csr_array(modeled.matrix[order][:, order]).astype(float)
    if not include_diagonal:
        first, second = _off_diagonal(first), _off_diagonal(second)
    if pairs == "observed":
        second = sp.csr_array(second.multiply(first > 0))
    elif pairs != "all":
        msg = f"pairs must be 'all' or 'observed', got {pairs!r}"
        raise ParameterError(msg)
    denominator = float(first.sum() + second.sum())
    return 2.0 * float(first.minimum(second).sum()) / denominator if denominator > 0 else 1.0


def common_part(observed: pd.Series | np.ndarray, modeled: pd.Series | np.ndarray) -> float:
    """Return ``2 Σ min(a, b) / (Σ a + Σ b)`` of two aligned vectors (e.g. totals per unit).

    Series are aligned by index (missing entries count as 0).

    Examples
    --------
    >>> round(common_part(np.array([10.0, 0.0, 5.0]), np.array([8.0, 2.0, 5.0])), 6)
    0.866667
    """
    if isinstance(observed, pd.Series) and isinstance(modeled, pd.Series):
        observed, modeled = observed.align(modeled, fill_value=0.0)
    a = np.asarray(observed, dtype=float)
    b = np.asarray(modeled, dtype=float)
    denominator = float(a.sum() + b.sum())
    return 2.0 * float(np.minimum(a, b).sum()) / denominator if denominator > 0 else 1.0


# --- steps -------------------------------------------------------------------------------


def _radiation_shares(rows: np.ndarray, distances: np.ndarray, mass: np.ndarray) -> np.ndarray:
    """Return ``m_i n_j / ((m_i + s_ij)(m_i + n_j + s_ij))`` for the origins ``rows``.

    Columns are assumed to be in unit-id order, so a stable sort ranks ties by id.
    """
    r = np.arange(len(rows))
    ranked = distances.copy()
    ranked[r, rows] = -1.0  # the origin itself comes first
    order = _rank(ranked)
    sorted_mass = mass[order]
    m = mass[rows][:, None]
    # s_ij = mass ranked before j, excluding i: cumulative sum before j minus m_i.
    before = np.cumsum(sorted_mass, axis=1) - sorted_mass - m
    before[:, 0] = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        share_sorted = m * sorted_mass / ((m + before) * (m + sorted_mass + before))
    # An origin without opportunities (m_i = 0) sends everyone to the nearest unit with
    # some: the limit m_i -> 0 of the formula is 1 where s_ij = 0 < n_j, else 0.
    nearest = (m == 0) & (before == 0) & (sorted_mass > 0)
    share_sorted = np.where(nearest, 1.0, np.nan_to_num(share_sorted, nan=0.0, posinf=0.0))
    share_sorted[:, 0] = 0.0  # the origin
    share = np.empty_like(share_sorted)
    np.put_along_axis(share, order, share_sorted, axis=1)
    return share


def _rank(distances: np.ndarray) -> np.ndarray:
    """Return the column order of each row by distance, ties by column (unit id) order.

    A quicksort is several times faster than a stable sort on long rows. Rows with tied
    distances (e.g. places sharing coordinates) are put in (distance, column) order by
    sorting the unique keys ``run · n + column``, where ``run`` numbers the distinct
    distances of the row in increasing order.
    """
    n = distances.shape[1]
    order = np.argsort(distances, axis=1)
    ranked = np.take_along_axis(distances, order, axis=1)
    steps = ranked[:, 1:] != ranked[:, :-1]
    tied = ~steps.all(axis=1)
    if tied.any():
        run = np.zeros((int(tied.sum()), n), dtype=np.int64)
        run[:, 1:] = np.cumsum(steps[tied], axis=1)
        order[tied] = np.sort(run * n + order[tied], axis=1) % n
    return order


def _assemble(
    territory: Territory,
    block: _Block,
    residents: np.ndarray,
    *,
    top_k: int | None,
    source: str,
    progress: bool,
) -> FlowTable:
    """Run ``block`` over chunks of origins (in unit-id order) and build the FlowTable."""
    if top_k is not None and top_k < 1:
        msg = f"top_k must be a positive number of destinations, got {top_k}"
        raise ParameterError(msg)
    ids = territory.ids
    n = len(ids)
    if top_k is None and n > LARGE_WITHOUT_TOP_K:
        logger.warning(
            "modeling all %d × %d flows keeps up to %d values in memory; pass top_k "
            "(e.g. 20) to keep only each origin's largest flows",
            n,
            n,
            n * n,
        )
    by_id = np.argsort(np.asarray(ids, dtype=object), kind="stable")
    lon, lat = _seats(territory)
    lon, lat = lon[by_id], lat[by_id]
    rows_out, cols_out, values_out = [], [], []
    leaving = np.zeros(n)
    for chunk in track(_chunks(n), description="modeling flows", progress=progress):
        distances = haversine_km(lon[chunk, None], lat[chunk, None], lon[None, :], lat[None, :])
        flows = block(chunk, distances)
        flows[np.arange(len(chunk)), chunk] = 0.0
        leaving[chunk] = flows.sum(axis=1)
        rows, cols, values = _keep(chunk, flows, top_k)
        rows_out.append(by_id[rows])
        cols_out.append(by_id[cols])
        values_out.append(values)
    inverse = np.empty(n, dtype=int)
    inverse[by_id] = np.arange(n)
    internal = np.maximum(residents - leaving[inverse], 0.0)
    rows_all = np.concatenate([*rows_out, np.arange(n)])
    cols_all = np.concatenate([*cols_out, np.arange(n)])
    values_all = np.concatenate([*values_out, internal])
    matrix = sp.csr_array(sp.coo_array((values_all, (rows_all, cols_all)), shape=(n, n)))
    matrix.eliminate_zeros()
    logger.info("modeled %.0f commuters between %d units (%s)", leaving.sum(), n, source)
    return FlowTable(tuple(ids), matrix, "modeled", source)


def _keep(
    chunk: np.ndarray, flows: np.ndarray, top_k: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return COO triples of the positive flows of a block, only the ``top_k`` per row.

    Of flows tied with the ``top_k``-th largest one, the first ones in unit-id order are
    kept, so the result is deterministic.
    """
    n = flows.shape[1]
    if top_k is not None and top_k < n:
        kth = np.partition(flows, n - top_k, axis=1)[:, n - top_k, None]
        above = flows > kth
        tied = flows == kth
        room = top_k - above.sum(axis=1, keepdims=True)
        keep = above | (tied & (np.cumsum(tied, axis=1) <= room))
        local, cols = np.nonzero(keep & (flows > 0))
    else:
        local, cols = np.nonzero(flows > 0)
    return chunk[local], cols, flows[local, cols]


def _chunks(n: int) -> Iterator[np.ndarray]:
    size = max(1, CHUNK_CELLS // max(n, 1))
    for start in range(0, n, size):
        yield np.arange(start, min(start + size, n))


def _off_diagonal(matrix: sp.csr_array) -> sp.csr_array:
    result = sp.csr_array(matrix - sp.diags_array(matrix.diagonal(), format="csr"))
    result.eliminate_zeros()
    return result


# --- inputs ------------------------------------------------------------------------------


def _seats(territory: Territory) -> tuple[np.ndarray, np.ndarray]:
    lon = np.radians(territory.units["lon"].to_numpy(dtype=float))
    lat = np.radians(territory.units["lat"].to_numpy(dtype=float))
    missing = np.isnan(lon) | np.isnan(lat)
    if missing.any():
        unit = territory.ids[int(np.flatnonzero(missing)[0])]
        msg = "seat coordinates (lon, lat) are needed to model flows"
        raise InputError(msg, source=territory.where, location=f"unit {unit}", field="lon")
    return lon, lat


def _mass(territory: Territory, column: str) -> np.ndarray:
    """Return the destination mass in unit-id order."""
    if column not in territory.units.columns:
        columns = list(territory.units.columns)
        msg = f"no column {column!r} for the destination mass (columns: {columns})"
        raise InputError(msg, source=territory.where, field=column)
    values = pd.to_numeric(territory.units[column], errors="coerce").to_numpy(dtype=float)
    if len(values) and np.isnan(values).all():
        msg = f"column {column!r} has no values for the destination mass"
        raise InputError(msg, source=territory.where, field=column)
    _check_known(values, territory, column)
    order = np.argsort(np.asarray(territory.ids, dtype=object), kind="stable")
    return values[order]


def _origin_totals(
    territory: Territory,
    share_employed: float,
    share_commuting: float,
    residents: pd.Series | None,
    out_commuters: pd.Series | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return employed residents (territory order) and out-commuters (unit-id order)."""
    for name, value in (("share_employed", share_employed), ("share_commuting", share_commuting)):
        if not 0.0 <= value <= 1.0:
            msg = f"{name} must be between 0 and 1, got {value}"
            raise ParameterError(msg)
    if residents is None:
        population = territory.units["population"].to_numpy(dtype=float)
        _check_known(population, territory, "population")
        residents_ = share_employed * population
    else:
        residents_ = _aligned(residents, territory, "residents")
    out_ = (
        share_commuting * residents_
        if out_commuters is None
        else _aligned(out_commuters, territory, "out_commuters")
    )
    if len(out_) and not out_.sum() > 0:
        message = (
            f"{territory.where}: no unit has out-commuters (population, residents "
            "or share_commuting is 0 everywhere), so the modeled flows are all internal"
        )
        warnings.warn(message, DataQualityWarning, stacklevel=3)
    order = np.argsort(np.asarray(territory.ids, dtype=object), kind="stable")
    return residents_, out_[order]


def _aligned(values: pd.Series, territory: Territory, name: str) -> np.ndarray:
    aligned = values.copy()
    aligned.index = aligned.index.astype(str)
    array = pd.to_numeric(aligned.reindex(territory.ids), errors="coerce").to_numpy(dtype=float)
    _check_known(array, territory, name)
    return array


def _check_known(values: np.ndarray, territory: Territory, field: str) -> None:
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        unit = territory.ids[int(np.flatnonzero(bad)[0])]
        msg = "a non-negative number is needed for every unit to model flows"
        raise InputError(msg, source=territory.where, location=f"unit {unit}", field=field)


def _totals_text(
    share_employed: float,
    share_commuting: float,
    residents: pd.Series | None,
    out_commuters: pd.Series | None,
) -> str:
    parts = [
        "residents given" if residents is not None else f"share_employed={share_employed:g}",
        "out_commuters given"
        if out_commuters is not None
        else f"share_commuting={share_commuting:g}",
    ]
    return ", ".join(parts)


def _check_keys(params: dict[str, float | str | bool], allowed: set[str]) -> None:
    unknown = sorted(set(params) - allowed)
    if unknown:
        msg = f"unknown model parameter(s) {unknown}; allowed: {sorted(allowed)}"
        raise ParameterError(msg)


def _bool_params(params: dict[str, float | str | bool], allowed: set[str]) -> dict[str, bool]:
    _check_keys(params, allowed)
    return {key: bool(value) for key, value in params.items()}
