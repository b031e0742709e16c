"""Files in the official download layouts, written for tests (numbers are invented).

BA Pendlerstatistik workbooks (Kreis and Gemeinde), the BA Gemeindedaten, the BA
interactive CSV export, GENESIS/Regionalstatistik CSV tables and GV100AD records, as
``../shared/research/official-formats.md`` describes them.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from cityregions.io.gv100 import LINE_LENGTH

COUNT_HEADER = ["Insgesamt", "Männer", "Frauen", "Deutsche", "Ausländer", "Auszubildende"]


def counts(total: int | str) -> list[int | str]:
    """Insgesamt and its split: men 55 %, Germans 90 %, trainees 4 % (parts add up)."""
    if isinstance(total, str):
        return [total] * 6
    men, germans = round(total * 0.55), round(total * 0.9)
    return [total, men, total - men, germans, total - germans, round(total * 0.04)]


def partner_row(key: str, name: str, total: int | str) -> list[object]:
    return [None, None, key, name, *counts(total)]


# Auspendler Kreise: (block key, name, partner rows). Stat. Region Leipzig = 147.
OUT_BLOCKS: list[tuple[str, str, list[list[object]]]] = [
    (
        "14713",
        "Leipzig, Stadt",
        [
            partner_row("14729", "Leipzig", 25000),
            partner_row("14730", "Nordsachsen", 9000),
            partner_row("147", "Übrige Kreise (Regierungsbezirk)", 0),
            partner_row("147", "Leipzig, Stat. Region", 34000),
            partner_row("14612", "Dresden, Stadt", 6000),
            partner_row("146", "Übrige Kreise (Regierungsbezirk)", 1200),
            partner_row("146", "Dresden, Stat. Region", 7200),
            partner_row("14", "Übrige Regierungsbezirke (Bundesland)", 3000),
            partner_row("14", "Sachsen", 44200),
            partner_row("15002", "Halle (Saale), Stadt", 7000),
            partner_row("15088", "Saalekreis", 5000),
            partner_row("150", "Übrige Kreise (Regierungsbezirk)", 800),
            partner_row("15", "Sachsen-Anhalt", 12800),
            [None, None, "03159", "Göttingen", 12, "*", "*", 12, 0, 0],
            partner_row("16053", "Jena, Stadt", "*"),
            partner_row("ZZ", "Übrige Bundesländer", 900),
            partner_row("ZZ", "Auspendler in das Bundesgebiet", 57914),
            partner_row("Z", "Auspendler insgesamt", 57914),
        ],
    ),
    (
        "14729",
        "Leipzig",
        [
            partner_row("14713", "Leipzig, Stadt", 40000),
            partner_row("14730", "Nordsachsen", 3000),
            [None, None, "15002", "Halle (Saale), Stadt", 800, 440, 360, 720, 80, "*"],
            partner_row("ZZ", "Auspendler in das Bundesgebiet", 43800),
            partner_row("Z", "Auspendler insgesamt", 43800),
        ],
    ),
]
IN_BLOCKS: list[tuple[str, str, list[list[object]]]] = [
    (
        "14713",
        "Leipzig, Stadt",
        [
            partner_row("14729", "Leipzig", 40000),
            partner_row("14730", "Nordsachsen", 6000),
            partner_row("15002", "Halle (Saale), Stadt", 3000),
            partner_row("ZZ", "Einpendler aus dem Bundesgebiet", 49000),
            partner_row("PL", "Polen", 300),
            partner_row("CZ", "Tschechien", 120),
            partner_row("Z", "Einpendler insgesamt", 49420),
        ],
    ),
]


def sheet_with_header(workbook: Workbook, title: str, pair: tuple[str, str], land: str) -> object:
    sheet = workbook.create_sheet(title)
    sheet["A1"] = "Sozialversicherungspflichtig Beschäftigte - Pendlerverflechtungen"
    sheet["A2"] = title
    sheet["A4"] = land
    sheet["A5"] = "Stichtag: 30.06.2023"
    sheet["A7"], sheet["C7"] = pair
    sheet.merge_cells("A7:B8")
    sheet.merge_cells("C7:D8")
    for offset, label in enumerate(COUNT_HEADER):
        sheet.cell(row=7, column=5 + offset, value=label)
    return sheet


def write_rows(sheet: object, rows: list[list[object]], *, first: int) -> None:
    """Write ``rows`` from Excel row ``first`` on (merged header cells don't count as rows)."""
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=first + offset, column=column, value=value)  # type: ignore[attr-defined]


