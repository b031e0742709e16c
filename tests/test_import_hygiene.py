"""Import hygiene: ``import cityregions`` and ``cityregions --help`` stay light.

Each check runs in a fresh interpreter (a subprocess), as geopandas' ``test_api.py``
does, because this test process has long imported everything. It asserts *which
modules are loaded*, never how long anything takes: the start-up times are measured by
``benchmarks/bench_startup.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

import cityregions

#: Never loaded by ``import cityregions``, ``import cityregions.cli.main`` or any --help.
HEAVY = (
    "pandas",
    "numpy",
    "scipy",
    "geopandas",
    "shapely",
    "pyproj",
    "pyogrio",
    "pyarrow",
    "networkx",
    "numba",
    "igraph",
    "leidenalg",
    "fastapi",
    "uvicorn",
    "jinja2",
    "yaml",
    "openpyxl",
)


def loaded_after(code: str) -> dict[str, list[str]]:
    """Run ``code`` in a fresh interpreter; return the HEAVY and cityregions modules loaded."""
    script = textwrap.dedent(code) + textwrap.dedent(
        f"""
        import json, sys
        tops = {{name.split(".")[0] for name in sys.modules}}
        print(json.dumps({{
            "heavy": sorted(tops & set({HEAVY!r})),
            "own": sorted(m for m in sys.modules if m.startswith("cityregions")),
        }}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


HELP_RUNS = """
import contextlib, io, sys
from cityregions.cli.main import main

def run(*args):
    sys.argv = ["cityregions", *args]
    with contextlib.redirect_stdout(io.StringIO()) as out:
        try:
            main()
        except SystemExit as done:
            assert done.code in (0, None), (args, done.code)
    assert "Usage" in out.getvalue(), args
"""


def test_import_cityregions_loads_no_heavy_library() -> None:
    loaded = loaded_after("import cityregions")
    assert loaded["heavy"] == []
    assert loaded["own"] == ["cityregions", "cityregions._errors"]


def test_import_cli_main_loads_no_heavy_library_and_no_command_module() -> None:
    loaded = loaded_after("import cityregions.cli.main")
    assert loaded["heavy"] == []
    assert "cityregions.cli.delineate" not in loaded["own"]  # imported when it runs


def test_top_level_help_loads_every_command_module_but_no_heavy_library() -> None:
    loaded = loaded_after(HELP_RUNS + "run('--help')")
    assert loaded["heavy"] == []
    from cityregions.cli.main import COMMANDS

    assert {f"cityregions.cli.{module}" for module, _, _ in COMMANDS} <= set(loaded["own"])


def command_paths() -> list[list[str]]:
    """Every command and subcommand of the command line, e.g. ``["flows", "import"]``."""
    import typer.main

    from cityregions.cli.main import app

    root = typer.main.get_command(app)
    paths = []
    for name in root.list_commands(None):  # type: ignore[attr-defined, arg-type]
        command = root.get_command(None, name)  # type: ignore[attr-defined, arg-type]
        subcommands = getattr(command, "commands", {})
        paths.append([name])
        paths += [[name, sub] for sub in subcommands]
    return paths


def test_the_command_list_is_complete() -> None:
    """A check of :func:`command_paths`: the commands that DESIGN.md names are there."""
    paths = command_paths()
    for expected in (["demo"], ["serve"], ["delineate"], ["flows", "import"],
                     ["energy", "potential"], ["partnership", "power"],
                     ["governance", "analyze"], ["report"]):  # fmt: skip
        assert expected in paths


def test_every_help_loads_no_heavy_library() -> None:
    """Every ``--help`` (in one interpreter: the loaded modules add up)."""
    calls = "\n".join(f"run(*{[*path, '--help']!r})" for path in command_paths())
    loaded = loaded_after(HELP_RUNS + calls)
    assert loaded["heavy"] == []


@pytest.mark.parametrize("command", ["delineate", "sweep"])
def test_a_subcommand_help_imports_only_its_own_command_module(command: str) -> None:
    """``sweep`` shares its parsing helpers with ``delineate`` through ``cli._inputs`` and
    ``cli._options``, not by importing the other command's module."""
    loaded = loaded_after(HELP_RUNS + f"run({command!r}, '--help')")
    commands = [  # private helpers of the command line (cli._options) are not commands
        m
        for m in loaded["own"]
        if m.startswith("cityregions.cli.")
        and m != "cityregions.cli.main"
        and not m.startswith("cityregions.cli._")
    ]
    assert commands == [f"cityregions.cli.{command}"]


def test_lazy_public_names_resolve() -> None:
    """Every public name resolves to the object of its module, in a fresh interpreter too."""
    for name in cityregions.__all__:
        value = getattr(cityregions, name)
        assert value is not None, name
        if name in cityregions._LAZY:
            module = sys.modules[cityregions._LAZY[name]]
            assert value is getattr(module, name), name
    from cityregions import FlowTable, Territory  # the form users write

    assert FlowTable.__module__ == "cityregions.flows"
    assert Territory.__module__ == "cityregions.territory"
    assert {"FlowTable", "Territory", "read_flows"} <= set(dir(cityregions))
    loaded = loaded_after(
        "from cityregions import FlowTable\nassert FlowTable.__name__ == 'FlowTable'"
    )
    assert "pandas" in loaded["heavy"]  # the lazy import really ran


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = cityregions.no_such_name  # type: ignore[attr-defined]
