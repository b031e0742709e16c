"""Benchmark: exact voting power, ours versus ``powerindex`` on the same games.

Run ``python benchmarks/bench_voting.py [--full]``. Games: random integer weights
uniform on 1..100 (seeded), quota = half the total weight + 1, for 200 and 1,000
members; plus a 1,000-member body with small weights (1..5) for Shapley–Shubik. The
first call compiles the numba kernels (cached on disk afterwards) and is timed apart.
``powerindex`` Shapley–Shubik is pure Python ``O(n² q)``: by default it runs on the
100-member game only; ``--full`` also runs it on 200 members (about a minute). Exact
Shapley–Shubik for 1,000 members with weights 1..100 (``O(n² q)``, about 2·10¹¹ cell
updates per prime set) is not run: its time is extrapolated from 250 and 350 members.
The run ends with the goals of issue 5 (200 members < 0.5 s, 1,000 members < 5 s) and
whether each was met.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from cityregions.partnership.voting import voting_power, weighted_game


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


#: The performance goals of issue 5: (members, seconds) for exact Banzhaf and SS.
GOALS = ((200, 0.5), (1000, 5.0))


def _estimate_shapley_1000(rng: np.random.Generator) -> float:
    """Extrapolate exact SS for n = 1,000, w ~ U(1,100) from n = 250 and 350 (``n² q``)."""
    times = {}
    for n in (250, 350):
        weights = rng.integers(1, 101, n).tolist()
        # best of two: the first call may still compile a kernel
        times[n], _ = _time(lambda w=weights: _ours(w, sum(w) // 2 + 1, True), repeat=2)
    # n² q with q ∝ n: at least cubic; a noisy ratio must not extrapolate below that
    exponent = max(3.0, np.log(times[350] / times[250]) / np.log(350 / 250))
    return float(times[350] * (1000 / 350) ** exponent)


def _row(label: str, name: str, ours: str, theirs: str, diff: str) -> None:
    print(f"{label:<34}{name:<16}{ours:>10}{theirs:>16}{diff:>12}")


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
    _row("game", "index", "ours [s]", "powerindex [s]", "max |diff|")
    games = [
        ("n=100, w~U(1,100)", rng.integers(1, 101, 100).tolist(), True),
        ("n=200, w~U(1,100)", rng.integers(1, 101, 200).tolist(), args.full),
        ("n=1000, w~U(1,100)", rng.integers(1, 101, 1000).tolist(), False),
        ("n=1000, w~U(1,5)", rng.integers(1, 6, 1000).tolist(), False),
        ("n=1000, w~U(1,2)", rng.integers(1, 3, 1000).tolist(), False),
    ]
    measured: dict[tuple[int, str, str], tuple[float, float | None]] = {}
    for label, weights, their_ss in games:
        quota = sum(weights) // 2 + 1
        n = len(weights)
        label = f"{label}, W={sum(weights)}"
        for shapley, name in ((False, "banzhaf"), (True, "shapley_shubik")):
            if shapley and label.startswith("n=1000, w~U(1,100)"):
                estimate = _estimate_shapley_1000(np.random.default_rng(1))
                measured[(n, name, "U(1,100)")] = (estimate, None)
                _row(label, name, f"~{estimate:.0f}", "(not run)", "estimated")
                continue
            t_ours, ours = _time(
                lambda w=weights, q=quota, s=shapley: _ours(w, q, s), repeat=1 if shapley else 3
            )
            values = ours.shapley_shubik if shapley else ours.banzhaf
            t_theirs: float | None = None
            diff = ""
            if not shapley or their_ss:
                t_theirs, theirs = _time(
                    lambda w=weights, q=quota, s=shapley: _theirs(w, q, s), repeat=1
                )
                diff = f"{max(abs(float(a) - b) for a, b in zip(values, theirs, strict=True)):.1e}"
            weight_range = label.split("w~")[1].split("), ")[0] + ")"
            measured[(n, name, weight_range)] = (t_ours, t_theirs)
            their_text = f"{t_theirs:.3f}" if t_theirs is not None else "(not run)"
            _row(label, name, f"{t_ours:.3f}", their_text, diff)
    _print_goals(measured)


def _print_goals(measured: dict[tuple[int, str, str], tuple[float, float | None]]) -> None:
    """Say for each goal of issue 5 whether this run met it."""
    print("\ngoals (issue 5): exact, all members, on this machine")
    for (n, name, weights), (ours, theirs) in sorted(measured.items()):
        limit = dict(GOALS).get(n)
        if limit is None:
            continue
        verdict = "met" if ours < limit else "NOT MET"
        faster = (
            ""
            if theirs is None
            else (" faster than powerindex" if ours <= theirs else " SLOWER than powerindex")
        )
        how = "estimated " if (n, name, weights) == (1000, "shapley_shubik", "U(1,100)") else ""
        print(
            f"  {name:<15} n={n:<5} w~{weights:<9} < {limit:g} s: {verdict:<8}"
            f"({how}{ours:.3f} s){faster}"
        )


if __name__ == "__main__":
    main()
