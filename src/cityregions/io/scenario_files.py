"""Read partnership scenario files (YAML or TOML) into checked scenarios.

The file format is described in :mod:`cityregions.partnership.scenarios`. A file is
either a complete scenario, a *variant* (``base`` + ``changes``) or a scenario composed
``from_registry`` (reading the registry and, optionally, a unit table for population).
Every problem ends in one :class:`~cityregions.InputError` naming the file and field.
"""

from __future__ import annotations

import datetime as dt
import logging
import tomllib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from cityregions._errors import InputError
from cityregions.io._yaml import load_yaml
from cityregions.partnership.scenarios import (
    Changes,
    Scenario,
    TopRule,
    apply_changes,
    population_from_units,
    scenario_from_registry,
)
from cityregions.registry import parse_as_of

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
        data = tomllib.loads(text) if path.suffix == ".toml" else load_yaml(text, source=path)
    except tomllib.TOMLDecodeError as error:
        msg = f"not valid TOML: {error}"
        raise InputError(msg, source=path) from None
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

    Raises
    ------
    InputError
        Unreadable file, unknown keys, a member listed twice, a bloc without members,
        bad values — naming the file and the field.
    """
    path = Path(path)
    scenario = _read_scenario(path, _depth)
    scenario._source = str(path)
    return scenario


def _read_scenario(path: Path, _depth: int) -> Scenario:
    data = _read_mapping(path)
    if "from_registry" in data:
        return _from_registry_file(data, path)
    base_name = data.pop("base", None)
    try:
        if base_name is None:
            return Scenario.model_validate(data)
        if _depth > 5:
            msg = "scenario bases nest more than five levels (a cycle?)"
            raise InputError(msg, source=path, field="base")
        base_path = path.parent / str(base_name)
        if not base_path.is_file():
            msg = f"the base scenario {str(base_name)!r} does not exist (looked for {base_path})"
            raise InputError(msg, source=path, field="base")
        base = read_scenario(base_path, _depth=_depth + 1)
        changes = Changes.model_validate(data.pop("changes", {}) or {})
        merged = apply_changes(base, changes, path)
        # a variant keeps its base's assumptions and sources and adds its own
        for key in ("assumptions", "sources"):
            own = data.pop(key, None) or []
            merged[key] = [*base.model_dump()[key], *(x for x in own if x not in merged[key])]
        merged.update(data)
        if "title" not in data:
            merged["title"] = data.get("name", merged["name"])
        return Scenario.model_validate(merged)
    except ValidationError as error:
        raise _validation_error(error, path) from None


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


def _from_registry_file(data: dict[str, Any], path: Path) -> Scenario:
    from cityregions.io.registry_yaml import read_registry
    from cityregions.io.tables import read_units

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
        population = population_from_units(registry, units.units[source.population_field])
        note = f"sum over the actor's units in {source.units}"
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
    extra = {
        k: v for k, v in data.items() if k in ("title", "description", "sources", "assumptions")
    }
    return scenario.model_copy(update=extra)


__all__ = ["RegistrySource", "read_scenario"]
