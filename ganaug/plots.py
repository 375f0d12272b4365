"""Figures of real vs synthetic rows, as matplotlib figures or base64 PNG strings.

Used by :mod:`ganaug.report` for the HTML page: marginals per class, correlation
differences, a PCA projection and image sample grids. matplotlib is imported
lazily, with the non-interactive Agg backend.
"""

from __future__ import annotations

import base64
import io
import math

import numpy as np
import pandas as pd

from ganaug.metrics import _correlation_matrix, _preprocessor

__all__ = [
    "correlation_figure",
    "image_grid_figure",
    "marginal_figures",
    "png_base64",
    "projection_figure",
    "pyplot",
]


def png_base64(fig):
    """Render ``fig`` as PNG (80 dpi), close it, and return the bytes as base64 text."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def pyplot():
    """``matplotlib.pyplot``, on the non-interactive Agg backend unless one is already chosen."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def marginal_figures(real, real_y, synth, synth_y, categorical, report, max_columns=12):
    """One figure per synthesized class: real vs synthetic histogram or bar chart per column.

    ``real`` and ``synth`` are DataFrames with the same columns; ``report`` is the
    :func:`ganaug.metrics.evaluate` report whose per-column scores title each panel.
    With more than ``max_columns`` columns, the worst scored are shown.
    Returns a list of ``(title, base64 PNG)``.
    """
    plt = pyplot()
    figures = []
    for label in pd.unique(synth_y):
        r, s = real[real_y == label], synth[synth_y == label]
        if len(r) == 0:
            continue
        scores = report["per_column"].get(str(label))
        columns = list(real.columns)
        if scores is not None and len(columns) > max_columns:
            columns = list(scores.sort_values().index[:max_columns])  # worst first
        ncols = min(4, len(columns))
        nrows = math.ceil(len(columns) / ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 2.4 * nrows), squeeze=False)
        for ax, col in zip(axes.flat, columns):
            if col in categorical:
                p = r[col].astype(object).fillna("<missing>").astype(str).value_counts(normalize=True)
                q = s[col].astype(object).fillna("<missing>").astype(str).value_counts(normalize=True)
                p, q = p.align(q, fill_value=0.0)
                x = np.arange(len(p))
                ax.bar(x - 0.2, p.to_numpy(), 0.4, label="real")
                ax.bar(x + 0.2, q.to_numpy(), 0.4, label="synthetic")
                ax.set_xticks(x, [str(v)[:10] for v in p.index], rotation=30, fontsize=7)
            else:
                a = pd.to_numeric(r[col], errors="coerce").dropna()
                b = pd.to_numeric(s[col], errors="coerce").dropna()
                both = pd.concat([a, b])
                bins = np.histogram_bin_edges(both, bins=20) if len(both) else 10
                ax.hist(a, bins=bins, density=True, alpha=0.5, label="real")
                ax.hist(b, bins=bins, density=True, alpha=0.5, label="synthetic")
            score = scores.get(col, np.nan) if scores is not None else np.nan
            ax.set_title(f"{str(col)[:24]} ({score:.2f})", fontsize=8)
            ax.tick_params(labelsize=7)
        for ax in list(axes.flat)[len(columns):]:
            ax.axis("off")
        axes.flat[0].legend(fontsize=7)
        fig.suptitle(f"Class {label}: real vs synthetic marginals (score in brackets)", fontsize=10)
        fig.tight_layout()
        figures.append((f"Marginals, class {label}", png_base64(fig)))
    return figures


def correlation_figure(real, synth, categorical):
    """``(title, base64 PNG)`` of |real - synthetic| Pearson correlations (one-hot categoricals)."""
    plt = pyplot()
    a, b = _correlation_matrix(real, synth, categorical)
    diff = (a - b).abs()
    fig, ax = plt.subplots(figsize=(min(1 + 0.35 * len(diff), 12),) * 2)
    im = ax.imshow(diff.to_numpy(dtype=float), vmin=0, vmax=1, cmap="Reds")
    labels = [str(n).split("__", 1)[-1][:18] for n in diff.columns]
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    fig.colorbar(im, ax=ax, shrink=0.7, label="|corr real - corr synthetic|")
    ax.set_title("Correlation differences (synthesized classes, synthetic class mix)", fontsize=10)
    return ("Correlation differences", png_base64(fig))


def projection_figure(real, real_y, synth, synth_y, categorical, random_state=0):
    """``(title, base64 PNG)`` of real and synthetic rows on the first two PCs of the real rows."""
    from sklearn.decomposition import PCA

    plt = pyplot()
    numeric = [c for c in real.columns if c not in categorical]
    pre = _preprocessor(categorical, numeric).fit(real)
    R, S = pre.transform(real), pre.transform(synth)
    n_comp = min(2, R.shape[1], len(R))
    pca = PCA(n_components=n_comp, random_state=random_state).fit(R)
    R2, S2 = pca.transform(R), pca.transform(S)
    if n_comp == 1:
        R2, S2 = np.c_[R2, np.zeros(len(R2))], np.c_[S2, np.zeros(len(S2))]
    fig, ax = plt.subplots(figsize=(6, 5))
    labels = sorted(set(pd.unique(real_y)) | set(pd.unique(synth_y)), key=str)
    colors = plt.get_cmap("tab10")
    for i, label in enumerate(labels):
        m = real_y == label
        ax.scatter(R2[m, 0], R2[m, 1], s=14, color=colors(i % 10), marker="o", alpha=0.6,
                   label=f"real {label}")
        m = synth_y == label
        if m.any():
            ax.scatter(S2[m, 0], S2[m, 1], s=18, color=colors(i % 10), marker="x", alpha=0.8,
                       label=f"synthetic {label}")
    ax.set_xlabel("PC 1")
    ax.set_ylabel("PC 2")
    ax.legend(fontsize=7, ncol=2)
    ax.set_title("PCA of real (o) and synthetic (x) rows, fitted on real", fontsize=10)
    return ("PCA projection", png_base64(fig))


def image_grid_figure(images, labels, title, max_per_class=8):
    """``(title, base64 PNG)``: a row of up to ``max_per_class`` images per label."""
    plt = pyplot()
    images = np.asarray(images)
    labels = np.asarray(labels)
    classes = list(pd.unique(labels))
    fig, axes = plt.subplots(len(classes), max_per_class,
                             figsize=(max_per_class * 1.1, len(classes) * 1.2), squeeze=False)
    for row, label in zip(axes, classes):
        picks = images[labels == label][:max_per_class]
        for ax, img in zip(row, picks):
            ax.imshow(img.squeeze(), cmap="gray" if img.squeeze().ndim == 2 else None)
        for ax in row:
            ax.axis("off")
        row[0].set_title(str(label), fontsize=8, loc="left")
    fig.suptitle(title, fontsize=10)
    return (title, png_base64(fig))
