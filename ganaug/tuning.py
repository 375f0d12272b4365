"""Search the conditional GAN's hyperparameters with keras-tuner.

The search space covers the generator's capacity (depth, width of each block,
latent size), the discriminator's width, both learning rates and the loss. A trial
trains one :class:`~ganaug.gan.ConditionalGAN` on a training split of the real rows
and is scored on held-out real rows by what the synthetic rows are *for*, never by a
GAN loss:

``"macro_f1"`` / ``"balanced_accuracy"`` (utility)
    A fixed scikit-learn classifier is fitted on the real training rows plus the
    synthetic rows that ``sampling_strategy`` asks for, and scored on the validation
    split. Higher is better.
``"fidelity"``
    A classifier tries to tell validation rows from synthetic rows of the same
    classes; ``fidelity = 1 - (2 * max(AUC, 0.5) - 1)``, 1 when it cannot. Higher is
    better.

Every objective is declared to keras-tuner with ``direction="max"``. A trial whose
losses become NaN or infinite raises :class:`keras_tuner.errors.FailedTrialError`:
keras-tuner marks it failed and goes on. The Keras session is cleared after every
trial so that memory stays flat over a long search.

Like :mod:`ganaug.networks`, this module imports Keras and keras-tuner; ``ganaug``
itself imports it only when a search starts.
"""

from __future__ import annotations

import gc
import math
import tempfile
from numbers import Integral, Real

import keras
import keras_tuner
import numpy as np
import pandas as pd
from imblearn.utils import check_sampling_strategy
from keras_tuner.src.engine import tuner_utils

from ganaug.augmenter import TrainingDivergedError
from ganaug.gan import StopOnNonFinite, balanced_batches
from ganaug.tabular import TabularEncoder

