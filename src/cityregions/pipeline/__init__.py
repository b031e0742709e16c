"""The pipeline: a case folder, the steps in order, and the typed results.

* :mod:`~cityregions.pipeline.case` — a case folder and its ``case.toml``;
* :mod:`~cityregions.pipeline.steps` — the steps and :func:`run_case`;
* :mod:`~cityregions.pipeline.results` — :class:`CaseResults`, one attribute per step;
* :mod:`~cityregions.pipeline.views` — what the report, dashboard and exports draw
  from the results (unit table with regions, map view, areas, gaps).

This is the only package that knows a case folder and the order of the steps.
"""
