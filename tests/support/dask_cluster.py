"""A real Dask cluster on 127.0.0.1 for tests: ``dask scheduler`` and ``dask worker`` processes.

The processes are started by the test and stopped (terminated, then killed) when the
``with`` block ends. Workers run without a nanny, so that a test can kill one and the
scheduler sees a worker die mid-run. They find ``tests.support`` (the test tasks) on
their ``PYTHONPATH``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60.0


@dataclass
class DaskCluster:
    """Address of the scheduler and the worker processes (to kill one in a test)."""

    address: str
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dask scheduler exited with code {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    raise RuntimeError("dask scheduler did not start")


def start_worker(address: str, name: str) -> subprocess.Popen[bytes]:
    """Start one single-threaded worker process (no nanny) for the scheduler at ``address``."""
    command = [sys.executable, "-m", "dask", "worker", address, "--nthreads", "1"]
    command += ["--no-nanny", "--no-dashboard", "--host", "127.0.0.1", "--name", name]
    return subprocess.Popen(
        command, cwd=REPO, env=_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def dask_cluster(n_workers: int = 2) -> Iterator[DaskCluster]:
    """Start a scheduler and ``n_workers`` workers on 127.0.0.1; stop them afterwards."""
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    command = [sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--no-dashboard"]
    scheduler = subprocess.Popen(
        command, cwd=REPO, env=_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    cluster = DaskCluster(address, scheduler)
    try:
        _wait_for_port(port, scheduler)
        cluster.workers = [start_worker(address, f"worker-{i}") for i in range(n_workers)]
        with Client(address, timeout=START_TIMEOUT_S) as client:
            client.wait_for_workers(n_workers, timeout=START_TIMEOUT_S)
        yield cluster
    finally:
        for process in [*cluster.workers, scheduler]:
            _stop(process)
