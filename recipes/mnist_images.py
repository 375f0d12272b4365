"""Recipe: rebalance an imbalanced MNIST with GANAugmenter (needs network access).

Downloads MNIST with ``keras.datasets.mnist`` (about 11 MB, once, into
``~/.keras/datasets``), cuts the digits 3, 5 and 8 down to 1% of their training
images, rebalances the training set with the conditional image GAN, writes a preview
grid and compares a classifier trained on real images only with one trained on
real + synthetic images, on MNIST's (balanced) test set.

Run: ``python recipes/mnist_images.py``. Tests never run this script.
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402


def main():
    import keras
    from PIL import Image
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import balanced_accuracy_score, recall_score

    from ganaug import GANAugmenter
    from ganaug.images import image_grid

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None, help="Epochs of 100 steps (default: the estimator's, 15).")
    parser.add_argument("--rare", type=int, nargs="+", default=[3, 5, 8])
    parser.add_argument("--keep", type=float, default=0.01, help="Share of each rare class kept.")
    parser.add_argument("--per-class", type=int, default=1000, help="Training images per common class.")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    (X, y), (X_test, y_test) = keras.datasets.mnist.load_data()  # uint8 (n, 28, 28)
    rng = np.random.default_rng(args.seed)
    keep = []
    for label in range(10):
        rows = rng.permutation(np.flatnonzero(y == label))
        n = int(len(rows) * args.keep) if label in args.rare else args.per_class
        keep.extend(rows[:n])
    X, y = X[np.sort(keep)], y[np.sort(keep)]
    print("training counts:", dict(zip(*np.unique(y, return_counts=True))))

    aug = GANAugmenter(epochs=args.epochs or "auto", random_state=args.seed, verbose=1)
    X_res, y_res = aug.fit_resample(X, y)  # same shape and dtype: (n, 28, 28) uint8
    aug.save("mnist_images.ganaug", force=True)

    rows = [list(aug.sample(y={c: 10}, random_state=args.seed)[0]) for c in aug.classes_]
    Image.fromarray(image_grid(rows, scale=2)).save("mnist_preview.png")
    print("wrote mnist_preview.png (a row per digit) and mnist_images.ganaug")

    def evaluate(Xtr, ytr):
        clf = LogisticRegression(max_iter=500).fit(Xtr.reshape(len(Xtr), -1) / 255.0, ytr)
        pred = clf.predict(X_test.reshape(len(X_test), -1) / 255.0)
        rare = recall_score(y_test, pred, labels=args.rare, average=None).mean()
        return balanced_accuracy_score(y_test, pred), rare

    for name, (Xtr, ytr) in {"real only": (X, y), "real + synthetic": (X_res, y_res)}.items():
        bacc, rare = evaluate(Xtr, ytr)
        print(f"{name:>18}: balanced accuracy {bacc:.3f}, recall of {args.rare} {rare:.3f}")


if __name__ == "__main__":
    main()
