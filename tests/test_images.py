"""Images: encoder round trips, GANAugmenter on image arrays, CLI, quality scores."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402
from PIL import Image  # noqa: E402

from ganaug import GANAugmenter  # noqa: E402
from ganaug.cli import ganaug  # noqa: E402
from ganaug.images import (  # noqa: E402
    ImageEncoder,
    frechet_distance,
    kernel_distance,
    precision_recall,
    read_image_folder,
)

# tiny networks and 5 steps; the label check's CNN judge (filter_labels) only where a
# test is about it, as it costs more than the 5 steps
TINY = dict(epochs=1, steps_per_epoch=5, batch_size=32, latent_dim=8, generator_units=(32,),
            discriminator_units=(32,), filter_labels=False)
JUDGED = {**TINY, "filter_labels": True}
DIGITS = Path(__file__).resolve().parent.parent / "sample_data" / "digits"
# tiny networks for the CLI tests (with --epochs 1, 10 steps); the label check only in
# the test that saves a model and previews it
TINY_RECIPE = ("--recipe", Path(__file__).resolve().parent / "tiny_images.toml")
JUDGED_RECIPE = ("--recipe", Path(__file__).resolve().parent / "tiny.toml")


def _images(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "u":
        return rng.integers(0, 256, shape, dtype=np.uint8)
    return rng.random(shape).astype(dtype)


def _imbalanced(shape=(8, 8), dtype=np.uint8, counts=(20, 4)):
    X = _images((sum(counts), *shape), dtype)
    y = np.repeat(np.arange(len(counts)), counts)
    return X, y


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


def test_a_warping_generator_is_judged_on_unshifted_images():
    """DiffAugment shifts the images the discriminator sees at random; for a generator
    that moves real images that would hide its own shifts from the discriminator, so
    the editing GAN is built without translation (its other augmentations kept), and a
    generator that draws images (``loss='wgan-gp'``) keeps it."""
    import itertools

    from ganaug.images import build_image_gan

    enc = ImageEncoder().fit(_images((6, 8, 8), np.uint8))
    editing = build_image_gan(enc, 2, 8, (8, 8), "minimax", itertools.count())
    assert editing.edit and editing.augment["translation"] == 0.0
    assert editing.augment["cutout"] > 0 and editing.augment["brightness"] > 0
    drawing = build_image_gan(enc, 2, 8, (8, 8), "wgan-gp", itertools.count())
    assert not drawing.edit and drawing.augment["translation"] > 0


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


class _OracleJudge:
    """Reads the class an image was 'drawn' as from its first pixel."""

    def __init__(self, n_classes):
        self.n_classes = n_classes

    def predict_proba(self, Z):
        return np.eye(self.n_classes)[Z[:, 0].astype(int)]


def test_check_labels_redraws_images_judged_another_class():
    from ganaug.images import check_labels

    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1, 2], 40)
    calls = []

    def generate(at):  # an image of the wanted class half the time, of class 1 otherwise
        calls.append(len(at))
        drawn = np.where(rng.random(len(at)) < 0.5, labels[at], 1)
        return np.stack([drawn, np.arange(len(at))], axis=1).astype(np.float32)

    images, agreement = check_labels(generate, _OracleJudge(3), labels, redraws=3)
    judged = images[:, 0].astype(int)
    assert calls[0] == len(labels) and len(calls) <= 4 and calls == sorted(calls, reverse=True)
    assert (judged[labels == 1] == 1).all()  # class 1 always agrees, never redrawn
    # after 3 redraws about 1/16 of classes 0 and 2 still disagree (here: 3 of 80)
    assert 0 < (judged != labels).sum() < 0.15 * 80
    assert agreement == pytest.approx((judged == labels).sum() / sum(calls))


def test_check_labels_with_no_redraws_keeps_the_first_draw():
    from ganaug.images import check_labels

    labels = np.array([0, 1, 1, 0])
    first = np.array([[0], [0], [1], [1]], np.float32)
    images, agreement = check_labels(lambda at: first[at], _OracleJudge(2), labels, redraws=0)
    np.testing.assert_array_equal(images, first)
    assert agreement == 0.5


@pytest.mark.parametrize("fill, constant", [("edge", True), ("zero", False)])
def test_diff_augment_edge_fill_keeps_a_flat_background(fill, constant):
    """Shifted-in pixels and cutouts take the border's value with fill='edge', so a
    flat image stays flat; zero fill paints black squares on a grey image."""
    import keras

    from ganaug.gan import diff_augment

    images = np.full((16, 8, 8, 1), -0.6, np.float32)
    out = np.asarray(diff_augment(images, keras.random.SeedGenerator(0), brightness=0, contrast=0, fill=fill))
    assert np.allclose(out, -0.6) == constant


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
    aug._source_images = None  # what the file lacks
    with pytest.warns(UserWarning, match="holds no training images"):
        a = aug.sample(y={0: 2, 1: 2}, random_state=1)[0]
    np.testing.assert_array_equal(a, b)
    # no training image's pixels are in the file (each image's 192 bytes, as stored)
    with zipfile.ZipFile(tmp_path / "m.ganaug") as archive:
        content = b"".join(archive.read(name) for name in archive.namelist())
    assert not any(image.tobytes() in content for image in X)


def test_generator_edits_real_images_of_the_class():
    """The image generator edits a real image of the class (DAGAN): its inputs are
    noise, label and a source image; the edits are new images, none a training image,
    and every real image of the class is edited about as often as the others."""
    X, y = _imbalanced()
    aug = GANAugmenter(random_state=0, **TINY).fit(X, y)
    assert [tuple(t.shape[1:]) for t in aug.generator_.inputs] == [(8,), (2,), (8, 8, 1)]
    rows = aug._source_rows(np.ones(12, dtype=int), np.random.RandomState(0))
    assert Counter(rows.tolist()) == {20: 3, 21: 3, 22: 3, 23: 3}  # class 1's images
    X_new, _ = aug.sample(y={1: 30}, random_state=2)
    assert not any((X == image).all(axis=(1, 2)).any() for image in X_new)


def _capture_sources(aug):
    """Make ``aug`` record the real images its warps are made from."""
    sources = []
    warp_full_size = aug.encoder_.warp_full_size
    aug.encoder_.warp_full_size = lambda images, flows: sources.append(images) or warp_full_size(images, flows)
    return sources


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
    np.testing.assert_array_equal(aug._neighbour_rows(np.array([20, 20]), np.array([1, 1]), 1), [21, 21])

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


def test_flow_warp_moves_pixels_and_draws_from_noise_without_a_source():
    """FlowWarp reads the source at each pixel plus its displacement (bilinear, edge
    pixels filling in from outside); an all-zero source gives the residual."""
    from ganaug.networks import FlowWarp

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
    from ganaug.networks import AffineFlow

    layer = AffineFlow(5, 7, linear=0.2, shift=0.1)
    params = np.array([[0, 0, 0, 0, 0, 0], [1, 0, 0, -1, 0.5, -1]], np.float32)
    field = np.asarray(layer(params))
    assert field.shape == (2, 5, 7, 2)
    assert not field[0].any()  # the identity
    y, x = np.meshgrid(np.arange(5) - 2.0, np.arange(7) - 3.0, indexing="ij")
    np.testing.assert_allclose(field[1, ..., 0], 0.2 * y + 0.5 * 0.1 * 5, atol=1e-6)
    np.testing.assert_allclose(field[1, ..., 1], -0.2 * x - 0.1 * 5, atol=1e-6)


def test_warps_of_a_source_are_symmetric_about_it():
    """The affine map is odd in the noise: noise z and -z move a source in opposite
    directions, so the moves of one source average to none (no drift of the
    synthetic class from the real one)."""
    import keras

    X, y = _imbalanced()
    aug = GANAugmenter(random_state=0, **TINY).fit(X, y)
    params = keras.Model(aug.generator_.inputs, aug.generator_.get_layer("warp_params").output)
    rng = np.random.default_rng(1)
    source = aug._source_images[aug._class_rows[1]]
    z = rng.normal(size=(len(source), 8)).astype(np.float32)
    label = np.eye(2, dtype=np.float32)[[1] * len(source)]
    forward = np.asarray(params([z, label, source]))
    backward = np.asarray(params([-z, label, source]))
    assert np.abs(forward).max() > 1e-3  # the sources are moved
    np.testing.assert_allclose(forward, -backward, atol=1e-6)
    np.testing.assert_array_equal(np.asarray(params([0 * z, label, source])), 0.0)


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


def _upscaled_digits(side=28, n=60, width=None):
    """Sample digits (8x8) upscaled with Pillow's bicubic filter: little detail in many pixels."""
    X, y, _ = read_image_folder(DIGITS)
    keep = np.concatenate([np.flatnonzero(y == c)[: n // 2] for c in ("0", "1")])
    big = np.stack([
        np.asarray(Image.fromarray(img).resize((width or side, side), Image.Resampling.BICUBIC)) for img in X[keep]
    ])
    return big, y[keep]


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


def test_encoder_state_without_working_shape_loads_at_input_size():
    X = _images((3, 12, 12), np.uint8)
    state = ImageEncoder().fit(X).get_state()
    del state["working_shape"], state["working_size"]  # a file written before working sizes
    enc = ImageEncoder.from_state(state)
    assert enc.working_shape_ == (12, 12)
    np.testing.assert_array_equal(enc.inverse_transform(enc.transform(X)), X)


# ----------------------------------------------------------------- folders
def _write_folder(root, counts=None, size=(8, 8), mode="L"):
    counts = counts or {"cat": 12, "dog": 3}
    rng = np.random.default_rng(0)
    shape = size if mode == "L" else (*size, 3)
    for label, n in counts.items():
        (root / label).mkdir(parents=True, exist_ok=True)
        for i in range(n):
            Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode=mode).save(
                root / label / f"img{i}.png"
            )
    return root


def test_read_image_folder(tmp_path):
    _write_folder(tmp_path / "in")
    X, y, paths = read_image_folder(tmp_path / "in")
    assert X.shape == (15, 8, 8) and X.dtype == np.uint8
    assert Counter(y.tolist()) == {"cat": 12, "dog": 3}
    assert len(paths) == 15


def test_sample_digits_folder():
    X, y, _ = read_image_folder(DIGITS)
    assert X.shape[1:] == (8, 8)
    counts = Counter(y.tolist())
    assert len(counts) == 10 and min(counts.values()) < 0.05 * len(y)


def _cli(*args):
    return CliRunner().invoke(ganaug, [str(a) for a in args])


def test_cli_augment_images(tmp_path):
    src = _write_folder(tmp_path / "in")
    out = tmp_path / "out"
    result = _cli("augment-images", src, "-o", out, "--epochs", 1, *TINY_RECIPE, "--seed", 0, "-q")
    assert result.exit_code == 0, result.output
    dog = sorted(p.name for p in (out / "dog").iterdir())
    assert len(dog) == 12 and sum(n.startswith("ganaug_synthetic_") for n in dog) == 9
    assert (out / "cat" / "img0.png").read_bytes() == (src / "cat" / "img0.png").read_bytes()
    # never overwrites: a second run into the same folder is refused, files untouched
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.png")}
    again = _cli("augment-images", src, "-o", out, "--epochs", 1, *TINY_RECIPE, "-q")
    assert again.exit_code == 1 and "already exists" in again.output
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.png")} == before


def test_cli_synthetic_only_and_save_model_preview(tmp_path):
    src = _write_folder(tmp_path / "in")
    out = tmp_path / "out"
    model = tmp_path / "m.ganaug"
    result = _cli(
        "augment-images", src, "-o", out, "--synthetic-only", "--epochs", 1, *JUDGED_RECIPE,
        "--save-model", model, "-q",
    )
    assert result.exit_code == 0, result.output
    names = [p.name for p in out.rglob("*.png")]
    assert len(names) == 9 and all(n.startswith("ganaug_synthetic_") for n in names)
    grid = tmp_path / "grid.png"
    result = _cli("preview", model, "-o", grid, "--per-class", 3)
    assert result.exit_code == 0, result.output
    with Image.open(grid) as img:
        assert img.format == "PNG" and img.size[0] > img.size[1] > 0


def test_cli_augment_images_report_has_sample_grids(tmp_path):
    import base64
    import io
    import re

    src = _write_folder(tmp_path / "in")
    report = tmp_path / "report.html"
    result = _cli("augment-images", src, "-o", tmp_path / "out", "--epochs", 1, *TINY_RECIPE, "--seed", 0,
                  "--report", report, "-q")
    assert result.exit_code == 0, result.output
    html = report.read_text()
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", html)
    assert "Real samples" in captions and "Synthetic samples" in captions
    pngs = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html)
    assert len(pngs) == len(captions)
    for data in pngs:
        with Image.open(io.BytesIO(base64.b64decode(data))) as img:
            assert img.format == "PNG" and img.size[0] > 0
    # an existing report is never overwritten
    again = _cli("augment-images", src, "-o", tmp_path / "out2", "--epochs", 1, *TINY_RECIPE, "--report", report)
    assert again.exit_code == 1 and "already exists" in again.output
    assert not (tmp_path / "out2").exists()


def test_cli_errors(tmp_path):
    src = _write_folder(tmp_path / "in")
    (src / "dog" / "broken.png").write_bytes(b"not a png")
    result = _cli("augment-images", src, "-o", tmp_path / "out", "--epochs", 1, *TINY_RECIPE)
    assert result.exit_code == 1 and "broken.png" in result.output

    empty = tmp_path / "empty"
    (empty / "nothing").mkdir(parents=True)
    result = _cli("augment-images", empty, "-o", tmp_path / "out2")
    assert result.exit_code == 1 and "no classes" in result.output

    mixed = _write_folder(tmp_path / "mixed")
    Image.fromarray(np.zeros((10, 9), np.uint8)).save(mixed / "dog" / "big.png")
    result = _cli("augment-images", mixed, "-o", tmp_path / "out3")
    assert result.exit_code == 1 and "mixed sizes" in result.output and "--size" in result.output

    result = _cli("augment-images", mixed, "-o", tmp_path / "out4", "--size", "banana")
    assert result.exit_code == 2 and "HxW" in result.output


def test_cli_size_resizes_mixed_folder(tmp_path):
    mixed = _write_folder(tmp_path / "mixed", mode="RGB")
    Image.fromarray(np.zeros((20, 18, 3), np.uint8)).save(mixed / "dog" / "big.png")
    out = tmp_path / "out"
    result = _cli("augment-images", mixed, "-o", out, "--size", "12x10", "--epochs", 1, *TINY_RECIPE, "-q")
    assert result.exit_code == 0, result.output
    with Image.open(out / "dog" / "big.png") as img:
        assert img.size == (10, 12) and img.mode == "RGB"


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
