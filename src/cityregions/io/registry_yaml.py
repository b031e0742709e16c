"""Read and write the governance registry as human-editable YAML.

A registry file is a mapping with any of these keys (a folder holds several such files,
merged in file-name order)::

    sources:                      # id -> {url, title, date}
      S15: {url: "http://www.thueringen.de/th9/tmblv/rolp/metro/", title: "..."}
    actors:
      - {id: leipzig, name: Leipzig, kind: city, key: "14713000", key_scheme: AGS,
         units: ["14713"], sources: [S15]}
    bodies:
      - {id: mmd2012, name: Metropolregion Mitteldeutschland, kind: metropolitan_network,
         body_level: metropolitan, legal_form: informal, founded: "2009-05-27",
         sources: [S02]}
    memberships:
      - {member: leipzig, body: mmd2012, role: full, valid_from: "2009-05-27",
         sources: [S15], certainty: confirmed}
    rules:
      - {id: rpv-lw-simple, body: rpv-lw, kind: simple, measure: weight, sources: [S57]}
    claims:                       # documented claims the analysis puts data next to
      - {id: exit-2013, kind: exit, body: mmd2012, centre: [leipzig, halle],
         as_of: "2012-06-30", statement: "...", sources: [S72]}

Bodies name their tier ``body_level``; the old key ``level`` is still read, with one
:class:`~cityregions.DataQualityWarning` per file that names the new key (a record with
both is an error).

Every problem is collected – YAML syntax, a file that is not a mapping, unknown keys,
bad field values (e.g. a date ``2012-13-01``), unknown ids, duplicates, dates in the
wrong order, memberships outside the body's lifetime, overlaps, missing sources – and
reported together with file, line, record id and field.
"""

from __future__ import annotations

import dataclasses
import logging
import warnings
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from cityregions._errors import DataQualityWarning, InputError, ValidationReport
from cityregions.io._atomic import atomic_path
from cityregions.io._yaml import compose_yaml, construct_yaml, walk_nodes
from cityregions.registry.dates import _check_partial_date, date_end, date_start, is_known
from cityregions.registry.model import (
    Actor,
    Body,
    BodyRule,
    Claim,
    Membership,
    Registry,
    Source,
)
from cityregions.registry.validation import is_url, validate_registry

logger = logging.getLogger(__name__)

SECTIONS: dict[str, type[BaseModel]] = {
    "actors": Actor,
    "bodies": Body,
    "memberships": Membership,
    "rules": BodyRule,
    "claims": Claim,
}
TOP_KEYS = ("sources", *SECTIONS)
#: Old record keys still read (with a DataQualityWarning) → their new names.
OLD_KEYS = {"level": "body_level"}
_SUFFIXES = (".yaml", ".yml")


