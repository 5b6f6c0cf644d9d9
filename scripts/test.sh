#!/usr/bin/env bash
# The whole test suite, from a fresh clone: system packages, venv, JS bundles + JS tests,
# ruff, mypy, lint-imports, then pytest (unit, property, kernel, cluster and browser tests).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k learner1D`.
source "$(dirname "$0")/_env.sh"
cd "$ROOT"
start=$(date +%s)

ensure_system_packages
ensure_venv test

if [ -f js/package.json ]; then
    echo ">>> js: npm ci, bundle check, tests"
    (cd js && npm ci --no-audit --no-fund --loglevel=error && npm run check && npm test)
fi

echo ">>> ruff"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
echo ">>> mypy"
"$VENV/bin/mypy"
echo ">>> lint-imports (layering contracts in pyproject.toml)"
"$VENV/bin/lint-imports" --no-cache

echo ">>> pytest"
set +e
"$PY" -m pytest "$@"
rc=$?
set -e
echo ">>> test suite took $(( $(date +%s) - start )) s"
exit $rc
