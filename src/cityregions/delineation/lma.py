"""Labour market areas: the ISTAT/Eurostat (Coombes–Bond TTWA) algorithm.

:class:`LabourMarketAreas` delineates functional regions from commuting flows as the R
package LabourMarketAreas 3.4 (``findClusters``, Istat) does, re-implemented from the
written description in the project's research note (the R code is GPL and was not
translated). With ``parity="r"`` (default) the partition, the region ids and the
reserve-list events equal R's, including its tie-breaks and the un-aggregated-state
behaviour after a partial dissolution; ``parity="clean"`` re-aggregates after every
move.

The validity ("X-equation") of a region with residents :math:`R` (all flows leaving it,
internal included), jobs :math:`W` and internal flows :math:`RW` is

.. math::

    \\mathrm{msc} = \\min(RW/R, RW/W),\\quad Y = \\min(\\mathrm{msc}/SC_t, 1),\\quad
    s = \\max\\left(\\frac{SZ_t - R}{SZ_t - SZ_m}, 0\\right),

    Z = 1 - (1 - SC_m/SC_t)\\, s,\\qquad
    \\mathrm{validity} = Y\\, Z\\, SC_t / SC_m

(validity 1 when msc is exactly 1). A region is valid when validity ≥ 1.

The ONS 2015 travel-to-work-area profile (:data:`ONS_2015`, ``x_equation="linear"``)
replaces the hyperbola by the straight line from :math:`(SZ_m, SC_t)` to
:math:`(SZ_t, SC_m)`:

.. math::

    SC_{req}(R) = SC_t - (SC_t - SC_m)\\,\\frac{\\min(R, SZ_t) - SZ_m}{SZ_t - SZ_m},\\qquad
    \\mathrm{validity} = \\min(\\mathrm{msc} / SC_{req}(R),\\ SC_t/SC_m)

for :math:`R \\ge SZ_m`; below the minimum size a region is never valid (validity
:math:`\\min(\\mathrm{msc}/SC_t, 1)\\, R/SZ_m`, kept below 1, so that the least valid
region is still ranked); msc = 1 gives 1 as above. ONS publishes the criteria (3,500 and
25,000 workers, 0.75 and 0.6667) but not the equation; the straight line is this
project's documented reading.

Parity with R, and its limits
-----------------------------
Checked: identical partitions, region ids and reserve-list events on Brindisi and the
401 German districts (R outputs in ``../shared/data/lma-reference``), and identical
labels/events to a literal re-summing table emulation of the reference control flow
on random cases reaching every branch (A–F). Units are ranked as R ranks community
codes (:func:`unit_order`), which decides all ties. Not reproduced: situations in
which R would apply vector recycling because *several* detached units left over after
an event D compete in one regrouping (R then mis-assigns or stops with an error); the
engine then regroups only the unit being processed (logged at debug level). With
non-integer flows, sums are accumulated in double precision in a different order than
R's, so exact ties may in rare cases break differently.

References
----------
Coombes, M., & Bond, S. (2008). *Travel-to-Work Areas: the 2007 review*. Office for
National Statistics.

Franconi, L., D'Alò, M., & Ichim, D. (2016). Istat implementation of the algorithm to
develop Labour Market Areas. Istat, Rome.

Franconi, L., Ichim, D., D'Alò, M. (2023). *LabourMarketAreas: Identification,
Tuning, Visualisation and Analysis of Labour Market Areas*. R package 3.4, CRAN.
"""

from __future__ import annotations

import logging
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cityregions._errors import DataQualityWarning, ParameterError
from cityregions.constants import (
    LMA_DISTRICTS,
    LMA_ISTAT_2011,
    LMA_ONS_2015,
    LMA_PROFILES,
    REGION,
    UNIT,
    LMAThresholds,
)
from cityregions.delineation._lma_steps import (
    Engine,
    Params,
    Parity,
    run,
    validity_array,
)
from cityregions.flows import NO_DIAGONAL_MESSAGE, FlowTable

logger = logging.getLogger(__name__)

__all__ = [
    "DISTRICT_PARAMETERS",
    "ISTAT_2011",
    "ONS_2015",
    "PROFILES",
    "LMAThresholds",
    "LabourMarketAreas",
    "find_clusters",
    "region_labels",
    "unit_order",
    "validity",
    "zero_list",
]

