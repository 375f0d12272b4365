"""ganaug.images.warp: synthetic images are warps of real images of their class."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
from collections import Counter  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from ganaug import GANAugmenter  # noqa: E402
from ganaug.images.warp import neighbour_rows, source_rows  # noqa: E402

from .conftest import TINY, _capture_sources, _imbalanced  # noqa: E402


def test_generator_edits_real_images_of_the_class():
    """The image generator edits a real image of the class (DAGAN): its inputs are
    noise, label and a source image; the edits are new images, none a training image,
    and every real image of the class is edited about as often as the others."""
    X, y = _imbalanced()
    aug = GANAugmenter(random_state=0, **TINY).fit(X, y)
    assert [tuple(t.shape[1:]) for t in aug.generator_.inputs] == [(8,), (2,), (8, 8, 1)]
    rows = source_rows(np.ones(12, dtype=int), aug.model_.class_rows, np.random.RandomState(0))
    assert Counter(rows.tolist()) == {20: 3, 21: 3, 22: 3, 23: 3}  # class 1's images
    X_new, _ = aug.sample(y={1: 30}, random_state=2)
    assert not any((X == image).all(axis=(1, 2)).any() for image in X_new)




def test_label_check_redraws_a_warp_from_the_same_real_image():
    """A warp the judge rejects is drawn again from the same real image, so that every
    real image of the class is still moved as often as the others (a new source in its
    place would leave the unusual images of a class out)."""
    X, y = _imbalanced()
    aug = GANAugmenter(random_state=0, **TINY).fit(X, y)
    rng = np.random.default_rng(0)
    verdicts = []

    class FirstDrawCoin:  # rejects half the first warps, at random; accepts every redraw
        def predict_proba(self, images):
            keep = rng.random(len(images)) < 0.5 if not verdicts else np.ones(len(images), bool)
            verdicts.append(keep)
            return np.stack([~keep, keep], axis=1).astype(float)

    sources = _capture_sources(aug)
    aug.filter_labels, aug.image_judge_ = True, FirstDrawCoin()
    aug.sample(y={1: 12}, random_state=3)
    assert len(verdicts) == 2 and 0 < verdicts[0].sum() < 12  # some warps were redrawn
    rows = [int(np.flatnonzero((X == image).all(axis=(1, 2)))[0]) for image in sources[0]]
    assert Counter(rows) == {20: 3, 21: 3, 22: 3, 23: 3}


def test_label_check_keeps_a_real_image_none_of_whose_warps_pass_once_then_its_nearest():
    """A real image whose every warp the judge rejects is returned once as it is (a
    copy: its part of the class is not lost), and where it was to be drawn from again,
    the warps come from the real image of its class nearest to it, not from any image
    of the class, so that an image the judge doubts is not repeated."""
    X, y = _imbalanced()
    X[20] = 0  # class 1's first image all black: any warp of it is all black
    X[21] = 0
    X[21, 3:5, 3:5] = 255  # its second black but for a bright square: the nearest to the first
    aug = GANAugmenter(random_state=0, **TINY).fit(X, y)
    nearest = neighbour_rows(np.array([20, 20]), np.array([1, 1]), 1, aug.model_.source_images, aug.model_.class_rows)
    np.testing.assert_array_equal(nearest, [21, 21])

    class NoBlack:  # rejects all-black images (the lowest value in GAN space)
        def predict_proba(self, images):
            keep = images.reshape(len(images), -1).max(axis=1) > images.min() + 1e-3
            return np.stack([~keep, keep], axis=1).astype(float)

    sources = _capture_sources(aug)
    aug.filter_labels, aug.image_judge_ = True, NoBlack()
    X_new, _ = aug.sample(y={1: 12}, random_state=3)
    assert (X_new.reshape(12, -1).max(axis=1) == 0).sum() == 1  # the black image, once, as it is
    rows = Counter(int(np.flatnonzero((X == image).all(axis=(1, 2)))[0]) for image in sources[0])
    assert rows == {20: 1, 21: 5, 22: 3, 23: 3}  # its two other draws went to its nearest
    assert aug.label_agreement_ < 1.0


def test_warps_of_a_source_are_symmetric_about_it():
    """The affine map is odd in the noise: noise z and -z move a source in opposite
    directions, so the moves of one source average to none (no drift of the
    synthetic class from the real one)."""
    import keras

    X, y = _imbalanced()
    aug = GANAugmenter(random_state=0, **TINY).fit(X, y)
    params = keras.Model(aug.generator_.inputs, aug.generator_.get_layer("warp_params").output)
    rng = np.random.default_rng(1)
    source = aug.model_.source_images[aug.model_.class_rows[1]]
    z = rng.normal(size=(len(source), 8)).astype(np.float32)
    label = np.eye(2, dtype=np.float32)[[1] * len(source)]
    forward = np.asarray(params([z, label, source]))
    backward = np.asarray(params([-z, label, source]))
    assert np.abs(forward).max() > 1e-3  # the sources are moved
    np.testing.assert_allclose(forward, -backward, atol=1e-6)
    np.testing.assert_array_equal(np.asarray(params([0 * z, label, source])), 0.0)


@pytest.mark.parametrize("side", [8, 20])
def test_synthetic_images_are_real_images_of_their_class_moved(side):
    """Each synthetic image is a real image of its class, warped: dark digits of one
    class (stroke 90) and bright ones of the other (stroke 250) on black; a warp of
    a class-1 image has only class 1's values (up to the resampling's rounding and
    overshoot), and the images are not copies. At 20x20 (networks at a smaller
    working size) the warp is made at the input size."""
    rng = np.random.default_rng(0)
    X = np.zeros((60, side, side), np.uint8)
    y = np.repeat([0, 1], [48, 12])
    for i in range(60):
        top, left = rng.integers(1, side // 2, 2)
        X[i, top : top + side // 3, left : left + 2] = 90 if y[i] else 250
        X[i, top, left : left + side // 3] = 90 if y[i] else 250
    aug = GANAugmenter(random_state=0, working_size=8, **TINY).fit(X, y)
    X_new, y_new = aug.sample(y={1: 40}, random_state=1)
    assert set(y_new) == {1}
    assert X_new.max() <= 110 and X_new.max() >= 60  # class 1's strokes, not class 0's
    assert (X_new > 30).sum(axis=(1, 2)).min() > 0  # no image lost its stroke
    assert not any((X == image).all(axis=(1, 2)).any() for image in X_new)
