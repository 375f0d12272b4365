"""TabularEncoder: decode(encode(rows)) gives valid rows of the right dtypes."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ganaug.tabular import TabularEncoder


def _frame():
    return pd.DataFrame({
        "f": [0.5, 1.5, np.nan, 2.25],
        "i": np.array([1, 5, 3, 2], dtype=np.int32),
        "nullable": pd.array([1, None, 3, 4], dtype="Int64"),
        "s": ["x", "y", None, "x"],
        "cat": pd.Categorical(["lo", "hi", "lo", "lo"], categories=["lo", "mid", "hi"], ordered=True),
        "b": [True, False, True, True],
    })


def test_layout_and_round_trip():
    frame = _frame()
    enc = TabularEncoder().fit(frame)
    kinds = [(c.name, c.kind) for c in enc.columns_]
    assert kinds == [("f", "numeric"), ("i", "numeric"), ("nullable", "numeric"),
                     ("s", "categorical"), ("cat", "categorical"), ("b", "categorical")]
    Z = enc.transform(frame)
    # f: value + [present, missing]; i: value; nullable: value + 2; s: x, y, nan; cat: hi, lo; b: 2
    assert Z.shape == (4, 3 + 1 + 3 + 3 + 2 + 2) and Z.dtype == np.float32
    back = enc.inverse_transform(Z, random_state=0)
    assert back.dtypes.to_dict() == frame.dtypes.to_dict()
    pd.testing.assert_frame_equal(back, frame, check_exact=False, rtol=1e-6)


def test_categorical_features_by_name_and_position():
    frame = _frame()
    enc = TabularEncoder(categorical_features=["i", 0]).fit(frame)
    categorical = {c.name for c in enc.columns_ if c.kind == "categorical"}
    assert categorical == {"i", "f", "s", "cat", "b"}  # named ones plus non-numeric ones
    with pytest.raises(ValueError, match="out of range"):
        TabularEncoder(categorical_features=[10]).fit(frame)


def test_decoded_numbers_stay_in_range():
    frame = _frame()
    enc = TabularEncoder().fit(frame)
    Z = np.random.default_rng(0).normal(scale=10, size=(500, enc.output_dim_))
    out = enc.inverse_transform(Z, random_state=0)
    assert out["f"].dropna().between(0.5, 2.25).all()
    assert out["i"].between(1, 5).all() and out["i"].dtype == np.int32
    assert set(out["cat"].dropna()) <= {"lo", "hi"}


columns = st.fixed_dictionaries({
    "num": st.lists(st.one_of(st.floats(-1e6, 1e6), st.none()), min_size=3, max_size=30),
    "int": st.lists(st.integers(-1000, 1000), min_size=3, max_size=30),
    "txt": st.lists(st.one_of(st.sampled_from(["a", "b", "é", "a b", ""]), st.none()),
                    min_size=3, max_size=30),
    "flag": st.lists(st.booleans(), min_size=3, max_size=30),
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(columns, st.integers(0, 2**31 - 1))
def test_random_frames_decode_to_valid_rows(data, seed):
    n = min(len(v) for v in data.values())
    frame = pd.DataFrame({
        "num": pd.Series(data["num"][:n], dtype=float),
        "int": np.array(data["int"][:n], dtype=np.int64),
        "txt": pd.Series(data["txt"][:n], dtype=object),
        "flag": np.array(data["flag"][:n], dtype=bool),
        "cat": pd.Categorical(np.array(data["txt"][:n], dtype=object)),
    })
    enc = TabularEncoder().fit(frame)
    Z = np.random.default_rng(seed).normal(size=(25, enc.output_dim_)).astype(np.float32)
    out = enc.inverse_transform(Z, random_state=seed)
    assert list(out.columns) == list(frame.columns)
    assert out.dtypes.to_dict() == frame.dtypes.to_dict()
    assert out["cat"].cat.categories.equals(frame["cat"].cat.categories)
    assert set(out["txt"].dropna()) <= set(frame["txt"].dropna())
    observed = frame["num"].dropna()
    if len(observed):
        assert out["num"].dropna().between(observed.min(), observed.max()).all()
    else:
        assert out["num"].isna().all()
    if frame["num"].notna().all():
        assert out["num"].notna().all()
    assert out["int"].between(frame["int"].min(), frame["int"].max()).all()
    # round trip of the real rows keeps every value (floats up to quantile precision)
    back = enc.inverse_transform(enc.transform(frame), random_state=seed)
    pd.testing.assert_frame_equal(back[["int", "flag", "cat"]], frame[["int", "flag", "cat"]])
    np.testing.assert_array_equal(back["txt"].isna(), frame["txt"].isna())  # NaN or None
    assert back["txt"].dropna().tolist() == frame["txt"].dropna().tolist()
    span = float(observed.max() - observed.min()) if len(observed) else 0.0
    np.testing.assert_allclose(back["num"], frame["num"], rtol=1e-6, atol=1e-6 * span + 1e-9)
