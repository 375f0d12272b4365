"""Repeat-fit seconds of the default GANAugmenter on the devsuite's 14 tables.

    OMP_NUM_THREADS=1 python -m benchmarks.perf.repeat_fit [--tables mpg,tips] [--json out.json] [--page]

Per table, the first training fold of the devsuite protocol (5-fold stratified CV,
seed 0, cut to imbalance ratio 10, as ``benchmarks.tables.realism`` takes it) is
rebalanced once by ``GANAugmenter(random_state=0).fit_resample`` (which compiles the
GAN), then ``--repeats`` more times: a repeat fit reuses the compiled GAN, as the
folds of a cross-validation do. Prints per table the median repeat seconds and the
seconds of :func:`ganaug.tabular.rules.find_rules` on the fold, then the median over
tables. Run it for two commits one after the other on a quiet machine to compare
them: on a 2-core CPU, 75247a9's sampler (before rule keeping, decimals and clipped
calibration) took 0.91 s, 3f4831c's 1.11 s, one run right after the other (an earlier
pair of runs of the same fits: 1.16 and 1.28 s).

With ``--page`` it also writes ``docs/results/repeat_fit.{json,md}`` (``--results``
elsewhere): the figure behind "a fit takes about a second per fold".
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from benchmarks import common  # noqa: E402
from benchmarks.tables.realism import fold_rows  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", default=None, help="Comma-separated devsuite names (default: all 14).")
    parser.add_argument("--repeats", type=int, default=3, help="Timed repeat fits per table.")
    parser.add_argument("--json", default=None, help="Also write the figures to this JSON file.")
    parser.add_argument("--page", action="store_true", help="Also write the results page.")
    parser.add_argument("--results", default=common.RESULTS, help="Folder of the results page.")
    args = parser.parse_args(argv)
    began = time.perf_counter()

    from ganaug import GANAugmenter
    from ganaug.tabular.rules import find_rules

    warnings.simplefilter("ignore")
    suite = common.read_suite(common.DEVSUITE)
    names = common.pick(args.tables, [n for n, _, _ in suite], "tables") if args.tables else None
    data_dir = common.fetch(common.DEVSUITE)
    results = {}
    for name, path, target in suite:
        if names is not None and name not in names:
            continue
        X, y = common.load_table(data_dir, path, target)
        train = fold_rows(y, 10.0, 0)
        X_tr, y_tr = X.iloc[train].reset_index(drop=True), y.iloc[train].reset_index(drop=True)
        aug = GANAugmenter(random_state=0)
        aug.fit_resample(X_tr, y_tr)
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            aug.fit_resample(X_tr, y_tr)
            times.append(time.perf_counter() - start)
        start = time.perf_counter()
        find_rules(X_tr, random_state=0)
        results[name] = {"repeat_s": float(np.median(times)), "find_rules_s": time.perf_counter() - start}
        print(f"{name}: repeat fit {results[name]['repeat_s']:.2f} s, "
              f"find_rules {results[name]['find_rules_s']:.3f} s", flush=True)
    median = float(np.median([r["repeat_s"] for r in results.values()]))
    print(f"median repeat fit over {len(results)} tables: {median:.2f} s")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"tables": results, "median_repeat_s": median}, f, indent=1)
    if args.page:
        common.write_results(payload(results, args.repeats, argv, time.perf_counter() - began),
                             args.results)


def payload(results, repeats, argv, seconds):
    """The results page of a run: per table, the median repeat fit and find_rules' seconds."""
    median = float(np.median([r["repeat_s"] for r in results.values()]))
    names = list(results)
    return {
        "name": "repeat_fit",
        "title": "Seconds per fold: a repeat fit on each development table",
        "intro": (
            "Per table of the development suite, the first training fold of its protocol (5-fold "
            "stratified CV, seed 0, cut to imbalance ratio 10) is rebalanced once by "
            "`GANAugmenter(random_state=0).fit_resample`, which builds and traces the GAN, then "
            f"{repeats} more times, timed: a repeat fit reuses the compiled GAN, as the folds of a "
            "cross-validation do. The table gives each table's median repeat seconds and the seconds "
            "of `find_rules` on the fold (part of every fit). Seconds depend on the machine and its "
            "load: compare two commits only from runs made one after the other on a quiet machine."),
        "stamp": common.stamp("benchmarks.perf.repeat_fit", argv, seconds),
        "sections": [
            {"heading": "Seconds per table",
             "text": f"Median repeat fit over the {len(results)} tables: **{median:.2f} s**.",
             "table": {"columns": ["table", "repeat fit_resample (s)", "find_rules (s)"],
                       "rows": [[n, f"{results[n]['repeat_s']:.2f}", f"{results[n]['find_rules_s']:.3f}"]
                                for n in names] + [["median", f"{median:.2f}", ""]]},
             "chart": {"file": "repeat_fit.png", "kind": "barh", "title": "Repeat fit_resample, seconds",
                       "categories": names, "xlabel": "seconds",
                       "series": {"repeat fit_resample": [results[n]["repeat_s"] for n in names]}}},
        ],
        "data": {"tables": results, "median_repeat_s": median, "repeats": repeats},
    }


if __name__ == "__main__":
    main()
