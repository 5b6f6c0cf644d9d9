"""A notebook's function reaches loky workers whatever the kernel imported before (real kernel)."""

import pytest
from nbrun import run_notebook, stdout

pytestmark = pytest.mark.kernel


def test_ufunc_imported_after_holoviews_reaches_loky_workers(tmp_path) -> None:
    # The reference's BalancingLearner tutorial: notebook_extension() (holoviews + bokeh, which
    # imports multiprocessing and so aliases __main__ as __mp_main__), then a SciPy ufunc
    # imported into the notebook and used by a notebook function on the default loky executor.
    nb = run_notebook(
        [
            "import sys\nimport adaptive_nb as adaptive\nadaptive.notebook_extension()\n"
            "assert sys.modules['__mp_main__'] is sys.modules['__main__']",
            "from scipy.special import eval_jacobi\n\n"
            "def jacobi(x, n, alpha, beta):\n    return eval_jacobi(n, alpha, beta, x)",
            "learner = adaptive.Learner1D(lambda x: jacobi(x, 3, 0.5, 0.5), bounds=(-1, 1))\n"
            "adaptive.BlockingRunner(learner, npoints_goal=40)\n"
            "print('single', learner.npoints >= 40)",
            "combos = {'n': [1, 2], 'alpha': [0.0, 0.5], 'beta': [0.0]}\n"
            "bal = adaptive.BalancingLearner.from_product(\n"
            "    jacobi, adaptive.Learner1D, {'bounds': (-1, 1)}, combos)\n"
            "adaptive.BlockingRunner(bal, loss_goal=0.05)\n"
            "print('balancing', all(lrn.npoints > 2 for lrn in bal.learners))",
        ],
        tmp_path,
        timeout=120,
    )
    assert "single True" in stdout(nb.cells[2])
    assert "balancing True" in stdout(nb.cells[3])