__all__ = [
    "DEFAULT_SPACE",
    "OBJECTIVES",
    "TUNERS",
    "GANHyperModel",
    "GANTuner",
    "default_values",
    "hp_values",
    "params_from_hp",
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
    from ganaug.augmenter import GANAugmenter

    wanted = hp_values(GANAugmenter().get_params())
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


def _defaults_first(oracle):
    """Make the oracle's first new configuration GANAugmenter's defaults.

    Random search, the initial points of Bayesian optimisation and Hyperband's new
    candidates all come from the oracle's ``_random_values``; the defaults are
    returned there once, unless a (resumed) search has already tried them. So a
    search always weighs its candidates against the defaults, and never recommends
    parameters that scored below the defaults on the validation rows.
    """
    if not hasattr(oracle, "_random_values"):  # a worker's client: the chief decides
        return
    random_values = oracle._random_values

    def values():
        first = default_values(oracle.hyperparameters)
        if oracle._duplicate(first):
            return random_values()
        return first

    oracle._random_values = values


# ------------------------------------------------------------------------ scoring
def _default_estimator(random_state=0):
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(n_estimators=100, random_state=random_state, n_jobs=1)


def _classifier(frame, categorical, estimator):
    from sklearn.base import clone
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    numeric = [c for c in frame.columns if c not in categorical]
    prep = ColumnTransformer(
        [
            ("num", SimpleImputer(strategy="median", keep_empty_features=True), numeric),
            ("cat", OneHotEncoder(handle_unknown="ignore"), [c for c in frame.columns if c in categorical]),
        ]
    )
    return make_pipeline(prep, clone(estimator))


def _plain(frame, categorical):
    """Categorical columns as object with a 'missing' level, numerics as float."""
    out = pd.DataFrame(index=range(len(frame)))
    for col in frame.columns:
        values = frame[col].reset_index(drop=True)
        if col in categorical:
            values = values.astype(object)
            out[col] = values.where(values.notna(), "__missing__").astype(str)
        else:
            out[col] = pd.to_numeric(values, errors="coerce").astype(float)
    return out


# --------------------------------------------------------------------- hypermodel
class GANHyperModel(keras_tuner.HyperModel):
    """The conditional GAN as a :class:`keras_tuner.HyperModel`.

    ``build(hp)`` declares the search space and returns one compiled
    :class:`~ganaug.gan.ConditionalGAN`; ``fit(hp, model, epochs=...,
    initial_epoch=...)`` trains it on class-balanced batches of the training split,
    draws synthetic rows and returns ``{objective: score}`` measured on the
    validation split. A diverging trial raises
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
        The fixed classifier of the objective (default: a 100-tree random forest),
        preceded by median imputation and one-hot encoding.
    seed : int, default=0
        Seeds initialisation, batches, noise and decoding, the same in every trial so
        that trials differ only by their hyperparameters.
    run_eagerly : bool, default=False
        Train without tracing ``train_step`` into a ``tf.function``: slower per step
        for wide networks, faster for tiny trials that spend most of their time
        tracing. Memory stays flat either way (see ``benchmarks/tuning_memory.py``).

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
        self.space = _check_space(space)
        self.estimator = estimator if estimator is not None else _default_estimator()
        self.seed = int(seed)
        self.X_train = X_train.reset_index(drop=True)
        self.X_val = X_val.reset_index(drop=True)
        self.classes_, y_idx = np.unique(np.asarray(y_train), return_inverse=True)
        self.y_train_idx = y_idx.astype(np.intp)
        self.y_train = self.classes_[self.y_train_idx]
        self.y_val = np.asarray(y_val)
        unseen = sorted(set(self.y_val.tolist()) - set(self.classes_.tolist()), key=str)
        if unseen:
            raise ValueError(
                "The validation rows hold a class that is not in the training rows: expected "
                f"some of {self.classes_.tolist()}. Got {unseen[0]!r} instead."
            )
        self.encoder = TabularEncoder(categorical_features).fit(self.X_train)
        self.encoded = self.encoder.transform(self.X_train)
        self.categorical = {
            col.name for col in self.encoder.columns_ if col.kind == "categorical"
        }
        if objective == "fidelity":
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
        self.labels = np.repeat(
            np.searchsorted(self.classes_, list(wanted)), list(wanted.values())
        ).astype(np.intp)

    # -------------------------------------------------------------- build
    def build(self, hp):
        """Declare the search space on ``hp``; return a compiled ConditionalGAN.

        The networks are built and compiled by :class:`~ganaug.GANAugmenter` itself,
        so a trial trains exactly the model the estimator would with those parameters.
        """
        params = _declare(hp, self.space)
        aug = self._estimator(params)
        gan = aug._build_gan(
            (tuple(params["generator_units"]), tuple(params["discriminator_units"])),
            _seeds(self.seed),
        )
        aug._compile(gan, run_eagerly=self.run_eagerly)
        # Build the wrapper now (compile has built the optimizers), so that keras-tuner
        # can checkpoint it and Hyperband can restore a trial (weights and Adam state).
        gan([np.zeros((1, params["latent_dim"]), "float32"),
             np.zeros((1, len(self.classes_)), "float32")])
        return gan

    def _estimator(self, params):
        """A GANAugmenter with these parameters, given this search's encoder and classes."""
        from ganaug.augmenter import GANAugmenter

        aug = GANAugmenter(
            **params, batch_size=self.batch_size, steps_per_epoch=self.steps_per_epoch,
            random_state=self.seed,
        )
        aug.encoder_, aug.classes_ = self.encoder, self.classes_
        aug.filter_copies = False  # the objective scores rows as the generator makes them
        return aug

    # ---------------------------------------------------------------- fit
    def fit(self, hp, model, *args, epochs=None, initial_epoch=0, callbacks=None,
            verbose=0, **kwargs):
        """Train ``model`` from ``initial_epoch`` to ``epochs``; return the objective."""
        epochs = self.epochs if epochs is None else int(epochs)
        steps = self._estimator({})._steps_per_epoch(len(self.encoded))
        batches = balanced_batches(
            self.encoded, self.y_train_idx, len(self.classes_), self.batch_size, steps, epochs,
            seed=self.seed + 1, initial_epoch=initial_epoch,  # a resumed trial goes on
        )
        history = model.fit(
            batches,
            epochs=epochs,
            steps_per_epoch=steps,
            initial_epoch=int(initial_epoch),
            callbacks=[StopOnNonFinite(), *(callbacks or [])],
            verbose=0,
            shuffle=False,
        )
        for name, values in history.history.items():
            bad = [v for v in values if not math.isfinite(float(v))]
            if bad:
                raise keras_tuner.errors.FailedTrialError(
                    f"Training diverged: {name} became {bad[0]}; this trial is failed."
                )
        synthetic = self.sample(model)
        if synthetic is None:
            raise keras_tuner.errors.FailedTrialError(
                "The generator produced NaN or infinite rows; this trial is failed."
            )
        return {self.objective: self.score(*synthetic)}

    def sample(self, model):
        """Synthetic ``(X, y)`` for ``self.labels``, or None if the generator emits NaN."""
        aug = self._estimator({"latent_dim": model.latent_dim})
        aug.generator_ = model.generator
        try:
            X_new = aug._decode(self.labels, np.random.RandomState(self.seed + 2))
        except TrainingDivergedError:
            return None
        return X_new, self.classes_[self.labels]

    def score(self, X_new, y_new):
        """The objective for synthetic rows ``(X_new, y_new)`` (higher is better)."""
        if self.objective == "fidelity":
            return self._fidelity(X_new)
        return self._utility(X_new, y_new)

    def baseline(self):
        """The utility objective of the real training rows alone (no synthetic rows)."""
        if self.objective == "fidelity":
            return float("nan")
        return self._utility(self.X_train.iloc[:0], self.y_train[:0])

    def _utility(self, X_new, y_new):
        from sklearn.metrics import balanced_accuracy_score, f1_score

        X = _plain(pd.concat([self.X_train, X_new], ignore_index=True), self.categorical)
        y = np.concatenate([self.y_train, np.asarray(y_new, dtype=self.y_train.dtype)])
        clf = _classifier(X, self.categorical, self.estimator).fit(X, y)
        pred = clf.predict(_plain(self.X_val, self.categorical))
        if self.objective == "balanced_accuracy":
            return float(balanced_accuracy_score(self.y_val, pred))
        return float(f1_score(self.y_val, pred, average="macro"))

    def _fidelity(self, X_new):
        from sklearn.metrics import roc_auc_score
        from sklearn.model_selection import cross_val_predict

        X = _plain(pd.concat([self.X_val, X_new], ignore_index=True), self.categorical)
        is_real = np.r_[np.ones(len(self.X_val)), np.zeros(len(X_new))]
        clf = _classifier(X, self.categorical, self.estimator)
        proba = cross_val_predict(clf, X, is_real, cv=3, method="predict_proba")[:, 1]
        auc = roc_auc_score(is_real, proba)
        return float(1.0 - (2.0 * max(auc, 0.5) - 1.0))


def _int_seed(random_state):
    if random_state is None:
        return 0
    if isinstance(random_state, Integral) and not isinstance(random_state, bool):
        return int(random_state)
    from sklearn.utils import check_random_state

    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def _seeds(seed):
    rng = np.random.RandomState(seed)
    while True:
        yield int(rng.randint(np.iinfo(np.int32).max))


# -------------------------------------------------------------------------- tuners
class _SaveAtEnd(keras.callbacks.Callback):
    def __init__(self, path):
        super().__init__()
        self.path = path

    def on_train_end(self, logs=None):
        self.model.save_weights(self.path)


class _LeanTrials(keras_tuner.Tuner):
    """Save a trial's weights once, at its end (not at every epoch), then clear the session.

    keras-tuner clears the session before building a model; clearing it again after
    each trial (and collecting garbage) keeps the last trial's graphs and optimizer
    state from piling up while the next one runs.
    """

    def run_trial(self, trial, *args, **kwargs):
        kwargs = dict(kwargs)
        kwargs["callbacks"] = [
            *kwargs.pop("callbacks", []),
            tuner_utils.TunerCallback(self, trial),
            _SaveAtEnd(self._get_checkpoint_fname(trial.trial_id)),
        ]
        try:
            return self._build_and_fit_model(trial, *args, **kwargs)
        finally:
            keras.backend.clear_session(free_memory=True)
            gc.collect()


class _RandomSearch(keras_tuner.RandomSearch, _LeanTrials):
    pass


class _BayesianOptimization(keras_tuner.BayesianOptimization, _LeanTrials):
    pass


class _Hyperband(keras_tuner.Hyperband, _LeanTrials):
    pass


_TUNER_CLASSES = {"random": _RandomSearch, "bayesian": _BayesianOptimization, "hyperband": _Hyperband}


class GANTuner:
    """Search GANAugmenter's network and optimiser parameters with keras-tuner.

    A stratified ``validation_size`` share of the real rows is held out; each trial
    trains a conditional GAN on the rest and is scored on the held-out rows (see
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
    tuner_ : keras_tuner.Tuner

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
            hypermodel=hypermodel,
            objective=keras_tuner.Objective(self.objective, direction="max"),
            directory=str(directory),
            project_name=self.project_name,
            overwrite=self.overwrite,
            seed=seed,
            max_consecutive_failed_trials=self.max_consecutive_failed_trials,
        )
        cls = _TUNER_CLASSES[self.tuner]
        if self.tuner == "hyperband":
            tuner = cls(max_epochs=self.epochs, factor=self.hyperband_factor, **common)
            tuner.oracle.max_trials = self.max_trials
        else:
            tuner = cls(max_trials=self.max_trials, **common)
        _defaults_first(tuner.oracle)
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
