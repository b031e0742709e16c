"""Step functions and state of the labour-market-area algorithm (private).

The engine works on integer positions ``0..n-1`` of the *active* units (after the zero
list), ordered as the reference implementation orders community codes; the region id of
unit ``i`` at the start is ``i + 1`` (its rank). Id ``0`` is the reserve list, negative
ids are temporarily detached units. Per region id the engine keeps the marginals
``R`` (residents, all flows leaving, internal included), ``W`` (jobs, all flows
entering) and ``RW`` (internal flows) and updates them incrementally from sparse row
and column slices, so one iteration costs O(degree) instead of a pass over the flow
table.

The control flow follows the description of R LabourMarketAreas 3.4 ``findClusters``
in the research note (``delineation.md`` §1.3–1.6), written independently:

* least-valid region first, ties to the smallest id (detached negative ids first);
* a one-unit region: its unit goes to the linked region of maximum cohesion if that
  does not lower the receiver's validity (else reserve list: event ``A``; no link:
  ``B``);
* a larger region: only its most exposed unit is detached (events ``C``; ``D`` when it
  has no link, after which the least-valid regions are processed ``n - 1`` more
  times, events ``E``/``F``);
* ``parity="r"`` keeps the remaining members *un-aggregated* for one iteration
  (§1.6): the region's validity is then the minimum over every pair of a member's
  marginals and one internal block flow, and an acceptance test against it needs the
  new validity to reach the maximum of these values.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import scipy.sparse as sp

from cityregions._progress import track

logger = logging.getLogger(__name__)

Parity = Literal["r", "clean"]


@dataclass(frozen=True)
class Params:
    """The four thresholds of the validity function and its form (``istat``/``linear``)."""

    min_size: float
    min_self_containment: float
    target_size: float
    target_self_containment: float
    x_equation: str = "istat"


def validity_scalar(rw: float, r: float, w: float, p: Params) -> float:
    """Validity of one region (same operation order as the reference, for exact ties)."""
    a = rw / r if r else (np.nan if rw == 0 else np.inf)
    b = rw / w if w else (np.nan if rw == 0 else np.inf)
    msc = min(a, b)
    if p.x_equation == "linear":
        return float(_linear_validity(np.asarray([msc]), np.asarray([r]), p)[0])
    y = msc / p.target_self_containment
    if y > 1:
        y = 1.0
    s = (p.target_size - r) / (p.target_size - p.min_size)
    if s < 0:
        s = 0.0
    z = 1 - ((1 - (p.min_self_containment / p.target_self_containment)) * s)
    value = y * z * (p.target_self_containment / p.min_self_containment)
    if msc == 1:
        value = 1.0
    return float(value)


def validity_array(rw: np.ndarray, r: np.ndarray, w: np.ndarray, p: Params) -> np.ndarray:
    """Vectorised :func:`validity_scalar`."""
    with np.errstate(divide="ignore", invalid="ignore"):
        msc = np.minimum(rw / r, rw / w)
    if p.x_equation == "linear":
        return _linear_validity(msc, r, p)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.minimum(msc / p.target_self_containment, 1.0)
        s = np.maximum((p.target_size - r) / (p.target_size - p.min_size), 0.0)
    z = 1 - ((1 - (p.min_self_containment / p.target_self_containment)) * s)
    value = y * z * (p.target_self_containment / p.min_self_containment)
    return np.where(msc == 1, 1.0, value)


def _linear_validity(msc: np.ndarray, r: np.ndarray, p: Params) -> np.ndarray:
    """Validity under the linear trade-off (ONS TTWA profile; see ``lma.validity``)."""
    slope = (p.target_self_containment - p.min_self_containment) / (p.target_size - p.min_size)
    required = p.target_self_containment - slope * (np.minimum(r, p.target_size) - p.min_size)
    cap = p.target_self_containment / p.min_self_containment
    with np.errstate(divide="ignore", invalid="ignore"):
        large = np.minimum(msc / required, cap)
        small = np.minimum(msc / p.target_self_containment, 1.0) * r / p.min_size
    value = np.where(r >= p.min_size, large, np.minimum(small, np.nextafter(1.0, 0.0)))
    return np.where(msc == 1, 1.0, value)


def gather(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (owner position in ``rows``, column index, value) of the entries of ``rows``."""
    if len(rows) == 1:
        start, end = indptr[rows[0]], indptr[rows[0] + 1]
        return np.zeros(end - start, dtype=np.int64), indices[start:end], data[start:end]
    starts = indptr[rows]
    lengths = indptr[rows + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0)
    owner = np.repeat(np.arange(len(rows)), lengths)
    offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    positions = np.repeat(starts, lengths) + offsets
    return owner, indices[positions], data[positions]


