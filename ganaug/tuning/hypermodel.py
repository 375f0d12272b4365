"""One trial: :class:`GANHyperModel` builds a GANAugmenter from a trial's values, trains
it on the training split and scores its synthetic rows on the held-out rows.
"""

from __future__ import annotations

import keras_tuner
import numpy as np
from imblearn.utils import check_sampling_strategy

from ganaug.augmenter import GANAugmenter, TrainingDivergedError
from ganaug.metrics import detection_auc, utility_scores
from ganaug.nn.backend import keras
from ganaug.tabular import TabularEncoder
from ganaug.tuning.space import check_space, declare_space

OBJECTIVES = ("macro_f1", "balanced_accuracy", "fidelity")


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
        tracing. Memory stays flat either way (docs/design/notes.md, memory over many trials).
        TensorFlow only: under JAX and PyTorch ganaug runs its own step (jitted under
        JAX, eager under PyTorch) and this has no effect.

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
        self.space = check_space(space)
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
            **declare_space(hp, self.space),
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
