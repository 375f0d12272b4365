"""How good are synthetic rows? Fidelity, conditional fidelity, utility and privacy scores.

Every score here compares a real table with a synthetic one, overall and per class,
with the statistics of SciPy and scikit-learn (Kolmogorov-Smirnov, ROC AUC,
nearest neighbours, ...). :func:`evaluate` runs them all and returns a report (a
dict); :mod:`ganaug.report` turns a report into a table, a text summary or an HTML
page, and :mod:`ganaug.plots` draws its figures. :mod:`ganaug.tuning` scores its
trials with :func:`utility_scores` and :func:`detection_auc`.

Missing values are allowed everywhere: the marginal statistics drop them, and the
models behind the other scores impute them.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from ganaug.display import counted, shown

__all__ = [
    "MEANINGS",
    "TRAININGS",
    "as_frame",
    "conditional_fidelity",
    "correlation_similarity",
    "detection_auc",
    "detection_chance_range",
    "evaluate",
    "exact_copy_rate",
    "is_images",
    "ks_complement",
    "label_agreement",
    "marginal_fidelity",
    "meanings",
    "pixel_table",
    "privacy_scores",
    "rule_table",
    "tv_complement",
    "utility_scores",
]

#: The training sets of :func:`utility_scores`.
TRAININGS = ("real", "real+synthetic", "synthetic")

#: One line of meaning for each score in the report.
MEANINGS = {
    "marginal_fidelity": "Mean over columns of 1 - KS statistic (numeric) or 1 - total variation "
    "(categorical); 1 = each column's distribution matches the real one.",
    "correlation_similarity": "1 - mean |difference| / 2 between the real and synthetic correlation "
    "matrices (one-hot for categoricals); 1 = same pairwise relations.",
    "detection_auc": "Cross-validated ROC AUC of a random forest telling real from synthetic rows "
    "(each synthetic row in the fold of its nearest real row); 0.5 = indistinguishable, "
    "1 = always told apart.",
    "label_agreement": "Share of synthetic rows whose label a classifier trained on real rows "
    "agrees with (trained without the real row nearest to each, so that a near-copy is not "
    "judged by a classifier that saw its original); 1 = every row looks like the class it was "
    "made for.",
    "label_agreement_real": "The same share for held-out real rows of the class (same classifier "
    "and folds): how clear-cut the class is. Synthetic rows that agree about as often look like "
    "the class as much as real ones do.",
    "balanced_accuracy": "Mean per-class recall on held-out real rows (chance = 1 / n_classes).",
    "f1_macro": "Unweighted mean of per-class F1 on held-out real rows.",
    "g_mean": "Geometric mean of per-class recalls on held-out real rows; 0 if any class is never found.",
    "minority_recall": "Recall of the rarest training class on held-out real rows.",
    "dcr_median": "Median distance from a synthetic row to its closest training row (scaled "
    "features); compare with the holdout baseline, near 0 = copying.",
    "dcr_p05": "5th percentile of the synthetic rows' distance to the closest training row; "
    "near 0 = some rows (nearly) copy training rows.",
    "dcr_holdout_baseline": "Median distance from a held-out real row to its closest training row: "
    "what an honest fresh sample looks like.",
    "closer_to_training_share": "Share of synthetic rows closer to a training row than to a holdout "
    "row (training subsampled to the holdout's size); 0.5 = no memorisation.",
    "exact_copy_rate": "Share of synthetic rows identical (all columns and label) to a training row; "
    "0 is the goal.",
    "rule_rate": "Share of rows keeping a rule that at least 99 % of the real rows keep (a "
    "dependency, an exact identity, an order or the combinations of levels that occur; found "
    "by ganaug.tabular.rules.find_rules); a synthetic share below the real one means "
    "synthetic rows break the table's own rules.",
}

_UNIT_WORDS = {
    "images": {"rows": "images", "row": "image", "columns": "pixels", "column": "pixel",
               "column's": "pixel's", "rows'": "images'"},
}


def meanings(unit="rows"):
    """:data:`MEANINGS` in the words of ``unit``: ``'rows'`` (as written) or ``'images'``.

    For images, a row is an image and a column a pixel.

    Examples
    --------
    >>> meanings("images")["exact_copy_rate"]
    'Share of synthetic images identical (all pixels and label) to a training image; 0 is the goal.'
    """
    if unit == "rows":
        return dict(MEANINGS)
    if unit not in _UNIT_WORDS:
        raise ValueError(f"unit must be 'rows' or 'images'. Got {unit!r} instead.")
    words = _UNIT_WORDS[unit]
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
                         + r")(?![\w'])")
    return {key: pattern.sub(lambda m: words[m.group(1)], text) for key, text in MEANINGS.items()}


# --------------------------------------------------------------------------- helpers
def as_frame(X, name="X"):
    """``X`` as a DataFrame with a fresh index (an array's columns numbered)."""
    if isinstance(X, pd.DataFrame):
        return X.reset_index(drop=True)
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"{name} must be a 2-D table. Got an array of shape {X.shape!r} instead.")
    return pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])


def _categorical_columns(frame, categorical_features="auto"):
    if categorical_features == "auto":
        return [
            c
            for c in frame.columns
            if not pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c])
        ]
    return [frame.columns[c] if isinstance(c, (int, np.integer)) else c for c in categorical_features]


def _align(real, synth):
    """Check that both tables have the same columns; return synth in real's column order."""
    missing = [c for c in real.columns if c not in synth.columns]
    if missing:
        raise ValueError(
            f"Synthetic table lacks column {missing[0]!r} of the real table. "
            f"Got columns {list(map(str, synth.columns))!r} instead."
        )
    return synth[list(real.columns)].reset_index(drop=True)


