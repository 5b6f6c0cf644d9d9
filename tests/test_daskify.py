import asyncio
import itertools
import os
from typing import Any

import pytest

import adaptive_nb
from _support.aio import asyncio_test
from _support.cluster import dask_cluster
from adaptive_nb.utils import daskify

__all__ = ["dask_cluster"]  # the fixture, imported for pytest

_calls = itertools.count()


def _square_with_call_number(x: float) -> tuple[float, int, int]:
    # Runs in a worker process: (pid, counter) tells separate evaluations apart.
    return x * x, os.getpid(), next(_calls)


def _total_with_call_number(xs: list[float]) -> tuple[float, int, int]:
    return sum(xs), os.getpid(), next(_calls)


def test_rejects_what_is_not_a_client():
    with pytest.raises(TypeError, match=r"distributed\.Client"):
        daskify(object())


@pytest.mark.cluster
@asyncio_test
async def test_learner_function_awaits_daskified_calls(dask_cluster: Any) -> None:
    from distributed import Client

    async with Client(dask_cluster.scheduler_address, asynchronous=True) as client:

        @daskify(client)
        def g(x: float) -> float:
            return x**2

        async def f(x: float) -> float:
            return await g(x) + await g(x + 1)

        learner = adaptive_nb.Learner1D(f, bounds=(-1, 1))
        runner = adaptive_nb.AsyncRunner(learner, npoints_goal=40, ntasks=20)
        await runner.task
        assert runner.status() == "finished"
        assert learner.npoints >= 40
        for x, y in learner.data.items():
            assert y == pytest.approx(x**2 + (x + 1) ** 2)
        assert g.__name__ == "g"


@pytest.mark.cluster
@asyncio_test
async def test_cache_shares_one_evaluation_per_argument(dask_cluster: Any) -> None:
    from distributed import Client

    async with Client(dask_cluster.scheduler_address, asynchronous=True) as client:
        cached = daskify(client, cache=True)(_square_with_call_number)
        plain = daskify(client)(_square_with_call_number)

        first = await asyncio.gather(*(cached(3.0) for _ in range(5)))
        assert first == [first[0]] * 5
        assert first[0][0] == 9.0
        assert len(cached.cache) == 1  # type: ignore[attr-defined]
        by_text = daskify(client, cache=True)(_total_with_call_number)
        # unhashable arguments key by their text
        assert await by_text([1, 2]) == await by_text([1, 2])
        assert len(by_text.cache) == 1  # type: ignore[attr-defined]

        again = await asyncio.gather(*(plain(3.0) for _ in range(4)))
        # Without caching each call is evaluated: the workers' counters advance.
        assert len(set(again)) == 4


@pytest.mark.cluster
@asyncio_test
async def test_synchronous_client_does_not_block_the_loop(dask_cluster: Any) -> None:
    from distributed import Client

    with Client(dask_cluster.scheduler_address) as client:

        @daskify(client)
        def slow(x: float) -> float:
            import time

            time.sleep(0.3)
            return x + 1

        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.02)
                ticks += 1

        tick_task = asyncio.create_task(ticker())
        assert await slow(1.0) == 2.0
        tick_task.cancel()
        assert ticks >= 5
