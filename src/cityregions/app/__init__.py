"""The local web dashboard: a FastAPI app over :class:`~cityregions.pipeline.steps.CaseResults`.

Thin: payloads are selected from the pipeline's sections once at startup
(:mod:`cityregions.app.payloads`); the page draws them with the vendored Leaflet
(``static/vendor/leaflet``, BSD-2-Clause) without any tile layer or network access.
"""

from __future__ import annotations

from cityregions.app.server import create_app, create_app_for_case

__all__ = ["create_app", "create_app_for_case"]
