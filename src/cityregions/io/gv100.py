"""Read the Destatis Gemeindeverzeichnis GV100AD (fixed-width text, 220 characters a line).

Each line is one record; its *Satzart* (positions 1–2) decides the layout: ``10`` Land,
``20`` Regierungsbezirk, ``30`` Region (Baden-Württemberg), ``40`` Kreis, ``50``
Gemeindeverband, ``60`` Gemeinde. Positions (1-based, inclusive) of the common part:
3–10 Gebietsstand ``JJJJMMTT``, 11–12 Land, 13 RB, 14–15 Kreis, 16–18 Gemeinde, 19–22
Verband, 23–72 name, 73–122 seat of the administration, 123–124 Textkennzeichen.
Satzart 60 adds 129–139 area in **hectares**, 140–150 population, 151–161 male
population, 166–170 postcode, 171–175 ``*****`` if the Gemeinde has several postcodes,
178–181 Finanzamt, 182–185 courts, 186–190 Arbeitsagentur, 191–196 Bundestag
constituencies. AGS-8 = Land + RB + Kreis + Gemeinde; ARS-12 = Land + RB + Kreis +
Verband + Gemeinde.

Positions count characters, not bytes: recent editions are UTF-8, older ones
Windows-1252/ISO-8859-1 and the oldest DOS code page 850; the reader tries UTF-8
strictly, then picks between cp1252 and cp850 by which gives more German letters.

References
----------
Statistisches Bundesamt (Destatis). *Gemeindeverzeichnis-Informationssystem GV-ISys:
Datensatzbeschreibung GV100AD* (PDF in each download zip).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from cityregions._errors import InputError
from cityregions.io._text import check_file, decode_text
from cityregions.territory import Territory

logger = logging.getLogger(__name__)

LINE_LENGTH = 220
SATZARTEN = {
    "10": "land",
    "20": "regierungsbezirk",
    "30": "region",
    "40": "district",
    "50": "verband",
    "60": "municipality",
}
#: (field, first position, last position), 1-based inclusive as in the record description.
COMMON_FIELDS = (
    ("satzart", 1, 2),
    ("stand", 3, 10),
    ("land", 11, 12),
    ("rb", 13, 13),
    ("kreis", 14, 15),
    ("gemeinde", 16, 18),
    ("verband", 19, 22),
    ("name", 23, 72),
    ("seat", 73, 122),
    ("textkennzeichen", 123, 124),
)
MUNICIPALITY_FIELDS = (
    ("area_ha", 129, 139),
    ("population", 140, 150),
    ("population_male", 151, 161),
    ("postcode", 166, 170),
    ("postcode_several", 171, 175),
    ("finanzamt", 178, 181),
    ("olg", 182, 182),
    ("lg", 183, 183),
    ("ag", 184, 185),
    ("arbeitsagentur", 186, 190),
    ("bundestag_from", 191, 193),
    ("bundestag_to", 194, 196),
)
_NUMERIC = ("area_ha", "population", "population_male")
_GERMAN = set("äöüÄÖÜß")


def read_gv100(path: str | Path, *, encoding: str | None = None) -> pd.DataFrame:
    """Read all records of a GV100AD file into a table of text fields.

    Parameters
    ----------
    path
        The ``GV100AD_DDMMYYYY.txt`` (or ``.ASC``) file from the Destatis zip.
    encoding
        Fixed encoding; default: UTF-8, else the better of cp1252 and cp850.

    Returns
    -------
    pandas.DataFrame
        One row per line: the fields above (text, blanks stripped), ``kind`` (level of
        the Satzart), ``ags`` (AGS-8 for Gemeinden, 5-digit for Kreise, 2/3 for
        Land/RB), ``ars`` (12 digits for Gemeinden, 9 for Verbände), numbers for
        ``area_ha``, ``population``, ``population_male`` (Gemeinden), ``line``.

    Raises
    ------
    InputError
        Missing or empty file, an unknown Satzart or a non-numeric number, naming the
        line and the field.
    """
    path = check_file(path)
    text = _decode(path.read_bytes(), encoding=encoding, source=path)
    records = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        records.append(_parse_line(raw, line=number, source=path))
    if not records:
        msg = "no records (the file has only blank lines)"
        raise InputError(msg, source=path)
    frame = pd.DataFrame.from_records(records)
    logger.info("%s: %d GV100AD records", path, len(frame))
    return frame


def gv100_units(records: pd.DataFrame, *, unit_level: str = "municipality") -> Territory:
    """Return the Gemeinden (``unit_level="municipality"``) or Kreise as a Territory.

    Kreise get the sums of population and area of their Gemeinden. Area is converted
    from hectares to km² (÷ 100).

    Raises
    ------
    InputError
        If the records have no unit of that tier.
    """
    gemeinden = records[records["satzart"] == "60"]
    if unit_level == "municipality":
        table = gemeinden.assign(
            unit=gemeinden["ags"],
            parent=gemeinden["ags"].str[:5],
            state=gemeinden["land"],
            area_km2=gemeinden["area_ha"] / 100.0,
            unit_level="municipality",
        )
    elif unit_level == "district":
        kreise = records[records["satzart"] == "40"]
        sums = gemeinden.groupby(gemeinden["ags"].str[:5])[["population", "area_ha"]].sum()
        table = kreise.assign(
            unit=kreise["ags"],
            parent=kreise["land"],
            state=kreise["land"],
            population=kreise["ags"].map(sums["population"]).to_numpy(),
            area_km2=kreise["ags"].map(sums["area_ha"]).to_numpy() / 100.0,
            unit_level="district",
        )
    else:
        msg = f"unit_level must be 'municipality' or 'district', got {unit_level!r}"
        raise InputError(msg, field="unit_level")
    if table.empty:
        msg = f"no records of unit level {unit_level!r} in the Gemeindeverzeichnis"
        raise InputError(msg, field="satzart")
    columns = ["unit", "name", "unit_level", "parent", "state", "population", "area_km2"]
    extra = ["ars", "textkennzeichen", "postcode", "stand"]
    provenance = {"*": f"Destatis Gemeindeverzeichnis GV100AD, Stand {table['stand'].iloc[0]}"}
    return Territory.from_frame(
        table[columns + extra].reset_index(drop=True),
        provenance=provenance,
        name="GV100AD",
        source="GV100AD",
    )


def _decode(data: bytes, *, encoding: str | None, source: Path) -> str:
    if encoding is not None:
        return decode_text(data, source=source, encoding=encoding)[0]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = {name: data.decode(name, errors="replace") for name in ("cp1252", "cp850")}
    best = max(candidates, key=lambda name: sum(c in _GERMAN for c in candidates[name]))
    logger.info("%s: not UTF-8, decoded as %s", source, best)
    return candidates[best]


def _parse_line(raw: str, *, line: int, source: Path) -> dict[str, object]:
    text = raw.rstrip("\r\n").ljust(LINE_LENGTH)
    satzart = text[0:2]
    if satzart not in SATZARTEN:
        msg = f"unknown Satzart {satzart!r}; expected one of {sorted(SATZARTEN)}"
        raise InputError(msg, source=source, location=f"line {line}", field="satzart (1-2)")
    record: dict[str, object] = {f: text[a - 1 : b].strip() for f, a, b in COMMON_FIELDS}
    record["kind"] = SATZARTEN[satzart]
    land, rb, kreis = record["land"], record["rb"], record["kreis"]
    gemeinde, verband = record["gemeinde"], record["verband"]
    record["ags"] = {
        "10": f"{land}",
        "20": f"{land}{rb}",
        "30": f"{land}{rb}{text[13]}".strip(),
        "40": f"{land}{rb}{kreis}",
        "50": f"{land}{rb}{kreis}",
        "60": f"{land}{rb}{kreis}{gemeinde}",
    }[satzart]
    record["ars"] = {
        "50": f"{land}{rb}{kreis}{verband}",
        "60": f"{land}{rb}{kreis}{verband}{gemeinde}",
    }.get(satzart, record["ags"])
    if satzart == "60":
        for name, first, last in MUNICIPALITY_FIELDS:
            record[name] = text[first - 1 : last].strip()
        for name in _NUMERIC:
            value = str(record[name])
            if value and not (value.isascii() and value.isdigit()):  # not '١٢', '²'
                position = next((a, b) for f, a, b in MUNICIPALITY_FIELDS if f == name)
                msg = f"expected a zero-padded number, got {value!r}"
                raise InputError(
                    msg,
                    source=source,
                    location=f"line {line}",
                    field=f"{name} ({position[0]}-{position[1]})",
                )
            record[name] = float(value) if value else float("nan")
    record["line"] = line
    return record
