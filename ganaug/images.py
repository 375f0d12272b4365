"""Image arrays and class folders <-> GAN space, and image-quality scores.

Four concerns live here, all for images:

- :class:`ImageEncoder` maps an image array of shape ``(n, H, W)`` or
  ``(n, H, W, C)`` (uint8 or float) to the generator's space (float32 in
  ``[-1, 1]``, channels last, padded to a size the convolutional networks want) and
  back to the same shape and dtype;
- :func:`read_image_folder` and :func:`write_images` read and write a folder with
  one subfolder per class (the layout of ``keras.utils.image_dataset_from_directory``),
  with errors that name the file and writes that never leave a partial PNG;
- :func:`build_image_gan` (the conditional image GAN, whose generator warps a real
  image of the class, and its settings, :data:`IMAGE_GAN`), :class:`ImageJudge` with
  :func:`check_labels`, the label check of generated images
  (``GANAugmenter(filter_labels=True)``), and :class:`PixelMap`, which gives
  generated images the real images' distribution of pixel values;
- :class:`FeatureExtractor` and :func:`image_quality`: FID, KID and
  precision/recall computed on the features of a small CNN trained on the real
  images themselves, so nothing is downloaded. Scores are comparable only between
  runs that use the same extractor (same training images, same seed).

TensorFlow and Pillow are imported inside the functions that need them.
"""

from __future__ import annotations

import math
from numbers import Integral
from pathlib import Path

import numpy as np

from ganaug._labels import plain

__all__ = [
    "IMAGE_GAN",
    "IMAGE_SUFFIXES",
    "FeatureExtractor",
    "ImageEncoder",
    "ImageJudge",
    "PixelMap",
    "augment_options",
    "build_image_gan",
    "check_labels",
    "choose_working_shape",
    "frechet_distance",
    "image_grid",
    "image_quality",
    "is_image_array",
    "kernel_distance",
    "parse_size",
    "precision_recall",
    "read_image_folder",
    "write_images",
]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")
MIN_SIDE, MAX_SIDE = 8, 128
# Working sizes (the shorter side) tried, smallest first, by ImageEncoder(working_size="auto"),
# and the share of the pixels' variance a downscale/upscale round trip may lose there.
WORKING_SIDES = (8, 16, 32)
ROUNDTRIP_ERROR = 0.05
_ROUNDTRIP_IMAGES = 1000  # images the round trip is measured on (evenly spaced)
# The blur (pixels, at the image's own size) that splits an image into the shape a warp
# moves smoothly and the grain it moves to the nearest pixel (ImageEncoder.warp_full_size).
GRAIN_SIGMA = 1.0


def is_image_array(X):
    """True for a numeric NumPy array of shape (n, H, W) or (n, H, W, C), C in 1, 3, 4."""
    if not isinstance(X, np.ndarray) or X.ndim not in (3, 4):
        return False
    return X.dtype.kind in "uif"


def _canvas_layout(height, width):
    """Number of stride-2 stages and the padded canvas ``(H', W')`` for an image size.

    The generator starts from a small grid and doubles it at each stage, so the
    canvas is the image size rounded up to a multiple of ``2**stages``: two stages
    up to 32 pixels (an 8x8 digit is not padded: it grows from 2x2, a 28x28 one
    from 7x7), three up to 64, four above.
    """
    side = min(height, width)
    stages = 2 if side <= 32 else 3 if side <= 64 else 4
    step = 2**stages
    canvas = tuple(step * math.ceil(s / step) for s in (height, width))
    return stages, canvas


def _scaled_shape(height, width, side):
    """``(h, w)`` with the shorter side ``side`` and the aspect ratio kept; the input
    size itself when ``side`` is not smaller than its shorter side."""
    short = min(height, width)
    if side >= short:
        return (height, width)
    return tuple(max(MIN_SIDE, int(round(s * side / short))) for s in (height, width))


def resize_images(Z, shape, method):
    """``(n, h, w, c)`` float32 images resized to ``shape`` (``tf.image.resize``)."""
    import tensorflow as tf

    if tuple(Z.shape[1:3]) == tuple(shape):
        return Z
    return np.asarray(tf.image.resize(Z, tuple(shape), method=method), dtype=np.float32)


# Downscaling averages each output pixel's area (no aliasing); upscaling is Lanczos
# (3 lobes). A CNN trained on the real 28x28 digits of the benchmark classifies 95.2%
# of them right after a round trip through 8x8 with Lanczos, 93.5% with bicubic, 90.1%
# with Mitchell-Netravali (97.3% of the originals); on photo16 99.3% / 99.0% / 98.5%.
DOWN, UP = "area", "lanczos3"


def roundtrip_error(Z, shape):
    """The share of the pixels' variance that a round trip to ``shape`` and back loses:
    mean squared error of ``upscale(downscale(Z))`` over the variance of ``Z``."""
    back = np.clip(resize_images(resize_images(Z, shape, DOWN), Z.shape[1:3], UP), -1.0, 1.0)
    var = float(Z.var())
    return float(((back - Z) ** 2).mean()) / var if var > 0 else 0.0


def _evenly_spaced(X, n=_ROUNDTRIP_IMAGES):
    """At most ``n`` of the images ``X``, evenly spaced through the set."""
    if len(X) <= n:
        return X
    return X[np.linspace(0, len(X) - 1, n).round().astype(int)]


