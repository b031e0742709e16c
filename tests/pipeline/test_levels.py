"""A case with two unit levels: ``[levels.<unit_level>]``, Case.level, levels_step.

A small two-level case worked by hand (two districts, five municipalities, a registry
with a town at its 8-digit key), bad level settings, and the bundled case: its
cooperation areas at municipal level are the member towns, not their whole districts.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cityregions._errors import InputError
from cityregions.pipeline.case import load_case
from cityregions.pipeline.results import CaseResults
from cityregions.pipeline.steps import LEVEL_STEPS, levels_step
from tests.support.results import bundled_results

REGISTRY = """
sources:
  S1: {url: "https://example.org/s1", title: "hand-made", date: "2020-01-01"}
actors:
  - {id: big, name: Big, kind: city, key: "01001000", key_scheme: AGS, units: ["01001"], sources: [S1]}
  - {id: town, name: Town, kind: municipality, key: "01002020", key_scheme: AGS, units: ["01002"], units_partial: true, sources: [S1]}
bodies:
  - {id: coop, name: Cooperation, kind: cooperation, body_level: city_region, sources: [S1]}
memberships:
  - {member: big, body: coop, valid_from: "2010-01-01", sources: [S1]}
  - {member: town, body: coop, valid_from: "2010-01-01", sources: [S1]}
