"""ganaug.tabular.shared: shared columns and recombination."""

import warnings

import numpy as np
import pandas as pd
import pytest

from ganaug import GANAugmenter

from .conftest import _shared_table  # noqa: E402


def test_shared_columns_come_from_real_rows_of_any_class(tiny):
    frame, y = _shared_table()
    aug = GANAugmenter(**tiny, random_state=0).fit(frame, y)
    assert aug.class_dependence_["signal"] < 0.05
    assert sorted(aug.shared_columns_) == ["level", "noise"]
    out, _ = aug.sample(y={1: 200}, random_state=0)
    # Each synthetic row carries the joint values of one real row in those columns.
    real_pairs = set(zip(frame["noise"], frame["level"]))
    assert set(zip(out["noise"], out["level"])) <= real_pairs
    # ... drawn from rows of every class, not only class 1.
    class0_only = set(zip(frame["noise"][y == 0], frame["level"][y == 0])) - set(
        zip(frame["noise"][y == 1], frame["level"][y == 1]))
    assert set(zip(out["noise"], out["level"])) & class0_only


@pytest.mark.parametrize("n_classes", [2, 3])
def test_a_class_narrower_at_the_same_centre_is_not_shared(n_classes):
    """A rank test sees a shift, not a spread: a rare class whose values sit in the
    middle third of the others' (Computers' 'trend' in some folds) must still count
    as depending on the class, or its synthetic rows take the whole table's spread."""
    from scipy.stats import kruskal

    from ganaug.tabular import class_independence

    rng = np.random.default_rng(0)
    sizes = [900, 100, 60][:n_classes]
    y = np.repeat(np.arange(n_classes), sizes)
    wide = rng.uniform(0, 30, size=len(y))
    narrow = np.where(y == 1, 10 + wide / 3, wide).round(1)  # same median, a third the spread
    frame = pd.DataFrame({"narrow": narrow, "same": rng.uniform(0, 30, size=len(y)).round(1)})
    assert kruskal(*[narrow[y == k] for k in range(n_classes)]).pvalue > 0.05  # blind to it
    p = class_independence(frame, y)
    assert p["narrow"] < 1e-6
    assert p["same"] > 0.05


