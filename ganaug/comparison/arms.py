"""The arms of a comparison: the named classifiers, each with its own imputation and
encoding, the samplers that prepare a training fold (random over-sampling, SMOTE
and its variants, GANAugmenter or any object with ``fit_resample``), and the
``threshold`` arm, which resamples nothing and tunes the classifier's decision
threshold instead (:func:`threshold_classifier`).

Every sampler brings each class up to the majority count; test folds are never
resampled. :func:`cut_imbalance` cuts a training fold to a given imbalance ratio.

Why a threshold arm: over-sampling mostly moves a classifier's decision boundary
towards the majority, and a threshold tuned on the training fold moves it too, at
no cost in rows (the literature's first advice; Sakho et al. 2024). A sampler is
worth its time only where it beats that.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

#: The built-in arms, in the order they are shown.
ARMS = ("none", "balanced", "threshold", "random", "smote", "ganaug")
#: The arms a GAN has to beat to be worth its training time.
SIMPLE_ARMS = ("balanced", "threshold", "random", "smote")
#: The arms that rebalance nothing: the classifier as it is, or with its threshold moved.
UNBALANCED_ARMS = ("none", "threshold")
#: The named classifiers.
CLASSIFIERS = ("hgb", "logreg", "forest")
_MISSING = "<missing>"


# ---------------------------------------------------------------------- classifiers
def _as_text(X):
    """Categorical cells as strings, missing ones as the category '<missing>'."""
    frame = pd.DataFrame(X).astype(object)
    return frame.where(frame.notna(), _MISSING).astype(str).astype(object)


def _text_step():
    from sklearn.preprocessing import FunctionTransformer

    return FunctionTransformer(_as_text, feature_names_out="one-to-one")


def make_classifier(name, categorical, numeric, random_state=0):
    """One of the named classifiers, with its own imputation and encoding.

    Parameters
    ----------
    name : {'hgb', 'logreg', 'forest'}
        ``hgb``: histogram gradient boosting, categorical columns as native
        categories, missing values handled by the trees. ``logreg``: logistic
        regression on median-imputed, standardised numbers and one-hot categories.
        ``forest``: a 100-tree random forest on median-imputed numbers and one-hot
        categories.
    categorical, numeric : list of str
        Column names of each kind.
    random_state : int

    Returns
    -------
    sklearn.pipeline.Pipeline

    Examples
    --------
    >>> make_classifier("logreg", ["island"], ["mass"]).steps[-1][0]
    'logisticregression'
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

    categorical, numeric = list(categorical), list(numeric)
    if name == "hgb":
        from sklearn.ensemble import HistGradientBoostingClassifier

        encode = make_pipeline(
            _text_step(),
            OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan,
                           max_categories=255),
        )
        pre = ColumnTransformer([("cat", encode, categorical), ("num", "passthrough", numeric)],
                                sparse_threshold=0)
        mask = [True] * len(categorical) + [False] * len(numeric)
        model = HistGradientBoostingClassifier(
            categorical_features=mask if categorical else None, random_state=random_state
        )
        return make_pipeline(pre, model)
    numeric_steps = [SimpleImputer(strategy="median", keep_empty_features=True)]
    if name == "logreg":
        from sklearn.linear_model import LogisticRegression

        numeric_steps.append(StandardScaler())
        model = LogisticRegression(max_iter=2000)
    elif name == "forest":
        from sklearn.ensemble import RandomForestClassifier

        model = RandomForestClassifier(n_estimators=100, random_state=random_state, n_jobs=1)
    else:
        raise ValueError(
            f"Unknown classifier {name!r}; expected one of {list(CLASSIFIERS)}. "
            f"Got {name!r} instead."
        )
    pre = ColumnTransformer(
        [("num", make_pipeline(*numeric_steps), numeric),
         ("cat", make_pipeline(_text_step(), OneHotEncoder(handle_unknown="ignore")), categorical)],
    )
    return make_pipeline(pre, model)


def balanced_key(estimator):
    """The parameter that sets ``class_weight`` on the final estimator, or None."""
    params = estimator.get_params(deep=True)
    if hasattr(estimator, "steps"):
        key = f"{estimator.steps[-1][0]}__class_weight"
        return key if key in params else None
    return "class_weight" if "class_weight" in params else None


