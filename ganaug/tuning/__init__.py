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
Like :mod:`ganaug.nn`, it imports Keras and keras-tuner; ``import ganaug``
does not import it.

The search space lives in :mod:`~ganaug.tuning.space`, one trial in
:mod:`~ganaug.tuning.hypermodel`, and the search itself (:class:`GANTuner`,
:func:`tune`) in :mod:`~ganaug.tuning.search`; this module names what is public.
"""

from ganaug.nn.backend import keras  # noqa: F401  (Keras loaded quietly before keras-tuner loads it)
from ganaug.tuning.hypermodel import OBJECTIVES, GANHyperModel
from ganaug.tuning.search import FIXED_PARAMS, TUNERS, GANSearch, GANTuner, trials_table, tune
from ganaug.tuning.space import DEFAULT_SPACE, default_values, hp_values, params_from_hp

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
