"""Write a sweep (:class:`~cityregions.delineation.sweep.Sweep`) into a folder, all or nothing.

The folder holds

- ``runs.csv`` — one row per run: ``run, setting, resample, resampling,
  resample_seed``, the grid parameters, ``regions, units_outside,
  mean_self_containment, modularity, flows_provenance``;
- ``coassignment.csv`` — ``unit_a, unit_b, share`` for every pair of units ever in one
  region (share of runs);
- ``stability.csv`` — ``unit, region, stability``: the consensus region (the medoid
  run's; empty outside every region) and the share of runs that agree with it;
- ``labels/run-0001.parquet``, … — ``unit, region`` of every run, so that any run can
  be checked or repeated (:func:`~cityregions.delineation.sweep.reproduce_run`).

Every file is written into a staging folder beside the target, which then takes the
target's place in one rename: a failure leaves no partial folder, and a folder of an
earlier sweep is replaced only once the new one is complete.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cityregions._errors import InputError
from cityregions.constants import REGION, UNIT
from cityregions.io._atomic import check_output_folder
from cityregions.io.tables import write_table

if TYPE_CHECKING:
    from cityregions.delineation.sweep import Sweep

logger = logging.getLogger(__name__)

#: The files of a sweep folder (besides ``labels/``).
SWEEP_FILES = ("runs.csv", "coassignment.csv", "stability.csv")
LABELS_FOLDER = "labels"


def check_sweep_folder(folder: str | Path) -> Path:
    """Check, before any work, that a sweep can be written to ``folder``.

    ``folder`` may be missing, empty, or hold an earlier sweep (it has ``runs.csv``),
    which is then replaced.

    Raises
    ------
    InputError
        ``folder`` is a file, cannot be created, or holds other files.
    """
    folder = check_output_folder(folder)
    if folder.exists():
        if not folder.is_dir():
            msg = "is a file; expected the folder of the sweep's outputs"
            raise InputError(msg, source=folder)
        if any(folder.iterdir()) and not (folder / "runs.csv").is_file():
            msg = (
                "the folder exists and holds other files; give a new or empty folder "
                "(a folder of an earlier sweep, with runs.csv, is replaced)"
            )
            raise InputError(msg, source=folder)
    return folder


def run_file(run: int, n_runs: int) -> str:
    """Return the file name of a run's labels: ``run-0001.parquet`` (at least 4 digits)."""
    return f"run-{run:0{max(4, len(str(n_runs)))}d}.parquet"


def write_sweep(result: Sweep, folder: str | Path) -> list[Path]:
    """Write ``result`` into ``folder`` (module notes) and return the files written.

    Raises
    ------
    InputError
        ``folder`` cannot take the sweep (:func:`check_sweep_folder`).
    """
    target = check_sweep_folder(folder)
    with _staging(target) as staging:
        write_table(result.runs, staging / "runs.csv", index=False)
        write_table(result.coassignment, staging / "coassignment.csv", index=False)
        stability = result.stability.rename_axis(UNIT).reset_index()
        write_table(stability, staging / "stability.csv", index=False)
        names = []
        for run in result.labels.columns:
            name = run_file(int(run), len(result.labels.columns))
            column = result.labels[run].rename(REGION).rename_axis(UNIT).reset_index()
            write_table(column, staging / LABELS_FOLDER / name, index=False)
            names.append(name)
    files = [target / name for name in SWEEP_FILES]
    files += [target / LABELS_FOLDER / name for name in names]
    logger.info("sweep of %d runs written to %s", len(names), target)
    return files


@contextlib.contextmanager
def _staging(target: Path) -> Iterator[Path]:
    """Yield a new folder beside ``target``; it replaces ``target`` when the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = _free_name(target, "partial")
    staging.mkdir()  # (tempfile.mkdtemp would make it private: mode 0700)
    try:
        yield staging
        _replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _free_name(target: Path, kind: str) -> Path:
    """Return an unused hidden path beside ``target``: ``.<name>.<kind>-<random>``."""
    while True:
        path = target.parent / f".{target.name}.{kind}-{uuid.uuid4().hex[:8]}"
        if not path.exists():
            return path


def _replace(staging: Path, target: Path) -> None:
    """Move ``staging`` onto ``target`` (empty or an earlier sweep, removed afterwards)."""
    old = None
    if target.exists():
        if not any(target.iterdir()):
            target.rmdir()
        else:
            old = _free_name(target, "old")
            target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        if old is not None:
            old.rename(target)  # put the earlier sweep back
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


__all__ = ["LABELS_FOLDER", "SWEEP_FILES", "check_sweep_folder", "run_file", "write_sweep"]