# ------------------------------------------------------------------------ threshold
class MulticlassThresholdClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """A classifier whose decision rule is tuned for a metric by cross-validation: the
    counterpart, for more than two classes, of scikit-learn's
    :class:`~sklearn.model_selection.TunedThresholdClassifierCV`.

    With two classes a threshold on one class's probability is the whole decision
    rule. With more, the rule here adds a learned offset per class to the log of the
    predicted probabilities (a weight per class on the probabilities) and predicts
    the class with the largest sum. The offsets are tuned on out-of-fold
    probabilities of the training rows (:func:`~sklearn.model_selection.cross_val_predict`
    with ``method="predict_proba"``), so no training row is scored by a model that saw
    it: coordinate ascent, one class at a time, over a grid of ``n_steps`` offsets
    from ``-max_offset`` to ``max_offset``, for at most ``n_passes`` passes over the
    classes (it stops when a pass changes nothing; an offset moves only to a strictly
    better score, so ties keep the plain argmax). The estimator is then refitted on
    all the training rows.

    ``predict_proba`` is the refitted estimator's own: the offsets change the labels,
    not the ranking, so ROC AUC and average precision are those of the estimator
    alone. An estimator without ``predict_proba`` is tuned on its
    ``decision_function`` the same way (offsets added to the decision values).

    Parameters
    ----------
    estimator : classifier
        Cloned for each fold of ``cv`` and for the refit.
    scoring : callable, default=None
        ``scoring(y_true, y_pred) -> float``, higher is better; None: macro-F1.
    cv : int or cross-validation generator, default=5
        As for :func:`~sklearn.model_selection.cross_val_predict` (an int: stratified,
        unshuffled folds).
    max_offset : float, default=3.0
        The largest offset tried, on the log scale (3: a weight of about 20).
    n_steps : int, default=25
        Offsets in the grid (25 over ``[-3, 3]``: steps of 0.25).
    n_passes : int, default=3
        The most passes of coordinate ascent.

    Attributes
    ----------
    classes_ : ndarray
    offsets_ : ndarray of shape (n_classes,)
        The tuned offsets, 0 for a class whose offset did not help.
    best_score_ : float
        The score of the tuned rule on the out-of-fold predictions.
    estimator_ : classifier
        The estimator refitted on all the training rows.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> X, y = make_classification(n_samples=300, n_classes=3, n_informative=4,
    ...                            weights=[0.8, 0.15, 0.05], random_state=0)
    >>> clf = MulticlassThresholdClassifier(LogisticRegression()).fit(X, y)
    >>> clf.offsets_.shape, clf.predict(X[:3]).shape
    ((3,), (3,))
    """

    def __init__(self, estimator, *, scoring=None, cv=5, max_offset=3.0, n_steps=25,
                 n_passes=3):
        self.estimator = estimator
        self.scoring = scoring
        self.cv = cv
        self.max_offset = max_offset
        self.n_steps = n_steps
        self.n_passes = n_passes

    def _method(self):
        return "predict_proba" if hasattr(self.estimator, "predict_proba") else "decision_function"

    def _scores(self, raw):
        if self._method() == "predict_proba":
            return np.log(np.clip(raw, 1e-12, None))
        return raw

    def fit(self, X, y):
        from sklearn.base import clone
        from sklearn.metrics import f1_score
        from sklearn.model_selection import cross_val_predict

        y = np.asarray(y)
        self.classes_ = np.unique(y)
        scoring = self.scoring or (lambda t, p: f1_score(t, p, average="macro"))
        method = self._method()
        scores = self._scores(cross_val_predict(clone(self.estimator), X, y, cv=self.cv,
                                                method=method))
        grid = np.linspace(-self.max_offset, self.max_offset, self.n_steps)

        def score(offsets):
            return scoring(y, self.classes_[np.argmax(scores + offsets, axis=1)])

        offsets = np.zeros(len(self.classes_))
        best = score(offsets)
        for _ in range(self.n_passes):
            moved = False
            for k in range(len(self.classes_)):
                for value in grid:
                    trial = offsets.copy()
                    trial[k] = value
                    s = score(trial)
                    if s > best:
                        best, offsets, moved = s, trial, True
            if not moved:
                break
        self.offsets_, self.best_score_ = offsets, float(best)
        self.estimator_ = clone(self.estimator).fit(X, y)
        return self

    def predict(self, X):
        check_is_fitted(self, "estimator_")
        raw = getattr(self.estimator_, self._method())(X)
        return self.classes_[np.argmax(self._scores(np.asarray(raw)) + self.offsets_, axis=1)]

    @available_if(lambda self: hasattr(self.estimator, "predict_proba"))
    def predict_proba(self, X):
        """The refitted estimator's probabilities (the offsets leave them as they are)."""
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)


def threshold_classifier(estimator, y, *, metric, labels, minority, seed, folds=5):
    """The ``threshold`` arm's classifier: ``estimator`` with its decision rule tuned on
    the training labels ``y`` for ``metric`` by stratified ``folds``-fold cross-validation.

    Two classes: :class:`~sklearn.model_selection.TunedThresholdClassifierCV`, a
    threshold on the predicted probability (``minority``, the rarest class, only
    enters the metric). More:
    :class:`MulticlassThresholdClassifier`. Both refit ``estimator`` on all the rows,
    so their predicted probabilities, and their ROC AUC and average precision, are
    those of the ``none`` arm. The folds are shuffled with ``seed`` (fewer folds when
    a class has fewer than ``folds`` rows), so the arm is the same for the same seed.

    Parameters
    ----------
    estimator : classifier
    y : array-like
        The training fold's class codes.
    metric : str
        One of :data:`~ganaug.comparison.statistics.LABEL_METRICS`.
    labels : array-like
        Every class code of the table.
    minority : int
        The rarest class's code.
    seed : int
    folds : int, default=5

    Returns
    -------
    classifier (unfitted)

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> clf = threshold_classifier(LogisticRegression(), [0] * 40 + [1] * 8,
    ...                            metric="macro_f1", labels=[0, 1], minority=1, seed=0)
    >>> type(clf).__name__
    'TunedThresholdClassifierCV'
    """
    from sklearn.metrics import make_scorer
    from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV

    from ganaug.comparison.statistics import label_score

    smallest = int(np.unique(np.asarray(y), return_counts=True)[1].min())
    cv = StratifiedKFold(n_splits=max(2, min(folds, smallest)), shuffle=True, random_state=seed)
    kwargs = {"metric": metric, "labels": list(labels), "minority": minority}
    if len(labels) == 2:
        return TunedThresholdClassifierCV(estimator, scoring=make_scorer(label_score, **kwargs),
                                          cv=cv, random_state=seed)
    return MulticlassThresholdClassifier(estimator, scoring=partial(label_score, **kwargs), cv=cv)