def registry_files(path: str | Path) -> list[Path]:
    """Return the YAML files of a registry path (a file, or a folder's files sorted)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in _SUFFIXES)
        if not files:
            msg = "the folder holds no registry files; expected *.yaml or *.yml files"
            raise InputError(msg, source=path)
        return files
    if not path.is_file():
        msg = "no such registry file or folder"
        raise InputError(msg, source=path)
    return [path]


def load_registry_yaml(path: str | Path) -> tuple[Registry, list[InputError]]:
    """Read a registry and return it together with **all** problems found.

    Records that cannot be parsed are left out of the returned registry (and reported);
    their sources and dates are still checked, and references to their ids are not
    reported as unknown a second time.
    """
    state = _Loading()
    for file in registry_files(path):
        _load_file(file, state)
    registry = Registry(**state.merged).with_origins(state.origins)
    problems = state.problems
    references = not state.unreadable
    problems += _check_rejected(state, sources=references)
    problems += validate_registry(registry, unresolved=state.rejected_ids, references=references)
    if not references:
        names = ", ".join(p.name for p in state.unreadable)
        msg = (
            f"ids and source ids were not checked across files because {names} could not "
            "be read (its records may define them); fix it and run the check again"
        )
        problems.append(_parse_error(msg, source=state.unreadable[0]))
    return registry, problems


@dataclasses.dataclass
class _Loading:
    """What has been read so far: records, their origins, problems, rejected records."""

    merged: dict[str, Any] = dataclasses.field(
        default_factory=lambda: {"sources": {}, **{key: [] for key in SECTIONS}}
    )
    origins: dict[str, tuple[str, int | None]] = dataclasses.field(default_factory=dict)
    problems: list[InputError] = dataclasses.field(default_factory=list)
    rejected: list[tuple[Path, str, dict[str, Any]]] = dataclasses.field(default_factory=list)
    unreadable: list[Path] = dataclasses.field(default_factory=list)

    @property
    def rejected_ids(self) -> set[str]:
        return {str(r["id"]) for _, _, r in self.rejected if r.get("id") is not None}


def _check_rejected(state: _Loading, *, sources: bool = True) -> list[InputError]:
    """Unknown sources and dates in the wrong order of records that failed to parse."""
    problems = []
    for file, where, record in state.rejected:
        given = record.get("sources") if sources else None
        for source in given if isinstance(given, list) else []:
            if str(source) not in state.merged["sources"] and not is_url(str(source)):
                msg = f"unknown source {source!r}; expected a key of 'sources' or a URL"
                problems.append(_parse_error(msg, source=file, location=where, field="sources"))
        for lo_field, hi_field in (("valid_from", "valid_to"), ("founded", "dissolved")):
            lo, hi = _valid_date(record.get(lo_field)), _valid_date(record.get(hi_field))
            if is_known(lo) and is_known(hi) and date_end(hi) < date_start(lo):  # type: ignore[operator]
                msg = f"{hi_field} {hi} is before {lo_field} {lo}; expected {hi_field} ≥ {lo_field}"
                problems.append(_parse_error(msg, source=file, location=where, field=hi_field))
    return problems


def _valid_date(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return _check_partial_date(str(value))
    except ValueError:
        return None


def read_registry(path: str | Path, *, strict: bool = True) -> Registry:
    """Read a registry from one YAML file or a folder of YAML files.

    Parameters
    ----------
    path
        A ``.yaml``/``.yml`` file, or a folder whose YAML files (sorted by name) are
        merged.
    strict
        With True (default) any problem raises; with False only unreadable records
        raise and cross-record problems are logged as warnings.

    Raises
    ------
    ValidationReport
        Listing **all** problems found (file, record id, field, what was expected).
    """
    registry, problems = load_registry_yaml(path)
    if problems and (strict or any(_is_parse_problem(p) for p in problems)):
        raise ValidationReport(problems)
    for problem in problems:
        logger.warning("%s", problem)
    return registry


def _is_parse_problem(problem: InputError) -> bool:
    return bool(getattr(problem, "_parse", False))


def _parse_error(message: str, **where: Any) -> InputError:
    error = InputError(message, **where)
    error._parse = True  # type: ignore[attr-defined]
    return error


def _yaml_error(error: yaml.YAMLError, text: str, file: Path) -> InputError:
    """One line for a YAML error: what is wrong and the line it is on.

    A reader error (a control character, a bad byte) has no mark but the character's
    position; its text would span lines, so only its first line is kept.
    """
    mark = getattr(error, "problem_mark", None)
    position = getattr(error, "position", None)
    if mark is not None:
        where: str | None = f"line {mark.line + 1}"
    elif isinstance(position, int):
        where = f"line {text.count(chr(10), 0, position) + 1}"
    else:
        where = None
    problem = getattr(error, "problem", None) or str(error).strip().splitlines()[0]
    return _parse_error(f"not valid YAML: {problem}", source=file, location=where)


def _load_file(file: Path, state: _Loading) -> None:
    problems = state.problems
    try:
        text = file.read_text(encoding="utf-8")
        root = compose_yaml(text, source=file)  # bounded depth and alias expansion
        data = construct_yaml(root)
    except InputError as error:
        problems.append(_parse_error(error.message, source=file, location=error.location))
        state.unreadable.append(file)
        return
    except yaml.YAMLError as error:
        problems.append(_yaml_error(error, text, file))
        state.unreadable.append(file)
        return
    except UnicodeDecodeError as error:
        problems.append(_parse_error(f"not UTF-8 text: {error}", source=file))
        state.unreadable.append(file)
        return
    if data is None:
        msg = f"the file is empty; expected a mapping with the keys {', '.join(TOP_KEYS)}"
        problems.append(_parse_error(msg, source=file))
        return
    if not isinstance(data, dict):
        msg = (
            f"the file is a YAML {type(data).__name__}, expected a mapping with the keys "
            f"{', '.join(TOP_KEYS)}"
        )
        problems.append(_parse_error(msg, source=file, location="line 1"))
        return
    lines = _record_lines(root)
    for line, key in _duplicate_keys(root):
        msg = f"key {key!r} appears twice in one mapping; expected each field once"
        problems.append(_parse_error(msg, source=file, location=f"line {line}", field=key))
    for key, value in data.items():
        if key not in TOP_KEYS:
            msg = f"unknown key {key!r}; expected one of {', '.join(TOP_KEYS)}"
            problems.append(_parse_error(msg, source=file, field=str(key)))
        elif key == "sources":
            _load_sources(file, value, state.merged, problems)
        else:
            _load_section(file, key, value, lines.get(key, []), state)


def _duplicate_keys(root: yaml.Node | None) -> list[tuple[int, str]]:
    """Keys given twice in one mapping (YAML loaders silently keep the last one).

    Each node of the graph is visited once (:func:`cityregions.io._yaml.walk_nodes`):
    an aliased mapping is checked where it is defined, not again at every alias.
    """
    found: list[tuple[int, str]] = []
    for node in walk_nodes(root):
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, _ in node.value:
                key = str(key_node.value)
                if key in seen:
                    found.append((key_node.start_mark.line + 1, key))
                seen.add(key)
    return sorted(found)


def _record_lines(node: yaml.Node | None) -> dict[str, list[int]]:
    """Line numbers (1-based) of the records of each section."""
    out: dict[str, list[int]] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(value_node, yaml.SequenceNode):
                out[str(key_node.value)] = [item.start_mark.line + 1 for item in value_node.value]
    return out


def _load_sources(
    file: Path, value: Any, merged: dict[str, Any], problems: list[InputError]
) -> None:
    if not isinstance(value, dict):
        msg = "'sources' must be a mapping of source id -> {url, title, date}"
        problems.append(_parse_error(msg, source=file, field="sources"))
        return
    for source_id, entry in value.items():
        data = {"url": entry} if isinstance(entry, str) else entry
        try:
            source = Source.model_validate(data)
        except ValidationError as error:
            for item in error.errors():
                problems.append(
                    _parse_error(
                        _pydantic_message(item),
                        source=file,
                        location=f"source '{source_id}'",
                        field=".".join(str(p) for p in item["loc"]) or "url",
                    )
                )
            continue
        if str(source_id) in merged["sources"]:
            msg = f"duplicate source id {source_id!r}; ids must be unique"
            problems.append(_parse_error(msg, source=file, location=f"source '{source_id}'"))
        merged["sources"][str(source_id)] = source


def _record_label(section: str, index: int, record: Any) -> str:
    if isinstance(record, dict):
        if record.get("id"):
            return str(record["id"])
        if section == "memberships" and "member" in record:
            start = record.get("valid_from")
            suffix = f" ({start})" if start else ""
            return f"{record.get('member')} → {record.get('body')}{suffix}"
    return f"{section}[{index}]"


def _load_section(
    file: Path,
    section: str,
    value: Any,
    lines: list[int],
    state: _Loading,
) -> None:
    problems = state.problems
    if not isinstance(value, list):
        msg = f"'{section}' must be a list of records (each a mapping)"
        problems.append(_parse_error(msg, source=file, field=section))
        return
    model = SECTIONS[section]
    renamed: list[int | None] = []
    for index, record in enumerate(value):
        label = _record_label(section, index, record)
        line = lines[index] if index < len(lines) else None
        where = f"line {line}, record '{label}'" if line else f"record '{label}'"
        if not isinstance(record, dict):
            msg = f"a record must be a mapping of field: value, got {type(record).__name__}"
            problems.append(_parse_error(msg, source=file, location=where))
            continue
        if section == "bodies" and OLD_KEYS["level"] in record and "level" in record:
            msg = "give body_level only ('level' is its old name)"
            problems.append(_parse_error(msg, source=file, location=where, field="level"))
            continue
        if section == "bodies" and "level" in record:
            record = {OLD_KEYS["level"] if k == "level" else k: v for k, v in record.items()}
            renamed.append(line)
        try:
            parsed = model.model_validate(record)
        except ValidationError as error:
            for item in error.errors():
                field = ".".join(str(p) for p in item["loc"]) or None
                problems.append(
                    _parse_error(_pydantic_message(item), source=file, location=where, field=field)
                )
            if not record.get("sources"):
                msg = "missing source: expected at least one source id or URL in 'sources'"
                problems.append(_parse_error(msg, source=file, location=where, field="sources"))
            state.rejected.append((file, where, record))
            continue
        state.merged[section].append(parsed)
        key = parsed.label if isinstance(parsed, Membership) else str(parsed.id)  # type: ignore[attr-defined]
        state.origins[key] = (str(file), line)
    if renamed:
        first = f", first on line {renamed[0]}" if renamed[0] else ""
        warnings.warn(
            f"{file}: bodies use the old key 'level' ({len(renamed)} records{first}); "
            "read as 'body_level' — rename the key to body_level",
            DataQualityWarning,
            stacklevel=2,
        )


def _pydantic_message(item: Any) -> str:
    """A readable message for one pydantic error: what is wrong and what was expected."""
    kind, value = item.get("type", ""), item.get("input")
    message = str(item.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    if kind == "missing":
        return "missing required field"
    if kind == "extra_forbidden":
        return f"unknown field (value {value!r}); check the spelling against the documented fields"
    if kind == "literal_error":
        return f"got {value!r}; {message.lower()}"
    if "got" in message:
        return message
    return f"{message} (got {value!r})"


def write_registry(registry: Registry, path: str | Path) -> Path:
    """Write ``registry`` to one YAML file atomically; fields at defaults are omitted."""
    path = Path(path)
    data: dict[str, Any] = {
        "sources": {
            key: source.model_dump(exclude_none=True) for key, source in registry.sources.items()
        }
    }
    for section in SECTIONS:
        records = getattr(registry, section)
        data[section] = [
            r.model_dump(exclude_none=True, exclude_defaults=True, mode="json") for r in records
        ]
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def check_registry(path: str | Path) -> list[InputError]:
    """Return all problems of the registry at ``path`` (empty list when valid)."""
    return load_registry_yaml(path)[1]
