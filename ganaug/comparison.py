"""Does rebalancing help on *this* table? Remedies compared on held-out folds.

Over-sampling often does not help a well-set classifier. :func:`compare` measures,
with repeated stratified cross-validation on the user's own rows, what each remedy
does for one classifier: no resampling (``none``), ``class_weight="balanced"``
(``balanced``), random over-sampling (``random``), SMOTE or SMOTENC (``smote``) and
:class:`~ganaug.GANAugmenter` (``ganaug``). Test folds are never resampled (nor cut).

The protocol lives in :func:`cross_validate_arms`, which yields one record per
(fold, arm, classifier); ``ganaug compare`` and the development benchmark
(``benchmarks/devsuite.py``) are both built on it.

Per fold and arm:

- ``none``: the classifier on the training fold as it is.
- ``balanced``: the same with ``class_weight="balanced"`` (skipped, with a note,
  for a classifier that has no such parameter).
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
(the recall of the rarest class of ``y`` as given: the same class in every fold)
and ``g_mean`` (geometric mean of the per-class recalls). ``fit_s`` is the seconds
spent resampling plus fitting the classifier.

The verdict compares the best arm with ``none`` and with the best simple arm by a
paired test over folds. Folds of repeated cross-validation share training rows,
so a plain paired t-test is optimistic; :func:`corrected_ttest` is the corrected
resampled t-test of Nadeau and Bengio (2003), which inflates the variance by
``n_test / n_train``.
"""

from __future__ import annotations

import html
import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ganaug._labels import shown
from ganaug.metrics import _as_frame

__all__ = [
    "ARMS",
    "CLASSIFIERS",
    "METRICS",
    "SIMPLE_ARMS",
    "ComparisonResult",
    "compare",
    "corrected_ttest",
    "cross_validate_arms",
    "cut_imbalance",
    "make_classifier",
    "result_from_records",
    "summarize",
]

#: The built-in arms, in the order they are shown.
ARMS = ("none", "balanced", "random", "smote", "ganaug")
#: The arms a GAN has to beat to be worth its training time.
SIMPLE_ARMS = ("balanced", "random", "smote")
#: The named classifiers.
CLASSIFIERS = ("hgb", "logreg", "forest")
#: The scores of each test fold; ``metric=`` picks the one that decides.
METRICS = ("macro_f1", "balanced_accuracy", "minority_recall", "g_mean")

MEANINGS = {
    "macro_f1": "Unweighted mean of the per-class F1 scores on the test fold.",
    "balanced_accuracy": "Mean of the per-class recalls on the test fold (chance = 1 / n_classes).",
    "minority_recall": "Recall of the rarest class of y (as given) on the test fold.",
    "g_mean": "Geometric mean of the per-class recalls; 0 when a class is never found.",
    "fit_s": "Seconds to resample the training fold and fit the classifier.",
}
_ALPHA = 0.05
_MISSING = "<missing>"


# --------------------------------------------------------------------------- input
def _categorical_columns(frame, categorical_features="auto"):
    auto = [
        c for c in frame.columns
        if not pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c])
    ]
    if isinstance(categorical_features, str) and categorical_features == "auto":
        return auto
    named = []
    for c in categorical_features:
        name = frame.columns[c] if isinstance(c, (int, np.integer)) else c
        if name not in frame.columns:
            raise ValueError(
                f"categorical_features names column {shown(c)}, which is not in X; expected "
                f"some of {list(map(str, frame.columns))}. Got {shown(c)} instead."
            )
        named.append(name)
    return [c for c in frame.columns if c in auto or c in named]


def _min_rows(folds):
    """Fewest rows a class needs: one per test fold and two in every training fold."""
    n = folds
    while n - math.ceil(n / folds) < 2:
        n += 1
    return n


def _check_target(y, folds, n_rows):
    if len(y) != n_rows:
        raise ValueError(f"X has {n_rows} rows but y has {len(y)}; they must match.")
    missing = np.flatnonzero(pd.isna(y.to_numpy()))
    if len(missing):
        raise ValueError(
            f"y (the target) has {len(missing)} missing value(s), first at row {missing[0]}; "
            "every row needs a class label. Drop or fill those rows."
        )
    counts = y.value_counts()
    if len(counts) < 2:
        raise ValueError(
            f"y has a single class ({shown(counts.index[0])}); comparing rebalancing needs at "
            "least two classes."
        )
    need = _min_rows(folds)
    small = counts[counts < need]
    if len(small):
        raise ValueError(
            f"Class {shown(small.index[-1])} has {int(small.iloc[-1])} row(s); {folds}-fold "
            f"cross-validation needs at least {need} rows of every class (one in each test "
            "fold, two in each training fold). Lower the number of folds or drop the class."
        )
    return counts


