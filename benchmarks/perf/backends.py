"""Fit seconds per Keras backend on the CPU (issue 35, prototype): penguins.csv at the
default settings (4 fits in one process; the first includes tracing or compiling) and,
with ``--images``, one fit on 1,000 8x8 digits (scikit-learn's) and a sample of 1,000.

Run once per backend, each in its own process::

    for b in tensorflow jax torch; do
        OMP_NUM_THREADS=1 KERAS_BACKEND=$b python -m benchmarks.perf.backends --images
    done

``--no-tables`` times the digits only.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ganaug import GANAugmenter

PENGUINS = Path(__file__).resolve().parents[2] / "sample_data" / "penguins.csv"


def table_seconds(fits=4):
    """Seconds of each of ``fits`` default fits on penguins.csv, random_state 0, 1, ..."""
    frame = pd.read_csv(PENGUINS)
    y = frame.pop("species")
    seconds = []
    for seed in range(fits):
        start = time.perf_counter()
        GANAugmenter(random_state=seed).fit(frame, y)
        seconds.append(time.perf_counter() - start)
    return seconds


def image_seconds(n=1000):
    """(fit seconds, seconds to sample 100 images of each class) on ``n`` 8x8 digits."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = (digits.images[:n] * (255 / 16)).round().astype(np.uint8)
    start = time.perf_counter()
    aug = GANAugmenter(random_state=0).fit(X, digits.target[:n])
    fit = time.perf_counter() - start
    start = time.perf_counter()
    aug.sample(y={c: 100 for c in aug.classes_}, random_state=0)
    return fit, time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", action="store_true", help="also the 1,000 digits")
    parser.add_argument("--no-tables", action="store_true", help="skip the penguins fits")
    args = parser.parse_args(argv)
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    if not args.no_tables:
        seconds = table_seconds()
        print(f"{backend}: penguins fit seconds {[round(s, 2) for s in seconds]}, "
              f"median of fits 2-4 {np.median(seconds[1:]):.2f}")
    if args.images:
        fit, sample = image_seconds()
        print(f"{backend}: 1,000 digits fit {fit:.1f} s, sample 1,000 images {sample:.2f} s")
    print(f"{backend}: tensorflow imported: {'tensorflow' in sys.modules}")


if __name__ == "__main__":
    main()
