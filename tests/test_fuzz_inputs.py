"""Malformed inputs to every command that reads files: exit 0, or one clear line and exit 2.

A small valid world of input files (units, flows, labels, a registry, scenario and
weights files, energy inputs and a GENESIS export, a case folder) is written once; each
hypothesis example copies it, breaks one input file (or one numeric option) in one way,
runs the command in this process as a user would (``cityregions.cli.main.main``) under
a time limit, and checks what every user of the command line is promised:

* the exit code is 0 or 2 — never a traceback (1) and never a hang;
* on exit 2 the error is one line (``error: …``; a registry check lists its problems
  below one ``error:`` line, a usage error ends in click's ``Error:`` line);
* on exit 2 nothing is written, and no run leaves hidden temporary files or staging
  folders beside its outputs, nor a scratch folder of this process in the temp folder.

The breakages are those a fuzzer and a new user hit (issue 16): NUL and control bytes
anywhere, truncation, binary and UTF-16 files, a delimiter at the end of a line, extra
fields, repeated lines (a repeated flow pair), cells holding ``inf``, ``1e400``,
``١٢``, ``1_000`` or text, deeply nested YAML, "billion laughs" aliases, alias cycles,
unknown ``case.toml`` tables and keys, and non-finite option values. Examples are
derandomised, so a run in CI sees the same inputs as a run here.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityregions.cli.main import main
from tests.support.official_files import CATTLE_41312, make_kreis_workbook

#: Seconds one command may take on one broken input before it counts as a hang.
TIME_LIMIT = 20.0

# --- the valid world ------------------------------------------------------------------

UNITS = (
    "unit,name,population,residents,jobs,lon,lat,state,area_km2\n"
    "14713,Leipzig,600000,250000,300000,12.37,51.34,14,297.8\n"
    "14729,Landkreis Leipzig,257000,110000,80000,12.60,51.20,14,1651\n"
    "14730,Nordsachsen,197000,80000,60000,12.60,51.52,14,2028\n"
    "15002,Halle (Saale),238000,90000,100000,11.97,51.48,15,135\n"
    "15088,Saalekreis,184000,70000,60000,11.80,51.40,15,1434\n"
)
_PAIRS = {
    ("14713", "14713"): 190000, ("14729", "14729"): 60000, ("14730", "14730"): 50000,
    ("15002", "15002"): 60000, ("15088", "15088"): 35000, ("14729", "14713"): 40000,
    ("14730", "14713"): 20000, ("14713", "14729"): 15000, ("14713", "14730"): 8000,
    ("15088", "15002"): 18000, ("15002", "15088"): 10000, ("15002", "14713"): 9000,
    ("14713", "15002"): 7000, ("15088", "14713"): 6000, ("14713", "15088"): 3000,
}  # fmt: skip
FLOWS = "origin,destination,value\n" + "".join(f"{o},{d},{v}\n" for (o, d), v in _PAIRS.items())
TOTALS = (
    "unit,residents,out_commuters,in_commuters\n"
    "14713,250000,60000,110000\n14729,110000,50000,30000\n14730,80000,30000,10000\n"
    "15002,90000,30000,30000\n15088,70000,35000,15000\n"
)
LABELS = "unit,region\n14713,L\n14729,L\n14730,L\n15002,H\n15088,H\n"
REGISTRY = """sources:
  S1: {url: "https://example.org/s1", title: Toy source}
actors:
  - {id: leipzig, name: Leipzig, kind: city, units: ["14713"], sources: [S1]}
  - {id: lkl, name: Landkreis Leipzig, kind: district, units: ["14729"], sources: [S1]}
  - {id: halle, name: Halle, kind: city, units: ["15002"], sources: [S1]}
  - {id: sk, name: Saalekreis, kind: district, units: ["15088"], sources: [S1]}
bodies:
  - {id: rfl, name: Regionalforum Leipzig, kind: cooperation, body_level: city_region,
     sources: [S1]}
  - {id: rfh, name: Regionalforum Halle, kind: cooperation, body_level: city_region,
     sources: [S1]}
