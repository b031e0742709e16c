"""Benchmark: exact voting power, ours versus ``powerindex`` on the same games.

Run ``python benchmarks/bench_voting.py [--full]``. Games: random integer weights
uniform on 1..100 (seeded), quota = half the total weight + 1, for 200 and 1,000
members; plus a 1,000-member body with small weights (1..5) for Shapley–Shubik. The
first call compiles the numba kernels (cached on disk afterwards) and is timed apart.
``powerindex`` Shapley–Shubik is pure Python ``O(n² q)``: by default it runs on the
100-member game only; ``--full`` also runs it on 200 members (about a minute).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from cityregions.governance.voting import voting_power, weighted_game


def _time(fn, repeat=3):  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - started)
    return best, value


def _ours(weights: list[int], quota: int, shapley: bool):  # type: ignore[no-untyped-def]
    return voting_power(weighted_game(weights, quota), shapley=shapley)


def _theirs(weights: list[int], quota: int, shapley: bool):  # type: ignore[no-untyped-def]
    import powerindex

    game = powerindex.Game(quota, weights=list(weights))
    if shapley:
        game.calc_shapley_shubik()
        return game.shapley_shubik
    game.calc_banzhaf()
    return game.banzhaf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="powerindex SS on 200 members too")
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    started = time.perf_counter()
    _ours([3, 2, 2, 1, 1], 5, True)
    warm = rng.integers(1, 101, 200).tolist()
    _ours(warm, sum(warm) // 2 + 1, True)
    print(f"numba kernels loaded/compiled in {time.perf_counter() - started:.2f} s (not counted)")
    print(f"{'game':<34}{'index':<16}{'ours [s]':>10}{'powerindex [s]':>16}{'max |diff|':>12}")
    games = [
        ("n=100, w~U(1,100)", rng.integers(1, 101, 100).tolist(), True),
        ("n=200, w~U(1,100)", rng.integers(1, 101, 200).tolist(), args.full),
        ("n=1000, w~U(1,100)", rng.integers(1, 101, 1000).tolist(), False),
        ("n=1000, w~U(1,5)", rng.integers(1, 6, 1000).tolist(), False),
        ("n=1000, w~U(1,2)", rng.integers(1, 3, 1000).tolist(), False),
    ]
    for label, weights, their_ss in games:
        quota = sum(weights) // 2 + 1
        label = f"{label}, W={sum(weights)}"
        for shapley, name in ((False, "banzhaf"), (True, "shapley_shubik")):
            if shapley and label.startswith("n=1000, w~U(1,100)"):
                print(f"{label:<34}{name:<16}{'skipped: O(n² q) = 6e11 cell updates':>38}")
                continue
            t_ours, ours = _time(
                lambda w=weights, q=quota, s=shapley: _ours(w, q, s), repeat=3 if not shapley else 1
            )
            values = ours.shapley_shubik if shapley else ours.banzhaf
            if not shapley or their_ss:
                t_theirs, theirs = _time(
                    lambda w=weights, q=quota, s=shapley: _theirs(w, q, s), repeat=1
                )
                diff = max(abs(float(a) - b) for a, b in zip(values, theirs, strict=True))
                print(f"{label:<34}{name:<16}{t_ours:>10.3f}{t_theirs:>16.3f}{diff:>12.1e}")
            else:
                print(f"{label:<34}{name:<16}{t_ours:>10.3f}{'(not run)':>16}{'':>12}")


if __name__ == "__main__":
    main()