def _arm_list(arms):
    """Names and (name, sampler) pairs -> list of (name, sampler or None)."""
    if arms is None:
        return [(name, None) for name in ARMS]
    out = []
    for arm in arms:
        if isinstance(arm, str):
            if arm not in ARMS:
                raise ValueError(
                    f"Unknown arm {arm!r}; expected some of {list(ARMS)} or (name, sampler) "
                    f"pairs. Got {arm!r} instead."
                )
            out.append((arm, None))
        else:
            name, sampler = arm
            if not hasattr(sampler, "fit_resample"):
                raise ValueError(
                    f"Arm {name!r}: the sampler must have a fit_resample method. "
                    f"Got {sampler!r} instead."
                )
            out.append((str(name), sampler))
    names = [name for name, _ in out]
    if not names or len(set(names)) != len(names):
        raise ValueError(f"arms must be a non-empty list of distinct names. Got {names!r} instead.")
    return out


def _classifier_dict(classifiers):
    if isinstance(classifiers, dict):
        return dict(classifiers)
    if isinstance(classifiers, str) or hasattr(classifiers, "fit"):
        classifiers = [classifiers]
    out = {}
    for clf in classifiers:
        if isinstance(clf, str):
            if clf not in CLASSIFIERS:
                raise ValueError(
                    f"Unknown classifier {clf!r}; expected one of {list(CLASSIFIERS)} or a "
                    f"scikit-learn classifier. Got {clf!r} instead."
                )
            out[clf] = clf
        else:
            final = clf.steps[-1][1] if hasattr(clf, "steps") else clf
            out[type(final).__name__] = clf
    return out


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


def _balanced_key(estimator):
    """The parameter that sets ``class_weight`` on the final estimator, or None."""
    params = estimator.get_params(deep=True)
    if hasattr(estimator, "steps"):
        key = f"{estimator.steps[-1][0]}__class_weight"
        return key if key in params else None
    return "class_weight" if "class_weight" in params else None


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


def _resample(arm, sampler, X, y, categorical, categorical_features, augmenter, seed, classes=None):
    """(X_res, y_res, transform of the test fold or None) for one arm.

    ``y`` holds class codes; the ``ganaug`` arm gets the labels themselves
    (``classes[y]``), so that what it warns (a class that collapsed, one whose rows it
    interpolates) names classes as the user wrote them. Its rows are the same either
    way: its classes are the same, in the same order.
    """
    if arm in ("none", "balanced") and sampler is None:
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


# -------------------------------------------------------------------------- scoring
def _scores(y_true, y_pred, labels, minority):
    from imblearn.metrics import geometric_mean_score
    from sklearn.metrics import balanced_accuracy_score, f1_score, recall_score

    return {
        "macro_f1": float(f1_score(y_true, y_pred, average="macro", labels=labels,
                                   zero_division=0)),
        "balanced_accuracy": float(balanced_accuracy_score(y_true, y_pred)),
        "minority_recall": float(recall_score(y_true, y_pred, labels=[minority],
                                              average="macro", zero_division=0)),
        "g_mean": float(geometric_mean_score(y_true, y_pred, average="multiclass",
                                             labels=labels)),
    }


def _fold_seed(random_state, fold):
    return int(np.random.SeedSequence([random_state, fold]).generate_state(1)[0] >> 1)


def _protocol_folds(y, folds, repeats, random_state, imbalance_ratio):
    """``(fold, train, test)`` row numbers of the protocol: repeated stratified folds,
    training rows cut to ``imbalance_ratio`` (None: not cut), test rows never cut."""
    from sklearn.model_selection import RepeatedStratifiedKFold

    splits = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats,
                                     random_state=random_state).split(np.zeros((len(y), 1)), y)
    for fold, (train, test) in enumerate(splits):
        if imbalance_ratio is not None:
            rng = np.random.default_rng([random_state, fold])
            train = train[cut_imbalance(y.iloc[train], imbalance_ratio, rng)]
        yield fold, train, test


