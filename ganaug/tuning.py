"""Search GANAugmenter's network and optimiser parameters with keras-tuner.

The search space covers the generator's capacity (depth, width of each block,
latent size), the discriminator's width, both learning rates and the loss. A trial
builds an unfitted :class:`~ganaug.GANAugmenter` from its hyperparameters, trains it
on a training split of the real rows with its public ``fit``, draws rows with its
public ``sample``, and is scored on held-out real rows by what the synthetic rows
are *for*, never by a GAN loss, with the scores of :mod:`ganaug.metrics`:

``"macro_f1"`` / ``"balanced_accuracy"`` (utility)
    A fixed scikit-learn classifier is fitted on the real training rows plus the
    synthetic rows that ``sampling_strategy`` asks for, and scored on the validation
    split (:func:`ganaug.metrics.utility_scores`). Higher is better.
``"fidelity"``
    A classifier tries to tell validation rows from synthetic rows of the same
    classes (:func:`ganaug.metrics.detection_auc`);
    ``fidelity = 1 - (2 * max(AUC, 0.5) - 1)``, 1 when it cannot. Higher is better.

Every objective is declared to keras-tuner with ``direction="max"``. A trial whose
losses become NaN or infinite raises :class:`keras_tuner.errors.FailedTrialError`:
keras-tuner marks it failed and goes on. The Keras session is cleared after every
trial so that memory stays flat over a long search.

Entry points: :func:`tune` (an estimator in, the best estimator out) and
:class:`GANTuner` (the whole search). This module depends on :mod:`ganaug.augmenter`
and :mod:`ganaug.metrics`, never the reverse, and on keras-tuner's public API only.
Like :mod:`ganaug.networks`, it imports Keras and keras-tuner; ``import ganaug``
does not import it.
"""

from __future__ import annotations

import gc
import tempfile
from numbers import Integral, Real

import keras
import keras_tuner
import numpy as np
import pandas as pd
from imblearn.utils import check_sampling_strategy
from keras_tuner.engine.base_tuner import BaseTuner

from ganaug.augmenter import TABLE_DEFAULTS, GANAugmenter, TrainingDivergedError
from ganaug.metrics import detection_auc, utility_scores
from ganaug.tabular import TabularEncoder

__all__ = [
    "DEFAULT_SPACE",
    "FIXED_PARAMS",
    "OBJECTIVES",
    "TUNERS",
    "GANHyperModel",
    "GANSearch",
    "GANTuner",
    "default_values",
    "hp_values",
    "params_from_hp",
    "trials_table",
    "tune",
]

OBJECTIVES = ("macro_f1", "balanced_accuracy", "fidelity")
TUNERS = ("random", "bayesian", "hyperband")

#: The default search space. Tuples of two floats are log-uniform ranges; other
#: tuples are the choices; ``generator_depth`` is an inclusive integer range.
DEFAULT_SPACE = {
    "generator_depth": (1, 3),
    "generator_units": (32, 64, 128, 256),
    "latent_dim": (16, 32, 64, 128),
    "discriminator_units": (32, 64, 128, 256),
    "discriminator_depth": (2,),
    "generator_lr": (1e-4, 3e-3),
    "discriminator_lr": (1e-4, 3e-3),
    "loss": ("minimax", "wgan-gp"),
}
_FLOAT_RANGES = {"generator_lr", "discriminator_lr"}


# --------------------------------------------------------------------------- space
def _check_space(space):
    merged = dict(DEFAULT_SPACE)
    for key, value in dict(space or {}).items():
        if key not in DEFAULT_SPACE:
            raise ValueError(
                f"space has an unknown key; expected some of {sorted(DEFAULT_SPACE)}. "
                f"Got {key!r} instead."
            )
        values = tuple(value) if isinstance(value, (list, tuple)) else (value,)
        if not values:
            raise ValueError(f"space[{key!r}] must not be empty. Got {value!r} instead.")
        if key in _FLOAT_RANGES:
            if len(values) == 1:
                values = values * 2
            if len(values) != 2 or not all(
                isinstance(v, Real) and v > 0 for v in values
            ) or values[0] > values[1]:
                raise ValueError(
                    f"space[{key!r}] must be a learning rate or a (low, high) range of "
                    f"positive floats. Got {value!r} instead."
                )
        elif key == "loss":
            bad = [v for v in values if v not in ("minimax", "wgan-gp")]
            if bad:
                raise ValueError(
                    f"space['loss'] must hold 'minimax' and/or 'wgan-gp'. Got {value!r} instead."
                )
        elif not all(isinstance(v, Integral) and not isinstance(v, bool) and v > 0 for v in values):
            raise ValueError(
                f"space[{key!r}] must hold positive integers. Got {value!r} instead."
            )
        merged[key] = values
    return merged