memberships:
  - {member: leipzig, body: rfl, valid_from: "2005-01-01", sources: [S1]}
  - {member: lkl, body: rfl, valid_from: "2005-01-01", sources: [S1]}
  - {member: halle, body: rfh, valid_from: "2005-01-01", sources: [S1]}
  - {member: sk, body: rfh, valid_from: "2005-01-01", sources: [S1]}
"""
SCENARIO = """name: toy
title: Toy partnership
sources: [toy]
members:
  - {id: leipzig, name: Leipzig, population: 600000, bloc: l, source: toy}
  - {id: lkl, name: Landkreis Leipzig, population: 257000, bloc: l, source: toy}
  - {id: halle, name: Halle, population: 238000, bloc: h, source: toy}
blocs:
  - {id: l, name: Leipzig}
  - {id: h, name: Halle}
top:
  representation: equal
  share: 0.5
  more_than: true
"""
MUNICIPALITIES = (
    "unit,parent,population,lon,lat,area_km2,agriculture_ha,forest_ha\n"
    "14713000,14713,600000,12.37,51.34,297.8,8000,2400\n"
    "14729010,14729,150000,12.55,51.25,800,60000,9000\n"
    "14729020,14729,107000,12.70,51.15,851,30000,8000\n"
    "14730010,14730,100000,12.55,51.55,1000,70000,15000\n"
    "14730020,14730,97000,12.70,51.48,1028,50000,15000\n"
    "15002000,15002,238000,11.97,51.48,135,3000,600\n"
    "15088010,15088,100000,11.85,51.45,700,50000,5000\n"
    "15088020,15088,84000,11.75,51.35,734,45000,4000\n"
)
WEIGHTS = "member,weight\nleipzig,3\nhalle,2\nlkl,1\nsk,1\n"
MEMBERS = "member,population\nleipzig,600000\nhalle,238000\nlkl,257000\nsk,184000\n"
_INPUT_ROWS = {
    "14713": (600000, 8000, 1500, 2400, 4000, 7.0, 12.37, 51.34),
    "14729": (257000, 90000, 15000, 17000, 50000, 7.2, 12.60, 51.20),
    "14730": (197000, 120000, 14000, 30000, 70000, 7.1, 12.60, 51.52),
    "15002": (238000, 3000, 800, 600, 1500, 7.3, 11.97, 51.48),
    "15088": (184000, 95000, 9000, 9000, 60000, 7.5, 11.80, 51.40),
}
INPUTS = (
    "unit,population,arable_ha,grassland_ha,forest_ha,cereal_ha,cereal_yield_t_per_ha,"
    "lon,lat,kind\n"
    + "".join(f"{u},{','.join(map(str, row))},fact\n" for u, row in _INPUT_ROWS.items())
)
CATTLE = CATTLE_41312.replace("14511;      Chemnitz", "14730;      Nordsachsen").replace(
    "14612;      Dresden", "15002;      Halle"
)
CASE_TOML = """name = "Toy case"
language = "en"

[units]
file = "units.csv"

[flows]
file = "flows.csv"

[registry]
path = "registry.yaml"
as_of = "2016-06-30"

[partnership]
scenarios = "scenarios"

