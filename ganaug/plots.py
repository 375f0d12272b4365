"""Figures of real vs synthetic rows, as matplotlib figures or base64 PNG strings.

Used by :mod:`ganaug.report` for the HTML page: for tables, marginals per class,
correlation differences and a PCA projection; for images, sample grids, mean images
per class, synthetic images beside their nearest real ones and a PCA projection.
:func:`labelled_image_grid` draws the picture of ``ganaug preview``. matplotlib is
imported lazily, with the non-interactive Agg backend.
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
    "labelled_image_grid",
    "marginal_figures",
    "mean_image_figure",
    "nearest_real_figure",
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


def projection_figure(real, real_y, synth, synth_y, categorical, random_state=0, unit="rows"):
    """``(title, base64 PNG)`` of real and synthetic rows on the first two PCs of the real rows.

    ``unit`` ('rows' or 'images') names what the points are in the title.
    """
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
    ax.set_title(f"PCA of real (o) and synthetic (x) {unit}, fitted on real", fontsize=10)
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
            _show(ax, img)
        for ax in row:
            ax.axis("off")
        row[0].set_title(str(label), fontsize=8, loc="left")
    fig.suptitle(title, fontsize=10)
    return (title, png_base64(fig))


def _show(ax, img, vmax=None):
    """One image on ``ax``: grey for one channel, at its own value range (0-255 for uint8)."""
    img = np.asarray(img).squeeze()
    if vmax is None and img.dtype == np.uint8:
        vmax = 255
    if img.ndim == 2:
        ax.imshow(img, cmap="gray", vmin=0 if vmax is not None else None, vmax=vmax,
                  interpolation="nearest")
    else:
        shown = img.astype(np.float64) / (vmax or max(float(img.max()), 1e-12))
        ax.imshow(np.clip(shown, 0, 1), interpolation="nearest")


def mean_image_figure(real_images, real_y, synth_images, synth_y):
    """``(title, base64 PNG)``: per synthesized class, the mean real and mean synthetic image.

    A row per class: the mean of its real images, the mean of its synthetic images and
    their absolute difference (brighter = further apart), on the real images' scale.
    A class whose synthetic images sit elsewhere, or lack a part, shows it here.
    """
    plt = pyplot()
    real_images, synth_images = np.asarray(real_images), np.asarray(synth_images)
    real_y, synth_y = np.asarray(real_y), np.asarray(synth_y)
    classes = [c for c in pd.unique(synth_y) if (real_y == c).any()]
    vmax = 255.0 if real_images.dtype == np.uint8 else float(max(real_images.max(), 1e-12))
    fig, axes = plt.subplots(max(1, len(classes)), 3, figsize=(3 * 1.6, max(1, len(classes)) * 1.7),
                             squeeze=False)
    for row, label in zip(axes, classes):
        real_mean = real_images[real_y == label].astype(np.float64).mean(axis=0)
        synth_mean = synth_images[synth_y == label].astype(np.float64).mean(axis=0)
        for ax, img in zip(row, (real_mean, synth_mean, np.abs(real_mean - synth_mean))):
            _show(ax, img, vmax=vmax)
        row[0].set_ylabel(str(label), rotation=0, ha="right", va="center", fontsize=9)
    for ax, name in zip(axes[0], ("real mean", "synthetic mean", "|difference|")):
        ax.set_title(name, fontsize=8)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("Mean image per class", fontsize=10)
    fig.tight_layout()
    return ("Mean images", png_base64(fig))


def nearest_real_figure(real_images, real_y, synth_images, synth_y, per_class=6):
    """``(title, base64 PNG)``: synthetic images above the real image of their class nearest
    to each (Euclidean, on the pixels), with the distance.

    Per synthesized class, the first ``per_class`` synthetic images. A synthetic image
    that is its real neighbour again (distance near 0) is a copy; a warp of it shows
    as the same image moved.
    """
    from sklearn.neighbors import NearestNeighbors

    plt = pyplot()
    real_images, synth_images = np.asarray(real_images), np.asarray(synth_images)
    real_y, synth_y = np.asarray(real_y), np.asarray(synth_y)
    classes = [c for c in pd.unique(synth_y) if (real_y == c).any()]
    vmax = 255.0 if real_images.dtype == np.uint8 else None
    fig, axes = plt.subplots(2 * max(1, len(classes)), per_class,
                             figsize=(per_class * 1.1, max(1, len(classes)) * 2.5), squeeze=False)
    for i, label in enumerate(classes):
        real = real_images[real_y == label]
        synth = synth_images[synth_y == label][:per_class]
        dist, index = (NearestNeighbors(n_neighbors=1).fit(real.reshape(len(real), -1))
                       .kneighbors(synth.reshape(len(synth), -1).astype(np.float64)))
        top, bottom = axes[2 * i], axes[2 * i + 1]
        for j, (img, d, k) in enumerate(zip(synth, dist[:, 0], index[:, 0])):
            _show(top[j], img, vmax=vmax)
            _show(bottom[j], real[k], vmax=vmax)
            bottom[j].set_title(f"{d:.0f}", fontsize=7)
        top[0].set_ylabel(f"{label}\nsynthetic", rotation=0, ha="right", va="center", fontsize=8)
        bottom[0].set_ylabel("nearest\nreal", rotation=0, ha="right", va="center", fontsize=8)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ax.spines.values():
            side.set_visible(False)
    fig.suptitle("Synthetic images and the nearest real image of their class (distance above it)",
                 fontsize=10)
    fig.tight_layout()
    return ("Nearest real images", png_base64(fig))


def labelled_image_grid(rows, labels, *, scale=1, pad=2, font_size=None):
    """Tile ``rows`` of uint8 images into one uint8 picture, each row's class name at its start.

    The images are laid out by :func:`ganaug.images.image_grid` (white gaps of ``pad``
    pixels, then zoomed ``scale`` times); a white margin on the left holds each row's
    label, written with Pillow's own font (scalable, no font file needed), as large as
    the row allows, between 11 and 16 pixels.

    Parameters
    ----------
    rows : list of lists of uint8 arrays
        One list of images (h, w) or (h, w, c) per row, all the same size.
    labels : list
        One label per row; written as ``str(label)``, cut to 24 characters.
    scale, pad : int
        As for :func:`ganaug.images.image_grid`.
    font_size : int, optional
        Height of the text in pixels (default: from the row height, 11 to 16).

    Returns
    -------
    ndarray of uint8
        (height, width) for grey images, (height, width, 3) otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from ganaug.plots import labelled_image_grid
    >>> rows = [[np.zeros((8, 8), np.uint8)] * 3] * 2
    >>> grid = labelled_image_grid(rows, ["cat", "dog"], scale=4)
    >>> grid.shape[0], grid.shape[1] > 32 * 4
    (88, True)
    """
    from PIL import Image, ImageDraw, ImageFont

    from ganaug.images import image_grid

    if len(labels) != len(rows):
        raise ValueError(f"labels must hold one label per row ({len(rows)} rows). "
                         f"Got {len(labels)!r} labels instead.")
    grid = image_grid(rows, pad=pad, scale=scale)
    h = np.asarray(rows[0][0]).shape[0]
    row_height = (h + pad) * scale
    size = font_size or int(np.clip(row_height * 0.45, 11, 16))
    font = ImageFont.load_default(size=size)
    texts = [str(label)[:24] for label in labels]
    width = max(int(np.ceil(font.getlength(t))) for t in texts) + 2 * size // 2 + pad * scale
    canvas = Image.new("L" if grid.ndim == 2 else "RGB", (width + grid.shape[1], grid.shape[0]),
                       255 if grid.ndim == 2 else (255, 255, 255))
    canvas.paste(Image.fromarray(grid), (width, 0))
    draw = ImageDraw.Draw(canvas)
    for r, text in enumerate(texts):
        middle = (pad + r * (h + pad)) * scale + h * scale / 2
        draw.text((size // 2, middle), text, fill=0 if grid.ndim == 2 else (0, 0, 0), font=font,
                  anchor="lm")
    return np.asarray(canvas)