def _declare(hp, space):
    """Declare the search space on ``hp`` and return GANAugmenter parameters."""

    def choice(name, values):
        if len(values) == 1:
            return hp.Fixed(name, values[0])
        return hp.Choice(name, list(values))

    def log_float(name, bounds):
        low, high = bounds
        if low == high:
            return hp.Fixed(name, float(low))
        return hp.Float(name, float(low), float(high), sampling="log")

    low, high = min(space["generator_depth"]), max(space["generator_depth"])
    depth = hp.Fixed("generator_depth", low) if low == high else hp.Int("generator_depth", low, high)
    # Every block's width is declared at once, active only when the depth reaches it,
    # so that the oracle knows the whole space from the first trial.
    generator_units = []
    for i in range(high):
        if i < low:
            generator_units.append(int(choice(f"generator_units_{i}", space["generator_units"])))
            continue
        with hp.conditional_scope("generator_depth", list(range(i + 1, high + 1))):
            width = choice(f"generator_units_{i}", space["generator_units"])
        if i < depth:
            generator_units.append(int(width))
    generator_units = tuple(generator_units)
    d_depth = int(choice("discriminator_depth", space["discriminator_depth"]))
    d_width = int(choice("discriminator_units", space["discriminator_units"]))
    return {
        "latent_dim": int(choice("latent_dim", space["latent_dim"])),
        "generator_units": generator_units,
        "discriminator_units": (d_width,) * d_depth,
        "generator_lr": float(log_float("generator_lr", space["generator_lr"])),
        "discriminator_lr": float(log_float("discriminator_lr", space["discriminator_lr"])),
        "loss": str(choice("loss", space["loss"])),
    }


def params_from_hp(hp, epochs=None):
    """GANAugmenter parameters from a trial's hyperparameters (values or object).

    Parameters
    ----------
    hp : keras_tuner.HyperParameters or dict
        The hyperparameters of one trial, as declared by :class:`GANHyperModel`.
    epochs : int, optional
        Epochs to record; a Hyperband trial's own ``tuner/epochs`` wins.

    Returns
    -------
    params : dict
        ``latent_dim``, ``generator_units``, ``discriminator_units``,
        ``generator_lr``, ``discriminator_lr``, ``loss`` and, when known, ``epochs``.

    Examples
    --------
    >>> from ganaug.tuning import params_from_hp
    >>> params_from_hp({"generator_depth": 1, "generator_units_0": 64, "latent_dim": 16,
    ...                 "discriminator_depth": 2, "discriminator_units": 32,
    ...                 "generator_lr": 1e-3, "discriminator_lr": 1e-3, "loss": "minimax"})["generator_units"]
    (64,)
    """
    values = dict(hp if isinstance(hp, dict) else hp.values)
    depth = int(values["generator_depth"])
    params = {
        "latent_dim": int(values["latent_dim"]),
        "generator_units": tuple(int(values[f"generator_units_{i}"]) for i in range(depth)),
        "discriminator_units": (int(values["discriminator_units"]),)
        * int(values["discriminator_depth"]),
        "generator_lr": float(values["generator_lr"]),
        "discriminator_lr": float(values["discriminator_lr"]),
        "loss": str(values["loss"]),
    }
    epochs = values.get("tuner/epochs", epochs)
    if epochs is not None:
        params["epochs"] = int(epochs)
    return params


