"""Fit seconds per Keras backend on the CPU: penguins.csv at the default settings (4
fits in one process; the first includes tracing or compiling) and, with ``--images``,
one fit on 1,000 8x8 digits (scikit-learn's) and a sample of 1,000.

One backend, the one ``KERAS_BACKEND`` names (printed)::

    OMP_NUM_THREADS=1 KERAS_BACKEND=jax python -m benchmarks.perf.backends --images

Every backend, one after the other, each in its own process, and the results page
``docs/results/backends_speed.{md,json}`` (``--results`` elsewhere)::

    OMP_NUM_THREADS=1 python -m benchmarks.perf.backends --images --all

``--no-tables`` times the digits only.
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


BACKENDS = ("tensorflow", "jax", "torch")


def measure(args):
    """This process's figures, under its ``KERAS_BACKEND``."""
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    result = {"backend": backend}
    if not args.no_tables:
        seconds = table_seconds()
        result["table"] = seconds
        print(f"{backend}: penguins fit seconds {[round(s, 2) for s in seconds]}, "
              f"median of fits 2-4 {np.median(seconds[1:]):.2f}", file=sys.stderr)
    if args.images:
        result["images_fit"], result["images_sample"] = image_seconds()
        print(f"{backend}: 1,000 digits fit {result['images_fit']:.1f} s, sample 1,000 images "
              f"{result['images_sample']:.2f} s", file=sys.stderr)
    result["tensorflow_imported"] = "tensorflow" in sys.modules
    print(f"{backend}: tensorflow imported: {result['tensorflow_imported']}", file=sys.stderr)
    return result


def page(results, stamp, images):
    rows = []
    for r in results:
        table = r.get("table")
        rows.append([r["backend"],
                     None if table is None else f"{table[0]:.2f}",
                     None if table is None else f"{np.median(table[1:]):.2f}",
                     f"{r['images_fit']:.1f}" if images else None,
                     f"{r['images_sample']:.2f}" if images else None,
                     "yes" if r["tensorflow_imported"] else "no"])
    return {
        "name": "backends_speed",
        "title": "Keras backends: fit and sampling seconds on the CPU",
        "intro": ("Each backend in its own process, one after the other on the same machine: "
                  "four default `GANAugmenter` fits of `sample_data/penguins.csv` (344 rows, "
                  "3 classes; the first traces or compiles the networks, the others reuse them, "
                  "as the folds of a cross-validation do), and one default fit on 1,000 of "
                  "scikit-learn's 8x8 digits with a sample of 100 images per class."),
        "stamp": stamp,
        "sections": [{"table": {"columns": ["backend", "penguins: first fit s", "penguins: later fits, median s",
                                            "1,000 digits: fit s", "digits: sample 1,000 s",
                                            "TensorFlow imported"],
                                "rows": rows}}],
        "data": {"results": results},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", action="store_true", help="also the 1,000 digits")
    parser.add_argument("--no-tables", action="store_true", help="skip the penguins fits")
    parser.add_argument("--all", action="store_true",
                        help="every backend in its own process, and the results page")
    parser.add_argument("--results", type=Path, default=None, help="folder of the page (default: docs/results)")
    args = parser.parse_args(argv)
    if not args.all:
        print(json.dumps(measure(args)))
        return
    from benchmarks import common

    start, results = time.perf_counter(), []
    child = [a for a in (sys.argv[1:] if argv is None else argv) if a != "--all"]
    if "--results" in child:
        i = child.index("--results")
        del child[i : i + 2]
    for backend in BACKENDS:
        out = subprocess.run([sys.executable, "-m", "benchmarks.perf.backends", *child], check=True,
                             capture_output=True, text=True, cwd=common.ROOT,
                             env={**os.environ, "KERAS_BACKEND": backend})
        sys.stderr.write(out.stderr[-2000:])
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    stamp = common.stamp("benchmarks.perf.backends", sys.argv[1:] if argv is None else argv,
                         time.perf_counter() - start)
    common.write_results(page(results, stamp, args.images), args.results or common.RESULTS)


if __name__ == "__main__":
    main()
