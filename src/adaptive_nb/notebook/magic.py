"""``%adaptive_run`` / ``%%adaptive_run``: start a runner and show its live widgets in one line.

Registered by ``%load_ext adaptive_nb``::

    %adaptive_run learner --npoints 200
    %adaptive_run learner --goal "lambda l: l.loss() < 0.01" --name r1 --interval 0.2
    %adaptive_run learner --executor pool --no-plot      # pool = ThreadPoolExecutor(2), say

    %adaptive_run learner --loss interpolation_error:1e-3  # switch the loss, stop at 1e-3

    %%adaptive_run learner --loss 0.01
    def f(x):
        return x**3
    learner = adaptive.Learner1D(f, bounds=(-1, 1))

The line form evaluates ``LEARNER`` (a name or an expression) in the user namespace, starts an
``adaptive_nb.Runner`` on it, displays ``runner.live_info()`` and ``runner.live_plot()``, stores
the runner in the namespace (``--name``, default ``runner``) and returns it. The cell form first
runs the cell body in the user namespace (so it can define the function and the learner), then
does the same. ``--loss`` takes a loss goal (``0.01``), the name of a Learner1D loss
(``interpolation_error``: the learner's ``loss_per_interval`` is switched to it, its data kept),
or both (``interpolation_error:1e-3``). Bad arguments raise IPython's ``UsageError``: one line
with the usage, no traceback.
"""

from __future__ import annotations

import argparse
import shlex
import weakref
from typing import Any, NoReturn

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class, no_var_expand
from IPython.display import display

from adaptive_nb import _hooks

__all__ = ["AdaptiveMagics", "load_ipython_extension", "unload_ipython_extension"]

DESCRIPTION = """\
Start an adaptive_nb Runner on LEARNER and display its live_info and live_plot widgets.
The runner is stored in the user namespace (--name, default `runner`) and returned.
With at most one goal option; without one the runner runs until cancelled.
As a cell magic (%%adaptive_run), the cell body runs first, so it can define the function
and the learner. Quote expressions that contain spaces: --goal "lambda l: l.npoints > 50".
--loss takes a loss goal (0.01), the name of a Learner1D loss to switch the learner to,
or both: --loss interpolation_error:1e-3. Loss names:
  {names}
"""

# Learner1D losses that --loss accepts by name (the factories with their defaults).
_LOSS_NAMES = (
    "interpolation_error",
    "default",
    "uniform",
    "curvature",
    "triangle",
    "abs_min_log",
)


def _named_loss(name: str) -> Any:
    from adaptive_nb.learner import learner1D

    if name == "curvature":
        return learner1D.curvature_loss_function()
    return getattr(learner1D, f"{name}_loss")


def _loss_spec(text: str) -> tuple[str | None, float | None]:
    """Parse ``--loss``: ``L``, ``NAME`` or ``NAME:L`` into (name or None, goal or None)."""
    name, sep, goal = text.partition(":")
    if not sep:
        try:
            return None, float(text)
        except ValueError:
            goal = ""
    if name not in _LOSS_NAMES:
        msg = f"unknown loss {name!r}; use a number or one of: {', '.join(_LOSS_NAMES)}"
        raise argparse.ArgumentTypeError(msg)
    if not goal:
        return name, None
    try:
        return name, float(goal)
    except ValueError:
        msg = f"invalid loss goal {goal!r} in {text!r}; use NAME:number, e.g. {name}:1e-3"
        raise argparse.ArgumentTypeError(msg) from None


class _HelpRequested(Exception):  # noqa: N818 - control flow, not an error
    """``--help`` was given: the help text is already printed."""