def hp_values(params):
    """Trial values for GANAugmenter parameters: the inverse of :func:`params_from_hp`.

    Examples
    --------
    >>> from ganaug.tuning import hp_values, params_from_hp
    >>> params = {"latent_dim": 16, "generator_units": (64, 32), "discriminator_units": (8, 8),
    ...           "generator_lr": 1e-3, "discriminator_lr": 2e-4, "loss": "wgan-gp"}
    >>> params_from_hp(hp_values(params)) == params
    True
    """
    return {
        "generator_depth": len(params["generator_units"]),
        **{f"generator_units_{i}": int(w) for i, w in enumerate(params["generator_units"])},
        "latent_dim": int(params["latent_dim"]),
        "discriminator_depth": len(params["discriminator_units"]),
        "discriminator_units": int(params["discriminator_units"][0]),
        "generator_lr": float(params["generator_lr"]),
        "discriminator_lr": float(params["discriminator_lr"]),
        "loss": str(params["loss"]),
    }


def default_values(hyperparameters):
    """The trial values of GANAugmenter's default parameters, as far as the space allows.

    Where a default lies outside the space (say ``space={"generator_units": (16,)}``),
    that hyperparameter takes its first allowed value instead.

    Parameters
    ----------
    hyperparameters : keras_tuner.HyperParameters
        The declared search space (an oracle's ``hyperparameters``).

    Returns
    -------
    values : dict
        Name to value, for the hyperparameters active with these values.
    """
    wanted = hp_values({**GANAugmenter().get_params(), **TABLE_DEFAULTS})
    hps = keras_tuner.HyperParameters()
    for hp in hyperparameters.space:
        hps.merge([hp])
        if hps.is_active(hp):
            value = wanted.get(hp.name, hp.default)
            hps.values[hp.name] = value if _allowed(hp, value) else hp.default
    return dict(hps.values)


def _allowed(hp, value):
    if hasattr(hp, "min_value"):  # Int, Float
        return hp.min_value <= value <= hp.max_value
    if hasattr(hp, "value"):  # Fixed
        return value == hp.value
    return value in hp.values  # Choice


def _tried(trials, values):
    """Whether any trial (running, done or failed) had these values."""
    return any(
        all(trial.hyperparameters.values.get(name) == value for name, value in values.items())
        for trial in trials.values()
    )


class _DefaultsFirst:
    """Oracle mixin: the first trial of a search is GANAugmenter's defaults.

    Unless a (resumed) search has already tried them, ``populate_space`` returns
    :func:`default_values` before asking the algorithm, so a search always weighs
    its candidates against the defaults and never recommends parameters that scored
    below them on the validation rows. For Bayesian optimisation the defaults count
    as one of the initial random points.
    """

    def populate_space(self, trial_id):
        values = default_values(self.hyperparameters)
        if _tried(self.trials, values):
            return super().populate_space(trial_id)
        return {"status": "RUNNING", "values": values}


class _RandomSearchOracle(_DefaultsFirst, keras_tuner.oracles.RandomSearchOracle):
    pass


class _BayesianOptimizationOracle(_DefaultsFirst, keras_tuner.oracles.BayesianOptimizationOracle):
    pass


class _HyperbandOracle(keras_tuner.oracles.HyperbandOracle):
    """Hyperband whose first new candidate is GANAugmenter's defaults.

    Hyperband's bookkeeping of brackets lives in its ``populate_space``, so the
    defaults replace the values of the first new candidate (round 0) that it
    returns, keeping its ``tuner/*`` entries.
    """

    def populate_space(self, trial_id):
        result = super().populate_space(trial_id)
        values = result.get("values")
        if result["status"] != "RUNNING" or not values or values.get("tuner/round") != 0:
            return result
        defaults = default_values(self.hyperparameters)
        if _tried(self.trials, defaults):
            return result
        bookkeeping = {k: v for k, v in values.items() if k.startswith("tuner/")}
        return {**result, "values": {**defaults, **bookkeeping}}


# --------------------------------------------------------------------- hypermodel
_UTILITY_METRIC = {"macro_f1": "f1_macro", "balanced_accuracy": "balanced_accuracy"}
_SCORER_SEED = 0  # the objective's forest and folds: the same in every trial


class _RunEagerly(keras.callbacks.Callback):
    """Train without tracing: Keras attaches callbacks (``set_model``) before it
    makes the train function, which reads the model's public ``run_eagerly``."""

    def set_model(self, model):
        super().set_model(model)
        model.run_eagerly = True


