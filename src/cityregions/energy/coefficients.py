"""Coefficients of the bioenergy module: loaded from TOML, validated, overridable.

The shipped file ``coefficients.toml`` holds every number of the calculation chain with
its unit, default, low-high range and source. :func:`load_coefficients` reads it (or a
complete replacement) and merges an optional user file over it; each entry is checked by
a pydantic model: a missing unit, a number that is not finite or is negative, a value
outside its range, an unknown feedstock group or an unknown coefficient name is an
:class:`~cityregions.InputError` naming the file, the entry and the field.

A coefficient the research notes could not source (``not_found = true``) is a
*documented parameter without a default*: its value is NaN until a user file gives one,
and the part of the chain that needs it stays empty with a status naming it.

The ranges are not scenarios: they feed the one-at-a-time sensitivity and the Monte
Carlo of :mod:`cityregions.energy.uncertainty`.

Examples
--------
>>> coefficients = load_coefficients()
>>> coefficients.value("ch4_lhv")
9.97
>>> coefficients.bounds("energy_crop_share_cap")
(0.05, 0.1, 0.3)
>>> import math
>>> math.isnan(coefficients.value("boiler_full_load_hours"))
True
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from cityregions._errors import InputError
from cityregions._toml import parse_toml

logger = logging.getLogger(__name__)

#: The feedstocks of the module, in output order.
FEEDSTOCKS: tuple[str, ...] = (
    "silage_maize",
    "grass_silage",
    "cereal_straw",
    "cattle_slurry",
    "pig_slurry",
    "solid_cattle_manure",
    "poultry_manure",
    "horse_manure",
    "forest_residues",
    "biowaste",
    "sewage_gas",
)
#: Groups of coefficients that are not feedstocks.
OTHER_GROUPS: tuple[str, ...] = (
    "constants",
    "conversion",
    "current_use",
    "logistics",
    "costs",
    "ghg",
    "livestock_units",
    "demand",
)

DEFAULT_FILE = Path(__file__).with_name("coefficients.toml")
_SHARE_UNITS = {"share"}
_NUMBERS = ("default", "low", "high")


class Coefficient(BaseModel):
    """One coefficient: value range, unit and source.

    ``low <= default <= high`` is enforced; numbers must be finite and not negative, and
    shares must lie in [0, 1]. With ``not_found = true`` the three numbers are absent
    (a documented parameter without a sourced value).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    group: str
    description: str
    unit: str
    default: float | None = None
    low: float | None = None
    high: float | None = None
    source: str
    assumption: bool = False
    not_found: bool = False
    currency_year: int | None = None
    note: str = ""

    @model_validator(mode="after")
    def _check_range(self) -> Coefficient:
        if self.group not in FEEDSTOCKS and self.group not in OTHER_GROUPS:
            allowed = ", ".join((*FEEDSTOCKS, *OTHER_GROUPS))
            msg = f"unknown feedstock or group '{self.group}' (allowed: {allowed})"
            raise ValueError(msg)
        if not self.unit.strip():
            msg = "the unit must not be empty"
            raise ValueError(msg)
        numbers = {k: getattr(self, k) for k in _NUMBERS}
        if self.not_found and all(v is None for v in numbers.values()):
            return self
        missing = [k for k, v in numbers.items() if v is None]
        if missing:
            msg = f"missing {', '.join(missing)} (give default, low and high)"
            raise ValueError(msg)
        for name, value in numbers.items():
            if not math.isfinite(value):
                msg = f"{name} = {value} is not a finite number"
                raise ValueError(msg)
            if value < 0:
                msg = f"{name} = {value}: coefficients must not be negative"
                raise ValueError(msg)
        low, default, high = (float(numbers[k]) for k in ("low", "default", "high"))
        if not low <= high:
            msg = f"low {low} is above high {high}"
            raise ValueError(msg)
        if not low <= default <= high:
            msg = f"value {default} is outside its range [{low}, {high}]"
            raise ValueError(msg)
        if self.unit in _SHARE_UNITS and not (low >= 0.0 and high <= 1.0):
            msg = f"a share must lie in [0, 1], got range [{low}, {high}]"
            raise ValueError(msg)
        return self

    @property
    def given(self) -> bool:
        """Whether the coefficient has a value (False for a NOT FOUND parameter)."""
        return self.default is not None

    @property
    def value(self) -> float:
        """The default value, NaN for a NOT FOUND parameter."""
        return float(self.default) if self.default is not None else math.nan


