#!/usr/bin/env bash
# The main job: JupyterLab at the repository root, bound to 127.0.0.1, with the quickstart open
# (README.md, notebooks/ and widgets/ are all in the file browser).
# Extra arguments go to `jupyter lab` (e.g. --port 8899 --no-browser).
#
# The venv is (re)installed only when it is missing or pyproject.toml changed since the last
# install: the package is installed editable, so edits under src/ need no reinstall. The stamp
# is .venv/.start-stamp; delete it to force a reinstall.
source "$(dirname "$0")/_env.sh"
cd "$ROOT"

EXTRAS=test
STAMP="$VENV/.start-stamp"
want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1) [$EXTRAS]"
if [ -x "$PY" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$want" ] \
    && "$PY" -c "import adaptive_nb" 2>/dev/null; then
    echo ">>> $VENV is up to date with pyproject.toml (rm $STAMP to reinstall)"
else
    ensure_venv "$EXTRAS"
    echo "$want" >"$STAMP"
fi

# Jupyter refuses to run as root unless told; containers and these machines often are root.
root_flag=()
[ "$(id -u)" = 0 ] && root_flag=(--allow-root)
exec "$VENV/bin/jupyter" lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir="$ROOT" \
    --LabApp.default_url=/lab/tree/notebooks/quickstart.ipynb "${root_flag[@]}" "$@"