class GANHyperModel(keras_tuner.HyperModel):
    """GANAugmenter as a :class:`keras_tuner.HyperModel`.

    ``build(hp)`` declares the search space and returns an unfitted
    :class:`~ganaug.GANAugmenter` with the trial's parameters; ``fit(hp, model,
    epochs=...)`` trains it on the training split with its public ``fit``, draws
    synthetic rows with its public ``sample`` and returns ``{objective: score}``
    measured on the validation split with :mod:`ganaug.metrics`. A trial whose
    training diverges, or whose generator emits NaN, raises
    :class:`keras_tuner.errors.FailedTrialError`.

    Parameters
    ----------
    X_train, y_train : DataFrame and array-like
        Real rows the GAN learns from (and the classifier, for utility objectives).
    X_val, y_val : DataFrame and array-like
        Held-out real rows the objective is measured on.
    objective : {'macro_f1', 'balanced_accuracy', 'fidelity'}, default='macro_f1'
    epochs : int, default=100
        Epochs per trial when the tuner passes none (Hyperband passes its own).
    batch_size : int, default=64
    steps_per_epoch : int or 'auto', default='auto'
        As in :class:`~ganaug.GANAugmenter`.
    sampling_strategy : as in GANAugmenter, default='auto'
        Synthetic rows added to the training split for the utility objectives.
    categorical_features : 'auto' or list, default='auto'
    space : dict, optional
        Overrides of :data:`DEFAULT_SPACE`, e.g. ``{"generator_units": (16, 32)}``.
    estimator : scikit-learn classifier, optional
        The fixed classifier of the objective (default: the 100-tree random forest
        of :mod:`ganaug.metrics`), after imputation, scaling and one-hot encoding.
    seed : int, default=0
        The ``random_state`` of every trial's GANAugmenter (initialisation, batches,
        noise and decoding), so that trials differ only by their hyperparameters.
    run_eagerly : bool, default=False
        Train without tracing ``train_step`` into a ``tf.function``: slower per step
        for wide networks, faster for tiny trials that spend most of their time
        tracing. Memory stays flat either way (see ``benchmarks/tuning_memory.py``).

    Notes
    -----
    A GANAugmenter trains from scratch in ``fit``, so ``initial_epoch`` is accepted
    and ignored: a trial that Hyperband promotes from ``e1`` to ``e2`` epochs trains
    ``e2`` epochs again from the start (with the same seed, the model it would have
    reached by going on). Its score is that of ``GANAugmenter(epochs=e2)``, the
    estimator the search recommends.

    Examples
    --------
    >>> import keras_tuner, pandas as pd
    >>> from sklearn.datasets import make_classification
    >>> from ganaug.tuning import GANHyperModel
    >>> X, y = make_classification(n_samples=120, weights=[0.8], random_state=0)
    >>> X = pd.DataFrame(X).add_prefix("x")
    >>> hm = GANHyperModel(X[:80], y[:80], X[80:], y[80:], epochs=1,
    ...                    space={"generator_units": (8,), "discriminator_units": (8,)})
    >>> hp = keras_tuner.HyperParameters()
    >>> score = hm.fit(hp, hm.build(hp))
    >>> 0.0 <= score["macro_f1"] <= 1.0
    True
    """

    def __init__(
        self,
        X_train,
        y_train,
        X_val,
        y_val,
        *,
        objective="macro_f1",
        epochs=100,
        batch_size=64,
        steps_per_epoch="auto",
        sampling_strategy="auto",
        categorical_features="auto",
        space=None,
        estimator=None,
        seed=0,
        run_eagerly=False,
    ):
        super().__init__(name="ganaug_gan", tunable=True)
        self.run_eagerly = bool(run_eagerly)
        if objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {OBJECTIVES}. Got {objective!r} instead.")
        self.objective = objective
        self.epochs = int(epochs)
        self.batch_size = int(batch_size)
        self.steps_per_epoch = steps_per_epoch
        self.sampling_strategy = sampling_strategy
        self.categorical_features = categorical_features
        self.space = _check_space(space)
        self.estimator = estimator
        self.seed = int(seed)
        self.X_train = X_train.reset_index(drop=True)
        self.X_val = X_val.reset_index(drop=True)
        self.classes_, y_idx = np.unique(np.asarray(y_train), return_inverse=True)
        self.y_train = self.classes_[y_idx]
        self.y_val = np.asarray(y_val)
        unseen = sorted(set(self.y_val.tolist()) - set(self.classes_.tolist()), key=str)
        if unseen:
            raise ValueError(
                "The validation rows hold a class that is not in the training rows: expected "
                f"some of {self.classes_.tolist()}. Got {unseen[0]!r} instead."
            )
        # The columns GANAugmenter models as categories are those the scores one-hot encode.
        encoder = TabularEncoder(categorical_features).fit(self.X_train)
        self.categorical = [col.name for col in encoder.columns_ if col.kind == "categorical"]
        if objective == "fidelity":
            if len(self.X_val) < 3:
                raise ValueError(
                    "objective='fidelity' needs at least 3 validation rows (3 folds). "
                    f"Got {len(self.X_val)} instead."
                )
            wanted = dict(zip(*np.unique(self.y_val, return_counts=True)))
        else:
            wanted = check_sampling_strategy(sampling_strategy, self.y_train, "over-sampling")
            if sum(wanted.values()) == 0:
                raise ValueError(
                    "sampling_strategy asks for no synthetic rows on the training split, "
                    "so a utility objective cannot tell trials apart; use "
                    "objective='fidelity' or another sampling_strategy. "
                    f"Got {sampling_strategy!r} instead."
                )
        #: Synthetic rows each trial draws: ``{class: count}``.
        self.wanted = {label: int(n) for label, n in wanted.items()}

    # -------------------------------------------------------------- build
    def build(self, hp):
        """Declare the search space on ``hp``; return an unfitted GANAugmenter."""
        return GANAugmenter(
            **_declare(hp, self.space),
            epochs=self.epochs,
            batch_size=self.batch_size,
            steps_per_epoch=self.steps_per_epoch,
            sampling_strategy=self.sampling_strategy,
            categorical_features=self.categorical_features,
            filter_copies=False,  # the objective scores rows as the generator makes them
            random_state=self.seed,
        )

    # ---------------------------------------------------------------- fit
    def train(self, model, epochs=None, callbacks=None):
        """Fit the GANAugmenter ``model`` on the training split for ``epochs``; return it."""
        if epochs is not None:
            model.set_params(epochs=int(epochs))
        callbacks = [*([_RunEagerly()] if self.run_eagerly else []), *(callbacks or [])]
        try:
            return model.fit(self.X_train, self.y_train, callbacks=callbacks)
        except TrainingDivergedError as exc:
            raise keras_tuner.errors.FailedTrialError(f"{exc} This trial is failed.") from exc

    def fit(self, hp, model, *args, epochs=None, initial_epoch=0, callbacks=None,
            verbose=0, **kwargs):
        """Train ``model`` for ``epochs`` (from scratch, see Notes); return the objective."""
        self.train(model, epochs, callbacks)
        return {self.objective: self.score(*self.sample(model))}

    def sample(self, model):
        """Synthetic ``(X, y)`` from a fitted ``model``: ``self.wanted`` rows per class."""
        try:
            X_new, y_new = model.sample(y=self.wanted)
        except TrainingDivergedError as exc:
            raise keras_tuner.errors.FailedTrialError(
                "The generator produced NaN or infinite rows; this trial is failed."
            ) from exc
        return X_new, np.asarray(y_new)

    def score(self, X_new, y_new):
        """The objective for synthetic rows ``(X_new, y_new)`` (higher is better)."""
        if self.objective == "fidelity":
            auc = detection_auc(
                self.X_val, X_new, categorical_features=self.categorical,
                estimator=self.estimator, random_state=_SCORER_SEED,
            )
            return float(1.0 - (2.0 * max(auc, 0.5) - 1.0))
        return self._utility(X_new, y_new, "real+synthetic")

    def baseline(self):
        """The utility objective of the real training rows alone (no synthetic rows)."""
        if self.objective == "fidelity":
            return float("nan")
        return self._utility(self.X_train.iloc[:0], self.y_train[:0], "real")

    def _utility(self, X_new, y_new, training):
        scores = utility_scores(
            self.X_train, self.y_train, X_new, y_new, self.X_val, self.y_val,
            categorical_features=self.categorical,
            models=("forest" if self.estimator is None else self.estimator,),
            training=(training,), random_state=_SCORER_SEED,
        )
        return float(scores[_UTILITY_METRIC[self.objective]].iloc[0])