def choose_working_shape(Z, max_error=ROUNDTRIP_ERROR, sides=WORKING_SIDES):
    """The smallest working size at which images ``Z`` (float, ``(n, h, w, c)``)
    survive a downscale/upscale round trip.

    Tries shorter sides of ``sides`` below the images' own, smallest first, and
    returns the first ``(h, w)`` whose :func:`roundtrip_error` is at most
    ``max_error``; else the images' own size. The error is measured on at most
    1,000 images, evenly spaced.
    """
    height, width = Z.shape[1:3]
    Z = _evenly_spaced(Z)
    for side in sorted(sides):
        shape = _scaled_shape(height, width, side)
        if shape == (height, width):
            break
        if roundtrip_error(Z, shape) <= max_error:
            return shape
    return (height, width)


class ImageEncoder:
    """Map image arrays to GAN space (float32 in [-1, 1], padded) and back.

    Parameters
    ----------
    value_range : (float, float) or None, default=None
        The pixel values that map to -1 and 1. None infers it at fit: (0, 255) for
        integer images, (0, 1) for float images within [0, 1], else the data's
        minimum and maximum.
    working_size : 'auto', int or None, default=None
        The size the networks work at, as its shorter side (the aspect ratio is
        kept). None: the images' own size. An int: that side, or the images' own
        size if it is not smaller. 'auto': chosen at fit from the data by
        :func:`choose_working_shape`, the smallest of 8, 16 and 32 at which a
        downscale/upscale round trip loses at most 5% of the pixels' variance
        (digits upscaled from 8x8 to 28x28 work at 8x8). Images are downscaled
        (area averaging) by :meth:`transform` and upscaled back (Lanczos) by
        :meth:`inverse_transform`.

    Attributes
    ----------
    image_shape_ : tuple of int
        ``(H, W)`` or ``(H, W, C)``, the shape of one input image.
    dtype_ : numpy.dtype
        The input dtype, restored on decode.
    value_range_ : (float, float)
    working_shape_ : (int, int)
        ``(h, w)``: the size the images are resized to for the networks.
    stages_ : int
        Number of stride-2 stages of the convolutional networks.
    canvas_shape_ : tuple of int
        ``(H', W', C)``: the padded working-size image the networks see.

    Examples
    --------
    >>> import numpy as np
    >>> from ganaug.images import ImageEncoder
    >>> X = np.random.default_rng(0).integers(0, 256, (4, 8, 8), dtype=np.uint8)
    >>> enc = ImageEncoder().fit(X)
    >>> enc.canvas_shape_
    (8, 8, 1)
    >>> bool((enc.inverse_transform(enc.transform(X)) == X).all())
    True
    """

    def __init__(self, value_range=None, working_size=None):
        self.value_range = value_range
        self.working_size = working_size

    def fit(self, X):
        X = np.asarray(X)
        if not is_image_array(X):
            raise ValueError(
                "X must be an image array of shape (n, H, W) or (n, H, W, C) with a "
                f"numeric dtype. Got shape {X.shape!r} and dtype {str(X.dtype)!r} instead."
            )
        height, width = X.shape[1:3]
        channels = X.shape[3] if X.ndim == 4 else 1
        if not (MIN_SIDE <= height <= MAX_SIDE and MIN_SIDE <= width <= MAX_SIDE):
            raise ValueError(
                f"Images must be between {MIN_SIDE} and {MAX_SIDE} pixels high and wide. "
                f"Got {height}x{width} instead."
            )
        if channels not in (1, 3, 4):
            raise ValueError(
                f"Images must have 1 (grayscale), 3 (RGB) or 4 (RGBA) channels. "
                f"Got {channels!r} instead."
            )
        if X.dtype.kind == "f" and not np.isfinite(X).all():
            raise ValueError("X holds NaN or infinite pixel values; images must be finite.")
        self.image_shape_ = tuple(int(s) for s in X.shape[1:])
        self.dtype_ = X.dtype
        self.value_range_ = self._infer_range(X)
        self.working_shape_ = self._working_shape(X)
        self.stages_, (h, w) = _canvas_layout(*self.working_shape_)
        self.canvas_shape_ = (h, w, int(channels))
        return self

    def _working_shape(self, X):
        size, (height, width) = self.working_size, self.image_shape_[:2]
        if size is None:
            return (height, width)
        if isinstance(size, str) and size == "auto":
            # scale only the images the round trip is measured on
            return choose_working_shape(self.scaled(_evenly_spaced(X)))
        if isinstance(size, bool) or not isinstance(size, Integral) or not MIN_SIDE <= size <= MAX_SIDE:
            raise ValueError(
                f"working_size must be 'auto', None or an integer from {MIN_SIDE} to {MAX_SIDE}. "
                f"Got {size!r} instead."
            )
        return _scaled_shape(height, width, int(size))

    def _infer_range(self, X):
        if self.value_range is not None:
            lo, hi = (float(v) for v in self.value_range)
        elif X.dtype.kind in "ui":
            info = np.iinfo(X.dtype)
            lo, hi = (0.0, 255.0) if X.dtype == np.uint8 else (float(X.min()), float(X.max()))
            lo, hi = max(lo, info.min), min(hi, info.max)
        elif X.min() >= 0 and X.max() <= 1:
            lo, hi = 0.0, 1.0
        else:
            lo, hi = float(X.min()), float(X.max())
        if not hi > lo:
            hi = lo + 1.0
        return (lo, hi)

    def _check_shape(self, X):
        if tuple(X.shape[1:]) != self.image_shape_:
            raise ValueError(
                f"Images must have the shape seen in fit, {self.image_shape_!r}. "
                f"Got {tuple(X.shape[1:])!r} instead."
            )

    def scaled(self, X):
        """Images -> float32 ``(n, H, W, C)`` in [-1, 1], at their own size."""
        lo, hi = self.value_range_
        out = (X.astype(np.float32) - lo) / (hi - lo) * 2.0 - 1.0
        out = np.clip(out, -1.0, 1.0)
        return out[..., None] if out.ndim == 3 else out

    def transform(self, X):
        """Images -> float32 array of shape ``(n, *canvas_shape_)`` in [-1, 1], at the
        working size."""
        X = np.asarray(X)
        self._check_shape(X)
        out = resize_images(self.scaled(X), self.working_shape_, DOWN)
        h, w = self.working_shape_
        ph, pw = self.canvas_shape_[0] - h, self.canvas_shape_[1] - w
        if ph or pw:
            pad = ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0))
            out = np.pad(out, pad, mode="edge")
        return out.astype(np.float32, copy=False)

    def upscaled(self, Z):
        """GAN-space array -> float32 ``(n, H, W, C)`` in the scale of :meth:`scaled`, at
        the input size (crop, upscale)."""
        Z = np.asarray(Z, dtype=np.float32)
        h, w = self.working_shape_
        top = (self.canvas_shape_[0] - h) // 2
        left = (self.canvas_shape_[1] - w) // 2
        return resize_images(Z[:, top : top + h, left : left + w, :], self.image_shape_[:2], UP)

    def inverse_transform(self, Z, pixel_map=None):
        """GAN-space array -> images of the input shape and dtype (crop, upscale to the
        input size, rescale, round); ``pixel_map`` (a :class:`PixelMap`) maps the pixel
        values after the upscaling."""
        Z = self.upscaled(Z)
        if pixel_map is not None:
            Z = pixel_map.transform(Z)
        return self.from_scaled(Z)

    def from_scaled(self, Z):
        """Float images ``(n, H, W, C)`` in the scale of :meth:`scaled` -> images of the
        input shape and dtype (rescale, round)."""
        if len(self.image_shape_) == 2:
            Z = Z[..., 0]
        lo, hi = self.value_range_
        X = (np.clip(Z, -1.0, 1.0) + 1.0) / 2.0 * (hi - lo) + lo
        if self.dtype_.kind in "ui":
            info = np.iinfo(self.dtype_)
            X = np.clip(np.rint(X), info.min, info.max)
        return X.astype(self.dtype_)

    def warp(self, Z, flows, chunk=1024):
        """GAN-space images ``Z`` moved along displacement fields ``flows`` (``(n, H',
        W', 2)``, in canvas pixels; :class:`ganaug.networks.FlowWarp`)."""
        from ganaug.networks import FlowWarp

        layer, out = FlowWarp(), np.empty_like(Z)
        for start in range(0, len(Z), chunk):
            z, f = Z[start : start + chunk], flows[start : start + chunk]
            out[start : start + chunk] = np.asarray(layer([z, f, np.zeros_like(z)]))
        return out

    def warp_full_size(self, X, flows, chunk=256, grain=GRAIN_SIGMA):
        """Images ``X`` (input shape and dtype) moved along ``flows`` (canvas pixels, as
        the generator draws them at the working size), at their own size: the working
        area of each field is resized to the image and its displacements scaled to
        match.

        Small images (under 32 pixels on the shorter side) are warped at a multiple of
        their size (at least 32 pixels; each pixel a block of that many) and averaged
        back down: each pixel becomes the mean of the source area its moved footprint
        covers. Their pixels are their shape (a stroke is a pixel or two wide), so
        nothing of them is set apart. Larger images are split into their shape (a
        Gaussian blur of ``grain`` pixels), moved bilinearly, and their grain (the
        rest: pixel noise, fine texture), moved by the same field to the nearest pixel,
        so that it keeps its strength: a smooth resampling would average the pixel
        noise away, and a classifier could learn that smoothness as the sign of the
        classes that got new images (``benchmarks/warp_texture.py``). ``grain=0``
        moves the whole image bilinearly. No move gives back the image itself. Returns
        images of the input shape and dtype."""
        from scipy import ndimage

        height, width = self.image_shape_[:2]
        h, w = self.working_shape_
        top, left = (self.canvas_shape_[0] - h) // 2, (self.canvas_shape_[1] - w) // 2
        k = max(1, min(4, math.ceil(32 / min(height, width))))
        big, grain = (height * k, width * k), grain if k == 1 else 0.0
        rows, cols = np.arange(height)[None, :, None], np.arange(width)[None, None, :]
        out = np.empty((len(X), height, width, self.canvas_shape_[2]), np.float32)
        for start in range(0, len(X), chunk):
            f = flows[start : start + chunk, top : top + h, left : left + w, :]
            S = self.scaled(X[start : start + chunk])
            shape = ndimage.gaussian_filter(S, (0, grain, grain, 0), mode="nearest") if grain else S
            fine = resize_images(f, big, "bilinear") * np.array([big[0] / h, big[1] / w], np.float32)
            moved = self.warp(resize_images(shape, big, "nearest"), fine.astype(np.float32))
            out[start : start + chunk] = resize_images(moved, (height, width), DOWN)
            if grain:
                coarse = resize_images(f, (height, width), "bilinear") * np.array([height / h, width / w], np.float32)
                # the nearest pixel, halves rounded up alike (np.rint's round-half-to-even
                # would move every other pixel of a half-pixel shift and double its neighbour)
                y = np.clip(np.floor(rows + coarse[..., 0] + 0.5), 0, height - 1).astype(np.intp)
                x = np.clip(np.floor(cols + coarse[..., 1] + 0.5), 0, width - 1).astype(np.intp)
                n = np.arange(len(S))[:, None, None]
                out[start : start + chunk] += (S - shape)[n, y, x]
        return self.from_scaled(out)

    def get_state(self):
        """The fitted state as plain JSON-safe values (for :mod:`ganaug.persistence`)."""
        return {
            "value_range": None if self.value_range is None else list(self.value_range),
            "working_size": self.working_size,
            "working_shape": list(self.working_shape_),
            "image_shape": list(self.image_shape_),
            "dtype": self.dtype_.str,
            "fitted_range": list(self.value_range_),
            "stages": self.stages_,
            "canvas_shape": list(self.canvas_shape_),
        }

    @classmethod
    def from_state(cls, state):
        enc = cls(state["value_range"], state.get("working_size"))
        enc.image_shape_ = tuple(int(s) for s in state["image_shape"])
        # files written before working sizes existed: the networks saw the input size
        enc.working_shape_ = tuple(int(s) for s in state.get("working_shape", enc.image_shape_[:2]))
        enc.dtype_ = np.dtype(state["dtype"])
        enc.value_range_ = tuple(float(v) for v in state["fitted_range"])
        enc.stages_ = int(state["stages"])
        enc.canvas_shape_ = tuple(int(s) for s in state["canvas_shape"])
        return enc


