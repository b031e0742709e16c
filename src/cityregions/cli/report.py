"""``cityregions report`` and ``cityregions serve``: the HTML report and the dashboard."""

from __future__ import annotations

import logging
import tempfile
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


def report(
    case_dir: Annotated[Path, typer.Argument(help="Case folder with case.toml.")],
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
    """Run the pipeline on CASE_DIR and write one self-contained, offline HTML report."""
    from cityregions.pipeline.case import load_case
    from cityregions.pipeline.steps import run_case
    from cityregions.report import write_report

    _check_lang(lang)
    case = load_case(case_dir)
    with tempfile.TemporaryDirectory(prefix="cityregions-") as tmp:
        work = outputs if outputs is not None else Path(tmp)
        with console.status("starting") as status:
            results = run_case(case, work, on_step=lambda s: status.update(f"running {s}"))
        path = write_report(results, out, lang=lang)
        console.print(f"report written to [bold]{path}[/] ({path.stat().st_size / 1024:.0f} kB)")
        if gpkg is not None:
            from cityregions.io.gpkg_export import export_geopackage

            export_geopackage(results, gpkg)
            console.print(f"GeoPackage written to [bold]{gpkg}[/]")


def serve(
    case_dir: Annotated[Path, typer.Argument(help="Case folder with case.toml.")],
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8765,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind (default: this machine only).")
    ] = "127.0.0.1",
) -> None:
    """Compute the results of CASE_DIR once and serve the dashboard on http://HOST:PORT."""
    from cityregions._optional import import_optional

    purpose = "cityregions serve (the dashboard)"
    import_optional("fastapi", extra="dashboard", purpose=purpose)  # before any work
    uvicorn = import_optional("uvicorn", extra="dashboard", purpose=purpose)
    from cityregions.app import create_app_for_case

    if not 0 < port < 65536:
        msg = f"--port must be between 1 and 65535, got {port}"
        raise InputError(msg, field="--port")
    with tempfile.TemporaryDirectory(prefix="cityregions-") as tmp:
        with console.status("computing results"):
            app = create_app_for_case(case_dir, work_dir=tmp)
        console.print(f"dashboard on [bold]http://{host}:{port}/[/] (Ctrl+C to stop)")
        uvicorn.run(app, host=host, port=port, log_level="warning")


def write_demo_outputs(results: CaseResults, out: Path) -> None:
    """Write the report and the GeoPackage of computed ``results`` into ``out`` and say so.

    Used at the end of ``cityregions demo`` (the results are not recomputed); prints
    where the report is and how to start the dashboard.
    """
    from cityregions.io.gpkg_export import export_geopackage
    from cityregions.report import write_report

    report_path = write_report(results, out / "report.html")
    gpkg_path = export_geopackage(results, out / "cityregions.gpkg")
    results.files += [report_path, gpkg_path]
    console.print(f"report: [bold]{report_path}[/] (open it in a browser; works offline)")
    console.print(f"GeoPackage for QGIS: [bold]{gpkg_path}[/]")
    from rich.markup import escape

    from cityregions._optional import has_optional, install_hint

    hint = escape(f" (after {install_hint('dashboard')})")
    needs = "" if has_optional("fastapi", "uvicorn") else hint
    console.print(
        f"dashboard{needs}: [bold]cityregions serve {results.case.root}[/] "
        "then open http://127.0.0.1:8765/"
    )