def _int_seed(random_state):
    if random_state is None:
        return 0
    if isinstance(random_state, Integral) and not isinstance(random_state, bool):
        return int(random_state)
    from sklearn.utils import check_random_state

    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


# -------------------------------------------------------------------------- tuners
class GANSearch(BaseTuner):
    """The keras-tuner search loop for :class:`GANHyperModel` (a ``BaseTuner``).

    ``run_trial`` builds the trial's GANAugmenter and calls the hypermodel's
    ``fit``, with Hyperband's ``tuner/epochs``; trials keep no weights (see
    :class:`GANHyperModel`), so :meth:`load_model` trains the trial's estimator
    again. ``on_trial_end`` clears the Keras session and collects garbage, so that
    no trial's graphs or optimizer state pile up over a long search.
    """

    def run_trial(self, trial, *args, **kwargs):
        hp = trial.hyperparameters
        if "tuner/epochs" in hp.values:
            kwargs["epochs"] = hp.values["tuner/epochs"]
            kwargs["initial_epoch"] = hp.values["tuner/initial_epoch"]
        return self.hypermodel.fit(hp, self.hypermodel.build(hp), *args, **kwargs)

    def on_trial_end(self, trial):
        super().on_trial_end(trial)
        keras.backend.clear_session(free_memory=True)
        gc.collect()

    def load_model(self, trial):
        """The trial's GANAugmenter, trained again on the training split (same seed)."""
        hp = trial.hyperparameters
        return self.hypermodel.train(self.hypermodel.build(hp), hp.values.get("tuner/epochs"))


