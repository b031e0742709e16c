"""``cityregions demo``: run the whole pipeline on the bundled Mitteldeutschland case."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from cityregions.pipeline.results import CaseResults, ProvenanceNote

console = Console(stderr=True)


def demo(
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("demo-out"),
) -> None:
    """Run every capability on the bundled Mitteldeutschland case and write the outputs.

    The outputs are written into a staging folder beside OUT and moved into place when
    everything is written: a failed or stopped run leaves OUT as it was.
    """
    from cityregions.cli.report import write_demo_outputs
    from cityregions.io._atomic import check_output_folder, staged_folder
    from cityregions.pipeline.case import bundled_case_path, load_case
    from cityregions.pipeline.steps import run_case

    check_output_folder(out, option="--out")
    case = load_case(bundled_case_path())
    with staged_folder(out, option="--out") as stage:
        with console.status("starting") as status:
            results = run_case(case, stage, on_step=lambda s: status.update(f"running {s}"))
        _print_summary(results, out)
        write_demo_outputs(results, stage, shown=out)
    results.files = [out / path.relative_to(stage) for path in results.files]
    results.out_dir = out


def _print_summary(results: CaseResults, out: Path) -> None:
    """Say which inputs are modeled, the size of the case, the timings and where it goes."""
    for line in modeled_lines(results.provenance):
        console.print(line, highlight=False)
    summary = results.territory.summary if results.territory else {}
    console.print(
        f"{escape(results.case.name)}: {summary['units']} units, population "
        f"{summary['population']:,.0f}, flows {summary['flows_total']:,.0f} "
        f"({summary['flows_provenance']})"
    )
    for section, seconds in results.timings.items():
        console.print(f"  {section}: {seconds:.1f} s")
    console.print(f"outputs written to [bold]{escape(str(out))}[/]")


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
