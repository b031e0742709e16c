"""``cityregions report`` and ``cityregions serve``: the HTML report and the dashboard."""

from __future__ import annotations

import contextlib
import errno
import logging
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from cityregions._errors import InputError

if TYPE_CHECKING:
    from cityregions.pipeline.results import CaseResults

console = Console(stderr=True)
logger = logging.getLogger(__name__)


def _check_lang(lang: str | None) -> None:
    if lang is not None and lang not in ("de", "en"):
        msg = f"--lang must be 'de' or 'en', got {lang!r}"
        raise InputError(msg, field="--lang")


#: Help of the CASE_DIR argument of ``report`` and ``serve``.
CASE_HELP = "Case folder with case.toml, or the name of a bundled case (mitteldeutschland)."


def case_folder(case_dir: Path) -> Path:
    """Return ``case_dir``, or the bundled case of that name when no such folder exists."""
    from cityregions.pipeline.case import bundled_case_path

    if case_dir.exists() or len(case_dir.parts) != 1:
        return case_dir
    try:
        return bundled_case_path(case_dir.name)
    except InputError:
        return case_dir


def report(
    case_dir: Annotated[Path, typer.Argument(help=CASE_HELP)],
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
        "report.html"
    ),
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language shown first: de or en.")
    ] = None,
    gpkg: Annotated[
        Path | None, typer.Option("--gpkg", help="Also write a GeoPackage for QGIS.")
    ] = None,
    outputs: Annotated[
        Path | None,
        typer.Option("--outputs", help="Keep the pipeline's CSV/GraphML outputs in this folder."),
    ] = None,
) -> None:
    """Run the pipeline on CASE_DIR and write one self-contained, offline HTML report.

    Every output path is checked before the pipeline runs. ``--outputs`` is written into
    a staging folder beside it and moved into place at the end, together with the
    report and the GeoPackage: a failed or stopped run leaves none of them half-written.
    """
    from cityregions.io._atomic import atomic_paths, staged_folder, temporary_folder
    from cityregions.pipeline.case import load_case
    from cityregions.pipeline.steps import run_case
    from cityregions.report import write_report

    _check_lang(lang)
    folder = case_folder(case_dir)
    check_report_outputs(out, gpkg=gpkg, outputs=outputs, case_dir=folder)
    case = load_case(folder)
    with contextlib.ExitStack() as stack:
        if outputs is not None:
            work = stack.enter_context(staged_folder(outputs, option="--outputs"))
        else:
            work = stack.enter_context(temporary_folder())
        with console.status("starting") as status:
            results = run_case(case, work, on_step=lambda s: status.update(f"running {s}"))
        targets = [out] if gpkg is None else [out, gpkg]
        with atomic_paths(*targets) as temps:
            write_report(results, temps[0], lang=lang)
            if gpkg is not None:
                from cityregions.io.gpkg_export import export_geopackage

                export_geopackage(results, temps[1])
    console.print(f"report written to [bold]{out}[/] ({out.stat().st_size / 1024:.0f} kB)")
    if gpkg is not None:
        console.print(f"GeoPackage written to [bold]{gpkg}[/]")
    if outputs is not None:
        console.print(f"outputs written to [bold]{outputs}[/]")


def check_report_outputs(
    out: Path, *, gpkg: Path | None, outputs: Path | None, case_dir: Path
) -> None:
    """Check, before any work, that the report, GeoPackage and outputs can be written.

    Raises
    ------
    InputError
        A suffix that does not fit (``--out`` .html/.htm, ``--gpkg`` .gpkg), a path that
        cannot be written (naming the option), the same file named twice, an
        ``--outputs`` folder that is the case folder or holds the report.
    """
    from cityregions.io._atomic import check_distinct, check_output_file, check_output_folder

    if out.suffix.lower() not in (".html", ".htm"):
        msg = "the report is an HTML file: give a name ending in .html"
        raise InputError(msg, source=out, field="--out")
    check_output_file(out, option="--out")
    files = [out]
    if gpkg is not None:
        if gpkg.suffix.lower() != ".gpkg":
            msg = "the GeoPackage needs a name ending in .gpkg"
            raise InputError(msg, source=gpkg, field="--gpkg")
        files.append(check_output_file(gpkg, option="--gpkg"))
    check_distinct(files, [])
    if outputs is None:
        return
    check_output_folder(outputs, option="--outputs")
    if outputs.resolve() == Path(case_dir).resolve():
        msg = "the outputs folder is the case folder; give a separate folder"
        raise InputError(msg, source=outputs, field="--outputs")
    for path, option in zip(files, ("--out", "--gpkg"), strict=False):
        if path.resolve().is_relative_to(outputs.resolve()):
            msg = f"lies inside --outputs {str(outputs)!r}; write it beside that folder"
            raise InputError(msg, source=path, field=option)


