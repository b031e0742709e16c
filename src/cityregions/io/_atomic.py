"""Atomic output: files and folders appear complete or not at all.

* :func:`atomic_path` / :func:`atomic_paths` — write one file (or several) to temporary
  files beside the targets, then rename them into place;
* :func:`staged_folder` — write a multi-file output (``report --outputs``, ``demo
  --out``, ``governance analyze --out``, ``partnership compare --out``, ``sweep
  --out``) into a hidden staging folder beside the target and move it into place at
  the end;
* :func:`temporary_folder` — a scratch folder in the system's temp folder, removed at
  the end (also when the process is stopped by SIGTERM: the command line turns SIGTERM
  into a normal exit, see :func:`cityregions.cli.main.main`);
* :func:`check_output_file` / :func:`check_output_folder` — check, before any work,
  that an output can be written, naming the option.

Temporary names carry the process id (``.report.12345-….html``, ``.out.partial-12345-…``,
``cityregions-12345-…``). A process killed with SIGKILL cannot clean up; the next run
that writes beside the same target (or any run that takes a temporary folder) removes
the leftovers of processes that no longer exist.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from cityregions._errors import InputError

#: Prefix of the scratch folders of :func:`temporary_folder` (in the temp folder).
TEMP_PREFIX = "cityregions-"


def check_output_folder(folder: str | Path, *, option: str | None = None) -> Path:
    """Check that ``folder`` exists or can be created, leaving nothing behind.

    Parameters
    ----------
    folder
        An output folder, existing or not.
    option
        The command-line option that names it (e.g. ``"--out"``), for the message.

    Returns
    -------
    Path
        ``folder`` as a path.

    Raises
    ------
    InputError
        ``folder`` is a file, the nearest existing folder above it is a file, or
        nothing can be created there (not writable, a read-only or virtual file system
        such as ``/proc``).
    """
    folder = Path(folder)
    _check_folder(folder, source=folder, option=option)
    return folder


def _check_folder(folder: Path, *, source: Path, option: str | None = None) -> None:
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        msg = f"cannot create the output folder: {str(existing)!r} is a file, not a folder"
        raise InputError(msg, source=source, field=option)
    if not os.access(existing, os.W_OK | os.X_OK):
        msg = f"the folder {str(existing)!r} is not writable"
        raise InputError(msg, source=source, field=option)
    _probe(existing, source=source, option=option)


def _probe(existing: Path, *, source: Path, option: str | None) -> None:
    """Create and remove an empty folder in ``existing``: what ``os.access`` cannot tell.

    ``os.access`` says yes to root everywhere and knows nothing of read-only mounts or
    virtual file systems (``/proc``): only trying tells whether outputs can be created.
    """
    probe = existing / f".cityregions-probe-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        probe.mkdir()
    except OSError as error:
        reason = error.strerror or str(error)
        msg = f"cannot create anything in the folder {str(existing)!r} ({reason})"
        raise InputError(msg, source=source, field=option) from None
    probe.rmdir()


def check_output_file(target: str | Path, *, option: str | None = None) -> Path:
    """Check that the file ``target`` can be written, leaving nothing behind.

    Parameters
    ----------
    target
        The output file.
    option
        The command-line option that names it (e.g. ``"--out"``), for the message.

    Raises
    ------
    InputError
        ``target`` is a folder, or its folder cannot be created or written to.
    """
    target = Path(target)
    if target.is_dir():
        msg = "is a folder; expected the path of an output file"
        raise InputError(msg, source=target, field=option)
    _check_folder(target.parent, source=target, option=option)
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
    prefix = f".{target.stem}."
    remove_stale(target.parent, prefix)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f"{prefix}{os.getpid()}-", suffix=suffix or target.suffix, dir=target.parent
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


_OWNER = re.compile(r"(\d+)-")


def _alive(pid: int) -> bool:
    """Whether a process with this id exists (on this machine, as far as we can see)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return True
    return True


def remove_stale(folder: Path, prefix: str) -> list[Path]:
    """Remove leftovers named ``<prefix><pid>-…`` in ``folder`` whose process is gone.

    Parameters
    ----------
    folder
        Where to look (not recursively).
    prefix
        The start of the names, before the process id (e.g. ``".report."``).

    Returns
    -------
    list of Path
        What was removed (files and folders of processes that no longer exist and that
        belong to this user).
    """
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        owner = _OWNER.match(entry.name[len(prefix) :])
        if owner is None or _alive(int(owner.group(1))):
            continue
        try:
            if entry.lstat().st_uid != os.getuid():
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except OSError:
            continue
        removed.append(entry)
    return removed