[energy]
inputs = "inputs.csv"
"""


def write_world(folder: Path) -> None:
    """Write the valid inputs of every command into ``folder``."""
    texts = {
        "units.csv": UNITS,
        "flows.csv": FLOWS,
        "totals.csv": TOTALS,
        "municipalities.csv": MUNICIPALITIES,
        "labels.csv": LABELS,
        "registry.yaml": REGISTRY,
        "scenario.yaml": SCENARIO,
        "weights.csv": WEIGHTS,
        "members.csv": MEMBERS,
        "inputs.csv": INPUTS,
        "case/case.toml": CASE_TOML,
        "case/units.csv": UNITS,
        "case/flows.csv": FLOWS,
        "case/registry.yaml": REGISTRY,
        "case/scenarios/toy.yaml": SCENARIO,
        "case/inputs.csv": INPUTS,
    }
    for name, text in texts.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (folder / "cattle.csv").write_bytes(CATTLE.replace("\n", "\r\n").encode("cp1252"))
    make_kreis_workbook(folder / "pendler.xlsx")


# --- the commands -----------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """A command line over the world (``{in}``: inputs, ``{out}``: a fresh output folder).

    ``files`` are the inputs the fuzzer breaks; ``options`` the numeric options whose
    value it replaces (by their position in ``argv``).
    """

    argv: tuple[str, ...]
    files: tuple[str, ...]
    options: tuple[str, ...] = ()
    examples: int = 12
    tags: frozenset[str] = field(default_factory=frozenset)


COMMANDS: dict[str, Command] = {
    "delineate": Command(
        ("delineate", "{in}/flows.csv", "--units", "{in}/units.csv", "--out",
         "{out}/labels.csv", "--summary", "{out}/summary.csv", "--min-size", "1000"),
        ("flows.csv", "units.csv"), options=("--min-size",), examples=30,
    ),
    "flows-estimate": Command(
        ("flows", "estimate", "--units", "{in}/units.csv", "--out", "{out}/flows.csv",
         "--share-employed", "0.4"),
        ("units.csv",), options=("--share-employed",),
    ),
    "flows-import": Command(
        ("flows", "import", "{in}/pendler.xlsx", "--internal", "{in}/totals.csv", "--out",
         "{out}/flows.csv"),
        ("totals.csv",),
    ),
    "flows-complete": Command(
        ("flows", "complete", "{in}/flows.csv", "--totals", "{in}/totals.csv", "--out",
         "{out}/flows.csv"),
        ("flows.csv", "totals.csv"),
    ),
    "flows-downscale": Command(
        ("flows", "downscale", "--flows", "{in}/flows.csv", "--units",
         "{in}/municipalities.csv", "--out", "{out}/municipal.csv", "--beta", "1.5"),
        ("flows.csv", "municipalities.csv"), options=("--beta",), examples=10,
    ),
    "sweep": Command(
        ("sweep", "{in}/flows.csv", "--units", "{in}/units.csv", "--out", "{out}/sweep",
         "--grid", "min_size=1000,5000", "--bootstrap", "2", "--scheduler", "inline",
         "--no-progress"),
        ("flows.csv", "units.csv"), options=("--bootstrap",), examples=10,
    ),
    "governance-check": Command(
        ("governance", "check", "{in}/registry.yaml"), ("registry.yaml",), examples=25
    ),
    "governance-analyze": Command(
        ("governance", "analyze", "{in}/registry.yaml", "--units", "{in}/units.csv",
         "--flows", "{in}/flows.csv", "--labels", "{in}/labels.csv", "--as-of",
         "2016-06-30", "--out", "{out}/governance", "--min-flow", "1000"),
        ("registry.yaml", "units.csv", "flows.csv", "labels.csv"), options=("--min-flow",),
        examples=20,
    ),
    "governance-recommend": Command(
        ("governance", "recommend", "{in}/registry.yaml", "--units", "{in}/units.csv",
         "--flows", "{in}/flows.csv", "--as-of", "2016-06-30", "--out",
         "{out}/recommend.csv", "--min-share", "0.05"),
        ("registry.yaml", "units.csv", "flows.csv"), options=("--min-share",), examples=10,
    ),
    "partnership-power": Command(
        ("partnership", "power", "--weights", "{in}/weights.csv", "--quota", "4", "--out",
         "{out}/power.csv", "--samples", "1000"),
        ("weights.csv",), options=("--quota", "--samples"),
    ),
    "partnership-compare": Command(
        ("partnership", "compare", "{in}/scenario.yaml", "--out", "{out}/compare"),
        ("scenario.yaml",), examples=15,
    ),
    "partnership-design": Command(
        ("partnership", "design", "--members", "{in}/members.csv", "--out", "{out}/design"),
        ("members.csv",), examples=10,
    ),
    "energy-inputs": Command(
        ("energy", "inputs", "--base", "{in}/inputs.csv", "--cattle", "{in}/cattle.csv",
         "--out", "{out}/inputs.csv"),
        ("inputs.csv", "cattle.csv"),
    ),
    "energy-potential": Command(
        ("energy", "potential", "--inputs", "{in}/inputs.csv", "--out", "{out}/potential.csv"),
        ("inputs.csv",), examples=20,
    ),
    "energy-balance": Command(
        ("energy", "balance", "--inputs", "{in}/inputs.csv", "--labels", "{in}/labels.csv",
         "--out", "{out}/balance"),
        ("inputs.csv", "labels.csv"),
    ),
    "energy-allocate": Command(
        ("energy", "allocate", "--inputs", "{in}/inputs.csv", "--labels", "{in}/labels.csv",
         "--out", "{out}/allocation", "--cover-share", "overall"),
        ("inputs.csv", "labels.csv"), options=("--cover-share",),
    ),
    "energy-disaggregate": Command(
        ("energy", "disaggregate", "--inputs", "{in}/inputs.csv", "--municipalities",
         "{in}/municipalities.csv", "--out", "{out}/municipal-inputs.csv"),
        ("inputs.csv", "municipalities.csv"), examples=10,
    ),
    "energy-uncertainty": Command(
        ("energy", "uncertainty", "--inputs", "{in}/inputs.csv", "--labels",
         "{in}/labels.csv", "--out", "{out}/uncertainty", "--samples", "100"),
        ("inputs.csv", "labels.csv"), options=("--samples",), examples=8,
    ),
    "report": Command(
        ("report", "{in}/case", "--out", "{out}/report.html", "--outputs", "{out}/outputs"),
        ("case/case.toml", "case/units.csv", "case/flows.csv", "case/registry.yaml",
         "case/scenarios/toy.yaml", "case/inputs.csv"),
        examples=5, tags=frozenset({"slow"}),
    ),
}  # fmt: skip


# --- breaking a file ----------------------------------------------------------------------

#: Cell values that are not numbers, or numbers a table must not hold.
BAD_TOKENS = (
    "inf", "-inf", "nan", "NaN", "1e400", "-1e400", "1e308", "-1", "١٢", "１２", "1_000",
    "0x10", "1,5", "1.234,5", "", " ", "x", "null", "\u00a012", "+", ".", "e5", "1e",
    "99999999999999999999999",
)  # fmt: skip

Mutation = Callable[[bytes], bytes]


def unchanged(data: bytes) -> bytes:
    """The mutation that breaks nothing."""
    return data


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8", errors="replace").split("\n")


def _join(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8")


def _at_line(data: bytes, index: int, change: Callable[[str], str], first: int = 0) -> bytes:
    lines = _lines(data)
    usable = [i for i, line in enumerate(lines) if line.strip() and i >= first]
    if not usable:
        return data
    target = usable[index % len(usable)]
    lines[target] = change(lines[target])
    return _join(lines)


def _replace_cell(line: str, column: int, token: str) -> str:
    sep = ";" if line.count(";") > line.count(",") else ","
    cells = line.split(sep)
    cells[column % len(cells)] = token
    return sep.join(cells)


@st.composite
def text_mutations(draw: st.DrawFn) -> Mutation:
    """One breakage of a delimited text table (or any text file)."""
    index = draw(st.integers(0, 50))
    column = draw(st.integers(0, 10))
    token = draw(st.sampled_from(BAD_TOKENS) | st.text(max_size=6))
    position = draw(st.floats(0, 1))
    control = draw(st.sampled_from([b"\x00", b"\x01", b"\x07", b"\x0b", b"\x1b", b"\x1f"]))
    blob = draw(st.binary(min_size=1, max_size=300))
    options: dict[str, Mutation] = {
        "control": lambda d: d[: int(position * len(d))] + control + d[int(position * len(d)) :],
        "truncate": lambda d: d[: int(position * len(d))],
        "repeat_line": lambda d: _at_line(d, index, lambda s: s + "\n" + s, 1),
        "drop_line": lambda d: _at_line(d, index, lambda s: "", 1),
        "trailing_delimiter": lambda d: _at_line(d, index, lambda s: s + ",", 1),
        "first_row_trailing": lambda d: _at_line(d, 0, lambda s: s + ",", 1),
        "extra_field": lambda d: _at_line(d, index, lambda s: s + "," + token, 1),
        "cell": lambda d: _at_line(d, index, lambda s: _replace_cell(s, column, token), 1),
        "header_cell": lambda d: _at_line(d, 0, lambda s: _replace_cell(s, column, token)),
        "semicolons": lambda d: d.replace(b",", b";"),
        "utf16": lambda d: d.decode("utf-8", errors="replace").encode("utf-16"),
        "latin1": lambda d: d.replace(b"Halle", "Hällé".encode("latin-1")),
        "bom": lambda d: b"\xef\xbb\xbf" + d,
        "crlf": lambda d: d.replace(b"\n", b"\r\n"),
        "cr_only": lambda d: d.replace(b"\n", b"\r"),
        "quote": lambda d: _at_line(d, index, lambda s: '"' + s, 1),
        "empty": lambda d: b"",
        "blank": lambda d: b"  \n\n",
        "header_only": lambda d: _lines(d)[0].encode("utf-8") + b"\n",
        "long_cell": lambda d: _at_line(d, index, lambda s: _replace_cell(s, column, "9" * 5000)),
        "binary": lambda d: blob,
    }  # fmt: skip
    return options[draw(st.sampled_from(sorted(options)))]


def _laughs(levels: int) -> bytes:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        previous, name = f"l{i - 1}" if i > 1 else "a", f"l{i}"
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


@st.composite
def yaml_mutations(draw: st.DrawFn) -> Mutation:
    """One breakage of a YAML file (or one of the text breakages)."""
    depth = draw(st.integers(80, 3000))
    levels = draw(st.integers(4, 14))
    index = draw(st.integers(0, 60))
    token = draw(st.sampled_from(BAD_TOKENS) | st.text(max_size=6))
    options: dict[str, Mutation] = {
        "deep_flow": lambda d: b"actors: " + b"[" * depth + b"]" * depth + b"\n",
        "deep_block": lambda d: "".join(f"{'  ' * i}k{i}:\n" for i in range(depth)).encode(),
        "laughs": lambda d: _laughs(levels),
        "laughs_in_records": lambda d: d + b"\n" + _laughs(levels).replace(b"a:", b"x_a:"),
        "alias_cycle": lambda d: b"actors: &a [*a]\n",
        "merge_cycle": lambda d: b"a: &a {<<: *a}\n",
        "undefined_alias": lambda d: d + b"\nextra: *nowhere\n",
        "tab_indent": lambda d: d.replace(b"  ", b"\t", 1),
        "value": lambda d: _at_line(d, index, lambda s: s.split(":")[0] + ": " + token, 1),
        "duplicate_line": lambda d: _at_line(d, index, lambda s: s + "\n" + s, 1),
        "list_to_scalar": lambda d: d.replace(b"[S1]", b"S1").replace(b"[toy]", b"toy"),
        "documents": lambda d: d + b"\n---\n" + d,
    }  # fmt: skip
    choice = draw(st.sampled_from([*sorted(options), "text"]))
    return draw(text_mutations()) if choice == "text" else options[choice]


@st.composite
def toml_mutations(draw: st.DrawFn) -> Mutation:
    """One breakage of ``case.toml`` (or one of the text breakages)."""
    key = draw(st.sampled_from(["flow", "unit", "files", "sum_duplicates", "provenance", "x"]))
    value = draw(st.sampled_from(['"flows.csv"', "3", "true", "[1, 2]", '"../units.csv"']))
    depth = draw(st.sampled_from([3, 64, 65, 500, 3000]))  # tomllib recurses (issue 16a)
    options: dict[str, Mutation] = {
        "unknown_table": lambda d: d + f"\n[{key}]\nfile = {value}\n".encode(),
        "unknown_key": lambda d: d.replace(b"[flows]\n", f"[flows]\n{key} = {value}\n".encode()),
        "top_key": lambda d: f"{key} = {value}\n".encode() + d,
        "wrong_type": lambda d: d.replace(b'file = "units.csv"', f"file = {value}".encode()),
        "table_as_value": lambda d: d.replace(b"[partnership]\n", b"partnership = 1\n[x]\n"),
        "missing_file": lambda d: d.replace(b'"flows.csv"', b'"nowhere.csv"'),
        "outside": lambda d: d.replace(b'"inputs.csv"', b'"../inputs.csv"'),
        "no_units": lambda d: d.replace(b"[units]", b"[unitz]"),
        "deep": lambda d: d + f"\nx = {'[' * depth}{']' * depth}\n".encode(),
    }  # fmt: skip
    choice = draw(st.sampled_from([*sorted(options), "text"]))
    return draw(text_mutations()) if choice == "text" else options[choice]


def mutations_for(name: str) -> st.SearchStrategy[Mutation]:
    """The breakages that fit a file (by its suffix)."""
    if name.endswith(".yaml"):
        return yaml_mutations()
    if name.endswith(".toml"):
        return toml_mutations()
    return text_mutations()


# --- running one command ------------------------------------------------------------------


class _Timeout(BaseException):
    """A command ran longer than :data:`TIME_LIMIT` (a hang or a denial of service)."""


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_command(argv: list[str]) -> tuple[int, str]:
    """Run ``cityregions ARGV`` in this process; return the exit code and standard error."""
    err, out = io.StringIO(), io.StringIO()
    saved = sys.argv
    sys.argv = ["cityregions", *argv]
    try:
        with (
            contextlib.redirect_stderr(err),
            contextlib.redirect_stdout(out),
            _time_limit(TIME_LIMIT),
        ):
            try:
                main()
                code = 0
            except SystemExit as done:
                code = int(done.code or 0) if not isinstance(done.code, str) else 1
    except _Timeout:
        pytest.fail(f"cityregions {' '.join(argv)} ran longer than {TIME_LIMIT} s")
    except Exception as error:  # a traceback a user would see
        pytest.fail(f"cityregions {' '.join(argv)} raised {type(error).__name__}: {error}")
    finally:
        sys.argv = saved
    return code, err.getvalue()


def check_failure_message(err: str) -> None:
    """The error of an exit 2 is one line (a registry check lists problems below it)."""
    lines = [line for line in err.splitlines() if line.strip()]
    ours = [i for i, line in enumerate(lines) if line.startswith("error: ")]
    clicks = [i for i, line in enumerate(lines) if line.startswith("Error: ")]
    assert len(ours) + len(clicks) == 1, err
    if clicks:
        assert clicks[0] == len(lines) - 1, err  # click's usage error: its last line
        return
    after = lines[ours[0] + 1 :]
    assert all(line.startswith("  - ") for line in after), err
    if after:
        assert "problem(s) found" in lines[ours[0]], err


def leftovers(folder: Path) -> list[Path]:
    """Hidden temporary files and staging folders below ``folder``."""
    return sorted(p for p in folder.rglob(".*"))


def scratch_folders() -> list[str]:
    """Scratch folders of this process in the system's temp folder."""
    mine = f"cityregions-{os.getpid()}-"
    return sorted(p.name for p in Path(tempfile.gettempdir()).glob(f"{mine}*"))