def cross_validate_arms(X, y, *, classifiers=("hgb",), arms=None, augmenter=None, folds=5,
                        repeats=2, random_state=0, imbalance_ratio=None,
                        categorical_features="auto", skip=(), progress=None):
    """Yield one record per (fold, arm, classifier): the protocol behind :func:`compare`.

    Repeated stratified K-fold on ``(X, y)``. In each training fold, optionally cut
    to ``imbalance_ratio`` (see :func:`cut_imbalance`), each arm resamples the
    training rows once; every classifier is then fitted on them and scored on the
    untouched test fold. See the module docstring for the arms.

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_samples, n_features)
        May mix numeric, categorical and missing values.
    y : array-like of shape (n_samples,)
    classifiers : str, estimator, list of them, or dict name -> either, default=('hgb',)
        Named classifiers (see :func:`make_classifier`) or scikit-learn classifiers,
        which get the table's columns as they are (a pipeline that imputes and
        encodes, for mixed tables). The ``balanced`` arm is left out, without a
        record, for a classifier with no ``class_weight``.
    arms : list of str or (name, sampler) pairs, default=None
        Names from :data:`ARMS` (None: all of them), or ``(name, sampler)`` pairs:
        any object with ``fit_resample``, cloned per fold and given the raw
        training rows; its ``random_state`` is set per fold when it is None.
    augmenter : GANAugmenter, default=None
        The ``ganaug`` arm's sampler (cloned per fold); None: ``GANAugmenter()``.
    folds, repeats : int, default=5, 2
    random_state : int or None, default=0
        Seeds the folds, the cut and every sampler and classifier.
    imbalance_ratio : float, default=None
        Cut every training fold to this imbalance ratio (None: no cut).
    categorical_features : 'auto' or list of str or int, default='auto'
        Columns to treat as categorical besides the non-numeric ones.
    skip : collection of (classifier, arm, fold) tuples
        Records already made (to resume a run): not computed again.
    progress : callable, default=None
        Called as ``progress(1, label)`` after each (fold, arm), e.g. a click
        progress bar's ``update``.

    Yields
    ------
    dict
        ``classifier, arm, fold, repeat, n_train, n_test, resample_s, fit_s`` and
        the scores of :data:`METRICS`.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> X, y = make_classification(n_samples=120, weights=[0.8], random_state=0)
    >>> records = list(cross_validate_arms(X, y, classifiers="logreg", arms=["none", "random"],
    ...                                    folds=3, repeats=1))
    >>> len(records), sorted(records[0])[:4]
    (6, ['arm', 'balanced_accuracy', 'classifier', 'fit_s'])
    """
    from sklearn.base import clone
    from sklearn.exceptions import ConvergenceWarning

    X = _as_frame(X)
    y = pd.Series(np.asarray(y), name=getattr(y, "name", None))
    if not (isinstance(folds, (int, np.integer)) and folds >= 2):
        raise ValueError(f"folds must be an integer of at least 2. Got {folds!r} instead.")
    if not (isinstance(repeats, (int, np.integer)) and repeats >= 1):
        raise ValueError(f"repeats must be an integer of at least 1. Got {repeats!r} instead.")
    if imbalance_ratio is not None and not imbalance_ratio >= 1:
        raise ValueError(
            f"imbalance_ratio must be at least 1 (or None). Got {imbalance_ratio!r} instead."
        )
    counts = _check_target(y, folds, len(X))
    arm_list = _arm_list(arms)
    named = _classifier_dict(classifiers)
    if random_state is None:
        random_state = int(np.random.SeedSequence().generate_state(1)[0])
    categorical = _categorical_columns(X, categorical_features)
    numeric = [c for c in X.columns if c not in categorical]
    # Integer codes for the classes: every sampler and classifier gets the same kind of
    # labels, whatever their dtype (scikit-learn mistakes the string "4" for 4 in places).
    classes, codes = np.unique(y.to_numpy(), return_inverse=True)
    y = pd.Series(codes, name=y.name)
    labels = np.arange(len(classes))
    minority = int(np.argmin([counts[c] for c in classes]))
    estimators = {
        name: make_classifier(clf, categorical, numeric, random_state) if isinstance(clf, str)
        else clf
        for name, clf in named.items()
    }
    skip = set(skip)
    for fold, train, test in _protocol_folds(y, folds, repeats, random_state, imbalance_ratio):
        X_tr, y_tr = X.iloc[train].reset_index(drop=True), y.iloc[train].reset_index(drop=True)
        X_te, y_te = X.iloc[test].reset_index(drop=True), y.iloc[test].to_numpy()
        seed = _fold_seed(random_state, fold)
        for arm, sampler in arm_list:
            todo = [
                name for name, est in estimators.items()
                if (name, arm, fold) not in skip
                and not (arm == "balanced" and sampler is None and _balanced_key(est) is None)
            ]
            if todo:
                start = time.perf_counter()
                X_res, y_res, transform = _resample(arm, sampler, X_tr, y_tr, categorical,
                                                    categorical_features, augmenter, seed, classes)
                resample_s = time.perf_counter() - start
                X_eval = transform(X_te) if transform is not None else X_te
                variety = _synthetic_variety(X_tr, y_tr, X_res, y_res) if len(X_res) > len(X_tr) else {}
            for name in todo:
                model = clone(estimators[name])
                if arm == "balanced" and sampler is None:
                    model.set_params(**{_balanced_key(model): "balanced"})
                start = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    model.fit(X_res, np.asarray(y_res))
                fit_s = time.perf_counter() - start
                yield {
                    "classifier": name, "arm": arm, "fold": fold, "repeat": fold // folds,
                    "n_train": len(X_tr), "n_test": len(X_te),
                    "resample_s": resample_s, "fit_s": resample_s + fit_s,
                    **_scores(y_te, model.predict(X_eval), labels, minority),
                    **variety,
                }
            if progress is not None:
                progress(1, f"fold {fold + 1}/{folds * repeats} {arm}")


