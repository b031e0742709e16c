"""``cityregions demo``: run the whole pipeline on the bundled Mitteldeutschland case."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console(stderr=True)


def demo(
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("demo-out"),
) -> None:
    """Run every capability on the bundled Mitteldeutschland case and write the outputs."""
    from cityregions.case import bundled_case_path, load_case
    from cityregions.workflow import run_case

    case = load_case(bundled_case_path())
    with console.status("starting") as status:
        results = run_case(case, out, on_step=lambda s: status.update(f"running {s}"))
    for note in results.provenance:
        if note.kind == "modeled":
            console.print(f"[yellow]modeled[/]: {note.section}/{note.item} — {note.source}")
    summary = results.sections["territory"]["summary"]
    console.print(
        f"{case.name}: {summary['units']} units, population {summary['population']:,.0f}, "
        f"flows {summary['flows_total']:,.0f} ({summary['flows_provenance']})"
    )
    for section, seconds in results.timings.items():
        console.print(f"  {section}: {seconds:.1f} s")
    console.print(f"outputs written to [bold]{out}[/]")
    from cityregions.cli.report import write_demo_outputs

    write_demo_outputs(results, out)
