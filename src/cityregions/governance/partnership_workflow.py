"""Pipeline step ``partnership``: compare the partnership scenarios of a case."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from cityregions.case import Case
    from cityregions.workflow import CaseResults

logger = logging.getLogger(__name__)

#: Scenario folder used when ``case.toml`` has no ``[partnership] scenarios``.
DEFAULT_FOLDER = "scenarios"


def scenario_files(case: Case) -> list[Path]:
    """Scenario files of a case: ``[partnership] scenarios`` or the ``scenarios`` folder."""
    folder = case.path("partnership", "scenarios")
    if folder is None:
        folder = case.root / DEFAULT_FOLDER
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml", ".toml"))


def partnership_step(case: Case, results: CaseResults) -> None:
    """Evaluate and compare the case's partnership scenarios (section ``partnership``).

    Section keys:

    * ``members`` — DataFrame, one row per scenario and member: ``scenario``, ``member``,
      ``name``, ``bloc``, ``kind``, ``population``, ``source`` (of the population),
      ``member_weight`` (inside its bloc), ``bloc_weight`` (the bloc's weight/seats in
      the metropolitan body), ``bloc_banzhaf_absolute``, ``bloc_decisiveness``,
      ``banzhaf_absolute`` (indirect power, exact chain rule), ``banzhaf`` (normalised),
      ``shapley_shubik`` (flattened body), ``power_per_inhabitant`` (``ψ(N)·β'``),
      ``per_inhabitant_ratio`` (to the best-placed member), ``fee``,
      ``fee_per_inhabitant``;
    * ``blocs`` — DataFrame per scenario and bloc: ``passage_probability``,
      ``decisiveness``, ``top_banzhaf_absolute``, ``top_shapley_shubik``, ``members``,
      ``population``, ``weight``;
    * ``summary`` — DataFrame per scenario: ``title``, ``members``, ``blocs``,
      ``metropolitan_rule`` (integer game), ``coleman_act`` (power to act),
      ``members_without_power``, ``per_inhabitant_spread`` (max/min among members with
      power), ``fee_total``, ``shapley_method``, ``assumptions`` (how many rules and
      figures the scenario assumes without a source; the texts are in ``scenarios``
      and ``assumptions.csv``);
    * ``wide`` — DataFrame member × ``<scenario>:<value>`` for side-by-side tables;
    * ``scenarios`` — dict name → {``title``, ``description``, ``assumptions``,
      ``sources``} for the report text.

    Files: ``members.csv``, ``blocs.csv``, ``summary.csv``, ``wide.csv`` and
    ``assumptions.csv`` (``scenario``, ``number``, ``assumption``) in the section
    folder. Populations are facts (source per member); rules that the sources do not
    document are listed as assumptions and recorded as ``modeled``.
    """
    from cityregions.governance.partnership import compare_scenarios, write_comparison

    files = scenario_files(case)
    if not files:
        logger.info("no partnership scenarios in %s", case.root)
        results.sections["partnership"] = {"scenarios": {}}
        return
    comparison = compare_scenarios(files, rng=np.random.default_rng(0))
    written = write_comparison(comparison, results.section_dir("partnership"))
    results.files += written
    scenarios = {}
    for result, path in zip(comparison.results, files, strict=True):
        spec = result.scenario
        scenarios[spec.name] = {
            "title": spec.title or spec.name,
            "description": spec.description,
            "assumptions": list(spec.assumptions),
            "sources": list(spec.sources),
        }
        sources = sorted({str(m.source) for m in spec.members if m.source})
        results.note_provenance(
            "partnership", f"{spec.name}: population", "fact", "; ".join(sources)
        )
        kind = "modeled" if spec.assumptions else "fact"
        results.note_provenance(
            "partnership", f"{spec.name}: rules", kind, f"scenario file {path.name}"
        )
    results.sections["partnership"] = {
        "members": comparison.members,
        "blocs": comparison.blocs,
        "summary": comparison.summary,
        "wide": comparison.wide,
        "scenarios": scenarios,
    }
