"""DataFrame helpers shared by the learners' ``to_dataframe``/``load_dataframe``.

The column conventions follow the reference library: the function's default arguments (all
parameters but the first that have a default) become constant columns named
``function_prefix + name``, and loading binds them back with :func:`functools.partial`.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas

__all__ = [
    "assign_defaults",
    "default_parameters",
    "finish_frame",
    "import_pandas",
    "partial_function_from_dataframe",
    "require_columns",
]


def import_pandas(method: str | None = None) -> Any:
    """Import pandas, or say how to install it.

    Parameters
    ----------
    method
        The method that needs pandas, named in the error; None names both
        ``to_dataframe`` and ``load_dataframe``.

    Returns
    -------
    module
        ``pandas``.

    Raises
    ------
    ImportError
        If pandas is not installed.
    """
    try:
        import pandas
    except ModuleNotFoundError as e:  # pragma: no cover - pandas is in the test extras
        needs = f"{method} needs" if method else "to_dataframe/load_dataframe need"
        msg = f"{needs} pandas: pip install pandas"
        raise ImportError(msg) from e
    return pandas


def finish_frame(
    df: pandas.DataFrame,
    inputs: list[str],
    output: str,
    function: Callable[..., Any] | None,
    function_prefix: str = "function.",
) -> pandas.DataFrame:
    """Record the input and output columns in ``df.attrs`` and add the default-argument columns.

    Parameters
    ----------
    df
        A learner's data.
    inputs
        The input columns (``df.attrs["inputs"]``).
    output
        The output column (``df.attrs["output"]``).
    function
        The learner's function whose default arguments become columns; None for none.
    function_prefix
        Prefix of those columns' names.

    Returns
    -------
    pandas.DataFrame
        ``df`` itself.
    """
    df.attrs["inputs"] = list(inputs)
    df.attrs["output"] = output
    if function is not None:
        assign_defaults(function, df, function_prefix)
    return df


def require_columns(df: pandas.DataFrame, names: tuple[str, ...], hint: str) -> None:
    """Raise a KeyError naming the missing column, the columns there are, and ``hint``.

    Parameters
    ----------
    df
        The DataFrame given to ``load_dataframe``.
    names
        The columns it must have.
    hint
        How to fix it, e.g. ``"pass x_name=/y_name= as used in to_dataframe"``.
    """
    for name in names:
        if name not in df.columns:
            msg = f"The DataFrame has no column {name!r} (columns: {list(df.columns)}); {hint}."
            raise KeyError(msg)


def default_parameters(
    function: Callable[..., Any], function_prefix: str = "function."
) -> dict[str, Any]:
    """Return ``{prefix + name: default}`` for the function's defaulted parameters.

    The first parameter is the learner's input and is skipped. Callables without an
    introspectable signature (some builtins and ufuncs) have no defaults.

    Parameters
    ----------
    function
        The learner's function.
    function_prefix
        Prefix of the column names.

    Returns
    -------
    dict
        Column name to default value.
    """
    try:
        sig = inspect.signature(function)
    except (TypeError, ValueError):
        return {}
    return {
        f"{function_prefix}{name}": p.default
        for i, (name, p) in enumerate(sig.parameters.items())
        if i >= 1 and p.default is not inspect.Parameter.empty
    }


def assign_defaults(
    function: Callable[..., Any], df: pandas.DataFrame, function_prefix: str = "function."
) -> None:
    """Add one constant column per default argument of ``function`` to ``df`` (in place).

    Parameters
    ----------
    function
        The learner's function.
    df
        The DataFrame to extend.
    function_prefix
        Prefix of the column names.
    """
    for column, value in default_parameters(function, function_prefix).items():
        df[column] = [value] * len(df)


def partial_function_from_dataframe(
    function: Callable[..., Any], df: pandas.DataFrame, function_prefix: str = "function."
) -> Callable[..., Any]:
    """Bind the default-argument columns of ``df`` to ``function``.

    Parameters
    ----------
    function
        The learner's function.
    df
        A DataFrame made by a learner's ``to_dataframe``.
    function_prefix
        Prefix of the default-argument columns.

    Returns
    -------
    Callable
        ``function`` itself when ``df`` has no such columns, else a ``functools.partial``.

    Raises
    ------
    ValueError
        If the prefix is empty, a column holds more than one value, or the function has no
        parameter of that name.
    """
    if function_prefix == "":
        msg = (
            "function_prefix must not be empty: it separates the function's default arguments "
            "from the learner's own columns (use the default 'function.')."
        )
        raise ValueError(msg)
    kwargs: dict[str, Any] = {}
    for column in df.columns:
        if isinstance(column, str) and column.startswith(function_prefix):
            name = column[len(function_prefix) :]
            values = df[column].unique()
            if len(values) != 1:
                msg = f"Column {column!r} must hold a single value, found {len(values)}."
                raise ValueError(msg)
            kwargs[name] = values[0]
    if not kwargs:
        return function
    try:
        params = inspect.signature(function).parameters
    except (TypeError, ValueError):
        params = None
    for name, value in kwargs.items():
        if params is None or name not in params:
            msg = (
                f"The DataFrame has a default argument {name}={value!r} but the learner's "
                f"function has no parameter {name!r}; pass with_default_function_args=False "
                "to ignore these columns."
            )
            raise ValueError(msg)
        default = params[name].default
        if default is not inspect.Parameter.empty and not _same(default, value):
            warnings.warn(
                f"The DataFrame sets {name}={value!r} but the function's default is "
                f"{name}={default!r}; the DataFrame's value is used.",
                stacklevel=3,
            )
    return functools.partial(function, **kwargs)


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # e.g. arrays: ambiguous truth value
        return a is b
