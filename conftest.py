"""Collection rules for the whole repository (tests and the package's doctests).

``python -m pytest`` and plain ``pytest`` collect ``tests/`` and the doctests of
``src/cityregions`` (``[tool.pytest.ini_options]`` in ``pyproject.toml``). A module whose
import needs an optional extra that is not installed (dashboard, Leiden, numba) is
reported as *skipped* with the extra's name instead of failing the collection; any other
import error still fails. Fixtures live in ``tests/conftest.py``.
"""

from __future__ import annotations

import importlib
from collections.abc import Generator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent / "src"

try:  # the package's own table: import name -> the extra that installs it
    from cityregions._optional import EXTRAS as OPTIONAL
except ImportError:  # pragma: no cover - an older tree
    OPTIONAL = {"fastapi": "dashboard", "uvicorn": "dashboard", "numba": "fast"}
    OPTIONAL |= {"igraph": "leiden", "leidenalg": "leiden"}


class MissingExtra(pytest.File):
    """A doctest module that cannot be imported because an optional extra is missing."""

    reason = ""

    def collect(self) -> list[pytest.Item]:
        """Skip the whole module with the name of the missing extra."""
        pytest.skip(self.reason)


def _missing_extra(path: Path) -> str | None:
    """Return why the module at ``path`` cannot be imported (a missing extra), or None."""
    parts = path.relative_to(SRC).with_suffix("").parts
    name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    try:
        importlib.import_module(name)
    except ImportError as error:  # also OptionalDependencyError, which names the module
        top = (error.name or "").split(".")[0]
        if top in OPTIONAL:
            return f"{name} needs {top}: pip install 'cityregions[{OPTIONAL[top]}]'"
    except Exception:  # the doctest collector imports it again and reports the error
        pass
    return None


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(
    file_path: Path, parent: pytest.Collector
) -> Generator[None, list[pytest.Collector], list[pytest.Collector]]:
    """Replace the doctests of a module that needs a missing extra by a skipped module.

    Test files are not searched for doctests (they have none; importing them twice
    would only report each import error twice).
    """
    collected = yield
    if not file_path.is_relative_to(SRC):
        return [node for node in collected if type(node).__name__ != "DoctestModule"]
    result: list[pytest.Collector] = []
    for node in collected:
        reason = _missing_extra(file_path) if type(node).__name__ == "DoctestModule" else None
        if reason is None:
            result.append(node)
        else:
            skipped = MissingExtra.from_parent(parent, path=file_path)
            skipped.reason = reason
            result.append(skipped)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Skip a doctest whose example needs an optional extra that is missing."""
    import doctest

    try:
        return (yield)
    except doctest.UnexpectedException as failure:
        error = failure.exc_info[1]
        top = (getattr(error, "name", None) or "").split(".")[0]
        if isinstance(error, ImportError) and top in OPTIONAL:
            pytest.skip(f"{item.name} needs {top}: pip install 'cityregions[{OPTIONAL[top]}]'")
        raise
