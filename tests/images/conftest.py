"""Image sets and settings the image stage tests share."""

from pathlib import Path

import numpy as np
from click.testing import CliRunner
from PIL import Image

from ganaug.cli import ganaug
from ganaug.images import read_image_folder

# tiny networks and 5 steps; the label check's CNN judge (filter_labels) only where a
# test is about it, as it costs more than the 5 steps
TINY = dict(epochs=1, steps_per_epoch=5, batch_size=32, latent_dim=8, generator_units=(32,),
            discriminator_units=(32,), filter_labels=False)


JUDGED = {**TINY, "filter_labels": True}


DIGITS = Path(__file__).resolve().parent.parent.parent / "sample_data" / "digits"


# tiny networks for the CLI tests (with --epochs 1, 10 steps); the label check only in
# the test that saves a model and previews it
TINY_RECIPE = ("--recipe", Path(__file__).resolve().parent.parent / "tiny_images.toml")


JUDGED_RECIPE = ("--recipe", Path(__file__).resolve().parent.parent / "tiny.toml")


def _images(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "u":
        return rng.integers(0, 256, shape, dtype=np.uint8)
    return rng.random(shape).astype(dtype)


def _imbalanced(shape=(8, 8), dtype=np.uint8, counts=(20, 4)):
    X = _images((sum(counts), *shape), dtype)
    y = np.repeat(np.arange(len(counts)), counts)
    return X, y


class _OracleJudge:
    """Reads the class an image was 'drawn' as from its first pixel."""

    def __init__(self, n_classes):
        self.n_classes = n_classes

    def predict_proba(self, Z):
        return np.eye(self.n_classes)[Z[:, 0].astype(int)]


def _capture_sources(aug):
    """Make ``aug`` record the real images its warps are made from."""
    sources = []
    warp_full_size = aug.encoder_.warp_full_size
    aug.encoder_.warp_full_size = lambda images, flows: sources.append(images) or warp_full_size(images, flows)
    return sources


def _upscaled_digits(side=28, n=60, width=None):
    """Sample digits (8x8) upscaled with Pillow's bicubic filter: little detail in many pixels."""
    X, y, _ = read_image_folder(DIGITS)
    keep = np.concatenate([np.flatnonzero(y == c)[: n // 2] for c in ("0", "1")])
    big = np.stack([
        np.asarray(Image.fromarray(img).resize((width or side, side), Image.Resampling.BICUBIC)) for img in X[keep]
    ])
    return big, y[keep]


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


def _cli(*args):
    return CliRunner().invoke(ganaug, [str(a) for a in args])
