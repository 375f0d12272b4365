"""The search: :class:`GANTuner` holds out the validation rows, runs keras-tuner's
loop (:class:`GANSearch`) with oracles whose first trial is GANAugmenter's defaults,
and reports the trials; :func:`tune` returns the best estimator.
"""

from __future__ import annotations

import gc
import tempfile
from numbers import Integral, Real

import keras_tuner
import numpy as np
import pandas as pd
from keras_tuner.engine.base_tuner import BaseTuner

from ganaug.augmenter import GANAugmenter
from ganaug.nn.backend import keras
from ganaug.tuning.hypermodel import OBJECTIVES, GANHyperModel
from ganaug.tuning.space import default_values, params_from_hp

TUNERS = ("random", "bayesian", "hyperband")


# ------------------------------------------------------------------------- oracles
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
