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
value (:func:`first_fresh`, :func:`fresh_values`): whole numbers that go on past the
largest real one, or an empty text.

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
    ``userId``, ``key``, ``index``, ``rownames``, ``Unnamed: 0``, an empty name).

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
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = [
    "IDENTIFIER_NAME",
    "MIN_ROWS",
    "SEQUENCE_SPAN",
    "find_identifiers",
    "first_fresh",
    "fresh_values",
    "identifier_columns",
]

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


def _named_like_identifier(name):
    text = str(name)
    return bool(IDENTIFIER_NAME.fullmatch(text) or _CAMEL_ID.fullmatch(text))


def _integer_reason(name, values):
    """Why distinct whole numbers ``values`` (sorted, no missing) identify rows, or None."""
    n = values.size
    low, high = int(values[0]), int(values[-1])
    span = high - low + 1
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
    numbers = np.arange(start, start + n, dtype=np.int64)
    dtype = pd.api.types.pandas_dtype(dtype)
    kind = getattr(dtype, "numpy_dtype", dtype)  # Int64 and the like: their NumPy dtype
    if n and isinstance(kind, np.dtype) and kind.kind in "iu" and numbers[-1] > np.iinfo(kind).max:
        dtype = np.dtype(np.int64)
    return pd.Series(numbers).astype(dtype)