def fill(argv: tuple[str, ...], inputs: Path, out: Path) -> list[str]:
    return [a.replace("{in}", str(inputs)).replace("{out}", str(out)) for a in argv]


def run_broken(world: Path, command: Command, name: str, mutation: Mutation) -> int:
    """Copy the world, break ``name`` with ``mutation``, run, check; return the exit code."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        inputs, out = Path(tmp) / "in", Path(tmp) / "out"
        shutil.copytree(world, inputs)
        out.mkdir()
        path = inputs / name
        path.write_bytes(mutation(path.read_bytes()))
        code, err = run_command(fill(command.argv, inputs, out))
        assert code in (0, 2), err
        assert "Traceback" not in err, err
        if code == 2:
            check_failure_message(err)
            assert sorted(out.iterdir()) == [], "exit 2 but something was written"
        assert leftovers(out) == [], leftovers(out)
        assert scratch_folders() == []
    return code


def run_with_option(world: Path, command: Command, option: str, value: str) -> int:
    """Run ``command`` with ``option`` set to ``value``; check as :func:`run_broken`."""
    argv = list(command.argv)
    argv[argv.index(option) + 1] = value
    return run_broken(world, Command(tuple(argv), command.files), command.files[0], unchanged)


# --- the tests ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("world")
    write_world(folder)
    return folder


def _params() -> list[object]:
    return [
        pytest.param(name, marks=[pytest.mark.slow] if "slow" in spec.tags else [])
        for name, spec in COMMANDS.items()
    ]


@pytest.mark.parametrize("name", _params())
def test_the_valid_world_runs(world: Path, name: str) -> None:
    """Every command succeeds on the unbroken inputs (else the fuzzing would test little)."""
    command = COMMANDS[name]
    assert run_broken(world, command, command.files[0], unchanged) == 0


@pytest.mark.parametrize("name", _params())
def test_broken_inputs_exit_0_or_one_line_exit_2(world: Path, name: str) -> None:
    command = COMMANDS[name]

    @settings(
        max_examples=command.examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        file = data.draw(st.sampled_from(command.files), label="file")
        mutation = data.draw(mutations_for(file), label="mutation")
        run_broken(world, command, file, mutation)

    fuzz()


@pytest.mark.parametrize(
    ("name", "option"),
    [(name, option) for name, spec in COMMANDS.items() for option in spec.options],
)
def test_numeric_options_exit_0_or_one_line_exit_2(world: Path, name: str, option: str) -> None:
    command = COMMANDS[name]

    @settings(
        max_examples=len(BAD_TOKENS) // 2,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(value=st.sampled_from(BAD_TOKENS))
    def fuzz(value: str) -> None:
        run_with_option(world, command, option, value)

    fuzz()


def _output_options() -> list[object]:
    """(command, position in argv) of every output option of :data:`COMMANDS`."""
    return [
        pytest.param(name, i, id=f"{name}-{spec.argv[i - 1]}")
        for name, spec in COMMANDS.items()
        for i, arg in enumerate(spec.argv)
        if arg.startswith("{out}") and spec.argv[i - 1].startswith("--")
    ]


@pytest.mark.parametrize(("name", "position"), _output_options())
def test_an_unusable_output_is_named_before_any_input_is_read(
    world: Path, name: str, position: int
) -> None:
    """``/proc`` takes no new file (issue 16, item 10): one line naming the option, at once.

    The first input file is broken too: a command that read its inputs (or ran its
    analysis) before checking its outputs would name the input instead of the option.
    """
    command = COMMANDS[name]
    argv = list(command.argv)
    option = argv[position - 1]
    argv[position] = argv[position].replace("{out}", "/proc/cityregions-fuzz")
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        inputs, out = Path(tmp) / "in", Path(tmp) / "out"
        shutil.copytree(world, inputs)
        out.mkdir()
        (inputs / command.files[0]).write_bytes(b"\x00not a table\x00\n")
        code, err = run_command(fill(tuple(argv), inputs, out))
        assert code == 2, err
        check_failure_message(err)
        assert f"field '{option}': cannot create anything in the folder '/proc'" in err, err
        assert "Errno" not in err
        assert sorted(out.iterdir()) == []