class PixelMap:
    """A monotone map of pixel values, per channel, that gives generated images the
    real images' distribution of pixel values (histogram matching): a generated value
    at quantile q of the generated images' values becomes the real images' quantile q.

    GAN outputs are smooth where real images have exact values (a digit's background
    is exactly 0; scanned digits have 17 grey levels); a classifier can learn such
    differences as a sign of the synthetic class. Fitted, per channel, on the scaled
    pixels of real and of generated images (class-balanced); only ``QUANTILES``
    quantiles of each are kept.
    """

    QUANTILES = 257

    def fit(self, real, fake):
        """``real``, ``fake``: float arrays ``(n, H, W, C)`` in [-1, 1]."""
        q = np.linspace(0.0, 1.0, self.QUANTILES)
        channels = real.shape[-1]
        self.real_ = np.stack([np.quantile(real[..., c], q) for c in range(channels)]).astype(np.float64)
        self.fake_ = np.stack([np.quantile(fake[..., c], q) for c in range(channels)]).astype(np.float64)
        return self

    def transform(self, Z):
        out = np.empty_like(Z)
        for c in range(Z.shape[-1]):
            # ties among generated quantiles (flat regions) map to the middle of the real ones
            fake, idx = np.unique(self.fake_[c], return_index=True)
            counts = np.diff(np.append(idx, len(self.fake_[c])))
            real = np.array([self.real_[c][i : i + n].mean() for i, n in zip(idx, counts)])
            out[..., c] = np.interp(Z[..., c], fake, real)
        return out

    def get_state(self):
        return {"real": self.real_.tolist(), "fake": self.fake_.tolist()}

    @classmethod
    def from_state(cls, state):
        pixel_map = cls()
        pixel_map.real_ = np.asarray(state["real"], dtype=np.float64)
        pixel_map.fake_ = np.asarray(state["fake"], dtype=np.float64)
        return pixel_map


