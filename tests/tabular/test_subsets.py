"""ganaug.tabular.subsets: at most so many rows of each class, drawn at random."""

import numpy as np

from ganaug.tabular.subsets import per_class_subset


def test_each_class_is_capped_and_small_classes_kept_whole():
    y = np.repeat([0, 1, 2], [50, 5, 20])
    rows = per_class_subset(y, 10, np.random.RandomState(0))
    assert np.all(np.diff(rows) > 0)  # sorted, no repeats
    assert np.bincount(y[rows]).tolist() == [10, 5, 10]
    again = per_class_subset(y, 10, np.random.RandomState(0))
    np.testing.assert_array_equal(rows, again)
    assert per_class_subset(np.array([], dtype=int), 3, np.random.RandomState(0)).size == 0
