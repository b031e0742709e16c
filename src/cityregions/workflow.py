"""Run every capability on a case: the pipeline behind ``cityregions demo`` and the report.

The pipeline is a list of *steps*. A step is a function ``step(case, results) -> None``
living in its capability's package; it reads what earlier steps put into
``results.sections``, adds its own section (a dict of named pandas objects and plain
values), writes its files below ``results.out_dir`` with the atomic writers of
:mod:`cityregions.io`, and records which inputs are observed and which are modeled with
:meth:`CaseResults.note_provenance`. The report and the dashboard only read sections.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cityregions.case import Case

logger = logging.getLogger(__name__)

#: (section name, "module:function") in run order. Each capability adds its own line.
STEPS: list[tuple[str, str]] = [
    ("territory", "cityregions.workflow:territory_step"),
    ("delineation", "cityregions.delineation.workflow:delineation_step"),
    ("governance", "cityregions.governance.workflow:governance_step"),
    ("partnership", "cityregions.governance.partnership_workflow:partnership_step"),
    ("energy", "cityregions.energy.workflow:energy_step"),
]


@dataclass(frozen=True)
class ProvenanceNote:
    """Where one input of a section comes from, and whether it is observed or modeled."""

    section: str
    item: str
    kind: str  # "observed" | "modeled" | "estimate" | "fact"
    source: str


@dataclass
class CaseResults:
    """Everything the pipeline produced for one case."""

    case: Case
    out_dir: Path
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    provenance: list[ProvenanceNote] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def note_provenance(self, section: str, item: str, kind: str, source: str) -> None:
        """Record the provenance of one input or output of ``section``."""
        self.provenance.append(ProvenanceNote(section, item, kind, source))

    def section_dir(self, section: str) -> Path:
        """Return (and create) the output folder of ``section``."""
        path = self.out_dir / section
        path.mkdir(parents=True, exist_ok=True)
        return path


def run_case(
    case: Case,
    out_dir: str | Path,
    *,
    steps: list[tuple[str, str]] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> CaseResults:
    """Run the pipeline steps on ``case``, writing outputs below ``out_dir``.

    Parameters
    ----------
    case
        The case to analyse.
    out_dir
        Output folder (created).
    steps
        Steps to run (default :data:`STEPS`).
    on_step
        Called with each section name before its step runs (for progress display).
    """
    from cityregions.io._atomic import check_output_folder

    results = CaseResults(case=case, out_dir=check_output_folder(out_dir))
    results.out_dir.mkdir(parents=True, exist_ok=True)
    for section, target in steps or STEPS:
        if on_step is not None:
            on_step(section)
        module_name, function_name = target.split(":")
        step: Callable[[Case, CaseResults], None] = getattr(
            importlib.import_module(module_name), function_name
        )
        started = time.perf_counter()
        step(case, results)
        results.timings[section] = time.perf_counter() - started
        logger.info("%s done in %.1f s", section, results.timings[section])
    return results


def territory_step(case: Case, results: CaseResults) -> None:
    """Write the units and the flows of the case (section ``territory``).

    Section keys: ``territory`` (:class:`~cityregions.Territory`), ``flows``
    (:class:`~cityregions.FlowTable`), ``summary`` (dict of headline figures).
    """
    from cityregions.io.tables import write_table

    territory, flows = case.territory, case.flows
    out = results.section_dir("territory")
    units_table = territory.units.reset_index()
    write_table(units_table, out / "units.csv")
    write_table(flows.to_long(), out / "flows.csv")
    results.files += [out / "units.csv", out / "flows.csv"]
    for column, source in territory.provenance.items():
        results.note_provenance("territory", column, "fact", source)
    results.note_provenance("territory", "flows", flows.provenance, flows.source)
    results.sections["territory"] = {
        "territory": territory,
        "flows": flows,
        "summary": {
            "units": len(territory),
            "population": float(territory.units["population"].sum()),
            "flows_total": flows.total,
            "flows_provenance": flows.provenance,
        },
    }
