"""The dashboard's exposure: loopback by default, Host header checked, hardened responses."""

from __future__ import annotations

import logging

import pytest

pytest.importorskip("fastapi", reason="the dashboard extra: pip install 'cityregions[dashboard]'")

from fastapi.testclient import TestClient

from cityregions._errors import InputError
from cityregions.app import create_app
from cityregions.app.server import CONTENT_SECURITY_POLICY, LocalOnly, is_loopback
from cityregions.cli.report import served_hosts
from tests.support.cli import run_cli
from tests.support.results import bundled_results


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory):
    return bundled_results(tmp_path_factory.mktemp("server"))


@pytest.fixture(scope="module")
def client(results) -> TestClient:
    return TestClient(create_app(results, port=8765), base_url="http://127.0.0.1:8765")


@pytest.mark.parametrize(
    "host",
    ["evil.example:8765", "127.0.0.1.nip.io:8765", "localhost:9999", "testserver", ""],
)
def test_requests_for_another_host_are_refused(client: TestClient, host: str) -> None:
    """DNS rebinding: a foreign page whose name resolves to 127.0.0.1 sends its name."""
    response = client.get("/api/files", headers={"host": host})
    assert response.status_code == 400
    assert "Host" in response.text
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765"])
def test_requests_for_the_bound_address_are_answered(client: TestClient, host: str) -> None:
    assert client.get("/api/files", headers={"host": host}).status_code == 200


@pytest.mark.parametrize("url", ["/", "/api/case", "/api/units/nope", "/static/app.js"])
def test_every_response_is_hardened_and_names_no_server(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "server" not in response.headers


def test_page_has_no_inline_script_or_style(client: TestClient) -> None:
    page = client.get("/").text
    assert "<script>" not in page
    assert "style=" not in page
    assert "style=" not in client.get("/static/app.js").text  # swatches set by property


@pytest.mark.parametrize(
    ("as_of", "status"),
    [("0", 422), ("20150630", 422), ("2015-02-30", 422), ("x", 422), ("2015-06-30", 200)],
)
def test_snapshot_takes_only_a_date(client: TestClient, as_of: str, status: int) -> None:
    """``as_of=0`` was read as 1970-01-01 (a Unix time) and answered 200."""
    response = client.get("/api/network/snapshot", params={"as_of": as_of})
    assert response.status_code == status


def test_openapi_documents_404_and_file_types(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/units/{unit_id}", "/api/regions/{region_id}", "/api/scenarios/{name}",
                 "/api/sections/{name}", "/api/files/{name}"):  # fmt: skip
        assert "404" in paths[path]["get"]["responses"], path
    content = paths["/api/files/{name}"]["get"]["responses"]["200"]["content"]
    assert "text/csv; charset=utf-8" in content
    assert "application/json" not in paths["/api/files/{name}"]["get"]["responses"]["404"] or (
        "application/json" in paths["/api/files/{name}"]["get"]["responses"]["404"]["content"]
    )


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("[::1]", True),
     ("localhost", True), ("0.0.0.0", False), ("192.168.1.5", False), ("example.org", False)],
)  # fmt: skip
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_a_remote_host_needs_allow_remote_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(InputError, match="--allow-remote"):
        served_hosts("0.0.0.0", allow_remote=False)
    with caplog.at_level(logging.WARNING):
        hosts = served_hosts("192.168.1.5", allow_remote=True)
    assert "192.168.1.5" in hosts
    assert "127.0.0.1" in hosts
    assert "every result file" in caplog.text
    assert served_hosts("127.0.0.1", allow_remote=False) == ("127.0.0.1", "localhost", "::1")


def test_serve_refuses_a_remote_host_before_any_work(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_work(*args, **kwargs):  # pragma: no cover - must not be reached
        raise AssertionError("the results were computed")

    monkeypatch.setattr("cityregions.app.server.create_app_for_case", no_work)
    code = run_cli("serve", "mitteldeutschland", "--host", "0.0.0.0", monkeypatch=monkeypatch)
    assert code == 2
    err = capsys.readouterr().err
    assert "--allow-remote" in err
    assert "Traceback" not in err


def test_local_only_accepts_any_port_when_none_is_bound() -> None:
    guard = LocalOnly(None)
    assert guard.allowed("localhost:1234")
    assert guard.allowed("127.0.0.1")
    assert not guard.allowed("example.org:1234")
