"""What a new user and a fuzzer hit (issue 16, part a), one test per item.

Every test here failed before the fix: a silently wrong answer (exit 0), a traceback, a
denial of service, or a late, unclear error that left outputs half-written. The
generated malformed inputs of ``tests/test_fuzz_inputs.py`` cover the same ground
broadly; these tests pin each item down with its own input.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from cityregions.pipeline.case import bundled_case_path
from tests.support.cli import run_cli
from tests.support.extras import require_extra

BUNDLED = bundled_case_path()
FLOWS = "origin,destination,value\n01,01,50\n01,02,10\n02,02,40\n02,01,5\n"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    """The one error line of a run that exited 2."""
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, lines
    return lines[0]


# --- 3. repeated flow pairs, labels that do not cover the units ---------------------------


def test_a_repeated_flow_pair_names_both_lines_unless_summed_knowingly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    flows = _write(tmp_path / "flows.csv", FLOWS + "01,02,10\n")
    out, summary = tmp_path / "labels.csv", tmp_path / "summary.csv"
    args = ("delineate", flows, "--out", out, "--summary", summary, "--min-size", "1")
    assert run_cli(*args, monkeypatch=monkeypatch) == 2
    message = _error(capsys)
    assert "the pair 01 -> 02 is listed twice (lines 3 and 6" in message
    assert "--sum-duplicates" in message
    assert not out.exists()
    assert run_cli(*args, "--sum-duplicates", monkeypatch=monkeypatch) == 0
    table = pd.read_csv(summary)
    assert table["residents"].sum() == 50 + 20 + 40 + 5  # the repeated row counts twice


@pytest.fixture
def energy_inputs(tmp_path: Path) -> Path:
    """The bundled case's 50 districts (estimated inputs) in a file of their own."""
    text = (BUNDLED / "energy" / "inputs.csv").read_text(encoding="utf-8")
    return _write(tmp_path / "inputs.csv", text)


def _labels(path: Path, units: list[str]) -> Path:
    return _write(path, "unit,region\n" + "".join(f"{u},R{u[:3]}\n" for u in units))