# ------------------------------------------------------------------- the GAN
# How the image GAN trains, beside the estimator's parameters (whose image 'auto'
# values are augmenter.IMAGE_DEFAULTS). Measured choices; see the README's image
# section for what each bought and what was tried and dropped.
IMAGE_GAN = {
    "loss": "hinge",  # used when GANAugmenter's loss is left at 'minimax'
    "diversity_weight": 0.02,  # mode-seeking term in the generator's loss
    "edit": True,  # the generator moves a real image of the class (an affine warp)
    # the warp's reach: its matrix within 2x this of the identity, its shift within
    # this share of the side
    "warp": 0.1,
    "source_dropout": 0.5,  # share of edits from no source: how a loaded model samples
    "ema_decay": 0.999,
    # DiffAugment, as shares of the image's own size. No translation for a generator
    # that moves real images: its moves include shifts, and a discriminator shown
    # real images shifted at random cannot tell a shifted warp from them, so which
    # way a fit moved its images (slant or shift and height) came down to the seed
    "translation": 0.125,
    "edit_translation": 0.0,
    "cutout": 0.5,
    "brightness": 0.5,
    "contrast": 0.5,
    "fill": "edge",  # shifted-in pixels and cutouts take the background's value
}


def augment_options(encoder, edit=False):
    """DiffAugment sizes relative to the (working-size) image, not the padded canvas;
    ``edit``: for a generator that moves real images (no translation)."""
    ratio = min(s / c for s, c in zip(encoder.working_shape_, encoder.canvas_shape_))
    translation = IMAGE_GAN["edit_translation" if edit else "translation"]
    return {
        "translation": translation * ratio, "cutout": IMAGE_GAN["cutout"] * ratio,
        "brightness": IMAGE_GAN["brightness"], "contrast": IMAGE_GAN["contrast"],
        "fill": IMAGE_GAN["fill"],
    }