def serve(
    case_dir: Annotated[Path, typer.Argument(help=CASE_HELP)],
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8765,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind (default: this machine only).")
    ] = "127.0.0.1",
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote",
            help="Allow a --host other than this machine (the results become readable "
            "by every machine that reaches it).",
        ),
    ] = False,
) -> None:
    """Compute the results of CASE_DIR once and serve the dashboard on http://HOST:PORT."""
    from cityregions._optional import import_optional
    from cityregions.io._atomic import temporary_folder

    purpose = "cityregions serve (the dashboard)"
    import_optional("fastapi", extra="dashboard", purpose=purpose)  # before any work
    uvicorn = import_optional("uvicorn", extra="dashboard", purpose=purpose)
    from cityregions.app import create_app_for_case

    if not 0 < port < 65536:
        msg = f"--port must be between 1 and 65535, got {port}"
        raise InputError(msg, field="--port")
    hosts = served_hosts(host, allow_remote=allow_remote)
    bind_port(host, port).close()  # a port in use is refused before minutes of work
    with temporary_folder() as tmp:
        with console.status("computing results"):
            app = create_app_for_case(case_folder(case_dir), work_dir=tmp, hosts=hosts, port=port)
        sock = bind_port(host, port)  # bound before its address is printed
        shown = f"[{host}]" if ":" in host else host
        console.print(f"dashboard on [bold]http://{shown}:{port}/[/] (Ctrl+C to stop)")
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", server_header=False)
        uvicorn.Server(config).run(sockets=[sock])


def bind_port(host: str, port: int) -> socket.socket:
    """Return a listening TCP socket on ``host:port``, or raise naming ``--port``/``--host``.

    ``serve`` calls it twice: once before computing the results (a port in use is
    refused at once) and once for the socket the dashboard serves on, bound before its
    address is printed.

    Raises
    ------
    InputError
        The port is in use or needs privileges, or the host is not an address of this
        machine.
    """
    try:
        infos = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as error:
        msg = f"cannot listen on host {host!r}: {error.strerror}"
        raise InputError(msg, field="--host") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            msg = f"port {port} on {host} is in use; give another one with --port"
            raise InputError(msg, field="--port") from None
        option = "--port" if error.errno == errno.EACCES else "--host"
        msg = f"cannot listen on {host}:{port} ({error.strerror})"
        raise InputError(msg, field=option) from None
    return sock


def served_hosts(host: str, *, allow_remote: bool) -> tuple[str, ...]:
    """Return the host names the dashboard answers to when bound to ``host``.

    A loopback ``host`` answers to the loopback names. Any other address is refused
    unless ``allow_remote`` (then with a warning): it exposes every result file to the
    network. A wildcard (``0.0.0.0``, ``::``) answers to this machine's names and
    addresses as well; any other host to that host (and the loopback names).

    Raises
    ------
    InputError
        For a non-loopback ``host`` without ``allow_remote``.
    """
    from cityregions.app.server import LOOPBACK, is_loopback

    if is_loopback(host):
        return LOOPBACK
    if not allow_remote:
        msg = (
            f"--host {host} would serve the results to other machines; the dashboard is a "
            "local tool: leave --host out (127.0.0.1), or add --allow-remote if you mean it"
        )
        raise InputError(msg, field="--host")
    logger.warning(
        "--allow-remote: every result file of the case is readable from %s by any machine "
        "that reaches this one; the dashboard has no login",
        host,
    )
    if host.strip("[]") in ("0.0.0.0", "::"):
        return (*LOOPBACK, *_machine_names())
    return (*LOOPBACK, host.strip("[]"))


def _machine_names() -> tuple[str, ...]:
    """This machine's host name, fully qualified name and their addresses."""
    import socket

    names = {socket.gethostname(), socket.getfqdn()}
    for name in list(names):
        try:
            names.update(str(info[4][0]) for info in socket.getaddrinfo(name, None))
        except OSError:
            continue
    return tuple(sorted(n.lower() for n in names if n))


def write_demo_outputs(results: CaseResults, out: Path, *, shown: Path | None = None) -> None:
    """Write the report and the GeoPackage of computed ``results`` into ``out`` and say so.

    Used at the end of ``cityregions demo`` (the results are not recomputed); prints
    where the report is and how to start the dashboard.
    """
    from cityregions.io.gpkg_export import export_geopackage
    from cityregions.report import write_report

    report_path = write_report(results, out / "report.html")
    gpkg_path = export_geopackage(results, out / "cityregions.gpkg")
    results.files += [report_path, gpkg_path]
    # ``out`` may be the staging folder of ``demo``: name the files where they will be
    folder = shown if shown is not None else out
    console.print(
        f"report: [bold]{folder / report_path.name}[/] (open it in a browser; works offline)"
    )
    console.print(f"GeoPackage for QGIS: [bold]{folder / gpkg_path.name}[/]")
    from rich.markup import escape

    from cityregions._optional import has_optional, install_hint

    hint = escape(f" (after {install_hint('dashboard')})")
    needs = "" if has_optional("fastapi", "uvicorn") else hint
    console.print(f"dashboard{needs}: run the command below, then open http://127.0.0.1:8765/")
    console.print(serve_command(results.case.root), soft_wrap=True, highlight=False)


def serve_command(case_dir: Path) -> str:
    """Return the ``cityregions serve`` command for ``case_dir`` on one copyable line.

    A bundled case is named by its name (``cityregions serve mitteldeutschland``, which
    fits a terminal of 80 columns wherever the package is installed); another folder
    by its path relative to the working folder when it lies below it, quoted when it
    needs quotes. Printed on a line of its own, without rich's wrapping, so a long
    path runs on instead of breaking.
    """
    import shlex

    from cityregions.pipeline.case import bundled_case_path

    path = Path(case_dir)
    try:
        if path.resolve() == bundled_case_path(path.name).resolve():
            return f"  cityregions serve {path.name}"
    except InputError:
        pass
    with contextlib.suppress(ValueError):  # outside the working folder: as given
        path = path.resolve().relative_to(Path.cwd().resolve())
    return f"  cityregions serve {shlex.quote(str(path))}"
