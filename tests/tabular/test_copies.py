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
