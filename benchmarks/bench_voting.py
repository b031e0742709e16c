"""Benchmark: voting power, ours versus ``powerindex`` on the same games in the same run.

Run ``python benchmarks/bench_voting.py [--full] [--baseline-timeout S]``.

Games (random weights seeded; quota = half the total + 1):

* n = 50, 100 and 200, weights uniform on 1..100 — both exact engines (``dp``: the
  dynamic program; ``gf``: generating functions with NTT, Kakimura & Terai 2025) and
  ``powerindex`` 0.3.5 (pure Python generating functions) for Banzhaf and
  Shapley–Shubik (its Shapley–Shubik on 200 members only with ``--full``); the ``gf``
  Shapley–Shubik runs on 50 members and is taken from the cost model above that;
* n = 1,000, weights 1..100 — the goal of issue 13: exact Banzhaf and Shapley–Shubik in
  < 5 s. Banzhaf by both engines and ``powerindex``; Shapley–Shubik by the dynamic
  program (it runs: about 4.5 s), the ``gf`` time taken from the cost model
  (``exact_costs``; running it would take hours), ``powerindex`` not run;
* the size-by-weight table of the exact Shapley–Shubik program built one member per
  pass and with up to ``_dp.GROUP`` members of equal weight per pass (n = 200 and 400
  with weights 1..100, n = 1,000 with weights 1..5; best of three; the two tables must
  be equal);
* the 50 districts of the bundled case weighted by population (``districts.csv``),
  more than half — goal: answered by ``auto`` in < 10 s;
* the 1,268 municipalities of the bundled case weighted by population
  (``municipalities.csv``; the issue's "1,240" is an older count) — goal: answered by
  ``auto`` in < 30 s.

``powerindex`` runs in a child process stopped after ``--baseline-timeout`` seconds
(default 120); a stopped run is printed as "> T". The ratio is powerindex / ours. The
run ends with the goals and whether this run met them. The first call loads the numba
kernels (cached on disk) and is timed apart.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cityregions.partnership.voting import exact_costs, voting_power, weighted_game

CASE = Path(__file__).parents[1] / "src/cityregions/cases/mitteldeutschland"
#: (label, index, limit in seconds) of issue 13.
GOALS = (
    ("n=1000, w~U(1,100)", "banzhaf", 5.0),
    ("n=1000, w~U(1,100)", "shapley_shubik", 5.0),
    ("50 districts, population", "auto", 10.0),
    ("1,268 municipalities, population", "auto", 30.0),
)


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def _theirs(weights: list[int], quota: int, index: str, queue: Any) -> None:
    import powerindex

    game = powerindex.Game(quota, weights=list(weights))
    if index == "shapley_shubik":
        game.calc_shapley_shubik()
        queue.put(list(game.shapley_shubik))
    else:
        game.calc_banzhaf()
        queue.put(list(game.banzhaf))


def _baseline(weights: list[int], quota: int, index: str, timeout: float) -> tuple[float, Any]:
    """Seconds and values of powerindex, or (inf, None) when it did not finish in time."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_theirs, args=(weights, quota, index, queue))
    started = time.perf_counter()
    process.start()
    try:
        values = queue.get(timeout=timeout)
    except Exception:  # queue.Empty: stopped after the timeout
        values = None
    seconds = time.perf_counter() - started
    process.terminate()
    process.join()
    return (seconds, values) if values is not None else (float("inf"), None)


def _row(*cells: str) -> None:
    widths = (34, 16, 34, 10, 14, 8, 10)
    print(
        "".join(
            f"{c:<{w}}" if i < 3 else f"{c:>{w}}"
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )
    )


def _ours(weights: list[int], quota: int, index: str, method: str) -> tuple[float, Any]:
    game = weighted_game(weights, quota)
    seconds, result = _timed(
        lambda: voting_power(
            game, method=method, shapley=index != "banzhaf", rng=np.random.default_rng(0)
        )
    )
    return seconds, result


def _compare(
    label: str, weights: list[int], quota: int, index: str, method: str, baseline: float | None
) -> float:
    seconds, result = _ours(weights, quota, index, method)
    values = result.banzhaf if index == "banzhaf" else result.shapley_shubik
    theirs_text, ratio, diff = "(not run)", "", ""
    if baseline is not None:
        theirs, reference = _baseline(weights, quota, index, baseline)
        theirs_text = f"> {baseline:.0f}" if reference is None else f"{theirs:.3f}"
        ratio = (
            f"{theirs / seconds:.0f}x" if reference is not None else f"> {baseline / seconds:.0f}x"
        )
        if reference is not None:
            diff = f"{max(abs(float(a) - b) for a, b in zip(values, reference, strict=True)):.1e}"
    how = result.methods.get("shapley_shubik" if index != "banzhaf" else "banzhaf", result.method)
    _row(label, index, f"{method}: {how[:26]}", f"{seconds:.3f}", theirs_text, ratio, diff)
    return seconds


