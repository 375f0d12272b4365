"""Tests of ganaug.tuning with tiny trials (1-3 epochs, 8-16 unit networks)."""

import math

import keras
import keras_tuner
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from ganaug import GANAugmenter, load_recipe, tune
from ganaug.cli import ganaug
from ganaug.tuning import GANHyperModel, GANTuner, params_from_hp

TINY = {
    "generator_units": (8, 16),
    "generator_depth": (1, 2),
    "discriminator_units": (8,),
    "latent_dim": (4,),
}


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    n_major, n_minor = 90, 20
    X = pd.DataFrame(
        {
            "a": np.r_[rng.normal(0, 1, n_major), rng.normal(2, 1, n_minor)],
            "b": np.r_[rng.normal(0, 1, n_major), rng.normal(-1, 1, n_minor)],
            "c": rng.choice(["x", "y"], n_major + n_minor),
        }
    )
    y = np.array(["major"] * n_major + ["minor"] * n_minor)
    return X, y


def _tuner(tmp_path, **kwargs):
    params = dict(
        tuner="random", max_trials=2, epochs=1, space=TINY, random_state=0,
        directory=tmp_path, project_name="p",
    )
    params.update(kwargs)
    return GANTuner(**params)


def test_random_search_stores_trials_and_best_params(tmp_path, data):
    search = _tuner(tmp_path).search(*data)
    assert (tmp_path / "p").is_dir()
    assert len(search.trials_) == 2
    assert set(search.trials_["status"]) == {"COMPLETED"}
    assert 0.0 <= search.best_score_ <= 1.0
    assert search.best_score_ == search.trials_["score"].max()
    assert search.best_params_["epochs"] == 1
    assert set(search.best_params_["generator_units"]) <= {8, 16}
    assert search.tuner_.oracle.objective.direction == "max"
    GANAugmenter(**search.best_params_)  # valid estimator parameters
    # trials keep no weights: load_model trains the best trial's estimator again, the same
    best = search.tuner_.get_best_models(1)[0]
    assert isinstance(best, GANAugmenter) and best.epochs == 1
    hm = search.tuner_.hypermodel
    assert hm.score(*hm.sample(best)) == search.best_score_


@pytest.mark.parametrize("tuner", ["random", "bayesian", "hyperband"])
def test_first_trial_is_the_defaults_where_the_space_allows(tmp_path, data, tuner):
    search = _tuner(tmp_path, tuner=tuner, max_trials=2, epochs=2).search(*data)
    first = search.trials_.sort_values("trial").iloc[0]
    # GANAugmenter's defaults for tables: two 128-unit blocks (not in TINY: its first
    # width, 8), latent 64 (not in TINY: 4), learning rates 1e-3, minimax
    assert first["generator_units"] == (8, 8)
    assert first["discriminator_units"] == (8, 8)
    assert first["latent_dim"] == 4
    assert first["generator_lr"] == first["discriminator_lr"] == 1e-3
    assert first["loss"] == "minimax"
    second = search.trials_.sort_values("trial").iloc[1]
    assert second["generator_lr"] != 1e-3  # later trials explore


def test_default_values_follow_the_full_space():
    from ganaug.tuning.space import DEFAULT_SPACE, declare_space, default_values

    hp = keras_tuner.HyperParameters()
    declare_space(hp, DEFAULT_SPACE)
    params = params_from_hp(default_values(hp))
    from ganaug.augmenter import TABLE_DEFAULTS

    expected = {**GANAugmenter().get_params(), **TABLE_DEFAULTS}
    for name in ("latent_dim", "generator_units", "discriminator_units", "generator_lr",
                 "discriminator_lr", "loss"):
        assert params[name] == expected[name], name


