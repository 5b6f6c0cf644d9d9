import subprocess
import sys
import textwrap

# A fresh interpreter reproduces the import order of a kernel after holoviews.extension("bokeh"):
# `multiprocessing` (which aliases __main__ as __mp_main__) is imported before the ufunc's own
# module, and the user imported the ufunc into the main namespace.
_SETUP = textwrap.dedent(
    """
    import multiprocessing, pickle, subprocess, sys
    assert sys.modules["__mp_main__"] is sys.modules["__main__"]
    from scipy.special import eval_jacobi

    def jacobi(x):
        return eval_jacobi(3, 0.5, 0.5, x)

    def loads_in_fresh_process(blob):
        code = "import pickle, sys; print(pickle.loads(sys.stdin.buffer.read())(0.3))"
        return subprocess.run(
            [sys.executable, "-c", code], input=blob, capture_output=True
        )
    """
)


def _run(body: str) -> str:
    code = _SETUP + textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_plain_cloudpickle_names_the_main_alias():
    # The failure our shipping exists for; if a future Python or cloudpickle fixes it, this
    # test says so and _shipping can go.
    out = _run(
        """
        import cloudpickle
        done = loads_in_fresh_process(cloudpickle.dumps(jacobi))
        print(done.returncode != 0 and b"__mp_main__" in done.stderr, done.stderr[-300:])
        """
    )
    assert out.startswith("True"), out


def test_shipped_function_loads_in_a_fresh_process():
    out = _run(
        """
        from adaptive_nb.runner._shipping import dumps
        done = loads_in_fresh_process(dumps(jacobi))
        print(done.stdout.decode().strip() == str(jacobi(0.3)), done.stderr.decode()[-300:])
        """
    )
    assert out.startswith("True"), out


def test_everything_else_pickles_as_cloudpickle_does():
    import pickle

    import cloudpickle
    import numpy as np

    from adaptive_nb.runner._shipping import dumps

    def local(x, k=3):
        return np.sin(k * x)

    for obj in (local, np.sin, [1, 2.5, "a"], {"a": np.arange(3)}, lambda x: x + 1):
        assert pickle.loads(dumps(obj)) is not None
    assert dumps([1, 2.5, "a"]) == cloudpickle.dumps([1, 2.5, "a"])
    assert pickle.loads(dumps(local))(0.5) == local(0.5)