def _as_text(X):
    """Categorical cells as strings, missing ones as the category 'nan'."""
    frame = pd.DataFrame(X).astype(object)
    return frame.where(frame.notna(), "<missing>").astype(str).to_numpy()


def _preprocessor(categorical, numeric, *, scale=True):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

    to_str = FunctionTransformer(_as_text, feature_names_out="one-to-one")
    numeric_steps = [SimpleImputer(strategy="median", keep_empty_features=True)]
    if scale:
        numeric_steps.append(StandardScaler())
    steps = [("num", make_pipeline(*numeric_steps), list(numeric))]
    steps.append(
        (
            "cat",
            make_pipeline(to_str, OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
            list(categorical),
        )
    )
    return ColumnTransformer(steps, remainder="drop", sparse_threshold=0)


def _split_kinds(frame, categorical_features):
    categorical = _categorical_columns(frame, categorical_features)
    numeric = [c for c in frame.columns if c not in categorical]
    return categorical, numeric


def _classifier(kind, random_state):
    """'forest', 'logistic', or a copy (sklearn.base.clone) of a scikit-learn classifier."""
    if not isinstance(kind, str):
        from sklearn.base import clone

        return clone(kind)
    if kind == "forest":
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(n_estimators=100, random_state=random_state, n_jobs=1)
    if kind == "logistic":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(max_iter=2000)
    raise ValueError(
        "models must hold 'logistic', 'forest' or scikit-learn classifiers. "
        f"Got {kind!r} instead."
    )


def _model_name(kind):
    return kind if isinstance(kind, str) else type(kind).__name__


def _model(kind, categorical, numeric, random_state):
    from sklearn.pipeline import make_pipeline

    return make_pipeline(_preprocessor(categorical, numeric), _classifier(kind, random_state))


# ------------------------------------------------------------------------- fidelity
def ks_complement(real, synth):
    """1 minus the two-sample Kolmogorov-Smirnov statistic of a numeric column.

    Parameters
    ----------
    real, synth : array-like of shape (n,)
        Numeric values; missing values are dropped.

    Returns
    -------
    float
        In [0, 1]; 1 when the empirical distributions coincide. NaN when either
        side has no values.

    Examples
    --------
    >>> ks_complement([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    1.0
    """
    from scipy.stats import ks_2samp

    a = pd.to_numeric(pd.Series(real), errors="coerce").dropna().to_numpy(float)
    b = pd.to_numeric(pd.Series(synth), errors="coerce").dropna().to_numpy(float)
    if len(a) == 0 or len(b) == 0:
        return float("nan")
    return float(1.0 - ks_2samp(a, b).statistic)


def tv_complement(real, synth):
    """1 minus the total-variation distance between two categorical columns.

    Missing values count as a category of their own.

    Examples
    --------
    >>> tv_complement(["a", "a", "b"], ["a", "b", "b"])
    0.6666666666666667
    """
    p = pd.Series(real, dtype=object).fillna("<missing>").astype(str).value_counts(normalize=True)
    q = pd.Series(synth, dtype=object).fillna("<missing>").astype(str).value_counts(normalize=True)
    if p.empty or q.empty:
        return float("nan")
    p, q = p.align(q, fill_value=0.0)
    return float(1.0 - 0.5 * np.abs(p - q).sum())


def marginal_fidelity(real_X, synth_X, *, categorical_features="auto"):
    """Per-column KS complement (numeric) or TV complement (categorical).

    Parameters
    ----------
    real_X, synth_X : DataFrame or array-like of shape (n, n_features)
    categorical_features : 'auto' or list of column names or indices, default='auto'

    Returns
    -------
    Series
        One score in [0, 1] per column, indexed by column name.

    Examples
    --------
    >>> import pandas as pd
    >>> real = pd.DataFrame({"a": [1.0, 2.0, 3.0], "c": ["x", "y", "y"]})
    >>> marginal_fidelity(real, real).tolist()
    [1.0, 1.0]
    """
    real = as_frame(real_X, "real_X")
    synth = _align(real, as_frame(synth_X, "synth_X"))
    categorical = set(_categorical_columns(real, categorical_features))
    return pd.Series(
        {
            c: tv_complement(real[c], synth[c]) if c in categorical else ks_complement(real[c], synth[c])
            for c in real.columns
        },
        dtype=float,
    )


def _correlation_matrix(real, synth, categorical_features):
    categorical, numeric = _split_kinds(real, categorical_features)
    pre = _preprocessor(categorical, numeric, scale=False).fit(real)
    names = pre.get_feature_names_out()
    a = pd.DataFrame(pre.transform(real), columns=names)
    b = pd.DataFrame(pre.transform(synth), columns=names)
    # Pearson correlation from pandas; constant columns give NaN and are ignored.
    return a.corr(), b.corr()


def correlation_similarity(real_X, synth_X, *, categorical_features="auto"):
    """How alike the real and synthetic correlation matrices are.

    Numeric columns are imputed with the median, categorical ones one-hot encoded;
    Pearson correlations are then compared entry by entry.

    Returns
    -------
    float
        ``1 - mean(|corr_real - corr_synth|) / 2`` over the off-diagonal pairs
        defined on both sides; 1 = identical matrices. NaN with fewer than two
        encoded columns or rows.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(50, 3))
    >>> correlation_similarity(X, X)
    1.0
    """
    real = as_frame(real_X, "real_X")
    synth = _align(real, as_frame(synth_X, "synth_X"))
    if len(real) < 2 or len(synth) < 2:
        return float("nan")
    a, b = _correlation_matrix(real, synth, categorical_features)
    upper = np.triu(np.ones(a.shape, dtype=bool), k=1)
    diff = np.abs(a.to_numpy() - b.to_numpy())[upper]
    diff = diff[np.isfinite(diff)]
    if diff.size == 0:
        return float("nan")
    return float(1.0 - diff.mean() / 2.0)


def detection_auc(real_X, synth_X, *, categorical_features="auto", cv=3, random_state=0,
                  estimator=None, group_nearest=False):
    """Cross-validated ROC AUC of a random forest at telling real from synthetic rows.

    Parameters
    ----------
    real_X, synth_X : DataFrame or array-like of shape (n, n_features)
    categorical_features : 'auto' or list of column names or indices, default='auto'
    cv : int, default=3
        Stratified, shuffled folds (seeded by ``random_state``).
    random_state : int, default=0
    estimator : scikit-learn classifier, optional
        Used instead of the 100-tree random forest, after the same imputation,
        scaling and one-hot encoding; it needs ``predict_proba`` or
        ``decision_function``.
    group_nearest : bool, default=False
        Put each synthetic row in the fold of its nearest real row (Euclidean, on
        the scaled and one-hot encoded columns), with
        :class:`~sklearn.model_selection.StratifiedGroupKFold`. Use it when
        ``real_X`` holds the rows the synthetic ones were made from: a synthetic row
        close to a real one (a warp of an image, a copy) then never sits in the
        training folds while that real row is tested. With plain folds the
        classifier learns "this real row is synthetic" from its near-copies, and the
        AUC drops below 0.5: near-copies of 8 real digit images scored 0.11 to 0.25
        with plain folds, 0.49 to 0.60 with grouped ones (copies of the first 8 images of
        digits 3, 7 and 9 of ``sample_data/digits``, seeds 0 to 4). Where grouping cannot give
        every fold both kinds of rows (most synthetic rows near one real row), plain
        folds are used.

    Returns
    -------
    float
        0.5 when the classifier cannot tell them apart (the ideal), 1.0 when it
        always can; :func:`detection_chance_range` says how far from 0.5 chance
        alone goes. NaN when either side has fewer rows than ``cv``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> auc = detection_auc(rng.normal(size=(60, 2)), rng.normal(size=(60, 2)) + 5)
    >>> auc > 0.9
    True
    """
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    real = as_frame(real_X, "real_X")
    synth = _align(real, as_frame(synth_X, "synth_X"))
    if min(len(real), len(synth)) < cv:
        return float("nan")
    X = pd.concat([real, synth], ignore_index=True)
    y = np.r_[np.zeros(len(real), int), np.ones(len(synth), int)]
    categorical, numeric = _split_kinds(real, categorical_features)
    model = _model("forest" if estimator is None else estimator, categorical, numeric, random_state)
    folds = StratifiedKFold(cv, shuffle=True, random_state=random_state)
    groups = None
    if group_nearest:
        grouped = _nearest_real_folds(real, synth, y, categorical, numeric, cv, random_state)
        if grouped is not None:
            folds, groups = grouped
    return float(np.mean(cross_val_score(model, X, y, cv=folds, groups=groups, scoring="roc_auc")))


def _nearest_real_folds(real, synth, y, categorical, numeric, cv, random_state):
    """StratifiedGroupKFold and groups (a real row with the synthetic rows nearest to it),
    or None where some fold would miss real or synthetic rows on either side."""
    from sklearn.model_selection import StratifiedGroupKFold
    from sklearn.neighbors import NearestNeighbors

    pre = _preprocessor(categorical, numeric).fit(real)
    nearest = NearestNeighbors(n_neighbors=1).fit(pre.transform(real))
    groups = np.r_[np.arange(len(real)), nearest.kneighbors(pre.transform(synth))[1][:, 0]]
    folds = StratifiedGroupKFold(cv, shuffle=True, random_state=random_state)
    for train, test in folds.split(np.zeros(len(y)), y, groups):
        if len(np.unique(y[train])) < 2 or len(np.unique(y[test])) < 2:
            return None
    return folds, groups


def detection_chance_range(n_real, n_synth, level=0.95):
    """The detection AUCs that chance alone gives, with ``n_real`` and ``n_synth`` rows.

    A classifier that learned nothing ranks real and synthetic rows at random; its AUC
    is the Mann-Whitney U statistic over ``n_real * n_synth``, centred on 0.5 with
    standard deviation ``sqrt((n_real + n_synth + 1) / (12 n_real n_synth))``. The
    range holds ``level`` of such AUCs (normal approximation). A cross-validated AUC,
    a mean over folds of the same rows, spreads about as much. With few rows the range
    is wide: an AUC inside it, above or below 0.5, says the rows could not be told
    apart.

    Returns
    -------
    tuple of float
        ``(low, high)``, clipped to [0, 1]; ``(nan, nan)`` without rows on a side.

    Examples
    --------
    >>> low, high = detection_chance_range(8, 52)
    >>> round(low, 2), round(high, 2)
    (0.28, 0.72)
    """
    from scipy.stats import norm

    if n_real < 1 or n_synth < 1:
        return (float("nan"), float("nan"))
    sd = np.sqrt((n_real + n_synth + 1) / (12.0 * n_real * n_synth))
    half = float(norm.ppf(0.5 + level / 2) * sd)
    return (max(0.0, 0.5 - half), min(1.0, 0.5 + half))


# ------------------------------------------------------------ conditional fidelity
def conditional_fidelity(real_X, real_y, synth_X, synth_y, *, categorical_features="auto",
                         random_state=0):
    """How often a classifier trained on real rows agrees with each synthetic label.

    The classifier is trained on every real row, so a synthetic near-copy of one is
    judged by a classifier that saw its original; :func:`evaluate` reports
    :func:`label_agreement` instead, cross-fitted and beside held-out real rows.

    Returns
    -------
    dict
        ``{"overall": share, class: share, ...}``: the accuracy of the real-trained
        random forest on the synthetic rows, overall and per synthetic class.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(size=(40, 2)), rng.normal(size=(40, 2)) + 6]
    >>> y = np.repeat([0, 1], 40)
    >>> conditional_fidelity(X, y, X, y)["overall"]
    1.0
    """
    real = as_frame(real_X, "real_X")
    synth = _align(real, as_frame(synth_X, "synth_X"))
    real_y, synth_y = np.asarray(real_y), np.asarray(synth_y)
    categorical, numeric = _split_kinds(real, categorical_features)
    model = _model("forest", categorical, numeric, random_state).fit(real, real_y)
    agree = model.predict(synth) == synth_y
    out = {"overall": float(agree.mean()) if len(agree) else float("nan")}
    for label in pd.unique(synth_y):
        out[label] = float(agree[synth_y == label].mean())
    return out


def label_agreement(real_X, real_y, synth_X, synth_y, *, categorical_features="auto", cv=3,
                    random_state=0):
    """Label agreement of synthetic rows beside that of held-out real rows, cross-fitted alike.

    The share of synthetic rows that a classifier trained on real rows assigns to
    their own class means little alone: a class that overlaps another is told apart
    poorly even for real rows. Here the real rows are split into ``cv`` stratified,
    shuffled folds; the random forest of :func:`conditional_fidelity` (same seed) is
    trained on all folds but one and predicts the real rows of that fold and the
    synthetic rows whose nearest real row (Euclidean, scaled and one-hot encoded) is
    in it. So no row is judged by a classifier that saw it or the real row it was
    likely made from: a synthetic near-copy of a training row is not counted as
    agreeing because the classifier memorised its original. On the rare digits of
    ``sample_data/digits`` (8 real images each, warps made by ``augment-images
    --recipe tests/tiny_images.toml --seed 0``) a classifier trained on every real
    image agreed with 0.98 to 1.00 of the synthetic images; cross-fitted, 0.38 to 0.54,
    against 0.38 to 0.50 for the real ones.

    Parameters
    ----------
    real_X, real_y : the real rows and their labels
    synth_X, synth_y : synthetic rows and the labels they were made for
    categorical_features : 'auto' or list of column names or indices, default='auto'
    cv : int, default=3
        Folds; a class with fewer real rows than folds is still predicted, from folds
        that hold fewer of its rows.
    random_state : int, default=0

    Returns
    -------
    DataFrame
        Index ``'overall'`` and each class of ``synth_y``; columns ``synthetic`` and
        ``real`` (the shares) and ``n_synthetic`` and ``n_real`` (the rows behind
        them). The overall real share weighs the classes as the synthetic rows do.
        NaN where there is nothing to compare (fewer than two real classes, or no
        real row of the class).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(size=(40, 2)), rng.normal(size=(40, 2)) + 6]
    >>> y = np.repeat([0, 1], 40)
    >>> table = label_agreement(X, y, X[40:] + 0.1, y[40:])
    >>> table[["synthetic", "real"]].to_numpy().tolist()  # overall, class 1
    [[1.0, 1.0], [1.0, 1.0]]
    """
    from sklearn.model_selection import StratifiedKFold
    from sklearn.neighbors import NearestNeighbors

    real = as_frame(real_X, "real_X")
    synth = _align(real, as_frame(synth_X, "synth_X"))
    real_y, synth_y = np.asarray(real_y), np.asarray(synth_y)
    labels = list(pd.unique(synth_y))
    frame = pd.DataFrame(
        {"synthetic": np.nan, "real": np.nan,
         "n_synthetic": [len(synth_y)] + [int((synth_y == c).sum()) for c in labels],
         "n_real": [int(np.isin(real_y, labels).sum())] + [int((real_y == c).sum()) for c in labels]},
        index=pd.Index(["overall", *labels], dtype=object),
    )
    _, counts = np.unique(real_y, return_counts=True)
    if len(counts) < 2 or counts.max() < cv or len(synth) == 0:
        return frame
    categorical, numeric = _split_kinds(real, categorical_features)
    pre = _preprocessor(categorical, numeric).fit(real)
    nearest = NearestNeighbors(n_neighbors=1).fit(pre.transform(real))
    synth_fold_row = nearest.kneighbors(pre.transform(synth))[1][:, 0]
    fold = np.empty(len(real), int)
    with warnings.catch_warnings():
        # a class with fewer rows than folds: expected with rare classes
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        splits = list(StratifiedKFold(cv, shuffle=True, random_state=random_state).split(real, real_y))
    for k, (_, test) in enumerate(splits):
        fold[test] = k
    synth_fold = fold[synth_fold_row]
    real_agree = np.zeros(len(real), bool)
    synth_agree = np.zeros(len(synth), bool)
    for k in range(cv):
        model = _model("forest", categorical, numeric, random_state)
        model.fit(real[fold != k], real_y[fold != k])
        held = fold == k
        real_agree[held] = model.predict(real[held]) == real_y[held]
        held = synth_fold == k
        if held.any():
            synth_agree[held] = model.predict(synth[held]) == synth_y[held]
    for label in labels:
        frame.loc[label, "synthetic"] = float(synth_agree[synth_y == label].mean())
        if (real_y == label).any():
            frame.loc[label, "real"] = float(real_agree[real_y == label].mean())
    frame.loc["overall", "synthetic"] = float(synth_agree.mean())
    classes = frame.drop(index="overall").dropna(subset=["real"])
    if len(classes):
        frame.loc["overall", "real"] = float(np.average(classes["real"], weights=classes["n_synthetic"]))
    return frame


# ------------------------------------------------------------------------- utility
def _scores(y_true, y_pred, minority):
    from imblearn.metrics import geometric_mean_score
    from sklearn.metrics import balanced_accuracy_score, f1_score, recall_score

    labels = np.unique(y_true)
    return {
        "balanced_accuracy": float(balanced_accuracy_score(y_true, y_pred)),
        "f1_macro": float(f1_score(y_true, y_pred, average="macro", labels=labels, zero_division=0)),
        "g_mean": float(geometric_mean_score(y_true, y_pred, average="multiclass", labels=labels)),
        "minority_recall": float(
            recall_score(y_true, y_pred, labels=[minority], average="macro", zero_division=0)
        ),
    }


def utility_scores(train_X, train_y, synth_X, synth_y, test_X, test_y, *,
                   categorical_features="auto", models=("logistic", "forest"),
                   training=TRAININGS, random_state=0):
    """Train on real, on real + synthetic and on synthetic only; score on held-out real rows.

    Parameters
    ----------
    train_X, train_y : real training rows
    synth_X, synth_y : synthetic rows
    test_X, test_y : held-out real rows, never seen by the generator ideally
    categorical_features : 'auto' or list of column names or indices, default='auto'
    models : tuple of {'logistic', 'forest'} or scikit-learn classifiers
        Each is fitted after median imputation, scaling and one-hot encoding; a
        classifier is copied with :func:`sklearn.base.clone` and named by its class.
    training : tuple of {'real', 'real+synthetic', 'synthetic'}, default=all three
        The training sets to score.
    random_state : int, default=0
        Seeds the random forest.

    Returns
    -------
    DataFrame
        Index ``(model, training)``; columns balanced_accuracy, f1_macro, g_mean,
        minority_recall.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(size=(60, 2)), rng.normal(size=(12, 2)) + 3]
    >>> y = np.repeat([0, 1], [60, 12])
    >>> utility_scores(X, y, X, y, X, y, models=("logistic",)).shape
    (3, 4)
    >>> utility_scores(X, y, X, y, X, y, models=("forest",), training=("real+synthetic",)).index.tolist()
    [('forest', 'real+synthetic')]
    """
    unknown = [t for t in training if t not in TRAININGS]
    if unknown:
        raise ValueError(f"training must hold some of {TRAININGS}. Got {unknown[0]!r} instead.")
    train = as_frame(train_X, "train_X")
    synth = _align(train, as_frame(synth_X, "synth_X"))
    test = _align(train, as_frame(test_X, "test_X"))
    train_y, synth_y, test_y = map(np.asarray, (train_y, synth_y, test_y))
    labels, counts = np.unique(train_y, return_counts=True)
    minority = labels[np.argmin(counts)]
    categorical, numeric = _split_kinds(train, categorical_features)
    sets = {
        "real": lambda: (train, train_y),
        "real+synthetic": lambda: (
            pd.concat([train, synth], ignore_index=True), np.r_[train_y, synth_y]
        ),
        "synthetic": lambda: (synth, synth_y),
    }
    rows = {}
    for kind in models:
        for name in training:
            X, y = sets[name]()
            key = (_model_name(kind), name)
            if len(np.unique(y)) < 2:
                rows[key] = dict.fromkeys(
                    ["balanced_accuracy", "f1_macro", "g_mean", "minority_recall"], float("nan")
                )
                continue
            model = _model(kind, categorical, numeric, random_state).fit(X, y)
            rows[key] = _scores(test_y, model.predict(test), minority)
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.names = ["model", "training"]
    return frame


# ------------------------------------------------------------------------- privacy
def _comparable(frame, categorical):
    """Categorical cells as text and numbers as floats, built at once (a wide table of
    pixels, column by column, fragments the frame and pandas warns)."""
    columns = {
        c: frame[c].astype(object).where(frame[c].notna(), None).astype(str)
        if c in categorical
        else pd.to_numeric(frame[c], errors="coerce").astype(float)
        for c in frame.columns
    }
    return pd.DataFrame(columns, index=frame.index)


def exact_copy_rate(train_X, train_y, synth_X, synth_y, *, categorical_features="auto"):
    """Share of synthetic rows identical to a training row of the same class.

    Missing values match missing values; numbers are compared as floats.

    Examples
    --------
    >>> import pandas as pd
    >>> train = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    >>> synth = pd.DataFrame({"a": [1.0, 5.0], "b": ["x", "y"]})
    >>> exact_copy_rate(train, [0, 1], synth, [0, 1])
    0.5
    """
    train = as_frame(train_X, "train_X")
    synth = _align(train, as_frame(synth_X, "synth_X"))
    if len(synth) == 0:
        return float("nan")
    categorical = set(_categorical_columns(train, categorical_features))
    a = _comparable(train, categorical)
    b = _comparable(synth, categorical)
    a.columns = b.columns = [str(c) for c in a.columns]
    a = pd.concat([a, pd.Series(np.asarray(train_y).astype(str), name="__label__")], axis=1)
    b = pd.concat([b, pd.Series(np.asarray(synth_y).astype(str), name="__label__")], axis=1)
    from pandas.util import hash_pandas_object

    known = set(hash_pandas_object(a, index=False).to_numpy())
    return float(np.isin(hash_pandas_object(b, index=False).to_numpy(), list(known)).mean())


def privacy_scores(train_X, train_y, synth_X, synth_y, holdout_X=None, *,
                   categorical_features="auto", random_state=0):
    """Distance to closest record, holdout comparison and exact copies.

    Rows are imputed, scaled (numeric) and one-hot encoded (categorical) with
    scikit-learn, fitted on the training rows; distances are Euclidean, from
    :class:`sklearn.neighbors.NearestNeighbors`.

    Parameters
    ----------
    train_X, train_y : the real rows the generator was trained on
    synth_X, synth_y : synthetic rows
    holdout_X : real rows the generator did NOT see, optional
        Needed for ``dcr_holdout_baseline`` and ``closer_to_training_share``
        (NaN without it).

    Returns
    -------
    dict
        dcr_median, dcr_p05 (5th percentile), dcr_holdout_baseline,
        closer_to_training_share, exact_copy_rate.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(30, 2))
    >>> privacy_scores(X, np.zeros(30), X, np.zeros(30))["exact_copy_rate"]
    1.0
    """
    from sklearn.neighbors import NearestNeighbors

    train = as_frame(train_X, "train_X")
    synth = _align(train, as_frame(synth_X, "synth_X"))
    categorical, numeric = _split_kinds(train, categorical_features)
    pre = _preprocessor(categorical, numeric).fit(train)
    T = pre.transform(train)
    S = pre.transform(synth)
    out = {
        "dcr_median": float("nan"),
        "dcr_p05": float("nan"),
        "dcr_holdout_baseline": float("nan"),
        "closer_to_training_share": float("nan"),
        "exact_copy_rate": exact_copy_rate(
            train, train_y, synth, synth_y, categorical_features=categorical
        ),
    }
    if len(S) == 0:
        return out
    d_train = NearestNeighbors(n_neighbors=1).fit(T).kneighbors(S)[0][:, 0]
    out["dcr_median"] = float(np.median(d_train))
    out["dcr_p05"] = float(np.percentile(d_train, 5))
    if holdout_X is not None:
        holdout = _align(train, as_frame(holdout_X, "holdout_X"))
        H = pre.transform(holdout)
        out["dcr_holdout_baseline"] = float(
            np.median(NearestNeighbors(n_neighbors=1).fit(T).kneighbors(H)[0][:, 0])
        )
        rng = np.random.default_rng(random_state)
        pick = rng.choice(len(T), size=min(len(T), len(H)), replace=False)
        d_sub = NearestNeighbors(n_neighbors=1).fit(T[pick]).kneighbors(S)[0][:, 0]
        d_hold = NearestNeighbors(n_neighbors=1).fit(H).kneighbors(S)[0][:, 0]
        out["closer_to_training_share"] = float(np.mean(d_sub < d_hold))
    return out


# ----------------------------------------------------------------------- evaluate
def _fidelity(real, synth, categorical, cv, random_state):
    per_column = marginal_fidelity(real, synth, categorical_features=categorical)
    return {
        "marginal_fidelity": float(per_column.mean()) if per_column.notna().any() else float("nan"),
        "correlation_similarity": correlation_similarity(real, synth, categorical_features=categorical),
        "detection_auc": detection_auc(
            real, synth, categorical_features=categorical, cv=cv, random_state=random_state,
            group_nearest=True,
        ),
        "per_column": per_column,
    }


def _match_class_mix(real_y, synth_y, random_state):
    """Indices of real rows, of the synthetic classes, in the synthetic class proportions."""
    labels, wanted = np.unique(synth_y, return_counts=True)
    have = np.array([(real_y == label).sum() for label in labels])
    present = have > 0
    if not present.any():
        return np.arange(len(real_y))
    scale = min(1.0, (have[present] / wanted[present]).min())
    rng = np.random.default_rng(random_state)
    picks = []
    for label, n in zip(labels[present], wanted[present]):
        rows = np.flatnonzero(real_y == label)
        picks.append(rng.choice(rows, size=max(1, int(round(scale * n))), replace=False))
    return np.sort(np.concatenate(picks))


def is_images(X):
    """Whether ``X`` is a stack of images: an array of shape (n, height, width[, channels])."""
    return isinstance(X, np.ndarray) and X.ndim in (3, 4)


def pixel_table(images, name="X", shape=None):
    """Images of shape (n, h, w[, c]) as a table: one float column per pixel, px0, px1, ...

    ``shape``, when given, is the shape each image must have (that of the real images).

    Examples
    --------
    >>> import numpy as np
    >>> pixel_table(np.zeros((3, 2, 2), np.uint8)).columns.tolist()
    ['px0', 'px1', 'px2', 'px3']
    """
    images = np.asarray(images)
    if shape is not None and images.shape[1:] != tuple(shape):
        raise ValueError(
            f"{name} must hold images of shape {tuple(shape)!r}, like real_X. "
            f"Got images of shape {images.shape[1:]!r} instead."
        )
    flat = images.reshape(len(images), -1).astype(np.float64)
    return pd.DataFrame(flat, columns=[f"px{i}" for i in range(flat.shape[1])])


def rule_table(real_X, synth_X, *, min_rate=0.99, random_state=0):
    """The rules of the real rows and how often real and synthetic rows keep each.

    The rules are those :func:`ganaug.tabular.rules.find_rules` finds on ``real_X``
    (kept by at least ``min_rate`` of the real rows; identifier columns left out).

    Returns
    -------
    DataFrame
        One row per rule: ``kind``, ``rule`` (its text), ``real`` and ``synthetic``
        (the share of the rows that keep it, of those it can judge; NaN when it judges
        none), ``broken`` (synthetic rows that break it) and ``kept`` (True when the
        synthetic rows keep it at least as often as the real ones).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.integers(0, 9, 200), rng.integers(0, 9, 200)
    >>> real = pd.DataFrame({"total": a + b, "a": a, "b": b})
    >>> fake = real.assign(total=real["total"] + rng.integers(0, 2, 200))  # half off by one
    >>> rule_table(real, fake)[["rule", "real", "synthetic", "broken", "kept"]]
                rule  real  synthetic  broken   kept
    0  total = a + b   1.0      0.495     101  False
    1     total >= a   1.0      1.000       0   True
    2     total >= b   1.0      1.000       0   True
    """
    from ganaug.tabular.rules import find_rules, rule_rates

    real = as_frame(real_X, "real_X")
    synth = as_frame(synth_X, "synth_X")
    rules = find_rules(real, min_rate=min_rate, random_state=random_state)
    columns = ["kind", "rule", "real", "synthetic", "broken", "kept"]
    if not rules:
        return pd.DataFrame(columns=columns)
    real_rates = rule_rates(rules, real).to_numpy()
    synth_rates = rule_rates(rules, synth).to_numpy()
    broken = [int((~rule.holds(synth)).sum()) for rule in rules]
    return pd.DataFrame({
        "kind": [r.kind for r in rules],
        "rule": [r.text for r in rules],
        "real": real_rates,
        "synthetic": synth_rates,
        "broken": broken,
        "kept": synth_rates >= real_rates,
    }, columns=columns)


def _tables(real_X, synth_X, holdout_X, identifiers):
    """(real, synth, holdout, unit, {identifier: reason}): the tables the scores compare."""
    if is_images(real_X):
        shape = real_X.shape[1:]
        if not is_images(synth_X):
            raise ValueError(
                f"synth_X must hold images of shape {shape!r}, like real_X. "
                f"Got {type(synth_X).__name__} of shape {np.shape(synth_X)!r} instead."
            )
        holdout = None if holdout_X is None else pixel_table(holdout_X, "holdout_X", shape)
        return (pixel_table(real_X, "real_X"), pixel_table(synth_X, "synth_X", shape), holdout,
                "images", {})
    from ganaug.tabular.identifiers import find_identifiers

    real = as_frame(real_X, "real_X")
    if identifiers == "auto":
        found = find_identifiers(real)
    else:
        names = [] if identifiers is None else list(identifiers)
        unknown = [c for c in names if c not in real.columns]
        if unknown:
            raise ValueError(
                f"identifiers must name columns of real_X. Got {unknown[0]!r} instead."
            )
        found = {c: "named in identifiers" for c in names}
    if found and len(found) == real.shape[1]:
        raise ValueError(
            "real_X has no column left to compare once its identifier columns are left out. "
            f"Got only identifier columns {list(map(str, found))!r} instead."
        )

    def _drop(frame):
        return frame.drop(columns=[c for c in found if c in frame.columns])

    real = _drop(real)
    synth = _align(real, _drop(as_frame(synth_X, "synth_X")))
    holdout = None if holdout_X is None else _align(real, _drop(as_frame(holdout_X, "holdout_X")))
    return real, synth, holdout, "rows", found


def evaluate(real_X, real_y, synth_X, synth_y, *, holdout_X=None, holdout_y=None,
             categorical_features="auto", identifiers="auto", test_size=0.3, cv=3,
             random_state=0):
    """Score synthetic rows against real ones: fidelity, conditional fidelity, utility, privacy.

    Parameters
    ----------
    real_X : DataFrame, array-like of shape (n_real, n_features), or images
        The real rows the generator learned from; or real images, an array of shape
        (n_real, height, width[, channels]), scored pixel by pixel (the report then
        speaks of images).
    real_y : array-like of shape (n_real,)
    synth_X : DataFrame or array-like of shape (n_synth, n_features), or images
        Synthetic rows only (not the real rows they were added to).
    synth_y : array-like of shape (n_synth,)
        The label each synthetic row was generated for.
    holdout_X, holdout_y : real rows the generator never saw, optional
        Used to score utility and the holdout privacy tests. Without them, utility
        is scored on a stratified ``test_size`` split of the real rows (optimistic:
        the generator has seen those rows) and the holdout privacy scores are NaN.
    categorical_features : 'auto' or list, default='auto'
        'auto' takes non-numeric and bool columns.
    identifiers : 'auto', list or None, default='auto'
        Columns that identify a row (a row number, an ID, a name), left out of every
        score and plot: 'auto' finds them with
        :func:`ganaug.tabular.identifiers.find_identifiers` on ``real_X``; a list
        names them; None keeps every column. A synthetic table may lack them.
    test_size : float, default=0.3
    cv : int, default=3
        Folds of the detection test and of the real rows' label agreement.
    random_state : int, default=0

    Returns
    -------
    dict
        ``overall`` and ``per_class`` (dict class -> dict) fidelity scores,
        ``per_column`` (DataFrame: column x scope), ``conditional`` (dict: the
        synthetic rows' label agreement, overall and per class) and
        ``conditional_real`` (dict: the same for held-out real rows; both from
        :func:`label_agreement`),
        ``detection_chance`` (dict scope -> ``(low, high)``, the AUCs chance gives,
        see :func:`detection_chance_range`), ``counts`` (dict scope -> ``(real rows,
        synthetic rows)`` each score of that scope compared), ``utility``
        (DataFrame), ``privacy`` (dict), ``notes`` (list of str), ``n_real``,
        ``n_synthetic``, ``categorical`` (list of columns), ``identifiers`` (dict
        column -> why it was left out), ``unit`` ('rows' or 'images') and ``rules``
        (DataFrame, see :func:`rule_table`: each rule of the real rows with the share
        of real and of synthetic rows that keep it; empty for images).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(size=(60, 2)), rng.normal(size=(15, 2)) + 3]
    >>> y = np.repeat(["a", "b"], [60, 15])
    >>> S = rng.normal(size=(45, 2)) + 3
    >>> report = evaluate(X, y, S, np.repeat("b", 45))
    >>> sorted(report["overall"])
    ['correlation_similarity', 'detection_auc', 'marginal_fidelity']
    >>> round(report["conditional"]["b"], 2), round(report["conditional_real"]["b"], 2)
    (0.8, 0.93)
    """
    from sklearn.model_selection import train_test_split

    real, synth, holdout, unit, found = _tables(real_X, synth_X, holdout_X, identifiers)
    one = unit[:-1]  # "row" or "image"
    real_y = np.asarray(real_y)
    synth_y = np.asarray(synth_y)
    for name, X, y in (("real_y", real, real_y), ("synth_y", synth, synth_y)):
        if len(X) != len(y):
            raise ValueError(
                f"{name} must have one label per {one} ({len(X)} {unit}). "
                f"Got {len(y)!r} labels instead."
            )
    if len(synth) == 0:
        raise ValueError(f"synth_X must hold at least one synthetic {one}. Got 0 {unit} instead.")
    if categorical_features != "auto":
        categorical_features = [c for c in categorical_features if c not in found]
    categorical = _categorical_columns(real, categorical_features)
    notes = []
    if found:
        notes.append(
            "Left out of the scores and plots, as they identify rows rather than describe "
            "them: " + "; ".join(f"{shown(c)} ({why})" for c, why in found.items()) + "."
        )

    # Fidelity, overall and per class (a class needs rows on both sides). Overall
    # compares with real rows of the synthesized classes in the synthetic class mix,
    # so that a different mix of classes is not mistaken for poor rows.
    matched = _match_class_mix(real_y, synth_y, random_state)
    notes.append(
        f"Overall fidelity compares the synthetic {unit} with {counted(len(matched), f'real {one}')} "
        "of the same classes, subsampled to the synthetic class proportions."
    )
    fid = _fidelity(real.iloc[matched], synth, categorical, cv, random_state)
    per_column = {"overall": fid.pop("per_column")}
    counts = {"overall": (len(matched), len(synth))}
    per_class = {}
    for label in pd.unique(synth_y):
        r, s = real[real_y == label], synth[synth_y == label]
        if len(r) == 0:
            notes.append(f"Class {shown(label)} has synthetic {unit} but no real {unit}; "
                         "not scored per class.")
            continue
        scores = _fidelity(r, s, categorical, cv, random_state)
        per_column[str(label)] = scores.pop("per_column")
        per_class[label] = scores
        counts[label] = (len(r), len(s))
    chance = {scope: detection_chance_range(*n) for scope, n in counts.items()}

    agreement = label_agreement(real, real_y, synth, synth_y, categorical_features=categorical,
                                cv=cv, random_state=random_state)
    conditional = agreement["synthetic"].to_dict()
    conditional_real = agreement["real"].to_dict()

    if holdout is not None:
        if holdout_y is None:
            raise ValueError("holdout_y is needed with holdout_X. Got None instead.")
        train, train_y = real, real_y
        test, test_y = holdout, np.asarray(holdout_y)
    else:
        _, class_counts = np.unique(real_y, return_counts=True)
        stratify = real_y if class_counts.min() >= 2 else None
        train, test, train_y, test_y = train_test_split(
            real, real_y, test_size=test_size, stratify=stratify, random_state=random_state
        )
        notes.append(
            f"No holdout given: utility is scored on a split of the real {unit} that the generator "
            "probably saw (optimistic), and the holdout privacy scores are not computed."
        )
    utility = utility_scores(
        train, train_y, synth, synth_y, test, test_y,
        categorical_features=categorical, random_state=random_state,
    )
    privacy = privacy_scores(
        real, real_y, synth, synth_y, test if holdout is not None else None,
        categorical_features=categorical, random_state=random_state,
    )
    # images: pixels have no rules worth a line each
    rules = rule_table(real if unit == "rows" else pd.DataFrame(),
                       synth if unit == "rows" else pd.DataFrame(), random_state=random_state)
    return {
        "overall": fid,
        "per_class": per_class,
        "per_column": pd.DataFrame(per_column),
        "conditional": conditional,
        "conditional_real": conditional_real,
        "detection_chance": chance,
        "counts": counts,
        "utility": utility,
        "privacy": privacy,
        "notes": notes,
        "n_real": len(real),
        "n_synthetic": len(synth),
        "categorical": list(categorical),
        "identifiers": found,
        "unit": unit,
        "rules": rules,
    }
