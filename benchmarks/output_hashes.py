"""Hashes of what GANAugmenter outputs, to show that a refactor changed no row.

    python -m benchmarks.output_hashes                    # everything, to stdout
    python -m benchmarks.output_hashes --part tables -o before.json
    python -m benchmarks.output_hashes --compare before.json after.json

Uses the public API only (``GANAugmenter``, ``fit_resample``, ``sample``, ``save``,
``ganaug.load``), so the same script runs against any version of the package. It hashes:

- ``tables``: ``GANAugmenter(random_state=0).fit_resample`` on every training fold of
  the development suite (``../shared/devsuite``: 14 tables, 2 x 5 stratified folds,
  training folds cut to imbalance ratio 10, as ``benchmarks/tables/devsuite.py`` does);
- ``images``: the same on one fold of ``digits8`` (8x8) and ``digits28`` (28x28), each
  with random_state 0, 1 and 2;
- ``saved``: ``sample`` after ``save`` and ``ganaug.load``, for three tables (with and
  without the copy filter's hashes) and for ``digits8``, beside ``sample`` of the
  fitted model itself.

Each output is hashed with SHA-256 over its columns, dtypes and values (pandas' row
hashes for a DataFrame, the raw bytes for an array) and the labels. On the CPU the
same code gives the same hashes run after run, so two JSON files that differ name
the outputs a change moved. ``benchmarks/output_hashes-0.1.0.json`` holds the hashes of
ganaug 0.1.0 (before the layout of one module per stage); the layout gives the same 157.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEVSUITE = Path(os.environ.get("GANAUG_DEVSUITE", ROOT.parent / "shared" / "devsuite"))
PARTS = ("tables", "images", "saved")
SAVED_TABLES = ("mpg", "Salaries", "Housing")


def digest(X, y):
    """SHA-256 of an output: columns, dtypes and values of X, then the labels."""
    h = hashlib.sha256()
    if isinstance(X, pd.DataFrame):
        h.update(repr([(str(c), str(t)) for c, t in X.dtypes.items()]).encode())
        h.update(pd.util.hash_pandas_object(X, index=False).to_numpy().tobytes())
    else:
        X = np.ascontiguousarray(X)
        h.update(f"{X.dtype.str}{X.shape}".encode())
        h.update(X.tobytes() if X.dtype.kind != "O" else repr(X.tolist()).encode())
    y = np.asarray(y)
    h.update(y.dtype.str.encode() if y.dtype.kind != "O" else b"O")
    h.update(repr(y.tolist()).encode())
    return h.hexdigest()[:16]


def suite_tables():
    """[(name, X, y)] of the development suite, loaded as its protocol says."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    spec = tomllib.loads((DEVSUITE / "suite.toml").read_text(encoding="utf-8"))
    out = subprocess.run(["bash", str(DEVSUITE / "fetch.sh")], check=True, capture_output=True,
                         text=True, env={**os.environ, "PYTHON": sys.executable})
    data_dir = Path(out.stdout.strip().splitlines()[-1])
    tables = []
    for table in spec["table"]:
        frame = pd.read_csv(data_dir / table["path"])
        first = frame.columns[0]
        if str(first).startswith("Unnamed") or first == "":
            frame = frame.drop(columns=first)
        frame = frame[frame[table["target"]].notna()].reset_index(drop=True)
        name = table.get("name", Path(table["path"]).stem)
        tables.append((name, frame.drop(columns=table["target"]), frame[table["target"]]))
    return tables


def training_folds(y, folds=5, repeats=2, random_state=0, ratio=10):
    """Training row numbers of the protocol's folds, cut to imbalance ratio ``ratio``."""
    from sklearn.model_selection import RepeatedStratifiedKFold

    from ganaug.comparison import cut_imbalance

    splits = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=random_state)
    for fold, (train, _) in enumerate(splits.split(np.zeros((len(y), 1)), y)):
        rng = np.random.default_rng([random_state, fold])
        yield fold, train[cut_imbalance(y.iloc[train], ratio, rng)]