#: The Istat 2011 thresholds (the defaults everywhere): see
#: :data:`cityregions.constants.LMA_ISTAT_2011`, where they are defined with their source.
ISTAT_2011: LMAThresholds = LMA_ISTAT_2011
#: The project's thresholds for German districts: see
#: :data:`cityregions.constants.LMA_DISTRICTS`.
DISTRICT_PARAMETERS: LMAThresholds = LMA_DISTRICTS
#: The ONS 2015 travel-to-work-area profile: see :data:`cityregions.constants.LMA_ONS_2015`.
ONS_2015: LMAThresholds = LMA_ONS_2015
#: Named profiles (``istat-2011``, ``ons-2015``, ``districts``).
PROFILES: dict[str, LMAThresholds] = dict(LMA_PROFILES)
X_EQUATIONS = ("istat", "linear")

EVENT_TYPES = {
    "A": "one-unit region: best link found but the move would lower its validity",
    "B": "one-unit region without any link to another region",
    "C": "most exposed unit of a larger region: the move would lower the receiver's validity",
    "D": "most exposed unit of a larger region without any link",
    "E": "after D: the least valid region's move would lower the receiver's validity",
    "F": "after D: the least valid region has no link",
}


def _check_params(
    min_size: float,
    min_self_containment: float,
    target_size: float,
    target_self_containment: float,
    parity: str,
    x_equation: str = "istat",
) -> Params:
    """Validate the four thresholds; raise :class:`ParameterError` naming the range."""
    checks = [
        ("min_size", min_size, 0 < min_size < np.inf, "a positive number"),
        (
            "min_self_containment",
            min_self_containment,
            0 < min_self_containment < 1,
            "a share in (0, 1)",
        ),
        (
            "target_size",
            target_size,
            min_size < target_size < np.inf,
            f"a number greater than min_size ({min_size:g})",
        ),
        (
            "target_self_containment",
            target_self_containment,
            min_self_containment < target_self_containment <= 1,
            f"a share in ({min_self_containment:g}, 1], greater than min_self_containment",
        ),
    ]
    for name, value, ok, allowed in checks:
        if not isinstance(value, int | float) or isinstance(value, bool) or not ok:
            msg = f"parameter {name} = {value!r} is out of range: expected {allowed}"
            raise ParameterError(msg)
    if parity not in ("r", "clean"):
        msg = f"parameter parity = {parity!r} is out of range: expected 'r' or 'clean'"
        raise ParameterError(msg)
    if x_equation not in X_EQUATIONS:
        msg = f"parameter x_equation = {x_equation!r} is out of range: expected 'istat' or 'linear'"
        raise ParameterError(msg)
    return Params(
        float(min_size),
        float(min_self_containment),
        float(target_size),
        float(target_self_containment),
        x_equation,
    )


def validity(
    internal: Any,
    residents: Any,
    jobs: Any,
    *,
    min_size: float = ISTAT_2011.min_size,
    min_self_containment: float = ISTAT_2011.min_self_containment,
    target_size: float = ISTAT_2011.target_size,
    target_self_containment: float = ISTAT_2011.target_self_containment,
    x_equation: str = "istat",
) -> np.ndarray:
    """Return the validity (X-equation) of regions from their internal flows and totals.

    Parameters
    ----------
    internal
        People living and working in the region (:math:`RW`).
    residents
        Employed residents, all flows leaving the region including internal ones (:math:`R`).
    jobs
        Jobs, all flows entering the region including internal ones (:math:`W`).
    min_size, min_self_containment, target_size, target_self_containment
        The thresholds :math:`SZ_m, SC_m, SZ_t, SC_t` (default :data:`ISTAT_2011`).
    x_equation
        ``"istat"`` (hyperbolic, R's form) or ``"linear"`` (:data:`ONS_2015`; module
        notes).

    Returns
    -------
    numpy.ndarray
        Validity per region; a region is valid when it is at least 1. The maximum is
        :math:`SC_t/SC_m`.

    Notes
    -----
    See the module docstring for the formula; size is measured on residents only.

    Examples
    --------
    >>> round(float(validity(6667, 10000, 10000)[0]), 12)  # target size at the minimum SC
    1.0
    >>> round(float(validity(9000, 10000, 10000)[0]), 6)  # SC above target, large region
    1.124944
    >>> ons = ONS_2015.as_dict()  # half way, the line asks (0.75 + 0.6667) / 2
    >>> round(float(validity(0.70835 * 14250, 14250, 14250, **ons)[0]), 12)
    1.0
    """
    params = _check_params(
        min_size, min_self_containment, target_size, target_self_containment, "r", x_equation
    )
    return validity_array(
        np.atleast_1d(np.asarray(internal, dtype=float)),
        np.atleast_1d(np.asarray(residents, dtype=float)),
        np.atleast_1d(np.asarray(jobs, dtype=float)),
        params,
    )