@pytest.mark.parametrize("command", ["balance", "allocate"])
def test_labels_must_cover_the_units_of_the_inputs(
    energy_inputs: Path,
    tmp_path: Path,
    command: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    units = pd.read_csv(energy_inputs, dtype={"unit": str})["unit"].tolist()
    assert len(units) == 50
    seats = ("--units", str(BUNDLED / "districts.csv")) if command == "allocate" else ()
    cases = {
        "one unit only": (units[:1], "49 of 50 units have no region"),
        "an unknown id": ([*units[:-1], "99999"], "1 of 50 units have no region"),
        "an extra id": ([*units, "99999"], "1 labelled unit(s) are not among"),
    }
    for name, (labelled, message) in cases.items():
        labels = _labels(tmp_path / f"{name}.csv", labelled)
        out = tmp_path / f"out-{name}"
        args = ("energy", command, "--inputs", energy_inputs, "--labels", labels, *seats)
        assert run_cli(*args, "--out", out, monkeypatch=monkeypatch) == 2, name
        assert message in _error(capsys), name
        assert not out.exists()
    labels = _labels(tmp_path / "all.csv", units)
    args = ("energy", command, "--inputs", energy_inputs, "--labels", labels, *seats)
    assert run_cli(*args, "--out", tmp_path / "ok", monkeypatch=monkeypatch) == 0


# --- 4. energy inputs: finite ASCII numbers, a known kind --------------------------------


@pytest.mark.parametrize(
    ("cell", "column"),
    [
        ("inf", "forest_ha"),
        ("1e308", "forest_ha"),
        ("1e400", "arable_ha"),
        ("١٢", "population"),
        ("1_000", "grassland_ha"),
        ("1,234", "grassland_ha"),  # 1234 or 1.234? (thousands grouped, or a decimal comma)
        ("NaN", "cereal_ha"),
        ("nonsense", "kind"),
        ("estimate; obsereved: forest_ha", "kind"),
    ],
)
def test_energy_inputs_refuse_what_is_not_a_number_or_a_kind(
    energy_inputs: Path,
    tmp_path: Path,
    cell: str,
    column: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    table = pd.read_csv(energy_inputs, dtype=str, keep_default_na=False)
    table.loc[2, column] = cell
    table.to_csv(energy_inputs, index=False)
    out = tmp_path / "potential.csv"
    code = run_cli("energy", "potential", "--inputs", energy_inputs, "--out", out,
                   monkeypatch=monkeypatch)  # fmt: skip
    assert code == 2
    message = _error(capsys)
    assert f"row 4, field '{column}'" in message
    assert not out.exists()


def test_energy_inputs_accept_their_own_kinds(
    energy_inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = pd.read_csv(energy_inputs, dtype=str, keep_default_na=False)
    table.loc[0, "kind"] = "estimate; observed: forest_ha"
    table.loc[1, "kind"] = "fact"
    table.loc[2, "kind"] = ""
    table.loc[3, "forest_ha"] = "1e-05"
    table.to_csv(energy_inputs, index=False)
    out = tmp_path / "potential.csv"
    code = run_cli("energy", "potential", "--inputs", energy_inputs, "--out", out,
                   monkeypatch=monkeypatch)  # fmt: skip
    assert code == 0


def test_a_decimal_comma_is_read_and_a_german_export_named(
    energy_inputs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A quoted '12,5' is 12.5 (same output as '12.5'); a ';' export is named as such.

    Before, the ';' file with decimal commas got "the line has N fields, the header 1
    ... remove the extra ','", which points the user at the wrong fix.
    """
    table = pd.read_csv(energy_inputs, dtype=str, keep_default_na=False)
    outputs = []
    for cell in ("12.5", "12,5"):
        table.loc[2, "forest_ha"] = cell
        table.to_csv(energy_inputs, index=False)
        out = tmp_path / f"potential-{len(outputs)}.csv"
        assert run_cli("energy", "potential", "--inputs", energy_inputs, "--out", out,
                       monkeypatch=monkeypatch) == 0  # fmt: skip
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    german = tmp_path / "german.csv"
    table.to_csv(german, index=False, sep=";")
    assert "12,5" in german.read_text(encoding="utf-8")
    code = run_cli("energy", "potential", "--inputs", german, "--out", tmp_path / "g.csv",
                   monkeypatch=monkeypatch)  # fmt: skip
    assert code == 2
    assert "german.csv, line 1: the header is separated by ';'" in _error(capsys)


MUNICIPAL = (
    "unit,parent,population,agriculture_ha,forest_ha\n"
    "14511000,14511,243105,5000,3000\n14521010,14521,200000,40000,50000\n"
)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("40000", "inf"), "line 3, field 'agriculture_ha': expected a number, got 'inf'"),
        (("40000", "1e400"), "line 3, field 'agriculture_ha': expected a number, got '1e400'"),
        (("50000", "1_000"), "line 3, field 'forest_ha': expected a number, got '1_000'"),
        (("14521010,", "1452\x001010,"), "line 3: wrong encoding or not a text table"),
        (("3000\n", "3000,\n"), "line 2: the line has 6 fields, the header 5"),
    ],
)
def test_energy_disaggregate_checks_the_municipal_table(
    change: tuple[str, str],
    expected: str,
    energy_inputs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Read by pandas as it was, ``inf`` proxies and NUL in ids gave exit 0, a trailing
    delimiter shifted the columns ("duplicate unit id '14511'")."""
    text = MUNICIPAL.replace(*change, 1)
    municipal = _write(tmp_path / "m.csv", text)
    out = tmp_path / "municipal.csv"
    code = run_cli("energy", "disaggregate", "--inputs", energy_inputs, "--municipalities",
                   municipal, "--out", out, monkeypatch=monkeypatch)  # fmt: skip
    assert code == 2
    assert f"m.csv, {expected}" in _error(capsys)
    assert not out.exists()


# --- 5./6. NUL anywhere; a delimiter at the end of the first data row ----------------------


def test_a_nul_byte_deep_in_the_flows_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "".join(f"{i:05d},{i:05d},5\n" for i in range(6000))
    flows = _write(
        tmp_path / "flows.csv", "origin,destination,value\n" + rows + "1\x006062,00001,3\n"
    )
    out = tmp_path / "labels.csv"
    assert run_cli("delineate", flows, "--out", out, monkeypatch=monkeypatch) == 2
    assert "line 6002: wrong encoding or not a text table: control character" in _error(capsys)


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"unit\n14713\n1\x0015002\n", 3),  # a NUL byte inside an id
        ("14713\n15002\n".encode("utf-16"), 1),  # UTF-16, as Windows tools save text
    ],
)
@pytest.mark.parametrize("how", ["--cities", "--study-area"])
def test_id_lists_are_checked_like_tables(
    data: bytes,
    line: int,
    how: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A list of ids (FUA cities, BBSR centres, a study area) was read as UTF-8 text only:
    UTF-16 ended in a UnicodeDecodeError traceback, a NUL byte became part of an id."""
    ids = tmp_path / ("ids.csv" if data.startswith(b"unit") else "ids.txt")
    ids.write_bytes(data)
    flows = _write(tmp_path / "flows.csv", FLOWS)
    if how == "--cities":
        argv: list[object] = ["delineate", flows, "--method", "fua", "--cities", f"@{ids}",
                              "--out", tmp_path / "l.csv"]  # fmt: skip
    else:
        units = _write(tmp_path / "u.csv", "unit,name\n01,A\n02,B\n")
        registry = _write(tmp_path / "r.yaml", "actors: []\n")
        argv = ["governance", "analyze", registry, "--units", units, "--flows", flows,
                "--study-area", ids, "--out", tmp_path / "g"]  # fmt: skip
    assert run_cli(*argv, monkeypatch=monkeypatch) == 2
    message = _error(capsys)
    assert f"{ids.name}, line {line}: wrong encoding or not a text table" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["flows.csv", ids.name] + (["u.csv", "r.yaml"] if how == "--study-area" else [])
    )


@pytest.mark.parametrize(
    ("args", "name", "text"),
    [
        (("delineate", "{f}", "--out", "{o}/l.csv"), "flows.csv",
         FLOWS.replace("01,01,50\n", "01,01,50,\n")),
        (("partnership", "power", "--weights", "{f}", "--quota", "2", "--out", "{o}/p.csv"),
         "weights.csv", "member,weight\na,3,\nb,2\n"),
        (("energy", "potential", "--inputs", "{f}", "--out", "{o}/p.csv"), "inputs.csv",
         "unit,population,arable_ha,grassland_ha,forest_ha,cereal_ha,cereal_yield_t_per_ha\n"
         "01,100,10,5,3,4,7.0,\n02,100,10,5,3,4,7.0\n"),
    ],
)  # fmt: skip
def test_a_trailing_delimiter_in_the_first_row_is_one_message(
    tmp_path: Path,
    args: tuple[str, ...],
    name: str,
    text: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _write(tmp_path / name, text)
    out = tmp_path / "out"
    argv = [a.replace("{f}", str(path)).replace("{o}", str(out)) for a in args]
    assert run_cli(*argv, monkeypatch=monkeypatch) == 2
    message = _error(capsys)
    assert "line 2: the line has" in message
    assert "at the end of the line" in message
    assert not out.exists()


# --- 7. option values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--quota", "inf", "quota 'inf' is neither"),
        ("--quota", "1e400", "quota '1e400' is neither"),
        ("--quota", "١٢%", "quota '١٢%' is neither"),
        ("--samples", "-5", "field '--samples': expected a whole number of at least 1, got -5"),
        ("--samples", "0", "field '--samples': expected a whole number of at least 1, got 0"),
        ("--seed", "-1", "field '--seed': a seed is a whole number of 0 or more"),
    ],
)
def test_bad_option_values_are_one_line(
    tmp_path: Path,
    option: str,
    value: str,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    weights = _write(tmp_path / "w.csv", "member,weight\na,3\nb,2\nc,1\n")
    args = {"--quota": "4", "--samples": "1000", "--seed": "0"} | {option: value}
    argv = [x for pair in args.items() for x in pair]
    code = run_cli("partnership", "power", "--weights", weights, "--method", "montecarlo",
                   *argv, "--out", tmp_path / "p.csv", monkeypatch=monkeypatch)  # fmt: skip
    assert code == 2
    assert message in _error(capsys)


@pytest.mark.parametrize("value", ["1_000", "١٢", "１２", "1e400", "inf"])
def test_sweep_grid_values_are_plain_decimals(
    value: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--grid min_size=1_000`` ran with 1000 and ``min_size=١٢`` with 12 (int() reads them)."""
    flows = _write(tmp_path / "flows.csv", FLOWS)
    code = run_cli("sweep", flows, "--out", tmp_path / "sweep", "--grid", f"min_size={value}",
                   "--scheduler", "inline", monkeypatch=monkeypatch)  # fmt: skip
    assert code == 2
    message = _error(capsys)
    assert f"field 'min_size': {value!r} is not a finite number written with ASCII" in message
    assert not (tmp_path / "sweep").exists()


@pytest.mark.parametrize("value", ["٠.٥", "nan", "inf", "1_0"])
def test_cover_share_is_a_plain_decimal(
    value: str,
    energy_inputs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--cover-share ٠.٥`` (Arabic-Indic digits) was read by float() as 0.5."""
    code = run_cli("energy", "balance", "--inputs", energy_inputs, "--out", tmp_path / "b",
                   "--cover-share", value, monkeypatch=monkeypatch)  # fmt: skip
    assert code == 2
    assert "field '--cover-share': expected a number in (0, 1]" in _error(capsys)
    assert not (tmp_path / "b").exists()


def test_digits_that_are_not_ascii_are_no_index() -> None:
    """``'²'.isdigit()`` is True but ``int('²')`` raises: ``delineate --sheet ²`` was a
    traceback, and a Host header ``localhost:²`` an error inside the dashboard."""
    from cityregions.cli._inputs import parse_sheet

    assert parse_sheet("²") == "²"  # a sheet name, not an index
    assert parse_sheet("١") == "١"
    assert parse_sheet("2") == 2
    require_extra("dashboard")  # the checks above need no extra
    from cityregions.app import server

    assert server._split_host("localhost:²") == ("localhost", None)
    assert server._split_host("localhost:8765") == ("localhost", 8765)


def test_keys_and_numbers_of_official_files_are_ascii_digits(tmp_path: Path) -> None:
    """A BA partner key in Arabic-Indic digits counted as a unit ('١٤٧١٣'.isdigit() is
    True); a GV100 population of '٠٠٠٠٠٠٢٣٨٠٠' was read as 23800, '²' was a traceback."""
    from cityregions import InputError
    from cityregions.io.ba_pendler import _csv_partner_kind, _partner_key, _partner_kind
    from cityregions.io.gv100 import read_gv100
    from tests.support.official_files import DOC_LINES, write_gv100

    assert _partner_kind("14713", "Leipzig, Stadt", 5) == "unit"
    assert _partner_kind("١٤٧١٣", "Leipzig, Stadt", 5) == "other"
    assert _csv_partner_kind("١٤٧١٣", "Leipzig, Stadt", 5) == "other"
    assert _partner_key("٥١١١", "Kreis Kleve", 5) == "٥١١١"  # not padded as if a key
    for cell in ("٠٠٠٠٠٠٢٣٨٠٠", "0000023800²"):
        broken = DOC_LINES[3][:139] + cell + DOC_LINES[3][150:]
        with pytest.raises(InputError, match="expected a zero-padded number") as info:
            read_gv100(write_gv100(tmp_path / "gv.txt", [broken]))
        assert info.value.field == "population (140-150)"


def _number_options() -> list[tuple[list[str], str, bool]]:
    """Every command's number options: (command words, option, whether it is a float)."""
    import typer.main

    from cityregions.cli._options import _is_number
    from cityregions.cli.main import COMMANDS, command_name, load_command

    found = []
    for module, attribute, group in COMMANDS:
        name = command_name(attribute, group)
        command = load_command(module, attribute, name)
        subs = getattr(command, "commands", None) or {None: command}
        for sub_name, sub in subs.items():
            words = [name] + ([sub_name] if sub_name else [])
            for param in sub.params:
                options = [o for o in param.opts if o.startswith("--")]
                if options and _is_number(param):
                    is_float = "float" in str(getattr(param, "type_descriptor", "")).lower()
                    found.append((words, options[0], is_float))
    assert typer.main  # imported for load_command
    return found


def test_every_number_option_refuses_what_is_not_a_plain_decimal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The guard of cli.main checks every option before the command runs (no input read).

    ``1_000``, ``١٢`` and ``１２`` are what Python's ``int``/``float`` (and so typer)
    read silently: ``sweep --bootstrap 1_000`` ran a thousand resamples.
    """
    options = _number_options()
    assert sum(is_float for *_, is_float in options) >= 10, options
    assert sum(not is_float for *_, is_float in options) >= 10, options
    assert (["sweep"], "--bootstrap", False) in options
    for words, option, is_float in options:
        values = ("nan", "inf", "-1e400", "1_000", "١٢") if is_float else ("1_000", "١٢", "１２")
        for value in values:
            code = run_cli(*words, *_required(words), option, value, monkeypatch=monkeypatch)
            err = capsys.readouterr().err
            assert code == 2, (words, option, value, err)
            expected = f"field '{option}': expected a finite decimal number written with ASCII"
            assert expected in err, (words, option, value, err)


def _required(words: list[str]) -> list[str]:
    """Placeholder values for the required parameters of a command (never read)."""
    from cityregions.cli.main import COMMANDS, command_name, load_command

    for module, attribute, group in COMMANDS:
        if command_name(attribute, group) == words[0]:
            command = load_command(module, attribute, words[0])
            break
    if len(words) > 1:
        command = command.commands[words[1]]
    values: list[str] = []
    for param in command.params:
        if not param.required:
            continue
        options = [o for o in param.opts if o.startswith("-")]
        values += [options[0], "x.csv"] if options else ["x.csv"]
    return values


# --- 8./9. deep YAML, billion laughs --------------------------------------------------------


def test_deep_yaml_and_billion_laughs_exit_2_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = _write(tmp_path / "deep" / "r.yaml", "actors: " + "[" * 600 + "]" * 600 + "\n")
    assert run_cli("governance", "check", deep, monkeypatch=monkeypatch) == 2
    assert "nested more than 64 levels" in capsys.readouterr().err
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*{'a' if i == 1 else f'l{i - 1}'}"] * 9) + "]"
              for i in range(1, 12)]  # fmt: skip
    laughs = _write(tmp_path / "laughs" / "r.yaml", "\n".join(lines) + "\n")
    started = time.perf_counter()
    assert run_cli("governance", "check", laughs, monkeypatch=monkeypatch) == 2
    assert "aliases expand the document by more than 10,000 nodes" in capsys.readouterr().err
    assert time.perf_counter() - started < 10  # before: 9 levels took 84 s, 11 far longer


@pytest.mark.parametrize("reader", ["case.toml", "--coefficients", "scenario"])
def test_deep_toml_is_one_line_in_every_toml_reader(
    reader: str,
    tmp_path: Path,
    energy_inputs: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """tomllib recurses: 500 nested arrays were a RecursionError traceback (as YAML was)."""
    deep = "x = " + "[" * 500 + "]" * 500 + "\n"
    if reader == "case.toml":
        case = _write(tmp_path / "case" / "case.toml", '[units]\nfile = "u.csv"\n' + deep)
        argv: list[object] = ["report", case.parent, "--out", tmp_path / "r.html"]
        where = "case.toml, line 3"
    elif reader == "--coefficients":
        coefficients = _write(tmp_path / "c.toml", "# overrides\n" + deep)
        argv = ["energy", "potential", "--inputs", energy_inputs, "--coefficients",
                coefficients, "--out", tmp_path / "p.csv"]  # fmt: skip
        where = "c.toml, line 2"
    else:
        scenario = _write(tmp_path / "s.toml", 'name = "s"\n' + deep)
        argv = ["partnership", "compare", scenario, "--out", tmp_path / "compare"]
        where = "s.toml, line 2"
    assert run_cli(*argv, monkeypatch=monkeypatch) == 2
    message = _error(capsys)
    assert f"{where}: arrays or inline tables nested more than 64 levels deep" in message
    assert not any((tmp_path / name).exists() for name in ("r.html", "p.csv", "compare"))


# --- 10. output paths checked before any work, naming the option -----------------------------


@pytest.fixture
def no_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any pipeline run fail the test: the error must come before the work."""
    import cityregions.pipeline.steps

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the pipeline ran although an output path was unusable")

    monkeypatch.setattr(cityregions.pipeline.steps, "run_case", refuse)


@pytest.mark.usefixtures("no_pipeline")
@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("--out", "/proc/x/report.html"), "--out"),
        (("--out", "{t}/r.html", "--outputs", "/proc/x/outputs"), "--outputs"),
        (("--out", "{t}/r.html", "--gpkg", "/proc/x/r.gpkg"), "--gpkg"),
        (("--out", "{t}/r.pdf"), "--out"),
        (("--out", "{t}/out/r.html", "--outputs", "{t}/out"), "--out"),
    ],
)
def test_report_checks_every_output_before_the_pipeline(
    tmp_path: Path,
    args: tuple[str, ...],
    option: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = [a.replace("{t}", str(tmp_path)) for a in args]
    assert run_cli("report", BUNDLED, *argv, monkeypatch=monkeypatch) == 2
    assert f"field '{option}'" in _error(capsys)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ("delineate", "{f}", "--out", "/proc/x/labels.csv"),
        ("energy", "potential", "--inputs", str(BUNDLED / "energy" / "inputs.csv"), "--out",
         "/proc/x/p.csv"),
        ("demo", "--out", "/proc/x"),
        ("governance", "analyze", "r.yaml", "--units", "u.csv", "--flows", "{f}", "--out",
         "/proc/x"),
        ("sweep", "{f}", "--out", "/proc/x", "--scheduler", "inline"),
        ("delineate", "{f}", "--out", "{f}.labels.csv", "--compare", "leiden", "--comparison",
         "/proc/x/c.csv"),
    ],
)  # fmt: skip
def test_unusable_output_paths_name_the_option(
    tmp_path: Path,
    args: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    flows = _write(tmp_path / "flows.csv", FLOWS)
    argv = [a.replace("{f}", str(flows)) for a in args]
    option = next(argv[i - 1] for i, a in enumerate(argv) if a.startswith("/proc/"))
    assert run_cli(*argv, monkeypatch=monkeypatch) == 2
    message = _error(capsys)
    assert f"field '{option}': cannot create anything in the folder '/proc'" in message
    assert "Errno" not in message


# --- 11. scenario paths; staged outputs; killed and stopped runs -----------------------------


def test_a_scenario_path_that_does_not_resolve_names_the_scenario_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (BUNDLED / "scenarios" / "registry-city-regions-2012.yaml").read_text(encoding="utf-8")
    assert "  units: ../" in text  # relative to the bundled case's scenario folder
    scenario = _write(tmp_path / "copied" / "scenario.yaml", text)
    out = tmp_path / "out"
    assert run_cli("partnership", "compare", scenario, "--out", out, monkeypatch=monkeypatch) == 2
    message = _error(capsys)
    assert message.startswith(f"error: {scenario}")
    assert "from_registry" in message
    assert not out.exists()


@pytest.mark.parametrize(
    "data",
    ["field,source\npopulation,Destatis\n".encode("utf-16"), b"field,source\npop\x00,x\n"],
)
def test_the_population_provenance_of_a_scenario_is_checked_like_a_table(
    data: bytes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The provenance file beside ``population_from`` was read by bare pandas: a UTF-16
    file was a UnicodeDecodeError traceback."""
    _write(tmp_path / "units.csv", "unit,name,population\n14713000,Leipzig,600\n")
    (tmp_path / "units-provenance.csv").write_bytes(data)
    scenario = _write(tmp_path / "s.yaml", "name: s\npopulation_from: units.csv\nmembers:\n"
                      "  - {id: leipzig, units: ['14713000'], bloc: l}\n"
                      "blocs:\n  - {id: l, name: Leipzig}\n"
                      "top: {representation: equal, share: 0.5}\n")  # fmt: skip
    out = tmp_path / "out"
    assert run_cli("partnership", "compare", scenario, "--out", out, monkeypatch=monkeypatch) == 2
    assert "units-provenance.csv, line " in _error(capsys)
    assert not out.exists()


def _toy_case(folder: Path, *, extra: str = "") -> Path:
    _write(folder / "units.csv", "unit,name,population,lon,lat\n01,A,5000,12.0,51.0\n"
           "02,B,3000,12.2,51.1\n03,C,2000,12.4,51.0\n")  # fmt: skip
    _write(folder / "case.toml", f'name = "Toy"\n[units]\nfile = "units.csv"\n{extra}')
    return folder


@pytest.mark.slow
def test_a_unit_without_coordinates_is_left_off_the_maps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The fuzz found it: a unit with empty lon/lat made the region key's label point an
    empty shape (GEOSException traceback); then circles and ties were drawn at nan."""
    case = tmp_path / "case"
    _write(case / "units.csv", "unit,name,population,lon,lat\n01,A,5000,,\n"
           "02,B,3000,12.2,51.1\n03,C,2000,12.4,51.0\n")  # fmt: skip
    _write(case / "flows.csv", "origin,destination,value\n01,01,900\n02,02,500\n"
           "03,03,400\n02,01,300\n03,01,200\n01,02,50\n")  # fmt: skip
    _write(case / "case.toml", 'name = "Toy"\n[units]\nfile = "units.csv"\n'
           '[flows]\nfile = "flows.csv"\n')  # fmt: skip
    out = tmp_path / "report.html"
    assert run_cli("report", case, "--out", out, monkeypatch=monkeypatch) == 0, capsys.readouterr()
    html = out.read_text(encoding="utf-8")
    assert "<svg" in html
    assert '="nan' not in html


def test_a_failing_step_leaves_no_outputs_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import cityregions.pipeline.steps as steps
    from cityregions import InputError

    def broken(case: object, results: object) -> None:
        raise InputError("a broken input", source="x.csv")

    monkeypatch.setattr(steps, "STEPS", [steps.STEPS[0], ("broken", broken)])
    case = _toy_case(tmp_path / "case")
    out = tmp_path / "outputs"
    code = run_cli("report", case, "--out", tmp_path / "r.html", "--outputs", out,
                   monkeypatch=monkeypatch)  # fmt: skip
    assert code == 2
    assert "a broken input" in _error(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case"]
    assert run_cli("demo", "--out", out, monkeypatch=monkeypatch) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case"]


SLOW_REPORT = """
import sys, time
import cityregions.pipeline.steps as steps
def slow(case, results):
    (results.section_dir("slow") / "part.csv").write_text("half")
    print("STARTED", flush=True)
    time.sleep(60)
steps.STEPS[:] = [steps.STEPS[0], ("slow", slow)]
from cityregions.cli.main import main
sys.argv = ["cityregions", *sys.argv[1:]]
main()
"""


def _start(args: list[str], tmp: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONHASHSEED": "0"}
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_REPORT, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "STARTED"
    return process


@pytest.mark.parametrize("outputs", [True, False])
def test_sigterm_removes_staging_and_scratch_folders(tmp_path: Path, outputs: bool) -> None:
    case, scratch = _toy_case(tmp_path / "case"), tmp_path / "tmp"
    scratch.mkdir()
    out = tmp_path / "out"
    args = ["report", str(case), "--out", str(out / "r.html")]
    args += ["--outputs", str(out / "outputs")] if outputs else []
    process = _start(args, scratch)
    assert any(out.glob(".outputs.partial-*")) if outputs else any(scratch.iterdir())
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=30)  # waits, and closes the pipes
    assert process.returncode == 128 + signal.SIGTERM
    assert list(scratch.iterdir()) == []
    assert list(out.iterdir()) == [] if out.exists() else True


@pytest.mark.slow
def test_a_killed_run_leaves_one_hidden_folder_which_the_next_run_removes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case, scratch = _toy_case(tmp_path / "case"), tmp_path / "tmp"
    scratch.mkdir()
    out = tmp_path / "out"
    process = _start(["report", str(case), "--out", str(out / "r.html"), "--outputs",
                      str(out / "outputs")], scratch)  # fmt: skip
    process.kill()
    process.communicate(timeout=30)
    left = sorted(p.name for p in out.iterdir())
    assert len(left) == 1
    assert left[0].startswith(".outputs.partial-")  # nothing in --outputs itself
    code = run_cli("report", case, "--out", out / "r.html", "--outputs", out / "outputs",
                   monkeypatch=monkeypatch)  # fmt: skip
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["outputs", "r.html"]


# --- 12. case.toml keys; serve checks its port first --------------------------------------


def test_a_flow_typo_in_case_toml_stops_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    case = _toy_case(tmp_path / "case", extra='[flow]\nfile = "flows.csv"\n')
    code = run_cli("report", case, "--out", tmp_path / "r.html", monkeypatch=monkeypatch)
    assert code == 2
    message = _error(capsys)
    assert "unknown table [flow]" in message
    assert "[flows]" in message
    assert not (tmp_path / "r.html").exists()


def test_serve_refuses_a_port_in_use_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    require_extra("dashboard")
    import cityregions.app

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the results were computed although the port is in use")

    monkeypatch.setattr(cityregions.app, "create_app_for_case", refuse)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        code = run_cli("serve", _toy_case(tmp_path / "case"), "--port", str(port),
                       monkeypatch=monkeypatch)  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert f"field '--port': port {port} on 127.0.0.1 is in use" in err
    assert "dashboard on" not in err


@pytest.mark.slow
def test_serve_stopped_by_sigterm_leaves_no_scratch_folder(tmp_path: Path) -> None:
    require_extra("dashboard")
    case, scratch = _toy_case(tmp_path / "case"), tmp_path / "tmp"
    scratch.mkdir()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "TMPDIR": str(scratch)}
    process = subprocess.Popen(
        [sys.executable, "-m", "cityregions.cli.main", "serve", str(case), "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if "dashboard on" in line or not line:
            break
    assert any(scratch.iterdir())  # the results are in a scratch folder while serving
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass  # the socket printed is the one listening
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=30)
    assert list(scratch.iterdir()) == []


def test_running_out_of_memory_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A count far beyond the machine (``sweep --bootstrap 99999999999``) ends cleanly."""
    import cityregions.partnership.voting as voting

    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError("Unable to allocate 745. GiB")

    monkeypatch.setattr(voting, "voting_power", exhausted)
    weights = _write(tmp_path / "w.csv", "member,weight\na,3\nb,2\nc,1\n")
    out = tmp_path / "p.csv"
    code = run_cli("partnership", "power", "--weights", weights, "--quota", "4", "--out", out,
                   monkeypatch=monkeypatch)  # fmt: skip
    assert code == 2
    assert "not enough memory for this run (Unable to allocate 745. GiB)" in _error(capsys)
    assert not out.exists()
