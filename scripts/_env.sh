# Sourced by scripts/*.sh: make the system packages and the project venv (.venv) exist.
# Idempotent and quiet when everything is already there, so every script can call it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

ensure_system_packages() {
    # chromium: browser tests; openmpi: mpi4py (built from source by pip) and `mpiexec` tests.
    # Arguments: more tools a script needs, each an apt package of the same name (valgrind).
    local need=()
    local tool
    for tool in "$@"; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
    command -v chromium >/dev/null 2>&1 || need+=(chromium fonts-dejavu-core)
    command -v mpiexec >/dev/null 2>&1 || need+=(openmpi-bin libopenmpi-dev)
    [ -f /usr/include/x86_64-linux-gnu/openmpi/mpi.h ] || [ -n "$(find /usr/lib -name mpi.h -path '*openmpi*' -print -quit 2>/dev/null)" ] || need+=(libopenmpi-dev)
    if ((${#need[@]})); then
        echo ">>> installing system packages: ${need[*]}"
        local sudo=""
        if [ "$(id -u)" != 0 ]; then
            if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
                echo "!!! need root (or sudo) to apt-get install ${need[*]}; browser and MPI tests will fail" >&2
                return 0
            fi
        fi
        $sudo apt-get update -q
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need[@]}"
    fi
}

ensure_venv() {
    local extras="$1"
    if [ ! -x "$PY" ]; then
        echo ">>> creating $VENV"
        python3 -m venv "$VENV"
        "$PY" -m pip install -q -U pip
    fi
    echo ">>> pip install -e .[$extras]"
    "$PY" -m pip install -q -e "$ROOT[$extras]" 2> >(grep -v "is ignored" >&2)
}
