"""The learners' to_dataframe / load_dataframe on pandas 2 as well as on the pandas 3 of the venv.

The test environment has one pandas (3); this installs pandas 2 into a private folder (from the
package index, as the test set-up installs everything) and runs every learner's table tests
again with it first on the path.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_learner_tables_on_pandas_2(tmp_path: Path) -> None:
    target = tmp_path / "pandas2"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
         "pandas>=2,<3", "pytz"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(target), str(ROOT / "src")]))
    version = subprocess.run(
        [sys.executable, "-c", "import pandas; print(pandas.__version__)"],
        check=True, capture_output=True, text=True, env=env,
    ).stdout.strip()  # fmt: skip
    assert version.startswith("2."), version
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "dataframe",
         str(ROOT / "tests" / "learner")],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False,
    )  # fmt: skip
    tail = done.stdout[-2000:]
    assert done.returncode == 0, tail
    passed = re.search(r"(\d+) passed", tail)
    assert passed is not None, tail
    assert int(passed.group(1)) >= 20, tail  # every learner's round trips ran
