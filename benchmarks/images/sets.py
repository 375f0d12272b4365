"""Image sets for the image benchmarks, made in code from data that ships with scikit-learn.

Nothing is downloaded: every set is built from ``sklearn.datasets.load_digits``
(1,797 8x8 grayscale digits, values 0..16) and, for ``photo16``, the two photos of
``sklearn.datasets.load_sample_images`` (china.jpg and flower.jpg), deterministically.

- ``digits8``: the digits as they are, scaled to uint8 (``round(v * 255 / 16)``),
  shape ``(1797, 8, 8)``;
- ``digits28``: the same digits upscaled to 28x28 (bicubic, Pillow), the size of
  MNIST, shape ``(1797, 28, 28)``;
- ``colour32``: an RGB set, shape ``(1797, 32, 32, 3)``: each digit upscaled to
  24x24, placed on a 32x32 canvas at a random offset of up to 2 pixels from the
  centre, painted with a random bright foreground colour on a random dark
  background colour, with a little pixel noise. The class is the digit's shape;
  colour and position say nothing about it.

- ``photo16``: an RGB set, shape ``(1797, 16, 16, 3)``: each digit upscaled to
  16x16 is the mask of a bright foreground of a random hue, laid over a random
  16x16 patch of one of the two photos (shrunk to a quarter, darkened to 40%).
  The class is the digit's shape; the colours and the photo texture say nothing
  about it. Small enough for the GAN to train in minutes on 2 CPU cores.

``make_set(name, seed=0)`` returns ``(X, y)``; ``seed`` only matters for
``colour32`` and ``photo16`` (colours, offsets, patches, noise).
"""

from __future__ import annotations

import numpy as np

SETS = ("digits8", "digits28", "photo16", "colour32")


def _digits():
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = np.rint(digits.images * 255.0 / 16.0).astype(np.uint8)
    return images, digits.target.astype(np.int64)


def resize(images, side):
    from PIL import Image

    return np.stack(
        [
            np.asarray(Image.fromarray(img).resize((side, side), Image.Resampling.BICUBIC))
            for img in images
        ]
    )


def _hsv_to_rgb(h, s, v):
    import colorsys

    return np.array([colorsys.hsv_to_rgb(a, b, c) for a, b, c in zip(h, s, v)])


def make_set(name, seed=0):
    """One of :data:`SETS` as ``(X, y)``: X uint8 images, y int class labels 0..9."""
    images, y = _digits()
    if name == "digits8":
        return images, y
    if name == "digits28":
        return resize(images, 28), y
    if name == "colour32":
        rng = np.random.default_rng(seed)
        n = len(images)
        shape = resize(images, 24).astype(np.float64) / 255.0  # (n, 24, 24) in [0, 1]
        canvas = np.zeros((n, 32, 32), np.float64)
        dy, dx = rng.integers(2, 7, n), rng.integers(2, 7, n)
        for i in range(n):
            canvas[i, dy[i] : dy[i] + 24, dx[i] : dx[i] + 24] = shape[i]
        fg = _hsv_to_rgb(rng.random(n), rng.uniform(0.5, 1.0, n), rng.uniform(0.8, 1.0, n))
        bg = _hsv_to_rgb(rng.random(n), rng.uniform(0.3, 1.0, n), rng.uniform(0.0, 0.35, n))
        alpha = np.clip(canvas, 0.0, 1.0)[..., None]
        rgb = bg[:, None, None, :] * (1.0 - alpha) + fg[:, None, None, :] * alpha
        rgb += rng.normal(0.0, 0.03, rgb.shape)
        return np.clip(np.rint(rgb * 255.0), 0, 255).astype(np.uint8), y
    if name == "photo16":
        return _photo16(images, rng=np.random.default_rng(seed)), y
    raise ValueError(f"name must be one of {SETS}. Got {name!r} instead.")


def _photo16(images, rng):
    from PIL import Image
    from sklearn.datasets import load_sample_images

    photos = [
        np.asarray(Image.fromarray(p).resize((p.shape[1] // 4, p.shape[0] // 4), Image.Resampling.BOX))
        for p in load_sample_images().images
    ]
    n = len(images)
    alpha = (resize(images, 16).astype(np.float64) / 255.0)[..., None]
    which = rng.integers(0, len(photos), n)
    back = np.empty((n, 16, 16, 3), np.float64)
    for i in range(n):
        photo = photos[which[i]]
        top, left = rng.integers(0, photo.shape[0] - 16), rng.integers(0, photo.shape[1] - 16)
        back[i] = 0.4 * photo[top : top + 16, left : left + 16] / 255.0
    fore = _hsv_to_rgb(rng.random(n), rng.uniform(0.3, 0.8, n), rng.uniform(0.9, 1.0, n))
    rgb = back * (1.0 - alpha) + fore[:, None, None, :] * alpha
    return np.clip(np.rint(rgb * 255.0), 0, 255).astype(np.uint8)


def cut_classes(y, ratio, minority, rng, *, min_rows=6):
    """Positions of the rows to keep: each class in ``minority`` cut to a ``ratio``-th
    of the largest class (at least ``min_rows``), the other classes kept whole."""
    import math

    y = np.asarray(y)
    counts = {c: int((y == c).sum()) for c in np.unique(y)}
    cap = max(int(min_rows), math.ceil(max(counts.values()) / ratio))
    keep = []
    for c in counts:
        rows = np.flatnonzero(y == c)
        if c in minority and len(rows) > cap:
            rows = rng.choice(rows, size=cap, replace=False)
        keep.append(rows)
    return np.sort(np.concatenate(keep))
