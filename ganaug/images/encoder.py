"""Image arrays <-> GAN space, at a working size chosen from the data.

:class:`ImageEncoder` maps an image array of shape ``(n, H, W)`` or ``(n, H, W, C)``
(uint8 or float) to the generator's space (float32 in ``[-1, 1]``, channels last,
padded to a size the convolutional networks want) and back to the same shape and
dtype. With ``working_size='auto'`` it picks the smallest of 8, 16 and 32 pixels at
which a downscale/upscale round trip loses at most 5% of the pixels' variance
(:func:`choose_working_shape`), so that digits upscaled from 8x8 to 28x28 train at
8x8, as fast as 8x8 digits. It also warps images, at the working size for the label
check and at their own size for the output (:meth:`ImageEncoder.warp_full_size`).

TensorFlow and Pillow are imported inside the functions that need them.
"""

from __future__ import annotations

import math
from numbers import Integral

import numpy as np

__all__ = [
    "GRAIN_SIGMA",
    "ImageEncoder",
    "MAX_SIDE",
    "MIN_SIDE",
    "ROUNDTRIP_ERROR",
    "WORKING_SIDES",
    "choose_working_shape",
    "is_image_array",
    "resize_images",
    "roundtrip_error",
]

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


_PADDED_RESIZE = 1024  # under JAX, resizes of at most this many images are padded


def resize_images(Z, shape, method):
    """``(n, h, w, c)`` float32 images resized to ``shape``: ``tf.image.resize`` under
    TensorFlow; under the other backends 'area' by :func:`area_resize` (TensorFlow's
    area resampling, to float32 rounding) and the rest by ``keras.ops.image.resize``,
    where 'lanczos3' is antialiased under JAX and antialiased bicubic under PyTorch
    (which has no Lanczos): close to, not the same as, TensorFlow's."""
    from ganaug.nn.backend import load_keras, load_tensorflow, tensorflow_backend

    if tuple(Z.shape[1:3]) == tuple(shape):
        return Z
    if tensorflow_backend():
        tf = load_tensorflow()
        return np.asarray(tf.image.resize(Z, tuple(shape), method=method), dtype=np.float32)
    if method == "area":
        return area_resize(Z, shape)
    keras = load_keras()
    antialias = method == "lanczos3"
    if method == "lanczos3" and keras.config.backend() == "torch":
        method = "bicubic"
    Z, n = np.asarray(Z, np.float32), len(Z)
    if keras.config.backend() == "jax" and n <= _PADDED_RESIZE:
        # JAX compiles a resize for each batch size: pad the small batches (warps are
        # resized 256 at a time) to a few sizes (images do not mix)
        from ganaug.nn.sampling import IMAGE_PADDING, padded_size

        Z = np.concatenate([Z, np.zeros((padded_size(n, IMAGE_PADDING) - n, *Z.shape[1:]), np.float32)])
    resized = keras.ops.image.resize(Z, tuple(shape), interpolation=method, antialias=antialias)
    return np.asarray(keras.ops.convert_to_numpy(resized), dtype=np.float32)[:n]


def _area_weights(n_in, n_out):
    """``(n_out, n_in)`` weights of area resampling along one axis: output pixel ``i``
    covers ``[i, i + 1) * n_in / n_out`` of the input, and each input pixel counts by
    the length of its overlap with that span (rows sum to 1)."""
    scale = n_in / n_out
    low = np.arange(n_out)[:, None] * scale
    j = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(low + scale, j + 1) - np.maximum(low, j), 0.0, None)
    return (overlap / scale).astype(np.float32)


def area_resize(Z, shape):
    """``(n, h, w, c)`` images resized to ``shape`` by area resampling, in NumPy: each
    output pixel the mean of the input area it covers, as ``tf.image.resize(...,
    method="area")`` computes it (the same to about 1e-6), so that the other Keras
    backends, which have no area resampling, downscale warps and images as TensorFlow
    does (a field of no move gives the image back exactly, where antialiased bilinear
    would blur it)."""
    Z = np.asarray(Z, np.float32)
    rows, cols = _area_weights(Z.shape[1], shape[0]), _area_weights(Z.shape[2], shape[1])
    out = np.tensordot(rows, Z, axes=([1], [1]))  # (h, n, W, c)
    out = np.tensordot(out, cols, axes=([2], [1]))  # (h, n, c, w)
    return np.ascontiguousarray(np.transpose(out, (1, 0, 3, 2)))


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


_WARP_FUNCTIONS = {}  # per Keras backend other than TensorFlow


def _warp_function():
    """``(images, flows) -> moved images``: :class:`ganaug.nn.image_nets.FlowWarp` through
    :func:`ganaug.nn.sampling.compiled_inference` (under JAX jitted once, batches padded
    to 64, 256 or 1,024 images, where an eager call compiles each op anew for each
    batch size: 17 s of a 1,000-image draw of 8x8 digits went there; under PyTorch
    without gradients)."""
    from ganaug.nn.backend import keras, ops

    backend = keras.config.backend()
    function = _WARP_FUNCTIONS.get(backend)
    if function is None:
        from ganaug.nn.image_nets import FlowWarp
        from ganaug.nn.sampling import IMAGE_PADDING, compiled_inference

        layer = FlowWarp()

        def run(inputs):
            source, flow = inputs
            return layer([source, flow, ops.zeros_like(source)])

        compiled = compiled_inference(run, IMAGE_PADDING)

        def function(images, flows):
            return compiled([images, flows])

        _WARP_FUNCTIONS[backend] = function
    return function


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
    >>> from ganaug.images.encoder import ImageEncoder
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
        W', 2)``, in canvas pixels; :class:`ganaug.nn.image_nets.FlowWarp`).

        Under TensorFlow the layer is called eagerly; under JAX and PyTorch through
        :func:`_warp_function` (JAX: jitted, batches padded to a few sizes)."""
        from ganaug.nn.backend import ops, tensorflow_backend

        if tensorflow_backend():
            from ganaug.nn.image_nets import FlowWarp

            layer = FlowWarp()

            def warp(z, f):
                return layer([z, f, np.zeros_like(z)])
        else:
            warp = _warp_function()
        out = np.empty_like(Z)
        for start in range(0, len(Z), chunk):
            z, f = Z[start : start + chunk], flows[start : start + chunk]
            out[start : start + chunk] = np.asarray(ops.convert_to_numpy(warp(z, f)))
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
        classes that got new images (docs/design/notes.md, on warps and pixel texture). ``grain=0``
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
