"""live_info / live_plot in a real kernel (nbclient): a real Runner, widget state, errors."""

import json
import time

import pytest
from nbrun import run_notebook, stdout, widget_models

pytestmark = pytest.mark.kernel

SETUP = """
import asyncio, json, time
from concurrent.futures import ThreadPoolExecutor
import ipywidgets
import adaptive_nb as adaptive
from adaptive_nb.notebook import LiveInfo, LivePlot, live_widgets

def f(x):
    time.sleep(0.002)
    return x + 0.01**2 / (0.01**2 + x**2)

def widgets_of(cls):
    return [w for w in live_widgets(runner) if isinstance(w, cls)]
"""


def test_live_widgets_follow_a_real_runner(tmp_path) -> None:
    nb = run_notebook(
        [
            SETUP + "adaptive.notebook_extension()\nadaptive.notebook_extension()  # twice is fine",
            # At least 1.5 s of sleeping (300 x 10 ms on 2 threads): the poller needs about 0.4 s
            # of unacknowledged updates before it backs off, and a faster run could end first.
            "def slow(x):\n    time.sleep(0.01)\n    return f(x)\n"
            "learner = adaptive.Learner1D(slow, bounds=(-1, 1))\n"
            "runner = adaptive.Runner(learner, npoints_goal=300, executor=ThreadPoolExecutor(2))\n"
            "runner.live_info(update_interval=0.05)\n"
            "runner.live_plot(update_interval=0.05)",
            "await runner.task\n"
            "info, = widgets_of(LiveInfo); plot, = widgets_of(LivePlot)\n"
            "await asyncio.wait_for(info.task, 2); await asyncio.wait_for(plot.task, 2)\n"
            "info.send_state(); plot.send_state()  # nbclient keeps only this cell's updates\n"
            "print(json.dumps({'status': str(runner.status()), 'npoints': learner.npoints,\n"
            "    'cursor': plot._cursor, 'plot_messages': plot.messages_sent,\n"
            "    'plot_bytes': plot.bytes_sent, 'info_seq': info._seq,\n"
            "    'info_skipped': info.poller.skipped, 'info_ack': info._ack}))",
        ],
        tmp_path,
    )
    report = json.loads(stdout(nb.cells[2]))
    assert report["status"] == "finished"
    # nbclient is a front end that never draws, so nothing is acknowledged: the poller backs off
    assert report["info_ack"] == 0
    assert report["info_skipped"] > 0
    n = report["npoints"]
    assert n >= 300  # in-flight results that arrive after the goal are kept
    assert report["cursor"] == [n]  # every point sent, each exactly once
    # only new points travel: total payload ~ 300 points * 16 bytes + small headers
    assert report["plot_bytes"] < n * 16 + report["plot_messages"] * 200
    # both widgets were displayed in the cell that created them
    views = [
        o
        for o in nb.cells[1].outputs
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert len(views) == 2
    models = widget_models(nb)
    info = next(m["state"] for m in models.values() if "_snapshot" in m["state"])
    plot = next(m["state"] for m in models.values() if "_panels" in m["state"])
    assert info["_snapshot"]["status"] == "finished"
    assert info["_snapshot"]["npoints"] == n
    assert info["_snapshot"]["loss"] is not None
    assert plot["_panels"] == [
        {"title": "", "kind": "1d", "bounds": [-1.0, 1.0], "xlabel": "x", "ylabel": "slow(x)"}
    ]
    assert plot["_status"] == "runner finished"
    assert "live_info.js" not in info["_esm"]  # the bundle's code is inlined, not a path/URL
    assert "export" in info["_esm"]


def test_runner_failure_is_visible_in_live_info(tmp_path) -> None:
    nb = run_notebook(
        [
            SETUP,
            "def g(x):\n    raise RuntimeError('something went wrong!')\n"
            "learner = adaptive.Learner1D(g, (-1, 1))\n"
            "runner = adaptive.Runner(learner, executor=ThreadPoolExecutor(1))\n"
            "runner.live_info()",
            "await asyncio.wait({runner.task})\n"
            "info, = widgets_of(LiveInfo)\n"
            "await asyncio.wait_for(info.task, 2)\n"
            "info.send_state()\n"
            "print(info._snapshot['status'])",
        ],
        tmp_path,
    )
    assert stdout(nb.cells[2]).strip() == "failed"
    info = next(m["state"] for m in widget_models(nb).values() if "_snapshot" in m["state"])
    assert "something went wrong!" in info["_snapshot"]["last_traceback"]
    assert info["_snapshot"]["error"]


def test_notebook_extension_refuses_outside_a_kernel() -> None:
    import adaptive_nb

    with pytest.raises(RuntimeError, match="may only be run from a Jupyter notebook"):
        adaptive_nb.notebook_extension()


def test_cancel_message_is_handled_while_a_cell_awaits_runner_task(tmp_path) -> None:
    """The Cancel path end to end at the kernel protocol level, as the browser sends it.

    Canary for ipykernel >= 7.4, which dispatches comm messages while an async cell holds the
    shell (ipykernel#1565): a comm message sent during `await runner.task` must reach the widget.
    """
    import os

    from jupyter_client.manager import start_new_kernel
    from nbrun import SRC

    env = dict(os.environ, PYTHONPATH=str(SRC))
    km, kc = start_new_kernel(kernel_name="python3", env=env, cwd=str(tmp_path))
    try:
        out: list[str] = []

        def hook(msg) -> None:
            # stdout only: stderr (e.g. the no-goal RunnerWarning) may arrive after the print
            if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
                out.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                out.append("\n".join(msg["content"]["traceback"]))

        kc.execute_interactive(
            SETUP + "\nlearner = adaptive.Learner1D(f, bounds=(-1, 1))"
            "\nrunner = adaptive.Runner(learner, executor=ThreadPoolExecutor(2))"
            "\ninfo = LiveInfo(runner, update_interval=0.05)"
            "\ncancelled_at = []"
            "\nrunner.task.add_done_callback(lambda t: cancelled_at.append(time.time()))"
            "\nprint(info.comm.comm_id)",
            output_hook=hook,
            timeout=60,
        )
        comm_id = out[-1].strip()
        # The kernel is now busy awaiting. stop_on_error=False: the CancelledError this cell ends
        # with must not abort the next request, which a loaded machine may queue before it.
        kc.execute("await runner.task", stop_on_error=False)
        time.sleep(0.5)
        for _ in range(3):  # acks first, as a browser would, then the click
            ack = {"method": "custom", "content": {"type": "ack", "seq": 1}}
            kc.shell_channel.send(kc.session.msg("comm_msg", {"comm_id": comm_id, "data": ack}))
        t_click = time.time()
        cancel = {"method": "custom", "content": {"type": "cancel"}}
        kc.shell_channel.send(kc.session.msg("comm_msg", {"comm_id": comm_id, "data": cancel}))
        time.sleep(0.6)
        out.clear()
        kc.execute_interactive(
            "print(str(runner.status()), cancelled_at[0], info._clicks)", output_hook=hook
        )
        status, t_cancel, clicks = out[-1].split()
        assert status == "cancelled"
        assert int(clicks) == 1
        assert float(t_cancel) - t_click < 0.2
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
