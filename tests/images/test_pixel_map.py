"""ganaug.images.pixel_map: generated images get the real pixel values."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402


def test_pixel_map_gives_generated_images_the_real_pixel_values():
    """GAN outputs near -1 (a smooth background) become exactly -1 where the real images'
    backgrounds are, and the map keeps the order of values."""
    from ganaug.images import PixelMap

    rng = np.random.default_rng(0)
    real = np.where(rng.random((200, 8, 8, 1)) < 0.5, -1.0, rng.choice([0.0, 0.5, 1.0], (200, 8, 8, 1)))
    fake = np.where(rng.random((200, 8, 8, 1)) < 0.5, -0.97 + 0.02 * rng.random((200, 8, 8, 1)),
                    rng.uniform(-0.2, 1.0, (200, 8, 8, 1))).astype(np.float32)
    pixel_map = PixelMap().fit(real, fake)
    mapped = pixel_map.transform(fake)
    assert abs(np.mean(mapped == -1.0) - np.mean(real == -1.0)) < 0.05
    assert np.mean(fake == -1.0) == 0
    order = np.argsort(fake.ravel())
    assert (np.diff(mapped.ravel()[order]) >= -1e-9).all()
    again = PixelMap.from_state(pixel_map.get_state())
    np.testing.assert_array_equal(again.transform(fake), mapped)
