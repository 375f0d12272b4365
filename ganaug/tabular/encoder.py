"""Stage 1 of a table fit: encode the table into the GAN's space, and decode rows back.

Numeric columns go through scikit-learn's :class:`~sklearn.preprocessing.QuantileTransformer`
(to a standard normal), with a two-way "missing / present" indicator when the column
has missing values. Categorical columns are one-hot encoded by scikit-learn's
:class:`~sklearn.preprocessing.OneHotEncoder`, missing values being a category of their
own. The generator emits one softmax block per categorical column and per indicator;
decoding samples a category from each block (the Gumbel-max trick), so categories are
drawn at the rate the generator assigns them rather than always the most likely one.

Decoding moves a numeric value to the nearest of its class's levels where the column
takes a few values in that class (:func:`_class_levels`): on Computers the minority's
disks are 120, 212, 340 and 527 MB and the majority's 107, 214, 340 and 528 MB, and
rounding alone gave the minority the majority's sizes.

Decoding also writes each float column's values with the decimals its real values are
written with (:mod:`ganaug.tabular.decimals`): a price in cents comes back in cents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.preprocessing import OneHotEncoder, QuantileTransformer

from ganaug.persistence import dtype_from_spec, dtype_spec, tag, untag
from ganaug.tabular.decimals import column_decimals, round_decimals
from ganaug.tabular.identifiers import first_fresh, fresh_values, identifier_columns

__all__ = ["MAX_LEVELS", "Span", "TabularEncoder"]

_MAX_QUANTILES = 1000
MAX_LEVELS = 5000  # categories per column; one-hot width and softmax size grow with it
_TEXT_NUMBER_LEVELS = 20  # above this many distinct numeric strings, ask for a conversion
_LEVEL_MIN_ROWS = 3  # rows of a class that share a value for it to be a level (and stored)
_LEVEL_SHARE = 0.9  # share of a class's present values its levels must hold (see _class_levels)


class Span(NamedTuple):
    """A block of GAN-space columns: ``"numeric"`` (width 1) or ``"softmax"``."""

    kind: str
    width: int


@dataclass
class _Column:
    """What the encoder learned about one column."""

    name: object
    kind: str  # "numeric", "categorical" or "identifier"
    dtype: object
    integral: bool = False
    has_missing: bool = False
    transformer: object = None
    spans: list = field(default_factory=list)
    start: object = None  # an identifier column's first fresh number (None: left empty)
    decimals: object = None  # a numeric column's decimals (None: full precision, not rounded)


def _is_categorical_dtype(dtype):
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
    )


def _numeric_values(series):
    """A float64 view of a numeric column, with NaN for missing values."""
    return pd.to_numeric(series, errors="raise").to_numpy(dtype=np.float64, na_value=np.nan)


def _categorical_values(series):
    """An object array of the column's values, NaN for missing ones (OneHotEncoder's way)."""
    values = series.astype(object).to_numpy(copy=True)
    values[pd.isna(values)] = np.nan
    return values.reshape(-1, 1)


class _ScaledQuantileTransformer(QuantileTransformer):
    """scikit-learn's QuantileTransformer on values divided by ``scale_``, a power of two
    near their spread (or their size, for a constant column).

    QuantileTransformer reads any value within 1e-7 of the smallest or largest
    quantile as that quantile, so a column whose values all lie within 1e-7 of each
    other (amounts of 1e-8 mol, say) would come back as one or two values. Dividing
    by a power of two is exact in floating point, so nothing else changes.
    """

    def fit(self, X, y=None):
        X = np.asarray(X, dtype=np.float64)
        size = float(np.ptp(X)) if X.size else 0.0
        if size == 0.0 and X.size:
            size = float(np.abs(X).max())
        self.scale_ = float(2.0 ** np.floor(np.log2(size))) if size > 0 else 1.0
        return super().fit(X / self.scale_)

    def transform(self, X):
        return super().transform(np.asarray(X, dtype=np.float64) / self.scale_)

    def inverse_transform(self, X):
        return super().inverse_transform(X) * self.scale_


def _quantile_transformer(n_values):
    return _ScaledQuantileTransformer(
        n_quantiles=max(1, min(_MAX_QUANTILES, n_values)),
        output_distribution="normal",
        subsample=None,
    )


def _smooth_quantiles(transformer):
    """Replace each stored quantile by the mean of itself and its two neighbours.

    With 1,000 rows or fewer, a QuantileTransformer's quantiles are exactly the
    column's sorted training values (and the minimum and maximum always are), so a
    saved model would tell whether a given value occurs in the training rows. After
    a three-point moving average (the ends weighted towards themselves) a value that
    one or two rows have is, for continuous values, no longer stored; a value that
    three or more rows share (an integer level, a rounded measurement) survives in
    the middle of its run, and a minimum or maximum that two or more rows share stays.
    The quantiles stay sorted, and every value inside the range still makes the round
    trip through the encoder; a lone minimum or maximum moves inwards by a third of
    its gap to the next value.

    Examples
    --------
    >>> qt = _quantile_transformer(6).fit(np.array([[1.0], [2.0], [2.0], [2.0], [4.0], [8.0]]))
    >>> (_smooth_quantiles(qt).quantiles_.ravel() * qt.scale_).round(3).tolist()
    [1.333, 1.667, 2.0, 2.667, 4.667, 6.667]
    """
    q = transformer.quantiles_[:, 0]
    if len(q) > 1:
        padded = np.concatenate([q[:1], q, q[-1:]])
        smoothed = (padded[:-2] + padded[1:-1] + padded[2:]) / 3.0
        # (a + a + a) / 3 can round to just beyond a: kept inside the observed range
        smoothed = np.clip(smoothed, q[0], q[-1])
        transformer.quantiles_ = smoothed.reshape(-1, 1)
    return transformer


class TabularEncoder:
    """Map a DataFrame to a float32 matrix for the GAN and back.

    Parameters
    ----------
    categorical_features : "auto" or list of str or int, default="auto"
        Which columns are categorical. Object, string, category and bool columns
        always are; a list names further columns (or their positions), such as
        integer codes, to model as categories rather than numbers.
    identifiers : 'auto', list of str or int, or None, default='auto'
        Which columns identify rows and are left unmodelled: 'auto' takes those
        :func:`~ganaug.tabular.identifiers.find_identifiers` finds (text with a
        different value in every row; whole numbers, different in every row, that
        form a sequence or sit in a column named like an ID), but never a column named
        in ``categorical_features``; a list names them; None models every column.

    Attributes
    ----------
    columns_ : list
        Per-column state learned by :meth:`fit`.
    spans_ : list of Span
        The layout of GAN space, in order.
    identifier_columns_ : list
        The columns ``identifiers`` picked: they identify a row rather than describe
        it, so they are not modelled. Decoded rows number a numeric one on from its
        largest real value and leave a text one missing
        (:func:`~ganaug.tabular.identifiers.fresh_values`).
    identifier_starts_ : dict
        Per identifier column, its first fresh number (None for a text column).
    decimals_ : dict
        Per numeric column, the number of decimals its real values are written with
        (:func:`~ganaug.tabular.decimals.column_decimals`: the fewest, up to 6, that
        write 99 % of them), or None for full precision. Decoded values are rounded to
        it; None (and a state saved before ganaug recorded it) leaves them as decoded.
    output_dim_ : int
        Total width of GAN space.

    Examples
    --------
    >>> import pandas as pd
    >>> from ganaug.tabular import TabularEncoder
    >>> df = pd.DataFrame({"x": [1.0, 2.0, 3.0, None], "c": ["a", "b", "a", "b"]})
    >>> enc = TabularEncoder().fit(df)
    >>> enc.transform(df).shape
    (4, 5)
    """

    def __init__(self, categorical_features="auto", identifiers="auto"):
        self.categorical_features = categorical_features
        self.identifiers = identifiers

    # ------------------------------------------------------------------ fitting
    def _categorical_names(self, X):
        """Columns that must be categorical (non-numeric dtypes) plus those named."""
        self._named = set()
        auto = {name for name in X.columns if _is_categorical_dtype(X[name].dtype)}
        if isinstance(self.categorical_features, str):
            if self.categorical_features != "auto":
                raise ValueError(
                    "categorical_features must be 'auto' or a list of column names or "
                    f"positions. Got {self.categorical_features!r} instead."
                )
            return auto
        names = set()
        for item in self.categorical_features:
            if item in X.columns:
                names.add(item)
            elif isinstance(item, (int, np.integer)) and not isinstance(item, bool):
                if not -X.shape[1] <= item < X.shape[1]:
                    raise ValueError(
                        f"categorical_features index {item} is out of range for "
                        f"{X.shape[1]} columns. Got {item!r} instead."
                    )
                names.add(X.columns[item])
            else:
                raise ValueError(
                    "categorical_features names a column that is not in the data: "
                    f"expected one of {list(X.columns)}. Got {item!r} instead."
                )
        self._named = names
        return auto | names

    def fit(self, X, y=None):
        """Learn each column's type, transformer and GAN-space layout.

        ``y`` (class indices ``0..k-1``), when given, records the share of missing
        values of each column in each class, and each numeric column's levels in each
        class where it takes a few values there (``class_levels_``, see
        :func:`_class_levels`), which :meth:`inverse_transform` then reproduces.
        """
        categorical = self._categorical_names(X)
        identifiers = set(identifier_columns(X, self.identifiers, described=self._named))
        self.columns_ = []
        for name in X.columns:
            series = X[name]
            if name in identifiers:
                col = _Column(name=name, kind="identifier", dtype=series.dtype, start=first_fresh(series))
            elif name in categorical:
                col = self._fit_categorical(name, series)
            else:
                col = self._fit_numeric(name, series)
            self.columns_.append(col)
        self._finish()
        self.missing_rates_ = {}
        if y is not None:
            y = np.asarray(y)
            n_classes = int(y.max()) + 1 if len(y) else 0
            counts = np.bincount(y, minlength=n_classes)
            for col in self.columns_:
                if col.has_missing and col.transformer is not None and col.kind != "identifier":
                    missing = X[col.name].isna().to_numpy()
                    rates = np.bincount(y, weights=missing, minlength=n_classes) / np.maximum(counts, 1)
                    self.missing_rates_[col.name] = rates.tolist()
        self.class_levels_ = _class_levels(X, y, self.columns_) if y is not None else {}
        return self

    def _fit_categorical(self, name, series):
        values = _categorical_values(series)
        n_levels = int(series.nunique(dropna=True))
        if n_levels > MAX_LEVELS:
            raise ValueError(
                f"Column {name!r} has {n_levels} distinct values; ganaug models at most "
                f"{MAX_LEVELS} categories per column. Drop identifier-like columns or "
                "group rare categories first."
            )
        if (
            name not in self._named
            and not isinstance(series.dtype, pd.CategoricalDtype)  # the user said what it is
            and n_levels > _TEXT_NUMBER_LEVELS
            and _looks_numeric(series)
        ):
            raise ValueError(
                f"Column {name!r} holds numbers stored as text (for example "
                f"{series.dropna().iloc[0]!r}); convert it with pandas.to_numeric, or name "
                "it in categorical_features to model it as categories."
            )
        encoder = OneHotEncoder(sparse_output=False, handle_unknown="ignore", dtype=np.float32)
        try:
            encoder.fit(values)
        except TypeError as exc:
            raise ValueError(
                f"Column {name!r} mixes values of different types (for example strings "
                f"and numbers); expected one type per categorical column. {exc}"
            ) from None
        width = len(encoder.categories_[0])
        return _Column(
            name=name,
            kind="categorical",
            dtype=series.dtype,
            has_missing=bool(pd.isna(values).any()),
            transformer=encoder,
            spans=[Span("softmax", width)],
        )

    def _fit_numeric(self, name, series):
        if not pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_object_dtype(
            series.dtype
        ):
            raise ValueError(
                f"Column {name!r} has dtype {series.dtype}, which ganaug cannot model; "
                "expected a numeric, bool, string or category column."
            )
        try:
            values = _numeric_values(series)
        except (ValueError, TypeError):
            raise ValueError(
                f"Column {name!r} is treated as numeric but holds values that are not "
                "numbers; list it in categorical_features or fix the data. "
                f"Got dtype {series.dtype} instead."
            ) from None
        if np.isinf(values).any():
            raise ValueError(
                f"Column {name!r} contains infinite values; expected finite numbers or "
                "missing values (NaN)."
            )
        present = ~np.isnan(values)
        observed = values[present]
        col = _Column(name=name, kind="numeric", dtype=series.dtype)
        col.has_missing = not present.all()
        col.integral = pd.api.types.is_integer_dtype(series.dtype) or bool(
            observed.size and np.all(observed == np.round(observed))
        )
        if observed.size:
            col.decimals = 0 if col.integral else column_decimals(observed, series.dtype)
            col.transformer = _smooth_quantiles(
                _quantile_transformer(observed.size).fit(observed.reshape(-1, 1)))
            col.spans.append(Span("numeric", 1))
        if col.has_missing and observed.size:
            col.spans.append(Span("softmax", 2))  # [present, missing]
        return col

    def _finish(self):
        self.identifier_columns_ = [col.name for col in self.columns_ if col.kind == "identifier"]
        self.identifier_starts_ = {col.name: col.start for col in self.columns_ if col.kind == "identifier"}
        self.decimals_ = {col.name: col.decimals for col in self.columns_
                          if col.kind == "numeric" and col.transformer is not None}
        self.spans_ = [span for col in self.columns_ for span in col.spans]
        self.output_dim_ = int(sum(span.width for span in self.spans_))

    # ------------------------------------------------------------------- state
    def get_state(self):
        """The fitted state as plain JSON-safe values (for a ``.ganaug`` file).

        It holds what decoding needs, all derived from the training rows: each
        column's name, dtype and layout; each categorical column's categories; each
        numeric column's quantiles (up to 1000 values of that column, sorted),
        each column's share of missing values per class and, per class, the values of
        a numeric column that at least three of the class's rows share, where such
        values hold nine tenths of them (``class_levels_``); each numeric column's
        number of decimals (``decimals_``); and the first fresh number of each numeric
        identifier column (one more than its largest value).
        """
        columns = []
        for col in self.columns_:
            state = {
                "name": tag(col.name),
                "kind": col.kind,
                "dtype": dtype_spec(col.dtype),
                "integral": col.integral,
                "has_missing": col.has_missing,
                "spans": [list(span) for span in col.spans],
            }
            if col.start is not None:
                state["start"] = int(col.start)
            if col.kind == "categorical":
                state["categories"] = [tag(c) for c in col.transformer.categories_[0]]
            elif col.transformer is not None:
                state["quantiles"] = col.transformer.quantiles_.ravel().tolist()  # divided by scale
                state["scale"] = col.transformer.scale_
                state["references"] = col.transformer.references_.tolist()
                state["decimals"] = col.decimals
            columns.append(state)
        features = self.categorical_features
        if not isinstance(features, str):
            features = {"list": [tag(v) for v in features]}
        identifiers = getattr(self, "identifiers", "auto")
        if identifiers is not None and not isinstance(identifiers, str):
            identifiers = {"list": [tag(v) for v in identifiers]}
        missing_rates = [[tag(k), v] for k, v in getattr(self, "missing_rates_", {}).items()]
        class_levels = [[tag(k), v] for k, v in getattr(self, "class_levels_", {}).items()]
        return {"categorical_features": features, "identifiers": identifiers, "columns": columns,
                "missing_rates": missing_rates, "class_levels": class_levels}

    @classmethod
    def from_state(cls, state):
        """A fitted encoder from :meth:`get_state`'s output."""
        features = state["categorical_features"]
        if isinstance(features, dict):
            features = tuple(untag(v) for v in features["list"])
        identifiers = state.get("identifiers", "auto")  # older files: 'auto'
        if isinstance(identifiers, dict):
            identifiers = tuple(untag(v) for v in identifiers["list"])
        encoder = cls(features, identifiers)
        encoder.columns_ = []
        for cs in state["columns"]:
            col = _Column(
                name=untag(cs["name"]),
                kind=cs["kind"],
                dtype=dtype_from_spec(cs["dtype"]),
                integral=cs["integral"],
                has_missing=cs["has_missing"],
                spans=[Span(kind, int(width)) for kind, width in cs["spans"]],
                start=cs.get("start"),
                decimals=cs.get("decimals"),  # older files: None, not rounded
            )
            if col.kind == "categorical":
                categories = np.array([untag(c) for c in cs["categories"]], dtype=object)
                col.transformer = OneHotEncoder(
                    sparse_output=False, handle_unknown="ignore", dtype=np.float32
                ).fit(categories.reshape(-1, 1))
            elif "quantiles" in cs:
                quantiles = np.asarray(cs["quantiles"], dtype=np.float64).reshape(-1, 1)
                qt = _quantile_transformer(len(quantiles))
                qt.quantiles_ = quantiles
                qt.references_ = np.asarray(cs["references"], dtype=np.float64)
                qt.scale_ = float(cs.get("scale", 1.0))  # files written before scaling: 1
                qt.n_features_in_ = 1
                col.transformer = qt
            encoder.columns_.append(col)
        encoder._finish()
        encoder.missing_rates_ = {untag(k): list(v) for k, v in state.get("missing_rates", [])}
        encoder.class_levels_ = {untag(k): list(v) for k, v in state.get("class_levels", [])}
        return encoder

    def missing_indicators(self):
        """A mask over GAN space: True on the "present / missing" indicators of
        numeric columns and on the missing level of categorical ones."""
        mask = []
        for col in self.columns_:
            for i, span in enumerate(col.spans):
                if col.kind == "categorical":
                    mask.extend(pd.isna(col.transformer.categories_[0]).tolist())
                else:
                    mask.extend([i == 1] * span.width)
        return np.array(mask, dtype=bool)

    def columns_mask(self, names):
        """A mask over GAN space: True on the dimensions of the named columns."""
        names = set(names)
        return np.array(
            [col.name in names for col in self.columns_ for span in col.spans for _ in range(span.width)],
            dtype=bool,
        )

    # -------------------------------------------------------------- transforms
    def transform(self, X):
        """Encode a DataFrame with the fitted columns into a float32 matrix."""
        missing = [col.name for col in self.columns_ if col.name not in X.columns]
        if missing:
            raise ValueError(
                f"The data lacks column(s) {missing} that the encoder was fitted on; "
                f"expected columns {[col.name for col in self.columns_]}."
            )
        blocks = []
        for col in self.columns_:
            series = X[col.name]
            if col.kind == "identifier":
                continue
            if col.kind == "categorical":
                blocks.append(col.transformer.transform(_categorical_values(series)))
                continue
            values = _numeric_values(series)
            missing = np.isnan(values)
            if col.transformer is not None:
                z = np.zeros((len(values), 1))
                if (~missing).any():
                    z[~missing] = col.transformer.transform(values[~missing].reshape(-1, 1))
                blocks.append(z)
                if col.has_missing:
                    blocks.append(np.stack([~missing, missing], axis=1))
        if not blocks:
            return np.zeros((len(X), 0), dtype=np.float32)
        return np.concatenate(blocks, axis=1).astype(np.float32)

    def inverse_transform(self, Z, random_state=None, y=None, as_given=()):
        """Decode GAN-space rows into a DataFrame with the training columns and dtypes.

        Softmax blocks are sampled (Gumbel-max) with ``random_state``; numeric values
        are mapped back through the quantile transformer, which keeps them inside the
        observed range, and rounded for integer columns and to the decimals of the
        real values (``decimals_``) for the others. With ``y`` (the class index
        of each row), a numeric value goes to the nearest of its class's levels where
        :meth:`fit` found them (a class whose disks come in 120, 212 and 340 MB gets
        those sizes, not 214, the majority's), and with missing rates recorded at
        :meth:`fit` each column is missing in each class at the real rate: the rows
        made missing are those the generator gives the highest probability of being
        missing (Gumbel-perturbed). Columns in
        ``as_given`` (encoded real values, say) are missing where ``Z`` says they are.
        """
        rng = np.random.default_rng(random_state)
        Z = np.asarray(Z, dtype=np.float64)
        n = Z.shape[0]
        data = {}
        pos = 0
        for col in self.columns_:
            if col.kind == "identifier":
                data[col.name] = fresh_values(n, col.start, col.dtype)
                continue
            if col.kind == "categorical":
                width = col.spans[0].width
                block = Z[:, pos : pos + width]
                pos += width
                rates = getattr(self, "missing_rates_", {}).get(col.name)
                nan_level = np.flatnonzero(pd.isna(col.transformer.categories_[0]))
                if y is not None and rates is not None and len(nan_level) and width > 1 and col.name not in as_given:
                    level = int(nan_level[0])
                    share = block[:, level] / np.clip(block.sum(axis=1), 1e-12, None)
                    missing = _calibrated_missing(share, np.asarray(y), rates, rng)
                    present = block.copy()
                    present[:, level] = 0.0
                    idx = _sample_block(present, rng)
                    idx[missing] = level
                else:
                    idx = _sample_block(block, rng)
                values = col.transformer.categories_[0][idx]
                data[col.name] = _restore_categorical(values, col.dtype)
                continue
            if col.transformer is None:  # a column with no observed value
                data[col.name] = pd.Series(np.full(n, np.nan)).astype(col.dtype)
                continue
            block = Z[:, pos : pos + 1]
            x = col.transformer.inverse_transform(block).ravel() if n else np.empty(0)
            pos += 1
            if col.integral:
                x = np.rint(x)
            if col.name not in as_given:
                x = round_decimals(x, col.decimals)
            levels = getattr(self, "class_levels_", {}).get(col.name)
            if levels is not None and y is not None and col.name not in as_given:
                x = _snap_to_levels(x, np.asarray(y), levels)
            if col.has_missing:
                rates = getattr(self, "missing_rates_", {}).get(col.name)
                if y is not None and rates is not None and col.name not in as_given:
                    missing = _calibrated_missing(Z[:, pos + 1], np.asarray(y), rates, rng)
                else:
                    missing = _sample_block(Z[:, pos : pos + 2], rng) == 1
                pos += 2
                x[missing] = np.nan
            data[col.name] = pd.Series(x, copy=False).astype(col.dtype)
        return pd.DataFrame(data, columns=[col.name for col in self.columns_])


