"""Fit and sampling speed of GANAugmenter with its defaults, by table size.

    python benchmarks/speed.py [--rows 1000 10000 100000] [--sample 200000]

For each size, a mixed table of 20 columns (15 numeric, 3 of them integers, and 5
categorical; 3 classes, 80/15/5 %) is rebalanced with the default GANAugmenter:
the script prints the seconds of a first `fit` (encoding, building the networks,
tracing Keras's training function and training), of a repeat `fit_resample` on the
same table (which reuses the compiled GAN kept in ganaug.gan.TRAINERS, as the folds
of a cross-validation do), and the throughput of `sample` to a DataFrame (decoding,
calibration, the label check and the copy filter included). Training cost does not
grow with the number of rows: the default budget is a fixed number of steps.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402

from ganaug import GANAugmenter  # noqa: E402
from ganaug.gan import TRAINERS  # noqa: E402


def mixed_table(rows, seed=0):
    """15 numeric columns (3 of them integers) and 5 categorical ones, 3 classes."""
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--sample", type=int, default=200_000)
    args = parser.parse_args()

    GANAugmenter(epochs=1, random_state=0).fit(*mixed_table(200))  # warm-up: imports
    print("| rows | first fit (s) | repeat fit_resample (s) | synthetic rows | sample 10,000 (rows/s) "
          f"| sample {args.sample:,} (rows/s) |")
    print("|---|---|---|---|---|---|")
    for rows in args.rows:
        X, y = mixed_table(rows)
        TRAINERS.clear()  # a first fit: networks built and traced
        start = time.perf_counter()
        aug = GANAugmenter(random_state=0).fit(X, y)
        fit = time.perf_counter() - start
        start = time.perf_counter()
        X_res, _ = GANAugmenter(random_state=0).fit_resample(X, y)
        fit_resample = time.perf_counter() - start
        rates = []
        for n in (10_000, args.sample):
            start = time.perf_counter()
            X_new, _ = aug.sample(n, random_state=1)
            elapsed = time.perf_counter() - start
            assert isinstance(X_new, pd.DataFrame) and len(X_new) == n
            rates.append(n / elapsed)
        print(f"| {rows:,} x {X.shape[1]} | {fit:.2f} | {fit_resample:.2f} | {len(X_res) - rows:,} "
              f"| {rates[0]:,.0f} | {rates[1]:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