def unit_order(ids: tuple[str, ...] | list[str]) -> np.ndarray:
    """Return the positions of ``ids`` in the order the reference ranks community codes.

    Integer codes (all ids made of digits) are ranked by their numeric value, as R
    receives them as integers; other ids by their string (C-locale) order, as R's
    ``idcom_type`` recoding does. This order is the tie-break order of the algorithm.
    """
    values = list(ids)
    if values and all(v.isdigit() for v in values):
        return np.asarray(sorted(range(len(values)), key=lambda i: (int(values[i]), values[i])))
    return np.asarray(sorted(range(len(values)), key=lambda i: values[i]))


def zero_list(
    matrix: sp.csr_array,
    *,
    outside_out: np.ndarray | None = None,
    outside_in: np.ndarray | None = None,
) -> np.ndarray:
    """Return a mask of units the algorithm cannot place (the reference's zero list).

    A unit is dropped when it has no employed residents, no jobs, or when its only flow
    is its own internal flow; totals are recomputed after each removal until nothing
    changes. With the flows beyond the table (``outside_out``, ``outside_in``) the
    totals are complete and do not change when a unit is dropped (its flows then go
    beyond the table), so one pass decides.
    """
    if outside_out is not None and outside_in is not None:
        res = np.asarray(matrix.sum(axis=1)).ravel() + outside_out
        jobs = np.asarray(matrix.sum(axis=0)).ravel() + outside_in
        diag = matrix.diagonal()
        return np.asarray((res == 0) | (jobs == 0) | ((diag == res) & (diag == jobs)))
    n = matrix.shape[0]
    active = np.ones(n, dtype=bool)
    has_flow = (np.asarray(abs(matrix).sum(axis=1)).ravel() > 0) | (
        np.asarray(abs(matrix).sum(axis=0)).ravel() > 0
    )
    active &= has_flow
    diag = matrix.diagonal()
    while True:
        keep = sp.diags_array(active.astype(float))
        sub = sp.csr_array(keep @ matrix @ keep)
        res = np.asarray(sub.sum(axis=1)).ravel()
        jobs = np.asarray(sub.sum(axis=0)).ravel()
        drop = active & ((res == 0) | (jobs == 0) | ((diag == res) & (diag == jobs)))
        if not drop.any():
            return ~active
        active &= ~drop