@dataclass
class Event:
    """One reserve-list event (the ``reserve.list`` entries of the reference)."""

    type: str
    iteration: int
    region: int
    validity: float
    unit: int
    unit2: int = -1


@dataclass
class Quirk:
    """An un-aggregated region (§1.6): blocks of members not yet summed together."""

    region: int
    min_value: float
    max_values: np.ndarray


@dataclass
class EngineResult:
    """Raw engine output on positions (ids as in the reference)."""

    labels: np.ndarray
    before_reserve: np.ndarray
    events: list[Event]
    moves: np.ndarray
    iterations: int
    not_assigned: np.ndarray


@dataclass
class Engine:
    """State of one run: sparse flows, region ids and per-region marginals.

    ``outside_out`` / ``outside_in`` (per active unit) are the flows beyond the table:
    they count in every unit's residents and jobs, hence in every region's ``R`` and
    ``W`` and in the exposure of its members, but link to no region. None = 0.
    """

    matrix: sp.csr_array
    params: Params
    parity: Parity = "r"
    progress: bool = False
    events: list[Event] = field(default_factory=list)
    outside_out: np.ndarray | None = None
    outside_in: np.ndarray | None = None

    def __post_init__(self) -> None:
        csr = sp.csr_array(self.matrix.astype(np.float64))
        csr.eliminate_zeros()
        csr.sort_indices()
        csc = sp.csc_array(csr)
        csc.sort_indices()
        self.n = n = csr.shape[0]
        self.row = (csr.indptr.astype(np.int64), csr.indices.astype(np.int64), csr.data)
        self.col = (csc.indptr.astype(np.int64), csc.indices.astype(np.int64), csc.data)
        self.res = np.asarray(csr.sum(axis=1)).ravel()
        self.jobs = np.asarray(csr.sum(axis=0)).ravel()
        self.beyond_in = np.zeros(n)
        if self.outside_out is not None and self.outside_in is not None:
            self.res = self.res + self.outside_out
            self.jobs = self.jobs + self.outside_in
            self.beyond_in = np.asarray(self.outside_in, dtype=float)
        self.diag = csr.diagonal()
        self.cl = np.arange(1, n + 1, dtype=np.int64)
        self.off = n
        size = 2 * n + 1
        self.R = np.zeros(size)
        self.W = np.zeros(size)
        self.RW = np.zeros(size)
        self.val = np.full(size, np.inf)
        self.members: dict[int, list[int]] = {i + 1: [i] for i in range(n)}
        self.R[self.off + 1 :] = self.res
        self.W[self.off + 1 :] = self.jobs
        self.RW[self.off + 1 :] = self.diag
        first = validity_array(self.diag, self.res, self.jobs, self.params)
        self.val[self.off + 1 :] = np.where(np.isnan(first), np.inf, first)
        self.moves = np.zeros(n, dtype=np.int64)
        self.quirk: Quirk | None = None

    # ------------------------------------------------------------------ flows
    def cross(self, units: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Out- and in-flows of ``units``: (other ids out, values out, other ids in, values in).

        Flows among ``units`` themselves are left out.
        """
        rows = np.asarray(units, dtype=np.int64)
        _, cols, vals = gather(*self.row, rows)
        _, srcs, vals_in = gather(*self.col, rows)
        if len(units) > 1:
            inside = np.zeros(self.n, dtype=bool)
            inside[rows] = True
            keep, keep_in = ~inside[cols], ~inside[srcs]
            cols, vals, srcs, vals_in = cols[keep], vals[keep], srcs[keep_in], vals_in[keep_in]
        else:
            keep, keep_in = cols != rows[0], srcs != rows[0]
            cols, vals, srcs, vals_in = cols[keep], vals[keep], srcs[keep_in], vals_in[keep_in]
        return self.cl[cols], vals, self.cl[srcs], vals_in

    def internal(self, units: list[int]) -> float:
        """Sum of the flows among ``units`` (diagonal included)."""
        rows = np.asarray(units, dtype=np.int64)
        if len(units) == 1:
            return float(self.diag[rows[0]])
        _, cols, vals = gather(*self.row, rows)
        inside = np.zeros(self.n, dtype=bool)
        inside[rows] = True
        return float(vals[inside[cols]].sum())

    # ------------------------------------------------------------- bookkeeping
    def refresh(self, rid: int) -> None:
        """Recompute the validity of region ``rid`` from its marginals."""
        k = self.off + rid
        if rid == 0 or not self.members.get(rid):
            self.val[k] = np.inf
            return
        value = validity_scalar(self.RW[k], self.R[k], self.W[k], self.params)
        self.val[k] = np.inf if np.isnan(value) else value

    def relabel(self, units: list[int], target: int) -> None:
        """Move ``units`` (all from one region) to region ``target``, updating marginals."""
        source = int(self.cl[units[0]])
        moved = set(units)
        rest = [u for u in self.members[source] if u not in moved]
        ids_out, v_out, ids_in, v_in = self.cross(units)
        own = self.internal(units)
        r_u, w_u = float(self.res[units].sum()), float(self.jobs[units].sum())
        s, t = self.off + source, self.off + target
        if rest:
            self.R[s] -= r_u
            self.W[s] -= w_u
            self.RW[s] -= own + v_out[ids_out == source].sum() + v_in[ids_in == source].sum()
            self.members[source] = rest
        else:
            self.R[s] = self.W[s] = self.RW[s] = 0.0
            del self.members[source]
        self.R[t] += r_u
        self.W[t] += w_u
        self.RW[t] += own + v_out[ids_out == target].sum() + v_in[ids_in == target].sum()
        self.members.setdefault(target, []).extend(units)
        self.cl[units] = target
        self.refresh(source)
        self.refresh(target)

    def move_region(self, source: int, target: int) -> None:
        """Move all members of ``source`` to ``target``."""
        self.relabel(list(self.members[source]), target)

    def dissolve(self, region: int) -> list[int]:
        """Detach every member of ``region``: the p-th smallest position gets id ``-p``.

        A detached id already held by a left-over detached unit (after event D) is
        shared, as in the reference. Returns the members in ascending position.
        """
        units = sorted(self.members.pop(region))
        k = self.off + region
        self.R[k] = self.W[k] = self.RW[k] = 0.0
        self.val[k] = np.inf
        fresh = [p for p in range(len(units)) if -(p + 1) not in self.members]
        clash = [p for p in range(len(units)) if -(p + 1) in self.members]
        pos = np.asarray(fresh, dtype=np.int64)
        rows = np.asarray(units, dtype=np.int64)[pos]
        slots = self.off - (pos + 1)
        self.cl[rows] = -(pos + 1)
        self.R[slots], self.W[slots], self.RW[slots] = (
            self.res[rows],
            self.jobs[rows],
            self.diag[rows],
        )
        values = validity_array(self.diag[rows], self.res[rows], self.jobs[rows], self.params)
        self.val[slots] = np.where(np.isnan(values), np.inf, values)
        for p, u in zip(fresh, rows.tolist(), strict=True):
            self.members[-(p + 1)] = [u]
        for p in clash:
            self.join(units[p], -(p + 1))
        return units

    def join(self, unit: int, target: int) -> None:
        """Add ``unit`` (currently in no tracked region) to region ``target``."""
        ids_out, v_out, ids_in, v_in = self.cross([unit])
        t = self.off + target
        self.R[t] += self.res[unit]
        self.W[t] += self.jobs[unit]
        self.RW[t] += (
            self.diag[unit] + v_out[ids_out == target].sum() + v_in[ids_in == target].sum()
        )
        self.members.setdefault(target, []).append(unit)
        self.cl[unit] = target
        self.refresh(target)

    def regroup(self, region: int, sources: list[int]) -> list[list[int]]:
        """Put the members of the (empty) ``region``'s former ``sources`` back into it at once.

        Returns the member blocks, one per source id.
        """
        blocks = [self.members.pop(rid) for rid in sources]
        units = [u for b in blocks for u in b]
        for rid in sources:
            s = self.off + rid
            self.R[s] = self.W[s] = self.RW[s] = 0.0
            self.val[s] = np.inf
        t = self.off + region
        self.cl[units] = region
        self.R[t] = float(self.res[units].sum())
        self.W[t] = float(self.jobs[units].sum())
        self.RW[t] = self.internal(units)
        self.members[region] = units
        self.refresh(region)
        return blocks

    # ---------------------------------------------------------------- queries
    def least_valid(self) -> tuple[int, float]:
        """Return (id, validity) of the least valid region; ``(0, 1.0)`` if all exceed 1."""
        values = self.val
        saved = None
        if self.quirk is not None:
            k = self.off + self.quirk.region
            saved = values[k]
            values[k] = self.quirk.min_value
        k = int(np.argmin(values))
        best = float(values[k])
        if saved is not None and self.quirk is not None:
            values[self.off + self.quirk.region] = saved
        if not best <= 1:
            return 0, 1.0
        return k - self.off, best

    def old_values(self, rid: int) -> np.ndarray:
        """Validity rows of region ``rid`` at the start of the iteration (quirk aware)."""
        if self.quirk is not None and self.quirk.region == rid:
            return self.quirk.max_values
        return np.array([self.val[self.off + rid]])

    def best_link(self, units: list[int], *, positive: bool) -> tuple[int, float, float]:
        """Return the linked region of maximum cohesion for ``units``: (id, T_out, T_in).

        ``positive`` selects candidate regions with positive ids (else negative ids).
        Ties go to the last candidate in the order: regions sending flow to ``units``
        (ascending id), then regions only receiving flow (ascending id). Id 0 = none.
        """
        ids_out, v_out, ids_in, v_in = self.cross(units)
        keep_out = ids_out > 0 if positive else ids_out < 0
        keep_in = ids_in > 0 if positive else ids_in < 0
        ids_out, v_out, ids_in, v_in = (
            ids_out[keep_out],
            v_out[keep_out],
            ids_in[keep_in],
            v_in[keep_in],
        )
        if len(ids_out) == 0 and len(ids_in) == 0:
            return 0, 0.0, 0.0
        n_in = len(ids_in)
        uniq, inverse = np.unique(np.concatenate([ids_in, ids_out]), return_inverse=True)
        k = len(uniq)
        t_in = np.bincount(inverse[:n_in], v_in, minlength=k)
        t_out = np.bincount(inverse[n_in:], v_out, minlength=k)
        is_sender = np.bincount(inverse[:n_in], minlength=k) > 0
        first = np.concatenate([np.flatnonzero(is_sender), np.flatnonzero(~is_sender)])
        order, t_in_o, t_out_o = uniq[first], t_in[first], t_out[first]
        r_g, w_g = float(self.res[units].sum()), float(self.jobs[units].sum())
        r_k, w_k = self.R[self.off + order], self.W[self.off + order]
        with np.errstate(divide="ignore", invalid="ignore"):
            s_in = np.where((r_k != 0) & (w_g != 0), t_in_o / r_k * t_in_o / w_g, 0.0)
            s_out = np.where((r_g != 0) & (w_k != 0), t_out_o / r_g * t_out_o / w_k, 0.0)
        strength = s_in + s_out
        last = len(strength) - 1 - int(np.argmax(strength[::-1]))
        return int(order[last]), float(t_out_o[last]), float(t_in_o[last])

    def merged_validity(self, units: list[int], target: int, t_out: float, t_in: float) -> float:
        """Validity of region ``target`` after adding ``units`` (linked by t_out/t_in)."""
        k = self.off + target
        r = self.R[k] + float(self.res[units].sum())
        w = self.W[k] + float(self.jobs[units].sum())
        rw = self.RW[k] + self.internal(units) + t_out + t_in
        return validity_scalar(rw, r, w, self.params)

    def exposure_order(self, units: list[int]) -> list[int]:
        """Members sorted by external exposure, descending; ties by ascending position.

        Exposure = in-flows from outside the region (from beyond the table too) +
        (residents − internal flow).
        """
        rows = np.asarray(sorted(units), dtype=np.int64)
        owner, srcs, vals = gather(*self.col, rows)
        inside = np.zeros(self.n, dtype=bool)
        inside[rows] = True
        outside_in = np.bincount(owner[~inside[srcs]], vals[~inside[srcs]], minlength=len(rows))
        exposure = outside_in + self.beyond_in[rows] + self.res[rows] - self.diag[rows]
        order = np.argsort(-exposure, kind="stable")
        return [int(u) for u in rows[order]]

    # ---------------------------------------------------------------- quirk
    def make_quirk(self, region: int, blocks: list[list[int]]) -> None:
        """Record region ``region`` as un-aggregated into ``blocks`` (parity ``"r"``)."""
        if len(blocks) < 2:
            self.quirk = None
            return
        units = np.asarray([u for b in blocks for u in b], dtype=np.int64)
        block_of = np.full(self.n, -1, dtype=np.int64)
        for j, b in enumerate(blocks):
            block_of[b] = j
        owner, cols, vals = gather(*self.row, units)
        keep = block_of[cols] >= 0
        pair = block_of[units[owner[keep]]] * len(blocks) + block_of[cols[keep]]
        _, pair_sums = _sum_by(pair, vals[keep])
        flows = np.unique(pair_sums[pair_sums > 0])
        if len(flows) == 0:
            flows = np.zeros(1)
        r_b = np.array([self.res[b].sum() for b in blocks])
        w_b = np.array([self.jobs[b].sum() for b in blocks])
        candidates = [flows[:1], flows[1:2], flows[-1:]]
        low = np.concatenate(
            [
                validity_array(np.full(len(blocks), t[0]), r_b, w_b, self.params)
                for t in candidates[:2]
                if len(t)
            ]
        )
        high = validity_array(np.full(len(blocks), flows[-1]), r_b, w_b, self.params)
        exact_one = _hits_one(flows, r_b, w_b)
        max_values = np.concatenate([high, np.ones(int(exact_one))])
        self.quirk = Quirk(region, float(low.min()), max_values)


def _sum_by(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique keys and the sums of ``values`` per key."""
    if len(keys) == 0:
        return keys, values
    uniq, inverse = np.unique(keys, return_inverse=True)
    return uniq, np.bincount(inverse, values, minlength=len(uniq))


def _hits_one(flows: np.ndarray, r_b: np.ndarray, w_b: np.ndarray) -> bool:
    """Whether some block flow gives some block's marginals a self-containment of exactly 1."""
    target = np.maximum(r_b, w_b)
    pos = np.searchsorted(flows, target)
    for shift in (-1, 0, 1):
        idx = np.clip(pos + shift, 0, len(flows) - 1)
        t = flows[idx]
        with np.errstate(divide="ignore", invalid="ignore"):
            if (np.minimum(t / r_b, t / w_b) == 1).any():
                return True
    return False


def run(engine: Engine) -> EngineResult:
    """Run the main loop, then assign the reserve list; return raw labels and events."""
    iteration = 1
    bar = track(_forever(), description="labour market areas", progress=engine.progress)
    for _ in bar:
        region, value = engine.least_valid()
        if value >= 1:
            break
        members = engine.members[region]
        if len(members) == 1:
            _single(engine, region, value, iteration)
        else:
            _multiple(engine, region, value, iteration)
        iteration += 1
    before = engine.cl.copy()
    not_assigned = _assign_reserve(engine)
    return EngineResult(
        labels=engine.cl.copy(),
        before_reserve=before,
        events=engine.events,
        moves=engine.moves,
        iterations=iteration,
        not_assigned=not_assigned,
    )


def _forever():  # type: ignore[no-untyped-def]
    i = 0
    while True:
        yield i
        i += 1


def _try_move(engine: Engine, units: list[int]) -> tuple[int, bool]:
    """Find the max-cohesion positive region of ``units`` and test the move.

    Returns (candidate id or 0, accepted); the move is applied when accepted.
    """
    target, t_out, t_in = engine.best_link(units, positive=True)
    if target == 0:
        return 0, False
    new = engine.merged_validity(units, target, t_out, t_in)
    old = engine.old_values(target)
    accepted = bool(np.all(new >= old))
    if accepted:
        engine.relabel(units, target)
    return target, accepted


def _single(engine: Engine, region: int, value: float, iteration: int) -> None:
    """A one-unit region: move its unit or put it in the reserve list (A, B)."""
    unit = engine.members[region][0]
    if region != -1:
        engine.relabel([unit], -1)
    group = list(engine.members[-1])
    target, accepted = _try_move(engine, group)
    engine.quirk = None
    if accepted:
        engine.moves[unit] += 1
        return
    engine.events.append(Event("A" if target else "B", iteration, region, value, unit))
    engine.move_region(-1, 0)


def _multiple(engine: Engine, region: int, value: float, iteration: int) -> None:
    """A larger region: detach its most exposed unit (C, D, E, F)."""
    ranking = engine.exposure_order(engine.members[region])
    engine.dissolve(region)
    top = ranking[0]
    group = list(engine.members[int(engine.cl[top])])
    target, accepted = _try_move(engine, group)
    engine.quirk = None
    if accepted:
        engine.moves[top] += 1
    elif target:
        engine.events.append(Event("C", iteration, region, value, top, ranking[1]))
        engine.move_region(int(engine.cl[top]), 0)
    else:
        engine.events.append(Event("D", iteration, region, value, top, ranking[1]))
        engine.move_region(int(engine.cl[top]), 0)
        if engine.parity == "r":
            _after_d(engine, ranking, iteration)
            return
    _regroup_remaining(engine, region)


def _regroup_remaining(engine: Engine, region: int) -> None:
    """Put every detached (negative) region back under ``region``.

    With ``parity="r"`` the result stays un-aggregated for one iteration (§1.6).
    """
    detached = np.unique(engine.cl[engine.cl < 0])
    if len(detached) == 0:
        return
    negatives = [int(rid) for rid in detached[::-1]]
    blocks = engine.regroup(region, negatives)
    if engine.parity == "r":
        engine.make_quirk(region, blocks)


def _after_d(engine: Engine, ranking: list[int], iteration: int) -> None:
    """After event D: process the least valid regions ``n - 1`` more times (E, F)."""
    for ncom in range(1, len(ranking)):
        label_unit = ranking[ncom]
        region, value = engine.least_valid()
        if region < 0:
            group = list(engine.members[region])
            target, accepted = _try_move(engine, group)
            if accepted:
                engine.moves[label_unit] += 1
                continue
            engine.events.append(
                Event("E" if target else "F", iteration, region, value, label_unit)
            )
            engine.move_region(region, 0)
        elif region > 0:
            _absorb_detached(engine, region, value, iteration, label_unit)
        else:
            engine.events.append(Event("F", iteration, 0, value, label_unit))
    left = np.flatnonzero(engine.cl < 0)
    if len(left):
        logger.debug("after D in iteration %d: %d detached units stay apart", iteration, len(left))


def _absorb_detached(
    engine: Engine, region: int, value: float, iteration: int, label_unit: int
) -> None:
    """A positive least-valid region during the D loop: it takes in linked detached units.

    The reference looks for detached (negative) regions linked to it; with none, the whole
    region goes to the reserve list (F). With several, R's vector recycling is not
    reproduced: all linked detached regions join it (logged).
    """
    ids_out, _, ids_in, _ = engine.cross(list(engine.members[region]))
    linked = np.unique(np.concatenate([ids_out[ids_out < 0], ids_in[ids_in < 0]]))
    if len(linked) == 0:
        engine.events.append(Event("F", iteration, region, value, label_unit))
        engine.move_region(region, 0)
        return
    if len(linked) > 1:
        logger.debug("D loop: %d detached regions linked to region %d", len(linked), region)
    for rid in linked:
        engine.move_region(int(rid), region)
    engine.moves[label_unit] += 1


def _assign_reserve(engine: Engine) -> np.ndarray:
    """Assign reserve units to their max-cohesion region, largest position first.

    Passes repeat while a unit moves; no validity test. Returns the positions left
    without a link (label 0).
    """
    engine.quirk = None
    reserve = sorted(engine.members.get(0, []))
    if reserve:
        engine.dissolve(0)
        moved = True
        while moved:
            moved = False
            pending = sorted(np.flatnonzero(engine.cl < 0), key=lambda u: (engine.cl[u], u))
            for unit in pending:
                region = int(engine.cl[unit])
                if region >= 0:
                    continue
                target, _, _ = engine.best_link(list(engine.members[region]), positive=True)
                if target:
                    engine.move_region(region, target)
                    moved = True
    left = np.flatnonzero(engine.cl < 0)
    for rid in sorted({int(engine.cl[u]) for u in left}):
        engine.move_region(rid, 0)
    return left
