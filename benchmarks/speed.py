"""Training and sampling speed of GANAugmenter on a 10,000 x 20 mixed table.

    python benchmarks/speed.py [--rows 10000] [--epochs 5] [--sample 200000]

Prints seconds per training epoch (after the first, which includes tracing the
tf.function) and end-to-end `sample` throughput in rows per second, decoding back
to a DataFrame included.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402

from ganaug import GANAugmenter  # noqa: E402


class EpochTimer(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self.start)


def mixed_table(rows, seed=0):
    """15 numeric columns (3 of them integers) and 5 categorical ones, 3 classes."""
    X, y = make_classification(n_samples=rows, n_features=20, n_informative=8,
                               n_classes=3, weights=[0.8, 0.15, 0.05], random_state=seed)
    frame = pd.DataFrame(X[:, :15], columns=[f"num{i}" for i in range(15)])
    for i in range(3):
        frame[f"num{i}"] = np.round(frame[f"num{i}"] * 10).astype(np.int64)
    for i in range(5):
        levels = np.array([f"level{k}" for k in range(3 + 2 * i)])
        codes = np.digitize(X[:, 15 + i], np.quantile(X[:, 15 + i], np.linspace(0, 1, len(levels) + 1)[1:-1]))
        frame[f"cat{i}"] = levels[codes]
    return frame, y


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--sample", type=int, default=200_000)
    args = parser.parse_args()

    X, y = mixed_table(args.rows)
    aug = GANAugmenter(epochs=args.epochs, random_state=0)
    timer = EpochTimer()
    aug.fit(X, y, callbacks=[timer])
    steady = timer.times[1:] or timer.times
    print(f"table: {X.shape[0]} rows x {X.shape[1]} columns; GAN space {aug.encoder_.output_dim_} wide; "
          f"batch_size {aug.batch_size}, {aug._steps_per_epoch(len(X))} steps per epoch")
    print(f"first epoch (includes tracing): {timer.times[0]:.2f} s")
    print(f"seconds per epoch (mean of epochs 2-{args.epochs}): {np.mean(steady):.2f} s")

    aug.sample(1000, random_state=0)  # warm-up
    for n in (10_000, args.sample):
        start = time.perf_counter()
        X_new, _ = aug.sample(n, random_state=1)
        elapsed = time.perf_counter() - start
        assert isinstance(X_new, pd.DataFrame) and len(X_new) == n
        print(f"sample({n}) to a DataFrame: {elapsed:.2f} s = {n / elapsed:,.0f} rows/s")


if __name__ == "__main__":
    main()
