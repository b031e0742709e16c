"""Reading YAML within bounds: the cost of reading the registry, and refusing hostile files.

Issue 16 (item 9): a 353-byte registry of nested aliases ("billion laughs", nine levels
of nine aliases) kept ``governance check`` busy 84 s (2 s at 7 levels, 10 s at 8, ×9 per
level), because the duplicate-key check walked every aliased node again at every alias.
``cityregions.io._yaml`` now reads the event stream once, refuses documents whose
aliases add more than ``ALIAS_BUDGET`` nodes or that nest deeper than ``MAX_DEPTH``,
walks each node once, and parses with libyaml when PyYAML has it.

Printed, best of ``--repeat`` runs, all in this process:

* the bundled registry read as before issue 16 (baseline: pure-Python ``safe_load`` plus
  the two ``yaml.compose`` passes of the duplicate-key and line-number checks), and as
  now (events + compose + construct, libyaml if available), and the whole
  ``load_registry_yaml`` (with pydantic and cross-record checks);
* the old duplicate-key walk on billion-laughs documents of 5 to 7 levels (baseline),
  against refusing documents of 7 to 30 levels now; and a 3,000-deep nesting.

Run::

    python benchmarks/bench_yaml.py [--repeat 5]

Not part of the test suite (wall-clock figures belong here, see TEAM.md).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from cityregions.io._yaml import compose_yaml, construct_yaml
from cityregions.io.registry_yaml import load_registry_yaml, registry_files
from cityregions.pipeline.case import bundled_case_path


def best(function: Callable[[], object], repeat: int) -> float:
    """Best wall-clock seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def laughs(levels: int) -> str:
    """``levels`` levels of nine aliases each: 9**levels scalars when expanded."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def old_reader(text: str) -> None:
    """What the registry reader did per file before issue 16 (pure-Python loader)."""
    yaml.safe_load(text)
    for _ in range(2):  # _duplicate_keys and _record_lines composed the text again
        yaml.compose(text, Loader=yaml.SafeLoader)


def old_duplicate_walk(text: str) -> int:
    """The duplicate-key walk before issue 16: every alias walked again (no visited set)."""
    stack = [yaml.compose(text, Loader=yaml.SafeLoader)]
    visited = 0
    while stack:
        node = stack.pop()
        visited += 1
        if isinstance(node, yaml.MappingNode):
            stack.extend(value for _, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return visited


def row(label: str, seconds: float) -> None:
    print(f"  {label:<52}{seconds * 1000:10.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    folder = bundled_case_path() / "registry"
    texts = [(p, p.read_text(encoding="utf-8")) for p in registry_files(folder)]
    size = sum(len(t) for _, t in texts)
    kib = size / 1024
    print(f"libyaml: {yaml.__with_libyaml__}; bundled registry: {len(texts)} files, {kib:.0f} KiB")
    row(
        "before: safe_load + 2 compose (baseline)",
        best(lambda: [old_reader(t) for _, t in texts], repeat),
    )
    row(
        "now: events + compose + construct",
        best(lambda: [construct_yaml(compose_yaml(t, source=p)) for p, t in texts], repeat),
    )
    row("now: load_registry_yaml (validated)", best(lambda: load_registry_yaml(folder), repeat))
    for levels in (5, 6, 7):
        text = laughs(levels)
        row(
            f"before: duplicate-key walk, {levels} levels ({len(text)} B)",
            best(lambda text=text: old_duplicate_walk(text), 1),
        )
    with tempfile.TemporaryDirectory() as tmp:
        for levels in (7, 9, 12, 30):
            path = Path(tmp) / f"laughs{levels}.yaml"
            path.write_text(laughs(levels), encoding="utf-8")
            seconds = best(lambda path=path: load_registry_yaml(path), repeat)
            row(f"now: refuse billion laughs, {levels} levels ({path.stat().st_size} B)", seconds)
        deep = Path(tmp) / "deep.yaml"
        deep.write_text("actors: " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
        row("now: refuse a 3,000-deep nesting", best(lambda: load_registry_yaml(deep), repeat))


if __name__ == "__main__":
    main()
