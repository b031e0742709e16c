"""Step-level tests of the LMA engine: rare branches and the un-aggregated state.

Hand-traced toy cases (values worked out in the comments) and a brute-force check of
the quirk's min/max shortcut.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from cityregions.delineation import validity
from cityregions.delineation._lma_steps import Engine, Params, run

PARAMS = Params(100, 0.6, 1000, 0.7)


def engine_from(entries: dict[tuple[int, int], float], n: int, parity: str = "r") -> Engine:
    rows, cols = zip(*entries, strict=True)
    matrix = sp.csr_array((list(entries.values()), (rows, cols)), shape=(n, n))
    return Engine(matrix, PARAMS, parity)  # type: ignore[arg-type]


def d_case(parity: str = "r") -> Engine:
    """Region 1 = {0, 1, 2}; unit 0 links only to its own region; unit 3 is big."""
    flows = {
        (0, 0): 5,
        (0, 1): 20,
        (1, 1): 10,
        (1, 2): 5,
        (1, 3): 5,
        (2, 2): 10,
        (2, 1): 5,
        (2, 3): 2,
        (3, 3): 1000,
        (3, 1): 3,
    }
    engine = engine_from(flows, 4, parity)
    engine.relabel([1], 1)
    engine.relabel([2], 1)
    return engine


def test_event_d_then_least_valid_regions_processed() -> None:
    engine = d_case()
    # exposures: unit 0: 0 + 25 - 5 = 20; unit 1: 3 + 20 - 10 = 13; unit 2: 0 + 7 = 7
    assert engine.exposure_order([0, 1, 2]) == [0, 1, 2]
    result = run(engine)
    events = [(e.type, e.iteration, e.region, e.unit, e.unit2) for e in result.events]
    # unit 0 has no link outside its region: D; then unit 1 (-2, validity 0.370) and
    # unit 2 (-3, 0.827) go to region 4 without lowering its validity (7/6 both)
    assert events == [("D", 1, 1, 0, 1)]
    assert result.before_reserve.tolist() == [0, 4, 4, 4]
    assert result.labels.tolist() == [4, 4, 4, 4]  # reserve unit 0 joins via unit 1
    assert result.moves.tolist() == [0, 1, 1, 0]


def test_clean_mode_keeps_remaining_members_together_after_d() -> None:
    engine = d_case("clean")
    result = run(engine)
    # D: unit 0 to the reserve list; {1, 2} stays region 1 (R = 37 < 100, invalid), is
    # peeled next (unit 1: exposure 20 + 3 + 10 = 33 > unit 2: 7) and ends in region 4
    assert [e.type for e in result.events] == ["D"]
    assert result.before_reserve.tolist() == [0, 4, 4, 4]
    assert result.labels.tolist() == [4, 4, 4, 4]
    assert result.iterations == 4  # D, peel, single move, converged check


def test_dissolve_gives_negative_ids_in_position_order() -> None:
    engine = d_case()
    units = engine.dissolve(1)
    assert units == [0, 1, 2]
    assert engine.cl.tolist() == [-1, -2, -3, 4]
    assert engine.R[engine.off - 2] == 20  # unit 1's residents


def test_best_link_ties_go_to_last_receiver() -> None:
    # unit 0 sends 10 to unit 1 and 10 to unit 2; equal cohesion; receivers only
    flows = {(0, 0): 1, (0, 1): 10, (0, 2): 10, (1, 1): 50, (2, 2): 50}
    engine = engine_from(flows, 3)
    engine.relabel([0], -1)
    target, t_out, t_in = engine.best_link([0], positive=True)
    assert (target, t_out, t_in) == (3, 10.0, 0.0)
    # now unit 1 also sends 1 back: senders come first, so the receiver-only 3 still wins
    flows[(1, 0)] = 1
    engine = engine_from(flows, 3)
    engine.relabel([0], -1)
    cohesion_2 = 10 / 21 * 10 / 51 + 1 / 51 * 1 / 2
    assert cohesion_2 > 10 / 21 * 10 / 50  # unit 1 is now strictly better
    assert engine.best_link([0], positive=True)[0] == 2


@pytest.mark.parametrize("seed", range(5))
def test_quirk_min_and_max_equal_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 7
    dense = rng.integers(0, 40, size=(n, n)) * (rng.random((n, n)) < 0.5)
    np.fill_diagonal(dense, rng.integers(1, 400, size=n))
    engine = Engine(sp.csr_array(dense.astype(float)), PARAMS)
    blocks = [[0], [1, 2], [3], [4, 5, 6]]
    engine.make_quirk(1, blocks)
    assert engine.quirk is not None
    r_b = [dense[b].sum() for b in blocks]
    w_b = [dense[:, b].sum() for b in blocks]
    pair = [dense[np.ix_(a, b)].sum() for a, b in itertools.product(blocks, blocks)]
    pair = [t for t in pair if t > 0]
    combos = [
        validity(
            t,
            r,
            w,
            min_size=100,
            min_self_containment=0.6,
            target_size=1000,
            target_self_containment=0.7,
        )[0]
        for t in pair
        for r, w in zip(r_b, w_b, strict=True)
    ]
    assert engine.quirk.min_value == min(combos)
    assert engine.quirk.max_values.max() == max(combos)


def test_quirk_region_is_picked_with_its_spurious_validity() -> None:
    engine = d_case()
    engine.make_quirk(1, [[0], [1], [2]])
    region, value = engine.least_valid()
    assert region == 1
    assert engine.quirk is not None
    assert value == engine.quirk.min_value
    assert value < engine.val[engine.off + 1]
