"""Serve one dashboard on 127.0.0.1 with every asset from the server itself (no CDN).

Usage::

    python widgets/serve.py multi_runner [--port 5006] [--show]
    python widgets/serve.py balancing_grid
    python widgets/serve.py long_run_monitor

This runs ``panel serve widgets/<app>.py --address 127.0.0.1 --port PORT
--allow-websocket-origin 127.0.0.1:PORT`` with ``BOKEH_RESOURCES=server``: panel then ships
BokehJS, panel.min.js and its CSS from ``/static`` on 127.0.0.1. (``BOKEH_RESOURCES=inline`` would
inline the JavaScript but make panel link its stylesheets from cdn.holoviz.org; ``cdn`` fetches
everything from the internet. Both break on an offline cluster node.) To reach the app from your
laptop, forward the port (``ssh -L PORT:127.0.0.1:PORT node``) rather than binding 0.0.0.0.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
APPS = ["multi_runner", "balancing_grid", "long_run_monitor"]


def command(app: str, port: int, show: bool = False) -> list[str]:
    """The ``panel serve`` command line for ``app``."""
    cmd = [
        sys.executable, "-m", "panel", "serve", str(HERE / f"{app}.py"),
        "--address", "127.0.0.1", "--port", str(port),
        "--allow-websocket-origin", f"127.0.0.1:{port}",
    ]  # fmt: skip
    return [*cmd, "--show"] if show else cmd


def environment() -> dict[str, str]:
    """The environment for ``panel serve``: assets from the server, package importable."""
    env = dict(os.environ, BOKEH_RESOURCES="server")
    src = HERE.parent / "src"
    if (src / "adaptive_nb").is_dir():  # a source checkout that is not pip-installed
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("app", choices=APPS)
    parser.add_argument("--port", type=int, default=5006)
    parser.add_argument("--show", action="store_true", help="open a browser tab")
    args = parser.parse_args(argv)
    print(f"serving http://127.0.0.1:{args.port}/{args.app}", flush=True)
    return subprocess.call(command(args.app, args.port, args.show), env=environment())


if __name__ == "__main__":
    raise SystemExit(main())
