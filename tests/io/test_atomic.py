"""Atomic output: one file or several, all written or none, checked before any work."""

from __future__ import annotations

from pathlib import Path

import pytest

from cityregions import InputError
from cityregions.io._atomic import atomic_path, atomic_paths, check_output_file


def _fail_after_writing(*temps: Path) -> None:
    for tmp in temps:
        tmp.write_text("new", encoding="utf-8")
    raise RuntimeError


def test_atomic_path_leaves_target_untouched_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        _fail_after_writing(tmp)
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_atomic_paths_writes_all_or_none(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "sub" / "b.gpkg"
    with pytest.raises(RuntimeError), atomic_paths(first, second) as temps:
        _fail_after_writing(*temps)
    assert not first.exists()
    assert not second.exists()
    with atomic_paths(first, second) as (tmp_a, tmp_b):
        tmp_a.write_text("a", encoding="utf-8")
        tmp_b.write_text("b", encoding="utf-8")
    assert first.read_text(encoding="utf-8") == "a"
    assert second.read_text(encoding="utf-8") == "b"
    assert sorted(p.name for p in second.parent.iterdir()) == ["b.gpkg"]


def test_unwritable_targets_are_named_and_nothing_is_created(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="is a file, not a folder") as error:
        check_output_file(blocker / "deeper" / "out.csv")
    assert "deeper/out.csv" in str(error.value)
    with pytest.raises(InputError, match="is a folder"):
        check_output_file(tmp_path)
    with (
        pytest.raises(InputError, match="is a file"),
        atomic_paths(tmp_path / "ok.csv", blocker / "x.csv"),
    ):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


def test_folder_without_write_permission_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from cityregions.io import _atomic

    # the tests may run as root, for whom every folder is writable: ask os.access
    monkeypatch.setattr(_atomic.os, "access", lambda path, mode: Path(path) != tmp_path)
    assert os.access(tmp_path / "x", os.W_OK)  # other paths untouched by the stub
    with pytest.raises(InputError, match="is not writable") as error:
        check_output_file(tmp_path / "new" / "out.csv")
    assert str(tmp_path) in str(error.value)
    assert not (tmp_path / "new").exists()


# --- issue 16: probes, staging folders, leftovers of killed runs ---------------------------


def test_a_folder_nothing_can_be_created_in_is_named_with_the_option() -> None:
    """/proc passes os.access for root but refuses every new entry: the probe finds it."""
    from cityregions.io._atomic import check_output_folder

    with pytest.raises(InputError, match=r"cannot create anything in the folder '/proc'") as error:
        check_output_file(Path("/proc/x/report.html"), option="--out")
    assert error.value.field == "--out"
    with pytest.raises(InputError, match="cannot create anything"):
        check_output_folder(Path("/proc/x/outputs"), option="--outputs")


def test_checks_leave_nothing_behind(tmp_path: Path) -> None:
    check_output_file(tmp_path / "a" / "b" / "out.csv", option="--out")
    assert list(tmp_path.iterdir()) == []


def _stage_and_fail(target: Path) -> None:
    from cityregions.io._atomic import staged_folder

    def fail() -> None:
        with staged_folder(target) as stage:
            (stage / "sub").mkdir()
            (stage / "sub" / "a.csv").write_text("a", encoding="utf-8")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        fail()


def test_a_failed_staged_folder_leaves_no_trace(tmp_path: Path) -> None:
    _stage_and_fail(tmp_path / "deep" / "er" / "out")
    assert list(tmp_path.iterdir()) == []  # created parents are removed again
    existing = tmp_path / "out"
    existing.mkdir()
    (existing / "old.csv").write_text("old", encoding="utf-8")
    _stage_and_fail(existing)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert [p.name for p in existing.iterdir()] == ["old.csv"]


def test_a_staged_folder_appears_whole_and_keeps_other_files(tmp_path: Path) -> None:
    from cityregions.io._atomic import staged_folder

    target = tmp_path / "out"
    with staged_folder(target) as stage:
        (stage / "sub").mkdir()
        (stage / "sub" / "a.csv").write_text("a1", encoding="utf-8")
        (stage / "b.csv").write_text("b1", encoding="utf-8")
        assert not target.exists()  # nothing visible while the work runs
        assert stage.parent == tmp_path
        assert stage.name.startswith(".out.partial-")
    assert sorted(str(p.relative_to(target)) for p in target.rglob("*")) == [
        "b.csv", "sub", "sub/a.csv"
    ]  # fmt: skip
    (target / "mine.txt").write_text("user's", encoding="utf-8")
    with staged_folder(target) as stage:
        (stage / "b.csv").write_text("b2", encoding="utf-8")
    assert (target / "b.csv").read_text(encoding="utf-8") == "b2"
    assert (target / "mine.txt").read_text(encoding="utf-8") == "user's"
    assert (target / "sub" / "a.csv").read_text(encoding="utf-8") == "a1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def _dead_pid() -> int:
    import subprocess
    import sys

    process = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                             capture_output=True, text=True, check=True)  # fmt: skip
    return int(process.stdout)


