"""Output paths of the ``governance`` and ``energy`` commands: checked first, written whole.

* :func:`check_output` — before any work: the output file or folder can be written
  (its nearest existing parent is a writable folder; a file is not a folder and vice
  versa), else an :class:`~cityregions.InputError` naming the option and the path.
* :func:`staged_folder` — write several files into a hidden temporary folder beside the
  output folder and move them in only when all of them were written, so that a failure
  half way leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from cityregions._errors import InputError


def _nearest_existing(path: Path) -> Path:
    for candidate in [path, *path.parents]:
        if candidate.exists():
            return candidate
    return Path.cwd()


def check_output(path: Path, *, folder: bool, option: str = "--out") -> None:
    """Raise an :class:`InputError` unless ``path`` can be written as a file or folder.

    Parameters
    ----------
    path
        The output file (``folder=False``) or folder (``folder=True``).
    folder
        Whether ``path`` is a folder of outputs.
    option
        The command-line option that named ``path`` (used in the message).
    """
    path = Path(path)
    if folder and path.exists() and not path.is_dir():
        msg = f"{option} must be a folder, but a file of that name exists"
        raise InputError(msg, source=path, field=option)
    if not folder and path.is_dir():
        msg = f"{option} must be a file name, but a folder of that name exists"
        raise InputError(msg, source=path, field=option)
    parent = _nearest_existing(path if folder else path.parent)
    if not parent.is_dir():
        msg = f"cannot write here: {parent} is a file, not a folder"
        raise InputError(msg, source=path, field=option)
    try:  # a real probe: permission bits do not tell for root or special file systems
        with tempfile.TemporaryFile(dir=parent):
            pass
    except OSError as error:
        msg = f"cannot write into {parent}: {error.strerror or error}"
        raise InputError(msg, source=path, field=option) from error


@contextlib.contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """Yield a temporary folder; on success move its files into ``out``.

    On an exception the temporary folder is removed and ``out`` is left as it was.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        yield stage
        out.mkdir(exist_ok=True)
        for item in sorted(stage.iterdir()):
            item.replace(out / item.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