class LabourMarketAreas:
    """Delineate labour market areas with the ISTAT/Eurostat algorithm.

    Parameters
    ----------
    min_size
        Minimum number of employed residents of a region (:math:`SZ_m`).
    min_self_containment
        Minimum self-containment (:math:`SC_m`), accepted for large regions.
    target_size
        Residents from which the minimum self-containment suffices (:math:`SZ_t`).
    target_self_containment
        Self-containment required of a region of minimum size (:math:`SC_t`).

        The four default to the Istat 2011 thresholds :data:`ISTAT_2011` (1,000,
        0.6667, 10,000, 0.75); for German districts see :data:`DISTRICT_PARAMETERS`
        (``LabourMarketAreas(**DISTRICT_PARAMETERS.as_dict())``), for the ONS 2015
        travel-to-work areas :data:`ONS_2015` (3,500, 0.6667, 25,000, 0.75, linear).
    x_equation
        Form of the trade-off between size and self-containment: ``"istat"``
        (hyperbolic, default; R parity) or ``"linear"`` (module notes).
    parity
        ``"r"`` reproduces R LabourMarketAreas 3.4 exactly (tie-breaks, region ids,
        the un-aggregated state after a partial dissolution); ``"clean"`` re-aggregates
        every region after each move.
    progress
        Show a progress bar (on a terminal).

    Attributes
    ----------
    labels_ : pandas.Series
        Region id per unit as text (index: unit id, all units of the flows). Ids are
        R's cluster ids: the rank of the region's founding unit code (``"1"``, ``"3"``,
        …). NaN = outside every region (R's cluster 0: the zero list, and units left
        without a link to any region after the reserve list was processed).
    n_regions_ : int
        Number of regions.
    labels_before_reserve_ : pandas.Series
        The converged state before the reserve list is assigned (R's ``lma.before0``),
        ids as text; NaN = reserve list or zero list; every region is valid.
    reserve_events_ : pandas.DataFrame
        One row per reserve-list event: ``type`` (A–F, see ``EVENT_TYPES``),
        ``iteration``, ``region`` (R's cluster id as text), ``validity`` (of the least
        valid region), ``unit``, ``unit2`` (second-ranked member for C/D).
    zero_list_ : pandas.Index
        Units dropped before the run (no residents, no jobs, or only internal flow).
    not_assigned_ : pandas.Index
        Units left without a region after the reserve list (no link).
    moves_ : pandas.Series
        Number of accepted moves per unit (R's ``communitiesMovements``).
    n_iterations_ : int
        Iterations of the main loop.
    diagnostics_ : dict
        Summary: parity, iterations, events per type, counts, seconds.

    Examples
    --------
    >>> long = pd.DataFrame({"origin": ["a", "a", "b", "b", "c", "c"],
    ...                      "destination": ["a", "b", "b", "a", "c", "a"],
    ...                      "value": [900, 200, 50, 30, 2000, 10]})
    >>> flows = FlowTable.from_long(long)
    >>> lma = LabourMarketAreas(min_size=100, target_size=1000).fit(flows)
    >>> lma.labels_.to_dict()  # b (R = 80) is too small and joins a
    {'a': '1', 'b': '1', 'c': '3'}
    """

    def __init__(
        self,
        min_size: float = ISTAT_2011.min_size,
        min_self_containment: float = ISTAT_2011.min_self_containment,
        target_size: float = ISTAT_2011.target_size,
        target_self_containment: float = ISTAT_2011.target_self_containment,
        x_equation: str = "istat",
        *,
        parity: Parity = "r",
        progress: bool = False,
    ) -> None:
        self.params = _check_params(
            min_size, min_self_containment, target_size, target_self_containment, parity,
            x_equation,
        )  # fmt: skip
        self.x_equation = x_equation
        self.min_size = min_size
        self.min_self_containment = min_self_containment
        self.target_size = target_size
        self.target_self_containment = target_self_containment
        self.parity: Parity = parity
        self.progress = progress

    def fit(self, flows: FlowTable) -> LabourMarketAreas:
        """Run the algorithm on ``flows`` (rows: residence, columns: work, diagonal included).

        Returns
        -------
        LabourMarketAreas
            ``self``, with the fitted attributes set.
        """
        started = time.perf_counter()
        if flows.total > 0 and not flows.has_diagonal:
            warnings.warn(
                f"{flows.source or 'flows'}: {NO_DIAGONAL_MESSAGE}",
                DataQualityWarning,
                stacklevel=2,
            )
        index = flows.index
        order = unit_order(flows.ids)
        matrix = sp.csr_array(flows.matrix[order][:, order].astype(np.float64))
        outside = flows.outside().to_numpy(dtype=float)[order] if flows.has_totals else None
        dropped = zero_list(
            matrix,
            outside_out=None if outside is None else outside[:, 0],
            outside_in=None if outside is None else outside[:, 1],
        )
        active = np.flatnonzero(~dropped)
        sub = sp.csr_array(matrix[active][:, active])
        beyond = _beyond_active(flows, order, active, sub)
        engine = Engine(
            sub,
            self.params,
            self.parity,
            self.progress,
            outside_out=beyond.get("outside_out"),
            outside_in=beyond.get("outside_in"),
        )
        result = run(engine)
        position = order[active]  # engine position -> flows position
        labels = np.zeros(len(index), dtype=np.int64)
        labels[position] = result.labels
        before = np.zeros(len(index), dtype=np.int64)
        before[position] = result.before_reserve
        self.labels_ = region_labels(labels, index)
        self.labels_before_reserve_ = region_labels(before, index)
        self.n_regions_ = len(np.unique(labels[labels > 0]))
        self.zero_list_ = index[order[np.flatnonzero(dropped)]].sort_values()
        self.not_assigned_ = index[position[result.not_assigned]].sort_values()
        moves = np.zeros(len(index), dtype=np.int64)
        moves[position] = result.moves
        self.moves_ = pd.Series(moves, index=index, name="moves")
        self.n_iterations_ = result.iterations
        self.reserve_events_ = self._events_frame(result.events, index[position])
        counts = self.reserve_events_["type"].value_counts().to_dict()
        self.diagnostics_ = {
            "parity": self.parity,
            "iterations": result.iterations,
            "regions": self.n_regions_,
            "events": {k: int(counts.get(k, 0)) for k in EVENT_TYPES},
            "zero_list": len(self.zero_list_),
            "not_assigned": len(self.not_assigned_),
            "seconds": time.perf_counter() - started,
        }
        logger.info("labour market areas: %s", self.diagnostics_)
        return self

    @staticmethod
    def _events_frame(events: list[Any], ids: pd.Index) -> pd.DataFrame:
        frame = pd.DataFrame(
            {
                "type": [e.type for e in events],
                "iteration": [e.iteration for e in events],
                "region": [str(e.region) for e in events],
                "validity": [e.validity for e in events],
                UNIT: [ids[e.unit] for e in events],
                "unit2": [ids[e.unit2] if e.unit2 >= 0 else None for e in events],
            }
        )
        return frame.astype(
            {
                "type": str,
                "iteration": "int64",
                "region": object,
                "validity": float,
                UNIT: object,
                "unit2": object,
            }
        )