def _synthetic_variety(X_tr, y_tr, X_res, y_res):
    """How varied the rows a sampler added are, against the real rows of their class.

    The added rows are those after the training rows (every sampler here returns the
    originals first). ``variety``: the mean over the classes that got rows of
    :func:`ganaug.diagnostics.class_variety`'s ratios (each capped at 1; 1 = as varied
    as the real rows, near 0 = collapsed). ``missing_gap``: the mean absolute
    difference between the added and the real rows' shares of missing values, over
    the (class, column) pairs where either has any.
    """
    from ganaug.diagnostics import class_variety

    synth = pd.DataFrame(X_res).iloc[len(X_tr):].reset_index(drop=True)
    synth.columns = X_tr.columns
    table = class_variety(X_tr, np.asarray(y_tr), synth, np.asarray(y_res)[len(X_tr):])
    if table.empty:
        return {}
    per_class = table.assign(ratio=table["ratio"].clip(upper=1.0)).groupby("class")["ratio"].mean()
    gaps = (table["synth_missing"] - table["real_missing"]).abs()
    has = (table["synth_missing"] > 0) | (table["real_missing"] > 0)
    return {"variety": float(per_class.mean()), "missing_gap": float(gaps[has].mean()) if has.any() else 0.0}


# --------------------------------------------------------------------- statistics
def corrected_ttest(a, b, test_train_ratio):
    """Nadeau-Bengio corrected resampled t-test of paired fold scores ``a - b``.

    The variance of the mean difference over ``J`` folds is taken as
    ``(1 / J + test_train_ratio) * s**2`` instead of ``s**2 / J``, because folds
    of repeated cross-validation train on overlapping rows.

    Parameters
    ----------
    a, b : array-like of shape (n_folds,)
        Scores of two arms on the same folds.
    test_train_ratio : float
        Test rows per training row (``1 / (folds - 1)`` without a cut).

    Returns
    -------
    difference : float
        Mean of ``a - b``.
    p_value : float
        Two-sided p-value (1 when every difference is 0, 0 when they are all the
        same non-zero value).

    Examples
    --------
    >>> diff, p = corrected_ttest([0.9, 0.8, 0.85, 0.9], [0.8, 0.8, 0.8, 0.85], 0.25)
    >>> round(diff, 3), round(p, 3)
    (0.05, 0.182)
    """
    from scipy import stats

    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    n = len(d)
    mean = float(d.mean())
    var = float(d.var(ddof=1)) if n > 1 else 0.0
    if var == 0.0:
        return mean, 1.0 if mean == 0.0 else 0.0
    t = mean / math.sqrt((1.0 / n + test_train_ratio) * var)
    return mean, float(2 * stats.t.sf(abs(t), df=n - 1))


