"""Make the documentation's figures with ganaug itself, on the shipped sample data.

Run from the repository root::

    python docs/make_figures.py                 # every figure
    python docs/make_figures.py --only images   # one group: images, compare, tables

The PNGs go to ``docs/_static/figures/`` and are committed: the docs build only
embeds them, so it needs no GPU, no network and no long fit. Every figure's caption
in the docs names this command. Seeds are fixed; on the CPU the same code gives the
same pictures (timings aside).

Figures
-------
- ``images_preview.png``: real and synthetic images of the three rare digits
  (7, 8, 9) of ``sample_data/digits`` after ``GANAugmenter(random_state=0)`` with
  its default budget (1,500 steps).
- ``compare_penguins.png``: ``ganaug.compare`` on ``sample_data/penguins.csv``
  (Chinstrap 20 rows of 296), histogram gradient boosting, 5 folds x 1 repeat:
  one point per fold and arm, the arm's mean as a line.
- ``penguins_marginals.png`` and ``penguins_projection.png``: real vs synthetic
  Chinstrap rows after ``GANAugmenter(random_state=0).fit_resample`` on the
  penguins, drawn by :mod:`ganaug.plots` (the figures of ``ganaug evaluate
  --report``).
"""

from __future__ import annotations

import argparse
import base64
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "_static" / "figures"
PENGUINS = ROOT / "sample_data" / "penguins.csv"
DIGITS = ROOT / "sample_data" / "digits"
DPI = 110


def _save(fig, name):
    OUT.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT / name, dpi=DPI, bbox_inches="tight")
    from ganaug.plots import pyplot

    pyplot().close(fig)
    print(f"wrote {(OUT / name).relative_to(ROOT)}")


def _save_base64(data, name):
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / name).write_bytes(base64.b64decode(data))
    print(f"wrote {(OUT / name).relative_to(ROOT)}")


def images():
    """Real and synthetic images of the rare digits, one pair of rows per class."""
    from ganaug import GANAugmenter
    from ganaug.images import read_image_folder
    from ganaug.plots import pyplot

    X, y, _ = read_image_folder(DIGITS)
    start = time.perf_counter()
    X_res, y_res = GANAugmenter(random_state=0).fit_resample(X, y)
    print(f"images: fit_resample on {len(X)} digits took {time.perf_counter() - start:.0f} s")
    X_new, y_new = X_res[len(X):], y_res[len(X):]
    rare = [c for c in np.unique(y_new)]
    per_row = 10
    plt = pyplot()
    fig, axes = plt.subplots(2 * len(rare), per_row, figsize=(per_row * 0.8, 2 * len(rare) * 0.9),
                             squeeze=False)
    for i, label in enumerate(rare):
        for row, (images_, kind) in enumerate([(X[y == label], "real"), (X_new[y_new == label], "synthetic")]):
            axes_row = axes[2 * i + row]
            for ax, img in zip(axes_row, images_[:per_row]):
                ax.imshow(img, cmap="gray_r", vmin=0, vmax=255, interpolation="nearest")
            for ax in axes_row:
                ax.set_xticks([])
                ax.set_yticks([])
                for side in ax.spines.values():
                    side.set_visible(False)
            axes_row[0].set_ylabel(f"{label} {kind}", rotation=0, ha="right", va="center", fontsize=9)
    fig.suptitle("sample_data/digits: real (8 per rare class) and synthetic images", fontsize=10)
    _save(fig, "images_preview.png")


def compare():
    """ganaug.compare on the penguins: one point per fold and arm."""
    from ganaug import compare as compare_arms
    from ganaug.comparison import METRICS
    from ganaug.plots import pyplot

    frame = pd.read_csv(PENGUINS)
    X, y = frame.drop(columns="species"), frame["species"]
    start = time.perf_counter()
    result = compare_arms(X, y, classifier="hgb", folds=5, repeats=1, random_state=0)
    print(f"compare: {time.perf_counter() - start:.0f} s")
    print(result)
    plt = pyplot()
    metrics = [m for m in ("macro_f1", "minority_recall") if m in METRICS]
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.6 * len(metrics), 3.2), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        result.plot_folds(metric, ax, fontsize=9)
    fig.suptitle("ganaug.compare on sample_data/penguins.csv (hgb, 5 folds)", fontsize=10)
    fig.tight_layout()
    _save(fig, "compare_penguins.png")


def tables():
    """Real vs synthetic Chinstrap rows: marginals and a PCA projection (ganaug.plots)."""
    from ganaug import GANAugmenter
    from ganaug.metrics import evaluate
    from ganaug.plots import marginal_figures, projection_figure

    frame = pd.read_csv(PENGUINS)
    X, y = frame.drop(columns="species"), frame["species"]
    start = time.perf_counter()
    X_res, y_res = GANAugmenter(random_state=0).fit_resample(X, y)
    print(f"tables: fit_resample took {time.perf_counter() - start:.1f} s")
    synth, synth_y = X_res.iloc[len(X):].reset_index(drop=True), np.asarray(y_res[len(X):])
    report = evaluate(X, y, synth, synth_y, random_state=0)
    categorical = report["categorical"]
    (_, marginals), *_ = marginal_figures(X, np.asarray(y), synth, synth_y, categorical, report)
    _save_base64(marginals, "penguins_marginals.png")
    _, projection = projection_figure(X, np.asarray(y), synth, synth_y, categorical)
    _save_base64(projection, "penguins_projection.png")


GROUPS = {"images": images, "compare": compare, "tables": tables}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(GROUPS), action="append",
                        help="make only this group of figures (repeatable)")
    args = parser.parse_args()
    for name in args.only or list(GROUPS):
        GROUPS[name]()


if __name__ == "__main__":
    main()
