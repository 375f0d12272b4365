"""Identifier columns: columns that name a row or an entity rather than describe it.

A table often carries a row number, an ID or a name: R's ``write.csv`` writes the
row names as a first, header-less column (read back by pandas as ``"Unnamed: 0"``),
a customer table has ``customer_id``, a table of penguins may name each bird. Such a
column holds a different value in every row; modelling it teaches a generator
nothing about the class, and comparing it between real and synthetic rows measures
nothing but the identifiers. :func:`find_identifiers` finds them, so that the
evaluation report leaves them out of its scores and plots (and says so), and so that
a fit leaves them unmodelled (``GANAugmenter(identifiers="auto")``, the default):
:func:`identifier_columns` resolves that parameter, and a synthetic row gets a fresh
value: a whole number no real row has, near the number of a real row of its class
(:func:`near_fresh`), or, from a model loaded without its training rows, numbers that
go on past the largest real one (:func:`first_fresh`, :func:`fresh_values`); a text
column stays empty.

The rule is conservative: a column that describes something must not be taken for an
identifier. A column is an identifier when it holds at least :data:`MIN_ROWS`
present values, each one different from the others, its dtype is neither bool nor
categorical (a categorical dtype is the user's word that it describes), and it is

- **text**: a distinct text value in every row (present values), such as a name or a
  code; this is the rule :class:`~ganaug.tabular.encoder.TabularEncoder` applies to
  the columns it leaves unmodelled;
- **whole numbers, without missing values**, that are

  - *a sequence*: consecutive integers (``1, 2, ..., n`` in any order), a row number;
  - *a sequence with gaps*: spread over at most :data:`SEQUENCE_SPAN` times as many
    integers as there are rows, the row numbers of a table some rows were taken out
    of. Values of a measured quantity are rarely all different when they are packed
    so densely: n values drawn uniformly from 2n integers are all different with a
    chance of about ``exp(-n / 4)``, under 1 % from 20 rows;
  - or *named like an identifier* (:data:`IDENTIFIER_NAME`: ``id``, ``customer_id``,
    ``userId``, ``key``, ``index``, ``rownames``, ``Unnamed: 0``, an empty name);

  but not when the column is named like a time (:data:`TIME_NAME`: ``year``,
  ``date``, ``month``, ...): the years of a yearly series are all different and
  consecutive, and they are a measurement a classifier may use (on one of the 40
  unseen tables, a banking-crisis series, ``year`` was taken for a row number).

So a continuous float column whose values all differ (a measurement) is not an
identifier, nor a column of whole numbers that repeat (a count, a year, a code),
nor a column of whole numbers that differ but spread widely under an ordinary name
(grams, prices).

Measured effect: ``sample_data/penguins.csv`` with R-style row names (written by
``DataFrame.to_csv`` with its index counted from 1), an ``id`` column (1000, 1001,
...) and a ``name`` column (``bird_0``, ...), rebalanced by ``ganaug augment
--recipe tests/tiny.toml --seed 0`` (which leaves the names of synthetic rows
empty) and scored by ``ganaug evaluate``: all three columns are found; with them,
the Chinstrap rows' detection AUC is 1.000 (the empty names alone tell the
synthetic rows apart), without them 0.714. At fit, on the 5 of the 40 unseen tables
with an identifier column (``idcase``, ``id``, ``ID``, ``id``, ``year``; the default
``GANAugmenter(random_state=0)`` on the realism benchmark's fold): synthetic IDs equal
to a real one 2,976 of 3,044 before (modelled as a feature), 0 after; IDs repeated
among synthetic rows 1,927, then 0; on ``gap_fsnps`` synthetic rows that copy a
training row but for the ID 263, then 0 (the copy filter redrew 402 rows, 13 before).
``year`` (a yearly series of banking crises) has since been read as a time and
modelled (:data:`TIME_NAME`). Downstream, numbers that went on past the largest real
one marked every synthetic row: on ``survival_pbc`` logistic regression's ROC AUC fell
by 0.144 against no resampling (3-fold, fold seed 0); with :func:`near_fresh` it
changes by +0.006, and on the 5 tables balanced accuracy against no resampling went
from +0.026 to +0.069 on average over the three classifiers.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = [
    "IDENTIFIER_NAME",
    "MIN_ROWS",
    "SEQUENCE_SPAN",
    "TIME_NAME",
    "as_identifier_dtype",
    "find_identifiers",
    "first_fresh",
    "fresh_values",
    "identifier_columns",
    "near_fresh",
]

#: Numbers in use spread over at most this many integers per row (real and synthetic)
#: count as dense for :func:`near_fresh`, which then lists the free ones.
_DENSE_SPAN = 8

#: Present values a column needs before its distinct values make it an identifier.
MIN_ROWS = 20

#: Distinct whole numbers spread over at most this many integers per row are a
#: sequence with gaps (row numbers of a table some rows were taken out of).
SEQUENCE_SPAN = 2.0

#: Column names that read as an identifier (case-insensitive, full match): ``id``,
#: a name ending in ``_id``, ``-id``, `` id``, ``.id`` or ``Id``/``ID`` after a
#: lower-case letter, ``key``, ``index``, ``idx``, ``rownames``, ``row.names``,
#: ``Unnamed: 0`` (pandas' name for a header-less column) and the empty name.
IDENTIFIER_NAME = re.compile(
    r"(?:.*[_\-\s.])?(?:id|key|idx|index)|rownames|row\.names|unnamed: \d+|\s*",
    re.IGNORECASE,
)
_CAMEL_ID = re.compile(r".*[a-z](?:Id|ID)")

#: Column names that read as a time (case-insensitive, full match, as a whole word at
#: the end): ``year``, ``Year``, ``yr``, ``date``, ``time``, ``month``, ``week``,
#: ``day``, ``quarter``, ``period``, with an ``s`` or not, alone or after ``_``, ``-``,
#: ``.`` or a space (``fiscal_year``). Whole numbers in such a column that differ in every
#: row and form a sequence are the times of a series, measured, not row numbers.
TIME_NAME = re.compile(
    r"(?:.*[_\-\s.])?(?:year|yr|date|time|month|week|day|quarter|period)s?",
    re.IGNORECASE,
)


def _named_like_identifier(name):
    text = str(name)
    return bool(IDENTIFIER_NAME.fullmatch(text) or _CAMEL_ID.fullmatch(text))


def _named_like_time(name):
    return bool(TIME_NAME.fullmatch(str(name)))


def _integer_reason(name, values):
    """Why distinct whole numbers ``values`` (sorted, no missing) identify rows, or None."""
    n = values.size
    low, high = int(values[0]), int(values[-1])
    span = high - low + 1
    if _named_like_time(name) and not _named_like_identifier(name):
        return None  # the years of a yearly series: a measurement of time, not a row's name
    if span == n:
        return f"consecutive integers {low} to {high}, one per row: a row number"
    if span <= SEQUENCE_SPAN * n:
        return (
            f"{n} different integers between {low} and {high}: a row number with gaps "
            "(rows taken out)"
        )
    if _named_like_identifier(name):
        return "a different integer in every row, in a column named like an identifier"
    return None


def _reason(name, series):
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(dtype):
        return None
    present = series.dropna()
    if len(present) < MIN_ROWS or present.nunique() != len(present):
        return None
    if not pd.api.types.is_numeric_dtype(dtype):
        if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
            return None
        return "a different text value in every row: a name or a code"
    if len(present) != len(series):
        return None
    values = present.to_numpy(dtype=float)
    if not np.all(np.isfinite(values)) or not np.all(values == np.round(values)):
        return None
    return _integer_reason(name, np.sort(values))


def find_identifiers(X):
    """Columns of ``X`` that identify a row or an entity, and why.

    See the module's description for the rule: text with a different value in every
    row; whole numbers, without missing values, that differ in every row and form a
    sequence (with or without gaps) or sit in a column named like an identifier.
    Every column needs at least :data:`MIN_ROWS` present values; bool and categorical
    columns are never identifiers.

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_samples, n_features)
        An array's columns are numbered 0, 1, ...

    Returns
    -------
    dict
        ``{column: reason}`` for each identifier column, in the order of ``X``'s
        columns; the reason is one line for a person to read.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from ganaug.tabular.identifiers import find_identifiers
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({
    ...     "Unnamed: 0": np.arange(1, 31),                 # R's row names
    ...     "name": [f"bird {i}" for i in range(30)],
    ...     "mass": rng.normal(4000, 500, 30),              # all different, but measured
    ...     "year": rng.integers(2007, 2010, 30),
    ... })
    >>> find_identifiers(frame)
    {'Unnamed: 0': 'consecutive integers 1 to 30, one per row: a row number', 'name': 'a different text value in every row: a name or a code'}
    """
    if isinstance(X, pd.DataFrame):
        frame = X
    else:
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(f"X must be a 2-D table. Got an array of shape {X.shape!r} instead.")
        frame = pd.DataFrame(X)
    if frame.columns.has_duplicates:
        duplicated = frame.columns[frame.columns.duplicated()][0]
        raise ValueError(
            f"X must have distinct column names. Got {duplicated!r} more than once instead."
        )
    found = {}
    for name in frame.columns:
        reason = _reason(name, frame[name])
        if reason is not None:
            found[name] = reason
    return found


def identifier_columns(X, identifiers="auto", *, described=()):
    """The columns of ``X`` that a fit leaves unmodelled (``GANAugmenter(identifiers=...)``).

    Parameters
    ----------
    X : DataFrame
    identifiers : 'auto', list of str or int, or None, default='auto'
        'auto': the columns :func:`find_identifiers` finds, but those in ``described``;
        a list names the columns (or their positions); None or an empty list: none.
    described : collection, default=()
        Columns the user said describe something (named in ``categorical_features``),
        which 'auto' never takes for identifiers.

    Returns
    -------
    list
        Column names, in the order of ``X``'s columns.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"id": range(30), "x": [0.5, 1.5] * 15})
    >>> identifier_columns(frame), identifier_columns(frame, None), identifier_columns(frame, ["x"])
    (['id'], [], ['x'])
    """
    if identifiers is None:
        return []
    if isinstance(identifiers, str):
        if identifiers != "auto":
            raise ValueError(
                "identifiers must be 'auto', a list of column names or positions, or None. "
                f"Got {identifiers!r} instead."
            )
        described = set(described)
        return [name for name in find_identifiers(X) if name not in described]
    names = set()
    for item in identifiers:
        if item in X.columns:
            names.add(item)
        elif isinstance(item, (int, np.integer)) and not isinstance(item, bool) and (
            -X.shape[1] <= item < X.shape[1]
        ):
            names.add(X.columns[item])
        else:
            raise ValueError(
                "identifiers names a column that is not in the data: expected some of "
                f"{list(X.columns)}. Got {item!r} instead."
            )
    return [name for name in X.columns if name in names]


def _numbered(dtype):
    """Whether an identifier column of ``dtype`` gets fresh numbers (else empty values)."""
    return (
        pd.api.types.is_numeric_dtype(dtype)
        and not pd.api.types.is_bool_dtype(dtype)
        and not isinstance(dtype, pd.CategoricalDtype)
    )


def first_fresh(series):
    """The first value no row of an identifier column has: the whole number after its
    largest value (1 for a column without one), or None for a text column, whose
    synthetic rows stay empty (see :func:`fresh_values`).

    Examples
    --------
    >>> first_fresh(pd.Series([3, 1, 2])), first_fresh(pd.Series([0.5, 7.25])), first_fresh(pd.Series(["a"]))
    (4, 8, None)
    """
    if not _numbered(series.dtype):
        return None
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    values = values[np.isfinite(values)]
    return int(np.floor(values.max())) + 1 if values.size else 1


def _empty(n, dtype):
    """``n`` missing values of a text (or category, or bool) column's ``dtype``, as the
    encoder decodes a missing category."""
    values = np.full(n, None, dtype=object)
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Series(pd.Categorical(values, dtype=dtype))
    series = pd.Series(values, dtype=object)
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        return series  # numpy bool cannot hold a missing value
    return series.astype(dtype)


def fresh_values(n, start, dtype):
    """The values of ``n`` synthetic rows in an identifier column of ``dtype``.

    A numbered column (``start`` is :func:`first_fresh`'s number) gets ``start``,
    ``start + 1``, ... in row order: no synthetic row repeats a real row's number or
    another synthetic row's, the dtype stays (an integer column stays integer; one too
    narrow for the new numbers widens to int64), and the numbers say where the
    synthetic rows begin. A text column (``start`` None) stays empty (missing): a
    made-up name or code (``synthetic-1``) could be taken for a real one, or clash
    with one, where an empty value cannot; it is also what ganaug 0.1.0 wrote, so
    the rows of such tables do not change.

    Examples
    --------
    >>> fresh_values(3, 101, np.dtype("int64")).tolist()
    [101, 102, 103]
    >>> fresh_values(2, None, np.dtype(object)).tolist()
    [None, None]
    """
    if start is None:
        return _empty(n, dtype)
    return as_identifier_dtype(np.arange(start, start + n, dtype=np.int64), dtype)


def as_identifier_dtype(numbers, dtype):
    """Whole ``numbers`` (int64) as a Series of an identifier column's ``dtype``: an
    integer column stays integer, and one too narrow for the numbers widens to int64."""
    dtype = pd.api.types.pandas_dtype(dtype)
    kind = getattr(dtype, "numpy_dtype", dtype)  # Int64 and the like: their NumPy dtype
    if len(numbers) and isinstance(kind, np.dtype) and kind.kind in "iu" and (
        numbers.max() > np.iinfo(kind).max or numbers.min() < np.iinfo(kind).min
    ):
        dtype = np.dtype(np.int64)
    return pd.Series(numbers).astype(dtype)


def near_fresh(anchors, taken, rng):
    """A whole number near each of ``anchors`` that is not in ``taken`` and that no other
    row gets: the identifiers of synthetic rows while the real rows are at hand.

    Where the numbers in use are dense (a row number, with or without gaps), the free
    numbers between the smallest and the largest taken one are listed, and, when
    there are fewer of them than rows, as many numbers past the largest as are
    missing: each row takes the free number nearest its anchor, rows in the order of
    their anchors, a row whose number an earlier row took taking the next free one
    (and the last rows the ones before, where that runs past the list's end). So the
    gaps between the real numbers are filled first, as near the anchors as the other
    rows leave room for, and numbers past the largest are given only when the gaps
    run out. Where the numbers are sparse, a row takes a random number at about the
    typical distance between them from its anchor, and looks again, at twice the
    distance, if that is taken.

    With the anchors drawn from the real rows of each row's class, the synthetic rows'
    numbers spread over the real range as that class's do, so that an identifier kept
    as a feature does not tell a classifier which rows are synthetic (numbers that go
    on past the largest real one mark every synthetic row, and so the classes that
    get them).

    Parameters
    ----------
    anchors : array-like of int, one per row
    taken : array-like of int
        The numbers in use (the real rows'), at least one.
    rng : numpy.random.RandomState

    Returns
    -------
    ndarray of int64

    Examples
    --------
    >>> out = near_fresh([5, 5, 9], [1, 2, 3, 4, 5, 6, 8, 9], np.random.RandomState(0))
    >>> sorted(out.tolist())
    [7, 10, 11]
    """
    anchors = np.asarray(anchors, dtype=np.int64)
    used = np.unique(np.asarray(taken, dtype=np.int64))
    n = len(anchors)
    out = np.empty(n, dtype=np.int64)
    if not n:
        return out
    low, high = int(used[0]), int(used[-1])
    if high - low + 1 <= _DENSE_SPAN * (len(used) + n):
        free = np.setdiff1d(np.arange(low, high + 1, dtype=np.int64), used, assume_unique=True)
        if len(free) < n:  # the gaps run out: as many numbers past the largest as needed
            free = np.concatenate([free, np.arange(high + 1, high + 1 + n - len(free), dtype=np.int64)])
        # the slot of each anchor in the free list, a tie between the free numbers
        # either side broken at random, then rows in anchor order made distinct
        right = np.searchsorted(free, anchors)
        left = np.maximum(right - 1, 0)
        below = anchors - free[left]
        above = free[np.minimum(right, len(free) - 1)] - anchors
        go_left = np.where(below == above, rng.random_sample(n) < 0.5,
                           (below < above) | (right >= len(free)))
        slot = np.where(go_left, left, right)
        order = np.lexsort((rng.random_sample(n), anchors, slot))
        i = np.arange(n)
        wanted = np.maximum.accumulate(slot[order] - i) + i
        wanted = np.minimum(wanted, len(free) - n + i)
        out[order] = free[wanted]
        return out
    step = max(int(np.median(np.diff(used))) if len(used) > 1 else 1, 1)
    pending = np.arange(n)
    radius = step
    while pending.size:
        steps = rng.randint(1, radius + 1, size=pending.size)
        wanted = anchors[pending] + np.where(rng.random_sample(pending.size) < 0.5, -steps, steps)
        first = np.zeros(pending.size, dtype=bool)
        first[np.unique(wanted, return_index=True)[1]] = True
        ok = first & (wanted >= low) & ~np.isin(wanted, used)
        out[pending[ok]] = wanted[ok]
        used = np.union1d(used, wanted[ok])
        pending = pending[~ok]
        radius *= 2
    return out
