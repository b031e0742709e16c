"""Run many pure tasks on Dask: a local cluster by default, or an existing one.

Work that multiplies — parameter sweeps × resampled flows, Monte Carlo voting power —
is a list of *tasks*, each a pure function of its inputs and a seed. :func:`map_tasks`
runs them on ``dask.distributed`` and returns the results in the order of the inputs,
so the outcome is the same whatever runs the tasks and in whatever order they finish:

``scheduler=None`` (or ``"local"``)
    A :class:`distributed.LocalCluster` of one single-threaded worker process per core
    (``n_workers`` to choose) starts before the first task and stops after the last:
    nothing to set up.
``scheduler="tcp://host:8786"`` (any Dask address; ``host:port`` means ``tcp://``)
    The tasks run on an existing cluster (``dask scheduler`` and ``dask worker``
    processes); its workers need ``cityregions`` installed. An address that cannot be
    reached within :data:`CONNECT_TIMEOUT_S` seconds, or a cluster without workers, is
    a :class:`ClusterError` naming the address.
``scheduler="inline"``
    The tasks run one after the other in this process, without Dask (no extra needed):
    for small jobs, where starting a cluster costs more than it saves, and for tests.

Inputs that every task needs (``shared``, e.g. the flow table) are sent to each worker
once (``Client.scatter(..., broadcast=True)``), not with every task. When a worker dies
mid-run, the scheduler runs its tasks again on another worker (Dask's
``distributed.scheduler.allowed-failures``, 3 by default); a task that kills workers more
often than that ends the run with a :class:`ClusterError`. An exception raised by a
task itself (e.g. an :class:`~cityregions.InputError`) is raised again here unchanged.
Nothing is returned until every task is done, so a caller that writes only after
:func:`map_tasks` returns never writes a partial result.

Dask and distributed are the ``dask`` extra (``pip install "cityregions[dask]"``),
imported only when a cluster is used.

Examples
--------
>>> map_tasks(round, [1.234, 5.678], shared={"ndigits": 1}, scheduler="inline")
[1.2, 5.7]

On a local cluster of two worker processes (``scheduler=None``) or on the cluster at
``tcp://127.0.0.1:8786`` the call and its result are the same.

References
----------
Rocklin, M. (2015). Dask: Parallel computation with blocked algorithms and task
scheduling. *Proceedings of the 14th Python in Science Conference*, 130–136.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from cityregions._errors import CityRegionsError, InputError
from cityregions._optional import import_optional
from cityregions._progress import track

logger = logging.getLogger(__name__)

R = TypeVar("R")

#: Run the tasks in this process, one after the other, without Dask.
INLINE = "inline"
#: Start (and stop) a local cluster of this machine's cores (the default).
LOCAL = "local"
#: Seconds to wait for an existing scheduler to answer before giving up.
CONNECT_TIMEOUT_S = 5.0
#: Seconds to wait for the first worker of an existing cluster.
WORKER_TIMEOUT_S = 5.0
#: ``scheme://host:port`` or ``host:port`` (Dask's own address forms).
ADDRESS = re.compile(
    r"^(?:(?P<scheme>[a-z][a-z0-9+]*)://)?(?P<host>\[[0-9a-f:]+\]|[\w.-]+):\d{1,5}$"
)


class ClusterError(CityRegionsError):
    """The Dask cluster cannot run the tasks: unreachable, no workers, or workers lost.

    The message names the scheduler address (or "local cluster") and what happened.
    """


def check_scheduler(scheduler: str | None, *, option: str = "--scheduler") -> str | None:
    """Return ``scheduler`` if it is ``None``, ``"local"``, ``"inline"`` or an address.

    Only the form is checked (no connection is made), so that a typo is reported before
    any work starts.

    Parameters
    ----------
    scheduler
        The value given by the user.
    option
        The option or field the value came from, for the message.

    Returns
    -------
    str or None
        ``None`` for the local cluster, ``"inline"``, or the address
        (``host:port`` gets ``tcp://``).

    Raises
    ------
    InputError
        Anything else.

    Examples
    --------
    >>> check_scheduler("127.0.0.1:8786")
    'tcp://127.0.0.1:8786'
    >>> check_scheduler("local") is None
    True
    """
    if scheduler is None or scheduler == LOCAL:
        return None
    if scheduler == INLINE:
        return INLINE
    match = ADDRESS.match(scheduler.strip())
    if match is None:
        msg = (
            f"{scheduler!r} is not a Dask scheduler address: expected tcp://host:port "
            f"(or host:port), '{LOCAL}' for a local cluster or '{INLINE}' for this process"
        )
        raise InputError(msg, source=option)
    return scheduler.strip() if match.group("scheme") else f"tcp://{scheduler.strip()}"


def local_cores() -> int:
    """Return the number of cores this process may use (the local cluster's workers)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_tasks(
    func: Callable[..., R],
    items: Sequence[Any],
    *,
    shared: Mapping[str, Any] | None = None,
    scheduler: str | None = None,
    n_workers: int | None = None,
    progress: bool = False,
    description: str = "tasks",
) -> list[R]:
    """Return ``[func(item, **shared) for item in items]``, computed on Dask.

    Parameters
    ----------
    func
        A pure, module-level function (workers import it by name): its result depends on
        its arguments only (a random task takes a seed among them).
    items
        One first argument per task.
    shared
        Keyword arguments given to every task, sent to each worker once.
    scheduler
        ``None``/``"local"`` (a local cluster), an address such as
        ``"tcp://127.0.0.1:8786"`` (an existing cluster) or ``"inline"`` (this process,
        no Dask); see the module notes.
    n_workers
        Worker processes of the local cluster (default: :func:`local_cores`); ignored
        for an existing cluster.
    progress
        Show a progress bar of the tasks done (on a terminal only).
    description
        Text beside the progress bar.

    Returns
    -------
    list
        The results, in the order of ``items``.

    Raises
    ------
    ClusterError
        The scheduler cannot be reached or has no worker, or a task kept killing
        workers.
    OptionalDependencyError
        A cluster is used but the ``dask`` extra is not installed.
    Exception
        Whatever a task raised (the first one that failed).
    """
    scheduler = check_scheduler(scheduler, option="scheduler")
    kwargs = dict(shared or {})
    if scheduler == INLINE:
        done = track(items, description=description, total=len(items), progress=progress)
        return [func(item, **kwargs) for item in done]
    if n_workers is not None and n_workers < 1:
        msg = f"n_workers must be at least 1, got {n_workers}"
        raise InputError(msg, source="n_workers")
    where = scheduler or "the local cluster"
    with _quiet_dask(), _client(scheduler, n_workers) as client:
        return _run(client, func, items, kwargs, where, progress, description)


@contextlib.contextmanager
def _quiet_dask() -> Iterator[None]:
    """Show Dask's own log records from warnings up (all when cityregions logs debug)."""
    import_optional("distributed", extra="dask", purpose="Running tasks on Dask")  # its logging
    dask_logger = logging.getLogger("distributed")
    level = dask_logger.level
    if logging.getLogger("cityregions").getEffectiveLevel() > logging.DEBUG:
        dask_logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        dask_logger.setLevel(level)


def _run(
    client: Any,
    func: Callable[..., R],
    items: Sequence[Any],
    kwargs: dict[str, Any],
    where: str,
    progress: bool,
    description: str,
) -> list[R]:
    """Scatter the shared inputs, submit one task per item and gather in input order."""
    distributed = import_optional("distributed", extra="dask", purpose="Running tasks on Dask")
    prefix = f"{getattr(func, '__name__', 'task')}-{uuid.uuid4().hex[:12]}"
    scattered = {
        name: value if _small(value) else client.scatter(value, broadcast=True, hash=False)
        for name, value in kwargs.items()
    }
    keys = [f"{prefix}-{i}" for i in range(len(items))]
    futures = client.map(func, list(items), key=keys, pure=False, **scattered)
    position = {future.key: i for i, future in enumerate(futures)}
    results: list[Any] = [None] * len(items)
    try:
        finished = distributed.as_completed(futures)
        for future in track(finished, description=description, total=len(futures),
                            progress=progress):  # fmt: skip
            results[position[future.key]] = future.result()
    except distributed.KilledWorker as error:
        msg = (
            f"{where}: a task was running on workers that died several times ({error}); "
            "the run was stopped (a task may need more memory than a worker has)"
        )
        raise ClusterError(msg) from error
    except (distributed.CancelledError, distributed.comm.CommClosedError) as error:
        msg = f"{where}: lost the connection to the scheduler before every task was done ({error})"
        raise ClusterError(msg) from error
    finally:
        client.cancel(futures)
        for name, value in scattered.items():
            if value is not kwargs[name]:
                client.cancel(value)
    return results


def _small(value: Any) -> bool:
    """Whether ``value`` is a plain scalar, sent with each task rather than scattered."""
    return value is None or isinstance(value, str | int | float | bool)


@contextlib.contextmanager
def _client(scheduler: str | None, n_workers: int | None) -> Iterator[Any]:
    """Yield a client of a new local cluster (closed afterwards) or of ``scheduler``."""
    distributed = import_optional("distributed", extra="dask", purpose="Running tasks on Dask")
    if scheduler is None:
        workers = n_workers or local_cores()
        logger.info("starting a local Dask cluster of %d worker process(es)", workers)
        cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        with cluster, distributed.Client(cluster) as client:
            yield client
        return
    client = _connect(distributed, scheduler)
    try:
        yield client
    finally:
        client.close()


def _probe(address: str) -> None:
    """Fail fast when nothing listens at a ``tcp://host:port`` address.

    Dask's own connect retries a refused connection until its timeout; a plain socket
    says at once that the port is closed.
    """
    match = ADDRESS.match(address)
    if match is None or (match.group("scheme") or "tcp") != "tcp":
        return  # another protocol: left to Dask
    host = match.group("host").strip("[]")
    port = int(address.rsplit(":", 1)[1])
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S):
            pass
    except OSError as error:
        msg = (
            f"cannot reach the Dask scheduler at {address} ({error.strerror or error}); is "
            "it running (dask scheduler) and is the address right?"
        )
        raise ClusterError(msg) from error


def _connect(distributed: Any, address: str) -> Any:
    """Return a client of the scheduler at ``address`` that has at least one worker."""
    _probe(address)
    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as error:
        msg = (
            f"cannot reach the Dask scheduler at {address} within {CONNECT_TIMEOUT_S:g} s "
            f"({type(error).__name__}: {error}); is it running (dask scheduler) and is the "
            "address right?"
        )
        raise ClusterError(msg) from error
    try:
        client.wait_for_workers(1, timeout=WORKER_TIMEOUT_S)
    except (OSError, TimeoutError) as error:
        client.close()
        msg = (
            f"the Dask scheduler at {address} has no worker (waited {WORKER_TIMEOUT_S:g} s); "
            "start some with: dask worker " + address
        )
        raise ClusterError(msg) from error
    logger.info("connected to the Dask scheduler at %s", address)
    return client


__all__ = [
    "CONNECT_TIMEOUT_S",
    "INLINE",
    "LOCAL",
    "ClusterError",
    "check_scheduler",
    "local_cores",
    "map_tasks",
]
