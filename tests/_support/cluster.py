"""A real dask LocalCluster on 127.0.0.1, shared by the tests of one module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[Any]:
    """Two single-threaded worker processes on 127.0.0.1, no dashboard, quiet logs."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=40,
    ) as cluster:
        yield cluster