def summarize(records, metrics=METRICS):
    """Mean and standard deviation over folds per arm, and the median fit seconds.

    Parameters
    ----------
    records : DataFrame
        From :func:`cross_validate_arms` (one classifier).
    metrics : sequence of str

    Returns
    -------
    DataFrame
        Indexed by arm in the order of first appearance; columns ``<metric>``,
        ``<metric>_sd``, ``fit_s`` (mean), ``fit_s_sd``, ``fit_s_median``, ``n_folds``.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"arm": ["none", "none"], "macro_f1": [0.8, 0.9], "fit_s": [1.0, 3.0]})
    >>> summarize(r, ["macro_f1"]).round(3).to_dict("records")[0]["macro_f1_sd"]
    0.071
    """
    order = list(pd.unique(records["arm"]))
    grouped = records.groupby("arm", sort=False)
    out = pd.DataFrame(index=pd.Index(order, name="arm"))
    for col in [*metrics, "fit_s"]:
        out[col] = grouped[col].mean()
        out[f"{col}_sd"] = grouped[col].std(ddof=1)
    out["fit_s_median"] = grouped["fit_s"].median()
    for col in ("variety", "missing_gap"):  # of the rows a sampler added (NaN for none)
        if col in records:
            out[col] = grouped[col].mean()
    out["n_folds"] = grouped.size()
    return out


def _best(summary, metric):
    """The arm with the highest mean; ties go to the arm listed first (the simpler)."""
    means = summary[metric]
    return means.index[int(np.argmax(means.to_numpy()))]


def _tests(records, summary, metric, best):
    wide = records.pivot(index="fold", columns="arm", values=metric)
    ratio = float(records["n_test"].mean() / records["n_train"].mean())
    simple = [a for a in SIMPLE_ARMS if a in summary.index and a != best]
    refs = []
    if best != "none":
        if "none" in summary.index:
            refs.append(("none", "no resampling"))
        if simple:
            runner = _best(summary.loc[simple], metric)
            refs.append((runner, "the best simple arm" if best not in SIMPLE_ARMS
                         else "the best other simple arm"))
    else:
        others = [a for a in summary.index if a != "none"]
        if others:
            refs.append((_best(summary.loc[others], metric), "the best remedy"))
    rows = []
    for ref, role in refs:
        both = wide[[best, ref]].dropna()
        diff, p = corrected_ttest(both[best], both[ref], ratio)
        rows.append({"arm": best, "versus": ref, "role": role, "difference": diff,
                     "p_value": p, "n_folds": len(both)})
    return pd.DataFrame(rows, columns=["arm", "versus", "role", "difference", "p_value",
                                       "n_folds"])


def _noise(p):
    return "larger than the fold-to-fold noise" if p < _ALPHA else "within the fold-to-fold noise"


def _sentence(summary, tests, metric, best):
    """Which arm is best, and whether its leads are larger than the fold-to-fold noise."""
    score = summary.loc[best, metric]
    if tests.empty:
        return f"{best} is best by {metric} ({score:.3f}); there is no other arm to compare with."
    rows = list(tests.itertuples())
    if best == "none":
        row = rows[0]
        return (
            f"none (no rebalancing) is best by {metric} ({score:.3f}); the best remedy, "
            f"{row.versus}, is {row.difference + 0.0:.3f} behind (p = {row.p_value:.3f}), "
            f"{_noise(row.p_value)}."
        )
    leads = [
        f"over {row.versus} (" + (f"{row.role}: " if row.versus != "none" else "")
        + f"{row.difference + 0.0:+.3f}, p = {row.p_value:.3f})"
        for row in rows
    ]
    verdicts = [_noise(row.p_value) for row in rows]
    if len(set(verdicts)) == 1:
        tail = " and ".join(leads) + f" is {verdicts[0]}"
    else:
        tail = "; ".join(f"{lead} is {v}" for lead, v in zip(leads, verdicts))
    return f"{best} is best by {metric} ({score:.3f}); its lead {tail}."


