"""Write ``learner2d_<commit>.pickle`` and ``.json``: a Learner2D pickled by an older adaptive_nb.

Run with an older checkout's sources first on the path, e.g.::

    git archive 877cee9 src | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old/src python tests/learner/old_pickles/make_learner2d_pickle.py \\
        tests/learner/old_pickles/learner2d_877cee9

The JSON records what that version's learner asked next, for the test that today's code loads
the pickle and asks the same points.
"""

from __future__ import annotations

import json
import pickle
import sys


def ring(xy: tuple[float, float]) -> float:
    import math  # inside, so that the pickled function carries it

    x, y = xy
    return x * y + math.exp(-((x**2 + y**2 - 0.75**2) ** 2) / 0.01**2)


def main(out: str) -> None:
    import adaptive_nb  # whichever version is first on the path

    learner = adaptive_nb.Learner2D(ring, bounds=[(-1, 1), (-1, 1)])
    for _ in range(100):
        (p,), _ = learner.ask(1)
        learner.tell(p, ring(p))
    learner.ask(2)  # two pending points travel in the pickle too
    with open(out + ".pickle", "wb") as f:
        pickle.dump(learner, f)
    nxt, _ = learner.ask(5)
    meta = {"npoints": learner.npoints, "next": [list(p) for p in nxt], "loss": learner.loss()}
    with open(out + ".json", "w") as f:
        json.dump(meta, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
