"""Read partnership scenario files (YAML or TOML) into checked scenarios.

The file format is described in :mod:`cityregions.partnership.scenarios`. A file is
either a complete scenario, a *variant* (``base`` + ``changes``) or a scenario composed
``from_registry`` (reading the registry and, optionally, a unit table for population).
Every problem ends in one :class:`~cityregions.InputError` naming the file and field.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from cityregions._errors import InputError
from cityregions._toml import parse_toml
from cityregions.io._yaml import load_yaml
from cityregions.partnership.scenarios import (
    Changes,
    Scenario,
    TopRule,
    apply_changes,
    population_from_units,
    scenario_from_registry,
)
from cityregions.registry import for_units, parse_as_of

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = "the scenario file does not exist"
        raise InputError(msg, source=path) from None
    except (OSError, UnicodeDecodeError) as error:
        msg = f"cannot read scenario file: {getattr(error, 'strerror', None) or error}"
        raise InputError(msg, source=path) from None
    try:
        data = (
            parse_toml(text, source=path)
            if path.suffix == ".toml"
            else load_yaml(text, source=path)
        )
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        msg = f"not valid YAML: {problem}"
        raise InputError(msg, source=path, location=where) from None
    if not isinstance(data, dict):
        msg = "a scenario file must hold a mapping (name, members, blocs, top, fees)"
        raise InputError(msg, source=path)
    return data


def _validation_error(error: ValidationError, path: Path) -> InputError:
    first = error.errors()[0]
    loc = [str(x) for x in first["loc"]]
    if first["type"] == "extra_forbidden" and loc:
        key = loc.pop()
        message = f"unknown key '{key}' (check the spelling; see the scenario file format)"
        return InputError(message, source=path, location=".".join(loc) or None, field=key)
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] not in ("value_error", "assertion_error") and loc:
        message = f"{message} (got {first.get('input')!r})"
    return InputError(message, source=path, field=".".join(loc) or None)


def read_scenario(path: str | Path, *, _depth: int = 0) -> Scenario:
    """Read and check a scenario file (YAML or TOML), resolving its ``base``.

    Members that name ``units`` get their population from the scenario's
    ``population_from`` table (see :func:`member_population`).

    Raises
    ------
    InputError
        Unreadable file, unknown keys, a member listed twice, a bloc without members,
        bad values, units missing from the population table — naming the file and the
        field.
    """
    path = Path(path)
    scenario, _ = _read_scenario(path, _depth)
    scenario._source = str(path)
    return scenario


def _read_scenario(path: Path, _depth: int) -> tuple[Scenario, Path | None]:
    """The scenario of ``path`` and the population table it (or its base) names."""
    data = _read_mapping(path)
    if "from_registry" in data:
        return _from_registry_file(data, path), None
    table = (
        _relative(path, str(data["population_from"]), field="population_from")
        if data.get("population_from") is not None
        else None
    )
    _check_units_or_population(data, path)
    base_name = data.pop("base", None)
    try:
        if base_name is None:
            return _with_population(Scenario.model_validate(data), table, path), table
        if _depth > 5:
            msg = "scenario bases nest more than five levels (a cycle?)"
            raise InputError(msg, source=path, field="base")
        base_path = path.parent / str(base_name)
        if not base_path.is_file():
            msg = f"the base scenario {str(base_name)!r} does not exist (looked for {base_path})"
            raise InputError(msg, source=path, field="base")
        base, base_table = _read_scenario(base_path, _depth + 1)
        base._source = str(base_path)
        table = table or base_table
        changes = Changes.model_validate(data.pop("changes", {}) or {})
        merged = apply_changes(base, changes, path)
        # a variant keeps its base's assumptions (English and German) and sources and
        # adds its own; its own title and description replace the base's in both languages
        for key in ("assumptions", "assumptions_de", "sources"):
            own = data.pop(key, None) or []
            merged[key] = [*base.model_dump()[key], *(x for x in own if x not in merged[key])]
        for key in ("title", "description"):
            if key in data and f"{key}_de" not in data:
                merged[f"{key}_de"] = None  # not the base's German of another text
        merged.update(data)
        if "title" not in data:
            merged["title"] = data.get("name", merged["name"])
            merged["title_de"] = data.get("title_de")
        return _with_population(Scenario.model_validate(merged), table, path), table
    except ValidationError as error:
        raise _validation_error(error, path) from None


@lru_cache(maxsize=8)
def _population_table(path: Path, stamp: float) -> tuple[pd.Series, str]:
    """Population by unit id of a unit table, and its source (cached per file version)."""
    from cityregions.io.tables import read_units

    territory = read_units(path)
    if "population" not in territory.units.columns:
        columns = ", ".join(map(str, territory.units.columns))
        msg = f"the unit table has no population column (columns: {columns})"
        raise InputError(msg, source=path, field="population")
    return territory.units["population"].astype(float), _population_source(path)


def _population_source(path: Path) -> str:
    """``<file>: <source of its population column>`` from the table's own provenance
    file beside it (``<stem>-provenance.csv`` or ``<stem>_provenance.csv``, rows
    ``field,source,...``), else the file name alone."""
    from cityregions.io._text import read_frame

    for candidate in (
        path.with_name(f"{path.stem}-provenance.csv"),
        path.with_name(f"{path.stem}_provenance.csv"),
    ):
        if not candidate.is_file():
            continue
        table = read_frame(candidate)  # checked like every table: encoding, NUL, fields
        if {"field", "source"} <= set(table.columns):
            rows = table[table["field"] == "population"]
            if len(rows):
                return f"{path.name}: {rows['source'].iloc[0]}"
    return path.name


def member_population(population: pd.Series, units: list[str]) -> tuple[float, int] | None:
    """Population of a member standing for ``units``, and how many table rows it sums.

    A unit id in the table counts its own row; an id that is the beginning of table ids
    (a 5-digit district key in a table of 8-digit municipal keys) sums those rows (as
    :func:`cityregions.registry.for_units` maps such keys). None if a unit matches
    nothing or a matched row has no population.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.Series({"14729010": 10.0, "14729020": 5.0, "14713000": 600.0})
    >>> member_population(table, ["14729"]), member_population(table, ["14713000"])
    ((15.0, 2), (600.0, 1))
    """
    total, rows = 0.0, 0
    ids = population.index.astype(str)
    for unit in units:
        matched = (
            population[ids == unit]
            if unit in population.index
            else population[ids.str.startswith(unit)]
        )
        if matched.empty or matched.isna().any():
            return None
        total += float(matched.sum())
        rows += len(matched)
    return total, rows


def _check_units_or_population(data: dict[str, Any], path: Path) -> None:
    """A member written in this file gives units or a population, not both."""
    changes = data.get("changes") if isinstance(data.get("changes"), dict) else {}
    written = [*(data.get("members") or []), *((changes or {}).get("add_members") or [])]
    for member in written:
        if isinstance(member, dict) and member.get("units") and "population" in member:
            msg = (
                f"member '{member.get('id')}' gives both units and population; give one "
                "of them (units take the population from population_from)"
            )
            raise InputError(msg, source=path, location=str(member.get("id")), field="population")


def _with_population(scenario: Scenario, table: Path | None, path: Path) -> Scenario:
    """Fill the population of members that name ``units`` from the population table."""
    if not any(m.units for m in scenario.members):
        return scenario
    if table is None:
        member = next(m for m in scenario.members if m.units)
        msg = (
            f"member '{member.id}' names units but the scenario has no population_from "
            "(a unit table with a population column)"
        )
        raise InputError(msg, source=path, location=member.id, field="population_from")
    population, source = _population_table(table, table.stat().st_mtime)
    members = []
    for member in scenario.members:
        if not member.units:
            members.append(member)
            continue
        found = member_population(population, member.units)
        if found is None:
            msg = (
                f"member '{member.id}': units {', '.join(member.units)} are not (all) in "
                f"{table.name} with a population"
            )
            raise InputError(msg, source=path, location=member.id, field="units")
        value, rows = found
        note = f"{source}" + (f" (sum of {rows} units)" if rows > 1 else "")
        members.append(member.model_copy(update={"population": value, "source": note}))
    return scenario.model_copy(update={"members": members})


class RegistrySource(BaseModel):
    """``from_registry`` block of a scenario file (paths relative to the file)."""

    model_config = ConfigDict(extra="forbid")

    path: str
    body: str
    as_of: str | dt.date
    city_regions: bool = True
    units: str | None = None
    population_field: str = "population"


def _relative(scenario: Path, value: str, *, field: str) -> Path:
    """Resolve a path written in a scenario file; a missing one names the scenario file.

    Paths are relative to the scenario file's folder (a copied scenario often keeps a
    ``../districts.csv`` that no longer resolves).
    """
    target = scenario.parent / value
    if not target.exists():
        msg = (
            f"{value!r} does not exist (looked for {target}; paths in a scenario file are "
            "relative to the scenario file's folder)"
        )
        raise InputError(msg, source=scenario, field=field)
    return target


#: Keys of a ``from_registry`` scenario file that describe it (beside ``from_registry``
#: and ``top``); the German versions are shown by the German report and dashboard.
_TEXT_KEYS = (
    "title", "description", "sources", "assumptions",
    "title_de", "description_de", "assumptions_de",
)  # fmt: skip


def _from_registry_file(data: dict[str, Any], path: Path) -> Scenario:
    from cityregions.io.registry_yaml import read_registry
    from cityregions.io.tables import read_units

    unknown = sorted(set(data) - {"from_registry", "top", "name", *_TEXT_KEYS})
    if unknown:
        allowed = ", ".join(("from_registry", "top", "name", *_TEXT_KEYS))
        msg = f"unknown key {unknown[0]!r} in a from_registry scenario; allowed: {allowed}"
        raise InputError(msg, source=path, field=unknown[0])
    try:
        source = RegistrySource.model_validate(data.pop("from_registry"))
        top = TopRule.model_validate(data.pop("top", {}))
    except ValidationError as error:
        raise _validation_error(error, path) from None
    as_of = parse_as_of(source.as_of, field="from_registry.as_of", source=path)
    registry = read_registry(_relative(path, source.path, field="from_registry.path"))
    population: dict[str, float] = {}
    note = "registry (no population)"
    if source.units is not None:
        units = read_units(_relative(path, source.units, field="from_registry.units"))
        if source.population_field not in units.units.columns:
            msg = (
                f"the units {source.units!r} have no column {source.population_field!r} "
                f"(columns: {', '.join(map(str, units.units.columns))})"
            )
            raise InputError(msg, source=path, field="from_registry.population_field")
        registry = for_units(registry, units.ids)  # e.g. district keys -> municipalities
        population = population_from_units(registry, units.units[source.population_field])
        units_path = _relative(path, source.units, field="from_registry.units")
        note = f"sum over the actor's units in {_population_source(units_path)}"
    try:
        scenario = scenario_from_registry(
            registry,
            source.body,
            as_of=as_of,
            population=population,
            city_regions=source.city_regions,
            name=data.get("name"),
            top=top,
            source=note,
        )
    except InputError as error:
        if error.source is not None:
            raise
        where = f"{path}, registry {source.path} on {as_of.isoformat()}"
        raise InputError(
            error.message, source=where, location=error.location, field=error.field
        ) from None
    extra = {k: v for k, v in data.items() if k in _TEXT_KEYS}
    return scenario.model_copy(update=extra)


__all__ = ["RegistrySource", "member_population", "read_scenario"]
