"""The FastAPI application of the dashboard: a read-only JSON API and the static page.

All payloads are computed once, when the app is created, from
:class:`~cityregions.pipeline.steps.CaseResults` (:func:`create_app`) or from a case folder
(:func:`create_app_for_case`, which runs the pipeline into a temporary folder). No
endpoint writes anything; the only files served are the page's own static files and
the result files the pipeline listed in ``results.files``, looked up by name in a fixed
table — a path such as ``../case.toml`` is simply not in it (404).

It is a local tool, so its defaults are safe (:class:`LocalOnly`): it answers only
requests whose ``Host`` header names the address it is served on (a page of another
site that rebinds its DNS name to 127.0.0.1 gets 400, not the result files), and every
response carries a Content-Security-Policy without inline script, ``nosniff``,
``X-Frame-Options: DENY`` and ``Referrer-Policy: no-referrer``. ``cityregions serve``
binds to the loopback address unless ``--allow-remote`` is given, and sends no server
banner.
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
from pydantic import BaseModel, BeforeValidator

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

#: Host names of this machine's loopback interface: the default, local-only audience.
LOOPBACK = ("127.0.0.1", "localhost", "::1")

#: The page loads its script, styles and images from the server only; no inline
#: script, no inline style attribute, no frame, no form, no plugin.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)

#: Headers of every response.
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


class ErrorDetail(BaseModel):
    """The body of an error response (404: unknown id, name or file)."""

    detail: str


#: 404 of the endpoints that look a name up, documented in the OpenAPI schema.
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorDetail, "description": "Unknown id or name"}
}


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine's loopback interface."""
    import ipaddress

    name = host.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _split_host(value: str) -> tuple[str, int | None]:
    """``"localhost:8765"`` -> ``("localhost", 8765)``; ``"[::1]:80"`` -> ``("::1", 80)``."""
    value = value.strip().lower()
    if value.startswith("["):
        name, _, rest = value[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif value.count(":") == 1:
        name, _, port = value.partition(":")
    else:
        name, port = value, ""
    return name, int(port) if port.isascii() and port.isdigit() else None  # not '²'


class LocalOnly:
    """ASGI middleware: answer only requests for the bound host; harden every response.

    Parameters
    ----------
    app
        The application to wrap.
    hosts
        Host names (or addresses) the server is reached by; a request whose ``Host``
        header names another host gets 400 (the defence against DNS rebinding: a
        foreign page whose name resolves to 127.0.0.1 still sends its own name).
    port
        The bound port; when given, the ``Host`` header's port must be this one.
    """

    def __init__(self, app: Any, *, hosts: tuple[str, ...] = LOOPBACK, port: int | None = None):
        self.app = app
        self.hosts = {h.strip("[]").lower() for h in hosts}
        self.port = port

    def allowed(self, host: str) -> bool:
        """Whether a ``Host`` header value names this server."""
        name, port = _split_host(host)
        if name not in self.hosts:
            return False
        return self.port is None or port == self.port or (port is None and self.port == 80)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Refuse foreign hosts; add the security headers to every response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def hardened(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"server"]
                message["headers"] = headers + list(SECURITY_HEADERS)
            await send(message)

        headers = dict(scope.get("headers") or [])
        host = headers.get(b"host", b"").decode("latin-1")
        if not self.allowed(host):
            logger.warning("refused a request for host %r (not this server)", host)
            body = b"invalid Host header: this dashboard answers only on its own address"
            await hardened({"type": "http.response.start", "status": 400, "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ]})  # fmt: skip
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, hardened)


class CaseInfo(BaseModel):
    """Name, language, sections, layers and summary of the case."""

    name: str
    language: str
    sections: list[str]
    layers: list[str]
    summary: dict[str, Any]
    provenance: list[dict[str, str]]
    attribution: list[str] = []
    numbers: dict[str, dict[str, str]] = {}


#: Content type of a result file by its suffix (anything else: octet-stream).
FILE_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".geojson": "application/geo+json",
    ".graphml": "application/graphml+xml",
    ".gexf": "application/xml",
    ".xml": "application/xml",
    ".dl": "text/plain; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".gpkg": "application/geopackage+sqlite3",
    "": "application/octet-stream",
}


def file_type(name: str) -> str:
    """Return the content type of a result file (:data:`FILE_TYPES`)."""
    return FILE_TYPES.get(Path(name).suffix.lower(), FILE_TYPES[""])


def iso_date(value: Any) -> Any:
    """Accept a date or text ``YYYY-MM-DD`` only (``0`` or ``20120630`` is no date)."""
    import re

    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        msg = f"a date YYYY-MM-DD, got {value!r}"
        raise ValueError(msg)
    if not isinstance(value, str | dt.date):
        msg = f"a date YYYY-MM-DD, got {value!r}"
        raise ValueError(msg)
    return value


def static_dir() -> Path:
    """Return the folder of the dashboard's static files."""
    return Path(str(resources.files("cityregions.app") / "static"))


def create_app(
    results: CaseResults, *, hosts: tuple[str, ...] = LOOPBACK, port: int | None = None
) -> FastAPI:
    """Return the dashboard app serving the payloads computed from ``results``.

    Parameters
    ----------
    results
        The results of a case.
    hosts, port
        The names (and port) the app is reached by; requests for other hosts get 400
        (:class:`LocalOnly`). Default: the loopback names, any port.
    """
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
    app.add_middleware(LocalOnly, hosts=hosts, port=port)
    return app


def create_app_for_case(
    case_dir: str | Path,
    *,
    work_dir: str | Path | None = None,
    hosts: tuple[str, ...] = LOOPBACK,
    port: int | None = None,
) -> FastAPI:
    """Run the pipeline on the case in ``case_dir`` once and return its dashboard app.

    Parameters
    ----------
    case_dir
        A case folder with ``case.toml``.
    work_dir
        Folder for the pipeline outputs (default: a new temporary folder).
    hosts, port
        See :func:`create_app`.
    """
    from cityregions.pipeline.case import load_case
    from cityregions.pipeline.steps import run_case

    out = Path(work_dir) if work_dir is not None else Path(tempfile.mkdtemp(prefix="cityregions-"))
    return create_app(run_case(load_case(case_dir), out), hosts=hosts, port=port)


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

    @app.get("/api/units/{unit_id}", tags=["figures"], responses=NOT_FOUND)
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

    @app.get("/api/regions/{region_id}", tags=["figures"], responses=NOT_FOUND)
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
        as_of: Annotated[dt.date, BeforeValidator(iso_date), Query(description="Date YYYY-MM-DD")],
        include_target: bool = False,
    ) -> dict[str, Any]:
        """Memberships valid on ``as_of`` (with ``include_target``: target-model links)."""
        return network_snapshot(results, as_of, include_target=include_target)

    @app.get("/api/scenarios", tags=["partnership"])
    def scenarios() -> list[str]:
        """Names of the partnership scenarios."""
        return list(payload.scenarios)

    @app.get("/api/scenarios/{name}", tags=["partnership"], responses=NOT_FOUND)
    def scenario(name: Annotated[str, PathParam(pattern=ID_PATTERN)]) -> dict[str, Any]:
        """Tables of one partnership scenario (weights, seats, power, fees)."""
        found = payload.scenarios.get(name)
        if found is None:
            raise HTTPException(status_code=404, detail=f"unknown scenario {name!r}")
        return found

    @app.get("/api/sections/{name}", tags=["case"], responses=NOT_FOUND)
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

    @app.get(
        "/api/files/{name:path}",
        tags=["files"],
        response_class=FileResponse,
        responses={
            200: {
                "description": "The file, with the content type of its kind",
                "content": {kind: {} for kind in sorted(set(FILE_TYPES.values()))},
            },
            **NOT_FOUND,
        },
    )
    def file(name: str) -> FileResponse:
        """One result file, by its name as listed by ``/api/files``."""
        found = payload.files.get(name)
        if found is None:
            raise HTTPException(status_code=404, detail="unknown file")
        return FileResponse(found, filename=Path(name).name, media_type=file_type(name))
