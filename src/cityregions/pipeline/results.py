"""The typed results of one pipeline run: one attribute per analysis, plus provenance.

Each analysis defines its own result dataclass beside it
(:class:`~cityregions.delineation.compare.DelineationComparison`,
:class:`~cityregions.delineation.sweep.Sweep`,
:class:`~cityregions.governance.analysis.GovernanceAnalysis`,
:class:`~cityregions.partnership.compare.Comparison`,
:class:`~cityregions.energy.analysis.EnergyAnalysis`); :class:`CaseResults` holds them
with the notes on where every input comes from. The report, the dashboard and the
writers read these attributes; :meth:`CaseResults.parts` lists the named parts of one
result for generic tables.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cityregions.delineation.compare import DelineationComparison
    from cityregions.delineation.sweep import Sweep
    from cityregions.energy.analysis import EnergyAnalysis
    from cityregions.flows import FlowTable
    from cityregions.governance.analysis import GovernanceAnalysis
    from cityregions.partnership.compare import Comparison
    from cityregions.pipeline.case import Case
    from cityregions.territory import Territory

#: The sections of a case, in run and report order.
SECTIONS = ("territory", "delineation", "stability", "governance", "partnership", "energy")

#: What a provenance note says of an input: how it was obtained.
PROVENANCE_KINDS = ("observed", "completed", "modeled", "estimate", "fact")


@dataclass(frozen=True)
class ProvenanceNote:
    """Where one input of a section comes from, and whether it is observed or modeled.

    ``kind`` is one of :data:`PROVENANCE_KINDS`.
    """

    section: str
    item: str
    kind: str
    source: str


@dataclass(frozen=True)
class TerritoryResult:
    """The units and flows of the case, with headline figures.

    Attributes
    ----------
    territory
        The territorial units.
    flows
        The flows between them (observed, completed or modeled).
    summary
        ``units``, ``population``, ``flows_total``, ``flows_provenance``.
    """

    territory: Territory
    flows: FlowTable
    summary: dict[str, Any]


@dataclass
class CaseResults:
    """Everything the pipeline produced for one case.

    Attributes
    ----------
    case
        The case the results belong to.
    out_dir
        The folder the files were written to.
    territory, delineation, stability, governance, partnership, energy
        The result of each step, or None when the step did not run (no registry, no
        scenarios, no energy inputs).
    provenance
        One note per input or output: section, item, kind and source.
    files
        Every file written, in order.
    timings
        Seconds per step.
    levels
        Results of the case's further unit levels (``[levels.<unit_level>]`` in
        ``case.toml``, e.g. ``"municipality"``): a :class:`CaseResults` each, for the
        level as a case of its own (:meth:`~cityregions.pipeline.case.Case.level`), with
        the steps that run at that level (territory, delineation, governance) and its
        files below ``out_dir/<unit_level>/``. The same views draw them.
    """

    case: Case
    out_dir: Path
    territory: TerritoryResult | None = None
    delineation: DelineationComparison | None = None
    stability: Sweep | None = None
    governance: GovernanceAnalysis | None = None
    partnership: Comparison | None = None
    energy: EnergyAnalysis | None = None
    provenance: list[ProvenanceNote] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    levels: dict[str, CaseResults] = field(default_factory=dict)

    def note_provenance(self, section: str, item: str, kind: str, source: str) -> None:
        """Record the provenance of one input or output of ``section``."""
        self.provenance.append(ProvenanceNote(section, item, kind, source))

    def section_dir(self, section: str) -> Path:
        """Return (and create) the output folder of ``section``."""
        path = self.out_dir / section
        path.mkdir(parents=True, exist_ok=True)
        return path

    def sections(self) -> list[str]:
        """Names of the sections that have a result, in :data:`SECTIONS` order."""
        return [name for name in SECTIONS if getattr(self, name) is not None]

    def parts(self, section: str) -> dict[str, Any]:
        """Return the named parts of one section's result (empty when it did not run).

        The fields of the result dataclass in their declared order; a ``summary()``
        method counts as the part ``summary``. Used for generic tables (report,
        dashboard API), never for reading one specific figure.
        """
        result = getattr(self, section, None) if section in SECTIONS else None
        if result is None:
            return {}
        parts = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
        summary = getattr(result, "summary", None)
        if callable(summary):
            parts["summary"] = summary()
        return parts


__all__ = [
    "PROVENANCE_KINDS",
    "SECTIONS",
    "CaseResults",
    "ProvenanceNote",
    "TerritoryResult",
]
