"""Run the reference library's tutorial pages against adaptive_nb, cell by cell, in a real kernel.

The pages are the MyST markdown notebooks of python-adaptive/adaptive (``docs/source/tutorial/``).
They are not part of this project: pass the folder that holds them (e.g. a temporary export of the
reference repository), never a folder inside the repo.

Each page is converted with jupytext, its imports are switched to this project (``import adaptive``
becomes ``import adaptive_nb as adaptive`` and ``from adaptive...`` becomes ``from adaptive_nb...``;
nothing else changes) and its code cells run one after the other in a fresh ipykernel whose
``PYTHONPATH`` starts with this checkout's ``src``. Per page it prints ``ok`` or the first failing
cell with its error, and the run time. ``--reference`` runs the pages unchanged against the
installed reference library as well, for the side-by-side run times, and lists the cells whose
outputs are of a different kind (mime types) in the two runs and those a second or more slower
with adaptive_nb.

Usage::

    python scripts/run_reference_tutorials.py /tmp/pages [--reference] [--only Learner1D ...]
                                               [--timeout 300] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import jupytext
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

SRC = Path(__file__).resolve().parents[1] / "src"

# `import adaptive` (alone on its statement, possibly indented) and `from adaptive[.x] import`.
_IMPORT = re.compile(r"^(\s*)import adaptive\s*$", re.MULTILINE)
_FROM = re.compile(r"^(\s*)from adaptive(\.|\s)", re.MULTILINE)


def to_adaptive_nb(source: str) -> str:
    """Switch a cell's imports of ``adaptive`` to ``adaptive_nb``; leave everything else as is."""
    source = _IMPORT.sub(r"\1import adaptive_nb as adaptive", source)
    return _FROM.sub(r"\1from adaptive_nb\2", source)


@dataclass
class PageResult:
    """How one page ran against one library."""

    page: str
    library: str  # "adaptive_nb" or "adaptive"
    status: str  # "ok", "failed" or "no code"
    seconds: float
    ncells: int
    failed_cell: int | None = None  # index among the page's code cells
    failed_source: str | None = None
    error: str | None = None
    # per executed code cell: the kinds of its outputs ("error", "stream", or mime types)
    output_kinds: list[list[str]] = field(default_factory=list)
    cell_seconds: list[float] = field(default_factory=list)  # per executed code cell


def _output_kinds(cell: Any) -> list[str]:
    kinds: set[str] = set()
    for out in cell.get("outputs", []):
        if out.get("output_type") in ("display_data", "execute_result"):
            kinds.update(out.get("data", {}))
        else:
            kinds.add(out.get("output_type", "?"))
    return sorted(kinds)


def _first_error(cell: Any) -> str:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"{out['ename']}: {out['evalue']}"
    return "unknown error"


def run_page(path: Path, *, reference: bool, timeout: int) -> PageResult:
    """Run one page in a fresh kernel; stop at the first failing code cell."""
    nb = jupytext.read(path)
    library = "adaptive" if reference else "adaptive_nb"
    code = [c for c in nb.cells if c.cell_type == "code"]
    if not reference:
        for cell in code:
            cell.source = to_adaptive_nb(cell.source)
    nb.cells = code  # markdown is not executed; keeping only code makes indices meaningful
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    if not code:
        return PageResult(path.stem, library, "no code", 0.0, 0)
    env = dict(os.environ)
    # Ours first on the path; the reference run must not see this checkout at all.
    inherited = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(SRC)]
    env["PYTHONPATH"] = os.pathsep.join(([] if reference else [str(SRC)]) + inherited)
    with tempfile.TemporaryDirectory(prefix="reftut-") as workdir:
        client = NotebookClient(
            nb,
            kernel_name="python3",
            timeout=timeout,
            resources={"metadata": {"path": workdir}},
        )
        kinds: list[list[str]] = []
        times: list[float] = []
        t0 = time.perf_counter()
        with client.setup_kernel(env=env):
            for index, cell in enumerate(nb.cells):
                t_cell = time.perf_counter()
                try:
                    client.execute_cell(cell, index)
                except (CellExecutionError, CellTimeoutError) as exc:
                    error = _first_error(cell) if isinstance(exc, CellExecutionError) else repr(exc)
                    kinds.append(_output_kinds(cell))
                    seconds = time.perf_counter() - t0
                    return PageResult(
                        path.stem, library, "failed", seconds, len(code),
                        index, cell.source, error, kinds,
                    )  # fmt: skip
                times.append(time.perf_counter() - t_cell)
                kinds.append(_output_kinds(cell))
        seconds = time.perf_counter() - t0
        return PageResult(
            path.stem, library, "ok", seconds, len(code), output_kinds=kinds, cell_seconds=times
        )


def _page_name(path: Path) -> str:
    return path.stem.removeprefix("tutorial.")


def _slower_cells(ours: PageResult, ref: PageResult, margin: float = 1.0) -> list[str]:
    """List the cells that took ``margin`` seconds or more longer with adaptive_nb."""
    return [
        f"    code cell {index}: adaptive_nb {a:.1f}s / adaptive {b:.1f}s (slower)"
        for index, (a, b) in enumerate(zip(ours.cell_seconds, ref.cell_seconds, strict=False))
        if a - b >= margin
    ]


def _kind_differences(ours: PageResult, ref: PageResult) -> list[str]:
    lines = []
    for index, (a, b) in enumerate(zip(ours.output_kinds, ref.output_kinds, strict=False)):
        if a != b:
            lines.append(f"    code cell {index}: adaptive_nb {a} / adaptive {b}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the pages given on the command line; exit 1 if a page fails with adaptive_nb."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=Path, help="folder with the reference's tutorial.*.md pages")
    parser.add_argument("--reference", action="store_true", help="also run the reference library")
    parser.add_argument("--only", nargs="*", default=None, help="page names, e.g. Learner1D")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    parser.add_argument("--json", type=Path, default=None, help="write all results here")
    args = parser.parse_args(argv)

    pages = sorted(p for p in args.pages.glob("tutorial.*.md"))
    if args.only:
        pages = [p for p in pages if _page_name(p) in args.only]
    if not pages:
        parser.error(f"no tutorial.*.md pages (matching --only) in {args.pages}")

    results: list[PageResult] = []
    failures = 0
    for path in pages:
        runs = [False, True] if args.reference else [False]
        for reference in runs:
            result = run_page(path, reference=reference, timeout=args.timeout)
            results.append(result)
            failures += result.status == "failed" and not reference
            where = ""
            if result.status == "failed":
                first_line = (result.failed_source or "").strip().splitlines()[:1]
                where = f" at code cell {result.failed_cell} ({first_line}): {result.error}"
            print(
                f"{_page_name(path):18} {result.library:12} {result.status:8}"
                f" {result.seconds:7.1f}s  {result.ncells:3} cells{where}",
                flush=True,
            )
    if args.reference:
        print("\npage               adaptive_nb   adaptive")
        by_page: dict[str, dict[str, PageResult]] = {}
        for r in results:
            by_page.setdefault(r.page, {})[r.library] = r
        for page, pair in by_page.items():
            ours, ref = pair["adaptive_nb"], pair["adaptive"]
            print(
                f"{page.removeprefix('tutorial.'):18} {ours.status:6} {ours.seconds:6.1f}s"
                f"  {ref.status:6} {ref.seconds:6.1f}s"
            )
            for line in _kind_differences(ours, ref) + _slower_cells(ours, ref):
                print(line)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
