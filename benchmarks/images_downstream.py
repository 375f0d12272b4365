"""Downstream benchmark for images: does GAN rebalancing help a classifier?

Train set: the imbalanced folder ``sample_data/digits`` (444 8x8 digits, classes
7, 8 and 9 with 8 images each). Test set: every other image of scikit-learn's
digits, i.e. the 1,353 rows of ``load_digits`` whose index is not in the folder
(file names carry the index), held out and roughly balanced.

A classifier (logistic regression on pixels scaled to [0, 1]) is trained on

- the real images only;
- random oversampling (imblearn ``RandomOverSampler``);
- SMOTE on the flattened pixels (imblearn ``SMOTE``);
- real + synthetic images from ``GANAugmenter``,

and scored on the held-out real images: balanced accuracy and the mean recall of
the minority classes. It also prints the GAN's seconds per epoch on this CPU and,
with ``--quality``, FID/KID/precision/recall of the synthetic minority images
against the held-out real ones on a small CNN trained on the training images
(comparable only between runs of this script, which use the same extractor).

Run from the repository root::

    python benchmarks/images_downstream.py --epochs 150 --batch-size 64 --quality
"""

from __future__ import annotations

import argparse
import os
import re
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def load_split(folder):
    from sklearn.datasets import load_digits

    from ganaug.images import read_image_folder

    X_train, y_train, paths = read_image_folder(folder)
    y_train = y_train.astype(int)
    used = {int(re.search(r"_(\d+)\.png$", p.name).group(1)) for p in paths}
    digits = load_digits()
    test = np.array([i for i in range(len(digits.target)) if i not in used])
    X_test = np.rint(digits.images[test] * 255.0 / 16.0).astype(np.uint8)
    return X_train, y_train, X_test, digits.target[test]


def flat(X):
    return X.reshape(len(X), -1).astype(np.float64) / 255.0


def score(X, y, X_test, y_test, minority):
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import balanced_accuracy_score, recall_score

    clf = LogisticRegression(max_iter=3000).fit(flat(X), y)
    pred = clf.predict(flat(X_test))
    recalls = recall_score(y_test, pred, labels=minority, average=None)
    return balanced_accuracy_score(y_test, pred), float(np.mean(recalls))


def main():
    import keras
    from imblearn.over_sampling import SMOTE, RandomOverSampler

    from ganaug import GANAugmenter

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default=ROOT / "sample_data" / "digits", type=Path)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--quality", action="store_true", help="Also print FID/KID/precision/recall.")
    args = parser.parse_args()

    X, y, X_test, y_test = load_split(args.folder)
    counts = np.bincount(y)
    minority = [int(c) for c in np.flatnonzero(counts < counts.max() / 2)]
    print(f"train: {len(X)} images {dict(enumerate(counts.tolist()))}; test: {len(X_test)} held-out real images")
    print(f"minority classes: {minority}\n")

    rows = {"real only": [], "random oversampling": [], "SMOTE on pixels": [], "GANAugmenter": []}
    seconds = []
    synthetic = None
    for seed in args.seeds:
        rows["real only"].append(score(X, y, X_test, y_test, minority))
        Xr, yr = RandomOverSampler(random_state=seed).fit_resample(flat(X), y)
        rows["random oversampling"].append(score((Xr * 255).reshape(-1, 8, 8), yr, X_test, y_test, minority))
        Xs, ys = SMOTE(random_state=seed).fit_resample(flat(X), y)
        rows["SMOTE on pixels"].append(score((Xs * 255).reshape(-1, 8, 8), ys, X_test, y_test, minority))

        times = []

        class Timer(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                self.t = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                times.append(time.perf_counter() - self.t)

        aug = GANAugmenter(epochs=args.epochs, batch_size=args.batch_size, random_state=seed)
        Xg, yg = aug.fit_resample(X, y, callbacks=[Timer()])
        seconds.append(float(np.median(times[1:] or times)))
        rows["GANAugmenter"].append(score(Xg, yg, X_test, y_test, minority))
        synthetic = (Xg[len(X):], yg[len(X):])

    print(f"GANAugmenter: {args.epochs} epochs, median {np.mean(seconds):.3f} s per epoch "
          f"({aug._steps_per_epoch(len(X))} steps of {aug.batch_size} images) "
          f"on {os.cpu_count()} CPU cores\n")
    n = len(args.seeds)
    print(f"| method | balanced accuracy | minority recall (classes {', '.join(map(str, minority))}) |")
    print("|---|---|---|")
    for name, values in rows.items():
        v = np.array(values)
        sd = lambda col: f" ± {v[:, col].std():.3f}" if n > 1 else ""  # noqa: E731
        print(f"| {name} | {v[:, 0].mean():.3f}{sd(0)} | {v[:, 1].mean():.3f}{sd(1)} |")
    print(f"\nMean{' ± std' if n > 1 else ''} over seeds {args.seeds}; logistic regression on pixels, "
          f"held-out real test images.")

    if args.quality:
        from ganaug.images import FeatureExtractor, image_quality

        ext = FeatureExtractor(epochs=20).fit(X, y)
        scores = image_quality(X_test, synthetic[0], ext, y_real=y_test, y_fake=synthetic[1])
        baseline = image_quality(X_test, X, ext, y_real=y_test, y_fake=y)
        print("\nSynthetic (last seed) vs held-out real, on the CNN features "
              "(reference: the real training images of the class):\n")
        print("| class | FID | KID | precision | recall | FID real train | n synthetic |")
        print("|---|---|---|---|---|---|---|")
        for c in minority:
            s, b = scores[c], baseline[c]
            print(f"| {c} | {s['fid']:.2f} | {s['kid']:.3f} | {s['precision']:.2f} | "
                  f"{s['recall']:.2f} | {b['fid']:.2f} | {s['n_fake']} |")


if __name__ == "__main__":
    main()
