"""The FastAPI application of the dashboard: a read-only JSON API and the static page.

All payloads are computed once, when the app is created, from
:class:`~cityregions.pipeline.steps.CaseResults` (:func:`create_app`) or from a case folder
(:func:`create_app_for_case`, which runs the pipeline into a temporary folder). No
endpoint writes anything; the only files served are the page's own static files and
the result files the pipeline listed in ``results.files``, looked up by name in a fixed
table — a path such as ``../case.toml`` is simply not in it (404).
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import FastAPI, HTTPException, Query
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from cityregions.app.network import network_snapshot
from cityregions.app.payloads import LAYERS, DashboardData, build_dashboard_data
from cityregions.i18n import LABELS
from cityregions.vocabulary import VALUE_LABELS

if TYPE_CHECKING:
    from cityregions.pipeline.results import CaseResults

logger = logging.getLogger(__name__)

Layer = Enum("Layer", {name: name for name in LAYERS}, type=str)  # type: ignore[misc]

ID_PATTERN = r"^[A-Za-z0-9_.:\-]{1,64}$"
UnitId = Annotated[str, PathParam(pattern=ID_PATTERN, description="A unit id (e.g. an AGS).")]


class CaseInfo(BaseModel):
    """Name, language, sections, layers and summary of the case."""

    name: str
    language: str
    sections: list[str]
    layers: list[str]
    summary: dict[str, Any]
    provenance: list[dict[str, str]]


def static_dir() -> Path:
    """Return the folder of the dashboard's static files."""
    return Path(str(resources.files("cityregions.app") / "static"))


def create_app(results: CaseResults) -> FastAPI:
    """Return the dashboard app serving the payloads computed from ``results``."""
    payload = build_dashboard_data(results)
    app = FastAPI(
        title=f"cityregions dashboard · {payload.case['name']}",
        description="Read-only API of the cityregions dashboard: map layers as GeoJSON, "
        "figures per unit and region, the governance network, partnership scenarios.",
        version=_version(),
        docs_url=None,  # the interactive pages load their scripts from a CDN: not offered
        redoc_url=None,
    )
    app.state.payload = payload
    app.state.results = results
    app.mount("/static", StaticFiles(directory=static_dir()), name="static")
    _routes(app, payload, results)
    return app


def create_app_for_case(case_dir: str | Path, *, work_dir: str | Path | None = None) -> FastAPI:
    """Run the pipeline on the case in ``case_dir`` once and return its dashboard app.

    Parameters
    ----------
    case_dir
        A case folder with ``case.toml``.
    work_dir
        Folder for the pipeline outputs (default: a new temporary folder).
    """
    from cityregions.pipeline.case import load_case
    from cityregions.pipeline.steps import run_case

    out = Path(work_dir) if work_dir is not None else Path(tempfile.mkdtemp(prefix="cityregions-"))
    return create_app(run_case(load_case(case_dir), out))


def _version() -> str:
    from cityregions import __version__

    return __version__


def _routes(app: FastAPI, payload: DashboardData, results: CaseResults) -> None:
    @app.get("/", include_in_schema=False)
    def index() -> HTMLResponse:
        page = (static_dir() / "index.html").read_text(encoding="utf-8")
        return HTMLResponse(page)

    @app.get("/api/case", response_model=CaseInfo, tags=["case"])
    def case_info() -> dict[str, Any]:
        """Name, language, sections present, map layers available, provenance."""
        return payload.case

    @app.get("/api/labels", tags=["case"])
    def labels() -> dict[str, list[str]]:
        """German and English labels: key -> [German, English]."""
        return {key: list(pair) for key, pair in LABELS.items()}

    @app.get("/api/values", tags=["case"])
    def values() -> dict[str, list[str]]:
        """German and English display names of coded values (feedstocks, levels, kinds)."""
        return {key: list(pair) for key, pair in VALUE_LABELS.items()}

    @app.get("/api/layers/{layer}", tags=["map"])
    def layer(layer: Layer) -> dict[str, Any]:
        """One map layer as a GeoJSON FeatureCollection (EPSG:4326)."""
        return payload.layers[layer.value]

    @app.get("/api/units", tags=["figures"])
    def units() -> list[dict[str, Any]]:
        """All units with name, region and population."""
        return [
            {k: v for k, v in u.items() if k in ("id", "name", "region", "population")}
            for u in payload.units.values()
        ]

    @app.get("/api/units/{unit_id}", tags=["figures"])
    def unit(unit_id: UnitId) -> dict[str, Any]:
        """All figures of one unit (from every section that has figures per unit)."""
        found = payload.units.get(unit_id)
        if found is None:
            raise HTTPException(status_code=404, detail=f"unknown unit id {unit_id!r}")
        return found

    @app.get("/api/regions", tags=["figures"])
    def regions() -> list[dict[str, Any]]:
        """All functional regions with name, units and population."""
        return list(payload.regions.values())

    @app.get("/api/regions/{region_id}", tags=["figures"])
    def region(
        region_id: Annotated[str, PathParam(pattern=ID_PATTERN)],
    ) -> dict[str, Any]:
        """All figures of one functional region."""
        found = payload.regions.get(region_id)
        if found is None:
            raise HTTPException(status_code=404, detail=f"unknown region id {region_id!r}")
        return found

    @app.get("/api/network", tags=["governance"])
    def network() -> dict[str, Any]:
        """Nodes of the registry network with fixed positions, and the slider dates."""
        return payload.network

    @app.get("/api/network/snapshot", tags=["governance"])
    def snapshot(
        as_of: Annotated[dt.date, Query(description="Date YYYY-MM-DD")],
        include_target: bool = False,
    ) -> dict[str, Any]:
        """Memberships valid on ``as_of`` (with ``include_target``: target-model links)."""
        return network_snapshot(results, as_of, include_target=include_target)

    @app.get("/api/scenarios", tags=["partnership"])
    def scenarios() -> list[str]:
        """Names of the partnership scenarios."""
        return list(payload.scenarios)

    @app.get("/api/scenarios/{name}", tags=["partnership"])
    def scenario(name: Annotated[str, PathParam(pattern=ID_PATTERN)]) -> dict[str, Any]:
        """Tables of one partnership scenario (weights, seats, power, fees)."""
        found = payload.scenarios.get(name)
        if found is None:
            raise HTTPException(status_code=404, detail=f"unknown scenario {name!r}")
        return found

    @app.get("/api/sections/{name}", tags=["case"])
    def section(name: Annotated[str, PathParam(pattern=ID_PATTERN)]) -> dict[str, Any]:
        """Tables and figures of one pipeline section."""
        found = payload.sections.get(name)
        if found is None:
            raise HTTPException(status_code=404, detail=f"unknown section {name!r}")
        return found

    @app.get("/api/files", tags=["files"])
    def files() -> list[str]:
        """Names of the result files the pipeline wrote (CSV, GeoPackage, GraphML, ...)."""
        return sorted(payload.files)

    @app.get("/api/files/{name:path}", tags=["files"])
    def file(name: str) -> FileResponse:
        """One result file, by its name as listed by ``/api/files``."""
        found = payload.files.get(name)
        if found is None:
            raise HTTPException(status_code=404, detail="unknown file")
        return FileResponse(found, filename=Path(name).name)
