"""How many rows of each class a call asks for.

``fit_resample`` grows each class by ``sampling_strategy_`` (:func:`labels_to_grow`);
``sample(n_samples)`` spreads ``n_samples`` over the classes in proportion to it, and
``sample(y=...)`` names the classes (:func:`labels_for`). Both return class indices,
one per row to generate.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

from ganaug.display import shown

__all__ = ["class_indices", "counts_for", "labels_for", "labels_to_grow", "largest_remainder"]


def labels_to_grow(classes, sampling_strategy):
    """Class indices of the rows ``sampling_strategy`` (``{class: count}``) asks for."""
    return np.repeat(
        np.searchsorted(classes, list(sampling_strategy)),
        list(sampling_strategy.values()),
    ).astype(np.intp)


def counts_for(n_samples, classes, sampling_strategy):
    """Rows per class (in ``classes``' order) of ``sample(n_samples)``: ``n_samples``
    spread in proportion to ``sampling_strategy`` (``{class: count}``), or evenly when
    it grows no class."""
    weights = np.array([sampling_strategy.get(c, 0) for c in classes], dtype=float)
    if weights.sum() == 0:
        weights = np.ones(len(classes))
    return largest_remainder(int(n_samples), weights)


def labels_for(n_samples, y, classes, sampling_strategy):
    """Class indices of the rows ``sample(n_samples, y=y)`` generates (see
    :meth:`ganaug.GANAugmenter.sample`)."""
    if y is None:
        if n_samples is None or isinstance(n_samples, bool) or not isinstance(
            n_samples, Integral
        ) or n_samples < 0:
            raise ValueError(
                "n_samples must be a non-negative integer when y is not given. "
                f"Got {n_samples!r} instead."
            )
        return np.repeat(np.arange(len(classes)), counts_for(n_samples, classes, sampling_strategy))
    if isinstance(y, dict):
        wanted = list(y)
        counts = list(y.values())
        for count in counts:
            if isinstance(count, bool) or not isinstance(count, Integral) or count < 0:
                raise ValueError(
                    f"y maps classes to counts, which must be non-negative integers. "
                    f"Got {count!r} instead."
                )
    else:
        wanted = list(np.asarray(y).ravel())
        counts = [1] * len(wanted)
    idx = class_indices(wanted, classes)
    labels = np.repeat(idx, counts).astype(np.intp)
    if n_samples is not None and n_samples != len(labels):
        raise ValueError(
            f"n_samples={n_samples!r} disagrees with y, which asks for {len(labels)} "
            "rows; give one or the other."
        )
    return labels


def class_indices(labels, classes):
    """The index in ``classes`` of each label; a ValueError names one never seen in fit."""
    idx = np.searchsorted(classes, labels) if len(labels) else np.array([], int)
    idx = np.asarray(idx, dtype=np.intp)
    unknown = [lab for lab, i in zip(labels, idx) if i >= len(classes) or classes[i] != lab]
    if unknown:
        raise ValueError(
            f"y names a class that was not seen in fit: expected one of "
            f"{classes.tolist()}. Got {shown(unknown[0])} instead."
        )
    return idx


def largest_remainder(total, weights):
    """Split ``total`` into integer parts proportional to ``weights``.

    >>> largest_remainder(10, np.array([1.0, 1.0, 1.0])).tolist()
    [4, 3, 3]
    """
    share = total * weights / weights.sum()
    counts = np.floor(share).astype(int)
    remainder = total - counts.sum()
    order = np.argsort(-(share - counts), kind="stable")
    counts[order[:remainder]] += 1
    return counts
