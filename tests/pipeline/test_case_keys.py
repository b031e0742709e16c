"""``case.toml`` keys: unknown tables and keys are errors naming the allowed ones.

Before issue 16 a ``[flow]`` typo was ignored silently and the case ran on modeled
flows. :data:`cityregions.pipeline.case.CASE_KEYS` lists what may be written; the drift
test reads the pipeline's source and fails when a step reads a key that is not listed
(so the list cannot fall behind the code).
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from cityregions import InputError
from cityregions.pipeline.case import CASE_KEYS, CASE_SETTINGS, check_case_keys, load_case

REPO = Path(__file__).resolve().parents[2]
PIPELINE = REPO / "src" / "cityregions" / "pipeline"
CASE = 'name = "Toy"\n[units]\nfile = "units.csv"\n'


def _case(folder: Path, toml: str) -> Path:
    (folder / "units.csv").write_text("unit,population\n01,5\n02,7\n", encoding="utf-8")
    (folder / "case.toml").write_text(toml, encoding="utf-8")
    return folder


def test_a_flow_typo_is_an_error_listing_the_tables(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"unknown table \[flow\]") as error:
        load_case(_case(tmp_path, CASE + '[flow]\nfile = "flows.csv"\n'))
    assert error.value.location == "[flow]"
    assert error.value.source == str(tmp_path / "case.toml")
    for table in CASE_KEYS:
        assert f"[{table}]" in str(error.value)


def test_an_unknown_key_in_a_table_lists_its_keys(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown key 'files' in") as error:
        load_case(_case(tmp_path, CASE + '[flows]\nfiles = "flows.csv"\n'))
    assert (error.value.location, error.value.field) == ("[flows]", "files")
    assert "file, flows_provenance" in str(error.value)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('titel = "x"\n', "unknown key 'titel'"),
        ("partnership = 1\n", "[partnership] must be a table"),
    ],
)
def test_top_level_keys_are_checked(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        load_case(_case(tmp_path, extra + CASE))


def test_sum_duplicates_must_be_true_or_false(tmp_path: Path) -> None:
    text = CASE + '[flows]\nfile = "flows.csv"\nsum_duplicates = "yes"\n'
    (tmp_path / "flows.csv").write_text("origin,destination,value\n01,02,3\n01,02,4\n")
    case = load_case(_case(tmp_path, text))
    with pytest.raises(InputError, match="expected true or false, got 'yes'"):
        _ = case.flows


def test_sum_duplicates_sums_a_repeated_pair_and_otherwise_it_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "flows.csv").write_text("origin,destination,value\n01,01,9\n01,02,3\n01,02,4\n")
    strict = load_case(_case(tmp_path, CASE + '[flows]\nfile = "flows.csv"\n'))
    with pytest.raises(InputError, match=r"01 -> 02 is listed twice \(lines 3 and 4"):
        _ = strict.flows
    summed = load_case(
        _case(tmp_path, CASE + '[flows]\nfile = "flows.csv"\nsum_duplicates = true\n')
    )
    assert summed.flows.matrix[0, 1] == 7
    assert summed.flows.residents().to_dict() == {"01": 16.0, "02": 0.0}


def test_the_bundled_case_and_the_documented_examples_pass() -> None:
    load_case(REPO / "src" / "cityregions" / "cases" / "mitteldeutschland")
    blocks = []
    for doc in [*sorted((REPO / "docs").glob("*.md")), REPO / "README.md"]:
        text = doc.read_text(encoding="utf-8")
        blocks += [b for b in re.findall(r"```toml\n(.*?)```", text, flags=re.S) if "[units]" in b]
    assert blocks, "no case.toml example found in the docs"
    for block in blocks:
        check_case_keys(tomllib.loads(block.replace("…", "0")), source="docs")


# --- drift: every key the pipeline reads is declared -----------------------------------


def _string(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _table_of(value: ast.AST) -> str | None:
    """``x.config.get("t", …)`` (possibly inside ``dict(…)``) → ``t``."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.args:
        value = value.args[0]  # dict(case.config.get("energy", {}))
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "get"
        and isinstance(value.func.value, ast.Attribute)
        and value.func.value.attr == "config"
        and value.args
    ):
        return _string(value.args[0])
    return None


def _tables(function: ast.FunctionDef) -> dict[str, str | None]:
    """Variables of ``function`` that hold a table of the config (``config``: unknown)."""
    tables: dict[str, str | None] = {"config": None}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            table = _table_of(node.value)
            if table is not None:
                tables[node.targets[0].id] = table
    return tables


def _read_by_call(node: ast.Call, tables: dict[str, str | None]) -> set[tuple[str | None, str]]:
    """``case.path("t", "k")``, ``self._choice("t", "k", …)``, ``config.get("k")``."""
    if not isinstance(node.func, ast.Attribute):
        return set()
    args = [_string(a) for a in node.args[:2]]
    name, owner = node.func.attr, node.func.value
    if name in ("path", "_choice", "_flag") and len(args) == 2 and None not in args:
        return {(args[0], str(args[1]))}
    if name != "get" or not args or args[0] is None:
        return set()
    if isinstance(owner, ast.Name) and owner.id in tables:
        return {(tables[owner.id], args[0])}
    table = _table_of(owner)  # case.config.get("registry", {}).get("as_of")
    return {(table, args[0])} if table is not None else set()


def keys_read(source: str) -> set[tuple[str | None, str]]:
    """``(table, key)`` read by the code (``None``: a table the code does not name)."""
    found: set[tuple[str | None, str]] = set()
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef):
            continue
        tables = _tables(function)
        for node in ast.walk(function):
            if isinstance(node, ast.Call):
                found |= _read_by_call(node, tables)
            elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
                key = _string(node.slice)
                if node.value.id in tables and key:
                    found.add((tables[node.value.id], key))
            elif isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.In):
                key, owner = _string(node.left), node.comparators[0]
                if key and isinstance(owner, ast.Name) and owner.id in tables:
                    found.add((tables[owner.id], key))
    return found


def test_the_drift_check_finds_keys_in_a_hand_written_step() -> None:
    source = (
        "def step(case):\n"
        "    config = dict(case.config.get('energy', {}))\n"
        "    a = config.get('carrier')\n"
        "    b = case.path('registry', 'path')\n"
        "    if 'level' in config:\n"
        "        return config['level']\n"
    )
    assert keys_read(source) == {("energy", "carrier"), ("registry", "path"), ("energy", "level")}


def test_every_key_the_pipeline_reads_is_declared() -> None:
    every = {key for keys in CASE_KEYS.values() for key in keys}
    undeclared = []
    for path in sorted(PIPELINE.glob("*.py")):
        for table, key in sorted(keys_read(path.read_text(encoding="utf-8")), key=str):
            if table is None:
                ok = key in every or key in CASE_SETTINGS
            else:
                ok = table in CASE_KEYS and key in CASE_KEYS[table]
            if not ok:
                undeclared.append(f"{path.name}: [{table}] {key}")
    assert undeclared == [], "declare these in pipeline.case.CASE_KEYS: " + ", ".join(undeclared)


def test_every_declared_key_is_read() -> None:
    """A declared key the pipeline never reads would be accepted and silently ignored."""
    read: set[tuple[str | None, str]] = set()
    for path in sorted(PIPELINE.glob("*.py")):
        read |= keys_read(path.read_text(encoding="utf-8"))
    anywhere = {key for table, key in read if table is None}
    unread = [
        f"[{table}] {key}"
        for table, keys in CASE_KEYS.items()
        for key in keys
        if (table, key) not in read and key not in anywhere
    ]
    assert unread == []
