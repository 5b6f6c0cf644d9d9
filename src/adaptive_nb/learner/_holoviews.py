"""holoviews compatibility shared by the learners' ``plot()`` methods.

holoviews is imported lazily, inside these functions: the engine must import without it
(DESIGN.md), and a worker process never plots.
"""

from __future__ import annotations

from typing import Any

__all__ = ["accept_legacy_opts", "holoviews_with_backend"]


def holoviews_with_backend() -> Any:
    """Import holoviews, loading the bokeh backend if no backend is loaded yet.

    In a script, or before ``notebook_extension()``, no renderer is loaded, and holoviews then
    cannot validate style options such as ``.opts(size=6)``.

    Returns
    -------
    module
        The ``holoviews`` module.
    """
    import holoviews as hv

    if not hv.Store.renderers:
        hv.renderer("bokeh")
    return hv


def accept_legacy_opts(overlay: Any, group: str) -> Any:
    """Let ``overlay.<group>.I.opts(style=...)`` keep working on holoviews >= 1.18.

    The reference library's documentation writes ``learner.plot().Scatter.I.opts(style=dict(
    size=6))``, a form holoviews >= 1.18 rejects. An instance attribute shadows the tree lookup
    of ``overlay.<group>`` and hands out elements whose ``.opts()`` still accepts option groups.

    Parameters
    ----------
    overlay
        A holoviews Overlay (or Layout) that has children of type ``group``.
    group
        The element type name, e.g. ``"Scatter"``.

    Returns
    -------
    The same ``overlay``.
    """
    overlay.__dict__[group] = _LegacyOptsGroup(getattr(overlay, group))
    return overlay


_OPTION_GROUPS = ("plot", "style", "norm", "output")


def _identity(x: Any) -> Any:
    return x


class _LegacyOptsElement:
    """A holoviews element whose ``.opts`` also accepts ``style=``/``plot=``/``norm=`` dicts.

    ``.opts(...)`` returns the real holoviews element; everything else is delegated to it.
    """

    def __init__(self, element: Any) -> None:
        self._element = element

    def opts(self, *args: Any, **kwargs: Any) -> Any:
        """Apply options, accepting the option-group form of holoviews < 1.18 too."""
        groups = {k: kwargs.pop(k) for k in _OPTION_GROUPS if isinstance(kwargs.get(k), dict)}
        element = self._element
        if groups:
            import holoviews as hv

            element = hv.opts.apply_groups(element, **groups)
            if not (args or kwargs):
                return element
        return element.opts(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        # Read through __dict__: while copy/pickle rebuild this object, _element is not set
        # yet and `self._element` would recurse into __getattr__.
        element = self.__dict__.get("_element")
        if element is None:
            raise AttributeError(name)
        return getattr(element, name)

    def __mul__(self, other: Any) -> Any:
        return self._element * other

    def __rmul__(self, other: Any) -> Any:
        return other * self._element

    def __add__(self, other: Any) -> Any:
        return self._element + other

    def __radd__(self, other: Any) -> Any:
        return other + self._element

    def __repr__(self) -> str:
        return repr(self._element)


class _LegacyOptsGroup:
    """The ``overlay.Scatter`` node, handing out :class:`_LegacyOptsElement` children."""

    def __init__(self, node: Any) -> None:
        self._node = node

    def __reduce__(self) -> tuple[Any, ...]:
        # Copies and pickles of the overlay get the plain holoviews node back: restoring an
        # unknown object under a capitalised attribute would add it to the overlay as an item.
        return _identity, (self._node,)

    def __getattr__(self, name: str) -> Any:
        node = self.__dict__.get("_node")
        if node is None:  # being rebuilt by copy/pickle
            raise AttributeError(name)
        child = getattr(node, name)
        if name.startswith("_") or (callable(child) and not hasattr(child, "opts")):
            return child
        return _LegacyOptsElement(child)

    def __repr__(self) -> str:
        return repr(self._node)
