"""How well can a saved model's column values tell training rows from other rows?

A ``.ganaug`` file saved with the defaults holds no row hashes and no rows, but the
encoder keeps, for each numeric column, up to 1,000 quantiles, smoothed (each the
mean of itself and its two neighbours) so that a value only one or two rows have is
not stored, while values shared by three or more rows are (see the README, "What a
saved model holds"). This script measures the simplest membership test that this allows: call a
row a *member* when each of its numeric values occurs among its column's stored
quantiles. Each table is split 70/30 (stratified, seed 0), a GANAugmenter is fitted
on the 70 % and saved with the defaults, and the test is run on both parts:

- ``training``: share of training rows called members (the test's power);
- ``held-out``: share of rows *not* used in training called members (false alarms).

A test is informative when the first share is far above the second. The encoder
does not depend on the GAN's training, so one epoch of 10 steps is enough here. A
column with an empty header (R's row names, written by ``write.csv``) is dropped
first: row numbers would make the test trivial.

    python benchmarks/saved_model_membership.py
    python benchmarks/saved_model_membership.py --table path/to/data.csv:target ...
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def stored_values(path):
    """``{column: stored quantiles}`` of the numeric columns of a saved model."""
    from ganaug.persistence import untag

    with zipfile.ZipFile(path) as archive:
        meta = json.loads(archive.read("metadata.json"))
    return {
        untag(col["name"]): np.asarray(col["quantiles"], dtype=float)
        for col in meta["encoder"]["columns"] if col.get("quantiles") is not None
    }


def called_members(values, X):
    """Rows whose every numeric value (missing ones aside) is among the stored values."""
    hit = np.ones(len(X), dtype=bool)
    for name, stored in values.items():
        v = pd.to_numeric(X[name], errors="coerce").to_numpy(dtype=float)
        hit &= np.isnan(v) | np.isin(v, stored)
    return hit


def measure(path, target, seed=0):
    from sklearn.model_selection import train_test_split

    from ganaug import GANAugmenter
    from ganaug.io import read_table

    frame = read_table(path)
    frame = frame[frame[target].notna()]
    # R's row names (a first column with an empty header) would make the test trivial
    frame = frame.drop(columns=[c for c in frame.columns if str(c).startswith("Unnamed: ")])
    X, y = frame.drop(columns=target), frame[target]
    X_tr, X_te, y_tr, _ = train_test_split(X, y, test_size=0.3, random_state=seed, stratify=y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        aug = GANAugmenter(epochs=1, steps_per_epoch=10, random_state=seed).fit(X_tr, y_tr)
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "model.ganaug"
        aug.save(model)
        values = stored_values(model)
    return {
        "table": Path(path).name, "training rows": len(X_tr), "numeric columns": len(values),
        "training": called_members(values, X_tr).mean(),
        "held-out": called_members(values, X_te).mean(),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--table", action="append", default=None, metavar="PATH:TARGET",
                        help="A CSV or Parquet table and its target column (repeatable; "
                        "default: sample_data/penguins.csv:species).")
    args = parser.parse_args(argv)
    tables = args.table or [f"{ROOT / 'sample_data' / 'penguins.csv'}:species"]
    rows = []
    for item in tables:
        path, _, target = item.rpartition(":")
        rows.append(measure(path, target))
    table = pd.DataFrame(rows).set_index("table")
    print("Share of rows called members (every numeric value among the stored quantiles):")
    print(table.to_string(float_format=lambda v: f"{v:.2f}"))


if __name__ == "__main__":
    main()
