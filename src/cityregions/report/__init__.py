"""The self-contained HTML report: :func:`build_report` and :func:`write_report`.

A thin layer over :class:`~cityregions.pipeline.results.CaseResults`: it renders the
typed result of each step and holds no analysis of its own. Shapes it shares with the
dashboard and the GeoPackage come from :mod:`cityregions.geometry`.
"""

from __future__ import annotations

from cityregions.report.builder import build_report, write_report

__all__ = ["build_report", "write_report"]
