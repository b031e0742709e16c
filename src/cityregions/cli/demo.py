"""``cityregions demo``: run the whole pipeline on the bundled Mitteldeutschland case."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from cityregions.pipeline.results import ProvenanceNote

console = Console(stderr=True)


def demo(
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("demo-out"),
) -> None:
    """Run every capability on the bundled Mitteldeutschland case and write the outputs."""
    from cityregions.cli.report import write_demo_outputs
    from cityregions.io._atomic import check_output_folder
    from cityregions.pipeline.case import bundled_case_path, load_case
    from cityregions.pipeline.steps import run_case

    check_output_folder(out)
    case = load_case(bundled_case_path())
    with console.status("starting") as status:
        results = run_case(case, out, on_step=lambda s: status.update(f"running {s}"))
    for line in modeled_lines(results.provenance):
        console.print(line, highlight=False)
    summary = results.territory.summary if results.territory else {}
    console.print(
        f"{escape(case.name)}: {summary['units']} units, population "
        f"{summary['population']:,.0f}, flows {summary['flows_total']:,.0f} "
        f"({summary['flows_provenance']})"
    )
    for section, seconds in results.timings.items():
        console.print(f"  {section}: {seconds:.1f} s")
    console.print(f"outputs written to [bold]{escape(str(out))}[/]")
    write_demo_outputs(results, out)


def modeled_lines(notes: list[ProvenanceNote]) -> list[str]:
    """Return one line per modeled source, naming the outputs that use it (rich markup)."""
    users: dict[str, list[str]] = {}
    for note in notes:
        if note.kind == "modeled":
            users.setdefault(note.source, []).append(f"{note.section}/{note.item}")
    return [
        f"[yellow]modeled[/]: {escape(source)} — in {escape(', '.join(items))}"
        for source, items in users.items()
    ]
