"""ganaug.tabular.encoder: layout, round trips, levels, identifier columns, missing values."""


import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ganaug import GANAugmenter
from ganaug.tabular import TabularEncoder

from .conftest import _frame, _table  # noqa: E402


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
    # Each numeric column's minimum and maximum occur once: the stored quantiles do not
    # hold them (a saved model must not tell which values were trained on), so they come
    # back a third of the way to their neighbours (i's 5 at 4.33, rounded to 4;
    # nullable's 1 at 1.67, rounded to 2; f's 0.5 at 0.8333, rounded to f's 2 decimals);
    # every other value comes back as it was.
    expected = frame.assign(f=[0.83, 1.5, np.nan, 2.25 - (2.25 - 1.5) / 3],
                            i=np.array([1, 4, 3, 2], dtype=np.int32),
                            nullable=pd.array([2, None, 3, 4], dtype="Int64"))
    pd.testing.assert_frame_equal(back, expected, check_exact=False, rtol=1e-6)


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
# a constant column: (a + a + a) / 3 in the quantile smoothing once decoded just above a
@example({"num": [None, 699051.0198771704, 699051.0198771704], "int": [0, 0, 0],
          "txt": ["a", "a b", None], "flag": [False, False, False]}, 0)
# values within 1e-7 of each other: QuantileTransformer read them all as its bounds
@example({"num": [None, 0.0, 1.192092896e-07], "int": [0, 0, 0],
          "txt": ["a", "a", None], "flag": [False, False, False]}, 0)
# whole numbers in a float column: a lone maximum comes back rounded
@example({"num": [0.0, 0.0, 2.0], "int": [0, 0, 0], "txt": ["a", "b", None], "flag": [False, False, False]}, 0)
# a value a float's noise away from a whole number: written to 0 decimals, it is that number
@example({"num": [None, None, 131072.99999999988], "int": [0, 0, 0], "txt": ["a", "é", None],
          "flag": [False, False, False]}, 0)
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
        low, high = observed.min(), observed.max()
        decimals = enc.decimals_.get("num")
        if decimals is not None:  # written to the column's decimals, as its real values
            # are (131072.99999999988 is 131073 to 0 decimals, a float's noise)
            low, high = np.round(low, decimals), np.round(high, decimals)
        assert out["num"].dropna().between(low, high).all()
    else:
        assert out["num"].isna().all()
    if frame["num"].notna().all():
        assert out["num"].notna().all()
    assert out["int"].between(frame["int"].min(), frame["int"].max()).all()
    # round trip of the real rows keeps every value (floats up to quantile precision)
    back = enc.inverse_transform(enc.transform(frame), random_state=seed)
    pd.testing.assert_frame_equal(back[["flag", "cat"]], frame[["flag", "cat"]])
    np.testing.assert_array_equal(back["txt"].isna(), frame["txt"].isna())  # NaN or None
    assert back["txt"].dropna().tolist() == frame["txt"].dropna().tolist()
    # A minimum or maximum that only one row has is not stored: it comes back at most a
    # third of the way to its neighbour (plus rounding for integers); the rest as given.
    # (a float column of whole numbers is decoded as whole numbers too)
    num_rounding = 0.5 if next(c for c in enc.columns_ if c.name == "num").integral else 0.0
    for name, rounding in (("num", num_rounding), ("int", 0.5)):
        given, got = frame[name].astype(float), back[name].astype(float)
        np.testing.assert_array_equal(got.isna(), given.isna())
        present = given.dropna().sort_values()
        span = float(present.iloc[-1] - present.iloc[0]) if len(present) else 0.0
        tol = 1e-6 * abs(given).max() + 1e-6 * span + 1e-9 if len(present) else 0.0
        lone = pd.Series(False, index=given.index)
        if len(present) > 1:
            for end, neighbour in ((present.iloc[0], present.iloc[1]), (present.iloc[-1], present.iloc[-2])):
                if (given == end).sum() == 1 and end != neighbour:
                    lone |= given == end
                    at = given == end
                    assert abs(got[at].iloc[0] - end) <= abs(end - neighbour) / 3 + rounding + tol
        np.testing.assert_allclose(got[~lone & given.notna()], given[~lone & given.notna()], rtol=1e-6, atol=tol)


