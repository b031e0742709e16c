"""The self-contained HTML report: :func:`build_report` and :func:`write_report`.

A thin layer over :class:`~cityregions.workflow.CaseResults`: it renders what the pipeline
steps put into ``results.sections`` and holds no analysis of its own.
"""

from __future__ import annotations

from cityregions.report.builder import build_report, write_report

__all__ = ["build_report", "write_report"]
