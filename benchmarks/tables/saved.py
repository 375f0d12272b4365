"""A saved model's rows against the fitted model's: how much does a ``.ganaug`` file lose?

    python -m benchmarks.tables.saved                          # penguins + 5 devsuite tables
    python -m benchmarks.tables.saved --tables mpg,tips --json /tmp/saved.json

Right after fit, a table model recombines three quarters of its rows from real rows,
lends the rest the shared columns of real rows and interpolates the classes that
failed the fidelity check between real rows; a model saved without its training rows
has none of them and generates every row (issue 32, point 3). Per table (sample_data's
penguins, by species, and devsuite tables; the first training fold of the devsuite
protocol, cut to imbalance ratio 10, as ``benchmarks.tables.realism`` takes it), one
``GANAugmenter(random_state=0)`` is fitted and its synthetic rows compared in three
arms:

- **fit**: ``fit_resample``'s synthetic rows, right after fit;
- **saved**: the model saved (no training rows), loaded, ``sample(y=sampling_strategy_)``;
- **saved+rows**: saved with ``keep_training_rows=True``, loaded, sampled alike (and
  checked against the fitted model's ``sample`` with the same random state: ``same``).

Columns (each synthetic class against the real rows of its class; identifier columns
left out):

- **at min/max**: the share of a numeric column's synthetic values (columns of more
  than ``SPREAD_LEVELS`` distinct values) at or beyond the class's real minimum or maximum, mean over columns (the real rows' own share in brackets) and
  the worst column;
- **fidelity**: :func:`ganaug.metrics.marginal_fidelity` per class (KS complement for
  numbers, TV complement for categories), mean over classes and columns;
- **rules kept**: of the rules :func:`ganaug.tabular.rules.find_rules` finds on the
  real rows, how many the synthetic rows keep at least as often (``rule_table``), and
  the mean share of synthetic rows keeping a rule (real rows' in brackets);
- **label agr.**: the share of synthetic rows that a random forest fitted on the real
  rows puts in their class (:func:`ganaug.metrics.conditional_fidelity`).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd

from benchmarks import common

DEFAULT_TABLES = ("mpg", "tips", "Salaries", "Housing", "Fishing")
#: Numeric columns with more distinct values than this are measured at their extremes
#: (a column of a few levels sits at its minimum or maximum by nature).
SPREAD_LEVELS = 10
ARMS = ("fit", "saved", "saved+rows")
COLUMNS = ["table", "arm", "rows", "at min/max (real)", "worst column", "fidelity",
           "rules kept", "rule rate (real)", "label agr.", "same"]


def penguins():
    """sample_data's penguins, by species."""
    frame = pd.read_csv(common.ROOT / "sample_data" / "penguins.csv")
    return frame.drop(columns="species"), frame["species"]


def at_extremes(real, real_y, synth, synth_y, columns):
    """Per numeric column, ``(synthetic share, real share)`` of values at the class's real
    minimum or maximum, over the synthetic classes."""
    out = {}
    for name in columns:
        hits = seen = real_hits = real_seen = 0
        for label in pd.unique(synth_y):
            values = pd.to_numeric(real[name][real_y == label], errors="coerce").dropna()
            fake = pd.to_numeric(synth[name][synth_y == label], errors="coerce").dropna()
            if values.empty or fake.empty:
                continue
            lo, hi = values.min(), values.max()
            hits += int(((fake <= lo) | (fake >= hi)).sum())
            seen += len(fake)
            real_hits += int(((values == lo) | (values == hi)).sum())
            real_seen += len(values)
        if seen:
            out[name] = (hits / seen, real_hits / real_seen)
    return out


def class_fidelity(real, real_y, synth, synth_y):
    """:func:`ganaug.metrics.marginal_fidelity` of each synthetic class against the real
    rows of its class, mean over classes and columns."""
    from ganaug.metrics import marginal_fidelity

    scores = [marginal_fidelity(real[real_y == label], synth[synth_y == label]).mean()
              for label in pd.unique(synth_y)]
    return float(np.mean(scores))


def score(real, real_y, synth, synth_y, identifiers, seed=0):
    """One arm's figures (see the module docstring)."""
    from ganaug.metrics import conditional_fidelity, rule_table

    real_y, synth_y = np.asarray(real_y), np.asarray(synth_y)
    synth = synth.reset_index(drop=True)
    kept = [c for c in real.columns if c not in identifiers]
    numeric = [c for c in kept if pd.api.types.is_numeric_dtype(real[c])
               and not pd.api.types.is_bool_dtype(real[c]) and real[c].nunique() > SPREAD_LEVELS]
    extremes = at_extremes(real, real_y, synth, synth_y, numeric)
    worst = max(extremes, key=lambda c: extremes[c][0]) if extremes else None
    rules = rule_table(real[kept], synth[kept], random_state=seed)
    return {
        "rows": len(synth),
        "at_extremes": {str(k): v for k, v in extremes.items()},
        "at_extremes_mean": float(np.mean([v[0] for v in extremes.values()])) if extremes else None,
        "at_extremes_real": float(np.mean([v[1] for v in extremes.values()])) if extremes else None,
        "worst": None if worst is None else [str(worst), *extremes[worst]],
        "fidelity": class_fidelity(real[kept], real_y, synth[kept], synth_y),
        "rules": len(rules), "rules_kept": int(rules["kept"].sum()) if len(rules) else 0,
        "rule_rate": float(rules["synthetic"].mean()) if len(rules) else None,
        "rule_rate_real": float(rules["real"].mean()) if len(rules) else None,
        "label_agreement": conditional_fidelity(real[kept], real_y, synth[kept], synth_y,
                                                random_state=seed)["overall"],
    }


