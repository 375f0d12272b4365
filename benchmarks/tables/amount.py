"""How many rows to add, how many of them to recombine, and what the generator adds:
GANAugmenter variants ranked against the other arms of a development-suite run.

    python -m benchmarks.tables.devsuite --arms none,balanced,threshold,random,smote --out base
    python -m benchmarks.tables.amount --base base.jsonl --out amount

Each variant is the default ``GANAugmenter`` with one change:

- ``fill70``, ``fill50``: each class grown by 70 % or 50 % of its gap to the largest
  class, not all of it (full balance, the default, is imbalanced-learn's ``'auto'``);
- ``recombine50``, ``recombine100``: half, or all, of the synthetic rows recombined
  from real rows (the default recombines three quarters);
- ``recombine0``: none recombined, every row from the generator (with the shared
  columns of real rows, as the default's generated rows have);
- ``recombine0_steps1000``: the same with the generator trained four times as long
  (20 epochs of 50 steps, against 5): does a better-trained generator beat
  recombination? Four times the training steps: on the development and unseen
  tables its median resampling time per fold was 2.1 to 2.4 times ``recombine0``'s;
- ``unshared``: no shared columns (``shared_columns=None``): the generator makes every
  column of every row, and nothing is recombined (a recombined row needs them);
- ``default``: no change, the reference.

Every variant runs the ``ganaug`` arm of :func:`ganaug.comparison.cross_validate_arms`
with the base run's folds, repeats, ratio and seed, so its rows on a fold are the rows
the default arm would get with that change; it is then ranked against the base run's
arms alone (never against the other variants), per classifier. The page gives those
mean ranks (1 = best) on macro-F1, balanced accuracy, ROC AUC and average precision,
and the mean change from ``none`` of each metric, per classifier.

Records go to ``OUT-<variant>.jsonl``, after a header with the base run's settings and
the variant; a table already there is not run again, so a run can be resumed, and
records of the same protocol made elsewhere can be put there under that header.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import common

VARIANTS = {
    "default": {},
    "fill70": {"fill": 0.7},
    "fill50": {"fill": 0.5},
    "recombine50": {"recombine": 0.5},
    "recombine100": {"recombine": 1.0},
    "recombine0": {"recombine": 0.0},
    "recombine0_steps1000": {"recombine": 0.0, "epochs": 20},
    "unshared": {"shared_columns": None},
}
METRICS = ("macro_f1", "balanced_accuracy", "roc_auc", "average_precision")
CLASSIFIERS = ("logreg", "forest", "hgb")


class PartOfGap:
    """A ``sampling_strategy`` callable: the rows each class should have after
    resampling, its own plus ``share`` of its gap to the largest class (rounded).
    A class, not a closure, so that the sampler stays picklable."""

    def __init__(self, share):
        self.share = share

    def __call__(self, y):
        values, counts = np.unique(y, return_counts=True)
        top = counts.max()
        return {v: int(c + round(self.share * (top - c))) for v, c in zip(values, counts)}


def augmenter(variant):
    from ganaug import GANAugmenter

    params = dict(VARIANTS[variant])
    fill = params.pop("fill", None)
    if fill is not None:
        params["sampling_strategy"] = PartOfGap(fill)
    return GANAugmenter(**params)


def run_variant(variant, tables, data_dir, settings, out):
    """The variant's records, run for the tables not yet in ``OUT-<variant>.jsonl``,
    whose header holds the base run's settings and the variant (a file made with
    others is refused, as the devsuite benchmark refuses one)."""
    from benchmarks.tables.devsuite import open_results
    from ganaug.comparison import cross_validate_arms

    path = Path(f"{out}-{variant}.jsonl")
    records = open_results(path, {**settings, "variant": variant})
    done = {r["table"] for r in records}
    with path.open("a", encoding="utf-8") as sink:
        for name, table_path, target in tables:
            if name in done:
                continue
            start = time.perf_counter()
            X, y = common.load_table(data_dir, table_path, target)
            for record in cross_validate_arms(
                X, y, classifiers=list(CLASSIFIERS), arms=["ganaug"], augmenter=augmenter(variant),
                folds=settings["folds"], repeats=settings["repeats"],
                random_state=settings["seed"], imbalance_ratio=settings["ratio"],
            ):
                record = {"table": name, **record}
                sink.write(json.dumps(record) + "\n")
                sink.flush()
                records.append(record)
            print(f"{variant} {name}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return records


def ranks_and_changes(base, records):
    """Per classifier: the variant's mean rank among the base arms, and its mean change
    from ``none``, on each metric."""
    frame = pd.concat([base[base.arm != "ganaug"], pd.DataFrame(records).assign(arm="ganaug")])
    frame = frame[frame.table.isin({r["table"] for r in records})]
    means = frame.groupby(["table", "classifier", "arm"])[list(METRICS)].mean()
    ranks = means.groupby(level=["table", "classifier"]).rank(ascending=False)
    mean_rank = ranks.groupby(level=["classifier", "arm"]).mean()
    wide = means.unstack("arm")
    out = {}
    for clf in CLASSIFIERS:
        if clf not in mean_rank.index.get_level_values(0):
            continue
        mine = mean_rank.xs(clf, level="classifier")
        others = mine.drop(index="ganaug")
        out[clf] = {
            metric: {
                "rank": float(mine.loc["ganaug", metric]),
                "best_other": float(others[metric].min()),
                "best_other_arm": str(others[metric].idxmin()),
                "none_rank": float(mine.loc["none", metric]),
                "change": float((wide[metric]["ganaug"] - wide[metric]["none"]).xs(
                    clf, level="classifier").mean()),
            }
            for metric in METRICS
        }
    return out


def payload(results, settings, suite, n_tables, seconds, argv, note=None):
    columns = ["variant", "classifier"] + [f"{m} rank (best other)" for m in METRICS] + [
        f"{m} change from none" for m in METRICS]
    rows = []
    for variant, per_clf in results.items():
        for clf, cell in per_clf.items():
            rows.append([variant, clf]
                        + [f"{cell[m]['rank']:.2f} ({cell[m]['best_other']:.2f} {cell[m]['best_other_arm']})"
                           for m in METRICS]
                        + [f"{cell[m]['change']:+.4f}" for m in METRICS])
    text = (
        f"Suite `{suite}` ({n_tables} tables), {settings['repeats']} x {settings['folds']}-fold "
        f"stratified CV, training folds cut to imbalance ratio {settings['ratio']:g}, seed "
        f"{settings['seed']}. Each variant is ranked against the base run's arms (none, class "
        "weights, tuned threshold, random over-sampling, SMOTE), not against the other "
        "variants; in brackets, the best of those arms' mean ranks. Ranks and changes are "
        "means over tables of the fold means. See the module docstring of "
        "`benchmarks/tables/amount.py` for the variants."
    )
    return {
        "name": f"amount_{Path(suite).name}",
        "title": f"How many rows, how many recombined, what the generator adds: GANAugmenter variants ({Path(suite).name})",
        "stamp": common.stamp("benchmarks.tables.amount", argv, seconds),
        "data": {"settings": settings, "results": results},
        "sections": [
            {"text": text + (f"\n\n{note}" if note else "")},
            {"heading": "Mean ranks and changes, per classifier",
             "table": {"columns": columns, "rows": rows}},
        ],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", default=str(common.DEVSUITE))
    parser.add_argument("--base", required=True,
                        help="Records (JSON lines) of a devsuite run of the same suite with the other arms.")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--out", required=True, help="Prefix of the variants' records.")
    parser.add_argument("--results", type=Path, default=common.RESULTS)
    parser.add_argument("--note", default=None,
                        help="A sentence for the page: how the run was made (e.g. its records made in parts).")
    args = parser.parse_args(argv)
    variants = common.pick(args.variants, tuple(VARIANTS), "variants")
    base_path = Path(args.base)
    if not base_path.is_file():
        raise SystemExit(f"--base: {base_path} is not a file; expected the records (JSON lines) "
                         "of a benchmarks.tables.devsuite run.")
    lines = base_path.read_text(encoding="utf-8").splitlines()
    settings = json.loads(lines[0]).get("settings") if lines else None
    if not settings:
        raise SystemExit(f"--base: {base_path} has no settings header; expected the records "
                         "(JSON lines) of a benchmarks.tables.devsuite run.")
    base = pd.DataFrame([r for r in map(json.loads, lines[1:]) if "arm" in r])
    suite = Path(args.suite)
    tables = [t for t in common.read_suite(suite) if t[0] in set(base.table)]
    data_dir = common.fetch(suite)
    start = time.perf_counter()
    results = {v: ranks_and_changes(base, run_variant(v, tables, data_dir, settings, args.out))
               for v in variants}
    common.write_results(payload(results, settings, args.suite, len(tables),
                                 time.perf_counter() - start, argv, args.note), args.results)


if __name__ == "__main__":
    main()