def test_resume_does_not_redo_trials(tmp_path, data):
    first = _tuner(tmp_path).search(*data)
    resumed = _tuner(tmp_path, max_trials=3)
    calls = []
    original = GANHyperModel.fit

    def counting_fit(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    GANHyperModel.fit = counting_fit
    try:
        resumed.search(*data)
    finally:
        GANHyperModel.fit = original
    assert len(calls) == 1  # only the third trial ran
    assert len(resumed.trials_) == 3
    pd.testing.assert_series_equal(
        first.trials_.set_index("trial")["score"],
        resumed.trials_.set_index("trial")["score"].loc[first.trials_["trial"]],
    )


class _PoisonWeights(keras.callbacks.Callback):
    """Sets every trainable weight of the GAN to NaN before training: the losses diverge."""

    def on_train_begin(self, logs=None):
        for weight in self.model.trainable_weights:
            weight.assign(np.full(weight.shape, np.nan, dtype="float32"))


class _Diverging(GANHyperModel):
    """Forces NaN losses in the first trial, through GANAugmenter.fit's public callbacks."""

    def fit(self, hp, model, *args, callbacks=None, **kwargs):
        if not getattr(type(self), "diverged", False):
            type(self).diverged = True
            callbacks = [*(callbacks or []), _PoisonWeights()]
        return super().fit(hp, model, *args, callbacks=callbacks, **kwargs)


def test_diverging_trial_is_marked_failed_not_fatal(tmp_path, data, monkeypatch):
    import ganaug.tuning.search

    monkeypatch.setattr(ganaug.tuning.search, "GANHyperModel", _Diverging)
    search = _tuner(tmp_path, max_trials=3).search(*data)
    status = search.trials_.set_index("trial")["status"]
    assert list(status.sort_index()) == ["FAILED", "COMPLETED", "COMPLETED"]
    failed = search.tuner_.oracle.trials[status.sort_index().index[0]]
    assert "Training diverged" in failed.message
    assert math.isfinite(search.best_score_)


def test_hyperband_honours_epochs_and_retrains_promoted_trials(tmp_path, data):
    seen = []
    original = GANHyperModel.fit

    def recording_fit(self, hp, model, *args, epochs=None, initial_epoch=0, **kwargs):
        score = original(self, hp, model, *args, epochs=epochs, initial_epoch=initial_epoch, **kwargs)
        seen.append((dict(hp.values), epochs, initial_epoch, len(model.history_["d_loss"]), score))
        return score

    GANHyperModel.fit = recording_fit
    try:
        search = _tuner(tmp_path, tuner="hyperband", epochs=3, max_trials=4).search(*data)
    finally:
        GANHyperModel.fit = original
    assert all(values["tuner/epochs"] == epochs for values, epochs, _, _, _ in seen)
    assert {epochs for _, epochs, _, _, _ in seen} == {1, 3}
    # every trial trains all its epochs: a GANAugmenter's fit starts from scratch
    assert all(trained == epochs for _, epochs, _, trained, _ in seen)
    promoted = [(values, score) for values, _, start, _, score in seen if start > 0]
    assert len(promoted) == 1 and promoted[0][0]["tuner/initial_epoch"] == 1
    # ... and scores what a fresh 3-epoch trial with the same values scores
    values, score = promoted[0]
    hm = search.tuner_.hypermodel
    hp = keras_tuner.HyperParameters()
    for name, value in values.items():
        hp.Fixed(name, value)
    assert hm.fit(hp, hm.build(hp), epochs=3) == score
    assert search.best_params_["epochs"] in (1, 3)


def test_same_random_state_same_trials(tmp_path, data):
    first = _tuner(tmp_path / "a").search(*data).trials_
    second = _tuner(tmp_path / "b").search(*data).trials_
    pd.testing.assert_frame_equal(first, second)
    third = _tuner(tmp_path / "c", random_state=1).search(*data).trials_
    assert not first.drop(columns="score").equals(third.drop(columns="score"))


def test_run_eagerly_trains_without_tf_function(data):
    import tensorflow as tf

    X, y = data
    eager_steps = {}

    class Record(keras.callbacks.Callback):
        """Wraps train_step (before Keras makes the train function) to see how it runs."""

        def set_model(self, model):
            super().set_model(model)
            step = model.train_step

            def recording_step(batch):
                eager_steps.setdefault(eager, []).append(tf.executing_eagerly())
                return step(batch)

            model.train_step = recording_step

    for eager in (False, True):
        hm = GANHyperModel(X, y, X, y, epochs=1, space=TINY, run_eagerly=eager)
        hm.train(hm.build(keras_tuner.HyperParameters()), callbacks=[Record()])
    assert not any(eager_steps[False])  # traced into a tf.function
    assert len(eager_steps[True]) == 50 and all(eager_steps[True])  # every step in Python (50 per table epoch)


def test_tuning_depends_on_augmenter_one_way_and_on_public_keras_tuner_api():
    import importlib
    import inspect
    import pkgutil
    import re

    import ganaug.augmenter
    import ganaug.tuning

    modules = [ganaug.tuning, *(importlib.import_module(f"ganaug.tuning.{m.name}")
                                for m in pkgutil.iter_modules(ganaug.tuning.__path__))]
    source = "\n".join(inspect.getsource(m) for m in modules)
    assert "keras_tuner.src" not in source
    assert re.findall(r"\b(?:oracle|tuner|trial|hps?|hyperparameters)\._\w+", source) == []
    assert "ganaug.tuning" not in inspect.getsource(ganaug.augmenter)
    assert not hasattr(GANAugmenter, "tune")


@pytest.fixture
def runner_with_csv(data, tmp_path, monkeypatch):
    """A CLI runner in a folder holding ``d.csv``: the data with its ``label`` column."""
    X, y = data
    monkeypatch.chdir(tmp_path)
    X.assign(label=y).to_csv("d.csv", index=False)
    return CliRunner()


def test_cli_tune_writes_a_recipe_augment_reads(runner_with_csv):
    runner = runner_with_csv
    result = runner.invoke(
        ganaug,
        ["tune", "d.csv", "--target", "label", "--max-trials", "2", "--tuner", "random",
         "--epochs", "1", "--seed", "0", "--directory", "trials", "-o", "best.toml", "-q"],
    )
    assert result.exit_code == 0, result.output
    params = load_recipe("best.toml")
    assert params["epochs"] == 1
    assert params["loss"] in ("minimax", "wgan-gp")
    assert isinstance(params["generator_units"], tuple)
    result = runner.invoke(
        ganaug,
        ["augment", "d.csv", "--target", "label", "--recipe", "best.toml", "--epochs", "1",
         "-q", "-o", "out.csv"],
    )
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv("out.csv")) == 180