def write_blocks(sheet: object, blocks: list[tuple[str, str, list[list[object]]]]) -> None:
    rows: list[list[object]] = []
    for key, name, partners in blocks:
        rows += [[key, name], *partners]
    write_rows(sheet, rows, first=9)


def make_kreis_workbook(path: Path) -> Path:
    """Write a ``krpend`` Kreis workbook (section 1a); data from Excel row 9."""
    workbook = Workbook()
    workbook.active.title = "Deckblatt"
    workbook["Deckblatt"]["A1"] = "Pendlerverflechtungen nach Kreisen"
    workbook.create_sheet("Impressum")["A1"] = "© Statistik der Bundesagentur für Arbeit"
    out = sheet_with_header(workbook, "Auspendler Kreise", ("Wohnort", "Arbeitsort"), "Sachsen")
    write_blocks(out, OUT_BLOCKS)
    into = sheet_with_header(workbook, "Einpendler Kreise", ("Arbeitsort", "Wohnort"), "Sachsen")
    write_blocks(into, IN_BLOCKS)
    workbook.save(path)
    return path


def make_gemeinde_workbook(path: Path) -> Path:
    """Write a Gemeinde workbook (section 1b): data from row 10, 4 footer rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Auspendler Gemeinden"
    sheet["A1"] = "Sozialversicherungspflichtig Beschäftigte nach Wohn- und Arbeitsort"
    sheet["A4"] = "Sachsen"
    sheet["A5"] = "Stichtag: 30.06.2023"
    sheet["A7"], sheet["C7"] = "Wohnort", "Arbeitsort"
    sheet.merge_cells("A7:B9")
    sheet.merge_cells("C7:D9")
    for offset, label in enumerate([*COUNT_HEADER[:5], "Azubis"]):
        sheet.cell(row=8, column=5 + offset, value=label)
    rows = [
        ["14729140", "Markkleeberg, Stadt"],
        partner_row("14713000", "Leipzig, Stadt", 8000),
        partner_row("14729270", "Markranstädt, Stadt", 300),
        partner_row("14729", "Übrige Gemeinden (Kreis)", 1500),
        partner_row("14729", "Leipzig, Landkreis", 1800),
        [None, None, "14730300", "Torgau, Stadt", 11, "X", "X", 11, 0, 0],
        partner_row("ZZ", "Übrige Bundesländer", 400),
        partner_row("ZZ", "Auspendler in das Bundesgebiet", 10211),
        partner_row("ZZ", "Auspendler in das Bundesgebiet", 10211),  # exact duplicate row
        partner_row("Z", "Auspendler insgesamt", 10211),
        [14729270, "Markranstädt, Stadt"],  # key re-saved as a number
        partner_row(14713000, "Leipzig, Stadt", 3100),
        partner_row("Z", "Auspendler insgesamt", 3100),
        [],
        ["* Aus Datenschutzgründen werden Werte kleiner 3 anonymisiert."],
        ["Quelle: Statistik der Bundesagentur für Arbeit"],
        ["© Statistik der Bundesagentur für Arbeit"],
    ]
    write_rows(sheet, rows, first=10)
    workbook.create_sheet("Einpendler Gemeinden")["A1"] = "leer"
    workbook.save(path)
    return path


CSV_EXPORT = """"Land";"Sachsen"
"Kreis";"Leipzig, Stadt"
"";""
"Regionale Ebene";"Kreise"
"Gebietsstand";"Juni 2023"
"Berichtsmonat";"Juni 2023"
"Datenstand";"Januar 2024"
"Hinweise";"In den Pendlerangaben sind nur regional zuordenbare Fälle enthalten Regionen, deren Pendlerzahl insgesamt kleiner 10 ist, werden als „Übrige“ zu der nächsthöheren Ebene zusammengefasst"
""
""
"Thema:";"Einpendler Kreise"
"Arbeitsort";"Regionalschlüssel";"Wohnort";"Regionalschlüssel";"Insgesamt";"Männer";"Frauen";"Deutsche";"Ausländer";"Auszubildende"
"Leipzig, Stadt";"14713";"Einpendler insgesamt";"0";"158240";"82310";"75930";"141200";"17040";"4810"
"Leipzig, Stadt";"14713";"Übrige Kreise (Regierungsbezirk)";"010xx";"30";"20";"10";"30";"0";"0"
"Leipzig, Stadt";"14713";"Halle (Saale), Stadt";"15002";"11870";"6210";"5660";"11010";"860";"350"
"Leipzig, Stadt";"14713";"Leipzig";"14729";"40.000";"21.000";"19.000";"38.000";"2.000";"1.200"
"Leipzig, Stadt";"14713";"Polen";"PL";"420";"330";"90";"10";"410";"0"
""
"Exportdatum: ";"15072024";"23:6:42"
"© Statistik der Bundesagentur für Arbeit"
"Die Produkte unterliegen dem Urheberrecht. Eigene Berechnungen sind erlaubt, jedoch als solche kenntlich zu machen."
"""  # noqa: E501


GEMEINDEDATEN_HEADER = [
    "Sozialversicherungspflichtig Beschäftigte am Wohnort",
    None,
    None,
    None,
    None,
    None,
    None,
    None,
    "Sozialversicherungspflichtig Beschäftigte am Arbeitsort",
    "Wohnort\ngleich\nArbeitsort",
    "Einpendler",
    "Auspendler",
    "Zahl der Betriebe",
]


SUBHEADER = ["insgesamt", "Männer", "Frauen", "Deutsche", "Ausländer", "unter 20 Jahre"]
SUBHEADER += ["20 bis unter 25 Jahre", "55 Jahre und älter"]


def gemeinde_row(key: object, name: str, residents: int, workplace: int, internal: int) -> list:
    men = round(residents * 0.52)
    germans = round(residents * 0.93)
    young, mid, old = round(residents * 0.02), round(residents * 0.06), round(residents * 0.25)
    split = [men, residents - men, germans, residents - germans, young, mid, old]
    flows = [workplace, internal, workplace - internal, residents - internal]
    return [key, name, residents, *split, *flows, round(workplace / 12)]


def make_gemeindedaten(path: Path, *, internal_column: int = 12) -> Path:
    """Write ``gemband`` (sheet Gemeindedaten, data from row 9, header with line breaks)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Gemeindedaten"
    sheet["A1"] = "Gemeindedaten der sozialversicherungspflichtig Beschäftigten"
    sheet["A3"] = "Stichtag: 30.06.2023"
    header = list(GEMEINDEDATEN_HEADER)
    label = header.pop(9)
    header.insert(internal_column - 3, label)
    for offset, text in enumerate(header):
        if text is not None:
            sheet.cell(row=6, column=3 + offset, value=text)
    for offset, text in enumerate(SUBHEADER):
        sheet.cell(row=7, column=3 + offset, value=text)
    for column in range(1, 16):
        sheet.cell(row=8, column=column, value=column)  # column numbers as in BA tables
    rows = [
        gemeinde_row("14713", "Leipzig, Stadt", 250000, 300000, 192086),
        gemeinde_row("14729", "Leipzig, Landkreis", 110000, 70000, 40000),
        gemeinde_row("14729140", "Markkleeberg, Stadt", 10000, 6000, 2500),
        gemeinde_row(14729270, "Markranstädt, Stadt", 6000, 4000, 1500),
        gemeinde_row("14", "Sachsen", 1700000, 1680000, 1200000),
        ["Deutschland", None, 34000000],
    ]
    rows[2][6] = "*"  # anonymised foreigners
    write_rows(sheet, rows, first=9)
    workbook.save(path)
    return path