class _UsageParser(argparse.ArgumentParser):
    """argparse that reports errors as ``UsageError`` instead of exiting the kernel."""

    def error(self, message: str) -> NoReturn:
        raise _usage_error(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            print(message, end="")
        raise _HelpRequested


def _make_parser() -> _UsageParser:
    parser = _UsageParser(
        prog="%adaptive_run",
        description=DESCRIPTION.format(names=", ".join(_LOSS_NAMES)),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=True,
    )
    parser.add_argument("learner", metavar="LEARNER", help="learner (a name or an expression)")
    goal = parser.add_mutually_exclusive_group()
    goal.add_argument("--goal", metavar="EXPR", help="callable goal(learner) -> bool")
    goal.add_argument("--npoints", metavar="N", type=int, help="stop after N points")
    # --loss is a goal only when it carries a number (checked in _parse), so it stays outside
    # the group: `--loss interpolation_error --npoints 500` is fine.
    parser.add_argument(
        "--loss",
        metavar="L",
        type=_loss_spec,
        help="stop when learner.loss() <= L; or NAME or NAME:L to switch a Learner1D's loss",
    )
    goal.add_argument(
        "--duration", metavar="SECONDS", type=float, help="stop after this many seconds"
    )
    parser.add_argument(
        "--executor", metavar="EXPR", help="executor expression (default: the runner's default)"
    )
    parser.add_argument(
        "--name", metavar="VAR", default="runner", help="store the runner as VAR (default runner)"
    )
    parser.add_argument("--no-plot", action="store_true", help="show live_info only")
    parser.add_argument(
        "--interval", metavar="S", type=float, help="widget update interval in seconds"
    )
    return parser


def usage() -> str:
    """Return the full ``--help`` text of ``%adaptive_run``."""
    return _make_parser().format_help()


def _usage_error(message: str) -> UsageError:
    """Build a one-line ``UsageError`` (shown without a traceback) that ends with the usage."""
    return UsageError(f"%adaptive_run: {message}\n{_make_parser().format_usage().rstrip()}")


def _parse(line: str) -> argparse.Namespace | None:
    """Parse the magic's line; ``None`` when ``--help`` was printed."""
    try:
        argv = shlex.split(line)
    except ValueError as e:  # unbalanced quotes
        raise _usage_error(str(e)) from None
    try:
        args = _make_parser().parse_args(argv)
    except _HelpRequested:
        return None
    if not args.name.isidentifier():
        msg = f"--name must be a Python identifier, got {args.name!r}"
        raise _usage_error(msg)
    loss_name, loss_goal = args.loss if args.loss is not None else (None, None)
    args.loss, args.loss_name = loss_goal, loss_name
    if loss_goal is not None:
        other = next(
            (f for f in ("goal", "npoints", "duration") if getattr(args, f) is not None), None
        )
        if other is not None:
            msg = f"argument --loss: not allowed with argument --{other} (give one goal)"
            raise _usage_error(msg)
    for flag in ("npoints", "loss", "duration", "interval"):
        value = getattr(args, flag)
        if value is not None and not value > 0:
            msg = f"--{flag} must be positive, got {value!r}"
            raise _usage_error(msg)
    return args


@magics_class
class AdaptiveMagics(Magics):
    """The ``%adaptive_run`` magic (see the module docstring)."""

    @property
    def _ip(self) -> Any:
        if self.shell is None:  # only when the class is used outside IPython
            msg = "%adaptive_run needs a running IPython shell"
            raise RuntimeError(msg)
        return self.shell

    @no_var_expand  # keep `{...}` and `$` in expressions as they are
    @line_cell_magic
    def adaptive_run(self, line: str, cell: str | None = None) -> Any:
        """Start a runner on a learner and display its live widgets; ``--help`` for usage."""
        args = _parse(line)
        if args is None:
            return None
        if cell is not None and cell.strip():
            self._run_body(cell)

        import adaptive_nb

        learner = self._eval(args.learner, "LEARNER")
        if not isinstance(learner, adaptive_nb.BaseLearner):
            kind = type(learner).__name__
            msg = f"LEARNER {args.learner!r} is a {kind}, not an adaptive_nb learner"
            raise _usage_error(msg)
        if args.loss_name is not None:
            _check_loss_target(learner, args.learner, args.loss_name)
        kwargs = self._runner_kwargs(args)
        if not _hooks.in_kernel():  # e.g. terminal IPython: no widgets there
            msg = (
                "the live widgets need a Jupyter kernel; in a terminal use "
                "adaptive_nb.BlockingRunner(learner, ...) instead"
            )
            raise _usage_error(msg)
        if args.loss_name is not None:
            _switch_loss(learner, args.loss_name)
        try:
            runner = adaptive_nb.Runner(learner, **kwargs)
        except (TypeError, ValueError) as e:  # the engine rejected the arguments
            msg = f"cannot start the runner: {e}"
            raise _usage_error(msg) from None
        self._ip.user_ns[args.name] = runner
        _STARTED[runner] = args.name

        widget_kwargs: dict[str, Any] = {}
        if args.interval is not None:
            widget_kwargs["update_interval"] = args.interval
        widgets = [runner.live_info(**widget_kwargs)]
        if not args.no_plot:
            widgets.append(runner.live_plot(**widget_kwargs))
        for widget in widgets:
            if widget is not None:
                display(widget)  # type: ignore[no-untyped-call]
        return runner

    def _runner_kwargs(self, args: argparse.Namespace) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        if args.goal is not None:
            goal = self._eval(args.goal, "--goal")
            if not callable(goal):
                msg = f"--goal must be callable, goal(learner) -> bool; got {goal!r}"
                raise _usage_error(msg)
            kwargs["goal"] = goal
        for flag, keyword in [
            ("npoints", "npoints_goal"),
            ("loss", "loss_goal"),
            ("duration", "duration_goal"),
        ]:
            if getattr(args, flag) is not None:
                kwargs[keyword] = getattr(args, flag)
        if args.executor is not None:
            kwargs["executor"] = self._eval(args.executor, "--executor")
        return kwargs

    def _eval(self, expr: str, flag: str) -> Any:
        try:
            return eval(expr, self._ip.user_ns)
        except Exception as e:  # the user's expression is wrong: say so, no traceback
            msg = f"cannot evaluate {flag} {expr!r}: {type(e).__name__}: {e}"
            raise _usage_error(msg) from None

    def _run_body(self, cell: str) -> None:
        """Run the cell body in the user namespace, with IPython's syntax and tracebacks."""
        source = self._ip.transform_cell(cell)
        filename = self._ip.compile.cache(source, self._ip.execution_count, raw_code=cell)
        exec(compile(source, filename, "exec"), self._ip.user_ns)


def _check_loss_target(learner: Any, expr: str, name: str) -> None:
    """Raise a ``UsageError`` unless ``learner`` can take the loss called ``name``."""
    from adaptive_nb.learner.learner1D import Learner1D

    if not isinstance(learner, Learner1D):
        kind = type(learner).__name__
        msg = f"--loss {name}: LEARNER {expr!r} is a {kind}; loss names apply to a Learner1D"
        raise _usage_error(msg)
    if learner.pending_points:
        msg = (
            f"--loss {name}: LEARNER {expr!r} has pending points (a runner is using it?); "
            "cancel that runner and call learner.remove_unfinished() first"
        )
        raise _usage_error(msg)


def _switch_loss(learner: Any, name: str) -> None:
    """Give the Learner1D ``learner`` the loss called ``name``, keeping its data."""
    from adaptive_nb.learner.learner1D import Learner1D

    data = dict(learner.data)
    # Re-initialise in place (the user's name keeps pointing at the running learner), then
    # re-tell the data: every loss is computed with the new function.
    Learner1D.__init__(learner, learner.function, learner.bounds, _named_loss(name))
    if data:
        learner.tell_many(list(data), list(data.values()))


# Runners started by the magic -> the variable they were stored in. The magic's return value is
# shown as the cell's ``Out[n]``; the runner's own repr states its status at that instant
# ("running"), which stays on the page (and in the saved notebook) long after the run ended.
# For these runners the plain-text repr names the variable and where the live status is instead.
_STARTED: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def _plain_text(runner: Any, printer: Any, cycle: bool) -> None:
    name = _STARTED.get(runner)
    if name is None:  # a runner made some other way: its usual repr
        printer.text(repr(runner))
        return
    kind, learner = type(runner).__name__, type(runner.learner).__name__
    printer.text(
        f"<{kind} on a {learner}, stored as `{name}`: live status in the widget above, "
        f"or {name}.status()>"
    )


def _runner_class() -> type:
    from adaptive_nb.runner import AsyncRunner

    return AsyncRunner


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%adaptive_run`` (called by ``%load_ext adaptive_nb``).

    Parameters
    ----------
    ipython
        The running ``InteractiveShell``.
    """
    ipython.register_magics(AdaptiveMagics)
    ipython.display_formatter.formatters["text/plain"].for_type(_runner_class(), _plain_text)


def unload_ipython_extension(ipython: Any) -> None:
    """Remove ``%adaptive_run`` again (``%unload_ext adaptive_nb``).

    Parameters
    ----------
    ipython
        The running ``InteractiveShell``.
    """
    for kind in ("line", "cell"):
        ipython.magics_manager.magics[kind].pop("adaptive_run", None)
    plain = ipython.display_formatter.formatters["text/plain"]
    if plain.type_printers.get(_runner_class()) is _plain_text:
        plain.pop(_runner_class())