def _looks_numeric(series):
    """Whether every non-missing value of a text column parses as a number."""
    values = series.dropna()
    if values.empty or not all(isinstance(v, str) for v in values):
        return False
    return bool(pd.to_numeric(values, errors="coerce").notna().all())


def _calibrated_missing(p_missing, y, rates, rng):
    """Mark missing, in each class, its recorded share of rows: those most likely missing.

    The count per class is stochastically rounded; rows are ranked by the generator's
    log-odds of "missing" plus Gumbel noise, so the choice follows the generator
    where it is sure and is random where it is not.
    """
    p = np.clip(p_missing, 1e-6, 1 - 1e-6)
    score = np.log(p) - np.log1p(-p) + rng.gumbel(size=p.shape)
    missing = np.zeros(len(p), dtype=bool)
    for k, rate in enumerate(rates):
        rows = np.flatnonzero(y == k)
        if not len(rows) or rate <= 0:
            continue
        count = int(np.floor(len(rows) * rate + rng.random()))
        missing[rows[np.argsort(-score[rows], kind="stable")[:count]]] = True
    return missing


def _sample_block(probs, rng):
    """Sample one index per row from a block of (unnormalised) probabilities.

    Inverse-CDF sampling: one uniform draw per row against the row's cumulative sums,
    a third of the cost of the Gumbel-max trick's draw per entry.
    """
    cumulative = np.cumsum(np.clip(probs, 1e-12, None), axis=1)
    u = rng.random(len(cumulative)) * cumulative[:, -1]
    return np.minimum((cumulative <= u[:, None]).sum(axis=1), probs.shape[1] - 1)