CATTLE_41312 = """GENESIS-Tabelle: 41312-01-01-4
Rinderbestand: Betriebe mit Rinderhaltung, Rinder nach;;;;;
Nutzungsart - Stichtag 03.11. - regionale Ebenen;;;;;
regionale Tiefe: Kreise und krfr. Städte;;;;;
Allgemeine Agrarstrukturerhebung (Rinderbestand);;;;;
Rinder (Anzahl);;;;;
;;;Rinder;Rinder;Rinder
;;;Insgesamt;Milchkühe;Kühe zusammen
03.11.2022;DG;Deutschland;11020000;3810000;4450000
03.11.2022;14;  Sachsen;437000;180000;200000
03.11.2022;145;    Chemnitz, Stat. Region;150000;60000;70000
03.11.2022;14511;      Chemnitz, Kreisfreie Stadt;1234;.;500
03.11.2022;14612;      Dresden, Kreisfreie Stadt;-;-;-
03.11.2022;14713;      Leipzig, Kreisfreie Stadt;2100;/;x
03.11.2022;14729;      Leipzig, Landkreis;45678;20111;...
03.11.2022;11;  Berlin;300;.;.
03.11.2022;02;  Hamburg;(900);.;.
__________
"Hinweis:
Betriebe ab 10 Rindern; Angaben ohne Gewähr"
"© Statistische Ämter des Bundes und der Länder, Deutschland, 2023.
Dieses Werk ist lizensiert unter der Datenlizenz Deutschland
- Namensnennung - Version 2.0."
Stand: 10.10.2023 / 11:57:53
"""


