"""GANAugmenter on tables: formats, counts, labels, missing values, sample()."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import RandomOverSampler
from sklearn.base import clone
from sklearn.datasets import make_classification

from ganaug import GANAugmenter


@pytest.fixture(scope="module")
def fitted_penguins():
    frame = pd.read_csv(pd.io.common.stringify_path(__file__).rsplit("/tests/", 1)[0] + "/sample_data/penguins.csv")
    frame["island"] = frame["island"].astype("category")
    frame["flag"] = frame["sex"].eq("male")  # a bool column
    X, y = frame.drop(columns="species"), frame["species"]
    aug = GANAugmenter(
        epochs=2, batch_size=64, latent_dim=8, generator_units=(16,), discriminator_units=(16,),
        random_state=0,
    )
    X_res, y_res = aug.fit_resample(X, y)
    return aug, X, y, X_res, y_res


def test_dataframe_in_dataframe_out(fitted_penguins):
    aug, X, y, X_res, y_res = fitted_penguins
    assert isinstance(X_res, pd.DataFrame) and isinstance(y_res, pd.Series)
    assert list(X_res.columns) == list(X.columns)
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    assert y_res.name == "species"
    assert X_res["island"].cat.categories.tolist() == X["island"].cat.categories.tolist()


def test_original_rows_first_unchanged(fitted_penguins):
    _, X, y, X_res, y_res = fitted_penguins
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X, check_exact=True)
    np.testing.assert_array_equal(y_res.iloc[: len(y)].to_numpy(), y.to_numpy())


def test_counts_follow_auto_strategy(fitted_penguins):
    aug, X, y, X_res, y_res = fitted_penguins
    assert Counter(y_res) == {"Adelie": 152, "Gentoo": 152, "Chinstrap": 152}
    assert aug.sampling_strategy_ == {"Chinstrap": 132, "Gentoo": 28}


def test_synthetic_values_are_valid(fitted_penguins):
    _, X, y, X_res, _ = fitted_penguins
    synth = X_res.iloc[len(X):]
    for col in ["bill_length_mm", "body_mass_g", "year"]:
        values = synth[col].dropna()
        assert values.min() >= X[col].min() and values.max() <= X[col].max()
    # integer-valued columns stay whole numbers; int dtype stays int
    assert synth["year"].dtype == np.int64
    assert (synth["body_mass_g"].dropna() % 1 == 0).all()
    assert set(synth["sex"].dropna()) <= set(X["sex"].dropna())
    assert set(synth["flag"].unique()) <= {True, False}


def test_fitted_attributes(fitted_penguins):
    aug = fitted_penguins[0]
    assert aug.n_features_in_ == 8
    assert list(aug.feature_names_in_) == list(fitted_penguins[1].columns)
    assert aug.classes_.tolist() == ["Adelie", "Chinstrap", "Gentoo"]
    assert set(aug.history_) == {"d_loss", "g_loss"} and len(aug.history_["d_loss"]) == 2
    assert aug.generator_.name == "generator"
    assert aug.encoder_.output_dim_ > aug.n_features_in_


def test_params_not_changed_by_fit(fitted_penguins):
    """What check_dont_overwrite_parameters checks, on data GANAugmenter accepts."""
    aug = fitted_penguins[0]
    assert aug.get_params() == clone(aug).get_params()
    public = [k for k in vars(aug) if not k.startswith("_") and not k.endswith("_")]
    assert sorted(public) == sorted(aug.get_params())


def test_sample_total_spread_by_strategy(fitted_penguins):
    aug = fitted_penguins[0]
    X_new, y_new = aug.sample(160, random_state=1)
    assert len(X_new) == 160 and isinstance(X_new, pd.DataFrame)
    # sampling_strategy_ asks 132 Chinstrap : 28 Gentoo
    assert Counter(y_new) == {"Chinstrap": 132, "Gentoo": 28}


def test_sample_dict_and_array(fitted_penguins):
    aug = fitted_penguins[0]
    _, y_new = aug.sample(y={"Adelie": 3, "Chinstrap": 5})
    assert Counter(y_new) == {"Adelie": 3, "Chinstrap": 5}
    wanted = ["Gentoo", "Adelie", "Gentoo"]
    X_new, y_new = aug.sample(y=wanted)
    assert y_new.tolist() == wanted and len(X_new) == 3


def test_sample_errors(fitted_penguins):
    aug = fitted_penguins[0]
    with pytest.raises(ValueError, match="not seen in fit.*Got 'Emperor' instead"):
        aug.sample(y={"Emperor": 2})
    with pytest.raises(ValueError, match="n_samples must be a non-negative integer"):
        aug.sample()
    with pytest.raises(ValueError, match="disagrees with y"):
        aug.sample(5, y=["Adelie"])


def test_sample_before_fit():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        GANAugmenter().sample(3)


def test_same_seed_same_sample(fitted_penguins):
    aug = fitted_penguins[0]
    a, _ = aug.sample(50, random_state=7)
    b, _ = aug.sample(50, random_state=7)
    c, _ = aug.sample(50, random_state=8)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_numpy_in_numpy_out(tiny, dtype):
    X, y = make_classification(n_samples=120, n_features=4, weights=[0.8], random_state=0)
    X = (X * 10).astype(dtype)
    X_res, y_res = GANAugmenter(**tiny, random_state=0).fit_resample(X, y)
    assert isinstance(X_res, np.ndarray) and X_res.dtype == dtype
    np.testing.assert_array_equal(X_res[:120], X)
    assert Counter(y_res)[0] == Counter(y_res)[1]


def _strategies():
    return [
        "auto", "minority", "not minority", "not majority", "all",
        {0: 60, 1: 50, 2: 80},
        lambda y: {label: 2 * count for label, count in Counter(y).items() if label != 2},
    ]


@pytest.mark.parametrize("strategy", _strategies(), ids=lambda s: str(s) if not callable(s) else "callable")
def test_sampling_strategy_matches_imblearn(tiny, strategy):
    X, y = make_classification(
        n_samples=120, n_features=4, n_informative=3, n_redundant=0, n_classes=3,
        weights=[0.15, 0.25, 0.6], random_state=0,
    )
    _, y_ref = RandomOverSampler(sampling_strategy=strategy, random_state=0).fit_resample(X, y)
    _, y_res = GANAugmenter(sampling_strategy=strategy, **tiny, random_state=0).fit_resample(X, y)
    assert Counter(y_res) == Counter(y_ref)


def test_float_strategy_binary(tiny):
    X, y = make_classification(n_samples=100, n_features=3, n_informative=2, n_redundant=0,
                               weights=[0.8], random_state=0)
    _, y_ref = RandomOverSampler(sampling_strategy=0.5, random_state=0).fit_resample(X, y)
    _, y_res = GANAugmenter(sampling_strategy=0.5, **tiny, random_state=0).fit_resample(X, y)
    assert Counter(y_res) == Counter(y_ref)


def test_class_with_one_row_is_refused(tiny):
    X = np.arange(20, dtype=float).reshape(10, 2)
    y = np.array([0] * 6 + [1] * 3 + [2])
    with pytest.raises(ValueError, match=r"^Class 2 has 1 row"):  # as written, not np.int64(2)
        GANAugmenter(**tiny).fit_resample(X, y)
    with pytest.raises(ValueError, match=r"^Class 'rare' has 1 row"):
        GANAugmenter(**tiny).fit_resample(X, np.array(["a"] * 6 + ["b"] * 3 + ["rare"]))


def test_unknown_class_named_as_written(tiny):
    X = np.arange(20, dtype=float).reshape(10, 2)
    aug = GANAugmenter(**tiny, random_state=0).fit(X, np.array([0] * 6 + [1] * 4))
    with pytest.raises(ValueError, match=r"expected one of \[0, 1\]\. Got 7 instead"):
        aug.sample(y=np.array([7]))


@pytest.mark.parametrize(
    "param, value, match",
    [
        ("generator_units", (), "generator_units must be a non-empty sequence"),
        ("discriminator_units", (8, 0), "discriminator_units must be a non-empty sequence"),
        ("loss", "hinge", "'loss' parameter"),
        ("epochs", 0, "'epochs' parameter"),
        ("steps_per_epoch", 0, "'steps_per_epoch' parameter"),
        ("steps_per_epoch", "many", "'steps_per_epoch' parameter"),
        ("keep_training_rows", "yes", "'keep_training_rows' parameter"),
    ],
)
def test_bad_parameters(tiny, param, value, match):
    X, y = make_classification(n_samples=40, n_features=3, n_informative=2, n_redundant=0, random_state=0)
    with pytest.raises(ValueError, match=match):
        GANAugmenter(**{**tiny, param: value}).fit_resample(X, y)


@pytest.mark.parametrize(
    ("n_samples", "batch_size", "steps_per_epoch", "expected"),
    [
        (40, 16, "auto", 50),  # tables: a fixed 50 steps per epoch ...
        (4000, 16, "auto", 50),  # ... however many rows there are
        (40, 16, 3, 3),
    ],
)
def test_steps_per_epoch(tiny, n_samples, batch_size, steps_per_epoch, expected):
    import keras

    X, y = make_classification(n_samples=n_samples, n_features=3, n_informative=2,
                               n_redundant=0, random_state=0)
    # Keras tells callbacks the steps of an epoch in params["steps"]. (The batch index
    # it reports when an epoch's steps run as one call differs between Keras versions:
    # the first step's in 3.7 to 3.9, the last step's in 3.15.)
    class Steps(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            steps.append(self.params["steps"])

    steps = []
    params = {**tiny, "epochs": 2, "batch_size": batch_size, "steps_per_epoch": steps_per_epoch}
    GANAugmenter(**params).fit(X, y, callbacks=[Steps()])
    assert steps == [expected]


def test_wgan_gp_loss_trains(tiny):
    X, y = make_classification(n_samples=80, n_features=3, n_informative=2, n_redundant=0,
                               weights=[0.8], random_state=0)
    aug = GANAugmenter(**{**tiny, "loss": "wgan-gp"}, random_state=0)
    X_res, y_res = aug.fit_resample(X, y)
    assert np.isfinite(aug.history_["d_loss"]).all()
    assert np.isfinite(X_res).all()


def test_missing_values_reproduced_per_class():
    """Class 'a' has a column missing half the time, class 'b' never."""
    rng = np.random.default_rng(0)
    n = 200
    y = np.array(["a"] * n + ["b"] * n)
    x = rng.normal(size=2 * n)
    x[:n][rng.random(n) < 0.5] = np.nan
    c = np.where(rng.random(2 * n) < 0.3, None, rng.choice(["u", "v"], size=2 * n)).astype(object)
    c[n:] = rng.choice(["u", "v"], size=n)  # class b: no missing category values
    X = pd.DataFrame({"x": x, "other": rng.normal(size=2 * n), "c": c})
    aug = GANAugmenter(epochs=40, steps_per_epoch=10, batch_size=64, latent_dim=8, generator_units=(32,),
                       discriminator_units=(32,), generator_lr=1e-3, discriminator_lr=1e-3,
                       random_state=0)
    aug.fit(X, y)
    X_new, y_new = aug.sample(y={"a": 400, "b": 400})
    rate_a = X_new["x"][y_new.to_numpy() == "a"].isna().mean()
    rate_b = X_new["x"][y_new.to_numpy() == "b"].isna().mean()
    assert 0.3 < rate_a < 0.7, rate_a
    assert rate_b < 0.15, rate_b
    assert X_new["c"][y_new.to_numpy() == "a"].isna().mean() > 0.1


