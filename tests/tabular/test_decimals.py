"""ganaug.tabular.decimals: decoded numbers keep the decimals of their real column."""

import warnings

import numpy as np
import pandas as pd
import pytest

import ganaug
from ganaug import GANAugmenter
from ganaug.tabular import TabularEncoder
from ganaug.tabular.decimals import column_decimals, written_with

from ..conftest import TINY


def _money(n=400, seed=0):
    """A money column in cents with one stray value of 4 decimals, a measurement in full
    precision, a float column of whole numbers with one stray half, and a missing value."""
    rng = np.random.default_rng(seed)
    money = np.round(rng.lognormal(3, 0.5, size=n), 2)
    money[0] = 12.3456
    whole = rng.integers(0, 50, size=n).astype(np.float64)
    whole[1] = 7.5
    money[2] = np.nan
    return pd.DataFrame({"money": money, "measure": rng.normal(size=n), "whole": whole})


def _decoded(enc, n=2000, seed=1, **kwargs):
    Z = np.random.default_rng(seed).normal(size=(n, enc.output_dim_))
    return enc.inverse_transform(Z, random_state=0, **kwargs)


def _decimals_of(values):
    """The fewest decimals (up to 10) that write each value."""
    values = np.asarray(values, dtype=np.float64)
    out = np.full(values.shape, 11)
    for d in range(10, -1, -1):
        out[written_with(values, d)] = d
    return out


def test_column_decimals():
    money = _money()["money"].to_numpy()
    assert column_decimals(money) == 2  # one 4-decimal value in 400 does not count
    assert column_decimals(_money()["whole"]) == 0
    assert column_decimals(_money()["measure"]) is None
    assert column_decimals(np.round(money, 2).astype(np.float32), np.float32) == 2
    assert column_decimals([0.1 + 0.2, 1.7]) == 1  # float arithmetic's last bit
    assert column_decimals(np.array([3, 4]), np.int64) == 0
    assert column_decimals([np.nan]) is None


def test_a_money_column_comes_back_with_its_two_decimals():
    frame = _money()
    enc = TabularEncoder().fit(frame)
    assert enc.decimals_ == {"money": 2, "measure": None, "whole": 0}
    out = _decoded(enc)
    money = out["money"].dropna()
    assert (_decimals_of(money) <= 2).all()
    assert (_decimals_of(money) == 2).mean() > 0.5  # rounded, not truncated to whole numbers
    assert out["money"].isna().any()  # missing stays missing


def test_a_full_precision_column_is_not_rounded():
    frame = _money()
    enc = TabularEncoder().fit(frame)
    assert enc.decimals_["measure"] is None
    Z = np.random.default_rng(1).normal(size=(2000, enc.output_dim_))
    out = enc.inverse_transform(Z, random_state=0)
    at = [span.width for span in enc.spans_]
    raw = enc.columns_[1].transformer.inverse_transform(Z[:, [at[0] + at[1]]]).ravel()
    np.testing.assert_array_equal(out["measure"].to_numpy(), raw)
    assert (_decimals_of(out["measure"]) > 6).mean() > 0.9


def test_a_whole_number_float_column_comes_back_whole():
    frame = _money()
    enc = TabularEncoder().fit(frame)
    assert not enc.columns_[2].integral  # one stray 7.5: not rounded as an integer column
    whole = _decoded(enc)["whole"]
    assert whole.dtype == np.float64
    np.testing.assert_array_equal(whole, np.round(whole))


def test_a_float32_column_keeps_its_decimals():
    frame = _money().astype(np.float32)
    enc = TabularEncoder().fit(frame)
    assert enc.decimals_ == {"money": 2, "measure": None, "whole": 0}
    money = _decoded(enc)["money"].dropna()
    assert money.dtype == np.float32
    assert written_with(money.to_numpy(), 2, np.float32).all()


def test_values_given_as_real_are_not_rounded():
    frame = _money()
    enc = TabularEncoder().fit(frame)
    Z = np.random.default_rng(1).normal(size=(500, enc.output_dim_))
    given = enc.inverse_transform(Z, random_state=0, as_given={"money"})["money"].dropna()
    assert (_decimals_of(given) > 2).mean() > 0.9


def test_the_decimals_are_saved_with_the_encoder():
    enc = TabularEncoder().fit(_money())
    again = TabularEncoder.from_state(enc.get_state())
    assert again.decimals_ == enc.decimals_
    pd.testing.assert_frame_equal(_decoded(again), _decoded(enc))


def test_a_state_without_decimals_loads_as_not_rounded():
    """A state written before the decimals were recorded (ganaug 0.1.0's) decodes its
    numbers as it did: unrounded."""
    enc = TabularEncoder().fit(_money())
    state = enc.get_state()
    for column in state["columns"]:
        column.pop("decimals", None)
    old = TabularEncoder.from_state(state)
    assert old.decimals_ == {"money": None, "measure": None, "whole": None}
    money = _decoded(old)["money"].dropna()
    assert (_decimals_of(money) > 2).mean() > 0.9


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_saved_model_samples_with_the_decimals(tmp_path):
    frame = _money(n=200)
    y = np.repeat(["a", "b"], [150, 50])
    aug = GANAugmenter(**TINY, random_state=0).fit(frame, y)
    aug.save(tmp_path / "money.ganaug")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a loaded model warns that it holds no rows
        X_new, _ = ganaug.load(tmp_path / "money.ganaug").sample(300, random_state=1)
    assert (_decimals_of(X_new["money"].dropna()) <= 2).all()
    assert (X_new["whole"] == np.round(X_new["whole"])).all()
