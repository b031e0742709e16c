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
target's place in one rename (:func:`cityregions.io._atomic.staged_folder` with
``replace=True``): a failure leaves no partial folder, a folder of an earlier sweep is
replaced only once the new one is complete, and the leftovers of a killed run are
removed by the next run that writes beside the same target.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from cityregions._errors import InputError
from cityregions.constants import REGION, UNIT
from cityregions.io._atomic import check_output_folder, staged_folder
from cityregions.io.tables import write_table

if TYPE_CHECKING:
    from cityregions.delineation.sweep import Sweep

logger = logging.getLogger(__name__)

#: The files of a sweep folder (besides ``labels/``).
SWEEP_FILES = ("runs.csv", "coassignment.csv", "stability.csv")
LABELS_FOLDER = "labels"


def check_sweep_folder(folder: str | Path, *, option: str | None = None) -> Path:
    """Check, before any work, that a sweep can be written to ``folder``.

    ``folder`` may be missing, empty, or hold an earlier sweep (it has ``runs.csv``),
    which is then replaced. ``option`` (``"--out"``) names the folder in messages.

    Raises
    ------
    InputError
        ``folder`` is a file, cannot be created, or holds other files.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        msg = "is a file; expected the folder of the sweep's outputs"
        raise InputError(msg, source=folder, field=option)
    folder = check_output_folder(folder, option=option)
    if folder.exists() and any(folder.iterdir()) and not (folder / "runs.csv").is_file():
        msg = (
            "the folder exists and holds other files; give a new or empty folder "
            "(a folder of an earlier sweep, with runs.csv, is replaced)"
        )
        raise InputError(msg, source=folder, field=option)
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
    with staged_folder(target, replace=True) as staging:
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
