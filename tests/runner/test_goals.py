import asyncio
import subprocess
import sys
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any

import adaptive
import pytest

import adaptive_nb
from adaptive_nb.runner import auto_goal


def _learner(lib, n=0):
    learner = lib.Learner1D(lambda x: x, bounds=(-1, 1))
    for x in [-1, 1, *[i / (n + 1) for i in range(n)]][:n]:
        learner.tell(x, x)
    return learner


@pytest.mark.parametrize("npoints", [0, 2, 5])
def test_npoints_and_loss_agree_with_the_reference(npoints):
    for kwargs in ({"npoints": 3}, {"loss": 0.5}):
        ours = auto_goal(learner=_learner(adaptive_nb, npoints), **kwargs)
        ref = adaptive.runner.auto_goal(learner=_learner(adaptive, npoints), **kwargs)
        assert ours(_learner(adaptive_nb, npoints)) == ref(_learner(adaptive, npoints))


def test_balancing_npoints_means_every_child():
    children = [_learner(adaptive_nb, 4), _learner(adaptive_nb, 1)]
    bal = adaptive_nb.BalancingLearner(children)
    goal = auto_goal(npoints=3, learner=bal)
    assert not goal(bal)
    for x in (0.1, 0.2):
        children[1].tell(x, x)
    assert goal(bal)


def test_datasaver_npoints_counts_the_wrapped_learner():
    inner = _learner(adaptive_nb, 2)
    saver = adaptive_nb.DataSaver(inner, arg_picker=attrgetter("real"))
    goal = auto_goal(npoints=2, learner=saver)
    assert goal(saver)


def test_duration_counts_from_now():
    goal = auto_goal(duration=timedelta(hours=1))
    assert not goal(_learner(adaptive_nb))
    assert auto_goal(duration=0)(_learner(adaptive_nb))


def test_end_time():
    learner = _learner(adaptive_nb)
    assert auto_goal(end_time=datetime.now() - timedelta(seconds=1))(learner)
    assert not auto_goal(end_time=datetime.now() + timedelta(hours=1))(learner)


def test_several_goals_are_an_error():
    with pytest.raises(ValueError, match="only one of loss, npoints"):
        auto_goal(loss=0.1, npoints=10)


def test_no_goal_warns_or_raises():
    learner = _learner(adaptive_nb, 3)
    with pytest.warns(UserWarning, match="until you cancel it"):
        goal = auto_goal(learner=learner)
    assert not goal(learner)
    with pytest.raises(ValueError, match="run forever"):
        auto_goal(learner=learner, allow_running_forever=False)


@pytest.mark.parametrize("lib", [adaptive, adaptive_nb])
def test_a_runner_without_a_goal_warns_at_the_users_line(lib):
    """As the reference does; ours names the fix and points at the line that made the runner."""

    base: Any = lib.Runner

    class MyRunner(base):  # a subclass adds a frame: the warning still finds the user
        pass

    async def make():
        for cls in (base, MyRunner):
            with pytest.warns(UserWarning, match="(?i)goal") as record:
                runner = cls(_learner(lib), executor=lib.runner.SequentialExecutor())
            runner.cancel()
            assert len(record) == 1
            if lib is adaptive_nb:
                assert record[0].filename == __file__
                assert "npoints_goal=" in str(record[0].message)

    asyncio.run(make())


def test_flags_do_not_import_the_packages():
    code = (
        "import sys\n"
        "from adaptive_nb.runner import with_distributed, with_ipyparallel, with_mpi4py\n"
        "print(with_distributed, with_ipyparallel, with_mpi4py)\n"
        "print(sorted({'distributed', 'ipyparallel', 'mpi4py'} & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    # The test extra installs all three, so every flag is True here.
    assert out == ["True True True", "[]"]


def test_types_match_the_reference():
    import adaptive.types as ref_types
    import numpy as np

    from adaptive_nb import types

    for name in ref_types.__all__:
        assert getattr(types, name) == getattr(ref_types, name)
    assert isinstance(np.float64(1.0), types.Real.__args__)
