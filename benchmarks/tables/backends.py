"""The development benchmark once per Keras backend: does GANAugmenter rank and fit the
same under TensorFlow, JAX and PyTorch?

    OMP_NUM_THREADS=1 python -m benchmarks.tables.backends              # subset, all three
    OMP_NUM_THREADS=1 python -m benchmarks.tables.backends --tables all --backends jax

Each backend runs :mod:`benchmarks.tables.devsuite` in its own process (Keras picks its
backend once per process), with the same tables, folds, seed and arms (``none``,
``balanced``, ``random``, ``smote``, ``ganaug``); only ``ganaug`` trains a network, so
the other arms score the same under every backend and serve as the fixed field
GANAugmenter is ranked in. Each run's records go to ``OUT/devsuite_<backend>.jsonl``
(resumable) and its own page to ``OUT/devsuite_<backend>.{md,json}``.

The page, ``docs/results/backends_tables.{md,json}``, puts side by side, per backend and
per classifier: GANAugmenter's mean rank on each metric, its median fit seconds per
fold (the first fit of each process, which traces or compiles, included), and per
(table, classifier) cell its mean macro-F1 with the difference from TensorFlow's in
units of the fold-to-fold standard deviation ("within noise": under 1).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks import common

BACKENDS = ("tensorflow", "jax", "torch")
ARMS = "none,balanced,random,smote,ganaug"
#: Six devsuite tables of a few hundred to a few thousand rows, two to four classes
#: (the whole suite takes hours per backend on 2 cores): ``--tables all`` runs all 14.
SUBSET = "mpg,tips,Salaries,Housing,vote92,Fishing"
METRICS = ("macro_f1", "balanced_accuracy", "g_mean", "minority_recall")


def run_backend(backend, args):
    """Run the devsuite under ``backend``; the path of its JSON."""
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "benchmarks.tables.devsuite", "--arms", ARMS,
            "--classifiers", args.classifiers, "--folds", str(args.folds), "--repeats", str(args.repeats),
            "--out", str(out / f"devsuite_{backend}"), "--page", f"devsuite_{backend}",
            "--results", str(out), "--quiet"]
    if args.tables != "all":
        argv += ["--tables", args.tables]
    start = time.perf_counter()
    subprocess.run(argv, check=True, cwd=common.ROOT, env={**os.environ, "KERAS_BACKEND": backend})
    print(f"{backend}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return out / f"devsuite_{backend}.json"


def summarize(payloads):
    """``(rank rows, cell rows)`` for the page from ``{backend: devsuite payload}``."""
    rank_rows, cells = [], {}
    for backend, payload in payloads.items():
        data = payload["data"]
        records = [c for c in data["cells"] if c["arm"] == "ganaug"]
        for classifier in [*data["scope"]["classifiers"], "all"]:
            ranks = _ganaug_ranks(data["cells"], None if classifier == "all" else classifier)
            fits = [c["fit_s_median"] for c in records if classifier in ("all", c["classifier"])]
            rank_rows.append([backend, classifier, *(ranks[m] for m in METRICS),
                              float(np.mean([ranks[m] for m in METRICS])), float(np.median(fits))])
        for c in records:
            cells.setdefault((c["table"], c["classifier"]), {})[backend] = (c["macro_f1"], c["macro_f1_sd"])
    cell_rows = []
    others = [b for b in payloads if b != "tensorflow"]
    for (table, classifier), by in sorted(cells.items()):
        row = [table, classifier]
        for backend in payloads:
            mean, sd = by.get(backend, (None, None))
            row.append(None if mean is None else f"{mean:.3f} ± {sd:.3f}")
        if "tensorflow" in by:
            tf_mean, tf_sd = by["tensorflow"]
            for backend in others:
                if backend in by:
                    mean, sd = by[backend]
                    noise = float(np.sqrt((tf_sd ** 2 + sd ** 2) / 2)) or 1e-12
                    row.append(f"{(mean - tf_mean) / noise:+.2f}")
                else:
                    row.append(None)
        cell_rows.append(row)
    return rank_rows, cell_rows, others


def _ganaug_ranks(cells, classifier):
    """GANAugmenter's mean rank per metric over the (table, classifier) cells (1 = best,
    ties shared), among the arms of each cell."""
    import pandas as pd

    frame = pd.DataFrame([c for c in cells if classifier in (None, c["classifier"])])
    ranks = {}
    for metric in METRICS:
        ranked = frame.groupby(["table", "classifier"])[metric].rank(ascending=False, method="average")
        ranks[metric] = float(ranked[frame["arm"] == "ganaug"].mean())
    return ranks


def page(payloads, rank_rows, cell_rows, others, stamp, scope):
    backends = list(payloads)
    text = ("Each backend ran `benchmarks.tables.devsuite` in its own process (Keras picks its "
            "backend once per process) with the same tables, folds, seed and arms (none, balanced, "
            "random, smote, ganaug). Only GANAugmenter trains a network, so the other arms score the "
            "same under every backend and are the fixed field it is ranked in. "
            f"Scope: {scope}. The per-backend pages, with every arm, are "
            + ", ".join(f"`devsuite_{b}.md`" for b in backends) + " in the run's output folder.")
    return {
        "name": "backends_tables",
        "title": "Keras backends: GANAugmenter on the development tables under TensorFlow, JAX and PyTorch",
        "intro": text,
        "stamp": stamp,
        "sections": [
            {"heading": "Mean rank and fit seconds per backend",
             "text": "GANAugmenter's mean rank among the five arms (1 = best), per metric and over "
                     "the four metrics, and its median fit seconds per fold.",
             "table": {"columns": ["backend", "classifier", *[f"rank {m}" for m in METRICS], "mean rank",
                                   "median fit s"],
                       "rows": [[b, c, *(f"{v:.2f}" for v in vals[:-1]), f"{vals[-1]:.2f}"]
                                for b, c, *vals in rank_rows]}},
            {"heading": "Macro-F1 per table and classifier",
             "text": "Mean ± sd over folds; the last columns: the difference from TensorFlow's mean "
                     "in units of the two backends' pooled fold standard deviation.",
             "table": {"columns": ["table", "classifier", *backends, *[f"{b} − TF (sd)" for b in others]],
                       "rows": cell_rows}},
        ],
        "data": {"ranks": rank_rows, "cells": cell_rows,
                 "backends": {b: {"stamp": p["stamp"], "scope": p["data"]["scope"]} for b, p in payloads.items()}},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--tables", default=SUBSET, help=f"Comma-separated, or 'all' (default: {SUBSET}).")
    parser.add_argument("--classifiers", default="logreg,forest,hgb")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", default="backends", help="Folder of the per-backend records and pages.")
    parser.add_argument("--results", type=Path, default=common.RESULTS)
    parser.add_argument("--note", default="", help="A sentence for the page: how the run was made "
                        "(say, in parts resumed from OUT's records).")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = sorted(set(backends) - set(BACKENDS))
    if unknown:
        raise SystemExit(f"--backends: unknown {', '.join(unknown)}; expected some of {', '.join(BACKENDS)}")
    payloads = {b: json.loads(run_backend(b, args).read_text()) for b in backends}
    rank_rows, cell_rows, others = summarize(payloads)
    scope = (f"tables {args.tables}, classifiers {args.classifiers}, "
             f"{args.repeats} x {args.folds}-fold, training folds cut to imbalance ratio 10")
    stamp = common.stamp("benchmarks.tables.backends", sys.argv[1:] if argv is None else argv,
                         time.perf_counter() - start)
    payload = page(payloads, rank_rows, cell_rows, others, stamp, scope)
    common.write_results(common.add_note(payload, args.note), args.results)


if __name__ == "__main__":
    main()
