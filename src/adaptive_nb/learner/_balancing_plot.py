"""BalancingLearner.plot: the children in one holoviews map with a slider per label.

holoviews is imported inside :func:`plot_children` (the engine must import without it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from adaptive_nb.learner._balancing_args import normalize_cdims
from adaptive_nb.learner.base_learner import BaseLearner

__all__ = ["plot_children"]


def plot_children(
    learners: Sequence[BaseLearner],
    cdims: Any,
    default_cdims: list[dict[str, Any]] | None,
    plotter: Callable[[BaseLearner], Any] | None,
    dynamic: bool,
) -> Any:
    """Return the ``DynamicMap`` (or, unless ``dynamic``, ``HoloMap``) of BalancingLearner.plot.

    ``cdims`` labels the children (checked here); without it ``default_cdims``, the labels given
    to the constructor, else ``{'i': index}``.
    """
    try:
        import holoviews as hv
    except ModuleNotFoundError as e:  # pragma: no cover - holoviews is in the plot extras
        msg = "plot() needs holoviews: pip install holoviews"
        raise RuntimeError(msg) from e
    if not hv.Store.renderers:
        # `.opts(framewise=True)` needs a plotting backend; outside a notebook (scripts,
        # tests) none is loaded yet. Registering bokeh's renderer prints nothing.
        import holoviews.plotting.bokeh

    dims = normalize_cdims(cdims, len(learners)) if cdims is not None else None
    dims = dims or default_cdims or [{"i": i} for i in range(len(learners))]
    mapping = {tuple(d.values()): lrn for lrn, d in zip(learners, dims, strict=True)}
    values: dict[str, list[Any]] = {}
    for d in dims:
        for k, v in d.items():
            if v not in values.setdefault(k, []):
                values[k].append(v)

    def plot_one(lrn: BaseLearner) -> Any:
        return cast(Any, lrn).plot() if plotter is None else plotter(lrn)

    def plot_function(*key: Any) -> Any:
        lrn = mapping.get(tuple(key))
        if lrn is not None:
            return plot_one(lrn)
        # A combination of slider values that labels no learner. A DynamicMap holds one
        # type of object, so show an empty copy of a real frame rather than nothing.
        template = plot_one(learners[0])
        try:
            return template.map(lambda el: el.clone(data=[]), hv.Element)
        except Exception as e:
            labels = ", ".join(f"{k}={v!r}" for k, v in zip(values, key, strict=True))
            msg = f"No learner has {labels}; choose another combination."
            raise KeyError(msg) from e

    dm = hv.DynamicMap(plot_function, kdims=list(values))
    dm = dm.redim.values(**values)
    dm.cache_size = 1
    if dynamic:
        # framewise: each frame gets its own axis ranges (the children differ in scale).
        return dm.map(lambda obj: obj.opts(framewise=True), hv.Element)
    return hv.HoloMap({key: plot_function(*key) for key in mapping}, kdims=list(values))