def tables_part(out):
    from ganaug import GANAugmenter

    for name, X, y in suite_tables():
        for fold, train in training_folds(y):
            X_tr, y_tr = X.iloc[train].reset_index(drop=True), y.iloc[train].reset_index(drop=True)
            out[f"tables/{name}/fold{fold}"] = digest(*GANAugmenter(random_state=0).fit_resample(X_tr, y_tr))


def image_fold(name):
    """One training fold of scikit-learn's 8x8 digits (``digits8``) or of the same
    digits upscaled to 28x28 (``digits28``, bicubic), classes 1-9 cut to a tenth of
    class 0 (made here, so that this script depends on no other benchmark)."""
    from PIL import Image
    from sklearn.datasets import load_digits
    from sklearn.model_selection import StratifiedKFold

    digits = load_digits()
    X, y = np.rint(digits.images * 255.0 / 16.0).astype(np.uint8), digits.target.astype(np.int64)
    if name == "digits28":
        X = np.stack([np.asarray(Image.fromarray(x).resize((28, 28), Image.Resampling.BICUBIC)) for x in X])
    train, _ = next(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    rng = np.random.default_rng(0)
    cap = -(-int((y[train] == 0).sum()) // 10)
    keep = [train[y[train] == 0]]
    keep += [rng.choice(train[y[train] == k], cap, replace=False) for k in range(1, 10)]
    keep = np.sort(np.concatenate(keep))
    return X[keep], y[keep]


def images_part(out):
    from ganaug import GANAugmenter

    for name in ("digits8", "digits28"):
        X, y = image_fold(name)
        for seed in (0, 1, 2):
            out[f"images/{name}/seed{seed}"] = digest(*GANAugmenter(random_state=seed).fit_resample(X, y))


def saved_part(out):
    import ganaug
    from ganaug import GANAugmenter

    tables = {name: (X, y) for name, X, y in suite_tables() if name in SAVED_TABLES}
    fitted = [(name, *tables[name]) for name in SAVED_TABLES]
    fitted.append(("digits8", *image_fold("digits8")))
    with tempfile.TemporaryDirectory() as tmp:
        for name, X, y in fitted:
            aug = GANAugmenter(random_state=0).fit(X, y)
            out[f"saved/{name}/fitted"] = digest(*aug.sample(300, random_state=1))
            for keep in (False, True) if name != "digits8" else (False,):
                path = Path(tmp) / f"{name}-{keep}.ganaug"
                aug.save(path, keep_copy_filter=keep)
                loaded = ganaug.load(path)
                key = f"saved/{name}/loaded" + ("-copy-filter" if keep else "")
                out[key] = digest(*loaded.sample(300, random_state=1))


def run(parts):
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for part in parts:
            start = time.perf_counter()
            {"tables": tables_part, "images": images_part, "saved": saved_part}[part](out)
            print(f"{part}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return out


def compare(first, second):
    a, b = (json.loads(Path(p).read_text())["hashes"] for p in (first, second))
    differ = sorted(k for k in a.keys() & b.keys() if a[k] != b[k])
    only = sorted(a.keys() ^ b.keys())
    print(f"{len(a.keys() & b.keys())} outputs in both; {len(differ)} differ; {len(only)} in one file only")
    for key in differ:
        print(f"  differs: {key}  {a[key]}  {b[key]}")
    for key in only:
        print(f"  in one file only: {key}")
    return 1 if differ or only else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", action="append", choices=PARTS,
                        help="what to hash (repeatable; default: all)")
    parser.add_argument("-o", "--out", type=Path, help="write the hashes to this JSON file")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"),
                        help="compare two JSON files written by -o and exit")
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    import ganaug

    hashes = run(args.part or PARTS)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    result = {"commit": commit, "version": ganaug.__version__, "machine": platform.platform(),
              "python": platform.python_version(), "hashes": hashes}
    text = json.dumps(result, indent=1)
    if args.out:
        args.out.write_text(text + "\n")
    for key, value in hashes.items():
        print(f"{value}  {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