def _class_levels(X, y, columns):
    """Per numeric column, per class: the class's levels, or None.

    A class's levels in a column are the values that at least ``_LEVEL_MIN_ROWS`` of
    its rows share, when those rows make up at least ``_LEVEL_SHARE`` of the rows
    where the column is present: the column takes a few values in that class (disk
    sizes of a maker's computers, a count, a year), and a decoded value is moved to
    the nearest of them (:func:`_snap_to_levels`). A column of spread-out values has
    None: it is decoded as a number.
    """
    levels = {}
    y = np.asarray(y)
    n_classes = int(y.max()) + 1 if len(y) else 0
    for col in columns:
        if col.kind != "numeric" or col.transformer is None:
            continue
        values = _numeric_values(X[col.name])
        per_class = []
        for k in range(n_classes):
            present = values[(y == k) & ~np.isnan(values)]
            found, counts = np.unique(present, return_counts=True)
            shared = counts >= _LEVEL_MIN_ROWS
            if present.size and counts[shared].sum() >= _LEVEL_SHARE * present.size:
                per_class.append(found[shared].tolist())
            else:
                per_class.append(None)
        if any(p is not None for p in per_class):
            levels[col.name] = per_class
    return levels


def _snap_to_levels(x, y, levels):
    """Each value moved to the nearest of its row's class's levels (classes with None
    keep theirs).

    >>> _snap_to_levels(np.array([1.2, 7.0, 7.0]), np.array([0, 0, 1]), [[1.0, 5.0, 10.0], None]).tolist()
    [1.0, 5.0, 7.0]
    """
    x = x.copy()
    for k, found in enumerate(levels):
        at = np.flatnonzero(y == k)
        if found is None or not at.size:
            continue
        found = np.asarray(found, dtype=np.float64)
        above = np.minimum(np.searchsorted(found, x[at]), len(found) - 1)
        lo, hi = found[np.maximum(above - 1, 0)], found[above]
        x[at] = np.where(np.abs(x[at] - lo) <= np.abs(hi - x[at]), lo, hi)
    return x


def _restore_categorical(values, dtype):
    if isinstance(dtype, pd.CategoricalDtype):
        values = np.where(pd.isna(values), None, values)
        return pd.Series(pd.Categorical(values, dtype=dtype))
    series = pd.Series(values, dtype=object)
    if pd.api.types.is_object_dtype(dtype):
        return series
    if pd.api.types.is_bool_dtype(dtype) and series.isna().any():
        return series  # numpy bool cannot hold a missing value
    return series.astype(dtype)