# --------------------------------------------------------------------------- result
@dataclass
class ComparisonResult:
    """What :func:`compare` found.

    Attributes
    ----------
    records : DataFrame
        One row per fold and arm: scores, ``fit_s``, fold sizes.
    summary : DataFrame
        Per arm: mean and sd of each metric and of ``fit_s``, median ``fit_s``.
    metric : str
        The metric that decides.
    best : str
        The arm with the highest mean ``metric``.
    tests : DataFrame
        The best arm against ``none`` and the best simple arm: mean difference over
        folds and the corrected paired t-test's p-value.
    sentence : str
        The verdict in one plain sentence.
    notes : list of str
        Arms left out, and why.
    settings : dict
        Classifier, folds, repeats, random_state, imbalance_ratio, minority class.
    """

    records: pd.DataFrame
    summary: pd.DataFrame
    metric: str
    best: str
    tests: pd.DataFrame
    sentence: str
    notes: list = field(default_factory=list)
    settings: dict = field(default_factory=dict)

    def table(self):
        """The summary as aligned text: mean ± sd per metric, fit seconds."""
        cells = pd.DataFrame(index=self.summary.index)
        for col in [*METRICS, "fit_s"]:
            digits = 2 if col == "fit_s" else 3
            cells[col] = [
                f"{m:.{digits}f} ± {0.0 if s != s else s:.{digits}f}"
                for m, s in zip(self.summary[col], self.summary[f"{col}_sd"])
            ]
        cells[""] = ["<- best" if arm == self.best else "" for arm in cells.index]
        return cells.to_string()

    def __str__(self):
        s = self.settings
        head = (f"{s.get('classifier')}: {s.get('repeats')} x {s.get('folds')}-fold stratified "
                f"CV, seed {s.get('random_state')}; minority class {shown(s.get('minority'))}")
        if s.get("imbalance_ratio") is not None:
            head += f"; training folds cut to imbalance ratio {s['imbalance_ratio']:g}"
        n = int(self.summary["n_folds"].max())
        lines = [head, "", self.table(), "", self.sentence,
                 f"(p: Nadeau-Bengio corrected paired t-test over the {n} folds; below "
                 f"{_ALPHA} = larger than the fold-to-fold noise.)"]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def write_html(self, path, *, title="ganaug compare", force=False):
        """Write a self-contained HTML page: the table, the verdict, a plot per metric.

        Each plot shows one point per fold and arm, with the arm's mean as a bar.
        The file is written whole or not at all.
        """
        from ganaug.plots import png_base64, pyplot
        from ganaug.io import atomic_path

        plt = pyplot()
        arms = list(self.summary.index)
        figures = []
        for col in [*METRICS, "fit_s"]:
            fig, ax = plt.subplots(figsize=(1.1 * len(arms) + 2, 3.2))
            for i, arm in enumerate(arms):
                vals = self.records.loc[self.records["arm"] == arm, col].to_numpy()
                jitter = np.linspace(-0.15, 0.15, len(vals)) if len(vals) > 1 else [0.0]
                ax.scatter(i + np.asarray(jitter), vals, s=16, alpha=0.7,
                           color="C3" if arm == self.best else "C0")
                ax.hlines(vals.mean(), i - 0.3, i + 0.3, color="k", lw=1.5)
            ax.set_xticks(range(len(arms)), arms)
            ax.set_ylabel(col)
            ax.set_title(f"{col}: one point per fold, line = mean", fontsize=10)
            ax.grid(axis="y", alpha=0.3)
            figures.append((col, png_base64(fig)))
        tests = self.tests.copy()
        page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: sans-serif; max-width: 1000px; margin: 2em auto; color: #222; }}
