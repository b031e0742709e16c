"""A *case*: a folder with ``case.toml`` naming its inputs.

The bundled Mitteldeutschland case is just a case that ships with the package
(:func:`bundled_case_path`). ``case.toml`` has these tables (paths relative to the
folder; every table but ``[units]`` is optional)::

    name = "Metropolregion Mitteldeutschland"
    language = "de"                       # default language of reports
    [units]
    file = "districts.csv"                # CSV/Parquet/GeoPackage/GeoJSON read by read_units
    layer = "vg250_krs"                   # optional: the layer of a multi-layer GeoPackage
    id_column = "unit"
    polygons = "districts.geojson"        # optional polygons keyed by the same ids
    [flows]
    file = "flows.csv"                    # observed flows; without it flows are modeled
    sum_duplicates = false                # true: sum a pair listed twice (else an error)
    flows_provenance = "observed"         # or "completed"; the old key "provenance" is
                                          # still read, with a deprecation warning
    model = "radiation"                   # model used when no file is given
    totals = "totals.csv"                 # optional unit,residents,jobs: complete totals
                                          # (flows beyond the table; FlowTable.with_totals)
    caveat = "ten largest links per unit" # optional: shown wherever the flows are
    [registry]
    path = "registry"                     # YAML file or folder
    [partnership]
    scenarios = "scenarios"               # folder of scenario files
    [energy]
    inputs = "energy_inputs.csv"

A case may hold further *levels* of units (e.g. the municipalities of its districts):
each ``[levels.<unit_level>]`` table has its own ``[units]``, ``[flows]`` and
``[delineation]`` tables (same keys as above) and a ``name``; the registry and the
attribution are the case's. :meth:`Case.level` returns a level as a :class:`Case` of its
own, so every step runs on it unchanged::

    attribution = ["Statistik der Bundesagentur für Arbeit", "© GeoBasis-DE / BKG"]
    [levels.municipality]
    name = "Gemeinden"
    [levels.municipality.units]
    file = "municipalities.csv"
    polygons = "municipalities.geojson"
    [levels.municipality.flows]
    file = "flows_municipalities.parquet"
    flows_provenance = "modeled"
    [levels.municipality.delineation]
    central_places = "central_places.csv"
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from cityregions._errors import InputError
from cityregions._toml import parse_toml
from cityregions.constants import FLOWS_PROVENANCES
from cityregions.flows import FlowTable
from cityregions.territory import Territory

logger = logging.getLogger(__name__)


#: The top-level keys of ``case.toml`` that are not tables.
CASE_SETTINGS: tuple[str, ...] = ("name", "language", "attribution")
#: The tables a ``[levels.<unit_level>]`` table may hold (keys as in :data:`CASE_KEYS`),
#: besides its ``name``.
LEVEL_TABLES: tuple[str, ...] = ("units", "flows", "delineation")
#: The tables of ``case.toml`` and the keys each may hold. Anything else is an error
#: naming the allowed names (a typo such as ``[flow]`` must not be ignored silently).
#: A step that reads a new key declares it here (``tests/pipeline/test_case_keys.py``
#: finds every key the pipeline reads and fails on an undeclared one).
CASE_KEYS: dict[str, tuple[str, ...]] = {
    "units": ("file", "layer", "id_column", "polygons", "provenance"),
    "flows": (
        "file",
        "flows_provenance",
        "provenance",
        "model",
        "sum_duplicates",
        "totals",
        "caveat",
    ),
    "delineation": ("lma", "leiden_resolution", "fua_cities", "central_places"),
    "stability": (
        "method",
        "grid",
        "bootstrap",
        "resampling",
        "seed",
        "scheduler",
        "workers",
        "pairs",
    ),
    "registry": ("path", "as_of", "min_flow", "min_share"),
    "partnership": ("scenarios",),
    "energy": (
        "inputs",
        "coefficients",
        "cores",
        "potential_level",
        "level",
        "carrier",
        "cover_share",
        "biogas_path",
        "solid_path",
        "sites",
        "focus",
        "samples",
        "seed",
        "full_load_hours",
    ),
}


def check_case_keys(config: dict[str, Any], *, source: str | Path) -> None:
    """Raise unless every key of a parsed ``case.toml`` is a known setting or table key.

    Parameters
    ----------
    config
        The parsed ``case.toml``.
    source
        The file, for the message.

    Raises
    ------
    InputError
        For the first unknown top-level key or table (listing the allowed ones), a
        table given as a plain value, or an unknown key in a table (listing its keys).

    Examples
    --------
    >>> check_case_keys({"name": "x", "units": {"file": "u.csv"}}, source="case.toml")
    >>> check_case_keys({"flow": {"file": "f.csv"}}, source="case.toml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cityregions._errors.InputError: case.toml, [flow]: unknown table [flow]; ...
    """
    tables = ", ".join(f"[{name}]" for name in (*CASE_KEYS, "levels"))
    for key, value in config.items():
        if key in CASE_SETTINGS:
            continue
        if key == "levels" and isinstance(value, dict):
            _check_level_keys(value, source=source)
            continue
        if key not in CASE_KEYS:
            kind = "table" if isinstance(value, dict) else "key"
            msg = (
                f"unknown {kind} {'[' + key + ']' if kind == 'table' else repr(key)}; "
                f"case.toml has the keys {', '.join(CASE_SETTINGS)} and the tables {tables}"
            )
            raise InputError(msg, source=source, location=f"[{key}]" if kind == "table" else None)
        if not isinstance(value, dict):
            msg = f"[{key}] must be a table (a [{key}] section with keys), got {value!r}"
            raise InputError(msg, source=source, field=key)
        unknown = [name for name in value if name not in CASE_KEYS[key]]
        if unknown:
            allowed = ", ".join(CASE_KEYS[key])
            msg = f"unknown key {unknown[0]!r} in [{key}]; its keys are {allowed}"
            raise InputError(msg, source=source, location=f"[{key}]", field=unknown[0])


def _check_level_keys(levels: dict[str, Any], *, source: str | Path) -> None:
    """Raise unless each ``[levels.<name>]`` holds a name and the tables of a level."""
    for name, table in levels.items():
        where = f"[levels.{name}]"
        if not isinstance(table, dict):
            msg = f"{where} must be a table with [units] and [flows], got {table!r}"
            raise InputError(msg, source=source, location=where)
        for key, value in table.items():
            if key == "name":
                continue
            if key not in LEVEL_TABLES or not isinstance(value, dict):
                allowed = ", ".join(f"[levels.{name}.{t}]" for t in LEVEL_TABLES)
                msg = f"unknown key {key!r}; a level has a name and the tables {allowed}"
                raise InputError(msg, source=source, location=where, field=key)
            unknown = [k for k in value if k not in CASE_KEYS[key]]
            if unknown:
                msg = f"unknown key {unknown[0]!r}; its keys are {', '.join(CASE_KEYS[key])}"
                raise InputError(
                    msg, source=source, location=f"[levels.{name}.{key}]", field=unknown[0]
                )


def bundled_case_path(name: str = "mitteldeutschland") -> Path:
    """Return the folder of a case that ships with the package."""
    path = Path(__file__).parent.parent / "cases" / name
    if not (path / "case.toml").is_file():
        msg = f"no bundled case '{name}' (expected {path / 'case.toml'})"
        raise InputError(msg, source=str(path))
    return path


@dataclass(frozen=True, eq=False)
class Case:
    """A case folder and its parsed ``case.toml``; inputs are read lazily.

    Parameters
    ----------
    root
        The case folder.
    config
        The parsed ``case.toml``.
    """

    root: Path
    config: dict[str, Any] = field(default_factory=dict)
    #: ``levels.<name>.`` for a level of the case (:meth:`level`), for messages.
    section: str = ""

    @property
    def name(self) -> str:
        """Human-readable name of the case."""
        return str(self.config.get("name", self.root.name))

    @property
    def attribution(self) -> list[str]:
        """Attribution lines the sources require (``attribution`` in ``case.toml``).

        Every output that shows the case's data (report, dashboard, GeoPackage) names
        them.
        """
        value = self.config.get("attribution", [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            msg = f"expected a list of texts, got {value!r}"
            raise InputError(msg, source=self.root / "case.toml", field="attribution")
        return list(value)

    @property
    def unit_level(self) -> str | None:
        """The unit level of a level of the case (:meth:`level`), None for the case itself."""
        return self.section.split(".")[1] if self.section else None

    def levels(self) -> list[str]:
        """Names of the further unit levels of the case (``[levels.<name>]``), sorted."""
        return sorted(self.config.get("levels", {}))

    def level(self, unit_level: str) -> Case:
        """Return the level ``unit_level`` as a case of its own (same folder and registry).

        Raises
        ------
        InputError
            If the case has no such level.
        """
        levels = self.config.get("levels", {})
        if unit_level not in levels:
            msg = f"no level {unit_level!r}; the case has {self.levels() or 'none'}"
            raise InputError(msg, source=self.root / "case.toml", field="levels")
        table = levels[unit_level]
        config = {key: table[key] for key in LEVEL_TABLES if key in table}
        config["name"] = f"{self.name} – {table.get('name', unit_level)}"
        for key in ("language", "attribution", "registry"):
            if key in self.config:
                config[key] = self.config[key]
        return Case(root=self.root, config=config, section=f"levels.{unit_level}.")

    @property
    def flows_caveat(self) -> str | None:
        """What a reader must know of the flows (``[flows] caveat``), or None."""
        value = self.config.get("flows", {}).get("caveat")
        return None if value is None else str(value)

    @property
    def language(self) -> str:
        """Default language of reports (``de`` or ``en``)."""
        return str(self.config.get("language", "en"))

    def path(self, table: str, key: str) -> Path | None:
        """Return the path named by ``[table] key`` in ``case.toml``, or None if absent.

        Raises
        ------
        InputError
            If the file named there does not exist, or points outside the case folder.
        """
        value = self.config.get(table, {}).get(key)
        if value is None:
            return None
        path = (self.root / str(value)).resolve()
        if not path.is_relative_to(self.root.resolve()):
            msg = f"path {value!r} points outside the case folder"
            raise InputError(
                msg, source=self.root / "case.toml", location=self.table_location(table), field=key
            )
        if not path.exists():
            msg = f"file {value!r} does not exist"
            raise InputError(
                msg, source=self.root / "case.toml", location=self.table_location(table), field=key
            )
        return path

    @cached_property
    def territory(self) -> Territory:
        """The territorial units of the case."""
        from cityregions.io.tables import read_units

        units = self.config.get("units", {})
        path = self.path("units", "file")
        if path is None:
            msg = "a case needs [units] file = ..."
            raise InputError(
                msg,
                source=self.root / "case.toml",
                location=self.table_location("units"),
                field="file",
            )
        return read_units(
            path,
            id_column=units.get("id_column"),
            polygons=self.path("units", "polygons"),
            provenance_file=self.path("units", "provenance"),
            layer=units.get("layer"),
        )

    @cached_property
    def flows(self) -> FlowTable:
        """Observed flows if the case names a file, otherwise flows modeled from the units."""
        from cityregions.flowmodels import MODELS, estimate_flows
        from cityregions.io.tables import read_flows

        path = self.path("flows", "file")
        if path is not None:
            provenance = self._flows_provenance()
            flows = read_flows(
                path,
                units=self.territory,
                flows_provenance=provenance,  # type: ignore[arg-type]
                sum_duplicates=self._flag("flows", "sum_duplicates"),
            )
            return self._with_totals(flows)
        model = self._choice("flows", "model", MODELS, "radiation")
        logger.info("no observed flows in %s: modeling them with the %s model", self.name, model)
        return estimate_flows(self.territory, model=model)  # type: ignore[arg-type]

    def _with_totals(self, flows: FlowTable) -> FlowTable:
        """The flows with the complete totals of ``[flows] totals``, when given."""
        path = self.path("flows", "totals")
        if path is None:
            return flows
        from cityregions.io.totals import read_totals

        table = read_totals(path, units=flows.ids)
        return flows.with_totals(table["residents"], table["jobs"], source=str(path))

    def _flows_provenance(self) -> str:
        """Return ``[flows] flows_provenance``; the old key ``provenance`` still works.

        The old key gives a :class:`FutureWarning` naming the new one; giving both is an
        error.
        """
        flows = self.config.get("flows", {})
        if "provenance" not in flows:
            return self._choice("flows", "flows_provenance", FLOWS_PROVENANCES, "observed")
        where = self.root / "case.toml"
        if "flows_provenance" in flows:
            msg = "give flows_provenance only (provenance is its old name)"
            raise InputError(
                msg, source=where, location=self.table_location("flows"), field="provenance"
            )
        warnings.warn(
            f"{where}: [flows] provenance is deprecated; write flows_provenance = "
            f"{flows['provenance']!r} instead",
            FutureWarning,
            stacklevel=3,
        )
        return self._choice("flows", "provenance", FLOWS_PROVENANCES, "observed")

    def table_location(self, table: str) -> str:
        """Where ``table`` is in ``case.toml``, e.g. ``[levels.municipality.flows]``."""
        return f"[{self.section}{table}]"

    def _flag(self, table: str, key: str) -> bool:
        """Return ``[table] key`` of ``case.toml`` if it is true or false (default false)."""
        value = self.config.get(table, {}).get(key, False)
        if not isinstance(value, bool):
            msg = f"expected true or false, got {value!r}"
            raise InputError(
                msg, source=self.root / "case.toml", location=self.table_location(table), field=key
            )
        return value

    def _choice(self, table: str, key: str, allowed: tuple[str, ...], default: str) -> str:
        """Return ``[table] key`` of ``case.toml`` if it is one of ``allowed``; else raise."""
        value = self.config.get(table, {}).get(key, default)
        if value not in allowed:
            msg = f"{value!r} is not one of {', '.join(allowed)}"
            raise InputError(
                msg, source=self.root / "case.toml", location=self.table_location(table), field=key
            )
        return str(value)


def load_case(root: str | Path) -> Case:
    """Read ``case.toml`` in ``root`` and return the :class:`Case`.

    Raises
    ------
    InputError
        If the folder or ``case.toml`` is missing, not valid TOML, or has a key or
        table that is not in :data:`CASE_KEYS` (:func:`check_case_keys`).
    """
    root = Path(root)
    toml_path = root / "case.toml"
    if not toml_path.is_file():
        msg = "not a case folder: expected a case.toml naming the inputs"
        raise InputError(msg, source=root)
    try:
        text = toml_path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        msg = f"not valid TOML: {error}"
        raise InputError(msg, source=toml_path) from error
    config = parse_toml(text, source=toml_path)
    check_case_keys(config, source=toml_path)
    return Case(root=root, config=config)