@dataclass(frozen=True)
class CoefficientSet:
    """A validated set of coefficients and the files it was read from.

    Parameters
    ----------
    entries
        Coefficient name → :class:`Coefficient`.
    sources
        The files read, in order (shipped file first, then overrides).
    """

    entries: Mapping[str, Coefficient]
    sources: tuple[str, ...] = ()

    def _entry(self, name: str) -> Coefficient:
        if name not in self.entries:
            msg = f"unknown coefficient '{name}'"
            raise InputError(msg, source=" + ".join(self.sources) or "coefficients")
        return self.entries[name]

    def value(self, name: str) -> float:
        """Return the value of coefficient ``name`` (NaN when it is NOT FOUND).

        Raises
        ------
        InputError
            If the coefficient is unknown.
        """
        return self._entry(name).value

    def bounds(self, name: str) -> tuple[float, float, float]:
        """Return ``(low, default, high)`` of coefficient ``name`` (NaN when NOT FOUND)."""
        entry = self._entry(name)
        if not entry.given:
            return (math.nan, math.nan, math.nan)
        return (float(entry.low or 0.0), entry.value, float(entry.high or 0.0))

    def values(self) -> dict[str, float]:
        """Return all values as a plain dict (NaN for NOT FOUND parameters)."""
        return {name: entry.value for name, entry in self.entries.items()}

    def assumptions(self, group: str | None = None) -> list[str]:
        """Return the names of coefficients marked as assumptions (optionally of one group)."""
        return [
            name
            for name, entry in self.entries.items()
            if entry.assumption and (group is None or entry.group == group)
        ]

    def not_found(self) -> list[str]:
        """Return the names of documented parameters that still have no value."""
        return [name for name, entry in self.entries.items() if not entry.given]

    def varying(self, groups: tuple[str, ...] | None = None) -> list[str]:
        """Return the coefficients with a range (low < high), optionally of some groups."""
        return [
            name
            for name, entry in self.entries.items()
            if entry.given
            and float(entry.low or 0.0) < float(entry.high or 0.0)
            and (groups is None or entry.group in groups)
        ]

    def table(self) -> Any:
        """Return the coefficients as a DataFrame (one row per coefficient)."""
        import pandas as pd

        rows = [{"name": name, **entry.model_dump()} for name, entry in self.entries.items()]
        table = pd.DataFrame(rows).set_index("name")
        for column in _NUMBERS:
            table[column] = table[column].astype(float)
        table["currency_year"] = table["currency_year"].astype("Int64")
        return table

    def digest(self) -> str:
        """Return a short hash of all values, for output metadata."""
        payload = json.dumps(
            {name: entry.model_dump() for name, entry in sorted(self.entries.items())},
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:12]


def load_coefficients(
    override: str | Path | None = None, *, base: str | Path | None = None
) -> CoefficientSet:
    """Read the shipped coefficients and merge an optional user file over them.

    Parameters
    ----------
    override
        A TOML file with tables named like the shipped ones. Each table must repeat the
        ``unit`` (it must equal the shipped unit) and may change any other field; giving
        ``default``, ``low`` and ``high`` to a NOT FOUND parameter sets it.
    base
        A complete coefficient file replacing the shipped one.

    Returns
    -------
    CoefficientSet

    Raises
    ------
    InputError
        On unreadable TOML, an unknown coefficient name, a missing or different unit, a
        number that is not finite or negative, a value outside its range or an unknown
        feedstock group; the message names the file, the entry and the field.
    """
    base_path = Path(base) if base is not None else DEFAULT_FILE
    raw = _read_toml(base_path)
    raw.pop("meta", None)
    entries = {name: _build(name, table, source=base_path) for name, table in raw.items()}
    sources = [str(base_path)]
    if override is not None:
        override_path = Path(override)
        extra = _read_toml(override_path)
        extra.pop("meta", None)
        for name, table in extra.items():
            entries[name] = _merge(name, table, entries, source=override_path)
        sources.append(str(override_path))
        logger.info("coefficients: %d entries overridden from %s", len(extra), override_path)
    return CoefficientSet(entries=entries, sources=tuple(sources))


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        msg = "coefficient file not found"
        raise InputError(msg, source=path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        msg = f"not valid TOML: {error}"
        raise InputError(msg, source=path) from error
    return parse_toml(text, source=path)


def _build(name: str, table: Any, *, source: Path) -> Coefficient:
    if not isinstance(table, dict):
        msg = "expected a table [name] with unit, default, low, high and source"
        raise InputError(msg, source=source, location=f"entry '{name}'")
    if "unit" not in table:
        msg = "missing unit (every coefficient needs its unit)"
        raise InputError(msg, source=source, location=f"entry '{name}'", field="unit")
    try:
        return Coefficient(**table)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or _field_of(str(first["msg"]))
        message = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = f"unknown field; expected one of {', '.join(Coefficient.model_fields)}"
        raise InputError(message, source=source, location=f"entry '{name}'", field=field) from error


def _field_of(message: str) -> str | None:
    """The number field a model-level message is about (``high = inf …`` → ``high``)."""
    text = message.removeprefix("Value error, ")
    for name in _NUMBERS:
        if text.startswith(f"{name} = "):
            return name
    return None


def _merge(
    name: str, table: Any, entries: Mapping[str, Coefficient], *, source: Path
) -> Coefficient:
    if not isinstance(table, dict):
        msg = "expected a table [name] with unit and the fields to change"
        raise InputError(msg, source=source, location=f"entry '{name}'")
    if name not in entries:
        group = str(table.get("group", ""))
        if group and group not in FEEDSTOCKS and group not in OTHER_GROUPS:
            msg = f"unknown feedstock '{group}' (known: {', '.join(FEEDSTOCKS)})"
            raise InputError(msg, source=source, location=f"entry '{name}'", field="group")
        msg = f"unknown coefficient '{name}' (known: {', '.join(sorted(entries))})"
        raise InputError(msg, source=source, location=f"entry '{name}'")
    shipped = entries[name]
    if "unit" not in table:
        msg = f"missing unit (expected unit = {shipped.unit!r})"
        raise InputError(msg, source=source, location=f"entry '{name}'", field="unit")
    if str(table["unit"]) != shipped.unit:
        msg = f"unit {table['unit']!r} differs from the shipped unit {shipped.unit!r}"
        raise InputError(msg, source=source, location=f"entry '{name}'", field="unit")
    merged = {**shipped.model_dump(), **table}
    if shipped.not_found and table.get("default") is not None:
        # a value for a NOT FOUND parameter: without a range it is fixed at that value
        merged["not_found"] = bool(table.get("not_found", False))
        merged["low"] = table.get("low", table["default"])
        merged["high"] = table.get("high", table["default"])
    if "source" not in table:
        merged["source"] = f"user override ({source.name}); shipped: {shipped.source}"
    return _build(name, merged, source=source)


__all__ = [
    "DEFAULT_FILE",
    "FEEDSTOCKS",
    "OTHER_GROUPS",
    "Coefficient",
    "CoefficientSet",
    "load_coefficients",
]