def _beyond_active(
    flows: FlowTable, order: np.ndarray, active: np.ndarray, sub: sp.csr_array
) -> dict[str, np.ndarray]:
    """Flows beyond the table of the active units (complete totals minus flows among them).

    Empty without totals: R's reference then counts only the flows among the active
    units, and so does the engine.
    """
    if not flows.has_totals:
        return {}
    residents = flows.residents().to_numpy(dtype=float)[order][active]
    jobs = flows.jobs().to_numpy(dtype=float)[order][active]
    return {
        "outside_out": np.maximum(residents - np.asarray(sub.sum(axis=1)).ravel(), 0.0),
        "outside_in": np.maximum(jobs - np.asarray(sub.sum(axis=0)).ravel(), 0.0),
    }


def region_labels(codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Return R cluster codes as labels: the id as text, NaN for cluster 0 (no region).

    Examples
    --------
    >>> region_labels(np.array([3, 0, 3]), pd.Index(["a", "b", "c"])).tolist()
    ['3', nan, '3']
    """
    text = [str(code) if code > 0 else np.nan for code in np.asarray(codes).tolist()]
    return pd.Series(text, index=index, name=REGION, dtype=object)


def find_clusters(
    flows: FlowTable,
    *,
    min_size: float = ISTAT_2011.min_size,
    min_self_containment: float = ISTAT_2011.min_self_containment,
    target_size: float = ISTAT_2011.target_size,
    target_self_containment: float = ISTAT_2011.target_self_containment,
    parity: Parity = "r",
    progress: bool = False,
) -> pd.Series:
    """Return labour market areas as labels ``unit → region`` (see :class:`LabourMarketAreas`).

    Region ids are R's cluster ids as text; NaN = outside every region.

    Examples
    --------
    >>> long = pd.DataFrame({"origin": ["a", "b", "b"], "destination": ["a", "a", "b"],
    ...                      "value": [500, 400, 100]})
    >>> find_clusters(FlowTable.from_long(long), min_size=10, target_size=100).tolist()
    ['1', '1']
    """
    model = LabourMarketAreas(
        min_size,
        min_self_containment,
        target_size,
        target_self_containment,
        parity=parity,
        progress=progress,
    )
    return model.fit(flows).labels_
