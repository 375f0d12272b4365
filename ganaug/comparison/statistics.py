"""What a comparison measures and how it is summed up: the scores of each test fold,
their mean and spread per arm, and the corrected resampled t-test of Nadeau and
Bengio (2003) that says whether one arm's lead is larger than the fold-to-fold noise.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

#: The scores of each test fold; ``metric=`` picks the one that decides.
METRICS = ("macro_f1", "balanced_accuracy", "minority_recall", "g_mean")

MEANINGS = {
    "macro_f1": "Unweighted mean of the per-class F1 scores on the test fold.",
    "balanced_accuracy": "Mean of the per-class recalls on the test fold (chance = 1 / n_classes).",
    "minority_recall": "Recall of the rarest class of y (as given) on the test fold.",
    "g_mean": "Geometric mean of the per-class recalls; 0 when a class is never found.",
    "fit_s": "Seconds to resample the training fold and fit the classifier.",
}


# -------------------------------------------------------------------------- scoring
def fold_scores(y_true, y_pred, labels, minority):
    """The scores of :data:`METRICS` on one test fold (``minority``: the rarest class)."""
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
