"""A table's own rules: what every real row keeps, found from the rows alone.

Real tables obey rules nobody states: a district lies in one county, a person's
schooling does not shrink between two surveys, a mean score is the mean of its
parts, a survey's design pairs each item with one situation. A synthetic row that
breaks such a rule is told apart at a glance, however good its marginals are.
:func:`find_rules` finds four kinds of rules in the real rows, with no user input,
and :func:`rule_rates` says how often a table (real or synthetic) keeps them:

- **dependency** ``a -> b``: each value of ``a`` goes with one value of ``b``
  ("county is determined by district"). A row keeps it when its ``b`` is the value
  the real rows pair most often with its ``a``. When ``b`` also determines ``a`` the
  two are one rule ("a and b determine each other"); a dependency between two columns
  that an identity links is left to the identity;
- **identity**: a numeric column is an exact function of one to three others, with
  small rational coefficients and a constant, on the columns or their logarithms
  ("testscr = 0.5*readscr + 0.5*mathscr", "exp76 = age76 - ed76 - 6",
  "lwage76 = log(wage76)"), the first of its columns in the table's order given by
  the others. Exact means to the columns' rounding: half a unit of the
  last decimal each column is written to (whole numbers are taken as exact: with
  half a unit of rounding, 0/1 flags fitted "dem = 0.918 - 0.918*rep"), carried
  through the coefficients (and through the logarithm), but no more than the largest gap of the real rows within
  that bound (so that whole numbers whose identity is exact must stay exact), plus a
  relative 1e-6 for numbers stored in full precision (float32 included);
- **order** ``a >= b`` between two numeric columns ("ed76 >= ed66");
- **combination**: only some combinations of the levels of two to four categorical
  columns (text, bool or categorical dtype; numbers are left to orders and
  identities, which say more about them) occur ("only 24 of 288 combinations of item, btype, situ, mode occur").
  A row keeps it when its combination occurs in the real rows.

A rule is reported when the real rows keep it in at least ``min_rate`` (99 %) of the
rows it can judge: exceptions are data errors or rare cases, and a rule with more of
them is a tendency, which the fidelity scores already measure.

A row that cannot be judged (a missing value in the rule's columns, or a determinant
value the real rows never had, so that they say nothing of its dependent) is not
counted: :meth:`Rule.holds` says True for it and :meth:`Rule.judged` False, and a
rate is over the judged rows only. A generator that invents new determinant values
is not caught here; the fidelity scores see new values.

What is left out, and why:

- identifier columns (:func:`~ganaug.tabular.identifiers.find_identifiers`: a row
  number, an ID, a name with one row each). With one row per value an identifier
  "determines" every column, which only says that the rows differ. For the same
  reason a **determinant** needs at least two rows per value on average
  (:data:`MAX_DETERMINANT_SHARE`): California's school districts (one row each)
  give no "county is determined by district", while a panel's person ID with one row
  per year gives the person's fixed attributes;
- constant and near-constant columns (one value in at least ``min_rate`` of the rows):
  any rule on them holds by itself;
- rules that chance keeps: every candidate is also tried on the real rows with its
  columns shuffled independently (the dependency's pairing learned again on the
  shuffled rows). It is kept only when the shuffled rows break it in at least
  :data:`CHANCE_BREAKS` of the rows and at least :data:`CHANCE_FACTOR` times as often
  as the real rows do. This drops ``income >= age`` when every income exceeds every
  age, a dependency whose groups are too small to mean anything, a combination rule
  whose missing combinations were rare anyway;
- combinations over columns with more than :data:`MAX_LEVELS` levels, or over fewer
  than :data:`ROWS_PER_COMBINATION` rows per possible combination (a combination
  absent from few rows is not evidence of anything), or with more than
  :data:`MAX_COMBINATION_SHARE` of the possible combinations occurring (or of those
  that a column could add to the combinations of the others), or implied by a dependency between two of its
  columns or by a larger combination rule that was kept;
- an order ``a >= c`` that follows from two kept orders ``a >= b`` and ``b >= c``,
  and an order between columns that are equal in at least ``min_rate`` of the rows
  (an identity says it better);
- identities on columns missing in more than 10 % of the rows or holding an infinite
  value, with more than three terms, or between two forms of one column (``x`` and ``log(x)``).

Searches are capped so that a fit stays quick: identities are searched on at most
:data:`SEARCH_ROWS` rows (then checked on all rows), and only for a column that the
least-squares fit on all other numeric columns (and their logs) reproduces to within
its rounding: most columns stop there. A 10,000 x 30 table takes well under a second.

Measured (``OMP_NUM_THREADS=1 python -m benchmarks.tables.realism --unseen``,
``docs/results/realism.md``): on the protocol's first training fold, 8 of the
devsuite's 14 tables have rules, 16 in all (4 dependencies, 2 identities, 10 orders),
and 14 of the 40 unseen tables 71. Before synthetic rows were made to keep them
(:mod:`ganaug.tabular.rule_keeping`), the default ``GANAugmenter``'s rows kept 2 of the
16 and 18 of the 71 as often as the real rows do (mean share of rows keeping a rule:
real 0.998, synthetic 0.874; DoctorAUS's ``medecine = prescrib + nonpresc`` 1.000 vs
0.446); since, all of them. On the devsuite's first folds ``find_rules`` takes 0.008
to 0.09 s per table. Ecdat/Caschool's
``testscr = 0.5*readscr + 0.5*mathscr``, Ecdat/Schooling's ``ed76 = age76 - exp76 -
6``, ``lwage76 = log(wage76)`` and ``ed76 >= ed66``, lme4/VerbAgg's "btype (situ,
mode) is determined by item" are found on the whole tables, in 0.04 to 0.8 s each on a
busy 2-core machine; a 10,000 x 30 table of independent columns gives no rule, in
0.3 to 0.8 s.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd

__all__ = [
    "CHANCE_BREAKS",
    "CHANCE_FACTOR",
    "KINDS",
    "MAX_COMBINATION_SHARE",
    "MAX_DETERMINANT_SHARE",
    "MAX_LEVELS",
    "ROWS_PER_COMBINATION",
    "SEARCH_ROWS",
    "Rule",
    "find_rules",
    "rule_rates",
]

#: The kinds of rules, in the order :func:`find_rules` lists them.
KINDS = ("dependency", "identity", "order", "combination")

#: A rule is kept only when shuffled columns break it in at least this share of rows...
CHANCE_BREAKS = 0.05
#: ... and at least this many times as often as the real rows do.
CHANCE_FACTOR = 5.0
#: A determinant has at most this many distinct values per row (two rows per value).
MAX_DETERMINANT_SHARE = 0.5
#: Combination rules look at categorical columns of at most this many levels.
MAX_LEVELS = 30
#: ... with at least this many rows per possible combination.
ROWS_PER_COMBINATION = 5
#: A combination rule needs at most this share of the possible combinations occurring.
MAX_COMBINATION_SHARE = 2 / 3
#: Identities are searched on at most this many rows (a seeded subsample).
SEARCH_ROWS = 5000

_MAX_COMBINATION = 4  # columns in a combination rule
_MAX_CATEGORICALS = 16  # columns a combination search looks at (the fewest levels first)
_MAX_TERMS = 3  # terms of an identity
_MAX_FEATURES = 80  # numeric features (columns and logs) an identity search looks at
_MAX_DENOMINATOR = 12
_RELATIVE = 1e-6  # numbers stored in full precision (float32 included)
_MAX_MISSING = 0.1  # identities skip columns missing in more rows than this


@dataclass(frozen=True)
class Rule:
    """One rule of a table, as found by :func:`find_rules`.

    Attributes
    ----------
    kind : {'dependency', 'identity', 'order', 'combination'}
    columns : tuple
        The columns it is about (a dependency: determinant then dependent; an
        identity: the column it gives first).
    text : str
        The rule for a person to read.
    rate : float
        The share of the real rows it was found on that keep it (of those it judges).
    chance : float
        The share that keep it with the columns shuffled independently.
    """

    kind: str
    columns: tuple
    text: str
    rate: float = np.nan
    chance: float = np.nan
    detail: dict = field(default_factory=dict, repr=False, compare=False)

    def judged(self, frame):
        """Bool array: the rows of ``frame`` this rule can judge (no missing value in
        its columns; for a dependency, a determinant value the real rows had)."""
        frame = _as_frame(frame)
        missing = [c for c in self.columns if c not in frame.columns]
        if missing:
            raise ValueError(
                f"The rule {self.text!r} needs column {missing[0]!r}. "
                f"Got columns {list(frame.columns)!r} instead."
            )
        ok = frame[list(self.columns)].notna().all(axis=1).to_numpy().copy()
        if self.kind == "dependency":
            ok &= frame[self.columns[0]].isin(list(self.detail["mapping"])).to_numpy()
        return ok

    def holds(self, frame):
        """Bool array: the rows of ``frame`` that keep this rule (True where it cannot
        judge, see :meth:`judged`)."""
        frame = _as_frame(frame)
        judged = self.judged(frame)
        keep = np.ones(len(frame), dtype=bool)
        if not judged.any():
            return keep
        part = frame.loc[judged, list(self.columns)]
        keep[judged] = _CHECKS[self.kind](self, part)
        return keep


def _as_frame(frame):
    if isinstance(frame, pd.DataFrame):
        return frame.reset_index(drop=True)
    return pd.DataFrame(np.asarray(frame))


# ----------------------------------------------------------------------- checks
def _same(values, expected):
    """Elementwise equality that takes 1 and 1.0 (or a float32 copy) for the same value."""
    values = pd.Series(values).reset_index(drop=True)
    expected = pd.Series(expected).reset_index(drop=True)
    if pd.api.types.is_numeric_dtype(values) and pd.api.types.is_numeric_dtype(expected) \
            and not pd.api.types.is_bool_dtype(values):
        a = values.to_numpy(dtype=float)
        b = expected.to_numpy(dtype=float)
        return np.isclose(a, b, rtol=_RELATIVE, atol=0.0) | (a == b)
    return np.array([x == e for x, e in zip(values.astype(object), expected.astype(object))],
                    dtype=bool)


def _check_dependency(rule, part):
    a, b = rule.columns
    expected = part[a].map(rule.detail["mapping"])
    return _same(part[b], expected)


def _feature(values, transform):
    values = np.asarray(values, dtype=float)
    return np.log(values) if transform == "log" else values


def _identity_gap(rule, part):
    """(|lhs - rhs|, tolerance) per row of ``part``."""
    d = rule.detail
    target, t_transform, t_unit = d["target"]
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = part[target].to_numpy(dtype=float)
        lhs = _feature(raw, t_transform)
        tol = 0.5 * t_unit * (1 / np.abs(raw) if t_transform == "log" else 1.0)
        intercept = float(d["intercept"])
        size = np.abs(lhs) + abs(intercept)
        rhs = np.full(len(part), intercept, dtype=float)
        for coef, column, transform, unit in d["terms"]:
            coef = float(coef)
            x = part[column].to_numpy(dtype=float)
            term = coef * _feature(x, transform)
            rhs += term
            size += np.abs(term)
            tol = tol + abs(coef) * 0.5 * unit * (1 / np.abs(x) if transform == "log" else 1.0)
        gap = np.abs(lhs - rhs)
    tol = np.minimum(tol, d.get("tolerance", np.inf))
    return gap, tol + _RELATIVE * size


def _check_identity(rule, part):
    gap, tol = _identity_gap(rule, part)
    return np.nan_to_num(gap, nan=np.inf) <= tol


def _check_order(rule, part):
    a, b = rule.columns
    return part[a].to_numpy(dtype=float) >= part[b].to_numpy(dtype=float)


def _check_combination(rule, part):
    allowed = rule.detail["allowed"]
    rows = zip(*(part[c].tolist() for c in rule.columns))
    return np.fromiter((r in allowed for r in rows), dtype=bool, count=len(part))


_CHECKS = {"dependency": _check_dependency, "identity": _check_identity,
           "order": _check_order, "combination": _check_combination}


# ------------------------------------------------------------------- helpers
def _is_numeric(series):
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _is_discrete(series):
    """Text, bool, categorical, or whole numbers: values that name a group."""
    if not _is_numeric(series):
        return True
    values = series.dropna().to_numpy(dtype=float)
    return bool(np.all(np.isfinite(values)) and np.all(values == np.round(values)))


def _unit(values):
    """Half of this is the rounding of ``values``: 10**-k for the fewest decimals k
    (1 to 8) that write every value; 0 when none does (full precision) and for whole
    numbers, taken as exact (counts, years, 0/1 flags)."""
    values = values[np.isfinite(values)]
    if np.all(values == np.round(values)):
        return 0.0
    for k in range(1, 9):
        scaled = values * 10.0**k
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1.0, np.abs(scaled))):
            return 10.0**-k
    return 0.0


def _breaks(rate):
    return 1.0 - rate


def _beats_chance(rate, chance):
    return _breaks(chance) >= CHANCE_BREAKS and _breaks(chance) >= CHANCE_FACTOR * _breaks(rate)


def _shuffled(frame, columns, rng):
    """``frame[columns]`` with each column shuffled independently (rows with a missing
    value in them left out first)."""
    part = frame[list(columns)].dropna().reset_index(drop=True)
    return pd.DataFrame({c: part[c].to_numpy()[rng.permutation(len(part))] for c in columns})


def _rate(rule, frame):
    judged = rule.judged(frame)
    if not judged.any():
        return np.nan
    return float(rule.holds(frame)[judged].mean())


def _shown(value):
    return str(value)


# --------------------------------------------------------------- dependencies
def _codes(series):
    codes, levels = pd.factorize(series, use_na_sentinel=True)
    return codes, levels


def _dependency_rate(ca, na, cb, nb):
    """(share of rows whose b is the most frequent b of their a, that b per a)."""
    present = (ca >= 0) & (cb >= 0)
    ca, cb = ca[present], cb[present]
    if ca.size == 0:
        return np.nan, None
    key = ca.astype(np.int64) * nb + cb
    uniq, counts = np.unique(key, return_counts=True)
    a_of, b_of = uniq // nb, uniq % nb
    order = np.lexsort((-counts, a_of))  # per a, the most frequent b first
    a_sorted = a_of[order]
    first = np.r_[True, a_sorted[1:] != a_sorted[:-1]]
    best = order[first]
    return counts[best].sum() / ca.size, dict(zip(a_of[best].tolist(), b_of[best].tolist()))


def _find_dependencies(frame, columns, min_rate, rng):
    codes = {c: _codes(frame[c]) for c in columns}
    determinants = [c for c in columns if _is_discrete(frame[c])
                    and 2 <= len(codes[c][1]) <= MAX_DETERMINANT_SHARE * frame[c].notna().sum()]
    rules = []
    for a in determinants:
        ca, la = codes[a]
        for b in columns:
            if b == a:
                continue
            cb, lb = codes[b]
            rate, mapping = _dependency_rate(ca, len(la), cb, len(lb))
            if mapping is None or not rate >= min_rate:
                continue
            # chance: the pairing learned again with b shuffled against a
            present = np.flatnonzero((ca >= 0) & (cb >= 0))
            shuffled = cb[present][rng.permutation(present.size)]
            chance, _ = _dependency_rate(ca[present], len(la), shuffled, len(lb))
            if not _beats_chance(rate, chance):
                continue
            rules.append(Rule(
                "dependency", (a, b), f"{_shown(b)} is determined by {_shown(a)}", rate, chance,
                {"mapping": {la[k]: lb[v] for k, v in mapping.items()}},
            ))
    # one to one: a -> b and b -> a are one rule (a row keeps both or neither)
    pairs = {r.columns for r in rules}
    out = []
    for r in rules:
        a, b = r.columns
        if (b, a) in pairs:
            if columns.index(a) > columns.index(b):
                continue
            r = Rule(r.kind, r.columns, f"{_shown(a)} and {_shown(b)} determine each other",
                     r.rate, r.chance, r.detail)
        out.append(r)
    return out


# -------------------------------------------------------------- combinations
def _find_combinations(frame, columns, dependencies, min_rate, rng):
    n = len(frame)
    levels = {c: frame[c].nunique() for c in columns if not _is_numeric(frame[c])}
    candidates = sorted((c for c, k in levels.items() if 2 <= k <= MAX_LEVELS),
                        key=lambda c: (levels[c], list(columns).index(c)))[:_MAX_CATEGORICALS]
    candidates = [c for c in columns if c in candidates]  # the table's order
    linked = {frozenset(r.columns) for r in dependencies}
    codes = {c: _codes(frame[c])[0] for c in candidates}
    found = {}
    for size in range(2, _MAX_COMBINATION + 1):
        for subset in itertools.combinations(candidates, size):
            product = int(np.prod([levels[c] for c in subset]))
            if n < ROWS_PER_COMBINATION * product:
                continue
            if any(frozenset(pair) in linked for pair in itertools.combinations(subset, 2)):
                continue
            present = np.all([codes[c] >= 0 for c in subset], axis=0)
            if present.sum() < ROWS_PER_COMBINATION * product:
                continue
            key = np.zeros(int(present.sum()), dtype=np.int64)
            for c in subset:
                key = key * levels[c] + codes[c][present]
            occurring = np.count_nonzero(np.bincount(key, minlength=product))
            if occurring > MAX_COMBINATION_SHARE * product:
                continue
            # each column restricts the others: not a smaller rule with a free column added
            if any(occurring > MAX_COMBINATION_SHARE * _occurring(codes, levels, present, tuple(
                    x for x in subset if x != c)) * levels[c] for c in subset):
                continue
            found[subset] = occurring
    # keep the largest rules: a smaller set inside a kept larger one is implied by it
    rules = []
    for subset in sorted(found, key=len, reverse=True):
        if any(set(subset) < set(kept.columns) for kept in rules):
            continue
        part = frame[list(subset)].dropna()
        allowed = set(zip(*(part[c].tolist() for c in subset)))
        product = int(np.prod([levels[c] for c in subset]))
        names = ", ".join(map(_shown, subset))
        rule = Rule("combination", subset,
                    f"only {len(allowed)} of {product} combinations of {names} occur",
                    detail={"allowed": allowed})
        rate = _rate(rule, frame)
        chance = _rate(rule, _shuffled(frame, subset, rng))
        if rate >= min_rate and _beats_chance(rate, chance):
            rules.append(Rule(rule.kind, rule.columns, rule.text, rate, chance, rule.detail))
    return sorted(rules, key=lambda r: [list(columns).index(c) for c in r.columns])


def _occurring(codes, levels, present, subset):
    """Combinations of ``subset`` occurring among the ``present`` rows."""
    key = np.zeros(int(present.sum()), dtype=np.int64)
    for c in subset:
        key = key * levels[c] + codes[c][present]
    return np.count_nonzero(np.bincount(key))


# -------------------------------------------------------------------- orders
def _find_orders(frame, columns, min_rate, rng):
    numeric = [c for c in columns if _is_numeric(frame[c])]
    rules = []
    if len(numeric) < 2:
        return rules
    values = frame[numeric].astype(float).to_numpy()
    present = ~np.isnan(values)
    for i, j in itertools.permutations(range(len(numeric)), 2):
        both = present[:, i] & present[:, j]
        if both.sum() < 2:
            continue
        a, b = values[both, i], values[both, j]
        rate = float(np.mean(a >= b))
        if rate < min_rate or np.mean(a == b) >= min_rate:
            continue
        chance = float(np.mean(a >= b[rng.permutation(b.size)]))
        if _beats_chance(rate, chance):
            rules.append(Rule("order", (numeric[i], numeric[j]),
                              f"{_shown(numeric[i])} >= {_shown(numeric[j])}", rate, chance))
    # transitive reduction: a >= c goes when a >= b and b >= c are kept
    pairs = {r.columns for r in rules}
    return [r for r in rules if not any((r.columns[0], m) in pairs and (m, r.columns[1]) in pairs
                                        for m in numeric)]


# ---------------------------------------------------------------- identities
def _coefficient(value):
    """A small rational close to ``value`` (relatively), else None."""
    frac = Fraction(value).limit_denominator(_MAX_DENOMINATOR)
    if frac != 0 and abs(float(frac) - value) <= 1e-6 * max(1.0, abs(value)):
        return frac
    return None


def _number(value):
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        text = f"{float(value):.6g}"
        return text if len(text) <= 6 else f"{value.numerator}/{value.denominator}"
    return f"{value:.6g}"


def _name(column, transform):
    return f"log({_shown(column)})" if transform == "log" else _shown(column)


def _identity_text(target, terms, intercept):
    parts = []
    for coef, column, transform, _ in terms:
        name = _name(column, transform)
        magnitude = abs(coef)
        shown = name if magnitude == 1 else f"{_number(magnitude)}*{name}"
        parts.append((coef < 0, shown))
    if intercept != 0:
        parts.append((intercept < 0, _number(abs(intercept))))
    parts.sort(key=lambda part: part[0])  # the positive terms first: "x = 1 - a", not "-a + 1"
    text = ""
    for k, (negative, shown) in enumerate(parts):
        text += ("-" if negative else "") + shown if k == 0 else (" - " if negative else " + ") + shown
    return f"{_name(*target[:2])} = {text or '0'}"


def _subset_rss(G, c, tss, size, pool):
    """(best subset of ``pool`` of ``size`` features, its residual sum of squares)."""
    subsets = np.array(list(itertools.combinations(pool, size)), dtype=int)
    if subsets.size == 0:
        return None, np.inf
    Gs = G[subsets[:, :, None], subsets[:, None, :]]
    cs = c[subsets]
    ridge = 1e-12 * np.eye(size)
    try:
        beta = np.linalg.solve(Gs + ridge, cs[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:
        return None, np.inf
    rss = tss - np.einsum("ij,ij->i", cs, beta)
    best = int(np.argmin(rss))
    return subsets[best], float(rss[best])


def _fit_identity(frame, target, chosen, features, min_rate):
    """A Rule for ``target = sum c_j * chosen_j + b`` if it is exact on the rows, else None."""
    cols = [features[k] for k in chosen]
    rows = frame[[target[0], *[f[0] for f in cols]]].dropna()
    with np.errstate(divide="ignore", invalid="ignore"):
        y = _feature(rows[target[0]], target[1])
        X = np.column_stack([_feature(rows[f[0]], f[1]) for f in cols])
    A = np.column_stack([X, np.ones(len(X))])
    coefs = np.linalg.lstsq(A, y, rcond=None)[0]
    tries = []
    rational = [_coefficient(v) for v in coefs[:-1]]
    if all(r is not None for r in rational):
        rest = y - X @ np.array([float(r) for r in rational])
        intercept = float(np.median(rest))
        small = abs(intercept) <= _RELATIVE * max(1.0, float(np.median(np.abs(y))))
        rounded = Fraction(0) if small else _coefficient(intercept)
        tries.append((rational, rounded if rounded is not None else intercept))
    tries.append(([float(f"{v:.6g}") for v in coefs[:-1]], float(f"{coefs[-1]:.10g}")))
    for coef, intercept in tries:
        if any(c == 0 for c in coef):
            continue
        terms = tuple((c, f[0], f[1], f[2]) for c, f in zip(coef, cols))
        detail = {"target": target, "terms": terms, "intercept": intercept}
        columns = (target[0], *[f[0] for f in cols])
        rule = Rule("identity", columns, _identity_text(target, terms, intercept), detail=detail)
        # no looser than the real rows need: whole numbers that are exact stay exact
        part = frame.loc[rule.judged(frame), list(columns)]
        gap, tol = _identity_gap(rule, part)
        within = gap[gap <= tol]
        detail["tolerance"] = float(within.max()) if within.size else 0.0
        rule = Rule(rule.kind, rule.columns, rule.text, _rate(rule, frame), np.nan, detail)
        if rule.rate >= min_rate:
            return rule
    return None


def _find_identities(frame, columns, min_rate, rng):
    numeric = [c for c in columns if _is_numeric(frame[c])
               and frame[c].isna().mean() <= _MAX_MISSING
               and np.isfinite(frame[c].dropna().to_numpy(dtype=float)).all()]
    if len(numeric) < 2:
        return []
    rows = frame[numeric].dropna()
    if len(rows) > SEARCH_ROWS:
        rows = rows.iloc[np.sort(rng.choice(len(rows), SEARCH_ROWS, replace=False))]
    if len(rows) < 10:
        return []
    features = []  # (column, transform, unit)
    for c in numeric:
        values = rows[c].to_numpy(dtype=float)
        unit = _unit(frame[c].dropna().to_numpy(dtype=float))
        features.append((c, None, unit))
        if np.all(values > 0) and np.unique(values).size > 2:
            features.append((c, "log", unit))
    features = features[:_MAX_FEATURES]
    with np.errstate(divide="ignore"):
        F = np.column_stack([_feature(rows[c], t) for c, t, _ in features])
    F = F - F.mean(axis=0)
    scale = F.std(axis=0)
    scale[scale == 0] = 1.0
    Z = F / scale
    G = Z.T @ Z
    rules, sets = [], []
    # the columns themselves first, then their logs
    order = sorted(range(len(features)), key=lambda k: (features[k][1] is not None, k))
    for t in order:
        column, transform, unit = features[t]
        pool = [k for k, f in enumerate(features) if f[0] != column]
        if not pool:
            continue
        z = Z[:, t]
        tss = float(z @ z)
        raw = rows[column].to_numpy(dtype=float)
        noise = 0.5 * unit * (1 / np.abs(raw) if transform == "log" else 1.0) / scale[t]
        # within its rounding: the rounding of the target, or a relative 1e-3 of its spread
        allowed = len(z) * max(1e-6, 4 * float(np.mean(noise**2)))
        # the fit on every other feature, from the Gram matrix: most columns stop here
        c = G[:, t]
        beta = np.linalg.lstsq(G[np.ix_(pool, pool)], c[pool], rcond=1e-10)[0]
        if tss - float(c[pool] @ beta) > allowed:
            continue
        for size in range(1, _MAX_TERMS + 1):
            if size == 3 and len(pool) > 60:
                break
            chosen, rss = _subset_rss(G, c, tss, size, pool)
            if chosen is None or rss > allowed:
                continue
            names = {column, *[features[k][0] for k in chosen]}
            if len({features[k][0] for k in chosen}) < size or any(names == s for s in sets):
                break
            rule = _fit_identity(frame, features[t], chosen, features, min_rate)
            if rule is not None:
                chance = _rate(rule, _shuffled(frame, rule.columns, rng))
                if _beats_chance(rule.rate, chance):
                    rules.append(Rule(rule.kind, rule.columns, rule.text, rule.rate, chance,
                                      rule.detail))
                    sets.append(names)
            break
    return rules


# ---------------------------------------------------------------------- public
def find_rules(X, *, min_rate=0.99, kinds=KINDS, identifiers="auto", random_state=0):
    """The rules that the rows of ``X`` keep in at least ``min_rate`` of the rows.

    See the module's description for the four kinds, what counts as keeping each, and
    the columns and candidates left out.

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_samples, n_features)
        The real rows (without the label, or with it: a rule on the label is a rule).
    min_rate : float, default=0.99
        The share of the rows (of those a rule judges) that must keep a rule.
    kinds : iterable of str, default=KINDS
        The kinds to look for.
    identifiers : 'auto' or list, default='auto'
        Columns left out: 'auto' takes
        :func:`~ganaug.tabular.identifiers.find_identifiers`; a list names them.
    random_state : int, default=0
        Seeds the shuffles of the chance test and the rows an identity search uses.

    Returns
    -------
    list of Rule
        Dependencies, identities, orders, then combinations, each in the order of the
        columns.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from ganaug.tabular.rules import find_rules, rule_rates
    >>> rng = np.random.default_rng(0)
    >>> n = 400
    >>> district = rng.integers(0, 40, n)
    >>> read, math = rng.integers(600, 700, n) + 0.5, rng.integers(600, 700, n) + 0.0
    >>> frame = pd.DataFrame({
    ...     "district": [f"d{d}" for d in district],
    ...     "county": [f"c{d // 8}" for d in district],
    ...     "testscr": (read + math) / 2, "readscr": read, "mathscr": math,
    ...     "ed66": rng.integers(8, 12, n),
    ... })
    >>> frame["ed76"] = frame["ed66"] + rng.integers(0, 5, n)
    >>> for rule in find_rules(frame):
    ...     print(rule.kind, "|", rule.text)
    dependency | county is determined by district
    identity | testscr = 0.5*readscr + 0.5*mathscr
    order | ed76 >= ed66
    >>> fake = frame.copy()              # rows with their county and mean score shuffled
    >>> fake[["county", "testscr"]] = frame[["county", "testscr"]].sample(frac=1, random_state=0).to_numpy()
    >>> rule_rates(find_rules(frame), fake).round(2).tolist()
    [0.22, 0.0, 1.0]
    """
    if not 0 < min_rate <= 1:
        raise ValueError(f"min_rate must be in (0, 1]. Got {min_rate!r} instead.")
    unknown = set(kinds) - set(KINDS)
    if unknown:
        first = next(k for k in kinds if k not in KINDS)
        raise ValueError(f"kinds must be some of {KINDS!r}. Got {first!r} instead.")
    frame = _as_frame(X)
    if frame.columns.has_duplicates:
        duplicated = frame.columns[frame.columns.duplicated()][0]
        raise ValueError(
            f"X must have distinct column names. Got {duplicated!r} more than once instead."
        )
    if identifiers == "auto":
        from ganaug.tabular.identifiers import find_identifiers

        left_out = set(find_identifiers(frame))
    else:
        left_out = set(identifiers or ())
    columns = []
    for c in frame.columns:
        if c in left_out:
            continue
        counts = frame[c].value_counts(normalize=True, dropna=True)
        if len(counts) < 2 or counts.iloc[0] >= min_rate:
            continue  # constant or near-constant: any rule on it holds by itself
        columns.append(c)
    if len(frame) < 2 or len(columns) < 2:
        return []
    rng = np.random.default_rng(random_state)
    rules = []
    identities = _find_identities(frame, columns, min_rate, rng) if "identity" in kinds else []
    dependencies = _find_dependencies(frame, columns, min_rate, rng)
    if "dependency" in kinds:
        # an identity between the same two columns says more (lwage76 = log(wage76))
        said = [set(r.columns) for r in identities]
        rules += [r for r in dependencies if set(r.columns) not in said]
    rules += identities
    if "order" in kinds:
        rules += _find_orders(frame, columns, min_rate, rng)
    if "combination" in kinds:
        rules += _find_combinations(frame, columns, dependencies, min_rate, rng)
    return rules


def rule_rates(rules, X):
    """The share of the rows of ``X`` that keep each rule (of the rows it judges).

    Parameters
    ----------
    rules : list of Rule
    X : DataFrame or array-like
        Real or synthetic rows with the rules' columns.

    Returns
    -------
    Series
        One rate per rule, indexed by the rule's text; NaN for a rule that judges no
        row of ``X``.
    """
    frame = _as_frame(X)
    return pd.Series([_rate(rule, frame) for rule in rules], index=[r.text for r in rules],
                     dtype=float, name="rate")
