"""ganaug.nn.gan: differentiable augmentation."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

# Also run under JAX and PyTorch by .ci/backends (marker `backends`).
pytestmark = pytest.mark.backends


@pytest.mark.parametrize("fill, constant", [("edge", True), ("zero", False)])
def test_diff_augment_edge_fill_keeps_a_flat_background(fill, constant):
    """Shifted-in pixels and cutouts take the border's value with fill='edge', so a
    flat image stays flat; zero fill paints black squares on a grey image."""
    import keras

    from ganaug.nn.gan import diff_augment

    images = np.full((16, 8, 8, 1), -0.6, np.float32)
    out = np.asarray(diff_augment(images, keras.random.SeedGenerator(0), brightness=0, contrast=0, fill=fill))
    assert np.allclose(out, -0.6) == constant
