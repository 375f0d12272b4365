"""The arms of a comparison: the named classifiers, each with its own imputation and
encoding, and the samplers that prepare a training fold (random over-sampling, SMOTE
and its variants, GANAugmenter or any object with ``fit_resample``).

Every sampler brings each class up to the majority count; test folds are never
resampled. :func:`cut_imbalance` cuts a training fold to a given imbalance ratio.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

#: The built-in arms, in the order they are shown.
ARMS = ("none", "balanced", "random", "smote", "ganaug")
#: The arms a GAN has to beat to be worth its training time.
SIMPLE_ARMS = ("balanced", "random", "smote")
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