"""  # noqa: E501


def _two_level_case(folder: Path, *, level_toml: str | None = None) -> Path:
    (folder / "districts.csv").write_text(
        "unit,name,population,lon,lat\n01001,Big,9000,12.0,51.0\n01002,Rural,6000,12.4,51.0\n",
        encoding="utf-8",
    )
    (folder / "flows.csv").write_text(
        "origin,destination,value\n01001,01001,3000\n01001,01002,200\n"
        "01002,01002,1500\n01002,01001,900\n",
        encoding="utf-8",
    )
    (folder / "municipalities.csv").write_text(
        "unit,name,parent,population,lon,lat,area_km2\n"
        "01001000,Big,01001,9000,12.0,51.0,80\n"
        "01002010,East,01002,1000,12.5,51.0,30\n01002020,Town,01002,3000,12.35,51.0,40\n"
        "01002030,West,01002,2000,12.2,51.05,35\n",
        encoding="utf-8",
    )
    (folder / "municipal_flows.csv").write_text(
        "origin,destination,value\n01001000,01001000,3000\n01001000,01002020,200\n"
        "01002010,01002010,300\n01002020,01002020,900\n01002030,01002030,300\n"
        "01002020,01001000,600\n01002030,01001000,300\n",
        encoding="utf-8",
    )
    registry = folder / "registry"
    registry.mkdir()
    (registry / "registry.yaml").write_text(REGISTRY, encoding="utf-8")
    level = level_toml or (
        '[levels.municipality]\nname = "Gemeinden"\n'
        '[levels.municipality.units]\nfile = "municipalities.csv"\n'
        '[levels.municipality.flows]\nfile = "municipal_flows.csv"\nflows_provenance = "modeled"\n'
        'caveat = "downscaled"\n'
        "[levels.municipality.delineation]\nlma = { min_size = 100, target_size = 1000 }\n"
    )
    toml = (
        'name = "Two levels"\nattribution = ["Source A", "© Source B"]\n'
        '[units]\nfile = "districts.csv"\n[flows]\nfile = "flows.csv"\n'
        '[registry]\npath = "registry"\nas_of = "2015-06-30"\n' + level
    )
    (folder / "case.toml").write_text(toml, encoding="utf-8")
    return folder


def test_a_level_is_a_case_of_its_own(tmp_path: Path) -> None:
    case = load_case(_two_level_case(tmp_path))
    assert case.levels() == ["municipality"]
    assert case.attribution == ["Source A", "© Source B"]
    level = case.level("municipality")
    assert level.name == "Two levels – Gemeinden"
    assert level.unit_level == "municipality"
    assert level.attribution == case.attribution
    assert level.territory.ids == ["01001000", "01002010", "01002020", "01002030"]
    assert level.flows.flows_provenance == "modeled"
    assert level.flows_caveat == "downscaled"
    assert level.config["registry"] == case.config["registry"]
    with pytest.raises(InputError, match="no level 'grid'"):
        case.level("grid")


def test_levels_step_runs_territory_delineation_and_governance(tmp_path: Path) -> None:
    case = load_case(_two_level_case(tmp_path))
    results = CaseResults(case=case, out_dir=tmp_path / "out")
    levels_step(case, results)
    level = results.levels["municipality"]
    assert [name for name, _ in LEVEL_STEPS] == ["territory", "delineation", "governance"]
    assert level.territory is not None
    assert level.territory.summary["units"] == 4
    assert level.delineation is not None
    assert level.governance is not None
    # the town stands for its own municipality at this level, not its whole district
    areas = level.governance.areas
    assert sorted(areas.loc[areas["area"] == "coop", "unit"]) == ["01001000", "01002020"]
    fit = level.governance.fit_areas.loc["coop"]
    assert fit["population"] == 9000 + 3000
    # self-containment of the area by hand: inside 3000 + 200 + 900 + 600, residents 3200 + 1500
    assert fit["self_containment_supply"] == pytest.approx((3000 + 200 + 900 + 600) / (3200 + 1500))
    assert (tmp_path / "out" / "municipality" / "delineation" / "labels.csv").is_file()
    notes = [(n.item, n.kind) for n in results.provenance]
    assert ("flows (municipality)", "modeled") in notes


@pytest.mark.parametrize(
    ("level_toml", "location", "field"),
    [
        ('[levels.municipality]\nunits = "m.csv"\n', "[levels.municipality]", "units"),
        ("[levels.municipality.flows]\nfiles = 'f.csv'\n", "[levels.municipality.flows]", "files"),
        ("[levels.municipality.energy]\ninputs = 'e.csv'\n", "[levels.municipality]", "energy"),
    ],
)
def test_bad_level_tables_name_case_toml_table_and_key(
    tmp_path: Path, level_toml: str, location: str, field: str
) -> None:
    folder = _two_level_case(tmp_path, level_toml=level_toml)
    with pytest.raises(InputError) as error:
        load_case(folder)
    assert (error.value.location, error.value.field) == (location, field)
    assert "case.toml" in str(error.value)


def test_a_missing_level_file_names_the_level_table(tmp_path: Path) -> None:
    level = '[levels.municipality.units]\nfile = "nowhere.csv"\n'
    case = load_case(_two_level_case(tmp_path, level_toml=level))
    with pytest.raises(InputError, match="does not exist") as error:
        case.level("municipality").territory  # noqa: B018
    assert error.value.location == "[levels.municipality.units]"


def test_bundled_cooperation_areas_are_municipal_at_the_municipal_level(tmp_path: Path) -> None:
    results = bundled_results(tmp_path / "run")
    level = results.levels["municipality"]
    assert level.territory is not None
    assert level.territory.flows.flows_provenance == "modeled"
    ids = set(level.territory.territory.ids)
    areas = level.governance.areas
    assert set(areas["unit"]) <= ids
    registry = results.governance.registry
    keys = {a.id: a.key for a in registry.actors}
    grr = sorted(areas.loc[areas["area"] == "gruener-ring", "unit"])
    towns = {keys[m.member] for m in registry.memberships if m.body == "gruener-ring"}
    assert set(grr) <= towns  # the member towns' own keys, no other municipality
    assert "14713000" in grr  # Leipzig
    district = results.governance.fit_areas.loc["gruener-ring", "coverage"]
    municipal = level.governance.fit_areas.loc["gruener-ring", "coverage"]
    assert municipal < district  # whole districts inflate the coverage of a town network
    assert pd.notna(municipal)
    # FUA cities at municipal level: degree of urbanisation 1 of the Destatis directory
    assert "city_source=degurba" in level.delineation.params["fua"]
    fua = level.delineation.labels_by_method["fua"].dropna()
    cities = level.territory.territory.units.query("degurba == '01'").index
    assert set(cities) <= set(fua.index)