@contextlib.contextmanager
def temporary_folder(*, folder: str | Path | None = None) -> Iterator[Path]:
    """Yield a new scratch folder ``cityregions-<pid>-…``; remove it when the block ends.

    Leftovers of killed processes in the same parent folder are removed first
    (:func:`remove_stale`).

    Parameters
    ----------
    folder
        Where to create it (default: the system's temp folder).
    """
    parent = Path(folder) if folder is not None else Path(tempfile.gettempdir())
    remove_stale(parent, TEMP_PREFIX)
    path = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def staged_folder(
    target: str | Path, *, option: str | None = None, replace: bool = False
) -> Iterator[Path]:
    """Yield a hidden staging folder; move its content into ``target`` only on success.

    A command that writes several files into one output folder writes them into the
    staging folder (``.<name>.partial-<pid>-…`` beside ``target``). When the block ends
    without an exception, the staging folder becomes ``target`` in one rename (when
    ``target`` does not exist or is empty), or its files replace those of the same name
    in ``target`` (other files there are kept) — or, with ``replace``, ``target`` is
    renamed aside (``.<name>.old-<pid>-…``), the staging folder takes its place and the
    old folder is removed; SIGTERM and SIGINT wait until the move is done. On an
    exception the staging folder is removed and ``target`` is untouched; folders created
    for it are removed again.

    Parameters
    ----------
    target
        The output folder.
    option
        The option that names it, for messages.
    replace
        Replace an existing ``target`` whole (no file of an earlier run is kept, e.g. a
        sweep's ``labels/run-0042.parquet`` when the new sweep has fewer runs).

    Raises
    ------
    InputError
        ``target`` cannot be created or written (:func:`check_output_folder`).
    """
    target = check_output_folder(target, option=option)
    created = _make_parents(target.parent)
    prefix = f".{target.name}.partial-"
    remove_stale(target.parent, prefix)
    remove_stale(target.parent, f".{target.name}.old-")
    stage = target.parent / f"{prefix}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        stage.mkdir()  # not mkdtemp: that would make the output folder private (0700)
        yield stage
        with _signals_held():
            if replace:
                _replace_whole(stage, target)
            else:
                _move_into(stage, target)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _make_parents(folder: Path) -> list[Path]:
    """Create ``folder`` and missing folders above it; return those created, top first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    missing.reverse()
    for path in missing:
        path.mkdir(exist_ok=True)
    return missing


def _move_into(stage: Path, target: Path) -> None:
    """Rename ``stage`` to ``target``, or move its files over those in ``target``."""
    if target.is_dir() and not any(target.iterdir()):
        target.rmdir()
    if not target.exists():
        stage.rename(target)
        return
    for path in sorted(stage.rglob("*")):
        destination = target / path.relative_to(stage)
        if path.is_dir():
            if destination.exists() and not destination.is_dir():
                destination.unlink()
            destination.mkdir(exist_ok=True)
        else:
            if destination.is_dir():
                shutil.rmtree(destination)
            path.replace(destination)
    shutil.rmtree(stage)


def _replace_whole(stage: Path, target: Path) -> None:
    """Rename ``stage`` to ``target``; an existing ``target`` is moved aside, then removed.

    If the rename fails, the earlier ``target`` is put back.
    """
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        target.rename(old)
    try:
        stage.rename(target)
    except OSError:
        if old is not None:
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGTERM and SIGINT back during the block (delivered right after it)."""
    held = {signal.SIGTERM, signal.SIGINT}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, OSError, ValueError):  # not on this platform / thread
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def describe_os_error(error: OSError) -> str:
    """Return an OS error as ``<file>: <reason>`` without the ``[Errno n]`` prefix.

    Examples
    --------
    >>> import errno
    >>> describe_os_error(FileNotFoundError(errno.ENOENT, "No such file or directory", "x"))
    "'x': No such file or directory"
    """
    reason = error.strerror or str(error)
    files = [repr(str(f)) for f in (error.filename, error.filename2) if f is not None]
    return f"{' -> '.join(files)}: {reason}" if files else reason
