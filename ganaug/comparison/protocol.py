"""The protocol: repeated stratified folds, each arm on every training fold, every
classifier scored on the untouched test fold (:func:`cross_validate_arms`), and
:func:`compare`, which runs it for one classifier and sums it up.
"""

from __future__ import annotations

import math
import os
import time
import warnings

import numpy as np
import pandas as pd

from ganaug.display import shown
from ganaug.comparison.arms import (
    ARMS,
    CLASSIFIERS,
    balanced_key,
    cut_imbalance,
    make_classifier,
    resample_arm,
    threshold_classifier,
)
from ganaug.comparison.result import result_from_records
from ganaug.comparison.statistics import LABEL_METRICS, METRICS, class_scores, fold_scores
from ganaug.metrics import as_frame


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


def fold_seed(random_state, fold):
    """The seed that every sampler gets in fold ``fold`` of a run seeded with ``random_state``."""
    return int(np.random.SeedSequence([random_state, fold]).generate_state(1)[0] >> 1)


def protocol_folds(y, folds, repeats, random_state, imbalance_ratio):
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
                        categorical_features="auto", skip=(), progress=None, n_jobs=None,
                        metric="macro_f1"):
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
    n_jobs : int, default=None
        How many (fold, arm) tasks run at once, through :class:`joblib.Parallel`:
        ``-1`` all cores; None means 1 unless inside a
        :func:`joblib.parallel_config` context (e.g. ``backend="dask"``, which runs
        the tasks on a Dask cluster). The records are the same whatever it is, and
        come in the same order; see :func:`compare`'s Notes for the threads.
    metric : str, default='macro_f1'
        The score the ``threshold`` arm tunes the decision threshold for, by
        cross-validation on each training fold (:func:`threshold_classifier`). A
        threshold does not move ``roc_auc`` or ``average_precision``: for those the
        arm tunes macro-F1.

    Yields
    ------
    dict
        ``classifier, arm, fold, repeat, n_train, n_test, resample_s, fit_s`` and
        the scores of :data:`METRICS` (``roc_auc`` and ``average_precision`` from the
        classifier's ``predict_proba``, else its ``decision_function``, else NaN).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> X, y = make_classification(n_samples=120, weights=[0.8], random_state=0)
    >>> records = list(cross_validate_arms(X, y, classifiers="logreg", arms=["none", "random"],
    ...                                    folds=3, repeats=1))
    >>> len(records), sorted(records[0])[:4]
    (6, ['arm', 'average_precision', 'balanced_accuracy', 'classifier'])
    """
    X = as_frame(X)
    y = pd.Series(np.asarray(y), name=getattr(y, "name", None))
    if not (isinstance(folds, (int, np.integer)) and folds >= 2):
        raise ValueError(f"folds must be an integer of at least 2. Got {folds!r} instead.")
    if not (isinstance(repeats, (int, np.integer)) and repeats >= 1):
        raise ValueError(f"repeats must be an integer of at least 1. Got {repeats!r} instead.")
    if imbalance_ratio is not None and not imbalance_ratio >= 1:
        raise ValueError(
            f"imbalance_ratio must be at least 1 (or None). Got {imbalance_ratio!r} instead."
        )
    _check_n_jobs(n_jobs)
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {list(METRICS)}. Got {metric!r} instead.")
    tuned_for = metric if metric in LABEL_METRICS else "macro_f1"
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
    minority = int(np.argmin([counts[c] for c in classes]))
    estimators = {
        name: make_classifier(clf, categorical, numeric, random_state) if isinstance(clf, str)
        else clf
        for name, clf in named.items()
    }
    skip = set(skip)
    keras_arms = any(_uses_keras(arm, sampler) for arm, sampler in arm_list)
    units = []  # (fold, arm, the task's arguments or None when every record is made)
    for fold, train, test in protocol_folds(y, folds, repeats, random_state, imbalance_ratio):
        seed = fold_seed(random_state, fold)
        for arm, sampler in arm_list:
            todo = {
                name: est for name, est in estimators.items()
                if (name, arm, fold) not in skip
                and not (arm == "balanced" and sampler is None and balanced_key(est) is None)
            }
            task = None
            if todo:
                task = dict(fold=fold, folds=folds, train=train, test=test, arm=arm,
                            sampler=sampler, estimators=todo, seed=seed, categorical=categorical,
                            categorical_features=categorical_features, augmenter=augmenter,
                            classes=classes, minority=minority, metric=tuned_for)
            units.append((fold, arm, task))
    yield from _run_units(X, y, units, n_jobs, progress, folds * repeats, keras_arms)


def threads_per_task(n_parallel):
    """BLAS and OpenMP threads for each of ``n_parallel`` tasks that run at once: the
    cores that other work leaves free, shared equally, at least 1.

    The cores are :func:`joblib.cpu_count` (which respects CPU affinity and container
    limits); the busy ones are the 1-minute load average (:func:`os.getloadavg`,
    rounded; none where it is not available). Thread pools that spin while they wait
    (OpenMP's, in histogram gradient boosting) are slowed many times over when they
    hold more threads than there are free cores: on a 2-core machine running other
    work (load average 6 to 7), ``compare`` of a 6,259-row table with histogram
    gradient boosting and the four simple arms took 184 and 237 s with 2 OpenMP
    threads, and 15 s with this limit (1), with the same scores.

    Examples
    --------
    >>> threads_per_task(10**6)
    1
    """
    from joblib import cpu_count

    try:
        busy = round(os.getloadavg()[0])
    except (AttributeError, OSError):  # no load average on this system
        busy = 0
    return max(1, (cpu_count() - busy) // max(1, int(n_parallel)))


def _check_n_jobs(n_jobs):
    if n_jobs is None or (isinstance(n_jobs, (int, np.integer)) and not isinstance(n_jobs, bool)
                          and n_jobs != 0):
        return
    raise ValueError(
        "n_jobs must be a non-zero integer (-1: all cores) or None. "
        f"Got {n_jobs!r} instead."
    )


def _run_units(X, y, units, n_jobs, progress, n_folds, keras_arms):
    """Run the (fold, arm) tasks through joblib; yield their records in order."""
    from joblib import Parallel, delayed, effective_n_jobs
    from threadpoolctl import threadpool_limits

    tasks = [task for _, _, task in units if task is not None]
    n_parallel = max(1, min(effective_n_jobs(n_jobs), len(tasks)))
    threads = threads_per_task(n_parallel)
    caller = os.getpid()
    registry = {}  # warnings from worker processes: 'default' shows each once per run
    # Tasks that run in this process (n_jobs=1, or joblib's threading backend) share its
    # thread pools, limited here once; those in other processes limit their own.
    with threadpool_limits(limits=threads):
        results = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(_fold_arm_task)(X, y, task, keras_arms, threads, caller) for task in tasks
        )
        try:
            for fold, arm, task in units:
                if task is not None:
                    records, caught = next(results)
                    for message, category, filename, lineno in caught:
                        warnings.warn_explicit(message, category, filename, lineno,
                                               registry=registry)
                    yield from records
                if progress is not None:
                    progress(1, f"fold {fold + 1}/{n_folds} {arm}")
        finally:
            results.close()


def _fold_arm_task(X, y, task, keras_arms, threads, caller):
    """One task of :func:`cross_validate_arms`: :func:`_fold_arm_records` of ``task``.

    ``X`` and ``y`` are the whole table (``y`` as class codes; Dask sends them to each
    worker once). In a process other than ``caller``'s (a joblib or Dask worker), BLAS
    and OpenMP are limited to ``threads`` for the task, and the warnings are caught
    and returned, to be shown by the caller. When some arm of the run trains with
    Keras (``keras_arms``), every task there loads Keras first, with TensorFlow's
    thread pools set to ``threads``: so the first task a loky worker runs holds the
    backend, and loky, which restarts a worker whose memory has grown by 300 MB since
    its first task (taking it for a leak), does not restart it for loading TensorFlow
    later (and load it again in the new one).

    Returns
    -------
    records : list of dict
    warnings : list of (message, category, filename, lineno)
    """
    if os.getpid() == caller:
        return _fold_arm_records(X, y, **task), []
    from threadpoolctl import threadpool_limits

    from ganaug.nn.backend import set_threads

    with threadpool_limits(limits=threads), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if keras_arms:
            set_threads(threads)  # the backend's own pools (TensorFlow's, PyTorch's)
        records = _fold_arm_records(X, y, **task)
    return records, [(w.message, w.category, w.filename, w.lineno) for w in caught]


def _uses_keras(arm, sampler):
    if sampler is None:
        return arm == "ganaug"
    from ganaug.augmenter import GANAugmenter

    return isinstance(sampler, GANAugmenter)


def _fold_arm_records(X, y, *, fold, folds, train, test, arm, sampler, estimators, seed,
                      categorical, categorical_features, augmenter, classes, minority, metric):
    """Resample fold ``fold``'s training rows (row numbers ``train``) with one arm, fit
    each of ``estimators`` on them and score it on the test rows: one record each."""
    from sklearn.base import clone
    from sklearn.exceptions import ConvergenceWarning

    X_tr, y_tr = X.iloc[train].reset_index(drop=True), y.iloc[train].reset_index(drop=True)
    X_te, y_te = X.iloc[test].reset_index(drop=True), y.iloc[test].to_numpy()
    labels = np.arange(len(classes))
    start = time.perf_counter()
    X_res, y_res, transform = resample_arm(arm, sampler, X_tr, y_tr, categorical,
                                           categorical_features, augmenter, seed, classes)
    resample_s = time.perf_counter() - start
    X_eval = transform(X_te) if transform is not None else X_te
    variety = synthetic_variety(X_tr, y_tr, X_res, y_res) if len(X_res) > len(X_tr) else {}
    records = []
    for name, estimator in estimators.items():
        model = clone(estimator)
        if arm == "balanced" and sampler is None:
            model.set_params(**{balanced_key(model): "balanced"})
        if arm == "threshold" and sampler is None:
            model = threshold_classifier(model, y_res, metric=metric, labels=labels,
                                         minority=minority, seed=seed)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_res, np.asarray(y_res))
        fit_s = time.perf_counter() - start
        records.append({
            "classifier": name, "arm": arm, "fold": fold, "repeat": fold // folds,
            "n_train": len(X_tr), "n_test": len(X_te),
            "resample_s": resample_s, "fit_s": resample_s + fit_s,
            **fold_scores(y_te, model.predict(X_eval), labels, minority,
                          class_scores(model, X_eval, labels)),
            **variety,
        })
    return records


def synthetic_variety(X_tr, y_tr, X_res, y_res):
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


def compare(X, y, *, classifier="hgb", arms=None, augmenter=None, metric="macro_f1", folds=5,
            repeats=2, random_state=0, imbalance_ratio=None, categorical_features="auto",
            progress=None, n_jobs=None):
    """Measure on held-out folds of ``(X, y)`` whether rebalancing helps, and which way.

    Repeated stratified K-fold cross-validation; in each fold every arm
    (``none``, ``balanced``, ``threshold``, ``random``, ``smote``, ``ganaug``; see
    :mod:`ganaug.comparison`) prepares the training rows (or, for ``threshold``, tunes
    the classifier's decision threshold on them), ``classifier`` is fitted on them and
    scored on the untouched test fold.

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
    metric : {'macro_f1', 'balanced_accuracy', 'minority_recall', 'g_mean', 'roc_auc', \
'average_precision'}, default='macro_f1'
        The score that picks the best arm, and the one the ``threshold`` arm tunes
        its threshold for (macro-F1 when it is ``roc_auc`` or ``average_precision``,
        which no threshold moves).
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
    n_jobs : int, default=None
        How many (fold, arm) tasks run at once, through :class:`joblib.Parallel`
        (``-1``: as many as there are cores). None means 1 unless inside a
        :func:`joblib.parallel_config` context: under
        ``joblib.parallel_config(backend="dask")`` with a
        :class:`dask.distributed.Client` open, the tasks run on its cluster. The
        scores are the same whatever ``n_jobs`` and the backend.

    Returns
    -------
    ComparisonResult
        ``print(result)`` shows the table and the verdict;
        ``result.write_html(path)`` writes the report.

    Notes
    -----
    Threads: with ``p`` tasks running at once (``n_jobs``, or the number of worker
    threads of a Dask cluster), each task's BLAS and OpenMP pools (histogram gradient
    boosting's, through :mod:`threadpoolctl`) are limited to
    :func:`threads_per_task` ``(p)``: the cores that other work leaves free, divided
    by ``p``, at least 1. In a worker process, TensorFlow's intra- and inter-op
    pools are set to the same number before the process's first GAN fit (TensorFlow
    fixes them then; under another Keras backend they are left alone); in the
    calling process they are left as they are. Warnings raised in worker processes
    are shown in the calling process, as if raised there.

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
        categorical_features=categorical_features, progress=progress, n_jobs=n_jobs,
        metric=metric,
    ))
    (name, clf), = named.items()
    notes = []
    arm_names = [a for a, _ in _arm_list(arms)]
    if "balanced" in arm_names:
        est = clf if not isinstance(clf, str) else None
        if est is not None and balanced_key(est) is None:
            notes.append(f"Arm 'balanced' skipped: {name} has no class_weight parameter.")
    classes, counts = np.unique(np.asarray(y), return_counts=True)
    settings = {"classifier": name, "folds": folds, "repeats": repeats,
                "random_state": random_state, "imbalance_ratio": imbalance_ratio,
                "minority": classes.tolist()[int(np.argmin(counts))]}
    return result_from_records(records, metric=metric, notes=notes, settings=settings)
