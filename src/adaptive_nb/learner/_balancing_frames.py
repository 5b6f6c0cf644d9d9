"""BalancingLearner's dataframes: the children's frames joined by a learner-index column.

pandas is imported inside :func:`join_frames` (the engine must import without it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from adaptive_nb.learner._dataframe import import_pandas
from adaptive_nb.learner.base_learner import BaseLearner

if TYPE_CHECKING:
    import pandas

__all__ = ["join_frames", "split_frame"]


def join_frames(
    learners: Sequence[BaseLearner], index_name: str, kwargs: dict[str, Any]
) -> pandas.DataFrame:
    """Return the children's ``to_dataframe(**kwargs)`` stacked, with column ``index_name``."""
    pd = import_pandas("to_dataframe")
    frames = []
    for i, lrn in enumerate(learners):
        df = lrn.to_dataframe(**kwargs)
        df.insert(0, index_name, i)
        frames.append(df)
    attrs = dict(frames[0].attrs) if frames else {}
    out: pandas.DataFrame = pd.concat(frames, axis=0, ignore_index=True)
    out.attrs.update(attrs)  # concat drops attrs that differ; children share theirs
    return out


def split_frame(
    df: pandas.DataFrame, index_name: str, owner: Any
) -> list[tuple[int, pandas.DataFrame]]:
    """Return ``(learner index, its rows)`` of a frame made by :func:`join_frames`.

    Raises ``KeyError`` without the index column and ``IndexError`` for an index that is out of
    range for ``owner`` (the BalancingLearner), before any child changes.
    """
    if index_name not in df.columns:
        msg = f"The DataFrame has no {index_name!r} column (columns: {list(df.columns)})."
        raise KeyError(msg)
    groups = []
    for index, group in df.groupby(index_name, sort=True):
        i = int(cast(Any, index))
        if not 0 <= i < len(owner.learners):
            msg = f"Learner index {i} in the DataFrame is out of range for {owner!r}."
            raise IndexError(msg)
        group.attrs.update(df.attrs)
        groups.append((i, group))
    return groups