CROPS_41141 = """GENESIS-Tabelle: 41141-02-02-4
Landwirtschaftliche Betriebe mit Ackerland und deren Ackerfläche;;;;;
nach Fruchtarten - Jahr - regionale Tiefe: Kreise und krfr. Städte;;;;;
Landwirtschaftszählung / Agrarstrukturerhebung;;;;;
Ackerland (ha);;;;;
;;2016;2016;2020;2020
;;Getreide zur Körnergewinnung;Silomais/Grünmais;Getreide zur Körnergewinnung;Silomais/Grünmais
14521;      Erzgebirgskreis;21000,5;8000;/;7900,25
14522;      Mittelsachsen;1.234,5;9000;30500;.
__________
Stand: 01.02.2024 / 10:00:00
"""


AREA_33111 = """GENESIS-Tabelle: 33111-01-02-4
Bodenfläche nach Art der tatsächlichen Nutzung - Stichtag 31.12. -;;;;;
regionale Tiefe: Kreise und krfr. Städte;;;;;
Flächenerhebung nach Art der tatsächlichen Nutzung;;;;;
Fläche (ha);;;;;
;;;Bodenfläche insgesamt;Vegetation;Vegetation
;;;;Landwirtschaft;Wald
31.12.2022;14713;      Leipzig, Kreisfreie Stadt;29780;8120,7;2380
31.12.2022;14729;      Leipzig, Landkreis;165106;113000;17000
__________
"© Statistische Ämter des Bundes und der Länder, Deutschland, 2024."
Stand: 03.01.2024 / 22:01:12
"""


FLAT_OLD = (
    "Statistik_Code;Statistik_Label;Zeit_Code;Zeit_Label;Zeit;1_Merkmal_Code;"
    "1_Merkmal_Label;1_Auspraegung_Code;1_Auspraegung_Label;FLC006__Gebietsflaeche__qkm\n"
    "11111;Feststellung des Gebietsstands;STAG;Stichtag;31.12.2022;KREISE;Kreise;14713;"
    "Leipzig, Kreisfreie Stadt;297,8\n"
    "11111;Feststellung des Gebietsstands;STAG;Stichtag;31.12.2022;KREISE;Kreise;02000;"
    "Hamburg;...\n"
)


FFCSV = (
    "\ufeffstatistics_code;statistics_label;time_code;time_label;time;1_variable_code;"
    "1_variable_label;1_variable_attribute_code;1_variable_attribute_label;value;value_unit;"
    "value_variable_code;value_variable_label;value_q\n"
    "12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;31.12.2023;KREISE;Kreise;"
    "14713;Leipzig, Kreisfreie Stadt;619879;Anzahl;BEVSTD;Bevölkerungsstand;e\n"
    "12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;31.12.2023;KREISE;Kreise;"
    "01001;Flensburg, Kreisfreie Stadt;.;Anzahl;BEVSTD;Bevölkerungsstand;\n"
)


def write_cp1252(path: Path, text: str) -> Path:
    path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    return path


# fmt: off
DOC_LINES = [
    "102023123115          Sachsen-Anhalt                                    Magdeburg, Landeshauptstadt",  # noqa: E501
    "402023123115002       Halle (Saale), Stadt                              Halle (Saale), Stadt                              41",  # noqa: E501
    "502023123115002   0000Halle (Saale), Stadt                                                                                50",  # noqa: E501
    "6020231231150020000000Halle (Saale), Stadt                                                                                61    000000135010000023800000000117000    06108*****  3110123404701072",  # noqa: E501
    "402023123115088       Saalekreis                                        Merseburg, Stadt                                  44",  # noqa: E501
    "502023123115088   5999Musterland                                        Musterdorf                                        53",  # noqa: E501
    "6020231231150889995999Musterdorf                                                                                          64    000000021500000000123400000000610    06999       3199129904799072",  # noqa: E501
]


def goerlitz_lines() -> list[str]:
    """Görlitz as Kreis and Gemeinde, built from the Halle records by replacing fields."""
    kreis = (
        DOC_LINES[1].replace("15002", "14626").replace("Halle (Saale), Stadt", "Görlitz".ljust(20))
    )
    gemeinde = DOC_LINES[3].replace("150020000000", "146261100000")
    gemeinde = gemeinde.replace("Halle (Saale), Stadt", "Görlitz, Stadt".ljust(20))
    return [kreis.replace(" 41", " 44"), gemeinde.replace("61    ", "63    ")]


def write_gv100(path: Path, lines: list[str], *, encoding: str = "utf-8", pad: bool = True) -> Path:
    body = [line.ljust(LINE_LENGTH) if pad else line for line in lines]
    path.write_bytes("\r\n".join(body).encode(encoding) + b"\r\n")
    return path
