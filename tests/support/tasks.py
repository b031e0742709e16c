"""Tasks for tests of :mod:`cityregions._distributed` (importable by Dask workers)."""

from __future__ import annotations

import os
import time


def slow_square(x: int, *, delay: float) -> int:
    """Return ``x * x`` after ``delay`` seconds."""
    time.sleep(delay)
    return x * x


def end_worker(x: int) -> int:
    """End the worker process that runs this task (a task that kills workers)."""
    os._exit(1)


def fail(x: int) -> int:
    """Raise a ValueError naming ``x``."""
    raise ValueError(f"task {x} failed")
