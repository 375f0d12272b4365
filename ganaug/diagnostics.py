"""Per-class variety and missing-value rates of synthetic rows against real ones.

A GAN that collapses writes many rows that look alike: one car model for a whole
class, one level of a categorical column where the real rows have several. These
measures compare, class by class and column by column, how varied the synthetic
rows are against the real rows of the same class, and how often each column is
missing. :class:`ganaug.GANAugmenter` uses them to warn when a fit collapses; the
evaluation report and the benchmarks print them.

Variety of a column within a class:

- categorical: the effective number of levels, ``exp(entropy)`` of the level
  frequencies (missing counted as a level of its own), from :func:`scipy.stats.entropy`;
- numeric, where the class's real rows take at most :data:`FEW_LEVELS` distinct values,
  each held by two rows on average (flags, counts, scores): the effective number of
  those levels among the present values, each synthetic value counted at the nearest
  real level. A spread would jump: a 0/1 column's interquartile range is 1 with 30 %
  ones and 0 with 24 %;
- other numeric: the interquartile range of the present values (:func:`scipy.stats.iqr`),
  or their standard deviation where the real interquartile range is 0.

The ratio synthetic / real is 1 when the synthetic rows are as varied as the real
ones, near 0 when they collapse onto one value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["COLLAPSE_THRESHOLD", "FEW_LEVELS", "class_variety", "collapsed_classes"]

#: A class whose synthetic rows reach less than this share of the real rows'
#: variety (mean over columns, each ratio capped at 1) is reported as collapsed.
COLLAPSE_THRESHOLD = 0.5

#: A numeric column whose real rows of a class take at most this many distinct values
#: (and at most half as many as the rows) is compared, in that class, by how its values
#: spread over those levels.
FEW_LEVELS = 10


def _is_categorical(series):
    dtype = series.dtype
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_bool_dtype(dtype)
        or not pd.api.types.is_numeric_dtype(dtype)
    )


def _categorical_variety(series):
    counts = series.astype(object).where(series.notna(), "\0missing").value_counts().to_numpy()
    return float(np.exp(stats.entropy(counts))) if counts.size else 0.0


def _level_variety(values, levels):
    """exp(entropy) of the present values counted at their nearest level (sorted)."""
    values = values[~np.isnan(values)]
    if not values.size:
        return 0.0
    nearest = np.searchsorted((levels[1:] + levels[:-1]) / 2, values)
    return float(np.exp(stats.entropy(np.bincount(nearest, minlength=levels.size))))


def _numeric_spread(values, use_std):
    values = values[~np.isnan(values)]
    if values.size < 2:
        return 0.0
    return float(np.std(values)) if use_std else float(stats.iqr(values))


def class_variety(real_X, real_y, synth_X, synth_y, *, columns=None):
    """Variety and missing rates per class and column, real against synthetic.

    Parameters
    ----------
    real_X, synth_X : DataFrame
        Real and synthetic rows with the same columns.
    real_y, synth_y : array-like
        Their class labels.
    columns : list, optional
        Columns to compare (default: all of ``real_X``).

    Returns
    -------
    DataFrame
        One row per (class, column) for the classes present in ``synth_y``:
        ``kind`` ('categorical', 'levels' or 'numeric'), ``real_variety``,
        ``synth_variety``, ``ratio`` (synthetic / real, 1.0 where the real column does
        not vary), ``real_missing`` and ``synth_missing`` (shares of missing values).

    Examples
    --------
    >>> import pandas as pd
    >>> from ganaug.diagnostics import class_variety
    >>> real = pd.DataFrame({"c": list("abcdabcd"), "x": [1., 2, 3, 4, 5, 6, 7, 8]})
    >>> synth = pd.DataFrame({"c": list("aaaa"), "x": [1., 1, 1, None]})
    >>> v = class_variety(real, [0] * 8, synth, [0] * 4)
    >>> v[["column", "ratio", "synth_missing"]].round(2).to_dict("list")
    {'column': ['c', 'x'], 'ratio': [0.25, 0.0], 'synth_missing': [0.0, 0.25]}
    """
    real_y, synth_y = np.asarray(real_y), np.asarray(synth_y)
    columns = list(real_X.columns) if columns is None else list(columns)
    records = []
    for label in pd.unique(synth_y):
        real = real_X[real_y == label]
        synth = synth_X[synth_y == label]
        if real.empty or synth.empty:
            continue
        for name in columns:
            r, s = real[name], synth[name]
            if _is_categorical(r):
                kind = "categorical"
                rv, sv = _categorical_variety(r), _categorical_variety(s)
            else:
                rvals = pd.to_numeric(r, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
                svals = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
                present = rvals[~np.isnan(rvals)]
                levels = np.unique(present)
                if 1 < levels.size <= min(FEW_LEVELS, present.size / 2):
                    kind = "levels"
                    rv, sv = _level_variety(rvals, levels), _level_variety(svals, levels)
                else:
                    kind = "numeric"
                    use_std = _numeric_spread(rvals, False) == 0
                    rv, sv = _numeric_spread(rvals, use_std), _numeric_spread(svals, use_std)
            records.append(
                {
                    "class": label,
                    "column": name,
                    "kind": kind,
                    "real_variety": rv,
                    "synth_variety": sv,
                    "ratio": sv / rv if rv > 0 else 1.0,
                    "real_missing": float(r.isna().mean()),
                    "synth_missing": float(s.isna().mean()),
                }
            )
    return pd.DataFrame(
        records,
        columns=["class", "column", "kind", "real_variety", "synth_variety", "ratio",
                 "real_missing", "synth_missing"],
    )


def collapsed_classes(variety, threshold=COLLAPSE_THRESHOLD):
    """Classes whose synthetic rows are far less varied than the real ones.

    Parameters
    ----------
    variety : DataFrame
        From :func:`class_variety`.
    threshold : float, default=COLLAPSE_THRESHOLD

    Returns
    -------
    dict
        ``{class: (score, narrowest column, its ratio)}`` for each class whose mean
        variety ratio over columns (each capped at 1) is below ``threshold``.
    """
    out = {}
    for label, group in variety.groupby("class", sort=False):
        ratios = group["ratio"].clip(upper=1.0)
        score = float(ratios.mean())
        if score < threshold:
            worst = group.loc[ratios.idxmin()]
            out[label] = (score, worst["column"], float(worst["ratio"]))
    return out