# ------------------------------------------------------------------------- samplers
def cut_imbalance(y, ratio, rng, *, min_rows=6):
    """Positions of the rows to keep so that ``y`` has an imbalance ratio of ``ratio``.

    The largest class is kept whole; every other class is cut, at random, to at
    most ``max(min_rows, ceil(n_largest / ratio))`` rows (a smaller class is kept
    whole). Used on training folds only.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
    ratio : float >= 1
    rng : numpy.random.Generator
    min_rows : int, default=6

    Returns
    -------
    ndarray of int
        Sorted positions into ``y``.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array(["a"] * 100 + ["b"] * 40 + ["c"] * 4)
    >>> keep = cut_imbalance(y, 10, np.random.default_rng(0))
    >>> np.unique(y[keep], return_counts=True)[1].tolist()  # rows of a, b, c
    [100, 10, 4]
    """
    y = np.asarray(y)
    labels, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    cap = max(int(min_rows), math.ceil(counts.max() / ratio))
    largest = int(np.argmax(counts))
    keep = []
    for i in range(len(labels)):
        rows = np.flatnonzero(inverse == i)
        if i != largest and len(rows) > cap:
            rows = rng.choice(rows, size=cap, replace=False)
        keep.append(rows)
    return np.sort(np.concatenate(keep))


def _smote(X, y, categorical, seed):
    """Impute (fitted on the training fold), then SMOTE / SMOTENC / SMOTEN."""
    from imblearn.over_sampling import SMOTE, SMOTEN, SMOTENC
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer

    numeric = [c for c in X.columns if c not in categorical]
    columns = list(X.columns)
    imputer = ColumnTransformer(
        [("num", SimpleImputer(strategy="median", keep_empty_features=True), numeric),
         ("cat", _text_step(), categorical)],
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")
    imputer.fit(X)

    def transform(frame):
        return imputer.transform(frame)[columns]

    X_imp = transform(X)
    k = max(1, min(5, int(pd.Series(y).value_counts().min()) - 1))
    if not categorical:
        sampler = SMOTE(k_neighbors=k, random_state=seed)
    elif not numeric:
        sampler = SMOTEN(k_neighbors=k, random_state=seed)
    else:
        sampler = SMOTENC(categorical_features=categorical, k_neighbors=k, random_state=seed)
    X_res, y_res = sampler.fit_resample(X_imp, y)
    return X_res, y_res, transform


def _seeded(sampler, seed, categorical, categorical_features):
    from sklearn.base import clone

    sampler = clone(sampler)
    params = sampler.get_params()
    if "random_state" in params and params["random_state"] is None:
        sampler.set_params(random_state=seed)
    if (not (isinstance(categorical_features, str) and categorical_features == "auto")
            and "categorical_features" in params
            and isinstance(params["categorical_features"], str)
            and params["categorical_features"] == "auto"):
        sampler.set_params(categorical_features=list(categorical))
    return sampler


def resample_arm(arm, sampler, X, y, categorical, categorical_features, augmenter, seed, classes=None):
    """(X_res, y_res, transform of the test fold or None) for one arm.

    ``y`` holds class codes; the ``ganaug`` arm gets the labels themselves
    (``classes[y]``), so that what it warns (a class that collapsed, one whose rows it
    interpolates) names classes as the user wrote them. Its rows are the same either
    way: its classes are the same, in the same order.
    """
    if arm in ("none", "balanced", "threshold") and sampler is None:
        return X, y, None
    if arm == "random" and sampler is None:
        from imblearn.over_sampling import RandomOverSampler

        X_res, y_res = RandomOverSampler(random_state=seed).fit_resample(X, y)
        return X_res, y_res, None
    if arm == "smote" and sampler is None:
        return _smote(X, y, categorical, seed)
    ganaug = sampler is None
    if ganaug:
        if augmenter is None:
            from ganaug.augmenter import GANAugmenter

            augmenter = GANAugmenter()
        sampler = augmenter
    sampler = _seeded(sampler, seed, categorical, categorical_features)
    if ganaug and classes is not None:
        X_res, y_res = sampler.fit_resample(X, pd.Series(classes[y.to_numpy()], name=y.name))
        return X_res, np.searchsorted(classes, np.asarray(y_res)), None
    X_res, y_res = sampler.fit_resample(X, y)
    return X_res, y_res, None
