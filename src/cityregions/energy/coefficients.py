"""Coefficients of the bioenergy module: loaded from TOML, validated, overridable.

The shipped file ``coefficients.toml`` holds every number of the calculation chain with
its unit, default, low-high range and source. :func:`load_coefficients` reads it (or a
complete replacement) and merges an optional user file over it; each entry is checked by
a pydantic model: a missing unit, a value outside its range, an unknown feedstock group or
an unknown coefficient name is an :class:`~cityregions.InputError` naming the file, the
entry and the field. A :class:`CoefficientSet` then hands out the values of one scenario
(``low``, ``default`` or ``high``).

Examples
--------
>>> coefficients = load_coefficients()
>>> coefficients.value("ch4_lhv")
9.97
>>> coefficients.value("energy_crop_share_cap", scenario="low")
0.05
"""

from __future__ import annotations

import hashlib
import json
import logging
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from cityregions._errors import InputError

logger = logging.getLogger(__name__)

#: The feedstocks of the module, in output order.
FEEDSTOCKS: tuple[str, ...] = (
    "silage_maize",
    "grass_silage",
    "cereal_straw",
    "cattle_slurry",
    "pig_slurry",
    "forest_residues",
    "biowaste",
    "sewage_gas",
)
#: Groups of coefficients that are not feedstocks.
OTHER_GROUPS: tuple[str, ...] = ("constants", "conversion", "livestock_units", "demand")
#: Scenario names; a scenario picks the ``low``, ``default`` or ``high`` value.
SCENARIOS: tuple[str, ...] = ("low", "default", "high")
Scenario = Literal["low", "default", "high"]

DEFAULT_FILE = Path(__file__).with_name("coefficients.toml")
_SHARE_UNITS = {"share"}


class Coefficient(BaseModel):
    """One coefficient: value range, unit and source.

    ``low <= default <= high`` is enforced, and shares must lie in [0, 1].
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    group: str
    description: str
    unit: str
    default: float
    low: float
    high: float
    source: str
    assumption: bool = False
    scenario: bool = True
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
        if not self.low <= self.high:
            msg = f"low {self.low} is above high {self.high}"
            raise ValueError(msg)
        if not self.low <= self.default <= self.high:
            msg = f"value {self.default} is outside its range [{self.low}, {self.high}]"
            raise ValueError(msg)
        if self.unit in _SHARE_UNITS and not (self.low >= 0.0 and self.high <= 1.0):
            msg = f"a share must lie in [0, 1], got range [{self.low}, {self.high}]"
            raise ValueError(msg)
        if min(self.low, self.default, self.high) < 0:
            msg = "coefficients must not be negative"
            raise ValueError(msg)
        return self

    def pick(self, scenario: str) -> float:
        """Return the value of ``scenario`` (the default if the coefficient is fixed)."""
        if not self.scenario or scenario == "default":
            return self.default
        return self.low if scenario == "low" else self.high


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

    def value(self, name: str, *, scenario: str = "default") -> float:
        """Return the value of coefficient ``name`` in ``scenario``.

        Raises
        ------
        InputError
            If the coefficient or the scenario is unknown.
        """
        _check_scenario(scenario)
        if name not in self.entries:
            msg = f"unknown coefficient '{name}'"
            raise InputError(msg, source=" + ".join(self.sources) or "coefficients")
        return self.entries[name].pick(scenario)

    def values(self, scenario: str = "default") -> dict[str, float]:
        """Return all values of ``scenario`` as a plain dict."""
        _check_scenario(scenario)
        return {name: entry.pick(scenario) for name, entry in self.entries.items()}

    def assumptions(self, group: str | None = None) -> list[str]:
        """Return the names of coefficients marked as assumptions (optionally of one group)."""
        return [
            name
            for name, entry in self.entries.items()
            if entry.assumption and (group is None or entry.group == group)
        ]

    def table(self) -> Any:
        """Return the coefficients as a DataFrame (one row per coefficient)."""
        import pandas as pd

        rows = [{"name": name, **entry.model_dump()} for name, entry in self.entries.items()]
        return pd.DataFrame(rows).set_index("name")

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
        ``unit`` (it must equal the shipped unit) and may change any other field.
    base
        A complete coefficient file replacing the shipped one.

    Returns
    -------
    CoefficientSet

    Raises
    ------
    InputError
        On unreadable TOML, an unknown coefficient name, a missing or different unit, a
        value outside its range or an unknown feedstock group; the message names the
        file, the entry and the field.
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
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        msg = f"not valid TOML: {error}"
        raise InputError(msg, source=path) from error


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
        field = ".".join(str(part) for part in first["loc"]) or None
        message = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = f"unknown field; expected one of {', '.join(Coefficient.model_fields)}"
        raise InputError(message, source=source, location=f"entry '{name}'", field=field) from error


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
    if "source" not in table:
        merged["source"] = f"user override ({source.name}); shipped: {shipped.source}"
    return _build(name, merged, source=source)


def _check_scenario(scenario: str) -> None:
    if scenario not in SCENARIOS:
        msg = f"unknown scenario '{scenario}' (allowed: {', '.join(SCENARIOS)})"
        raise InputError(msg, field="scenario")