def test_recombined_rows_pair_a_real_row_of_the_class_with_shared_columns_of_another(tiny):
    frame, y = _shared_table()
    frame["id"] = [f"row {i}" for i in range(len(frame))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # 'id' is an identifier column
        aug = GANAugmenter(**tiny, recombine=1.0, random_state=0).fit(frame, y)
    out, _ = aug.sample(y={1: 300}, random_state=0)
    # Every row: the (noise, level) pair of a real row of any class, no identifier,
    # no copy of a training row, and a 'signal' within the range of class 1's, moved
    # off the real values (see the next test).
    signal = frame["signal"][y == 1]
    assert out["signal"].between(signal.min(), signal.max()).all()
    assert out["signal"].isin(signal).mean() < 0.05
    assert set(zip(out["noise"], out["level"])) <= set(zip(frame["noise"], frame["level"]))
    assert out["id"].isna().all()
    real = set(map(tuple, frame[["signal", "noise", "level"]].to_numpy().tolist()))
    assert not set(map(tuple, out[["signal", "noise", "level"]].to_numpy().tolist())) & real
    # Pairings are new: many distinct rows, more than the class has.
    assert len(out.drop_duplicates()) > (y == 1).sum()
    # Unmoved (the fallback for a row that breaks a rule), 'signal' is a real row's.
    unmoved = aug.model_.real_rows.recombined(np.ones(300, dtype=int), np.random.RandomState(0), move=False)
    assert set(unmoved["signal"]) <= set(signal)


def test_recombined_numbers_move_towards_a_near_real_row_of_the_class():
    """Each moved number lies between its real row's and that of one of the row's
    nearest real rows of the class; whole numbers stay whole, decimals as written,
    few-valued columns, categories and missing values as the real row has them."""
    from ganaug.tabular import TabularEncoder
    from ganaug.tabular.shared import RECOMBINE_NEIGHBOURS, RealRows

    rng = np.random.default_rng(1)
    n = 60
    y = np.repeat([0, 1], n // 2)
    frame = pd.DataFrame({
        "price": (rng.uniform(1, 100, n) + 50 * y).round(2),
        "count": rng.integers(0, 1000, n) + 500 * y,
        "flag": rng.integers(0, 2, n),
        "kind": rng.choice(list("xy"), n),
        "noise": rng.normal(size=n).round(1),
    })
    frame.loc[[3, 40], "price"] = np.nan
    encoder = TabularEncoder().fit(frame, y)
    encoded = encoder.transform(frame)
    class_rows = [np.flatnonzero(y == k) for k in (0, 1)]
    real = RealRows(frame, encoded, class_rows, encoder, ["noise"])
    assert sorted(real.moved) == ["count", "price"]  # not the flag, the category, the shared column
    labels = np.repeat([0, 1], 200)
    out = real.recombined(labels, np.random.RandomState(0))
    again = real.recombined(labels, np.random.RandomState(0))
    pd.testing.assert_frame_equal(out, again)  # same seed, same rows
    assert out["count"].dtype == frame["count"].dtype
    assert (out["price"].dropna() == out["price"].dropna().round(2)).all()
    # Replay the draw of the real rows (the first draw) to check each row against its own.
    base = real.class_row_numbers(labels, np.random.RandomState(0))
    nearest = {k: real.nearest_rows(k) for k in (0, 1)}
    assert nearest[0].shape == (n // 2, RECOMBINE_NEIGHBOURS)
    for column in ("price", "count"):
        start = frame[column].to_numpy(dtype=float)[base]
        moved = out[column].to_numpy(dtype=float)
        np.testing.assert_array_equal(np.isnan(moved), np.isnan(start))  # missing stays missing
        ok = np.isnan(start).copy()
        for i in np.flatnonzero(~ok):
            k = labels[i]
            ends = frame[column].to_numpy(dtype=float)[nearest[k][real.position[base[i]]]]
            lo, hi = np.minimum(start[i], ends), np.maximum(start[i], ends)
            ok[i] = ((moved[i] >= lo - 0.01) & (moved[i] <= hi + 0.01)).any() or moved[i] == start[i]
        assert ok.all(), column
        assert (moved[~np.isnan(start)] != start[~np.isnan(start)]).mean() > 0.5  # most moved
    for column in ("flag", "kind"):  # a real row's value
        assert (out[column].to_numpy() == frame[column].to_numpy()[base]).all()


def test_recombine_share_and_where_it_does_not_apply(tiny, monkeypatch):
    from ganaug.tabular.shared import RealRows

    frame, y = _shared_table()
    asked = []
    recombined = RealRows.recombined

    def counted(self, labels, rng, move=True):
        asked.append(len(labels))
        return recombined(self, labels, rng, move)

    monkeypatch.setattr(RealRows, "recombined", counted)
    for share in (0.0, 0.5):
        aug = GANAugmenter(**tiny, recombine=share, random_state=0).fit(frame, y)
        asked.clear()
        out, _ = aug.sample(y={1: 400}, random_state=0)
        assert sum(asked) / len(out) == pytest.approx(share, abs=0.08)
    # No shared columns: a recombined row would be a copy, so every row is generated.
    aug = GANAugmenter(**tiny, recombine=1.0, shared_columns=None, random_state=0).fit(frame, y)
    asked.clear()
    out, _ = aug.sample(y={1: 200}, random_state=0)
    assert not asked
    assert not out["signal"].isin(set(frame["signal"][y == 1])).any()
    with pytest.raises(ValueError, match="recombine"):
        GANAugmenter(**tiny, recombine=1.5).fit(frame, y)


def test_shared_columns_none_and_a_list(tiny):
    frame, y = _shared_table()
    aug = GANAugmenter(**tiny, shared_columns=None, random_state=0).fit(frame, y)
    assert aug.shared_columns_ == []
    out, _ = aug.sample(y={1: 200}, random_state=0)
    assert not set(out["noise"]) <= set(frame["noise"])  # generated, not borrowed
    aug = GANAugmenter(**tiny, shared_columns=["level", 1], random_state=0).fit(frame, y)
    assert aug.shared_columns_ == ["level", "noise"]


def test_shared_columns_naming_a_missing_column_says_which(tiny):
    frame, y = _shared_table()
    with pytest.raises(ValueError, match="shared_columns.*'nope'"):
        GANAugmenter(**tiny, shared_columns=["nope"], random_state=0).fit(frame, y)
