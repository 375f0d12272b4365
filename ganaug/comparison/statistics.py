"""What a comparison measures and how it is summed up: the scores of each test fold,
their mean and spread per arm, and the corrected resampled t-test of Nadeau and
Bengio (2003) that says whether one arm's lead is larger than the fold-to-fold noise.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

#: The scores of each test fold; ``metric=`` picks the one that decides. The first four
#: score the predicted labels; ``roc_auc`` and ``average_precision`` score how the
#: classifier ranks the test rows (its ``predict_proba``), whatever its threshold.
METRICS = ("macro_f1", "balanced_accuracy", "minority_recall", "g_mean", "roc_auc",
           "average_precision")
#: The metrics that score predicted labels (the ones a decision threshold can move).
LABEL_METRICS = METRICS[:4]

MEANINGS = {
    "macro_f1": "Unweighted mean of the per-class F1 scores on the test fold.",
    "balanced_accuracy": "Mean of the per-class recalls on the test fold (chance = 1 / n_classes).",
    "minority_recall": "Recall of the rarest class of y (as given) on the test fold.",
    "g_mean": "Geometric mean of the per-class recalls; 0 when a class is never found.",
    "roc_auc": ("Area under the ROC curve of the classifier's predicted probabilities on the "
                "test fold: with two classes for the rarest class, with more the mean of the "
                "one-vs-rest areas (0.5 = chance). A threshold does not change it."),
    "average_precision": ("Average precision (area under the precision-recall curve) of the "
                          "predicted probabilities: with two classes for the rarest class, "
                          "with more the mean over classes one-vs-rest (chance = the class's "
                          "share of the test rows). A threshold does not change it."),
    "fit_s": "Seconds to resample the training fold and fit the classifier.",
}


# -------------------------------------------------------------------------- scoring
def label_score(y_true, y_pred, *, metric, labels, minority):
    """One of :data:`LABEL_METRICS` of predicted labels (``minority``: the rarest class).

    Module-level with keyword arguments, so that :func:`sklearn.metrics.make_scorer`
    can wrap it (the ``threshold`` arm tunes for it) and worker processes can pickle it.

    Examples
    --------
    >>> label_score([0, 0, 1, 1], [0, 1, 1, 1], metric="minority_recall", labels=[0, 1],
    ...             minority=1)
    1.0
    """
    from imblearn.metrics import geometric_mean_score
    from sklearn.metrics import balanced_accuracy_score, f1_score, recall_score

    if metric == "macro_f1":
        return float(f1_score(y_true, y_pred, average="macro", labels=labels, zero_division=0))
    if metric == "balanced_accuracy":
        return float(balanced_accuracy_score(y_true, y_pred))
    if metric == "minority_recall":
        return float(recall_score(y_true, y_pred, labels=[minority], average="macro",
                                  zero_division=0))
    if metric == "g_mean":
        return float(geometric_mean_score(y_true, y_pred, average="multiclass", labels=labels))
    raise ValueError(f"metric must be one of {list(LABEL_METRICS)}. Got {metric!r} instead.")


def ranking_scores(y_true, y_score, labels, minority):
    """``roc_auc`` and ``average_precision`` of class scores on one test fold.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
    y_score : ndarray of shape (n_samples, len(labels)) or None
        A score per class, columns in the order of ``labels`` (probabilities, or
        decision values where the classifier has no ``predict_proba``); None: both
        scores are NaN.
    labels : array-like
        Every class of the table.
    minority : label
        The rarest class: the positive one when there are two classes.

    Returns
    -------
    dict

    Notes
    -----
    With more than two classes both are macro averages one-vs-rest: each class's
    column against its one-hot labels, averaged over the classes present in the test
    fold (a class absent from it has no area; it is left out, not a crash). With
    probabilities and every class present, ``roc_auc`` equals
    ``roc_auc_score(y_true, y_score, multi_class="ovr", average="macro")``; the
    one-hot form also takes decision values, which need not sum to 1.

    Examples
    --------
    >>> import numpy as np
    >>> proba = np.array([[0.9, 0.1], [0.4, 0.6], [0.3, 0.7], [0.5, 0.5]])
    >>> ranking_scores([0, 0, 1, 1], proba, [0, 1], minority=1)
    {'roc_auc': 0.75, 'average_precision': 0.8333333333333333}
    """
    from sklearn.metrics import average_precision_score, roc_auc_score

    nan = {"roc_auc": float("nan"), "average_precision": float("nan")}
    if y_score is None:
        return nan
    y_true, labels = np.asarray(y_true), np.asarray(labels)
    if len(labels) == 2:
        k = int(np.flatnonzero(labels == minority)[0])
        positive = y_true == minority
        if positive.all() or not positive.any():
            return nan
        return {"roc_auc": float(roc_auc_score(positive, y_score[:, k])),
                "average_precision": float(average_precision_score(positive, y_score[:, k]))}
    onehot = (y_true[:, None] == labels[None, :]).astype(int)
    present = (onehot.sum(axis=0) > 0) & (onehot.sum(axis=0) < len(y_true))
    if not present.any():
        return nan
    onehot, y_score = onehot[:, present], np.asarray(y_score)[:, present]
    return {"roc_auc": float(roc_auc_score(onehot, y_score, average="macro")),
            "average_precision": float(average_precision_score(onehot, y_score,
                                                               average="macro"))}


def class_scores(model, X, labels):
    """A score per class of ``labels`` for each row of ``X``: ``predict_proba``, else
    ``decision_function`` (two classes: ``-d, d``), else None. Classes the model never
    saw get the lowest score."""
    method = next((m for m in ("predict_proba", "decision_function") if hasattr(model, m)),
                  None)
    if method is None:
        return None
    raw = np.asarray(getattr(model, method)(X), dtype=float)
    if raw.ndim == 1:
        raw = np.column_stack([-raw, raw])
    columns = np.searchsorted(labels, np.asarray(model.classes_))
    out = np.full((raw.shape[0], len(labels)), raw.min() - 1.0 if raw.size else 0.0)
    out[:, columns] = raw
    return out


def fold_scores(y_true, y_pred, labels, minority, y_score=None):
    """The scores of :data:`METRICS` on one test fold (``minority``: the rarest class;
    ``y_score``: see :func:`ranking_scores`)."""
    return {
        **{m: label_score(y_true, y_pred, metric=m, labels=labels, minority=minority)
           for m in LABEL_METRICS},
        **ranking_scores(y_true, y_score, labels, minority),
    }


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
