"""Running pure tasks on Dask: inline, a local cluster, a real cluster of processes.

The real cluster is a ``dask scheduler`` and two ``dask worker`` processes on
127.0.0.1 started and stopped by the test (``tests/support/dask_cluster.py``).
"""

from __future__ import annotations

import sys
import threading
import time

import pytest

from cityregions._distributed import ClusterError, check_scheduler, map_tasks
from cityregions._errors import InputError
from cityregions._optional import OptionalDependencyError
from tests.support.dask_cluster import dask_cluster, free_port
from tests.support.tasks import end_worker, fail, slow_square

distributed = pytest.importorskip("distributed", reason="needs the dask extra")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, None),
        ("local", None),
        ("inline", "inline"),
        ("127.0.0.1:8786", "tcp://127.0.0.1:8786"),
        ("tcp://scheduler.example:8786", "tcp://scheduler.example:8786"),
        ("tls://[::1]:8786", "tls://[::1]:8786"),
    ],
)
def test_scheduler_forms(given: str | None, expected: str | None) -> None:
    assert check_scheduler(given) == expected


@pytest.mark.parametrize("given", ["tcp://host", "http//x:1", "8786", "", "a b:1"])
def test_bad_scheduler_form_is_refused_before_work(given: str) -> None:
    with pytest.raises(InputError, match="not a Dask scheduler address") as error:
        check_scheduler(given)
    assert "--scheduler" in str(error.value)


def test_inline_keeps_input_order_and_passes_shared_inputs() -> None:
    assert map_tasks(round, [1.26, 2.71, 0.05], shared={"ndigits": 1}, scheduler="inline") == [
        1.3, 2.7, 0.1
    ]  # fmt: skip


@pytest.mark.slow
def test_local_cluster_gives_the_inline_result_in_input_order() -> None:
    items = list(range(8))
    local = map_tasks(slow_square, items, shared={"delay": 0.0}, n_workers=2)
    assert local == map_tasks(slow_square, items, shared={"delay": 0.0}, scheduler="inline")
    assert local == [x * x for x in items]


def test_unreachable_scheduler_is_a_clear_error_within_ten_seconds() -> None:
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    started = time.monotonic()
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler") as error:
        map_tasks(abs, [1, 2], scheduler=address)
    assert time.monotonic() - started < 10
    assert address in str(error.value)


@pytest.mark.slow
def test_a_task_that_keeps_killing_workers_ends_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import dask

    no_retry = dask.config.set({"distributed.scheduler.allowed-failures": 0})
    with no_retry, pytest.raises(ClusterError, match="workers that died") as error:
        map_tasks(end_worker, [1], n_workers=1)
    assert "the local cluster" in str(error.value)


def test_missing_dask_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if absent
    with pytest.raises(OptionalDependencyError, match=r'pip install "cityregions\[dask\]"'):
        map_tasks(abs, [1], n_workers=1)
    assert map_tasks(abs, [-1], scheduler="inline") == [1]  # inline needs no Dask


@pytest.mark.slow
def test_real_cluster_result_and_a_worker_dying_mid_run() -> None:
    """Two worker processes give the inline result; a task's error is raised as it is; a
    worker killed while both run tasks: its task runs again on the other."""
    items = list(range(12))
    out: dict[str, object] = {}
    with dask_cluster(n_workers=2) as cluster:
        assert map_tasks(slow_square, items, shared={"delay": 0.0},
                         scheduler=cluster.address) == [x * x for x in items]  # fmt: skip
        with pytest.raises(ValueError, match="task 2 failed"):  # raised as the task raised it
            map_tasks(fail, [2], scheduler=cluster.address)

        def run() -> None:
            try:
                out["result"] = map_tasks(
                    slow_square, items, shared={"delay": 0.4}, scheduler=cluster.address
                )
            except Exception as error:  # reported by the assertion below
                out["error"] = error

        thread = threading.Thread(target=run)
        thread.start()
        with distributed.Client(cluster.address, timeout=30) as watcher:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:  # until both workers run a task
                busy = [w for w, keys in watcher.processing().items() if keys]
                if len(busy) == 2:
                    break
                time.sleep(0.05)
            assert len(busy) == 2
            cluster.workers[1].kill()  # dies mid-run, its task unfinished
            thread.join(timeout=60)
            assert not thread.is_alive()
            assert len(watcher.scheduler_info()["workers"]) == 1
    assert "error" not in out, out.get("error")
    assert out["result"] == [x * x for x in items]
