"""Per-class variety, identifier columns, missing rates, the collapse warning and the
fidelity check."""

import warnings

import numpy as np
import pandas as pd
import pytest

import ganaug
from ganaug import CollapseWarning, FidelityWarning, GANAugmenter
from ganaug.diagnostics import class_variety, collapsed_classes
from ganaug.tabular import TabularEncoder

from .conftest import pockets


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


def test_class_variety_sees_a_collapse_and_a_match():
    frame, y = _table()
    same = class_variety(frame, y, frame, y)
    assert np.allclose(same["ratio"], 1.0)
    assert collapsed_classes(same) == {}
    one_row = frame[y == "small"].iloc[[0] * 30]
    v = class_variety(frame, y, one_row, ["small"] * 30, columns=["x", "k", "c"])
    assert set(v["class"]) == {"small"}
    assert v.set_index("column")["kind"].to_dict() == {"x": "numeric", "k": "levels", "c": "categorical"}
    (score, column, ratio), = collapsed_classes(v).values()
    # x does not vary; k keeps 1 of its 5 levels, c 1 of 4
    assert score < 0.2 and (column, ratio) == ("x", 0.0)


def test_a_flag_is_judged_by_its_levels_not_its_spread():
    """A 0/1 column's interquartile range is 1 with 30 % ones and 0 with 20 %: by levels,
    synthetic rows with 20 % ones keep most of the real variety, rows with none lose it."""
    real = pd.DataFrame({"flag": [1] * 30 + [0] * 70})
    some = pd.DataFrame({"flag": [1] * 20 + [0] * 80})
    v = class_variety(real, [0] * 100, some, [0] * 100)
    assert v["kind"].tolist() == ["levels"] and 0.8 < v["ratio"].iloc[0] < 1.0
    assert collapsed_classes(v) == {}
    none = class_variety(real, [0] * 100, some.assign(flag=0), [0] * 100)
    assert none["ratio"].iloc[0] == pytest.approx(1 / 1.842, abs=0.001)  # 1 level of exp(entropy)


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


def test_a_collapsed_fit_says_so(tiny, monkeypatch):
    frame, y = _table()
    frame = frame.drop(columns="name")
    aug = GANAugmenter(**tiny, random_state=0)
    real_draw = GANAugmenter._draw

    def collapsed(self, labels, rng, **kwargs):  # every row a copy of the first generated one
        rows = real_draw(self, labels, rng, **kwargs)
        return rows.iloc[[0] * len(rows)].reset_index(drop=True)

    monkeypatch.setattr(GANAugmenter, "_draw", collapsed)
    with pytest.warns(CollapseWarning, match="class 'small' are far less varied") as caught:
        aug.fit(frame, y)
    assert set(aug.variety_["class"]) == {"big", "small"}
    assert collapsed_classes(aug.variety_).keys() == {"big", "small"}
    # 'big', which the fit does not grow, is measured but not warned about
    assert not [w for w in caught if "'big'" in str(w.message)]


def test_a_healthy_fit_keeps_quiet(tiny):
    frame, y = _table()
    frame = frame.drop(columns="name")
    with warnings.catch_warnings():
        warnings.simplefilter("error", CollapseWarning)
        aug = GANAugmenter(**{**tiny, "epochs": 20}, random_state=0).fit(frame, y)
    assert set(aug.variety_["class"]) == {"big", "small"}
    assert collapsed_classes(aug.variety_) == {}


def test_filter_labels_keeps_rows_the_judge_puts_in_their_class(tiny):
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=300, n_features=4, n_informative=3, n_redundant=0,
                               weights=[0.8], class_sep=1.5, random_state=0)
    X = pd.DataFrame(X, columns=list("abcd"))
    # recombine=0: every row generated, so every row goes through the check
    aug = GANAugmenter(**tiny, recombine=0.0, random_state=0).fit(X, y)
    assert aug.label_judge_["coef"].shape == (1, 4)

    def agreement(frame, label):
        return (aug._class_probabilities(frame).argmax(axis=1) == label).mean()

    aug.set_params(filter_labels=False)
    unchecked, _ = aug.sample(y={1: 300}, random_state=1)
    aug.set_params(filter_labels=True)
    checked, _ = aug.sample(y={1: 300}, random_state=1)
    # The judge puts this share of the real class-1 rows in class 1; the checked rows
    # keep that share, where a 2-epoch GAN's unchecked rows are far from it.
    real = aug.label_judge_["agreement"][1]
    assert 0.5 < real < 1.0
    assert abs(agreement(checked, 1) - real) < 0.05
    assert abs(agreement(unchecked, 1) - real) > abs(agreement(checked, 1) - real) + 0.04
    assert 0 < aug.label_agreement_ <= 1


