"""Realistic rows: do synthetic rows keep the table's own rules? (issue 32)

    python -m benchmarks.tables.realism                       # the devsuite's 14 tables
    python -m benchmarks.tables.realism --unseen              # and the 40 unseen tables
    python -m benchmarks.tables.realism --tables mpg,tips --results /tmp/pages

Per table, as the devsuite protocol trains its samplers: the first training fold of
5-fold stratified CV (``ganaug.comparison.protocol_folds``, seed 0), cut to imbalance
ratio 10, rebalanced by ``GANAugmenter(random_state=0).fit_resample``. On the fold's
real rows (without the label) :func:`ganaug.tabular.rules.find_rules` finds the
table's rules (each kept by at least 99 % of the real rows); the table then says

- **rules**: how many, by kind (dependency, identity, order, combination);
- **kept**: the share of those rules that the synthetic rows keep at least as often as
  the real rows do (the goal of issue 32: all of them);
- **real / synthetic**: the mean over rules of the share of rows keeping each;
- **duplicates**: synthetic rows equal (all columns and label) to an earlier
  synthetic row; **copies**: synthetic rows equal to a real training row;
- **identifiers**: columns :func:`ganaug.tabular.identifiers.find_identifiers` finds;
- **fit s**: seconds of ``fit_resample``.

Each rule with its two rates is in the JSON file (``data``), and on the page for the
rules the synthetic rows keep less often. ``--unseen`` builds the unseen suite with
``benchmarks.tables.unseen_tables`` (its default seed, from the same offline archive)
in a temporary folder and adds its tables. The page: ``docs/results/realism.md``.
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

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from benchmarks import common  # noqa: E402
from ganaug.tabular.rules import KINDS  # noqa: E402

NAME = "realism"


def fold_rows(y, ratio, seed):
    """The first training fold of the devsuite protocol, cut to ``ratio``."""
    from ganaug.comparison import protocol_folds

    _, train, _ = next(protocol_folds(y, 5, 1, seed, ratio))
    return train


def measure(X, y, *, ratio=10.0, seed=0):
    """One table's record: its rules and how the default GANAugmenter's rows keep them."""
    from ganaug import GANAugmenter
    from ganaug.metrics import rule_table
    from ganaug.tabular.identifiers import find_identifiers

    train = fold_rows(y, ratio, seed)
    X_tr, y_tr = X.iloc[train].reset_index(drop=True), y.iloc[train].reset_index(drop=True)
    identifiers = find_identifiers(X)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        X_res, y_res = GANAugmenter(random_state=0).fit_resample(X_tr, y_tr)
    seconds = time.perf_counter() - start
    synth = pd.DataFrame(X_res).iloc[len(X_tr):].reset_index(drop=True)
    synth_y = pd.Series(np.asarray(y_res)[len(X_tr):])
    start = time.perf_counter()
    rules = rule_table(X_tr, synth, random_state=seed)
    rule_seconds = time.perf_counter() - start
    real_keys = set(_row_keys(X_tr, y_tr))
    synth_keys = _row_keys(synth, synth_y)
    return {
        "rows": len(X_tr), "columns": X.shape[1], "synthetic": len(synth),
        "rules": rules.to_dict("records"),
        "by_kind": {k: int((rules["kind"] == k).sum()) for k in KINDS},
        "kept_share": float(rules["kept"].mean()) if len(rules) else None,
        "real_mean": float(rules["real"].mean()) if len(rules) else None,
        "synthetic_mean": float(rules["synthetic"].mean()) if len(rules) else None,
        "duplicates": int(pd.Series(synth_keys).duplicated().sum()),
        "copies": int(sum(k in real_keys for k in synth_keys)),
        "identifiers": identifiers,
        "fit_seconds": round(seconds, 2),
        "rule_seconds": round(rule_seconds, 3),
    }


def _row_keys(X, y):
    """Each row (with its label) as a tuple of strings, so 1 and 1.0 and NaN compare."""
    frame = pd.DataFrame(X).astype(object).where(pd.DataFrame(X).notna(), "nan")
    frame = frame.map(lambda v: repr(float(v)) if isinstance(v, (int, float, np.number))
                      and not isinstance(v, bool) else str(v))
    return list(zip(*(frame[c] for c in frame.columns), np.asarray(y).astype(str)))


def table_row(name, record):
    if "error" in record:
        return [name, *[""] * (len(COLUMNS) - 2), record["error"]]
    kinds = ", ".join(f"{n} {k}" for k, n in record["by_kind"].items() if n)
    n_rules = sum(record["by_kind"].values())
    kept = "" if record["kept_share"] is None else f"{record['kept_share']:.0%}".replace("%", " %")
    return [
        name, f"{record['rows']:,} x {record['columns']}", f"{record['synthetic']:,}",
        f"{n_rules}" + (f" ({kinds})" if kinds else ""), kept,
        common.fmt(record["real_mean"]), common.fmt(record["synthetic_mean"]),
        str(record["duplicates"]), str(record["copies"]),
        ", ".join(map(str, record["identifiers"])) or "none",
        f"{record['fit_seconds']:.1f}",
    ]


COLUMNS = ["table", "real rows x columns", "synthetic rows", "rules", "kept", "real",
           "synthetic", "duplicates", "copies", "identifiers", "fit s"]


def payload(results, stamp, settings):
    sections = []
    for suite, records in results.items():
        rows = [table_row(name, rec) for name, rec in records.items()]
        done = {name: rec for name, rec in records.items() if "error" not in rec}
        with_rules = [r for r in done.values() if r["kept_share"] is not None]
        n_rules = sum(len(r["rules"]) for r in done.values())
        n_kept = sum(sum(x["kept"] for x in r["rules"]) for r in done.values())
        failed = len(records) - len(done)
        text = (f"{len(records)} tables{f' ({failed} failed: see the last column)' if failed else ''}; "
                f"{len(with_rules)} {'has' if len(with_rules) == 1 else 'have'} rules, "
                f"{n_rules} in all, of which "
                f"the synthetic rows keep {n_kept} at least as often as the real rows do. "
                f"Duplicates: synthetic rows equal to an earlier synthetic row; copies: synthetic "
                f"rows equal to a real training row (all columns and the label).")
        sections.append({"heading": f"{suite}: per table", "text": text,
                         "table": {"columns": COLUMNS, "rows": rows}})
        broken = [[name, r["kind"], r["rule"], common.fmt(r["real"]), common.fmt(r["synthetic"]),
                   str(r["broken"])]
                  for name, rec in done.items() for r in rec["rules"] if not r["kept"]]
        if broken:
            sections.append({"heading": f"{suite}: rules the synthetic rows keep less often",
                             "table": {"columns": ["table", "kind", "rule", "real", "synthetic",
                                                   "synthetic rows breaking it"], "rows": broken}})
    intro = (
        "Do the rows of the default `GANAugmenter` keep the rules of their table? Per table, the "
        "first training fold of the devsuite protocol (5-fold stratified CV, seed "
        f"{settings['seed']}, cut to imbalance ratio {settings['ratio']:g}) is rebalanced by "
        "`GANAugmenter(random_state=0).fit_resample`; `ganaug.tabular.rules.find_rules` finds "
        "the rules of the fold's real rows (dependencies, exact identities, orders, combinations "
        "of levels; each kept by at least 99 % of the real rows and clearly less often by "
        "chance). **kept**: the share of those rules that the synthetic rows keep at least as "
        "often as the real rows; **real**, **synthetic**: the mean share of rows keeping a rule. "
        "These are the figures of the commit in the stamp; the first run, before identifier columns "
        "were left unmodelled (issue 32), is the page of commit 178b058."
    )
    return {"name": NAME, "title": "Realistic rows: the tables' own rules", "intro": intro,
            "stamp": stamp, "sections": sections, "data": {"settings": settings, "suites": results}}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tables.realism",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--suite", type=Path, default=common.DEVSUITE)
    parser.add_argument("--unseen", action="store_true",
                        help="Also the 40 unseen tables (benchmarks.tables.unseen_tables).")
    parser.add_argument("--tables", help="Comma-separated names (default: every table).")
    parser.add_argument("--ratio", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--results", type=Path, default=common.RESULTS)
    return parser.parse_args(argv)


def run_suite(suite_dir, tables, args):
    suite = common.read_suite(suite_dir)
    names = [n for n, _, _ in suite]
    chosen = common.pick(args.tables, names, "tables") if args.tables else names
    data_dir = common.fetch(suite_dir)
    records = {}
    for name, path, target in suite:
        if name not in chosen:
            continue
        X, y = common.load_table(data_dir, path, target)
        try:
            rec = measure(X, y, ratio=args.ratio, seed=args.seed)
        except Exception as error:  # one table's failure is a result too; the others go on
            rec = {"error": f"{type(error).__name__}: {error}"}
        records[name] = rec
        print(" | ".join(table_row(name, rec)), file=sys.stderr, flush=True)
    return records


def main(argv=None):
    args = parse_args(argv)
    start = time.perf_counter()
    results = {"devsuite" if args.suite == common.DEVSUITE else str(args.suite):
               run_suite(args.suite, args.tables, args)}
    if args.unseen:
        from benchmarks.tables import unseen_tables

        with tempfile.TemporaryDirectory() as tmp:
            unseen_tables.main(["--suite", str(args.suite), "--out", tmp])
            args.tables = None
            results["unseen"] = run_suite(Path(tmp), None, args)
    seconds = time.perf_counter() - start
    settings = {"ratio": args.ratio, "seed": args.seed, "min_rate": 0.99}
    stamp = common.stamp("benchmarks.tables.realism", sys.argv[1:] if argv is None else argv,
                         seconds)
    print(common.write_results(payload(results, stamp, settings), args.results))


if __name__ == "__main__":
    main()
