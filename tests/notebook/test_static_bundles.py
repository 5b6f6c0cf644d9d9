"""The committed widget bundles in src/adaptive_nb/static/ must be what js/src builds to.

pip installs from a clone use the committed bundles (no node needed), so a stale bundle would
ship old front-end code silently. This rebuilds them into a temp dir with the pinned esbuild.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "js"
STATIC = ROOT / "src" / "adaptive_nb" / "static"
BUNDLES = ["live_info.js", "live_plot.js"]


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "node is not installed, so the committed widget bundles cannot be checked against "
            "js/src. Install node >= 18 (apt-get install nodejs npm) and run `cd js && npm ci`."
        )
    if not (JS / "node_modules" / "esbuild").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=JS, check=True
        )
    return node


def test_committed_bundles_match_a_fresh_build(tmp_path: Path) -> None:
    node = _node()
    subprocess.run(
        [node, "build.mjs", "--outdir", str(tmp_path)], cwd=JS, check=True, capture_output=True
    )
    for name in BUNDLES:
        fresh = (tmp_path / name).read_bytes()
        committed = (STATIC / name).read_bytes()
        assert fresh == committed, (
            f"src/adaptive_nb/static/{name} is stale: run `cd js && npm run build` and commit it."
        )


def test_bundles_are_self_contained_esm() -> None:
    for name in BUNDLES:
        text = (STATIC / name).read_text()
        assert "export{" in text.replace(" ", "") or "export default" in text
        # no imports from anywhere: the bundle must work offline, with no CDN
        assert "import(" not in text
        assert 'from"http' not in text.replace(" ", "")
        assert "https://" not in text
