"""The entries of LearnerND's queue of simplices to split, and the rule that ranks them.

An entry is ``(priority, simplex, sub-simplex, loss)``. The sub-simplex field says what the
entry stands for: :data:`REAL` an undivided simplex of the mesh, :data:`LAZY` a simplex whose
pending points wait to be subdivided, anything else a piece of a simplex subdivided by its
pending points. An entry counts only while the learner still holds that very loss for it.
"""

from __future__ import annotations

__all__ = ["LAZY", "REAL", "QueueEntry", "Simplex", "priority"]

Simplex = tuple[int, ...]
QueueEntry = tuple[float, Simplex, Simplex, float]

REAL: Simplex = (0,)  # the sub-simplex field of a heap entry for an undivided real simplex
# ... and of the entry of a simplex whose pending points wait to be subdivided: it sorts before
# the simplex's own pieces, and its loss (the whole simplex's) bounds theirs from above.
LAZY: Simplex = ()


def priority(loss: float) -> float:
    """Return the queue priority of ``loss`` (the heap pops the smallest first)."""
    # Losses equal to 8 digits rank as equal (ties then go to the lowest vertex indices), so
    # round-off in the last bits cannot change which simplex is split: the reference's rule.
    return -round(loss, 8)
