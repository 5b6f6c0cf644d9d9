"""Pickling a learner's function for worker processes that do not share our ``__main__``.

Python's C pickler stores an object without a ``__module__`` (a NumPy or SciPy ufunc such as
``scipy.special.eval_jacobi``) as a global it finds by scanning ``sys.modules`` in order. It
skips ``__main__`` but not ``__mp_main__``, the alias of ``__main__`` that ``import
multiprocessing`` creates. So in a process where the user imported a ufunc into the main
namespace and something imported ``multiprocessing`` before the ufunc's own module was imported
(in a kernel: ``holoviews.extension("bokeh")`` does, through bokeh's server), the ufunc is
pickled as ``__mp_main__.eval_jacobi``. A loky worker's ``__main__`` is loky's own launcher, so
unpickling fails there ("Can't get attribute 'eval_jacobi'"). Whether it works thus depends on
the order of imports, not on the user's code.

:func:`dumps` resolves such objects to the module that really defines them, skipping every
alias of the main module, and stores them as ``getattr(module, name)``; everything else is
pickled exactly as cloudpickle does (functions from ``__main__`` by value). The result loads with
plain :func:`pickle.loads` wherever cloudpickle and the defining modules are installed.
"""

from __future__ import annotations

import copyreg
import io
import pickle
import sys
import types
from typing import Any

import cloudpickle

__all__ = ["ShippedFunction", "dumps", "ship"]

_MAIN_ALIASES = frozenset({"__main__", "__mp_main__"})


def _defining_module(obj: Any, name: str) -> types.ModuleType | None:
    main = sys.modules.get("__main__")
    for module_name, module in list(sys.modules.items()):
        if (
            module_name in _MAIN_ALIASES
            or module is main
            or not isinstance(module, types.ModuleType)
        ):
            continue
        try:
            if getattr(module, name, None) is obj:
                return module
        except Exception:
            continue
    return None


class _Pickler(cloudpickle.Pickler):  # type: ignore[misc]
    def reducer_override(self, obj: Any) -> Any:
        # Only objects the pickler would store as a bare global name (copyreg returns a str
        # for them) and that cannot say their own module are redirected.
        if getattr(obj, "__module__", None) is None:
            reduce = copyreg.dispatch_table.get(type(obj))
            if reduce is not None:
                name = reduce(obj)
                if isinstance(name, str):
                    module = _defining_module(obj, name)
                    if module is not None:
                        return getattr, (module, name)
        return super().reducer_override(obj)


def dumps(obj: Any) -> bytes:
    """Pickle ``obj`` like ``cloudpickle.dumps``, but independent of ``__main__`` aliases.

    Parameters
    ----------
    obj
        Usually ``learner.function``.

    Returns
    -------
    bytes
        A pickle that :func:`pickle.loads` reads in a fresh worker process.
    """
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=cloudpickle.DEFAULT_PROTOCOL).dump(obj)
    return buffer.getvalue()


class ShippedFunction:
    """A function travelling as the bytes of :func:`dumps`; unpickled in the worker on first call.

    Parameters
    ----------
    blob
        ``dumps(function)``.
    function
        The function itself, where it is already at hand (the parent process), so calling the
        wrapper there costs no unpickling.
    """

    __slots__ = ("__name__", "__qualname__", "_blob", "_function")

    def __init__(self, blob: bytes, function: Any = None, name: str | None = None) -> None:
        self._blob = blob
        self._function = function
        # The function's names, for tracebacks and for code that reports functions by name.
        self.__name__ = name or getattr(function, "__name__", type(function).__name__)
        self.__qualname__ = getattr(function, "__qualname__", self.__name__)

    def __reduce__(self) -> tuple[Any, ...]:
        return ShippedFunction, (self._blob, None, self.__name__)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        function = self._function
        if function is None:
            function = self._function = pickle.loads(self._blob)
        return function(*args, **kwargs)

    def __repr__(self) -> str:
        return f"ShippedFunction({self._function!r})"


def ship(function: Any) -> Any:
    """Wrap ``function`` for a process pool whose workers can import adaptive_nb.

    Parameters
    ----------
    function
        The learner's function.

    Returns
    -------
    ShippedFunction or the function itself
        The function itself when it cannot be pickled here: the executor then reports that
        error for each point, as it would without this wrapper.
    """
    try:
        return ShippedFunction(dumps(function), function)
    except Exception:
        return function
