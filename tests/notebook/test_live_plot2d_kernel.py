"""live_plot of a Learner2D in a real kernel (nbclient): a real Runner, comm, widget state."""

import json

import pytest
from nbrun import run_notebook, stdout, widget_models

pytestmark = pytest.mark.kernel

CELLS = [
    """
import asyncio, json, time
from concurrent.futures import ThreadPoolExecutor
import numpy as np
import adaptive_nb as adaptive

def ring(p):
    time.sleep(0.002)
    x, y = p
    v = x * y + np.exp(-((x**2 + y**2 - 0.75**2) ** 2) / 0.01**2)
    return [v, -v]

learner = adaptive.Learner2D(ring, bounds=[(-1, 1), (-0.5, 0.5)])
runner = adaptive.Runner(learner, npoints_goal=400, executor=ThreadPoolExecutor(2))
plot = runner.live_plot(update_interval=0.05)
plot
""",
    """
await runner.task
await asyncio.wait_for(plot.task, 2)
plot.send_state()  # nbclient keeps only this cell's updates
print(json.dumps({'status': str(runner.status()), 'npoints': learner.npoints,
    'cursor': plot._cursor, 'messages': plot.messages_sent, 'bytes': plot.bytes_sent}))
""",
]


def test_learner2d_points_travel_once_as_bytes(tmp_path) -> None:
    nb = run_notebook(CELLS, tmp_path)
    report = json.loads(stdout(nb.cells[1]))
    assert report["status"] == "finished"
    n = report["npoints"]
    assert n >= 400
    assert report["cursor"] == [n]  # every point sent, each exactly once
    assert report["messages"] > 2  # live: several incremental updates
    # (x, y) + 2 values as float64 per point, plus small JSON headers
    assert report["bytes"] < n * 32 + report["messages"] * 250
    plot = next(m["state"] for m in widget_models(nb).values() if "_panels" in m["state"])
    assert plot["_panels"] == [
        {
            "title": "",
            "kind": "2d",
            "box": [[-1.0, 1.0], [-0.5, 0.5]],
            "dim": 2,
            "xlabel": "x",
            "ylabel": "y",
            "zlabel": "ring(x, y)",
        }
    ]
    assert plot["_status"] == "runner finished"
