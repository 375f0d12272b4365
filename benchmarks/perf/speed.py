"""Fit and sampling speed of GANAugmenter with its defaults, by table size.

    python -m benchmarks.perf.speed [--rows 1000 10000 100000] [--sample 200000]

For each size, a mixed table of 20 columns (15 numeric, 3 of them integers, and 5
categorical; 3 classes, 80/15/5 %) is rebalanced with the default GANAugmenter, in a
fresh child process per size (TensorFlow imported before the clock starts): the
seconds of a first ``fit`` (encoding, building the networks, tracing Keras's training
function and training), of a repeat ``fit_resample`` on the same table (which reuses
the compiled GAN that ganaug keeps per network layout, as the folds of a
cross-validation do), and the throughput of ``sample`` to a DataFrame (decoding,
calibration, the label check and the copy filter included). Training cost does not
grow with the number of rows: the default budget is a fixed number of steps.

Writes ``docs/results/speed.{json,md}`` and its charts (``--results`` elsewhere).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from benchmarks import common  # noqa: E402


def mixed_table(rows, seed=0):
    """15 numeric columns (3 of them integers) and 5 categorical ones, 3 classes."""
    import numpy as np
    import pandas as pd
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=rows, n_features=20, n_informative=8,
                               n_classes=3, weights=[0.8, 0.15, 0.05], random_state=seed)
    frame = pd.DataFrame(X[:, :15], columns=[f"num{i}" for i in range(15)])
    for i in range(3):
        frame[f"num{i}"] = np.round(frame[f"num{i}"] * 10).astype(np.int64)
    for i in range(5):
        levels = np.array([f"level{k}" for k in range(3 + 2 * i)])
        codes = np.digitize(X[:, 15 + i], np.quantile(X[:, 15 + i], np.linspace(0, 1, len(levels) + 1)[1:-1]))
        frame[f"cat{i}"] = levels[codes]
    return frame, y


def measure(rows, sample):
    """One size, in this process (a fresh one: the first fit builds and traces)."""
    import keras

    from ganaug import GANAugmenter

    keras.ops.convert_to_tensor([0.0])  # start-up of the backend, not timed
    X, y = mixed_table(rows)
    start = time.perf_counter()
    aug = GANAugmenter(random_state=0).fit(X, y)
    fit = time.perf_counter() - start
    start = time.perf_counter()
    X_res, _ = GANAugmenter(random_state=0).fit_resample(X, y)
    fit_resample = time.perf_counter() - start
    rates = {}
    for n in (10_000, sample):
        start = time.perf_counter()
        X_new, _ = aug.sample(n, random_state=1)
        rates[n] = n / (time.perf_counter() - start)
        assert len(X_new) == n
    return {"rows": rows, "columns": X.shape[1], "first_fit_s": fit, "repeat_fit_resample_s": fit_resample,
            "synthetic_rows": len(X_res) - rows, "sample_rows": sample,
            "sample_10000_rows_per_s": rates[10_000], "sample_n_rows_per_s": rates[sample]}


def in_child(rows, sample):
    """:func:`measure` in a new Python process, run as a module from the repository root."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.perf.speed", "--child", str(rows),
                          "--sample", str(sample)], cwd=common.ROOT, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def payload(results, argv, seconds):
    sample = results[0]["sample_rows"]
    rows = [[f"{r['rows']:,} x {r['columns']}", f"{r['first_fit_s']:.2f}", f"{r['repeat_fit_resample_s']:.2f}",
             f"{r['synthetic_rows']:,}", f"{r['sample_10000_rows_per_s']:,.0f}", f"{r['sample_n_rows_per_s']:,.0f}"]
            for r in results]
    sizes = [f"{r['rows']:,}" for r in results]
    return {
        "name": "speed",
        "title": "Speed: fit and sample by table size",
        "intro": __doc__.split("\n\n")[2].replace("``", "`"),
        "stamp": common.stamp("benchmarks.perf.speed", argv, seconds),
        "sections": [
            {"heading": "Seconds and rows per second",
             "table": {"columns": ["rows", "first fit (s)", "repeat fit_resample (s)", "synthetic rows",
                                   "sample 10,000 (rows/s)", f"sample {sample:,} (rows/s)"], "rows": rows},
             "chart": {"file": "fit_seconds.png", "kind": "bar", "title": "Default fit, seconds by table size",
                       "categories": sizes, "xlabel": "rows (20 columns)", "ylabel": "seconds",
                       "series": {"first fit": [r["first_fit_s"] for r in results],
                                  "repeat fit_resample": [r["repeat_fit_resample_s"] for r in results]}}},
            {"heading": "Sampling throughput",
             "text": "Rows per second of `sample` to a DataFrame, from the model fitted on each table.",
             "chart": {"file": "sample_rate.png", "kind": "bar", "title": "sample: rows per second",
                       "categories": sizes, "xlabel": "rows the model was fitted on", "ylabel": "rows / s",
                       "series": {"10,000 rows": [r["sample_10000_rows_per_s"] for r in results],
                                  f"{sample:,} rows": [r["sample_n_rows_per_s"] for r in results]}}},
        ],
        "data": results,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--sample", type=int, default=200_000)
    parser.add_argument("--results", default=common.RESULTS, help="Folder of the results page.")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(measure(args.child, args.sample)))
        return
    start = time.perf_counter()
    results = []
    for rows in args.rows:
        results.append(in_child(rows, args.sample))
        r = results[-1]
        print(f"{rows:>9,} rows: first fit {r['first_fit_s']:.2f} s, repeat fit_resample "
              f"{r['repeat_fit_resample_s']:.2f} s, sample {r['sample_n_rows_per_s']:,.0f} rows/s", flush=True)
    common.write_results(payload(results, argv, time.perf_counter() - start), args.results)


if __name__ == "__main__":
    main()
