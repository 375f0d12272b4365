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
    # Every row: the 'signal' of a real class-1 row, the (noise, level) pair of a real
    # row of any class, no identifier, and no copy of a training row.
    assert set(out["signal"]) <= set(frame["signal"][y == 1])
    assert set(zip(out["noise"], out["level"])) <= set(zip(frame["noise"], frame["level"]))
    assert out["id"].isna().all()
    real = set(map(tuple, frame[["signal", "noise", "level"]].to_numpy().tolist()))
    assert not set(map(tuple, out[["signal", "noise", "level"]].to_numpy().tolist())) & real
    # Pairings are new: many distinct rows, more than the class has.
    assert len(out.drop_duplicates()) > (y == 1).sum()


def test_recombine_share_and_where_it_does_not_apply(tiny):
    frame, y = _shared_table()
    class1 = set(frame["signal"][y == 1])
    for share in (0.0, 0.5):
        aug = GANAugmenter(**tiny, recombine=share, random_state=0).fit(frame, y)
        out, _ = aug.sample(y={1: 400}, random_state=0)
        assert out["signal"].isin(class1).mean() == pytest.approx(share, abs=0.08)
    # No shared columns: a recombined row would be a copy, so every row is generated.
    aug = GANAugmenter(**tiny, recombine=1.0, shared_columns=None, random_state=0).fit(frame, y)
    out, _ = aug.sample(y={1: 200}, random_state=0)
    assert not out["signal"].isin(class1).any()
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
