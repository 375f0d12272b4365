"""Tables the tabular stage tests share."""

import numpy as np
import pandas as pd


def _table(n=120, seed=0):
    rng = np.random.default_rng(seed)
    y = np.array(["big"] * (n - n // 4) + ["small"] * (n // 4))
    frame = pd.DataFrame({
        "x": rng.normal(size=n) + (y == "small") * 2,
        "k": rng.integers(0, 5, size=n),
        "c": rng.choice(list("abcd"), size=n),
        "name": [f"row {i}" for i in range(n)],
    })
    return frame, y


def _shared_table(n=300, seed=0):
    """'signal' depends on the class; 'noise' and 'level' (jointly drawn) do not."""
    rng = np.random.default_rng(seed)
    y = np.array([0] * (n - n // 5) + [1] * (n // 5))
    level = rng.choice(list("abc"), size=n)
    frame = pd.DataFrame({
        "signal": rng.normal(size=n) + 3.0 * y,
        "noise": rng.normal(size=n).round(3) + (level == "a") * 5,
        "level": level,
    })
    return frame, y


def _frame():
    return pd.DataFrame({
        "f": [0.5, 1.5, np.nan, 2.25],
        "i": np.array([1, 5, 3, 2], dtype=np.int32),
        "nullable": pd.array([1, None, 3, 4], dtype="Int64"),
        "s": ["x", "y", None, "x"],
        "cat": pd.Categorical(["lo", "hi", "lo", "lo"], categories=["lo", "mid", "hi"], ordered=True),
        "b": [True, False, True, True],
    })
