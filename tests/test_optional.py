"""Optional extras: a missing extra gives one message naming it, or a documented fallback.

A missing package is simulated with ``sys.modules[name] = None`` (then ``import name``
raises ImportError, as on an install without the extra). The fresh-install check — a
venv with ``pip install -e .`` only — is described in the README and was done by hand.
"""

from __future__ import annotations

import logging
import sys
import tomllib
from pathlib import Path

import pytest

from cityregions import CityRegionsError
from cityregions._optional import (
    EXTRAS,
    OptionalDependencyError,
    has_optional,
    import_optional,
    install_hint,
)
from tests.support.cli import run_cli
from tests.support.extras import needs_extra

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def hide(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """Make ``modules`` unimportable for the rest of the test."""
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)


def test_missing_module_error_names_the_extra_and_is_both_kinds_of_error(monkeypatch):
    hide(monkeypatch, "leidenalg")
    with pytest.raises(OptionalDependencyError) as caught:
        import_optional("leidenalg", purpose="Leiden communities")
    error = caught.value
    assert str(error) == (
        "Leiden communities needs the optional package 'leidenalg', which is not "
        'installed: pip install "cityregions[leiden]"'
    )
    assert isinstance(error, CityRegionsError)  # the CLI: one line, exit code 2
    assert isinstance(error, ImportError)  # `except ImportError` keeps working
    assert (error.name, error.extra) == ("leidenalg", "leiden")


def test_an_installed_module_is_returned_and_has_optional_does_not_import(monkeypatch):
    assert import_optional("json", extra="fast", purpose="x").dumps([1]) == "[1]"
    assert has_optional("json", "math")
    hide(monkeypatch, "numba")
    assert not has_optional("json", "numba")
    assert not has_optional("no_such_module_at_all")


def test_every_optional_module_belongs_to_a_declared_extra():
    """EXTRAS (used in the messages) and pyproject's extras say the same; [all] and
    [test] pull every extra, so `pip install -e ".[test]"` installs what tests need."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    for module, extra in EXTRAS.items():
        assert any(req.lower().startswith(module) for req in extras[extra]), module
    (pulled,) = extras["all"]
    named = set(pulled.removeprefix("cityregions[").removesuffix("]").split(","))
    assert named == set(extras) - {"all", "test"}, "[all] must pull every other extra"
    assert "cityregions[all]" in extras["test"]
    core = " ".join(project["dependencies"]).lower()
    for module in EXTRAS:
        assert module not in core, f"{module} is an extra, not a core dependency"
    for used in ("pyproj", "click", "typer", "rich"):
        assert used in core


def test_delineate_leiden_without_the_extra_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    flows = tmp_path / "flows.csv"
    flows.write_text("origin,destination,value\na,a,50\nb,b,50\na,b,40\n", encoding="utf-8")
    out = tmp_path / "labels.csv"
    hide(monkeypatch, "igraph", "leidenalg")
    code = run_cli("delineate", flows, "--method", "leiden", "--out", out, monkeypatch=monkeypatch)
    assert code == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("error: Leiden communities needs the optional package 'igraph'")
    assert install_hint("leiden") in err


@pytest.mark.parametrize(
    ("hidden", "named"),
    [
        # a core install: serve checks fastapi first
        (("fastapi", "uvicorn"), "fastapi"),
        # half the extra: uvicorn is reached only when fastapi is there
        pytest.param(("uvicorn",), "uvicorn", marks=needs_extra("dashboard")),
    ],
)
def test_serve_without_the_extra_is_one_line_and_exit_2(monkeypatch, capsys, hidden, named):
    from cityregions.pipeline.case import bundled_case_path

    hide(monkeypatch, *hidden)
    code = run_cli("serve", bundled_case_path(), monkeypatch=monkeypatch)
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert f"'{named}'" in err
    assert install_hint("dashboard") in err


def test_the_dashboard_app_names_its_extra_but_payloads_need_none(monkeypatch):
    hide(monkeypatch, "fastapi")
    monkeypatch.delitem(sys.modules, "cityregions.app.server", raising=False)
    import cityregions.app
    from cityregions.app import payloads

    assert payloads.build_dashboard_data  # importable without FastAPI
    with pytest.raises(OptionalDependencyError, match=r"cityregions\[dashboard\]"):
        _ = cityregions.app.create_app


def test_method_comparison_leaves_leiden_out_without_the_extra(monkeypatch, caplog):
    from cityregions.delineation.compare import compare_delineations, run_methods
    from cityregions.pipeline.case import bundled_case_path, load_case

    case = load_case(bundled_case_path())
    hide(monkeypatch, "igraph", "leidenalg")
    with caplog.at_level(logging.INFO, logger="cityregions.delineation.compare"):
        runs = run_methods(case.flows, case.territory)
    assert "leiden" not in runs
    assert "lma" in runs
    assert "Leiden skipped: Leiden communities needs" in caplog.text
    summary = compare_delineations(case.flows, case.territory, runs).summary
    assert (
        summary["leiden"] == 'not run: needs the leiden extra (pip install "cityregions[leiden]")'
    )
    assert "regions_leiden" not in summary