def test_leftovers_of_killed_runs_are_removed_by_the_next_run(tmp_path: Path) -> None:
    import os

    from cityregions.io._atomic import atomic_path, staged_folder

    dead, alive = _dead_pid(), os.getpid()
    stale = [tmp_path / f".out.partial-{dead}-0a1b2c3d", tmp_path / f".labels.{dead}-x1y2.csv"]
    live = [tmp_path / f".out.partial-{alive}-9f8e7d6c", tmp_path / f".labels.{alive}-z9.csv"]
    for path in (stale[0], live[0]):
        path.mkdir()
        (path / "half.csv").write_text("x", encoding="utf-8")
    for path in (stale[1], live[1]):
        path.write_text("x", encoding="utf-8")
    with staged_folder(tmp_path / "out") as stage:
        (stage / "a.csv").write_text("a", encoding="utf-8")
    with atomic_path(tmp_path / "labels.csv") as tmp:
        tmp.write_text("unit,region\n", encoding="utf-8")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(["out", "labels.csv", *(p.name for p in live)])


def test_replace_swaps_the_whole_folder_or_keeps_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sweep with fewer runs must not keep an earlier run's file; a failed move restores."""
    from cityregions.io import _atomic

    target = tmp_path / "out"
    (target / "labels").mkdir(parents=True)
    (target / "labels" / "run-0003.parquet").write_text("old", encoding="utf-8")
    (target / "runs.csv").write_text("old", encoding="utf-8")
    stale = tmp_path / f".out.old-{_dead_pid()}-0a1b2c3d"  # a run killed while replacing
    stale.mkdir()
    with _atomic.staged_folder(target, replace=True) as stage:
        (stage / "labels").mkdir()
        (stage / "labels" / "run-0001.parquet").write_text("new", encoding="utf-8")
        (stage / "runs.csv").write_text("new", encoding="utf-8")
    assert sorted(str(p.relative_to(target)) for p in target.rglob("*")) == [
        "labels", "labels/run-0001.parquet", "runs.csv"
    ]  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # old and stale removed

    real_rename = Path.rename

    def refuse_stage(self: Path, other: Path) -> Path:  # the stage cannot take its place
        if self.name.startswith(".out.partial-"):
            raise OSError(28, "No space left on device")
        return real_rename(self, other)

    monkeypatch.setattr(Path, "rename", refuse_stage)
    with (
        pytest.raises(OSError, match="No space"),
        _atomic.staged_folder(target, replace=True) as stage,
    ):
        (stage / "runs.csv").write_text("newer", encoding="utf-8")
    assert (target / "runs.csv").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_temporary_folder_is_removed_and_cleans_dead_runs(tmp_path: Path) -> None:
    from cityregions.io._atomic import temporary_folder

    dead = tmp_path / f"cityregions-{_dead_pid()}-abc"
    dead.mkdir()
    with temporary_folder(folder=tmp_path) as scratch:
        (scratch / "x.csv").write_text("x", encoding="utf-8")
        assert scratch.name.startswith("cityregions-")
    assert list(tmp_path.iterdir()) == []
