"""Where the fidelity check fires: GANAugmenter's defaults fitted on the development
benchmark's own training folds, with what ``fidelity_`` and ``interpolated_classes_``
say for each.

    python benchmarks/fidelity_scan.py --seed 0                 # 14 tables x 10 folds
    python benchmarks/fidelity_scan.py --seed 1 --tables Computers,Salaries --folds 2

Each fit is the one ``benchmarks/devsuite.py`` makes for the ``ganaug`` arm of that
table and fold (the same repeated stratified folds, the same cut to imbalance ratio
10 and the same per-fold ``random_state``; the classes as integer codes, which give
the same fit as their labels), so the classes listed are those the benchmark's rows
were interpolated for. Per
table: the fits where the check fired, and per class the mean share of its real rows
(out of bag) and of its generated rows that the check's forest put in the class.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from devsuite import fetch, load_table, pick, read_suite  # noqa: E402

from ganaug import GANAugmenter  # noqa: E402
from ganaug.comparison import _fold_seed, _protocol_folds  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", default=str(ROOT.parent / "shared" / "devsuite"))
    parser.add_argument("--data", help="Folder of the CSVs (default: what fetch.sh prints).")
    parser.add_argument("--tables", help="Comma-separated table names (file stems).")
    parser.add_argument("--folds", type=int, default=10, help="How many of the 2 x 5 folds (from the first).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ratio", type=float, default=10.0)
    args = parser.parse_args(argv)

    suite = read_suite(args.suite)
    names = pick(args.tables, [n for n, _, _ in suite], "tables")
    data_dir = args.data or fetch(args.suite)
    start = time.perf_counter()
    fired = checked = fits = 0
    for name, path, target in (t for t in suite if t[0] in names):
        X, y = load_table(data_dir, path, target)
        classes, codes = np.unique(y.to_numpy(), return_inverse=True)
        y = pd.Series(codes, name=y.name)
        shares, hits, n_fired = {}, {}, 0
        for fold, train, _ in _protocol_folds(y, 5, 2, args.seed, args.ratio):
            if fold >= args.folds:
                break
            aug = GANAugmenter(random_state=_fold_seed(args.seed, fold))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                aug.fit(X.iloc[train].reset_index(drop=True), y.iloc[train].reset_index(drop=True))
            fits += 1
            checked += len(aug.fidelity_)
            fired += len(aug.interpolated_classes_)
            n_fired += bool(aug.interpolated_classes_)
            for code, both in aug.fidelity_.items():
                label = classes[code]
                shares.setdefault(label, []).append((both["real"], both["synthetic"]))
                hits[label] = hits.get(label, 0) + (code in aug.interpolated_classes_)
        n = min(args.folds, 10)
        per_class = "; ".join(
            f"{label!s}: real {np.mean([r for r, _ in v]):.2f}, generated {np.mean([g for _, g in v]):.2f}"
            f" (fired {hits[label]}/{len(v)})"
            for label, v in shares.items()
        ) or "no class of 20 or more rows to grow"
        print(f"{name}: fired in {n_fired} of {n} fits. {per_class}", flush=True)
    print(f"\nThe check fired for {fired} of {checked} (class, fit) pairs checked, over {fits} fits "
          f"(seed {args.seed}); {time.perf_counter() - start:.0f} s.")


if __name__ == "__main__":
    main()
