"""ganaug.tabular.copies: the copy filter."""

import numpy as np
import pandas as pd

from ganaug import GANAugmenter


def test_exact_copies_are_filtered(tiny):
    """With two integer columns of few values, many draws hit training rows."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.integers(0, 4, 200), "b": rng.integers(0, 200, 200)})
    y = np.array([0] * 150 + [1] * 50)
    keep = GANAugmenter(**tiny, filter_copies=False, random_state=0)
    drop = GANAugmenter(**tiny, random_state=0)
    X_keep, _ = keep.fit_resample(X, y)
    X_drop, _ = drop.fit_resample(X, y)
    train = set(map(tuple, X.to_numpy()))
    copies_kept = sum(tuple(r) in train for r in X_keep.iloc[200:].to_numpy())
    copies_left = sum(tuple(r) in train for r in X_drop.iloc[200:].to_numpy())
    assert copies_kept > 0 and drop.n_copies_dropped_ > 0
    assert copies_left == 0
    assert len(X_drop) == len(X_keep)


def test_copies_left_after_the_redraws_are_kept_with_a_warning_per_class():
    """Where every row a class can take is a training row, the copies stay, and each
    class's warning carries its label and count (a caller gathering warnings from
    several folds counts them without reading the text)."""
    import pytest

    from ganaug.exceptions import CopyWarning
    from ganaug.tabular.copies import COPY_REDRAWS, copy_hashes, replace_copies

    hashes = np.unique(copy_hashes(pd.DataFrame({"a": [0, 1]}), []))

    def draw(labels, rng):  # every candidate is training row 0
        return pd.DataFrame({"a": np.zeros(len(labels), dtype=np.int64)})

    labels = np.array([1, 0, 1])
    with pytest.warns(CopyWarning) as caught:
        frame, dropped = replace_copies(draw(labels, None), labels, np.random.RandomState(0), draw,
                                        hashes, [], classes=np.array(["big", "small"]))
    assert len(frame) == 3 and dropped == 3 * COPY_REDRAWS
    assert [(w.message.label, w.message.n_rows) for w in caught] == [("big", 1), ("small", 2)]
    assert str(caught[0].message).startswith("1 synthetic row of class 'big' still copies a training row")
    assert str(caught[1].message).endswith("(the data leave little room for new rows); they are kept.")