_ORACLES = {"random": _RandomSearchOracle, "bayesian": _BayesianOptimizationOracle}


class GANTuner:
    """Search GANAugmenter's network and optimiser parameters with keras-tuner.

    A stratified ``validation_size`` share of the real rows is held out; each trial
    trains a GANAugmenter on the rest and is scored on the held-out rows (see
    :mod:`ganaug.tuning`). Trials are stored in ``directory/project_name``; running
    the same search again with ``overwrite=False`` resumes it without redoing
    finished trials. Set keras-tuner's ``KERASTUNER_*`` environment variables to
    run it with a chief and several workers.

    Parameters
    ----------
    tuner : {'random', 'bayesian', 'hyperband'}, default='bayesian'
    max_trials : int, default=20
        Number of trials (for Hyperband, a cap on the trials of its brackets).
    epochs : int, default=100
        Epochs per trial; Hyperband's ``max_epochs``.
    objective : {'macro_f1', 'balanced_accuracy', 'fidelity'}, default='macro_f1'
        Maximised.
    validation_size : float, default=0.3
        Share of the rows held out for the objective.
    directory : str or path, optional
        Where trials are stored. None makes a temporary folder (no resuming).
    project_name : str, default='ganaug'
    overwrite : bool, default=False
        Start afresh instead of resuming a search stored in the same place.
    space : dict, optional
        Overrides of :data:`DEFAULT_SPACE`.
    estimator : scikit-learn classifier, optional
        The classifier of the objective.
    batch_size, steps_per_epoch, sampling_strategy, categorical_features :
        Fixed GANAugmenter parameters, as in :class:`~ganaug.GANAugmenter`.
    hyperband_factor : int, default=3
    max_consecutive_failed_trials : int, default=3
        keras-tuner stops the search after this many failed trials in a row.
    random_state : int, RandomState instance or None, default=None
        Seeds the split, the networks and the tuner. None means 0, so that a resumed
        search holds out the same rows.
    run_eagerly : bool, default=False
        Flat memory over many trials at the cost of slower steps (see
        :class:`GANHyperModel`).
    verbose : int, default=0

    Attributes
    ----------
    best_params_ : dict
        GANAugmenter parameters of the best trial, ``epochs`` included.
    best_score_ : float
    baseline_score_ : float
        The utility objective with real training rows only (NaN for fidelity).
    trials_ : DataFrame
        One row per trial: id, status, score and parameters.
    tuner_ : GANSearch
        The keras-tuner search (a ``keras_tuner.engine.base_tuner.BaseTuner``).

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.datasets import make_classification
    >>> from ganaug.tuning import GANTuner
    >>> X, y = make_classification(n_samples=150, weights=[0.8], random_state=0)
    >>> search = GANTuner(tuner="random", max_trials=2, epochs=1, random_state=0,
    ...                   space={"generator_units": (8, 16), "discriminator_units": (8,)})
    >>> search = search.search(pd.DataFrame(X).add_prefix("x"), y)
    >>> sorted(search.best_params_)[:3]
    ['discriminator_lr', 'discriminator_units', 'epochs']
    """

    def __init__(
        self,
        *,
        tuner="bayesian",
        max_trials=20,
        epochs=100,
        objective="macro_f1",
        validation_size=0.3,
        directory=None,
        project_name="ganaug",
        overwrite=False,
        space=None,
        estimator=None,
        batch_size=64,
        steps_per_epoch="auto",
        sampling_strategy="auto",
        categorical_features="auto",
        hyperband_factor=3,
        max_consecutive_failed_trials=3,
        random_state=None,
        run_eagerly=False,
        verbose=0,
    ):
        self.tuner = tuner
        self.max_trials = max_trials
        self.epochs = epochs
        self.objective = objective
        self.validation_size = validation_size
        self.directory = directory
        self.project_name = project_name
        self.overwrite = overwrite
        self.space = space
        self.estimator = estimator
        self.batch_size = batch_size
        self.steps_per_epoch = steps_per_epoch
        self.sampling_strategy = sampling_strategy
        self.categorical_features = categorical_features
        self.hyperband_factor = hyperband_factor
        self.max_consecutive_failed_trials = max_consecutive_failed_trials
        self.random_state = random_state
        self.run_eagerly = run_eagerly
        self.verbose = verbose

    def _check_params(self):
        if self.tuner not in TUNERS:
            raise ValueError(f"tuner must be one of {TUNERS}. Got {self.tuner!r} instead.")
        if self.objective not in OBJECTIVES:
            raise ValueError(
                f"objective must be one of {OBJECTIVES}. Got {self.objective!r} instead."
            )
        for name in ("max_trials", "epochs"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
                raise ValueError(f"{name} must be a positive integer. Got {value!r} instead.")
        if not isinstance(self.validation_size, Real) or not 0 < self.validation_size < 1:
            raise ValueError(
                f"validation_size must be a float in (0, 1). Got {self.validation_size!r} instead."
            )

    def _split(self, X, y, seed):
        from sklearn.model_selection import train_test_split

        X = X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X))
        y = np.asarray(y)
        return train_test_split(
            X, y, test_size=self.validation_size, stratify=y, random_state=seed
        )

    def search(self, X, y, *, validation_data=None):
        """Run (or resume) the search on ``(X, y)``.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        validation_data : (X_val, y_val), optional
            Held-out rows to score on; by default a stratified ``validation_size``
            share of ``(X, y)``.

        Returns
        -------
        self : GANTuner
        """
        self._check_params()
        seed = _int_seed(self.random_state)
        if validation_data is None:
            X_train, X_val, y_train, y_val = self._split(X, y, seed)
        else:
            X_train, y_train = X, y
            X_val, y_val = validation_data
        if not isinstance(X_train, pd.DataFrame):
            X_train = pd.DataFrame(np.asarray(X_train))
        if not isinstance(X_val, pd.DataFrame):
            X_val = pd.DataFrame(np.asarray(X_val), columns=X_train.columns)
        hypermodel = GANHyperModel(
            X_train, y_train, X_val, y_val,
            objective=self.objective, epochs=self.epochs, batch_size=self.batch_size,
            steps_per_epoch=self.steps_per_epoch, sampling_strategy=self.sampling_strategy,
            categorical_features=self.categorical_features, space=self.space,
            estimator=self.estimator, seed=seed, run_eagerly=self.run_eagerly,
        )
        directory = self.directory
        if directory is None:
            directory = tempfile.mkdtemp(prefix="ganaug-tune-")
        common = dict(
            objective=keras_tuner.Objective(self.objective, direction="max"),
            # keras-tuner draws a random seed for a seed of 0: shift by one.
            seed=seed + 1,
            max_consecutive_failed_trials=self.max_consecutive_failed_trials,
        )
        if self.tuner == "hyperband":
            oracle = _HyperbandOracle(max_epochs=self.epochs, factor=self.hyperband_factor, **common)
            oracle.max_trials = self.max_trials
        else:
            oracle = _ORACLES[self.tuner](max_trials=self.max_trials, **common)
        tuner = GANSearch(
            oracle=oracle, hypermodel=hypermodel, directory=str(directory),
            project_name=self.project_name, overwrite=self.overwrite,
        )
        self.tuner_ = tuner
        tuner.search(verbose=self.verbose)
        self.baseline_score_ = hypermodel.baseline()
        self.trials_ = trials_table(tuner, epochs=self.epochs)
        done = [t for t in tuner.oracle.get_best_trials(1) if t.status == "COMPLETED"]
        if not done:
            raise RuntimeError(
                f"No trial completed in {str(tuner.project_dir)!r}; every trial failed "
                "(see the 'status' column of trials_). Narrow the learning-rate range."
            )
        self.best_params_ = params_from_hp(done[0].hyperparameters, epochs=self.epochs)
        self.best_score_ = float(done[0].score)
        return self


