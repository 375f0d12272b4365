"""ganaug.images.encoder: round trips, working size, full-size warps."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from ganaug import GANAugmenter  # noqa: E402
from ganaug.images import (  # noqa: E402
    ImageEncoder,
)

from .conftest import TINY, _images, _upscaled_digits  # noqa: E402

# Also run under JAX and PyTorch by .ci/backends (marker `backends`).
pytestmark = pytest.mark.backends


# ----------------------------------------------------------------- encoder
@pytest.mark.parametrize(
    "shape", [(5, 8, 8), (5, 8, 8, 1), (5, 12, 10, 3), (5, 33, 40, 3), (5, 128, 128)]
)
@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64])
def test_encoder_round_trip(shape, dtype):
    X = _images(shape, dtype)
    enc = ImageEncoder().fit(X)
    Z = enc.transform(X)
    assert Z.dtype == np.float32 and Z.min() >= -1 and Z.max() <= 1
    h, w, c = enc.canvas_shape_
    assert h % 2**enc.stages_ == 0 and w % 2**enc.stages_ == 0
    assert h - shape[1] < 2**enc.stages_ and w - shape[2] < 2**enc.stages_  # as little padding as needed
    back = enc.inverse_transform(Z)
    assert back.shape == X.shape and back.dtype == X.dtype
    if X.dtype == np.uint8:
        np.testing.assert_array_equal(back, X)
    else:
        np.testing.assert_allclose(back, X, atol=1e-6)


def test_encoder_state_round_trip():
    X = _images((3, 8, 8), np.uint8)
    enc = ImageEncoder().fit(X)
    again = ImageEncoder.from_state(enc.get_state())
    np.testing.assert_array_equal(again.inverse_transform(enc.transform(X)), X)


@pytest.mark.parametrize(
    "X, match",
    [
        (np.zeros((3, 4, 4), np.uint8), "between 8 and 128"),
        (np.zeros((3, 8, 8, 2), np.uint8), "channels"),
        (np.full((3, 8, 8), np.nan), "NaN"),
    ],
)
def test_encoder_rejects(X, match):
    with pytest.raises(ValueError, match=match):
        ImageEncoder().fit(X)


@pytest.mark.parametrize("side", [8, 20])
def test_full_size_warp_gives_the_image_back_for_no_move(side):
    """At the images' own size (supersampled for small ones), no move gives the image
    back exactly, and a whole-pixel shift moves it by one pixel (edges filling in)."""
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, (4, side, side), dtype=np.uint8)
    enc = ImageEncoder(working_size=8).fit(X)
    flows = np.zeros((4, *enc.canvas_shape_[:2], 2), np.float32)
    np.testing.assert_array_equal(enc.warp_full_size(X, flows), X)
    flows[..., 1] = enc.working_shape_[1] / side  # one pixel of the image, in working pixels
    moved = enc.warp_full_size(X, flows).astype(int)
    assert np.abs(moved[:, :, :-1] - X[:, :, 1:].astype(int)).max() <= 1




def test_working_size_auto_is_small_for_upscaled_images_and_full_for_noise():
    from ganaug.images import choose_working_shape

    X, _ = _upscaled_digits(28)
    enc = ImageEncoder(working_size="auto").fit(X)
    assert enc.working_shape_ == (8, 8) and enc.canvas_shape_ == (8, 8, 1)
    assert enc.transform(X).shape == (len(X), 8, 8, 1)
    back = enc.inverse_transform(enc.transform(X))
    assert back.shape == X.shape and back.dtype == X.dtype
    # the round trip keeps the picture: mean error under 5% of the range
    assert np.abs(back.astype(float) - X).mean() < 0.05 * 255
    wide, _ = _upscaled_digits(16, width=32)
    assert ImageEncoder(working_size="auto").fit(wide).working_shape_ == (8, 16)
    noise = _images((20, 32, 32, 3), np.uint8)
    assert ImageEncoder(working_size="auto").fit(noise).working_shape_ == (32, 32)
    assert choose_working_shape(np.zeros((4, 32, 32, 1), np.float32)) == (8, 8)  # flat images


@pytest.mark.parametrize("size, expected", [(None, (28, 28)), (16, (16, 16)), (64, (28, 28))])
def test_working_size_given(size, expected):
    X, _ = _upscaled_digits(28, n=10)
    assert ImageEncoder(working_size=size).fit(X).working_shape_ == expected


def test_working_size_rejects_bad_values():
    from sklearn.utils._param_validation import InvalidParameterError

    X, y = _upscaled_digits(28, n=10)
    with pytest.raises(ValueError, match="working_size"):
        ImageEncoder(working_size=4).fit(X)
    with pytest.raises(InvalidParameterError, match="working_size"):
        GANAugmenter(working_size="small", **TINY).fit(X, y)


def test_encoder_state_without_working_shape_loads_at_input_size():
    X = _images((3, 12, 12), np.uint8)
    state = ImageEncoder().fit(X).get_state()
    del state["working_shape"], state["working_size"]  # a file written before working sizes
    enc = ImageEncoder.from_state(state)
    assert enc.working_shape_ == (12, 12)
    np.testing.assert_array_equal(enc.inverse_transform(enc.transform(X)), X)


def test_full_size_warp_keeps_the_grain_of_a_noisy_image():
    """A half-pixel move resamples every pixel; moved smoothly as a whole, an image of
    pixel noise loses much of its high-frequency energy (a classifier could learn the
    smoothness as the sign of the classes that got new images). The grain is moved to
    the nearest pixel instead, so the warp keeps the energy of its source."""
    from scipy import ndimage

    rng = np.random.default_rng(0)
    X = np.clip(rng.normal(128, 40, (6, 32, 32, 3)), 0, 255).astype(np.uint8)
    enc = ImageEncoder(working_size=16).fit(X)
    flows = np.full((6, *enc.canvas_shape_[:2], 2), 0.25, np.float32)  # half a pixel at 32x32

    def energy(A):
        return np.mean([np.abs(ndimage.laplace(a[..., c].astype(float))).mean() for a in A for c in range(3)])

    assert energy(enc.warp_full_size(X, flows)) > 0.9 * energy(X)
    assert energy(enc.warp_full_size(X, flows, grain=0)) < 0.7 * energy(X)


@pytest.mark.parametrize("size, shape", [((32, 32), (8, 8)), ((28, 28), (8, 8)), ((64, 48), (20, 13)),
                                         ((8, 8), (28, 28)), ((10, 7), (15, 21))])
def test_area_resize_is_tensorflows_area_resampling(size, shape):
    """The NumPy area resampling the other backends use gives TensorFlow's numbers, down
    and up, at whole and fractional ratios."""
    from ganaug.images.encoder import area_resize
    from ganaug.nn.backend import load_tensorflow, tensorflow_backend

    if not tensorflow_backend():
        pytest.skip("compared with TensorFlow's in the default suite (TensorFlow, its backend)")

    Z = np.random.default_rng(0).random((3, *size, 2)).astype(np.float32)
    expected = load_tensorflow().image.resize(Z, shape, method="area").numpy()
    np.testing.assert_allclose(area_resize(Z, shape), expected, rtol=0, atol=1e-5)
