"""Issue 33's bars for the table benchmarks, with how sure each verdict is.

    python -m benchmarks.tables.bars [--pages devsuite,unseen] [--boot 2000] [--page]

Reads the per-table cells of results pages written by ``benchmarks.tables.devsuite``
(``docs/results/<page>.json``; the unseen page is the same benchmark on the 40 unseen
tables) and, for each page and classifier, checks the bars GANAugmenter's defaults have
to clear: its mean rank (1 = best, among none, class weights, tuned threshold, random
over-sampling, SMOTE and ganaug; ranks per table, ties shared) is

- on macro-F1 and on balanced accuracy, better than every other arm's;
- on ROC AUC and on average precision, not behind no resampling's (its rows add
  information a classifier can rank with, not only a shift of its boundary).

Beside each verdict: the margin (the bar's rank minus ganaug's; positive when met) and
the share of ``--boot`` bootstrap resamples of the page's tables (drawn with
replacement, seed 0) in which the bar is met. A share near 0.5 says that the verdict
turns on which tables happen to be in the suite; near 0 or 1, that it would hold on
other tables like them. The means are compared as the page stores them (10 digits), so
a table on which every arm scores 1.0 is a tie; the devsuite benchmark ranks the
unrounded means, where floating-point noise can split such a tie (the unseen page's
gradient-boosting average precision: ganaug 3.09 and none 3.55 there, 3.06 and 3.60
here, from one such table). With ``--page`` it writes ``docs/results/bars.{json,md}``
(``--results`` elsewhere).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import common

ARMS = ("none", "balanced", "threshold", "random", "smote", "ganaug")
RANKED = ("macro_f1", "balanced_accuracy")  # best of every arm
NOT_BEHIND_NONE = ("roc_auc", "average_precision")  # not behind 'none'
METRICS = RANKED + NOT_BEHIND_NONE
CLASSIFIERS = ("logreg", "forest", "hgb")


def table_ranks(frame, classifier, metric):
    """Tables x arms (in ``ARMS``' order): each arm's rank on ``metric`` in each table
    (1 = best, ties shared); ``frame`` holds the page's cells."""
    frame = frame[(frame.classifier == classifier) & frame.arm.isin(ARMS)]
    wide = frame.pivot(index="table", columns="arm", values=metric)
    missing = set(ARMS) - set(wide.columns)
    if missing:
        raise ValueError(f"the cells have no arm {sorted(missing)} for {classifier}; expected all of {list(ARMS)}")
    wide = wide.dropna()
    return wide.rank(axis=1, ascending=False)[list(ARMS)]


def verdict(mean_ranks, metric):
    """``(margin, met)`` of mean ranks by arm (the last axis, in ``ARMS``' order; any
    leading axes, such as bootstrap draws, are kept), and the bar's arm."""
    ganaug = mean_ranks[..., ARMS.index("ganaug")]
    if metric in NOT_BEHIND_NONE:
        bar, arm = mean_ranks[..., ARMS.index("none")], np.full(ganaug.shape, ARMS.index("none"))
        return bar - ganaug, bar >= ganaug, arm
    others = [i for i, a in enumerate(ARMS) if a != "ganaug"]
    arm = np.take(others, mean_ranks[..., others].argmin(axis=-1))
    bar = mean_ranks[..., others].min(axis=-1)
    return bar - ganaug, ganaug < bar, arm


def check(cells, boot=2000, seed=0):
    """Per classifier and metric: ganaug's mean rank, the bar, the verdict and the
    bootstrap share of resampled tables in which the bar is met."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(cells)
    rows = []
    for classifier in CLASSIFIERS:
        for metric in METRICS:
            values = table_ranks(frame, classifier, metric).to_numpy()
            mean = values.mean(axis=0)
            margin, met, arm = verdict(mean, metric)
            draws = rng.integers(len(values), size=(boot, len(values)))
            shares = verdict(values[draws].mean(axis=1), metric)[1]
            rows.append({"classifier": classifier, "metric": metric, "tables": len(values),
                         "ganaug": float(mean[ARMS.index("ganaug")]), "bar_arm": ARMS[arm],
                         "bar": float(mean[arm]), "margin": float(margin), "met": bool(met),
                         "boot_share_met": float(np.mean(shares))})
    return rows


def payload(results, argv, seconds, boot, sources=None):
    sections = []
    for page, rows in results.items():
        met = sum(r["met"] for r in rows)
        sections.append({
            "heading": f"{page} ({rows[0]['tables']} tables): {met} of {len(rows)} bars met",
            "table": {"columns": ["classifier", "metric", "ganaug rank", "bar (arm: rank)", "margin", "met",
                                  f"met in share of {boot} resamples"],
                      "rows": [[r["classifier"], r["metric"], f"{r['ganaug']:.2f}",
                                f"{r['bar_arm']}: {r['bar']:.2f}", f"{r['margin']:+.2f}",
                                "yes" if r["met"] else "no", f"{r['boot_share_met']:.2f}"] for r in rows]},
        })
    return {
        "name": "bars",
        "title": "Issue 33's bars on the table benchmarks",
        "intro": "\n\n".join([*(p.strip() for p in __doc__.split("\n\n")[2:5]),
                                "Pages read: " + "; ".join((sources or {}).values() or results) + "."]
                               ).replace("``", "`"),
        "stamp": common.stamp("benchmarks.tables.bars", argv, seconds),
        "sections": sections,
        "data": results,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="devsuite,unseen",
                        help="Comma-separated results pages of benchmarks.tables.devsuite.")
    parser.add_argument("--boot", type=int, default=2000, help="Bootstrap resamples of the tables.")
    parser.add_argument("--results", type=Path, default=common.RESULTS,
                        help="Folder of the pages read, and of the page written with --page.")
    parser.add_argument("--page", action="store_true", help="Write docs/results/bars.{json,md}.")
    args = parser.parse_args(argv)
    if args.boot < 1:
        parser.error(f"--boot: expected a whole number of at least 1; got {args.boot}")
    start = time.perf_counter()
    results, sources = {}, {}
    for page in [p.strip() for p in args.pages.split(",") if p.strip()]:
        path = args.results / f"{page}.json"
        if not path.is_file():
            parser.error(f"--pages: {path} is not a file; expected a page of benchmarks.tables.devsuite")
        read = json.loads(path.read_text(encoding="utf-8"))
        cells, stamp = read["data"]["cells"], read.get("stamp")
        sources[page] = page if stamp is None else f"{page} ({stamp['date']}, commit {stamp['ganaug']['commit']})"
        results[page] = check(cells, args.boot)
        for r in results[page]:
            print(f"{page:9} {r['classifier']:7} {r['metric']:18} ganaug {r['ganaug']:.2f}  "
                  f"{r['bar_arm']} {r['bar']:.2f}  {'met ' if r['met'] else 'miss'}  "
                  f"share met {r['boot_share_met']:.2f}")
    if args.page:
        common.write_results(payload(results, argv, time.perf_counter() - start, args.boot, sources),
                             args.results)


if __name__ == "__main__":
    main()