def _estimated(label: str, weights: list[int], quota: int) -> None:
    """The gf engine's Shapley–Shubik time from the cost model (too long to run)."""
    gf = exact_costs(weighted_game(weights, quota))["shapley_shubik"]["gf"]
    _row(label, "shapley_shubik", "gf: (cost model, not run)", f"~{gf:.0f}", "(not run)", "", "")


def _orders(rng: np.random.Generator) -> None:
    """The compiled size-by-weight kernel: one member per pass vs groups of equal weight.

    Both must give the same table (checked); best of three runs each.
    """
    from cityregions.partnership.voting import _dp

    print(
        f"\nsize-by-weight table (Shapley-Shubik, dp): one member per pass vs up to "
        f"{_dp.GROUP} members of equal weight per pass"
    )
    for n, top in ((200, 100), (400, 100), (1000, 5)):
        weights = rng.integers(1, top + 1, n).tolist()
        limit, max_size = _dp.shapley_shape(weights, sum(weights) // 2 + 1)
        primes = _dp.primes_for(_dp.size_count_bits(n))
        best, tables = {}, {}
        for _ in range(3):
            for group in (1, _dp.GROUP):
                build = partial(_dp._count_by_size, weights, limit, max_size, primes, group)
                seconds, tables[group] = _timed(build)
                best[group] = min(best.get(group, seconds), seconds)
        same = np.array_equal(tables[1], tables[_dp.GROUP])
        print(
            f"  n={n}, w~U(1,{top}), {tables[1].size:,} cells: one per pass {best[1]:.3f} s, "
            f"grouped {best[_dp.GROUP]:.3f} s ({best[1] / best[_dp.GROUP]:.2f}x), "
            f"same table: {same}"
        )


def _case_weights(name: str) -> list[int]:
    table = pd.read_csv(CASE / name, dtype={"unit": str})
    return table["population"].astype(int).tolist()


def _auto(label: str, weights: list[int], baseline: float) -> float:
    game = weighted_game(weights, share=0.5, more_than=True)
    seconds, result = _timed(
        lambda: voting_power(game, rng=np.random.default_rng(0), samples=200_000)
    )
    for index, how in result.methods.items():
        print(f"  {label}: {index} by {how}")
    theirs, reference = _baseline(weights, game.criteria[0].quota, "banzhaf", baseline)
    theirs_text = f"> {baseline:.0f}" if reference is None else f"{theirs:.2f}"
    print(f"  {label}: auto {seconds:.2f} s (both indices); powerindex Banzhaf {theirs_text} s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="powerindex SS on 200 members too")
    parser.add_argument("--baseline-timeout", type=float, default=120.0)
    args = parser.parse_args()
    timeout = args.baseline_timeout
    rng = np.random.default_rng(2026)
    warm, _ = _timed(lambda: [_ours([3, 2, 2, 1, 1], 5, i, "dp") for i in ("banzhaf", "ss")])
    print(f"numba kernels loaded/compiled in {warm:.2f} s (not counted)")
    print(f"load average at start: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    _row("game", "index", "ours: method", "ours [s]", "powerindex [s]", "ratio", "max|diff|")
    measured: dict[tuple[str, str], float] = {}
    for n, their_ss in ((50, True), (100, True), (200, args.full)):
        weights = rng.integers(1, 101, n).tolist()
        quota = sum(weights) // 2 + 1
        label = f"n={n}, w~U(1,100), W={sum(weights)}"
        for index in ("banzhaf", "shapley_shubik"):
            wait = timeout if index == "banzhaf" or their_ss else None
            _compare(label, weights, quota, index, "dp", wait)
            if index == "banzhaf" or n <= 50:
                _compare(label, weights, quota, index, "gf", None)
            else:
                _estimated(label, weights, quota)
    weights = rng.integers(1, 101, 1000).tolist()
    quota = sum(weights) // 2 + 1
    label = f"n=1000, w~U(1,100), W={sum(weights)}"
    measured[("n=1000, w~U(1,100)", "banzhaf")] = min(
        _compare(label, weights, quota, "banzhaf", "dp", timeout),
        _compare(label, weights, quota, "banzhaf", "gf", None),
    )
    measured[("n=1000, w~U(1,100)", "shapley_shubik")] = _compare(
        label, weights, quota, "shapley_shubik", "dp", None
    )
    _estimated(label, weights, quota)
    _orders(np.random.default_rng(7))
    print("\nbundled case, population weights, more than half, method auto:")
    measured[("50 districts, population", "auto")] = _auto(
        "50 districts", _case_weights("districts.csv"), timeout
    )
    municipal = _case_weights("municipalities.csv")
    measured[("1,268 municipalities, population", "auto")] = _auto(
        f"{len(municipal):,} municipalities", municipal, timeout
    )
    _print_goals(measured)


def _print_goals(measured: dict[tuple[str, str], float]) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\ngoals (issue 13), on this machine (load average at the end: {load}):")
    for label, index, limit in GOALS:
        seconds = measured[(label, index)]
        verdict = "met" if seconds < limit else "NOT MET"
        print(f"  {label:<36}{index:<16}< {limit:g} s: {verdict:<8}({seconds:.2f} s)")


if __name__ == "__main__":
    main()
