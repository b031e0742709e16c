"""Shared fixtures: the real data in ``../shared/data`` and small toy cases.

Tests that need ``../shared/data`` skip with a clear reason when it is absent (a user's
fresh clone), but fail when the environment variable ``CI`` is set: CI has it.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("CITYREGIONS_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Return ``../shared/data``; skip when absent outside CI, fail when absent on CI."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but the shared data folder {SHARED_DATA} is missing")
        pytest.skip(f"real data folder {SHARED_DATA} is absent (it ships beside the repo)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def kreise_dir(shared_data: Path) -> Path:
    """Folder of the observed BA district flows of 2016."""
    return shared_data / "de-ba-pendler-kreise-2016"


@pytest.fixture(scope="session")
def lma_reference_dir(shared_data: Path) -> Path:
    """Folder of the R LabourMarketAreas reference outputs."""
    return shared_data / "lma-reference"


def _ours(handler: logging.Handler) -> bool:
    """True for a handler that is not pytest's own capture or reporting handler."""
    return not type(handler).__module__.startswith("_pytest")


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """Undo what a command run in-process did to logging (root handler, level, warnings).

    ``cityregions.cli.main`` configures the root logger with a rich handler on standard
    error (``logging.basicConfig(force=True)``) and routes warnings into logging, as a
    command should; inside the test process this would make later tests print log
    records and see warnings as log records.
    """
    root = logging.getLogger()
    handlers, level = [h for h in root.handlers if _ours(h)], root.level
    showwarning = warnings.showwarning
    yield
    for handler in [h for h in root.handlers if _ours(h) and h not in handlers]:
        root.removeHandler(handler)
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)
    warnings.showwarning = showwarning
