"""The dashboard's read-only JSON API: figures, layers, network snapshots, 4xx never 5xx."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
from pathlib import Path

import pytest
import yaml

pytest.importorskip("fastapi", reason="the dashboard extra: pip install 'cityregions[dashboard]'")

from fastapi.testclient import TestClient

from cityregions.app import create_app
from cityregions.pipeline.case import bundled_case_path
from tests.support.results import bundled_results


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory):
    return bundled_results(tmp_path_factory.mktemp("app"))


@pytest.fixture(scope="module")
def app(results):
    return create_app(results)


@pytest.fixture(scope="module")
def client(app) -> TestClient:
    # the dashboard answers only requests for its own (loopback) address
    return TestClient(app, base_url="http://127.0.0.1")


def test_case_and_layers(client: TestClient, results) -> None:
    case = client.get("/api/case").json()
    assert case["name"] == "Metropolregion Mitteldeutschland"
    assert case["language"] == "de"
    assert {"units", "regions", "flows", "areas", "gaps", "energy"} <= set(case["layers"])
    units = client.get("/api/layers/units").json()
    assert units["type"] == "FeatureCollection"
    assert len(units["features"]) == 50
    leipzig = next(f for f in units["features"] if f["properties"]["id"] == "14713")
    assert leipzig["geometry"]["coordinates"] == pytest.approx([12.37129, 51.33962], abs=0.01)


def test_unit_and_region_figures(client: TestClient, results) -> None:
    unit = client.get("/api/units/14713").json()
    assert unit["name"] == "Leipzig, Stadt"
    assert unit["population"] == 587_857  # districts.csv: Destatis, 31.12.2018
    region = client.get(f"/api/regions/{unit['region']}").json()
    assert "14713" in region["units"]
    with (bundled_case_path() / "districts.csv").open(encoding="utf-8", newline="") as handle:
        population = {row["unit"]: int(row["population"]) for row in csv.DictReader(handle)}
    assert region["population"] == sum(population[u] for u in region["units"])


def _registry_records() -> dict[str, list[dict]]:
    """Actors, bodies and memberships of the bundled registry, read with yaml.safe_load."""
    records: dict[str, list[dict]] = {"actors": [], "bodies": [], "memberships": []}
    for path in sorted((bundled_case_path() / "registry").glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, found in records.items():
            found += document.get(key) or []
    return records


def _first_day(value: object) -> dt.date | None:
    """First day a (partial) date can mean: "2014" -> 2014-01-01 ("unknown": None)."""
    if value is None or value == "unknown" or isinstance(value, dt.date):
        return None if value == "unknown" else value  # type: ignore[return-value]
    parts = [int(p) for p in str(value).split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def _last_day(value: object) -> dt.date | None:
    """Last day a (partial) date can mean: "2013" -> 2013-12-31, "2014-02" -> 2014-02-28."""
    if value is None or value == "unknown" or isinstance(value, dt.date):
        return None if value == "unknown" else value  # type: ignore[return-value]
    parts = [int(p) for p in str(value).split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return dt.date(*parts)


def _within(day: dt.date, record: dict, start: str, end: str) -> bool:
    """Known dates bound a record; an unknown start counts from the first evidence (or
    from ``not_before``); an unknown or open end counts on (docs/governance.md)."""
    first = _first_day(record.get(start)) or _first_day(record.get("first_evidence"))
    first = first or _first_day(record.get("not_before"))
    last = _last_day(record.get(end))
    return (first is None or first <= day) and (last is None or day <= last)


def _links_by_hand(day: dt.date) -> set[tuple[str, str, str]]:
    """(member, body, role) valid on ``day``: documented, both ends exist on that day."""
    records = _registry_records()
    alive = {a["id"] for a in records["actors"] if _within(day, a, "founded", "dissolved")}
    alive |= {b["id"] for b in records["bodies"] if _within(day, b, "founded", "dissolved")}
    return {
        (m["member"], m["body"], m.get("role", "full"))  # role: full unless written
        for m in records["memberships"]
        if _within(day, m, "valid_from", "valid_to")
        and m["member"] in alive
        and m["body"] in alive
        and m.get("status", "documented") == "documented"
    }


#: Links on two days, counted from the YAML files by hand (2013: the city network with
#: Dresden and Magdeburg still in it; 2016: the EMMD e.V. instead); the registry of issue
#: 12 (planning associations, undated memberships from their first evidence) has 173 on
#: each day, different ones.
LINKS = {"2013-06-30": 173, "2016-06-30": 173}


@pytest.mark.parametrize(("day", "count"), LINKS.items())
def test_network_snapshot_has_the_links_valid_that_day(
    client: TestClient, day: str, count: int
) -> None:
    snap = client.get("/api/network/snapshot", params={"as_of": day}).json()
    edges = {(e["source"], e["target"], e["role"]) for e in snap["edges"]}
    assert len(edges) == len(snap["edges"])  # no link twice
    assert edges == _links_by_hand(dt.date.fromisoformat(day))
    assert len(edges) == count, "the bundled registry changed: recount LINKS by hand"
    network = ("mmd-network" in snap["bodies"], "emmd" in snap["bodies"])
    # the EMMD e.V. is the Wirtschaftsinitiative's association (2000), renamed in 2014
    assert network == ((True, True) if day.startswith("2013") else (False, True))
    assert (("dresden", "mmd-network", "full") in edges) == day.startswith("2013")


def test_network_nodes_are_every_actor_and_body(client: TestClient) -> None:
    records = _registry_records()
    nodes = client.get("/api/network").json()["nodes"]
    expected = {a["id"] for a in records["actors"]} | {b["id"] for b in records["bodies"]}
    assert {n["id"] for n in nodes} == expected
    assert len(nodes) == len(expected) == 151 + 60
    assert all(0 <= n["x"] <= 1 and 0 <= n["y"] <= 1 for n in nodes)


def test_scenarios(client: TestClient) -> None:
    names = client.get("/api/scenarios").json()
    assert names
    tables = client.get(f"/api/scenarios/{names[0]}").json()["tables"]
    assert tables["members"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/units/nope",
        "/api/regions/nope",
        "/api/scenarios/nope",
        "/api/sections/nope",
        "/api/layers/nope",
        "/api/files/nope.csv",
        "/api/files/../case.toml",
        "/api/files/..%2F..%2Fcase.toml",
        "/api/files/%2e%2e/%2e%2e/etc/passwd",
        "/api/units/..%2F..%2Fetc%2Fpasswd",
        "/static/../../pyproject.toml",
        "/static/%2e%2e/%2e%2e/case.py",
        "/static/..%2F..%2Fcase.py",
        "/api/network/snapshot?as_of=not-a-date",
        "/docs",
        "/redoc",
    ],
)
def test_unknown_ids_and_traversal_are_4xx(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert 400 <= response.status_code < 500, (url, response.status_code)
    assert "[units]" not in response.text
    assert "root:" not in response.text


def test_listed_files_are_served_and_nothing_else(client: TestClient, results) -> None:
    names = client.get("/api/files").json()
    assert names
    assert all(not n.startswith(("/", "..")) for n in names)
    first = client.get(f"/api/files/{names[0]}")
    assert first.status_code == 200
    assert first.content == (results.out_dir / names[0]).read_bytes()


def test_api_is_read_only(client: TestClient) -> None:
    for method in ("post", "put", "delete", "patch"):
        assert getattr(client, method)("/api/units/14713").status_code == 405


def test_page_and_vendored_leaflet_are_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "/static/vendor/leaflet/leaflet.js" in page.text
    assert "http" not in page.text.replace("http-equiv", "")
    assert client.get("/static/vendor/leaflet/leaflet.js").status_code == 200
    assert "BSD" in client.get("/static/vendor/leaflet/LICENSE").text


def test_openapi_schemathesis_finds_no_mismatch(results) -> None:
    """Schemathesis drives every operation with every check (bounded run): no server
    error, and every status code, content type and body is the one the OpenAPI schema
    documents (before: 8 mismatches, e.g. undocumented 404s and file content types)."""
    import hypothesis
    import schemathesis

    from cityregions.app.server import LOOPBACK

    app = create_app(results, hosts=(*LOOPBACK, "testserver"))  # schemathesis' host name
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @hypothesis.settings(
            max_examples=12,
            deadline=None,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        @hypothesis.given(case=operation.as_strategy())
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate()  # every check of schemathesis

        run()


def test_listed_files_have_their_documented_content_type(client: TestClient, results) -> None:
    from cityregions.app.server import FILE_TYPES

    names = client.get("/api/files").json()
    assert any(n.endswith(".csv") for n in names)
    for name in names:
        response = client.get(f"/api/files/{name}")
        suffix = Path(name).suffix.lower()
        assert response.headers["content-type"] == FILE_TYPES.get(suffix, FILE_TYPES[""]), name


def test_labels_and_value_names_for_the_detail_panel(client: TestClient) -> None:
    labels = client.get("/api/labels").json()
    # every key the unit detail panel shows as a heading ("section · key") has a label
    unit = client.get("/api/units/14713").json()
    nested = [k.split(":") for k, v in unit.items() if isinstance(v, dict)]
    assert nested
    for section, key in nested:
        assert section in labels
        assert key in labels
    assert labels["core_deficit_gwh"] == ["Defizit der Kerne (GWh)", "Deficit of the cores (GWh)"]
    values = client.get("/api/values").json()
    assert values["silage_maize"] == ["Silomais", "Silage maize"]
    assert values["modeled"] == ["modelliert", "modeled"]


def test_case_provenance_names_no_local_path(client: TestClient, results) -> None:
    text = str(client.get("/api/case").json()["provenance"])
    assert str(results.case.root) not in text
    assert str(results.case.root.parent) not in text


def test_case_gives_the_number_rule_and_german_coefficient_names(client: TestClient) -> None:
    """The dashboard formats numbers by the rule of the report's tables, from the payload."""
    from cityregions.i18n import german_number

    case = client.get("/api/case").json()
    de, en = case["numbers"]["de"], case["numbers"]["en"]
    assert de == {"decimal": ",", "minus": "\u2212", "thousands": "\u202f"}
    assert en == {"decimal": ".", "minus": "-", "thousands": "\u202f"}
    # the script's rule applied by hand gives what the report writes
    english = "-1\u202f234.5"
    by_rule = english.replace("-", de["minus"]).replace(".", de["decimal"])
    assert by_rule == german_number(english) == "\u22121\u202f234,5"
    rows = {p["item"]: p for p in case["provenance"]}
    grass = rows["coefficient grass_yield"]
    assert grass["item_de"] == "Koeffizient: Frischmasseertrag Grassilage"
    assert (
        grass["item_en"]
        == "Coefficient: Fresh-matter yield of grass silage from permanent grassland"
    )
    assert rows["coefficient discount_rate"]["item_de"] == (
        "Koeffizient: Realer Kalkulationszinssatz der Annuität"
    )
    coefficients = [p for p in case["provenance"] if p["item"].startswith("coefficient ")]
    assert len(coefficients) == 14
    german = [p["item_de"].removeprefix("Koeffizient: ") for p in coefficients]
    assert all(
        g != p["item_en"].removeprefix("Coefficient: ")
        for g, p in zip(german, coefficients, strict=True)
    )
    assert all("item_de" not in p for p in case["provenance"] if p not in coefficients)


def test_governance_section_names_the_states(client: TestClient) -> None:
    """The E–I table of the governance section reads states by name and the analysis'
    group "?" by its coded label (shown "kein Land erfasst / no state recorded")."""
    rows = client.get("/api/sections/governance").json()["state_openness"]
    groups = [r["group"] for r in rows]
    assert {"Sachsen", "Sachsen-Anhalt", "Thüringen"} <= set(groups)
    assert "no_state_recorded" in groups
    assert "?" not in groups
    assert "14" not in groups
    saxony = next(r for r in rows if r["group"] == "Sachsen")
    assert saxony["internal"] + saxony["external"] > 0
    assert -1 <= saxony["ei_index"] <= 1
