"""ganaug.nn.image_nets: the warp layers and the image GAN's discriminator input."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from ganaug.images import (  # noqa: E402
    ImageEncoder,
)

from ..images.conftest import _images  # noqa: E402

# Also run under JAX and PyTorch by .ci/backends (marker `backends`).
pytestmark = pytest.mark.backends


def test_a_warping_generator_is_judged_on_unshifted_images():
    """DiffAugment shifts the images the discriminator sees at random; for a generator
    that moves real images that would hide its own shifts from the discriminator, so
    the editing GAN is built without translation (its other augmentations kept), and a
    generator that draws images (``loss='wgan-gp'``) keeps it."""
    import itertools

    from ganaug.nn.image_nets import build_image_gan

    enc = ImageEncoder().fit(_images((6, 8, 8), np.uint8))
    editing = build_image_gan(enc, 2, 8, (8, 8), "minimax", itertools.count())
    assert editing.edit and editing.augment["translation"] == 0.0
    assert editing.augment["cutout"] > 0 and editing.augment["brightness"] > 0
    drawing = build_image_gan(enc, 2, 8, (8, 8), "wgan-gp", itertools.count())
    assert not drawing.edit and drawing.augment["translation"] > 0


def test_flow_warp_moves_pixels_and_draws_from_noise_without_a_source():
    """FlowWarp reads the source at each pixel plus its displacement (bilinear, edge
    pixels filling in from outside); an all-zero source gives the residual."""
    from ganaug.nn.image_nets import FlowWarp

    rng = np.random.default_rng(0)
    src = rng.uniform(-1, 1, (3, 6, 5, 2)).astype(np.float32)
    residual = rng.uniform(-1, 1, src.shape).astype(np.float32)
    warp = FlowWarp()
    flow = np.zeros((3, 6, 5, 2), np.float32)
    np.testing.assert_array_equal(np.asarray(warp([src, flow, residual])), src)
    flow[..., 1] = 1.0  # every pixel reads its right-hand neighbour
    out = np.asarray(warp([src, flow, residual]))
    np.testing.assert_allclose(out[:, :, :-1], src[:, :, 1:], atol=1e-6)
    np.testing.assert_allclose(out[:, :, -1], src[:, :, -1], atol=1e-6)  # edge fill
    flow[..., 1] = 0.0
    flow[..., 0] = 0.25  # a quarter of the way to the pixel below
    out = np.asarray(warp([src, flow, residual]))
    np.testing.assert_allclose(out[:, :-1], 0.75 * src[:, :-1] + 0.25 * src[:, 1:], atol=1e-6)
    none = np.zeros_like(src)
    np.testing.assert_array_equal(np.asarray(warp([none, flow, residual])), residual)


def test_affine_flow_is_the_displacement_of_an_affine_map():
    from ganaug.nn.image_nets import AffineFlow

    layer = AffineFlow(5, 7, linear=0.2, shift=0.1)
    params = np.array([[0, 0, 0, 0, 0, 0], [1, 0, 0, -1, 0.5, -1]], np.float32)
    field = np.asarray(layer(params))
    assert field.shape == (2, 5, 7, 2)
    assert not field[0].any()  # the identity
    y, x = np.meshgrid(np.arange(5) - 2.0, np.arange(7) - 3.0, indexing="ij")
    np.testing.assert_allclose(field[1, ..., 0], 0.2 * y + 0.5 * 0.1 * 5, atol=1e-6)
    np.testing.assert_allclose(field[1, ..., 1], -0.2 * x - 0.1 * 5, atol=1e-6)
