"""The collapse check: are a class's synthetic rows as varied as its real rows?

A GAN that collapses writes many rows that look alike: one car model for a whole
class, one level where the real rows have several. After training,
:func:`check_variety` draws as many rows per class as it has (at least 20; at most
``VARIETY_ROWS``, the real rows subsampled alike), compares them column by column with
:func:`ganaug.diagnostics.class_variety` (kept as ``GANAugmenter.variety_``), and warns
(:class:`~ganaug.exceptions.CollapseWarning`), naming the class and its narrowest
column, when the rows of a class the fit grows reach less than half the real rows'
variety. A few-valued number (a flag, a count) is judged by its levels, not its spread:
with its spread, 0/1 crisis flags and 0-4 item scores (Ecdat/bankingCrises,
car/DavisThin) drew collapse warnings; by levels neither does, and Cars93, Males and
survey keep a variety ratio of 0.94 to 1.18.
"""

from __future__ import annotations

import warnings

import numpy as np

from ganaug.display import shown
from ganaug.diagnostics import class_variety, collapsed_classes
from ganaug.exceptions import CollapseWarning
from ganaug.tabular.subsets import VARIETY_ROWS, per_class_subset

__all__ = ["check_variety"]


def check_variety(frame, y_idx, classes, sampling_strategy, identifiers, draw, seed, stacklevel=2):
    """Compare, per class, the variety of generated rows with the real rows'.

    Parameters
    ----------
    frame : DataFrame
        The real rows.
    y_idx : ndarray of int
        Their class indices.
    classes : ndarray
        The class labels.
    sampling_strategy : dict
        ``{class: rows to generate}``: only classes that get rows are warned about.
    identifiers : list
        Identifier columns, not compared.
    draw : callable
        ``draw(labels, rng)``: decoded generated rows (no recombination).
    seed : int

    Returns
    -------
    DataFrame
        :func:`ganaug.diagnostics.class_variety`'s comparison.
    """
    rng = np.random.RandomState(seed)
    rows = per_class_subset(y_idx, VARIETY_ROWS, rng)
    counts = np.bincount(y_idx[rows], minlength=len(classes))
    labels = np.repeat(np.arange(len(classes)), np.maximum(counts, 20))
    probe = draw(labels, rng)  # the generator's own rows
    modelled = [c for c in frame.columns if c not in identifiers]
    variety = class_variety(
        frame.iloc[rows], classes[y_idx[rows]], probe, classes[labels], columns=modelled
    )
    grown = {label: int(n) for label, n in sampling_strategy.items() if n > 0}
    for label, (score, column, ratio) in collapsed_classes(variety).items():
        if label not in grown:  # in variety_, but this fit writes no rows of it
            continue
        warnings.warn(
            CollapseWarning(
                f"The synthetic rows of class {shown(label)} are far less varied "
                f"than its real rows ({score:.0%} of their variety; column {shown(column)}: "
                f"{ratio:.0%}): the GAN has collapsed onto a few kinds of row. Check "
                "variety_, or refit with another random_state or more epochs.",
                label=label, variety=float(score), column=column, column_variety=float(ratio),
                n_rows=grown[label],
            ),
            stacklevel=stacklevel + 1,
        )
    return variety
