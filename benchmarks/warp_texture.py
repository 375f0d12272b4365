"""Do warps keep the images' pixel texture? A check of a suspected tell.

A warp resamples an image; a bilinear warp averages neighbouring pixels and so
removes part of any pixel-level noise. When only the minority classes get warped
images (rebalancing), a CNN can learn that smoothness as the sign of those classes
and then put their real, noisy test images elsewhere.

For each image set of ``image_sets.py`` this prints the mean absolute Laplacian (the
images' high-frequency energy) of 300 real images and of their hand-set random warps
(``images_downstream.random_warps``), bilinear, nearest-pixel, and bilinear with the
grain kept (the blurred image moved bilinearly, the rest to the nearest pixel, as
``GANAugmenter`` moves its images). With ``--cnn SET``
it also runs fold 0 of the downstream benchmark's protocol on that set with the
``warp`` arm the three ways and prints the small CNN's balanced accuracy and minority
recall on the test fold (random over-sampling beside them). With ``--gan SET`` it fits
a default ``GANAugmenter`` on that fold's training images and prints the Laplacian of
60 new images per minority class beside that of their real images.

Run from the repository root::

    python benchmarks/warp_texture.py
    python benchmarks/warp_texture.py --cnn colour32
    python benchmarks/warp_texture.py --sets colour32 --gan colour32
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]
import image_sets  # noqa: E402
import images_downstream as bench  # noqa: E402


def high_frequency(X):
    """Mean absolute Laplacian per pixel and channel."""
    from scipy import ndimage

    A = X.astype(np.float64)
    A = A[..., None] if A.ndim == 3 else A
    return float(np.mean([np.abs(ndimage.laplace(A[i, ..., c])).mean() for i in range(len(A)) for c in range(A.shape[-1])]))


def protocol_fold(name, number=0):
    """Fold ``number`` (0 to 4) of the downstream protocol (``images_downstream.cut_fold``):
    its seed, its cut training images and labels, the test fold's, and the minority classes."""
    X, y = image_sets.make_set(name)
    for repeat, fold, train, test in bench.folds(y, 5, 1):
        if fold == number:
            seed, minority, train, _ = bench.cut_fold(y, train, repeat, fold, 10.0)
            return seed, X[train], y[train], X[test], y[test], minority
    raise ValueError(f"fold must be 0 to 4. Got {number!r} instead.")


def gan_fold(name):
    """The Laplacian of a default GANAugmenter's new minority images on fold 0."""
    from ganaug import GANAugmenter

    seed, X_train, y_train, _, _, minority = protocol_fold(name)
    aug = GANAugmenter(random_state=seed).fit(X_train, y_train)
    new, _ = aug.sample(y={c: 60 for c in minority}, random_state=seed)
    real = X_train[np.isin(y_train, minority)]
    print(f"{name} fold 0, GANAugmenter (working size {aug.working_size_[0]}x{aug.working_size_[1]}): "
          f"new minority images' Laplacian {high_frequency(new):.1f}, their real images' "
          f"{high_frequency(real):.1f}", flush=True)


def cnn_fold(name):
    """Fold 0 of the downstream protocol: the CNN on random over-sampling and on the
    ``warp`` arm with bilinear, nearest-pixel and grain-keeping warps."""
    seed, X_train, y_train, X_test, y_test, minority = protocol_fold(name)
    X_ros, y_res, _ = bench.resample("ros", X_train, y_train, seed)
    arms = {"ros": X_ros}
    for order, grain, label in ((1, 0.0, "warp, bilinear"), (0, 0.0, "warp, nearest"), (1, 1.0, "warp, grain kept")):
        extra = bench.random_warps(X_ros[len(y_train):], np.random.default_rng(seed), order=order, grain=grain)
        arms[label] = np.concatenate([X_train, extra])
    for label, X_res in arms.items():
        score = bench.scores(y_test, bench.predict("cnn", X_res, y_res, X_test, seed), minority)
        print(f"{name} fold 0, CNN, {label}: balanced accuracy {score['balanced_accuracy']:.3f}, "
              f"minority recall {score['minority_recall']:.3f}, added images' Laplacian "
              f"{high_frequency(X_res[len(y_train):][:300]):.1f}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=list(image_sets.SETS), choices=image_sets.SETS)
    parser.add_argument("--cnn", nargs="*", default=[], choices=image_sets.SETS)
    parser.add_argument("--gan", nargs="*", default=[], choices=image_sets.SETS)
    args = parser.parse_args(argv)
    print("| set | real | warps, bilinear | warps, nearest | warps, grain kept |\n|---|---|---|---|---|")
    for name in args.sets:
        X, _ = image_sets.make_set(name)
        X = X[:300]
        cells = [high_frequency(X)] + [
            high_frequency(bench.random_warps(X, np.random.default_rng(0), order=order, grain=grain))
            for order, grain in ((1, 0.0), (0, 0.0), (1, 1.0))
        ]
        print(f"| {name} | " + " | ".join(f"{v:.1f}" for v in cells) + " |", flush=True)
    for name in args.cnn:
        cnn_fold(name)
    for name in args.gan:
        gan_fold(name)


if __name__ == "__main__":
    main()