def build_image_gan(encoder, n_classes, latent_dim, filters, loss, seeds):
    """The conditional image GAN for images shaped like ``encoder``'s.

    Parameters
    ----------
    encoder : ImageEncoder
        Fitted; gives the canvas and the number of stages.
    n_classes, latent_dim : int
    filters : (int, int)
        Channels of the last stage of the generator and of the first of the
        discriminator.
    loss : str
        The estimator's ``loss``: 'minimax' trains with ``IMAGE_GAN["loss"]``,
        another value is used as it is.
    seeds : iterator of int

    Returns
    -------
    ganaug.gan.ConditionalGAN
    """
    from ganaug import networks
    from ganaug.gan import ConditionalGAN

    canvas, stages = encoder.canvas_shape_, encoder.stages_
    edit = IMAGE_GAN["edit"] and loss != "wgan-gp"
    generator = networks.build_conv_generator(
        latent_dim, n_classes, canvas, stages, filters[0], seeds=seeds, source=edit, warp=IMAGE_GAN["warp"]
    )
    discriminator = networks.build_conv_discriminator(canvas, n_classes, stages, filters[1], seeds=seeds)
    return ConditionalGAN(
        generator, discriminator, latent_dim,
        loss=IMAGE_GAN["loss"] if loss == "minimax" else loss, seed=next(seeds),
        augment=augment_options(encoder, edit), ema_decay=IMAGE_GAN["ema_decay"],
        diversity_weight=IMAGE_GAN["diversity_weight"],
        edit=edit, source_dropout=IMAGE_GAN["source_dropout"] if edit else 0.0,
    )


class ImageJudge:
    """The label check of generated images: a small CNN trained on the real images.

    Three 3x3 convolutions (16, 32 and 64 channels; the last two with stride 2),
    global average pooling and a linear layer give class logits. It is trained on
    the real training images in GAN space, on class-balanced batches, with random
    shifts of up to an eighth of the image (so that it judges shapes, not places),
    for a fixed number of steps. Its weights are kept as plain numbers
    (:meth:`get_state`), so that a saved model checks labels as the fitted one did.

    Parameters
    ----------
    steps : int, default=300
    batch_size : int, default=64
    random_state : int, default=0

    Examples
    --------
    >>> import numpy as np
    >>> from ganaug.images import ImageJudge
    >>> Z = np.random.default_rng(0).uniform(-1, 1, (40, 8, 8, 1)).astype("float32")
    >>> y = np.repeat([0, 1], 20)
    >>> ImageJudge(steps=2).fit(Z, y, 2).predict_proba(Z).shape  # doctest: +SKIP
    (40, 2)
    """

    FILTERS = (16, 32, 64)

    def __init__(self, steps=300, batch_size=64, random_state=0):
        self.steps = steps
        self.batch_size = batch_size
        self.random_state = random_state

    def _model(self, input_shape, n_classes, seed, training=False):
        import keras
        from keras import layers

        init = lambda k: keras.initializers.GlorotUniform(seed=seed + k)  # noqa: E731
        inputs = keras.Input(input_shape)
        h = inputs
        if training:
            h = layers.RandomTranslation(0.125, 0.125, fill_mode="nearest", seed=seed, name="shift")(h)
        # each image to zero mean and unit variance: brightness and contrast say nothing
        h = layers.LayerNormalization(axis=(1, 2, 3), center=False, scale=False, name="standardise")(h)
        h = layers.Conv2D(self.FILTERS[0], 3, padding="same", activation="relu", kernel_initializer=init(0), name="conv_0")(h)
        k, side = 1, min(input_shape[:2])
        while side > 2:  # stride-2 convolutions down to a grid of at most 2x2
            filters = self.FILTERS[min(k, len(self.FILTERS) - 1)]
            h = layers.Conv2D(
                filters, 3, strides=2, padding="same", activation="relu", kernel_initializer=init(k), name=f"conv_{k}",
            )(h)
            k, side = k + 1, (side + 1) // 2
        h = layers.GlobalAveragePooling2D(name="pool")(h)
        out = layers.Dense(n_classes, kernel_initializer=init(9), name="logits")(h)
        return keras.Model(inputs, out, name="image_judge")

    def fit(self, Z, y, n_classes):
        """Train on images in GAN space ``Z`` with class indices ``y`` (0..n_classes-1)."""
        import keras

        from ganaug.gan import Adam, balanced_batches

        seed = int(self.random_state)
        self.input_shape_ = tuple(int(s) for s in Z.shape[1:])
        self.n_classes_ = int(n_classes)
        model = self._model(self.input_shape_, self.n_classes_, seed, training=True)
        model.compile(
            optimizer=Adam(2e-3),
            loss=keras.losses.CategoricalCrossentropy(from_logits=True),
            steps_per_execution=50,
        )
        steps = max(1, int(self.steps))
        batches = balanced_batches(Z, np.asarray(y), self.n_classes_, self.batch_size, steps, 1, seed=seed)
        model.fit(batches, epochs=1, steps_per_epoch=steps, verbose=0, shuffle=False)
        self.weights_ = [np.asarray(w, dtype=np.float32) for w in model.get_weights()]
        self._set_predictor()
        return self

    def _set_predictor(self):
        self.model_ = self._model(self.input_shape_, self.n_classes_, 0)
        self.model_.set_weights(self.weights_)

    def predict_proba(self, Z, chunk=1024):
        """Class probabilities of images in GAN space."""
        from scipy.special import softmax

        logits = np.concatenate(
            [np.asarray(self.model_(Z[i : i + chunk], training=False)) for i in range(0, len(Z), chunk)]
        ) if len(Z) else np.zeros((0, self.n_classes_), np.float32)
        return softmax(logits.astype(np.float64), axis=1)

    def get_state(self):
        """The fitted judge as plain JSON-safe numbers."""
        return {
            "input_shape": list(self.input_shape_),
            "n_classes": self.n_classes_,
            "weights": [{"shape": list(w.shape), "values": w.ravel().tolist()} for w in self.weights_],
        }

    @classmethod
    def from_state(cls, state):
        judge = cls()
        judge.input_shape_ = tuple(int(s) for s in state["input_shape"])
        judge.n_classes_ = int(state["n_classes"])
        judge.weights_ = [
            np.asarray(w["values"], dtype=np.float32).reshape(w["shape"]) for w in state["weights"]
        ]
        judge._set_predictor()
        return judge


