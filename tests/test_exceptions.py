import subprocess
import sys
import warnings

import pytest

import adaptive_nb
from adaptive_nb import exceptions
from adaptive_nb.exceptions import (
    AdaptiveNbError,
    AdaptiveNbWarning,
    EvaluationError,
    KernelBlockedWarning,
    LearnerFileError,
    SaveFailedWarning,
)


@pytest.mark.parametrize(
    ("cls", "bases"),
    [
        (LearnerFileError, (AdaptiveNbError, ValueError)),
        (EvaluationError, (AdaptiveNbError, RuntimeError)),
        (SaveFailedWarning, (AdaptiveNbWarning, UserWarning)),
        (KernelBlockedWarning, (AdaptiveNbWarning, RuntimeWarning)),
    ],
)
def test_tree_keeps_the_builtin_bases(cls, bases):
    assert issubclass(cls, bases)


def test_reexported_where_users_met_them():
    from adaptive_nb import runner
    from adaptive_nb.notebook import watchdog

    assert adaptive_nb.LearnerFileError is LearnerFileError
    assert runner.EvaluationError is EvaluationError
    assert runner.SaveFailedWarning is SaveFailedWarning
    assert watchdog.KernelBlockedWarning is KernelBlockedWarning
    assert set(exceptions.__all__) == {
        name for name in vars(exceptions) if name[0].isupper() and name != "Any"
    }


def test_evaluation_error_names_the_point():
    err = EvaluationError(0.25, "Traceback: boom")
    assert err.point == 0.25
    assert err.traceback == "Traceback: boom"
    assert "learner.function(0.25)" in str(err)


def test_a_script_filters_kernel_blocked_without_the_notebook_stack():
    code = (
        "import sys, warnings\n"
        "from adaptive_nb.exceptions import KernelBlockedWarning\n"
        "warnings.simplefilter('error')\n"
        "warnings.filterwarnings('ignore', category=KernelBlockedWarning)\n"
        "warnings.warn('stalled', KernelBlockedWarning)\n"
        "heavy = {'IPython', 'ipykernel', 'anywidget', 'ipywidgets', 'traitlets'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_warning_filter_by_base_class():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("ignore", AdaptiveNbWarning)
        warnings.warn("x", SaveFailedWarning, stacklevel=1)
    assert caught == []
