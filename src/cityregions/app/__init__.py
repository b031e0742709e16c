"""The local web dashboard: a FastAPI app over :class:`~cityregions.pipeline.steps.CaseResults`.

Thin: payloads are selected from the pipeline's sections once at startup
(:mod:`cityregions.app.payloads`); the page draws them with the vendored Leaflet
(``static/vendor/leaflet``, BSD-2-Clause) without any tile layer or network access.

The server needs the ``dashboard`` extra (fastapi, uvicorn: ``pip install
"cityregions[dashboard]"``). :func:`create_app` and :func:`create_app_for_case` are
imported on first use and raise :class:`~cityregions._optional.OptionalDependencyError`
naming the extra when FastAPI is missing; the payloads (:mod:`cityregions.app.payloads`)
need no web framework.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cityregions.app.server import create_app, create_app_for_case

__all__ = ["create_app", "create_app_for_case"]


def __getattr__(name: str) -> Any:
    """Import the server (and FastAPI) when :func:`create_app` is first asked for."""
    if name in __all__:
        from cityregions._optional import import_optional

        import_optional("fastapi", extra="dashboard", purpose="The dashboard")
        from cityregions.app import server

        return getattr(server, name)
    msg = f"module 'cityregions.app' has no attribute {name!r}"
    raise AttributeError(msg)
