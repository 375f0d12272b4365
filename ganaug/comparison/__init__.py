"""Does rebalancing help on *this* table? Remedies compared on held-out folds.

Over-sampling often does not help a well-set classifier. :func:`compare` measures,
with repeated stratified cross-validation on the user's own rows, what each remedy
does for one classifier: no resampling (``none``), ``class_weight="balanced"``
(``balanced``), the decision threshold tuned on the training fold (``threshold``),
random over-sampling (``random``), SMOTE or SMOTENC (``smote``) and
:class:`~ganaug.GANAugmenter` (``ganaug``). Test folds are never resampled (nor cut).

The protocol lives in :func:`cross_validate_arms`, which yields one record per
(fold, arm, classifier); ``ganaug compare`` and the development benchmark
(``python -m benchmarks.tables.devsuite``) are both built on it.

Per fold and arm:

- ``none``: the classifier on the training fold as it is.
- ``balanced``: the same with ``class_weight="balanced"`` (skipped, with a note,
  for a classifier that has no such parameter).
- ``threshold``: no resampling; the classifier's decision threshold is tuned on the
  training fold by stratified 5-fold cross-validation for the deciding metric
  (``metric=``; macro-F1 in the benchmarks). Two classes: scikit-learn's
  :class:`~sklearn.model_selection.TunedThresholdClassifierCV`, a threshold on the
  predicted probability. More: :class:`MulticlassThresholdClassifier`,
  an offset per class on the log-probabilities tuned on out-of-fold probabilities.
  Either refits the classifier on the whole training fold, so its ROC AUC and
  average precision are those of ``none``; its ``fit_s`` includes the tuning.
- ``random``: :class:`imblearn.over_sampling.RandomOverSampler` on the raw rows.
- ``smote``: missing values imputed (median; a ``"<missing>"`` category), fitted on
  the training fold and applied to the test fold, then SMOTE, or SMOTENC when there
  are categorical columns (SMOTEN when all are), ``k_neighbors`` at most 5 and below
  the smallest class.
- ``ganaug``: ``GANAugmenter`` (its defaults unless ``augmenter`` is given) on the
  raw rows: it models categorical and missing values itself.

Every sampler brings each class up to the majority count. The named classifiers
(``hgb``, ``logreg``, ``forest``) impute and encode inside their own pipeline, so
whatever they learn from is fitted on the training fold only.

Scores on each test fold: ``macro_f1``, ``balanced_accuracy``, ``minority_recall``
(the recall of the rarest class of ``y`` as given: the same class in every fold),
``g_mean`` (geometric mean of the per-class recalls), and, from the classifier's
predicted probabilities, ``roc_auc`` and ``average_precision`` (two classes: of the
rarest class; more: macro averages one-vs-rest), which say how well it ranks the test
rows whatever its threshold. ``fit_s`` is the seconds spent resampling plus fitting
the classifier.

The verdict compares the best arm with ``none`` and with the best simple arm by a
paired test over folds, and, when ``threshold`` ran beside some rebalancing arm,
says whether the best rebalancing arm beats moving the threshold. Folds of repeated cross-validation share training rows,
so a plain paired t-test is optimistic; :func:`corrected_ttest` is the corrected
resampled t-test of Nadeau and Bengio (2003), which inflates the variance by
``n_test / n_train``.

The arms live in :mod:`~ganaug.comparison.arms`, the protocol and :func:`compare` in
:mod:`~ganaug.comparison.protocol`, the scores and the t-test in
:mod:`~ganaug.comparison.statistics`, and :class:`ComparisonResult` in
:mod:`~ganaug.comparison.result`; this module names what is public.
"""

from ganaug.comparison.arms import (
    ARMS,
    CLASSIFIERS,
    SIMPLE_ARMS,
    MulticlassThresholdClassifier,
    cut_imbalance,
    make_classifier,
    threshold_classifier,
)
from ganaug.comparison.protocol import (
    compare,
    cross_validate_arms,
    fold_seed,
    protocol_folds,
    synthetic_variety,
    threads_per_task,
)
from ganaug.comparison.result import ComparisonResult, result_from_records
from ganaug.comparison.statistics import MEANINGS, METRICS, corrected_ttest, summarize

__all__ = [
    "ARMS",
    "CLASSIFIERS",
    "MEANINGS",
    "METRICS",
    "SIMPLE_ARMS",
    "ComparisonResult",
    "MulticlassThresholdClassifier",
    "compare",
    "corrected_ttest",
    "cross_validate_arms",
    "cut_imbalance",
    "fold_seed",
    "make_classifier",
    "protocol_folds",
    "result_from_records",
    "summarize",
    "synthetic_variety",
    "threads_per_task",
    "threshold_classifier",
]
