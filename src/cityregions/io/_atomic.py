"""Atomic file output: write to a temporary file beside the target, then rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from cityregions._errors import InputError


def check_output_folder(folder: str | Path) -> Path:
    """Check that ``folder`` exists or can be created, without creating anything.

    Parameters
    ----------
    folder
        An output folder, existing or not.

    Returns
    -------
    Path
        ``folder`` as a path.

    Raises
    ------
    InputError
        ``folder`` (or the nearest existing folder above it) is a file, or that folder
        is not writable.
    """
    folder = Path(folder)
    _check_folder(folder, source=folder)
    return folder


def _check_folder(folder: Path, *, source: Path) -> None:
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        msg = f"cannot create the output folder: {str(existing)!r} is a file, not a folder"
        raise InputError(msg, source=source)
    if not os.access(existing, os.W_OK | os.X_OK):
        msg = f"the folder {str(existing)!r} is not writable"
        raise InputError(msg, source=source)


def check_output_file(target: str | Path) -> Path:
    """Check that the file ``target`` can be written, without creating anything.

    Raises
    ------
    InputError
        ``target`` is a folder, or its folder cannot be created or written to.
    """
    target = Path(target)
    if target.is_dir():
        msg = "is a folder; expected the path of an output file"
        raise InputError(msg, source=target)
    _check_folder(target.parent, source=target)
    return target


def check_distinct(outputs: Sequence[Path], inputs: Sequence[Path | None]) -> None:
    """Raise unless the output files differ from each other and from every input file.

    Raises
    ------
    InputError
        An output named twice, or an output that would overwrite an input.
    """
    seen: dict[Path, Path] = {}
    for path in outputs:
        key = path.resolve()
        if key in seen:
            msg = "the same file is named for two outputs"
            raise InputError(msg, source=path)
        seen[key] = path
    for given in inputs:
        if given is not None and given.resolve() in seen:
            msg = "an output would overwrite this input file; choose another output path"
            raise InputError(msg, source=given)


@contextlib.contextmanager
def _temporary(target: Path, suffix: str | None) -> Iterator[Path]:
    """Yield a free temporary path beside ``target``; remove it when the block ends."""
    check_output_file(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.stem}.", suffix=suffix or target.suffix, dir=target.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # writers such as GDAL refuse to open an existing empty file
    try:
        yield tmp
    finally:
        if tmp.exists():
            tmp.unlink()


@contextlib.contextmanager
def atomic_path(target: str | Path, *, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path and move it onto ``target`` only if the block succeeds.

    Parameters
    ----------
    target
        The final file path. Its folder is created if missing.
    suffix
        Suffix of the temporary file (defaults to the target's, so that drivers that
        infer the format from the extension, such as GDAL's, still work).

    Yields
    ------
    Path
        A path in the target's folder to write to. On an exception it is removed and
        the target is left untouched.

    Raises
    ------
    InputError
        The target is a folder, or its folder cannot be created or written to.
    """
    target = Path(target)
    with _temporary(target, suffix) as tmp:
        yield tmp
        tmp.replace(target)


@contextlib.contextmanager
def atomic_paths(*targets: str | Path) -> Iterator[list[Path]]:
    """Yield temporary paths for several files; move them all into place only at the end.

    Use it when one command writes several files: if writing any of them fails, none of
    the targets is created or changed.

    Parameters
    ----------
    *targets
        The final file paths (folders are created if missing).

    Yields
    ------
    list of Path
        One temporary path per target, with the target's suffix.
    """
    paths = [Path(target) for target in targets]
    for path in paths:
        check_output_file(path)
    with contextlib.ExitStack() as stack:
        temps = [stack.enter_context(_temporary(path, None)) for path in paths]
        yield temps
        for tmp, path in zip(temps, paths, strict=True):
            tmp.replace(path)