table {{ border-collapse: collapse; font-size: 0.9em; margin-bottom: 1em; }}
td, th {{ padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: left; }}
img {{ max-width: 100%; }} dt {{ font-weight: bold; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>{html.escape(str(self).splitlines()[0])}</p>
<p><strong>{html.escape(self.sentence)}</strong></p>
<ul>{''.join(f'<li>{html.escape(n)}</li>' for n in self.notes)}</ul>
<h2>Mean ± sd over folds</h2>
<pre>{html.escape(self.table())}</pre>
<h2>Paired tests (decided by {html.escape(self.metric)})</h2>
{tests.to_html(index=False, border=0, float_format=lambda v: f"{v:.4f}")}
<h2>Scores per fold</h2>
{''.join(f'<figure><img alt="{html.escape(n)}" src="data:image/png;base64,{d}"></figure>'
         for n, d in figures)}
<h2>What the columns mean</h2>
<dl>{''.join(f'<dt>{k}</dt><dd>{html.escape(v)}</dd>' for k, v in MEANINGS.items())}</dl>
</body></html>
"""
        with atomic_path(path, force=force) as tmp:
            tmp.write_text(page, encoding="utf-8")


def result_from_records(records, *, metric="macro_f1", notes=(), settings=None):
    """Build a :class:`ComparisonResult` from the records of one classifier."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {list(METRICS)}. Got {metric!r} instead.")
    summary = summarize(records)
    best = _best(summary, metric)
    tests = _tests(records, summary, metric, best)
    return ComparisonResult(records=records, summary=summary, metric=metric, best=best,
                            tests=tests, sentence=_sentence(summary, tests, metric, best),
                            notes=list(notes), settings=dict(settings or {}))


def compare(X, y, *, classifier="hgb", arms=None, augmenter=None, metric="macro_f1", folds=5,
            repeats=2, random_state=0, imbalance_ratio=None, categorical_features="auto",
            progress=None):
    """Measure on held-out folds of ``(X, y)`` whether rebalancing helps, and which way.

    Repeated stratified K-fold cross-validation; in each fold every arm
    (``none``, ``balanced``, ``random``, ``smote``, ``ganaug``; see
    :mod:`ganaug.comparison`) prepares the training rows, ``classifier`` is fitted on
    them and scored on the untouched test fold.

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_samples, n_features)
        Numeric, categorical and missing values are all allowed.
    y : array-like of shape (n_samples,)
    classifier : {'hgb', 'logreg', 'forest'} or estimator, default='hgb'
        A named classifier (:func:`make_classifier`; ``hgb`` takes categorical and
        missing values natively) or your own scikit-learn classifier, which gets
        the columns as they are.
    arms : list of str or (name, sampler) pairs, default=None
        Which arms to run (None: all of :data:`ARMS`).
    augmenter : GANAugmenter, default=None
        The ``ganaug`` arm's sampler, e.g. ``GANAugmenter(**load_recipe("fast"))``;
        None: ``GANAugmenter()`` with its defaults. Its ``random_state`` is set per
        fold when it is None.
    metric : {'macro_f1', 'balanced_accuracy', 'minority_recall', 'g_mean'}
        The score that picks the best arm.
    folds, repeats : int, default=5, 2
    random_state : int or None, default=0
        The same integer gives the same scores (fit seconds aside).
    imbalance_ratio : float, default=None
        Cut training folds to this imbalance ratio first (benchmarking on balanced
        tables); test folds are never cut.
    categorical_features : 'auto' or list of str or int, default='auto'
        Further columns to treat as categorical (non-numeric ones always are).
    progress : callable, default=None
        ``progress(1, label)`` after each (fold, arm).

    Returns
    -------
    ComparisonResult
        ``print(result)`` shows the table and the verdict;
        ``result.write_html(path)`` writes the report.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> X, y = make_classification(n_samples=150, weights=[0.85], random_state=0)
    >>> result = compare(X, y, classifier="logreg", arms=["none", "balanced", "random"],
    ...                  folds=3, repeats=1)
    >>> list(result.summary.index), result.best in result.summary.index
    (['none', 'balanced', 'random'], True)
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {list(METRICS)}. Got {metric!r} instead.")
    named = _classifier_dict(classifier)
    if len(named) != 1:
        raise ValueError(
            f"compare takes one classifier; use cross_validate_arms for several. "
            f"Got {list(named)!r} instead."
        )
    records = pd.DataFrame(cross_validate_arms(
        X, y, classifiers=named, arms=arms, augmenter=augmenter, folds=folds, repeats=repeats,
        random_state=random_state, imbalance_ratio=imbalance_ratio,
        categorical_features=categorical_features, progress=progress,
    ))
    (name, clf), = named.items()
    notes = []
    arm_names = [a for a, _ in _arm_list(arms)]
    if "balanced" in arm_names:
        est = clf if not isinstance(clf, str) else None
        if est is not None and _balanced_key(est) is None:
            notes.append(f"Arm 'balanced' skipped: {name} has no class_weight parameter.")
    classes, counts = np.unique(np.asarray(y), return_counts=True)
    settings = {"classifier": name, "folds": folds, "repeats": repeats,
                "random_state": random_state, "imbalance_ratio": imbalance_ratio,
                "minority": classes.tolist()[int(np.argmin(counts))]}
    return result_from_records(records, metric=metric, notes=notes, settings=settings)
