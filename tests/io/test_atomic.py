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
