"""German and English labels of the report and the dashboard.

Every visible label exists in both languages. In the HTML report both are written, each
in a ``<span class="t-de">`` / ``<span class="t-en">``; a stylesheet rule hides the one
that does not match ``<html data-lang="...">``, and a small inline script switches it.
The dashboard fetches :data:`LABELS` from its API.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from cityregions.vocabulary import (
    COEFFICIENTS_DE,
    KEY_LABELS,
    MESSAGES,
    NEEDS,
    SENTENCES,
    UNITS_DE,
    VALUE_LABELS,
    humanise,
)

LANGUAGES = ("de", "en")

#: key -> (German, English)
LABELS: dict[str, tuple[str, str]] = {
    "report_title": ("Evidenzbericht", "Evidence report"),
    "contents": ("Inhalt", "Contents"),
    "generated": ("Erstellt", "Generated"),
    "language": ("Sprache", "Language"),
    "print": ("Drucken", "Print"),
    "territory": ("Gebiet und Verflechtungen", "Territory and flows"),
    "municipalities": ("Gemeinden (Stadtregionen)", "Municipalities (city regions)"),
    "municipal_areas": ("Kooperationsräume (Gemeinden)", "Cooperation areas (municipalities)"),
    "delineation": ("Stadtregionen", "City regions"),
    "governance": ("Governance", "Governance"),
    "partnership": ("Partnerschaft", "Partnership"),
    "energy": ("Bioenergie", "Bioenergy"),
    "provenance": ("Herkunft der Daten", "Data provenance"),
    "observed": ("beobachtet", "observed"),
    "modeled": ("modelliert", "modeled"),
    "estimate": ("geschätzt", "estimate"),
    "fact": ("Fakt", "fact"),
    "item": ("Merkmal", "Item"),
    "kind": ("Art", "Kind"),
    "source": ("Quelle", "Source"),
    "units": ("Einheiten", "Units"),
    "unit": ("Einheit", "Unit"),
    "name": ("Name", "Name"),
    "population": ("Einwohner", "Population"),
    "employees": ("Beschäftigte", "Employees"),
    "area_km2": ("Fläche (km²)", "Area (km²)"),
    "state": ("Land", "State"),
    "region": ("Region", "Region"),
    "region_name": ("Name der Region", "Region name"),
    "regions": ("Funktionale Regionen", "Functional regions"),
    "flows": ("Pendlerverflechtungen", "Commuter flows"),
    "flows_total": ("Pendler insgesamt", "Commuters in total"),
    "flows beyond the table": (
        "Pendler über die Tabelle hinaus (Gesamtzahlen je Einheit)",
        "Flows beyond the table (totals per unit)",
    ),
    "strongest_ties": ("stärkste Verflechtungen", "strongest ties"),
    "cooperation_areas": ("Kooperationsräume", "Cooperation areas"),
    "gaps": ("Governance-Lücken", "Governance gaps"),
    "energy_balance": ("Energiebilanz", "Energy balance"),
    "map": ("Karte", "Map"),
    "map_units_population": (
        "Kreissymbole: Fläche proportional zur Einwohnerzahl, Farbe = funktionale Region",
        "Circles: area proportional to population, colour = functional region",
    ),
    "map_units_residents": (
        "Kreissymbole: Fläche proportional zu den Erwerbstätigen am Wohnort (Einwohner "
        "nicht angegeben), Farbe = funktionale Region",
        "Circles: area proportional to the employed residents (population not given), "
        "colour = functional region",
    ),
    "map_units_jobs": (
        "Kreissymbole: Fläche proportional zu den Arbeitsplätzen (Einwohner nicht "
        "angegeben), Farbe = funktionale Region",
        "Circles: area proportional to the jobs (population not given), colour = functional region",
    ),
    "map_units_equal": (
        "Kreissymbole: gleich groß (keine Größe angegeben), Farbe = funktionale Region",
        "Circles: all of one size (no size given), colour = functional region",
    ),
    "map_keys": (
        "Zahlen: Nummer der Region in der Legende; benachbarte Regionen haben verschiedene "
        "Farben, eine Farbe kann sich bei nicht benachbarten Regionen wiederholen",
        "Numbers: the region's number in the legend; neighbouring regions differ in "
        "colour, a colour may repeat for regions that do not touch",
    ),
    "legend_size_population": ("In Klammern: Einwohner", "In brackets: population"),
    "legend_size_residents": (
        "In Klammern: Erwerbstätige am Wohnort (Einwohner nicht angegeben)",
        "In brackets: employed residents (population not given)",
    ),
    "legend_size_jobs": (
        "In Klammern: Arbeitsplätze (Einwohner nicht angegeben)",
        "In brackets: jobs (population not given)",
    ),
    "legend_size_none": (
        "Einwohner nicht angegeben",
        "Population not given",
    ),
    "not_given": ("nicht angegeben", "not given"),
    "text_in_english": (
        "Beschreibung und Annahmen stehen in der Szenariodatei nur auf Englisch.",
        "Description and assumptions are in English only in the scenario file.",
    ),
    "map_polygons": (
        "Flächen: Gebietseinheiten, eingefärbt nach funktionaler Region; dicke Linien: "
        "Regionsgrenzen",
        "Areas: territorial units coloured by functional region; thick lines: region boundaries",
    ),
    "map_hulls": (
        "Helle Flächen: schematische Hülle der Sitze einer Region (keine Grenzen)",
        "Light areas: schematic hull of a region's seats (not boundaries)",
    ),
    "map_flows": (
        "Linien: stärkste Pendlerverflechtungen (beide Richtungen), Breite ∝ Pendler",
        "Lines: strongest commuter ties (both directions), width ∝ commuters",
    ),
    "map_coop": ("Gestrichelt: Kooperationsräume", "Dashed: cooperation areas"),
    "map_gaps": (
        "Rot gestrichelt: starke Verflechtung ohne gemeinsames Gremium",
        "Red dashed: strong tie without a shared body",
    ),
    "map_balance": (
        "Farbe: Netto-Bilanz der Region (grün Überschuss, rot Defizit)",
        "Colour: net balance of the region (green surplus, red deficit)",
    ),
    "map_allocation": (
        "Grüne Linien: Rohstoffe, die zu Umwandlungsstandorten anderer Kreise gefahren "
        "werden, Breite ∝ Tonnen (Wärme bleibt im Kreis des Standorts)",
        "Green lines: feedstock hauled to conversion sites in other units, width ∝ tonnes "
        "(heat stays in the unit of the site)",
    ),
    "params": ("Parameter", "Parameters"),
    "assumptions": ("Annahmen", "Assumptions"),
    "blocs": ("Blöcke", "Blocs"),
    "bloc": ("Block", "Bloc"),
    "member_weight": ("Gewicht im Block", "Weight in bloc"),
    "bloc_weight": ("Gewicht des Blocks", "Bloc weight"),
    "power_per_inhabitant": ("Stimmmacht je Einwohner", "Power per inhabitant"),
    "per_inhabitant_ratio": ("Macht je Einwohner (relativ)", "Power per inhabitant (relative)"),
    "fee": ("Beitrag", "Fee"),
    "fee_per_inhabitant": ("Beitrag je Einwohner", "Fee per inhabitant"),
    "fee_total": ("Beiträge gesamt", "Fees in total"),
    "title": ("Titel", "Title"),
    "metropolitan_rule": ("Abstimmungsregel", "Voting rule"),
    "coleman_act": ("Handlungsfähigkeit (Coleman)", "Power to act (Coleman)"),
    "members_without_power": ("Mitglieder ohne Macht", "Members without power"),
    "per_inhabitant_spread": ("Spreizung je Einwohner", "Per-inhabitant spread"),
    "parameters": ("Parameter", "Parameters"),
    "no_regions": (
        "Noch keine funktionale Abgrenzung: Farben zeigen das Land",
        "No functional delineation yet: colours show the state",
    ),
    "key_figures": ("Kennzahlen", "Key figures"),
    "quality": ("Qualität der Abgrenzung", "Quality of the delineation"),
    "table": ("Tabelle", "Table"),
    "rows_shown": ("Zeilen gezeigt von", "rows shown of"),
    "registry": ("Register", "Registry"),
    "network": ("Netzwerk", "Network"),
    "fit": ("Institutionelle Passung", "Institutional fit"),
    "cross_border": ("länderübergreifend", "cross-border"),
    "scenarios": ("Szenarien", "Scenarios"),
    "power": ("Stimmmacht", "Voting power"),
    "seats": ("Sitze", "Seats"),
    "fees": ("Beiträge", "Fees"),
    "potential": ("Potenzial", "Potential"),
    "balance": ("Bilanz", "Balance"),
    "allocation": ("Zuordnung", "Allocation"),
    "other_results": ("Weitere Ergebnisse", "Further results"),
    "bodies": ("Gremien", "Bodies"),
    "actors": ("Akteure", "Actors"),
    "memberships": ("Mitgliedschaften", "Memberships"),
    "state_openness_caption": (
        "E-I-Index der Akteure je Land auf der Akteursprojektion (−1: alle Verbindungen "
        "innerhalb des Landes, +1: alle über die Landesgrenze), erwartet bei zufälliger "
        "Mischung gleich großer Gruppen, p-Wert aus Permutationen; Stand der "
        "Governance-Auswertung, nicht des Schiebereglers.",
        "E–I index of the actors per state on the actor projection (−1: every tie inside "
        "the state, +1: every tie across its border), expected under random mixing of "
        "groups of the same sizes, p-value from permutations; as of the governance "
        "analysis, not of the slider.",
    ),
    "as_of": ("Stand", "As of"),
    "layers": ("Ebenen", "Layers"),
    "details": ("Details", "Details"),
    "click_hint": (
        "Einheit oder Region anklicken, um ihre Kennzahlen zu sehen",
        "Click a unit or region to see its figures",
    ),
    "scenario": ("Szenario", "Scenario"),
    "dashboard": ("Dashboard", "Dashboard"),
    "surplus": ("Überschuss", "Surplus"),
    "deficit": ("Defizit", "Deficit"),
    "a_name": ("Einheit A", "Unit A"),
    "b_name": ("Einheit B", "Unit B"),
    "flow_ab": ("Pendler A→B", "Commuters A→B"),
    "flow_ba": ("Pendler B→A", "Commuters B→A"),
    "flow_total": ("Pendler gesamt", "Commuters total"),
    "share_ab": ("Anteil A→B", "Share A→B"),
    "share_ba": ("Anteil B→A", "Share B→A"),
    "shared_bodies": ("gemeinsame Gremien", "Shared bodies"),
    "other_bodies": ("andere Gremien", "Other bodies"),
    "rank": ("Rang", "Rank"),
    "singletons": ("Einzelregionen", "Singletons"),
    "sc_supply_mean": ("Eigenversorgung Wohnort, Mittel", "Self-containment supply, mean"),
    "sc_supply_min": ("Eigenversorgung Wohnort, Min.", "Self-containment supply, min"),
    "sc_demand_mean": ("Eigenversorgung Arbeitsort, Mittel", "Self-containment demand, mean"),
    "sc_demand_min": ("Eigenversorgung Arbeitsort, Min.", "Self-containment demand, min"),
    "ari_vs_lma": ("ARI gegen LMA", "ARI vs LMA"),
    "vi_vs_lma": ("VI gegen LMA", "VI vs LMA"),
    "vi_normalized": ("VI normiert", "VI normalised"),
    "population_covered": (
        "Anteil der Einwohner in Kooperationsräumen",
        "Share of the population in cooperation areas",
    ),
    "coverage": ("Abdeckung", "Coverage"),
    "precision": ("Präzision", "Precision"),
    "jaccard": ("Jaccard-Index", "Jaccard index"),
    "area": ("Kooperationsraum", "Cooperation area"),
    "self_containment": ("Eigenversorgungsgrad", "Self-containment"),
    "self_containment_supply": ("Eigenversorgung Wohnort", "Self-containment (supply)"),
    "self_containment_demand": ("Eigenversorgung Arbeitsort", "Self-containment (demand)"),
    "internal_share": ("interner Anteil", "Internal share"),
    "strong_ties": ("starke Verflechtungen", "Strong ties"),
    "cross_state_gaps": ("länderübergreifende Lücken", "Cross-state gaps"),
    "most_central_actor": ("zentralster Akteur", "Most central actor"),
    "internal_share_areas": ("interner Anteil Kooperationsräume", "Internal share, areas"),
    "internal_share_functional": ("interner Anteil Stadtregionen", "Internal share, regions"),
    "ari": ("ARI (bereinigter Rand-Index)", "ARI (adjusted Rand index)"),
    "vi": ("Variation of Information", "Variation of information"),
    "modularity": ("Modularität", "Modularity"),
    "stability": ("Stabilität der Stadtregionen", "Stability of the city regions"),
    "stability_map": ("Stabilitätskarte", "Stability map"),
    "unit_stability": ("Stabilität der Zuordnung", "Stability of the assignment"),
    "least_stable": ("Am wenigsten stabile Einheiten", "Least stable units"),
    "stability_pct": ("Stabilität (%)", "Stability (%)"),
    "runs": ("Läufe", "Runs"),
    "run": ("Lauf", "Run"),
    "settings_count": ("Parametersätze", "Parameter settings"),
    "setting": ("Parametersatz", "Setting"),
    "resamples": ("Stichproben je Satz", "Resamples per setting"),
    "resample": ("Stichprobe", "Resample"),
    "resample_seed": ("Startwert", "Seed"),
    "resampling": ("Neuziehung", "Resampling"),
    "consensus_run": ("Konsens-Lauf", "Consensus run"),
    "consensus_regions": ("Konsensregionen", "Consensus regions"),
    "mean_stability": ("mittlere Stabilität", "Mean stability"),
    "units_stable": ("Einheiten stabil in allen Läufen", "Units stable in every run"),
    "units_below_half": ("Einheiten unter 50 %", "Units below 50 %"),
    "mean_self_containment": ("mittlere Eigenversorgung", "Mean self-containment"),
    "target_model_links": ("Zielmodell-Verbindungen", "Target-model links"),
    "metropolitan": ("metropolitanes Gremium", "Metropolitan body"),
    "city_region": ("stadtregionales Gremium", "City-regional body"),
    "thematic": ("thematisches Gremium", "Thematic body"),
    "actor": ("Akteur", "Actor"),
    "level": ("Ebene", "Level"),
    "body_level": ("Ebene des Gremiums", "Body level"),
    "potential_level": ("Potenzialebene", "Potential level"),
    "founded": ("gegründet", "Founded"),
    "dissolved": ("aufgelöst", "Dissolved"),
    "members": ("Mitglieder", "Members"),
    "member": ("Mitglied", "Member"),
    "banzhaf": ("Banzhaf-Index", "Banzhaf index"),
    "shapley_shubik": ("Shapley-Shubik-Index", "Shapley–Shubik index"),
    "weight": ("Gewicht", "Weight"),
    "fee_eur": ("Beitrag (EUR)", "Fee (EUR)"),
    "core": ("Kern", "Core"),
    "core_supply_mwh": ("Kern: Angebot (MWh)", "Core supply (MWh)"),
    "core_demand_mwh": ("Kern: Bedarf (MWh)", "Core demand (MWh)"),
    "core_deficit_mwh": ("Kern: Defizit (MWh)", "Core deficit (MWh)"),
    "ring_supply_mwh": ("Umland: Angebot (MWh)", "Ring supply (MWh)"),
    "ring_demand_mwh": ("Umland: Bedarf (MWh)", "Ring demand (MWh)"),
    "ring_surplus_mwh": ("Umland: Überschuss (MWh)", "Ring surplus (MWh)"),
    "ring_cover_share": ("Deckung des Kernbedarfs durch Umland", "Core demand covered by ring"),
    "ring_cover_share_of_deficit": ("Deckung des Kerndefizits", "Core deficit covered"),
    "region_net_mwh": ("Netto-Bilanz (MWh)", "Net balance (MWh)"),
    "method": ("Methode", "Method"),
    "actor_metrics": ("Kennzahlen der Akteure", "Actor metrics"),
    "body_metrics": ("Kennzahlen der Gremien", "Body metrics"),
    "body_links": ("Verbindungen zwischen Gremien", "Links between bodies"),
    "region_gaps": ("Lücken zwischen Stadtregionen", "Gaps between city regions"),
    "settings": ("Einstellungen", "Settings"),
    "assumptions_kind": ("Annahme", "assumption"),
    "not_run": ("nicht berechnet", "not computed"),
    "offline_note": (
        "Dieser Bericht ist eine einzelne Datei und lädt nichts aus dem Internet.",
        "This report is a single file and loads nothing from the internet.",
    ),
}


#: Result keys and column names of the pipeline (:mod:`cityregions.vocabulary`);
#: the report's own labels above take precedence.
LABELS = {**KEY_LABELS, **LABELS}


#: Keys derived from a labelled key: prefix -> (German, English) text around its label
#: (``expected_gatekeeper`` of a null model, ``p_gatekeeper`` its p-value).
_DERIVED: tuple[tuple[str, tuple[str, str], tuple[str, str]], ...] = (
    ("expected_", ("", ", erwartet bei Zufall"), ("", ", expected at random")),
    ("p_", ("p (", ")"), ("p (", ")")),
)

#: A key qualified by a coded value in brackets: ``flows (municipality)``.
_QUALIFIED = re.compile(r"^(?P<key>[^()]+?) \((?P<value>[^()]+)\)$")


def _pair(key: str) -> tuple[str, str] | None:
    """Return the label pair of ``key``; ``<known>_status`` reads "<label> · Status".

    ``expected_<known>`` and ``p_<known>`` (a null model's expectation and p-value) read
    "<label>, erwartet bei Zufall" and "p (<label>)"; a coded value used as a column
    (a feedstock) reads as its value label.

    ``<known> (<coded value>)`` (a provenance item such as ``flows (municipality)``)
    reads "<label> (<value label>)": "Pendlerverflechtungen (Gemeinde)".
    """
    pair = LABELS.get(key)
    if pair is None and key.endswith("_status") and key[:-7] in LABELS:
        german, english = LABELS[key[:-7]]
        pair = (f"{german} · Status", f"{english} · Status")
    for prefix, (before_de, after_de), (before_en, after_en) in _DERIVED:
        if pair is None and key.startswith(prefix) and key[len(prefix) :] in LABELS:
            german, english = LABELS[key[len(prefix) :]]
            pair = (f"{before_de}{german}{after_de}", f"{before_en}{english}{after_en}")
    if pair is None and key in VALUE_LABELS:  # a coded value as a column (feedstocks)
        pair = VALUE_LABELS[key]
    qualified = _QUALIFIED.match(key) if pair is None else None
    if qualified and qualified["key"] in LABELS and qualified["value"] in VALUE_LABELS:
        (german, english), (value_de, value_en) = (
            LABELS[qualified["key"]],
            VALUE_LABELS[qualified["value"]],
        )
        pair = (f"{german} ({value_de})", f"{english} ({value_en})")
    return pair


def label(key: str, language: str) -> str:
    """Return the plain-text label ``key`` in ``language`` (humanised if unknown)."""
    pair = _pair(key)
    if pair is None:
        return humanise(key)
    return pair[0] if language == "de" else pair[1]


def bilingual(german: str, english: str) -> str:
    """Return HTML with both language variants, one shown at a time by the stylesheet."""
    if german == english:
        return escape(german)
    return f'<span class="t-de">{escape(german)}</span><span class="t-en">{escape(english)}</span>'


def tr(key: str) -> str:
    """Return the bilingual HTML of label ``key`` (the humanised key if unknown)."""
    pair = _pair(key)
    if pair is None:
        return escape(humanise(key))
    return bilingual(*pair)


def tr_value(value: Any) -> str | None:
    """Return the bilingual HTML of a coded value (``silage_maize``), or None if not coded."""
    pair = VALUE_LABELS.get(str(value)) if isinstance(value, str) else None
    return None if pair is None else bilingual(*pair)


def value_label(value: Any, language: str) -> str:
    """Return the plain-text display of a coded value in ``language`` (else the value)."""
    pair = VALUE_LABELS.get(str(value)) if isinstance(value, str) else None
    if pair is None:
        return str(value)
    return pair[0] if language == "de" else pair[1]


def tr_message(text: Any) -> str:
    """Return a step's note in both languages if it is a known one, else escaped as is.

    Besides the fixed :data:`~cityregions.vocabulary.MESSAGES`, a note "not run: needs
    …" is translated phrase by phrase (:data:`~cityregions.vocabulary.NEEDS`).
    """
    pair = message_pair(str(text))
    return escape(str(text)) if pair is None else bilingual(*pair)


def message_pair(text: str) -> tuple[str, str] | None:
    """Return German and English of a step's note, or None if it has no translation.

    Fixed notes (:data:`~cityregions.vocabulary.MESSAGES`), "not run: needs …" notes
    (:func:`needs_message`) and sentences with figures or names in them
    (:data:`~cityregions.vocabulary.SENTENCES`; "; "-joined sentences when each one
    is known).
    """
    pair = MESSAGES.get(text) or needs_message(text)
    if pair is not None:
        return pair
    whole = _sentence(text)  # a "; " inside brackets belongs to the sentence
    if whole is not None:
        return whole, text
    german = [_sentence(part) for part in text.split("; ")]
    if not text or any(part is None for part in german):
        return None
    return "; ".join(part for part in german if part is not None), text


def _sentence(text: str) -> str | None:
    """Return the German of one sentence of :data:`~cityregions.vocabulary.SENTENCES`.

    A group written ``{0:n}`` in the German template is a number and reads as German
    numbers do (:func:`german_number`: ``37772`` -> ``37 772``); other groups (names,
    dates, years, ids) are inserted as written.
    """
    for pattern, german in SENTENCES:
        match = re.fullmatch(pattern, text)
        if match:
            groups = (_Group(g) if isinstance(g, str) else g for g in match.groups())
            return german.format(*groups)
    return None


class _Group(str):
    """A group of a sentence; the format spec ``n`` shows it as a German number."""

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        return german_number(str(self)) if spec == "n" else str.__format__(str(self), spec)


#: Separator of thousands in numbers of both languages (a narrow no-break space,
#: ISO 31-0), as :func:`cityregions.report.svg.fmt_number` writes it in every table.
THOUSANDS = "\u202f"

#: The minus sign of German numbers (U+2212; English keeps the hyphen-minus "-").
MINUS = "\u2212"

#: How each language writes a number, for the dashboard's script (which formats the
#: numbers of its tooltips and tables by this, as :func:`german_number` does here).
NUMBER_FORMATS: dict[str, dict[str, str]] = {
    "de": {"decimal": ",", "minus": MINUS, "thousands": THOUSANDS},
    "en": {"decimal": ".", "minus": "-", "thousands": THOUSANDS},
}

_PLAIN_NUMBER = re.compile(r"(-?)(\d+)(?:\.(\d+))?")


def german_number(number: str) -> str:
    """Return a number written the English way as German text shows it.

    A plain number (``-37772.5``, also with thousands already separated) gets its
    thousands separated by :data:`THOUSANDS`, as the tables do, a decimal comma and the
    minus sign :data:`MINUS`. Other text (a formatted number with a unit, ``1e-05``)
    gets the decimal comma and, for a negative number, the minus sign only. English
    texts and CSV files are never passed through this.

    Examples
    --------
    >>> from cityregions.i18n import german_number
    >>> german_number("-37772.5") == "\u221237\u202f772,5"
    True
    >>> german_number("0.556"), german_number("2019")
    ('0,556', '2\u202f019')
    >>> german_number("-1\u202f234 MWh") == "\u22121\u202f234 MWh"
    True
    """
    plain = _PLAIN_NUMBER.fullmatch(number.replace(THOUSANDS, ""))
    if plain is None:
        german = re.sub(r"(?<![\w.,])-(?=\d)", MINUS, number)
        return german.replace(".", ",")
    sign, whole, fraction = plain.groups()
    grouped = f"{int(whole):,}".replace(",", THOUSANDS)
    rule = NUMBER_FORMATS["de"]
    decimals = f"{rule['decimal']}{fraction}" if fraction else ""
    return (rule["minus"] if sign else "") + grouped + decimals


def coefficient_pair(name: str, description: str | None = None) -> tuple[str, str]:
    """Return the German and English name of an energy coefficient (``straw_rpr``).

    German from :data:`~cityregions.vocabulary.COEFFICIENTS_DE`; English is the
    coefficient file's ``description`` without its remark in brackets (the humanised
    name without one), which is also the German fallback.

    Examples
    --------
    >>> coefficient_pair("straw_rpr", "Straw-to-grain ratio (residue-to-product)")
    ('Korn-Stroh-Verhältnis', 'Straw-to-grain ratio')
    """
    english = description.split(" (")[0] if description else humanise(name)
    return COEFFICIENTS_DE.get(name, english), english


def unit_pair(unit: str) -> tuple[str, str]:
    """Return the German and English spelling of a coefficient's unit.

    German from :data:`~cityregions.vocabulary.UNITS_DE`, else the unit as written.

    Examples
    --------
    >>> unit_pair("share"), unit_pair("t FM/ha")
    (('Anteil', 'share'), ('t FM/ha', 't FM/ha'))
    """
    return UNITS_DE.get(unit, unit), unit


def needs_message(text: str) -> tuple[str, str] | None:
    """Return German and English of "not run: needs X and Y", or None for other texts.

    Every phrase of the list must be known (:data:`~cityregions.vocabulary.NEEDS`);
    the English reads "not computed: needs …".
    """
    prefix = "not run: needs "
    if not text.startswith(prefix):
        return None
    english = text[len(prefix) :]
    german = english
    german = re.sub(r"\bthe (\w+) extra\b", r"das Zusatzpaket \1", german)
    leftover = re.sub(r"\bthe \w+ extra\b|\(pip install [^)]*\)", " ", english)
    for phrase in sorted(NEEDS, key=len, reverse=True):
        german = german.replace(phrase, NEEDS[phrase])
        leftover = leftover.replace(phrase, " ")
    if re.sub(r"\b(and|or)\b|[\s,;()]", "", leftover):
        return None  # a phrase without translation: keep the note as it is
    german = re.sub(r"\band\b", "und", re.sub(r"\bor\b", "oder", german))
    return f"nicht berechnet: benötigt {german}", f"not computed: needs {english}"