def test_cli_tune_prints_trial_table(runner_with_csv):
    runner = runner_with_csv
    result = runner.invoke(
        ganaug,
        ["tune", "d.csv", "-t", "label", "--max-trials", "2", "--tuner", "bayesian",
         "--epochs", "1", "-o", "best.toml"],
    )
    assert result.exit_code == 0, result.output
    assert "status" in result.output and "COMPLETED" in result.output
    assert "Real rows only (macro_f1)" in result.output
    again = runner.invoke(
        ganaug, ["tune", "d.csv", "-t", "label", "--max-trials", "1", "-o", "best.toml"]
    )
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_tune_returns_a_tuned_unfitted_copy(tmp_path, data):
    aug = GANAugmenter(epochs=1, random_state=0, batch_size=64)
    best = tune(aug, *data, max_trials=2, tuner="random", directory=tmp_path, space=TINY)
    assert best is not aug and not hasattr(best, "generator_")
    assert set(best.generator_units) <= {8, 16}
    assert best.latent_dim == 4
    assert best.epochs == 1 and best.batch_size == 64 and best.random_state == 0
    assert aug.get_params() == GANAugmenter(epochs=1, random_state=0, batch_size=64).get_params()
    with pytest.raises(TypeError, match=r"estimator must be a GANAugmenter\. Got 'x' instead\."):
        tune("x", *data)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"tuner": "grid"}, r"tuner must be one of .* Got 'grid' instead\."),
        ({"objective": "loss"}, r"objective must be one of .* Got 'loss' instead\."),
        ({"max_trials": 0}, r"max_trials must be a positive integer\. Got 0 instead\."),
        ({"validation_size": 1.5}, r"validation_size must be a float in \(0, 1\)\. Got 1\.5 instead\."),
        ({"space": {"width": (8,)}}, r"space has an unknown key.* Got 'width' instead\."),
        ({"space": {"generator_lr": (1e-2, 1e-4)}}, r"space\['generator_lr'\] must be"),
    ],
)
def test_bad_parameters_are_named(tmp_path, data, kwargs, match):
    with pytest.raises(ValueError, match=match):
        _tuner(tmp_path, **kwargs).search(*data)


def test_fidelity_objective_and_params_from_hp(data):
    X, y = data
    train = np.arange(len(y)) % 3 != 0
    hm = GANHyperModel(X[train], y[train], X[~train], y[~train], objective="fidelity",
                       epochs=1, space=TINY)
    hp = keras_tuner.HyperParameters()
    score = hm.fit(hp, hm.build(hp))["fidelity"]
    assert 0.0 <= score <= 1.0
    params = params_from_hp(hp, epochs=1)
    assert params["latent_dim"] == 4 and params["epochs"] == 1


def test_validation_class_unseen_in_training_is_refused(data):
    X, y = data
    with pytest.raises(ValueError, match=r"not in the training rows.* Got 'minor' instead\."):
        GANHyperModel(X[:80], y[:80], X[80:], y[80:], epochs=1, space=TINY)