def test_no_label_judge_when_switched_off(tiny):
    frame, y = _table()
    aug = GANAugmenter(**tiny, filter_labels=False, random_state=0).fit(frame.drop(columns="name"), y)
    assert aug.label_judge_ is None


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


def test_calibration_gives_each_class_its_real_centre_and_levels(tiny):
    frame, y = _shared_table()
    aug = GANAugmenter(**tiny, shared_columns=None, filter_labels=False, random_state=0).fit(frame, y)
    calibration = aug.calibration_
    real = frame[y == 1]

    def gaps():
        out, _ = aug.sample(y={1: 2000}, random_state=0)
        centre = abs(out["signal"].mean() - real["signal"].mean()) / real["signal"].std()
        spread = abs(np.log(out["signal"].std() / real["signal"].std()))
        levels = (out["level"].value_counts(normalize=True)
                  - real["level"].value_counts(normalize=True)).abs().max()
        return centre, spread, levels

    calibrated = gaps()
    aug.calibration_ = None  # a 2-epoch GAN's own output
    raw = gaps()
    aug.calibration_ = calibration
    # Centre and levels match; the spread is matched in normal-score space, so a
    # class in the tail of the whole table's distribution comes out somewhat wider.
    assert calibrated[0] < 0.15 and calibrated[1] < 0.4 and calibrated[2] < 0.06
    assert sum(raw) > sum(calibrated) + 0.2


def test_a_class_in_pockets_that_the_gan_misses_is_interpolated(tiny, tmp_path):
    X, y, centres = pockets(120, 480)
    aug = GANAugmenter(**tiny, random_state=0)
    with pytest.warns(FidelityWarning, match="class 'rare' in that class.*made by interpolation"):
        X_res, y_res = aug.fit_resample(X, y)
    assert aug.interpolated_classes_ == ["rare"]
    shares = aug.fidelity_["rare"]
    assert shares["real"] > 0.8 and shares["real"] - shares["synthetic"] > 0.25
    new = X_res.iloc[len(X):][y_res[len(X):] == "rare"].to_numpy()
    assert len(new) == 480 - 120
    near = np.min(np.linalg.norm(new[:, None] - centres, axis=2), axis=1) < 0.45
    assert near.mean() > 0.9  # between neighbours of a disc, so inside it
    # A loaded model holds no real rows to interpolate between, and says so.
    aug.save(tmp_path / "pockets.ganaug")
    loaded = ganaug.load(tmp_path / "pockets.ganaug")
    assert loaded.interpolated_classes_ == ["rare"]
    with pytest.warns(UserWarning, match="class\\(es\\) 'rare' come from the generator"):
        loaded.sample(y={"rare": 10}, random_state=0)


def test_generated_rows_only_are_kept_with_recombine_0(tiny):
    X, y, centres = pockets(120, 480)
    aug = GANAugmenter(**tiny, recombine=0.0, random_state=0)
    with pytest.warns(FidelityWarning, match="They are kept, as recombine=0"):
        X_res, y_res = aug.fit_resample(X, y)
    assert aug.interpolated_classes_ == [] and "rare" in aug.fidelity_
    new = X_res.iloc[len(X):].to_numpy()
    near = np.min(np.linalg.norm(new[:, None] - centres, axis=2), axis=1) < 0.45
    assert near.mean() < 0.5  # the generator's rows, not the discs'


def test_a_class_the_gan_places_well_is_generated(tiny):
    from sklearn.datasets import make_blobs

    X, y = make_blobs(n_samples=[480, 120], centers=[[0, 0], [5, 5]], random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FidelityWarning)
        aug = GANAugmenter(**tiny, random_state=0).fit(pd.DataFrame(X, columns=["a", "b"]), y)
    assert aug.interpolated_classes_ == []
    assert aug.fidelity_[1]["synthetic"] > 0.9
