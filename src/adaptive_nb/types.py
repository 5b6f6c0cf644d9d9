"""Type aliases of the reference library's ``adaptive.types``, for annotations in user code.

Each alias accepts the Python scalar and its NumPy counterpart, because learners hand out both
(``learner.data`` keys are Python floats; ``to_numpy()`` rows are ``np.float64``).
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np

__all__ = ["Bool", "Float", "Int", "Real"]

Float: TypeAlias = float | np.float64
Bool: TypeAlias = bool | np.bool_
Int: TypeAlias = int | np.int_
Real: TypeAlias = Float | Int
