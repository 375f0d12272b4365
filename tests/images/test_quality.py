"""ganaug.images.quality: FID, KID, precision/recall."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from ganaug.images import (  # noqa: E402
    frechet_distance,
    kernel_distance,
    precision_recall,
    read_image_folder,
)

from .conftest import DIGITS  # noqa: E402

# Also run under JAX and PyTorch by .ci/backends (marker `backends`).
pytestmark = pytest.mark.backends


# ----------------------------------------------------------------- quality
def test_distances_zero_for_same_set_and_grow_with_noise():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(200, 8))
    assert frechet_distance(real, real) < 1e-6
    other = rng.normal(size=real.shape)  # an independent sample of the same law
    near = real + rng.normal(scale=0.1, size=real.shape)
    far = real + rng.normal(scale=2.0, size=real.shape)
    assert frechet_distance(real, near) < frechet_distance(real, far)
    assert abs(kernel_distance(real, other)) < 0.1 * kernel_distance(real, far)
    assert kernel_distance(real, near) < kernel_distance(real, far)
    precision, recall = precision_recall(real, real)
    assert precision == recall == 1.0


def test_fid_on_cnn_features(tmp_path):
    from ganaug.images import FeatureExtractor, image_quality

    X, y, _ = read_image_folder(DIGITS)
    ext = FeatureExtractor(epochs=2).fit(X, y)
    same = image_quality(X, X, ext, y_real=y, y_fake=y)
    assert same["all"]["fid"] < 1e-3
    noise = np.random.default_rng(0).integers(0, 256, X.shape, dtype=np.uint8)
    assert image_quality(X, noise, ext)["all"]["fid"] > 10 * max(same["all"]["fid"], 1e-3)