def test_a_class_gets_its_own_levels_of_a_column_with_few_values():
    # Computers-like: the minority's disks come in sizes one or two MB off the majority's.
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], [300, 60])
    disk = np.concatenate([rng.choice([107, 214, 528], 300), rng.choice([120, 212, 527], 60)])
    frame = pd.DataFrame({"disk": disk, "price": rng.normal(2000, 300, size=360)})
    enc = TabularEncoder().fit(frame, y)
    assert enc.class_levels_ == {"disk": [[107.0, 214.0, 528.0], [120.0, 212.0, 527.0]]}
    Z = np.random.default_rng(1).normal(size=(2000, enc.output_dim_))
    labels = np.repeat([0, 1], 1000)
    out = enc.inverse_transform(Z, random_state=0, y=labels)
    assert set(out["disk"][labels == 0]) == {107, 214, 528}
    assert set(out["disk"][labels == 1]) == {120, 212, 527}
    # price takes a different value in every row: decoded as a number, not snapped
    assert out["price"].nunique() > 1500
    # without labels, values are only rounded (the levels belong to a class)
    assert len(set(enc.inverse_transform(Z, random_state=0)["disk"])) > 6
    # the levels are saved with the encoder
    again = TabularEncoder.from_state(enc.get_state())
    assert again.class_levels_ == enc.class_levels_
    pd.testing.assert_frame_equal(again.inverse_transform(Z, random_state=0, y=labels), out)


def test_levels_need_three_rows_and_most_of_the_class():
    y = np.repeat([0, 1], [12, 12])
    # class 0: three levels of four rows each; class 1: two values shared by three
    # rows (6 of 12 rows, below nine tenths) and six lone ones
    x = [1] * 4 + [2] * 4 + [3] * 4 + [5] * 3 + [6] * 3 + [7, 8, 9, 10, 11, 12]
    enc = TabularEncoder().fit(pd.DataFrame({"x": x}), y)
    assert enc.class_levels_ == {"x": [[1.0, 2.0, 3.0], None]}




def test_identifier_columns_are_not_modelled_and_decode_empty():
    frame, y = _table()
    enc = TabularEncoder().fit(frame)
    assert enc.identifier_columns_ == ["name"]
    back = enc.inverse_transform(enc.transform(frame), random_state=0)
    assert back["name"].isna().all()
    assert back.columns.tolist() == frame.columns.tolist()
    # a short table, or a column named categorical, is modelled as usual
    assert TabularEncoder().fit(frame.head(10)).identifier_columns_ == []
    assert TabularEncoder(["name"]).fit(frame).identifier_columns_ == []


def test_missing_values_come_out_at_each_class_rate():
    n = 400
    y = np.repeat([0, 1], n // 2)
    x = np.arange(n, dtype=float)
    x[(y == 0) & (np.arange(n) % 2 == 0)] = np.nan  # class 0: 50 % missing; class 1: none
    x[(y == 1) & (np.arange(n) % 10 == 0)] = np.nan  # class 1: 10 % missing
    frame = pd.DataFrame({"x": x})
    enc = TabularEncoder().fit(frame, y)
    assert enc.missing_rates_["x"] == pytest.approx([0.5, 0.1])
    Z = enc.transform(frame)
    Z[:, 1:] = [1.0, 0.0]  # a generator that never says "missing"
    labels = np.repeat([0, 1], 1000)
    out = enc.inverse_transform(np.repeat(Z[:1], 2000, axis=0), random_state=0, y=labels)
    rates = out["x"].isna().groupby(labels).mean()
    assert rates[0] == pytest.approx(0.5, abs=0.01) and rates[1] == pytest.approx(0.1, abs=0.01)


def test_identifier_column_is_said_and_rows_come_back(tiny):
    frame, y = _table()
    with pytest.warns(UserWarning, match="'name' hold a different value in every row"):
        X_res, y_res = GANAugmenter(**tiny, random_state=0).fit_resample(frame, y)
    pd.testing.assert_frame_equal(X_res.iloc[: len(frame)], frame)
    assert X_res["name"].iloc[len(frame):].isna().all()


def test_missing_categories_come_out_at_each_class_rate():
    n = 400
    y = np.repeat([0, 1], n // 2)
    c = np.array(["a", "b"] * (n // 2), dtype=object)
    c[(y == 0) & (np.arange(n) % 4 == 0)] = None  # class 0: 25 % missing; class 1: none
    frame = pd.DataFrame({"c": c})
    enc = TabularEncoder().fit(frame, y)
    assert enc.missing_rates_["c"] == pytest.approx([0.25, 0.0])
    Z = np.repeat(enc.transform(frame.iloc[[1]]), 2000, axis=0)  # never says "missing"
    labels = np.repeat([0, 1], 1000)
    out = enc.inverse_transform(Z, random_state=0, y=labels)
    rates = out["c"].isna().groupby(labels).mean()
    assert rates[0] == pytest.approx(0.25, abs=0.01) and rates[1] == 0.0
    assert set(out["c"].dropna()) <= {"a", "b"}
