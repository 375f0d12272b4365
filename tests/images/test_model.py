"""ganaug.images.model: GANAugmenter on image arrays, saved and loaded."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
from collections import Counter  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from ganaug import GANAugmenter  # noqa: E402
from ganaug.images import (  # noqa: E402
    read_image_folder,
)

from .conftest import DIGITS, JUDGED, TINY, _imbalanced, _upscaled_digits  # noqa: E402


# --------------------------------------------------------------- estimator
@pytest.mark.parametrize(
    "shape, dtype", [((8, 8), np.uint8), ((8, 8, 1), np.float32), ((10, 12, 3), np.uint8)]
)
def test_fit_resample_images(shape, dtype):
    X, y = _imbalanced(shape, dtype)
    X_res, y_res = GANAugmenter(random_state=0, **TINY).fit_resample(X, y)
    assert X_res.shape == (40, *shape) and X_res.dtype == X.dtype
    np.testing.assert_array_equal(X_res[: len(X)], X)
    assert Counter(y_res.tolist()) == {0: 20, 1: 20}
    if dtype == np.uint8:
        assert X_res.min() >= 0 and X_res.max() <= 255
    else:
        assert X_res.min() >= 0 and X_res.max() <= 1


def test_images_use_conv_networks_and_ema():
    X, y = _imbalanced()
    aug = GANAugmenter(random_state=0, **JUDGED).fit(X, y)
    names = [layer.name for layer in aug.generator_.layers]
    assert any(name.startswith("up_") for name in names)  # transposed convolutions
    X_new, y_new = aug.sample(y={1: 3})
    assert X_new.shape == (3, 8, 8) and X_new.dtype == np.uint8 and list(y_new) == [1, 1, 1]
    # filter_labels: a CNN judge trained on the real images checks each image's class
    assert aug.image_judge_ is not None and 0 <= aug.label_agreement_ <= 1
    assert aug.image_judge_.predict_proba(aug.encoder_.transform(X)).shape == (len(X), 2)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_digits_generated_images_look_like_their_class(seed):
    """At the default settings, a digits classifier trained on real digits agrees with
    the label a generated digit was made for (the README's sample folder: classes 7,
    8 and 9 have 8 images each)."""
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression

    X, y, _ = read_image_folder(DIGITS)
    digits = load_digits()
    clf = LogisticRegression(max_iter=3000).fit(digits.data / 16.0, digits.target)
    aug = GANAugmenter(random_state=seed).fit(X, y)
    X_new, y_new = aug.sample(y={c: 50 for c in aug.classes_}, random_state=seed)
    agree = np.mean(clf.predict(X_new.reshape(len(X_new), -1) / 255.0) == y_new.astype(int))
    print(f"seed {seed}: label agreement {agree:.3f}")
    assert agree >= 0.9, agree


def test_image_model_is_reproducible():
    X, y = _imbalanced()
    a = GANAugmenter(random_state=3, **JUDGED).fit_resample(X, y)[0]
    b = GANAugmenter(random_state=3, **JUDGED).fit_resample(X, y)[0]
    np.testing.assert_array_equal(a, b)
    c = GANAugmenter(random_state=4, **JUDGED).fit_resample(X, y)[0]
    assert not np.array_equal(a, c)


def test_pipeline_with_flatten_and_classifier():
    from imblearn.pipeline import Pipeline
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import FunctionTransformer

    X, y = _imbalanced()
    pipe = Pipeline(
        [
            ("gan", GANAugmenter(random_state=0, **TINY)),
            ("flatten", FunctionTransformer(lambda a: a.reshape(len(a), -1) / 255.0)),
            ("clf", LogisticRegression(max_iter=200)),
        ]
    )
    pipe.fit(X, y)
    assert pipe.predict(X).shape == (len(X),)


@pytest.mark.backends
def test_save_load_image_model(tmp_path):
    """A saved image model holds no training images: loaded, it draws images from the
    noise alone (with a warning), exactly as the fitted model does without its images."""
    import zipfile

    from ganaug import load

    X, y = _imbalanced((8, 8, 3))
    aug = GANAugmenter(random_state=0, **JUDGED).fit(X, y)
    aug.save(tmp_path / "m.ganaug")
    again = load(tmp_path / "m.ganaug")
    with pytest.warns(UserWarning, match="holds no training images"):
        b = again.sample(y={0: 2, 1: 2}, random_state=1)[0]
    assert b.shape == (4, 8, 8, 3) and b.dtype == np.uint8
    aug.model_.source_images = None  # what the file lacks
    with pytest.warns(UserWarning, match="holds no training images"):
        a = aug.sample(y={0: 2, 1: 2}, random_state=1)[0]
    np.testing.assert_array_equal(a, b)
    # no training image's pixels are in the file (each image's 192 bytes, as stored)
    with zipfile.ZipFile(tmp_path / "m.ganaug") as archive:
        content = b"".join(archive.read(name) for name in archive.namelist())
    assert not any(image.tobytes() in content for image in X)




def test_augmenter_trains_at_working_size_and_returns_input_size(tmp_path):
    from ganaug import load

    X, y = _upscaled_digits(28, n=30)
    aug = GANAugmenter(random_state=0, **JUDGED).fit(X, y)
    assert aug.working_size_ == (8, 8)
    assert aug.generator_.output_shape[1:] == (8, 8, 1)  # the GAN works at 8x8
    assert aug.image_judge_.input_shape_ == (8, 8, 1)
    X_new, _ = aug.sample(y={"0": 3, "1": 3}, random_state=1)
    assert X_new.shape == (6, 28, 28) and X_new.dtype == np.uint8
    aug.save(tmp_path / "m.ganaug")
    again = load(tmp_path / "m.ganaug")
    assert again.working_size_ == (8, 8) and again.working_size == "auto"
    with pytest.warns(UserWarning, match="holds no training images"):
        from_noise = again.sample(y={"0": 3, "1": 3}, random_state=1)[0]
    assert from_noise.shape == (6, 28, 28) and from_noise.dtype == np.uint8
    full = GANAugmenter(random_state=0, working_size=None, **TINY).fit(X, y)
    assert full.working_size_ == (28, 28) and full.generator_.output_shape[1:] == (28, 28, 1)
