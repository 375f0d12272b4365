"""The generated images' label agreement and variety over several GAN seeds per fold.

``images_downstream.py`` fits one default ``GANAugmenter`` per fold (``random_state``
the fold seed), so its variety figures hold one draw of the GAN's own randomness. This
script takes the same folds (5-fold CV, five classes cut to imbalance ratio 10, the
same referee CNN and the same measures: ``images_downstream.generated_quality``) and
fits the default sampler ``--seeds`` times per fold: seed 0 is the downstream
benchmark's fit (``random_state`` = the fold seed), seed ``s`` uses the fold seed plus
``100000 * s``. No classifiers are trained. It prints, per set and seed, the label
agreement (mean and lowest fold) and the class-folds whose recall gap (and coverage
gap) is within 0.1 of the real images (at least -0.1); then, per class-fold, the gap
averaged over the seeds; and every class-fold that misses under some seed, with its
gap under each.

Results go to a JSON-lines file (``--out``), one fit at a time; a rerun resumes.

Run from the repository root::

    python benchmarks/image_variety_seeds.py --sets digits28 photo16 digits8 --seeds 3 --out variety_seeds.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]  # this checkout's ganaug, and the benchmark it shares
import image_sets  # noqa: E402
import images_downstream as downstream  # noqa: E402

SEED_STEP = 100_000
WITHIN = -0.1


def run_fit(name, X, y, repeat, fold, train, test, s, features, ratio):
    """One default fit on the fold's cut training images with seed number ``s``; the
    quality record of its generated images (``generated_quality``)."""
    fold_seed, minority, train, _ = downstream.cut_fold(y, train, repeat, fold, ratio)
    seed = fold_seed + SEED_STEP * s
    start, cpu, load = time.perf_counter(), time.process_time(), os.getloadavg()[0]
    X_res, y_res, draw = downstream.resample("ganaug", X[train], y[train], fold_seed, gan_seed=seed)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    n = len(train)
    quality = downstream.generated_quality(
        features, X[train], y[train], X[test], y[test], X_res[n:], np.asarray(y_res[n:]), minority, fold_seed, draw
    )
    return {"set": name, "repeat": repeat, "fold": fold, "seed_number": s, "random_state": seed,
            "minority": minority, "seconds": seconds, "cpu_seconds": cpu, "load": load, "quality": quality}


def report(records, sets, seeds):
    for name in sets:
        rs = [r for r in records if r["set"] == name and r["seed_number"] < seeds]
        if not rs:
            continue
        print(f"\n### {name}\n")
        print("| seed | folds | agreement mean (lowest) | recall within 0.1 | coverage within 0.1 | fit s median |")
        print("|---|---|---|---|---|---|")
        for s in range(seeds):
            ss = [r for r in rs if r["seed_number"] == s]
            if not ss:
                continue
            agree = [r["quality"]["agreement"] for r in ss]
            rec = [g for r in ss for g in r["quality"]["recall_gap"].values()]
            cov = [g for r in ss for g in r["quality"]["coverage_gap"].values()]
            print(f"| {s} | {len(ss)} | {np.mean(agree):.3f} ({min(agree):.3f}) | "
                  f"{sum(g >= WITHIN for g in rec)} of {len(rec)} | {sum(g >= WITHIN for g in cov)} of {len(cov)} | "
                  f"{np.median([r['seconds'] for r in ss]):.0f} |")
        cells = {}
        for r in rs:
            for c, g in r["quality"]["recall_gap"].items():
                cells.setdefault((r["repeat"], r["fold"], int(c)), {})[r["seed_number"]] = g
        full = {k: v for k, v in cells.items() if len(v) == seeds}
        if not full:
            continue
        means = {k: np.mean(list(v.values())) for k, v in full.items()}
        print(f"\nRecall gap per class-fold averaged over the {seeds} seeds: within 0.1 in "
              f"{sum(m >= WITHIN for m in means.values())} of {len(means)}; lowest {min(means.values()):+.3f}; "
              f"mean {np.mean(list(means.values())):+.3f}.")
        missed = sorted(k for k, v in full.items() if min(v.values()) < WITHIN)
        for repeat, fold, c in missed:
            gaps = ", ".join(f"{full[(repeat, fold, c)][s]:+.3f}" for s in range(seeds))
            print(f"  fold seed {1000 * repeat + fold}, class {c}: recall gap by seed {gaps} "
                  f"(mean {means[(repeat, fold, c)]:+.3f})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=["digits28", "photo16", "digits8"], choices=image_sets.SETS)
    parser.add_argument("--seeds", type=int, default=3, help="Fits per fold (seed numbers 0 .. seeds-1).")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--fold-limit", type=int, default=None, help="Run only the first N folds.")
    parser.add_argument("--ratio", type=float, default=10.0)
    parser.add_argument("--out", default=None, help="JSON-lines file of fits; resumes from it.")
    parser.add_argument("--report-only", action="store_true", help="Print the tables of --out; run nothing.")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1. Got {args.seeds}.")

    records = downstream.load_records(args.out)
    done = {(r["set"], r["repeat"], r["fold"], r["seed_number"]) for r in records}
    for name in [] if args.report_only else args.sets:
        X, y = image_sets.make_set(name)
        features = None
        for k, (repeat, fold, train, test) in enumerate(downstream.folds(y, args.folds, 1)):
            if args.fold_limit is not None and k >= args.fold_limit:
                break
            for s in range(args.seeds):
                if (name, repeat, fold, s) in done:
                    continue
                if features is None:
                    features = downstream.referee(X, y)
                record = run_fit(name, X, y, repeat, fold, train, test, s, features, args.ratio)
                records.append(record)
                if args.out is not None:
                    with open(args.out, "a") as fh:
                        fh.write(json.dumps(record) + "\n")
                gaps = " ".join(f"{c}:{g:+.3f}" for c, g in record["quality"]["recall_gap"].items())
                print(f"{name} fold {fold} seed {s} ({record['seconds']:.0f} s): agreement "
                      f"{record['quality']['agreement']:.3f}, recall gaps {gaps}", flush=True)
    report(records, args.sets, args.seeds)


if __name__ == "__main__":
    main()
