"""The import rules of ``DESIGN.md`` ("How data flows") hold for every module.

Every ``import`` and ``from … import`` in ``src/cityregions`` is read with :mod:`ast`
(module level, inside functions and under ``TYPE_CHECKING`` alike: an arrow hidden in a
function is still an arrow) and checked against the layer rules below. A new module is
placed by its path; a backwards arrow fails this test with the module, the line and the
rule it breaks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "cityregions"

#: Modules below everything: errors, progress, optional imports, constants, the root.
BASE = {"cityregions", "_errors", "_progress", "_optional", "constants", "_numbers"}
BASE |= {"_distributed"}  # running pure tasks on Dask (issue 15)
BASE |= {"_toml"}  # TOML with a nesting limit (issue 16a)
#: Core objects and plain data shared by the analyses.
CORE = {"territory", "flows", "labels", "registry"}
#: One package (or module) per analysis; they never import one another.
ANALYSES = {"flowmodels", "delineation", "governance", "partnership", "energy"}
#: Shapes and words that every presentation draws from (below report, app and writers).
SHARED = {"geometry", "i18n", "vocabulary"}
#: io modules that write results (presentation level); every other io module is a reader.
WRITERS = {"io.gpkg_export", "io.network_export", "io.result_tables"}
PRESENTATION = {"report", "app"}


def group(module: str) -> str:
    """Return the layer of ``module`` (dotted, without the ``cityregions.`` prefix)."""
    if module == "cityregions":
        return "base"
    parts = module.split(".")
    if ".".join(parts[:2]) in WRITERS:
        return "writer"
    head = parts[0]
    for name, members in (
        ("base", BASE),
        ("core", CORE),
        ("analysis", ANALYSES),
        ("shared", SHARED),
        ("presentation", PRESENTATION),
    ):
        if head in members:
            return name
    return {"io": "reader", "pipeline": "pipeline", "cli": "cli"}.get(head, "unknown")


#: For each layer, the layers it may import.
ALLOWED = {
    "base": {"base"},
    "core": {"base", "core"},
    "analysis": {"base", "core", "analysis"},  # its own package only: see below
    "shared": {"base", "core", "shared"},
    "reader": {"base", "core", "reader", "analysis"},
    "pipeline": {"base", "core", "analysis", "shared", "reader", "writer", "pipeline"},
    "writer": {"base", "core", "analysis", "shared", "reader", "writer", "pipeline"},
    "presentation": {"base", "core", "analysis", "shared", "reader", "pipeline", "presentation"},
    "cli": {"base", "core", "analysis", "shared", "reader", "writer", "pipeline",
            "presentation", "cli"},
}  # fmt: skip


def modules() -> list[tuple[str, Path]]:
    """Return ``(dotted name without prefix, path)`` of every module of the package."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found.append((".".join(parts) or "cityregions", path))
    return found


def imports(path: Path, module: str) -> list[tuple[int, str]]:
    """Return ``(line, imported cityregions module)`` for every import in ``path``."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import
                base = package[: len(package) - node.level + 1]
                names = [".".join(["cityregions", *base, *(node.module or "").split(".")])]
            else:
                names = [node.module or ""]
            names = [f"{names[0]}.{alias.name}" for alias in node.names] + names
        else:
            continue
        for name in names:
            if name == "cityregions" or name.startswith("cityregions."):
                out.append((node.lineno, name.removeprefix("cityregions.").strip(".")))
    return out


def _target(name: str, known: set[str]) -> str:
    """Return the longest known module that ``name`` (a module or module.attribute) names."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return "cityregions"  # an attribute of the package root (``__version__``)


def violations() -> list[str]:
    """Return one line per import that breaks a rule."""
    names = {name for name, _ in modules()}
    problems: list[str] = []
    for module, path in modules():
        source = group(module)
        for line, name in imports(path, module):
            target = _target(name, names)
            kind = group(target)
            where = f"{path.relative_to(PACKAGE.parent)}:{line}: {module} imports {target}"
            if kind not in ALLOWED[source]:
                problems.append(f"{where} ({source} may not import {kind})")
            elif source == kind == "analysis" and target.split(".")[0] != module.split(".")[0]:
                problems.append(f"{where} (analyses never import one another)")
            elif source == kind == "presentation" and target.split(".")[0] != module.split(".")[0]:
                problems.append(f"{where} (report and app never import one another)")
            elif target == "io._atomic" and source == "analysis":
                problems.append(f"{where} (analyses return data; writing is not theirs)")
    return list(dict.fromkeys(problems))


def test_every_module_has_a_layer() -> None:
    unknown = [m for m, _ in modules() if group(m) == "unknown" and m != "cases"]
    assert unknown == [], unknown


def test_no_backwards_arrow() -> None:
    problems = violations()
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    ("module", "imported", "allowed"),
    [
        ("territory", "io.tables", False),
        ("registry.model", "io.registry_yaml", False),
        ("delineation.api", "io.geo", False),
        ("governance.fit", "partnership.voting", False),
        ("energy.analysis", "pipeline.case", False),
        ("io.gpkg_export", "report.maps", False),
        ("app.payloads", "report.svg", False),
        ("report.maps", "geometry", True),
        ("pipeline.steps", "delineation.compare", True),
        ("io.scenario_files", "partnership.scenarios", True),
    ],
)
def test_the_rules_themselves(module: str, imported: str, allowed: bool) -> None:
    """The layer table says yes or no where DESIGN.md does (a check of the checker)."""
    source, target = group(module), group(imported)
    ok = target in ALLOWED[source]
    if ok and source == target in ("analysis", "presentation"):
        ok = module.split(".")[0] == imported.split(".")[0]
    assert ok is allowed