# the probability the judge must give a generated image's class (and its most likely
# class must be that one) for the image to pass
JUDGE_THRESHOLD = 0.95


def check_labels(generate, judge, labels, redraws, tagged=False):
    """Generate images for ``labels`` (class indices), redrawing those ``judge`` assigns
    to another class.

    ``generate(positions)`` returns GAN-space images for ``labels[positions]`` (with
    ``tagged``, a pair ``(images, tags)``, a tag per image, such as the real image it
    edits). An image the judge assigns to another class is drawn again, up to
    ``redraws`` times; one that never agrees keeps, of its candidates, the one the
    judge finds most like its class.

    Returns
    -------
    images : ndarray
    agreement : float
        The share of all drawn images whose class the judge agreed with.
    tags : ndarray
        With ``tagged`` only: the tags of the images kept.
    passed : ndarray of bool
        With ``tagged`` only: whether the judge agreed with the image kept (False
        where no draw was agreed with).
    """
    wanted = np.arange(len(labels))
    kept, best = None, np.full(len(labels), -np.inf)
    kept_tags = np.zeros(len(labels), dtype=np.intp)
    drawn = agreed = 0
    for _ in range(1 + redraws):
        images = generate(wanted)
        if tagged:
            images, tags = images
        if kept is None:
            kept = np.empty((len(labels), *images.shape[1:]), dtype=images.dtype)
        prob = judge.predict_proba(images)
        ok = (prob.argmax(axis=1) == labels[wanted]) & (prob[np.arange(len(wanted)), labels[wanted]] >= JUDGE_THRESHOLD)
        score = np.where(ok, np.inf, prob[np.arange(len(wanted)), labels[wanted]])
        better = score > best[wanted]
        kept[wanted[better]] = images[better]
        best[wanted[better]] = score[better]
        if tagged:
            kept_tags[wanted[better]] = tags[better]
        drawn, agreed = drawn + len(wanted), agreed + int(ok.sum())
        wanted = wanted[~ok]
        if not len(wanted):
            break
    if tagged:
        return kept, agreed / max(drawn, 1), kept_tags, np.isinf(best)
    return kept, agreed / max(drawn, 1)


# --------------------------------------------------------------- class folders
def parse_size(text):
    """``"32x32"`` -> ``(32, 32)`` (height, width); a ValueError names the format."""
    parts = str(text).lower().split("x")
    try:
        height, width = (int(p) for p in parts)
    except ValueError:
        raise ValueError(f"size must look like HxW, e.g. 32x32. Got {text!r} instead.") from None
    if not (MIN_SIDE <= height <= MAX_SIDE and MIN_SIDE <= width <= MAX_SIDE):
        raise ValueError(
            f"size must be between {MIN_SIDE} and {MAX_SIDE} pixels each way. "
            f"Got {text!r} instead."
        )
    return height, width


def _class_dirs(folder):
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{str(folder)!r} is not a folder; expected one subfolder per class.")
    dirs = sorted(
        (d for d in folder.iterdir() if d.is_dir() and not d.name.startswith(".")),
        key=lambda d: d.name,
    )
    dirs = [d for d in dirs if any(_image_files(d))]
    if not dirs:
        raise ValueError(
            f"Folder {str(folder)!r} has no classes: expected one subfolder per class, "
            f"each holding images ({', '.join(IMAGE_SUFFIXES)})."
        )
    return dirs


def _image_files(directory):
    return sorted(
        p
        for p in Path(directory).iterdir()
        if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".")
    )


