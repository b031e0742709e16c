"""YAML is read within bounds (:mod:`cityregions.io._yaml`), by every reader of YAML.

Before issue 16 a 353-byte registry of nested aliases kept ``governance check`` busy
for minutes (nine levels of nine aliases: 84 s, ×9 per level), because the duplicate-
key check walked every aliased node again at every alias, and YAML nested some 500
levels deep ended in a RecursionError.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cityregions import InputError
from cityregions.io._yaml import ALIAS_BUDGET, MAX_DEPTH, check_yaml_events, load_yaml, walk_nodes
from cityregions.io.registry_yaml import check_registry
from cityregions.io.scenario_files import read_scenario


def laughs(levels: int, width: int = 9) -> str:
    """The "billion laughs" document: ``width ** levels`` scalars in a few hundred bytes."""
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def expanded_nodes(text: str) -> int:
    """Nodes the aliases add, counted independently: compose, then count each alias's tree."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)

    def size(node: yaml.Node) -> int:
        if isinstance(node, yaml.MappingNode):
            return 1 + sum(size(k) + size(v) for k, v in node.value)
        if isinstance(node, yaml.SequenceNode):
            return 1 + sum(size(v) for v in node.value)
        return 1

    return size(root) - len(walk_nodes(root))  # the tree as loaded minus the nodes written


@pytest.mark.parametrize(("levels", "width"), [(2, 9), (3, 9), (4, 9), (5, 9), (3, 40), (4, 21)])
def test_the_budget_refuses_exactly_the_documents_that_expand_beyond_it(
    levels: int, width: int
) -> None:
    """Whether a document passes agrees with an independent count of what aliases add."""
    text = laughs(levels, width)
    if expanded_nodes(text) <= ALIAS_BUDGET:
        check_yaml_events(text, source="ok.yaml")
    else:
        with pytest.raises(InputError, match="aliases expand the document"):
            check_yaml_events(text, source="laughs.yaml")


def test_the_independent_count_is_right_on_a_hand_worked_document() -> None:
    """l0 = [lol, lol] (3 nodes); l1 = [*l0, *l0] adds 2 x 3 = 6 nodes."""
    assert expanded_nodes("l0: &l0 [lol, lol]\nl1: [*l0, *l0]\n") == 6


def test_billion_laughs_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "registry.yaml"
    path.write_text(laughs(30), encoding="utf-8")  # 9**30 scalars: never built
    problems = check_registry(path)
    assert "aliases expand the document by more than 10,000 nodes" in str(problems[0])
    assert problems[0].source == str(path)
    assert problems[0].location is not None
    assert problems[0].location.startswith("line ")


def test_billion_laughs_in_a_scenario_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text("name: x\n" + laughs(12), encoding="utf-8")
    with pytest.raises(InputError, match="aliases expand the document") as error:
        read_scenario(path)
    assert error.value.source == str(path)


@pytest.mark.parametrize(
    "text",
    [
        "actors: " + "[" * 600 + "]" * 600 + "\n",
        "".join(f"{'  ' * i}k{i}:\n" for i in range(600)) + "  " * 600 + "v\n",
        "actors: " + "{a: " * 600 + "1" + "}" * 600 + "\n",
    ],
    ids=["flow-sequences", "block-mappings", "flow-mappings"],
)
def test_deep_nesting_is_an_error_not_a_recursion_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "registry.yaml"
    path.write_text(text, encoding="utf-8")
    problems = check_registry(path)
    assert f"nested more than {MAX_DEPTH} levels" in str(problems[0])


def test_an_alias_cycle_is_an_error() -> None:
    with pytest.raises(InputError, match="a cycle"):
        load_yaml("actors: &a [1, *a]\n", source="cycle.yaml")


def test_ordinary_aliases_still_work_and_are_shared() -> None:
    data = load_yaml(
        "common: &s [S1, S2]\nactors:\n  - {id: a, sources: *s}\n  - {id: b, sources: *s}\n",
        source="ok.yaml",
    )
    assert data["actors"][0]["sources"] == ["S1", "S2"]
    assert data["actors"][0]["sources"] is data["actors"][1]["sources"]
    assert data == yaml.safe_load(
        "common: &s [S1, S2]\nactors:\n  - {id: a, sources: *s}\n  - {id: b, sources: *s}\n"
    )


def test_nesting_up_to_the_limit_is_read() -> None:
    depth = MAX_DEPTH - 1
    data = load_yaml("[" * depth + "1" + "]" * depth, source="deep.yaml")
    for _ in range(depth - 1):
        data = data[0]
    assert data == [1]


def test_a_repeated_key_inside_an_aliased_mapping_is_reported_once(tmp_path: Path) -> None:
    """The duplicate-key check walks each node once, so an alias does not repeat it."""
    path = tmp_path / "registry.yaml"
    path.write_text(
        "sources:\n  S1: &s {url: 'https://x.org', url: 'https://y.org'}\n  S2: *s\n  S3: *s\n",
        encoding="utf-8",
    )
    problems = [p for p in check_registry(path) if "appears twice" in str(p)]
    assert len(problems) == 1
    assert problems[0].location == "line 2"
