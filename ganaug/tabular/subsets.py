"""Per-class subsets of rows that the checks of a table fit are fitted and compared on.

The label judge and the fidelity forest are fitted on at most ``ROWS_PER_CLASS`` rows
of each class (enough for a logistic regression or a small forest, and a fit on
100,000 rows does not spend minutes on either); the collapse check and the fidelity
check's generated rows use at most ``VARIETY_ROWS`` per class (enough for spreads and
level counts, at a tenth of a second rather than half a second on a large class).
"""

from __future__ import annotations

import numpy as np

__all__ = ["ROWS_PER_CLASS", "VARIETY_ROWS", "per_class_subset"]

ROWS_PER_CLASS = 2000
VARIETY_ROWS = 500


def per_class_subset(y_idx, cap, rng):
    """Sorted positions of at most ``cap`` rows of each class, drawn at random.

    >>> per_class_subset(np.array([0, 0, 0, 1]), 2, np.random.RandomState(0)).tolist()
    [1, 2, 3]
    """
    keep = []
    for k in np.unique(y_idx):
        rows = np.flatnonzero(y_idx == k)
        keep.append(rng.choice(rows, cap, replace=False) if len(rows) > cap else rows)
    return np.sort(np.concatenate(keep)) if keep else np.array([], dtype=np.intp)
