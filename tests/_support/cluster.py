"""A real dask LocalCluster on 127.0.0.1, shared by the tests of one module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


def local_cluster(silence_logs: int = 40) -> Any:
    """Start a ``LocalCluster`` of two single-threaded worker processes; close it with ``with``.

    On 127.0.0.1 (the sandbox allows loopback only), without a dashboard; ``silence_logs`` is
    the logging level below which the cluster's messages are dropped. Skips the test when
    ``distributed`` is not installed.
    """
    distributed = pytest.importorskip("distributed")
    return distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=silence_logs,
    )


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[Any]:
    """Two single-threaded worker processes on 127.0.0.1, no dashboard, quiet logs."""
    with local_cluster() as cluster:
        yield cluster