def measure(X, y, *, ratio=10.0, seed=0):
    """The three arms of one table (see the module docstring)."""
    import ganaug
    from benchmarks.tables.realism import fold_rows
    from ganaug import GANAugmenter

    train = fold_rows(y, ratio, seed)
    X_tr, y_tr = X.iloc[train].reset_index(drop=True), y.iloc[train].reset_index(drop=True)
    out = {}
    with warnings.catch_warnings(), tempfile.TemporaryDirectory() as tmp:
        warnings.simplefilter("ignore")
        aug = GANAugmenter(random_state=seed)
        start = time.perf_counter()
        X_res, y_res = aug.fit_resample(X_tr, y_tr)
        fit_seconds = time.perf_counter() - start
        identifiers = list(aug.encoder_.identifier_columns_)
        wanted = {k: v for k, v in aug.sampling_strategy_.items() if v}
        synth = {"fit": (pd.DataFrame(X_res).iloc[len(X_tr):], np.asarray(y_res)[len(X_tr):])}
        aug.save(Path(tmp) / "plain.ganaug")
        synth["saved"] = ganaug.load(Path(tmp) / "plain.ganaug").sample(y=wanted, random_state=seed + 1)
        try:
            aug.save(Path(tmp) / "rows.ganaug", keep_training_rows=True)
        except TypeError:  # before save(keep_training_rows=...)
            pass
        else:
            loaded = ganaug.load(Path(tmp) / "rows.ganaug")
            synth["saved+rows"] = loaded.sample(y=wanted, random_state=seed + 1)
            fitted = aug.sample(y=wanted, random_state=seed + 1)[0]
            out["same"] = bool(fitted.reset_index(drop=True).equals(synth["saved+rows"][0].reset_index(drop=True)))
    for arm, (rows, labels) in synth.items():
        out[arm] = score(X_tr, y_tr, pd.DataFrame(rows), labels, identifiers, seed)
    out["fit_seconds"] = round(fit_seconds, 2)
    return out


def pct(value):
    return "" if value is None else f"{100 * value:.0f} %"


def table_rows(name, record):
    rows = []
    for arm in ARMS:
        r = record.get(arm)
        if r is None:
            continue
        worst = "" if r["worst"] is None else f"{r['worst'][0]} {pct(r['worst'][1])} ({pct(r['worst'][2])})"
        rule_rate = "" if r["rule_rate"] is None else f"{r['rule_rate']:.3f} ({r['rule_rate_real']:.3f})"
        same = {True: "yes", False: "NO"}.get(record.get("same")) if arm == "saved+rows" else ""
        rows.append([name, arm, str(r["rows"]),
                     f"{pct(r['at_extremes_mean'])} ({pct(r['at_extremes_real'])})", worst,
                     f"{r['fidelity']:.3f}", f"{r['rules_kept']}/{r['rules']}", rule_rate,
                     f"{r['label_agreement']:.3f}", same])
    return rows


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tables.saved",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--suite", type=Path, default=common.DEVSUITE)
    parser.add_argument("--tables", default=",".join(DEFAULT_TABLES),
                        help="Comma-separated devsuite names (default: %(default)s).")
    parser.add_argument("--no-penguins", action="store_true", help="Leave sample_data's table out.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="Also write the figures to this JSON file.")
    return parser.parse_args(argv)


def main(argv=None):
    import json

    args = parse_args(argv)
    tables = [] if args.no_penguins else [("penguins", *penguins())]
    if args.tables:
        suite = common.read_suite(args.suite)
        chosen = common.pick(args.tables, [n for n, _, _ in suite], "tables")
        data_dir = common.fetch(args.suite)
        tables += [(name, *common.load_table(data_dir, path, target))
                   for name, path, target in suite if name in chosen]
    results, rows = {}, []
    for name, X, y in tables:
        results[name] = measure(X, y, seed=args.seed)
        rows += table_rows(name, results[name])
        print(f"{name}: done ({results[name]['fit_seconds']} s fit)", file=sys.stderr, flush=True)
    print(common.markdown_table(COLUMNS, rows))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