def trials_table(tuner, epochs=None):
    """A DataFrame of a keras-tuner search: one row per trial, best first.

    Columns: ``trial``, ``status``, ``score`` and the GANAugmenter parameters.
    """
    oracle = tuner.oracle
    trials = getattr(oracle, "trials", None)  # a worker's OracleClient has none: ask the chief
    if trials is None:
        trials = {t.trial_id: t for t in oracle.get_best_trials(10**6)}
    rows = []
    for trial_id, trial in trials.items():
        row = {"trial": trial_id, "status": trial.status, "score": trial.score}
        try:
            params = params_from_hp(trial.hyperparameters, epochs=epochs)
        except KeyError:
            params = {}
        row.update(params)
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce")
    return frame.sort_values(["score", "trial"], ascending=[False, True], na_position="last").reset_index(drop=True)


#: The GANAugmenter parameters that :func:`tune` keeps fixed for every trial.
FIXED_PARAMS = (
    "epochs", "batch_size", "steps_per_epoch", "sampling_strategy", "categorical_features",
    "random_state",
)


def tune(estimator, X, y, *, max_trials=20, tuner="bayesian", directory=None, **kwargs):
    """Search a GANAugmenter's network and optimiser parameters; return the best estimator.

    A thin wrapper around :class:`GANTuner`: ``estimator``'s ``epochs``,
    ``batch_size``, ``steps_per_epoch``, ``sampling_strategy``,
    ``categorical_features`` and ``random_state`` are used for every trial, and a
    copy of ``estimator`` (:func:`sklearn.base.clone`, unfitted) with the best
    trial's parameters set is returned. ``estimator`` itself is left as it is. Keep
    the search (trials, scores) with :class:`GANTuner` instead.

    Parameters
    ----------
    estimator : GANAugmenter
    X : {array-like, DataFrame} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    max_trials : int, default=20
    tuner : {'random', 'bayesian', 'hyperband'}, default='bayesian'
    directory : str or path, optional
        Where keras-tuner stores the trials; the same directory resumes a search.
    **kwargs
        More :class:`GANTuner` parameters (``objective``, ``space``, ``overwrite``,
        ...); they win over those taken from ``estimator``.

    Returns
    -------
    GANAugmenter
        Unfitted, with the best trial's parameters: call ``fit_resample`` next.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> import ganaug
    >>> X, y = make_classification(n_samples=150, weights=[0.8], random_state=0)
    >>> aug = ganaug.tune(ganaug.GANAugmenter(epochs=1, random_state=0), X, y, max_trials=2,
    ...                   tuner="random", space={"generator_units": (8,), "discriminator_units": (8,)})
    >>> set(aug.generator_units), aug.epochs
    ({8}, 1)
    """
    from sklearn.base import clone

    if not isinstance(estimator, GANAugmenter):
        raise TypeError(f"estimator must be a GANAugmenter. Got {estimator!r} instead.")
    params = estimator.get_params()
    fixed = {name: params[name] for name in FIXED_PARAMS}
    search = GANTuner(
        **{**fixed, **kwargs}, tuner=tuner, max_trials=max_trials, directory=directory
    ).search(X, y)
    return clone(estimator).set_params(**search.best_params_)
