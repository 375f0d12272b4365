"""Shared columns and recombination: what does not depend on the class comes from real rows.

At fit, :func:`choose_shared_columns` tests each modelled column for dependence on the
class (:func:`class_independence`); the columns no test ties to the class (p-value
above ``INDEPENDENCE_ALPHA``) are *shared*, unless that is every column. Each
generated row then takes the shared columns of one real row of any class, drawn at
random, so that a rare class gets the variety, missing values and joint values of
the whole table in them while the GAN models only what depends on the class.

At each draw, a share of each class's rows (``recombine``; 'auto' is
``RECOMBINE_AUTO``) is *recombined* (:meth:`RealRows.recombined`): a real row of the
class keeps its class-dependent columns and takes the shared columns of another real
row. Its class-dependent numbers then move a random part of the way (SMOTE's rule)
towards one of the ``RECOMBINE_NEIGHBOURS`` nearest real rows of its class in GAN
space, written as the column is written (whole numbers, its decimals); a column of at
most ``FEW_VALUES`` values, a class's levels (a count, a year: see the encoder) and a
category keep the real row's value, as does a missing number. The real rows are kept
in memory only: a saved model holds none, and generates every row.

Why move them: a recombined row that repeats a real row's class-dependent values is
one more copy of that row to a decision tree, as random over-sampling's copies are.
Measured with ``benchmarks.tables.devsuite`` (``GANAugmenter(random_state=0)``, the
other arms' records unchanged), repeated values against moved ones, mean change from
no resampling:

- 14 development tables (2 x 5 folds): every one of macro-F1, balanced accuracy, ROC
  AUC and average precision rose with each of the three classifiers; gradient
  boosting's AUC / average precision went from -0.0014 / -0.0012 to +0.0001 / +0.0014,
  and logistic regression's mean ranks became the best of the six arms on macro-F1
  and balanced accuracy (2.64 / 2.14) and not behind no resampling on AUC and average
  precision (2.93 / 2.71 against 3.50 / 2.71);
- 40 unseen tables (3 folds): each metric moved by at most 0.004 (AUC / average
  precision: logistic regression -0.0129 / -0.0113 to -0.0131 / -0.0127, random forest
  -0.0013 / +0.0014 to -0.0025 / -0.0028, gradient boosting +0.0074 / +0.0149 to
  +0.0063 / +0.0119); per classifier, ganaug's mean rank stayed on the same side of
  the best other arm's (macro-F1, balanced accuracy) and of no resampling's (AUC,
  average precision) on every metric.

Measured on the development suite (28 cells, seed 0, mean ranks among five arms on
macro-F1 / balanced accuracy): generated rows only 2.57 / 2.25, recombined only
2.23 / 1.96, three quarters recombined (the default) 2.04 / 1.64, against class
weights' 2.23 to 2.41 / 2.05 to 2.27.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import pandas as pd

from ganaug.display import shown
from ganaug.tabular.decimals import round_decimals
from ganaug.tabular.encoder import _numeric_values
from ganaug.tabular.identifiers import fresh_values

__all__ = [
    "FEW_VALUES",
    "INDEPENDENCE_ALPHA",
    "RECOMBINE_AUTO",
    "RECOMBINE_NEIGHBOURS",
    "RealRows",
    "choose_shared_columns",
    "class_independence",
    "recombine_share",
    "split_recombined",
]

_RANK_TEST_LEVELS = 10  # numeric columns with more distinct values get a rank test
#: Significance level of :func:`class_independence`: a column is taken as independent
#: of the class when no test rejects independence at this level.
INDEPENDENCE_ALPHA = 0.05
#: The share of synthetic table rows recombined from real rows when recombine='auto'.
RECOMBINE_AUTO = 0.75
#: A recombined row's class-dependent numbers move towards one of this many nearest
#: real rows of its class (SMOTE's default k).
RECOMBINE_NEIGHBOURS = 5
#: A numeric column with at most this many distinct values (a flag, a score) is not
#: moved: a recombined row keeps its real row's value.
FEW_VALUES = 10

def class_independence(frame, y, columns=None):
    """p-values of tests that each column is independent of the class.

    - A numeric column with more than 10 distinct values: the Kruskal-Wallis test
      that its present values have the same distribution in every class
      (:func:`scipy.stats.kruskal`), which sees a shift in location; the two-sample
      Kolmogorov-Smirnov test of each class's present values against the other
      classes' (:func:`scipy.stats.ks_2samp`; with more than two classes, the
      smallest p-value times the number of classes), which also sees a class whose
      values are narrower or wider than the rest's at the same centre; and, when it
      has missing values, the chi-square test that being missing does not depend on
      the class.
    - Any other column (categorical, or numeric with few values): the chi-square
      test of independence of its values (missing as a value of its own) and the
      class (:func:`scipy.stats.chi2_contingency`).

    A column's p-value is the smallest of its tests; a constant column gets 1.0.

    Parameters
    ----------
    frame : DataFrame
    y : array-like of shape (n_samples,)
        Class labels.
    columns : list, optional
        Columns to test (default: all).

    Returns
    -------
    dict
        ``{column: p-value}``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([0, 1], 100)
    >>> frame = pd.DataFrame({"noise": rng.normal(size=200), "signal": rng.normal(size=200) + y,
    ...                       "level": rng.choice(list("abc"), 200)})
    >>> {k: bool(p > INDEPENDENCE_ALPHA) for k, p in class_independence(frame, y).items()}
    {'noise': True, 'signal': False, 'level': True}
    """
    from scipy import stats

    y = np.asarray(y)
    classes = np.unique(y)
    columns = list(frame.columns) if columns is None else list(columns)
    out = {}
    for name in columns:
        series = frame[name]
        missing = series.isna().to_numpy()
        tests = []
        numeric = pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)
        if numeric and series.nunique(dropna=True) > _RANK_TEST_LEVELS:
            values = _numeric_values(series)
            groups = [values[(y == c) & ~missing] for c in classes]
            if all(len(g) for g in groups):
                try:
                    tests.append(stats.kruskal(*groups).pvalue)
                except ValueError:  # every value the same
                    tests.append(1.0)
                tests.append(_spread_pvalue(values[~missing], y[~missing], classes))
            else:  # a class without a present value: its missingness decides
                tests.append(0.0)
            if missing.any() and not missing.all():
                tests.append(_chi2_pvalue(missing, y))
        else:
            codes = pd.factorize(series.astype(object).where(~missing, "\0missing"))[0]
            tests.append(_chi2_pvalue(codes, y))
        p = min(tests) if tests else 1.0
        out[name] = float(1.0 if np.isnan(p) else p)
    return out


def _spread_pvalue(values, y, classes):
    """Kolmogorov-Smirnov p-value that each class's values have the distribution of
    the other classes' values, Bonferroni-corrected over the classes (one test for
    two classes).

    The asymptotic p-value: SciPy's exact one, its default up to 10,000 rows, cost
    0.9 s for a 10,000-row table of 15 numeric columns and 3 classes, and over the
    devsuite's 322 protocol folds it changed one shared-column decision.
    """
    from scipy.stats import ks_2samp

    tested = classes[:1] if len(classes) == 2 else classes
    p = min(ks_2samp(values[y == c], values[y != c], method="asymp").pvalue for c in tested)
    return min(1.0, p * len(tested))


def _chi2_pvalue(values, y):
    from scipy.stats import chi2_contingency

    table = pd.crosstab(np.asarray(values), np.asarray(y)).to_numpy()
    if min(table.shape) < 2:
        return 1.0
    return float(chi2_contingency(table).pvalue)


def choose_shared_columns(frame, y_idx, encoder, shared_columns, n_classes):
    """The columns to borrow from real rows of any class (``GANAugmenter(shared_columns=...)``).

    Parameters
    ----------
    frame : DataFrame
        The training rows.
    y_idx : ndarray of int
        Their class indices.
    encoder : TabularEncoder
        Fitted on ``frame``: which columns are modelled.
    shared_columns : 'auto', list of str or int, or None
        The estimator's parameter.
    n_classes : int

    Returns
    -------
    shared : list
        Column names.
    class_dependence : dict
        With 'auto', per modelled column the p-value of :func:`class_independence`;
        else empty.
    """
    modelled = [col.name for col in encoder.columns_ if col.kind != "identifier" and col.spans]
    if shared_columns is None or n_classes < 2:
        return [], {}
    if isinstance(shared_columns, str):  # 'auto'
        dependence = class_independence(frame, y_idx, columns=modelled)
        shared = [c for c in modelled if dependence[c] > INDEPENDENCE_ALPHA]
        # Nothing depends on the class: leave every column to the GAN.
        return ([] if len(shared) == len(modelled) else shared), dependence
    shared = []
    for item in shared_columns:
        if item in frame.columns:
            name = item
        elif isinstance(item, Integral) and not isinstance(item, bool) and -frame.shape[1] <= item < frame.shape[1]:
            name = frame.columns[item]
        else:
            raise ValueError(
                "shared_columns names a column that is not in the data: expected some "
                f"of {[shown(c) for c in frame.columns]}. Got {shown(item)} instead."
            )
        if name not in modelled:
            raise ValueError(
                f"shared_columns names column {shown(name)}, which is not modelled (an "
                "identifier column or one without any value); expected a modelled column."
            )
        if name not in shared:
            shared.append(name)
    return shared, {}


def recombine_share(recombine):
    """``recombine`` as a share ('auto' is ``RECOMBINE_AUTO``)."""
    return RECOMBINE_AUTO if isinstance(recombine, str) else float(recombine)


def split_recombined(labels, share, rng):
    """Which of the rows for ``labels`` to recombine: ``share`` of each class's rows
    (stochastically rounded), drawn at random; a boolean mask."""
    take = np.zeros(len(labels), dtype=bool)
    for k in np.unique(labels):
        rows = np.flatnonzero(labels == k)
        m = min(len(rows), int(np.floor(len(rows) * share + rng.random_sample())))
        take[rng.choice(rows, m, replace=False)] = True
    return take


class RealRows:
    """The training rows, kept in memory after fit (never saved), to lend shared
    columns from and to recombine.

    Parameters
    ----------
    frame : DataFrame
        The training rows.
    encoded : ndarray
        The same rows in GAN space.
    class_rows : list of ndarray
        Per class index, the row numbers of its rows.
    encoder : TabularEncoder
    shared_columns : list
        From :func:`choose_shared_columns`.
    """

    def __init__(self, frame, encoded, class_rows, encoder, shared_columns):
        self.encoder = encoder
        self.shared_columns = list(shared_columns)
        self.mask = encoder.columns_mask(self.shared_columns)
        # Real rows' values of the shared columns, to borrow from, and the real rows
        # themselves, to recombine.
        self.pool = encoded[:, self.mask]
        self.frame = frame.reset_index(drop=True)
        self.class_rows = class_rows
        # Without shared columns nothing is recombined (a recombined row would be a
        # copy), so there is nothing to move.
        self.moved = (_moved_columns(self.frame, encoder, self.shared_columns, len(class_rows))
                      if self.shared_columns else {})
        # Per class, found at its first draw: each row's nearest real rows of the class.
        self.encoded, self.nearest = encoded, {}
        self.position = np.zeros(len(self.frame), dtype=np.int64)  # a row's place in its class
        if self.moved:
            for rows in class_rows:
                self.position[rows] = np.arange(len(rows))

    def lend(self, encoded, rng):
        """Give each row of ``encoded`` (GAN space, changed in place) the shared columns
        of one real row of any class, drawn at random; returns the donors' row numbers
        (-1 everywhere without shared columns)."""
        donors = np.full(len(encoded), -1, dtype=np.int64)
        if self.pool.shape[1] and len(encoded):
            donors = rng.randint(len(self.pool), size=len(encoded))
            encoded[:, self.mask] = self.pool[donors]
        return donors

    def shared_values(self, rows):
        """The shared columns of the real rows at the given positions."""
        return self.frame.iloc[rows, self.frame.columns.get_indexer(self.shared_columns)]

    def class_row_numbers(self, labels, rng):
        """The row number of one real row of each given class index, drawn at random."""
        rows = np.empty(len(labels), dtype=np.int64)
        for k in np.unique(labels):
            at = np.flatnonzero(labels == k)
            rows[at] = rng.choice(self.class_rows[k], len(at))
        return rows

    def of_class(self, labels, rng):
        """One real row of each given class index, drawn at random (for
        :meth:`~ganaug.tabular.rule_keeping.RuleKeeper.keep` to take a rule's columns from)."""
        return self.frame.iloc[self.class_row_numbers(labels, rng)].reset_index(drop=True)

    def recombined(self, labels, rng, move=True):
        """Rows for the given class indices recombined from real rows: a real row of the
        class, drawn at random, with the shared columns of another real row of any class
        and, with ``move``, its class-dependent numbers moved towards a near real row of
        the class (see the module docstring). Without ``move`` every value is a real
        row's, so a recombined row keeps every rule the real rows keep."""
        n = len(labels)
        rows = self.class_row_numbers(labels, rng)
        real = self.frame.iloc[rows].reset_index(drop=True)
        donors = self.shared_values(rng.randint(len(self.frame), size=n)).reset_index(drop=True)
        starts = getattr(self.encoder, "identifier_starts_", {})
        columns = {}
        for i, name in enumerate(real.columns):
            if name in starts:  # fresh values, as in generated rows (the draw numbers them)
                columns[i] = fresh_values(n, starts[name], real[name].dtype)
            else:
                column = donors[name] if name in self.shared_columns else real[name]
                if isinstance(column.dtype, pd.SparseDtype):  # dense, as decoded rows are
                    column = column.sparse.to_dense()
                columns[i] = column
        frame = pd.concat(columns, axis=1)
        frame.columns = real.columns
        if move and self.moved and n:
            self._move(frame, labels, rows, rng)
        return frame

    def nearest_rows(self, k):
        """Per real row of class index ``k``, the row numbers of its
        ``RECOMBINE_NEIGHBOURS`` nearest other real rows of the class in GAN space
        (None for a class of fewer than 2 rows)."""
        if k not in self.nearest:
            self.nearest[k] = _nearest_rows(self.encoded, self.class_rows[k])
        return self.nearest[k]

    def _move(self, frame, labels, rows, rng):
        """Move the class-dependent numbers of ``frame`` (recombined from the real rows
        ``rows``, of class indices ``labels``) a random share of the way to one of each
        row's nearest real rows of its class; in place."""
        partners = rows.copy()
        for k in np.unique(labels):
            nearest = self.nearest_rows(k)
            if nearest is None:  # a class of one row: nothing to move towards
                continue
            at = np.flatnonzero(labels == k)
            pick = rng.randint(nearest.shape[1], size=len(at))
            partners[at] = nearest[self.position[rows[at]], pick]
        step = rng.random_sample(len(labels))
        for name, (values, integral, decimals, fixed) in self.moved.items():
            start, end = values[rows], values[partners]
            x = np.where(np.isnan(end) | fixed[labels], start, start + step * (end - start))
            x = np.rint(x) if integral else round_decimals(x, decimals)
            frame[name] = pd.Series(x, index=frame.index).astype(frame[name].dtype)


def _moved_columns(frame, encoder, shared_columns, n_classes):
    """The columns :meth:`RealRows.recombined` moves: ``{name: (values as float,
    integral, decimals, per class whether it keeps the real value)}``, for the modelled
    numeric columns that are not shared and take more than ``FEW_VALUES`` values."""
    levels = getattr(encoder, "class_levels_", {})
    moved = {}
    for col in encoder.columns_:
        if col.kind != "numeric" or col.transformer is None or col.name in shared_columns:
            continue
        values = _numeric_values(frame[col.name])
        if np.unique(values[~np.isnan(values)]).size <= FEW_VALUES:
            continue
        per_class = levels.get(col.name) or [None] * n_classes
        fixed = np.array([lv is not None for lv in per_class], dtype=bool)
        moved[col.name] = (values, bool(col.integral), col.decimals, fixed)
    return moved


def _nearest_rows(encoded, rows):
    """Per row of ``rows``, the row numbers of its ``RECOMBINE_NEIGHBOURS`` nearest
    other rows among them in GAN space (None for fewer than 2 rows)."""
    from sklearn.neighbors import NearestNeighbors

    if len(rows) < 2:
        return None
    n = min(RECOMBINE_NEIGHBOURS, len(rows) - 1)
    # No query points: each row's neighbours leave the row itself out.
    nearest = NearestNeighbors(n_neighbors=n).fit(encoded[rows]).kneighbors(return_distance=False)
    return rows[nearest]
