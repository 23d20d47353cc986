"""Connecting to a Dask scheduler, or starting a LocalCluster of worker processes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from infoscope.errors import InfoscopeError, UsageError

ENGINES = ("local", "dask")
LOW_LEVEL_LOG = 20  # messages Dask keeps for debugging (its default: 1,000)


def check_engine(engine: str, scheduler: str | None, workers: int | None) -> None:
    """A one-line usage error for option combinations that make no sense."""
    if engine not in ENGINES:
        raise UsageError(f"--engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if engine == "local" and (scheduler or workers):
        raise UsageError("--scheduler and --workers need --engine dask")
    if scheduler and workers:
        raise UsageError("--workers starts a local cluster: leave it out with --scheduler")
    if workers is not None and workers < 1:
        raise UsageError("--workers must be at least 1")


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client``: to ``scheduler`` (tcp://HOST:8786), else to a new LocalCluster.

    The LocalCluster runs ``workers`` processes (default 2) of one thread each: the annotators are
    CPU-bound Python, so processes, not threads, use the cores.
    """
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise InfoscopeError(
            "--engine dask needs the 'distributed' package: pip install 'dask[distributed]'"
        ) from exc
    # Dask keeps the last 1,000 messages and transitions per scheduler, worker and connection for
    # debugging; with document batches in them, that is memory growing for the first ~20,000
    # documents (measured: 4 MB per 1,000 on the client). A remote cluster's own processes need
    # the same setting in their Dask configuration (docs/operations.md).
    with dask.config.set({"distributed.admin.low-level-log-length": LOW_LEVEL_LOG}):
        if scheduler:
            try:
                client = Client(scheduler, timeout="10s")
            except OSError as exc:
                raise InfoscopeError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
            try:
                yield client
            finally:
                client.close()
            return
        cluster = LocalCluster(
            n_workers=workers or 2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
            cluster.close()


def worker_count(client: Any) -> int:
    """Threads across the cluster's workers (at least 1, so windows are never empty)."""
    return max(1, sum(client.nthreads().values()))