def read_image_folder(folder, *, size=None):
    """Read a folder of class subfolders into arrays.

    Grayscale images give ``(n, H, W)``; if any image has colour, all become RGB
    ``(n, H, W, 3)``. All images must have the same size unless ``size=(H, W)``
    asks to resize them (bilinear).

    Parameters
    ----------
    folder : path
        ``folder/<class>/<image>``; hidden files and non-image files are skipped.
    size : (int, int), optional
        Resize every image to ``(height, width)``.

    Returns
    -------
    X : ndarray of uint8
    y : ndarray of str
        The class (subfolder name) of each image.
    paths : list of Path
        The file of each image, in the same order.

    Examples
    --------
    >>> from ganaug.images import read_image_folder
    >>> X, y, paths = read_image_folder("sample_data/digits")  # doctest: +SKIP
    """
    from PIL import Image, UnidentifiedImageError

    images, labels, paths = [], [], []
    for directory in _class_dirs(folder):
        for path in _image_files(directory):
            try:
                with Image.open(path) as img:
                    img.load()
                    mode = "L" if img.mode in ("1", "L", "LA", "I", "I;16", "F") else "RGB"
                    img = img.convert(mode)
                    if size is not None and img.size != (size[1], size[0]):
                        img = img.resize((size[1], size[0]), Image.Resampling.BILINEAR)
                    images.append(np.asarray(img, dtype=np.uint8))
            except (UnidentifiedImageError, OSError, ValueError) as exc:
                raise ValueError(f"Could not read image {str(path)!r}: {exc}") from None
            labels.append(directory.name)
            paths.append(path)
    shapes = {img.shape[:2] for img in images}
    if len(shapes) > 1:
        first = images[0].shape[:2]
        odd = next(p for p, img in zip(paths, images) if img.shape[:2] != first)
        other = next(img.shape[:2] for img in images if img.shape[:2] != first)
        raise ValueError(
            f"Images have mixed sizes: {str(paths[0])!r} is {first[0]}x{first[1]} but "
            f"{str(odd)!r} is {other[0]}x{other[1]}. Resize them all with --size HxW "
            f"(size=(H, W) in Python). Got sizes {sorted(shapes)!r} instead."
        )
    if any(img.ndim == 3 for img in images):
        images = [img if img.ndim == 3 else np.repeat(img[..., None], 3, axis=2) for img in images]
    return np.stack(images), np.array(labels), paths


def _to_pil(image):
    from PIL import Image

    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise ValueError(f"Images to write must be uint8. Got dtype {str(image.dtype)!r} instead.")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[..., 0]
    return Image.fromarray(image)


def write_images(images, paths, *, force=False):
    """Write each uint8 image to its PNG path, atomically; refuse existing files first.

    Every target is checked before anything is written, so a refused call writes
    nothing.
    """
    from ganaug.io import atomic_path

    paths = [Path(p) for p in paths]
    if not force:
        existing = [p for p in paths if p.exists()]
        if existing:
            raise FileExistsError(
                f"Output {str(existing[0])!r} already exists ({len(existing)} file(s) in "
                "all); ganaug never overwrites files. Choose an empty output folder."
            )
    for image, path in zip(images, paths):
        with atomic_path(path, force=force) as tmp:
            _to_pil(image).save(tmp, format="PNG")


def image_grid(rows, *, pad=2, scale=1):
    """Tile ``rows`` (lists of uint8 images) into one uint8 picture, a row per class.

    Examples
    --------
    >>> import numpy as np
    >>> from ganaug.images import image_grid
    >>> image_grid([[np.zeros((8, 8), np.uint8)] * 3] * 2).shape
    (22, 32)
    """
    images = [[np.asarray(img) for img in row] for row in rows]
    first = images[0][0]
    h, w = first.shape[:2]
    channels = 3 if any(img.ndim == 3 for row in images for img in row) else 1
    ncols = max(len(row) for row in images)
    grid = np.full(
        (len(images) * (h + pad) + pad, ncols * (w + pad) + pad, channels), 255, dtype=np.uint8
    )
    for r, row in enumerate(images):
        for c, img in enumerate(row):
            img = img[..., None] if img.ndim == 2 else img[..., :channels]
            if img.shape[2] == 1 and channels == 3:
                img = np.repeat(img, 3, axis=2)
            top, left = pad + r * (h + pad), pad + c * (w + pad)
            grid[top : top + h, left : left + w] = img
    if scale > 1:
        grid = grid.repeat(scale, axis=0).repeat(scale, axis=1)
    return grid[..., 0] if channels == 1 else grid


# ------------------------------------------------------------------- quality
class FeatureExtractor:
    """A small CNN trained on the real images; its penultimate layer gives features.

    FID and KID usually use Inception features trained on ImageNet, which must be
    downloaded and do not suit 8x8 digits. This extractor is trained on the real
    training images themselves (to classify them), so the scores need no download
    but are **comparable only between runs that use the same extractor**: the
    same training images, epochs and seed.

    Parameters
    ----------
    epochs : int, default=20
    features : int, default=64
        Width of the feature layer.
    random_state : int, default=0

    Examples
    --------
    >>> from ganaug.images import FeatureExtractor, image_quality
    >>> ext = FeatureExtractor(epochs=5).fit(X_train, y_train)  # doctest: +SKIP
    >>> image_quality(X_real, X_fake, ext)  # doctest: +SKIP
    """

    def __init__(self, epochs=20, features=64, random_state=0):
        self.epochs = epochs
        self.features = features
        self.random_state = random_state

    def fit(self, X, y):
        import keras
        from keras import layers

        from ganaug.gan import Adam

        self.encoder_ = ImageEncoder().fit(X)
        Z = self.encoder_.transform(X)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        seed = int(self.random_state)
        init = keras.initializers.GlorotUniform(seed=seed)
        inputs = keras.Input(self.encoder_.canvas_shape_)
        h = inputs
        for i, filters in enumerate((32, 64)):
            h = layers.Conv2D(filters, 3, strides=2, padding="same", kernel_initializer=init)(h)
            h = layers.LeakyReLU(0.2)(h)
        h = layers.GlobalAveragePooling2D()(h)
        feats = layers.Dense(self.features, activation="relu", kernel_initializer=init, name="features")(h)
        out = layers.Dense(len(self.classes_), kernel_initializer=init)(feats)
        model = keras.Model(inputs, out)
        model.compile(
            optimizer=Adam(1e-3),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        model.fit(Z, y_idx, epochs=self.epochs, batch_size=64, verbose=0, shuffle=False)
        self.model_ = keras.Model(inputs, feats)
        return self

    def transform(self, X):
        """Feature vectors of images shaped like the training images."""
        return np.asarray(self.model_.predict(self.encoder_.transform(X), verbose=0), dtype=np.float64)


def frechet_distance(f1, f2):
    """Frechet distance between Gaussians fitted to two feature sets (FID's formula)."""
    from scipy import linalg

    f1, f2 = np.asarray(f1, np.float64), np.asarray(f2, np.float64)
    mu1, mu2 = f1.mean(0), f2.mean(0)
    s1, s2 = np.atleast_2d(np.cov(f1, rowvar=False)), np.atleast_2d(np.cov(f2, rowvar=False))
    # features of a ReLU layer can be constant (dead units): a tiny ridge keeps
    # the product's square root well defined
    eps = np.eye(len(s1)) * 1e-6
    covmean = np.real(linalg.sqrtm((s1 + eps) @ (s2 + eps)))
    value = float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2.0 * covmean))
    return max(value, 0.0)


def kernel_distance(f1, f2):
    """Unbiased squared MMD with the cubic polynomial kernel (KID's formula)."""
    f1, f2 = np.asarray(f1, np.float64), np.asarray(f2, np.float64)
    d = f1.shape[1]

    def k(a, b):
        return (a @ b.T / d + 1.0) ** 3

    m, n = len(f1), len(f2)
    kxx, kyy, kxy = k(f1, f1), k(f2, f2), k(f1, f2)
    xx = (kxx.sum() - np.trace(kxx)) / (m * (m - 1))
    yy = (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
    return float(xx + yy - 2.0 * kxy.mean())


def precision_recall(real, fake, k=3):
    """Improved precision and recall (Kynkaanniemi et al., 2019) on feature sets.

    Precision: share of fake points inside the union of the real points' k-NN
    balls; recall: share of real points inside the fake points' balls.
    """
    from sklearn.metrics import pairwise_distances

    real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)

    def radii(x):
        d = pairwise_distances(x)
        kk = min(k, len(x) - 1)
        return np.sort(d, axis=1)[:, kk]

    r_real, r_fake = radii(real), radii(fake)
    d = pairwise_distances(fake, real)
    precision = float((d <= r_real[None, :]).any(axis=1).mean())
    recall = float((d.T <= r_fake[None, :]).any(axis=1).mean())
    return precision, recall


def image_quality(real, fake, extractor, *, y_real=None, y_fake=None):
    """FID, KID, precision and recall of ``fake`` against ``real``, overall and per class.

    Parameters
    ----------
    real, fake : ndarray
        Images shaped like those the extractor was fitted on.
    extractor : FeatureExtractor
        Fitted; scores are comparable only between runs that use the same one.
    y_real, y_fake : array-like, optional
        Labels; when both are given, a row per class is added.

    Returns
    -------
    dict
        ``{"all": {...}, class: {...}}`` with keys ``fid``, ``kid``, ``precision``,
        ``recall``, ``n_real``, ``n_fake``.

    Examples
    --------
    >>> scores = image_quality(X_test, X_fake, extractor)  # doctest: +SKIP
    >>> scores["all"]["fid"]  # doctest: +SKIP
    """
    f_real, f_fake = extractor.transform(real), extractor.transform(fake)

    def scores(a, b):
        precision, recall = precision_recall(a, b)
        return {
            "fid": frechet_distance(a, b),
            "kid": kernel_distance(a, b),
            "precision": precision,
            "recall": recall,
            "n_real": len(a),
            "n_fake": len(b),
        }

    out = {"all": scores(f_real, f_fake)}
    if y_real is not None and y_fake is not None:
        y_real, y_fake = np.asarray(y_real), np.asarray(y_fake)
        for label in np.unique(y_fake):
            a, b = f_real[y_real == label], f_fake[y_fake == label]
            if len(a) > 2 and len(b) > 2:
                out[plain(label)] = scores(a, b)
    return out
