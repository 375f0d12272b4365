"""Image quality: FID, KID and precision/recall on the features of a CNN trained here.

:class:`FeatureExtractor` is a small CNN trained on the real images themselves, so
nothing is downloaded; :func:`image_quality` computes Fréchet and kernel distances and
precision/recall of generated images against real ones on its features, overall and
per class. Scores are comparable only between runs that use the same extractor (same
training images, same seed).
"""

from __future__ import annotations

import numpy as np

from ganaug.display import plain
from ganaug.images.encoder import ImageEncoder

__all__ = ["FeatureExtractor", "frechet_distance", "image_quality", "kernel_distance", "precision_recall"]

class FeatureExtractor:
    """A small CNN trained on the real images; its penultimate layer gives features.

    FID and KID usually use Inception features trained on ImageNet, which must be
    downloaded and do not suit 8x8 digits. This extractor is trained on the real
    training images themselves (to classify them), so the scores need no download
    but are **comparable only between runs that use the same extractor**: the
    same training images, epochs and seed.

    Parameters
    ----------
    epochs : int, default=20
    features : int, default=64
        Width of the feature layer.
    random_state : int, default=0

    Examples
    --------
    >>> from ganaug.images.quality import FeatureExtractor, image_quality
    >>> ext = FeatureExtractor(epochs=5).fit(X_train, y_train)  # doctest: +SKIP
    >>> image_quality(X_real, X_fake, ext)  # doctest: +SKIP
    """

    def __init__(self, epochs=20, features=64, random_state=0):
        self.epochs = epochs
        self.features = features
        self.random_state = random_state

    def fit(self, X, y):
        from ganaug.nn.backend import keras, layers
        from ganaug.nn.gan import Adam

        self.encoder_ = ImageEncoder().fit(X)
        Z = self.encoder_.transform(X)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        seed = int(self.random_state)
        init = keras.initializers.GlorotUniform(seed=seed)
        inputs = keras.Input(self.encoder_.canvas_shape_)
        h = inputs
        for i, filters in enumerate((32, 64)):
            h = layers.Conv2D(filters, 3, strides=2, padding="same", kernel_initializer=init)(h)
            h = layers.LeakyReLU(0.2)(h)
        h = layers.GlobalAveragePooling2D()(h)
        feats = layers.Dense(self.features, activation="relu", kernel_initializer=init, name="features")(h)
        out = layers.Dense(len(self.classes_), kernel_initializer=init)(feats)
        model = keras.Model(inputs, out)
        model.compile(
            optimizer=Adam(1e-3),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        model.fit(Z, y_idx, epochs=self.epochs, batch_size=64, verbose=0, shuffle=False)
        self.model_ = keras.Model(inputs, feats)
        return self

    def transform(self, X):
        """Feature vectors of images shaped like the training images."""
        return np.asarray(self.model_.predict(self.encoder_.transform(X), verbose=0), dtype=np.float64)


def frechet_distance(f1, f2):
    """Frechet distance between Gaussians fitted to two feature sets (FID's formula)."""
    from scipy import linalg

    f1, f2 = np.asarray(f1, np.float64), np.asarray(f2, np.float64)
    mu1, mu2 = f1.mean(0), f2.mean(0)
    s1, s2 = np.atleast_2d(np.cov(f1, rowvar=False)), np.atleast_2d(np.cov(f2, rowvar=False))
    # features of a ReLU layer can be constant (dead units): a tiny ridge keeps
    # the product's square root well defined
    eps = np.eye(len(s1)) * 1e-6
    covmean = np.real(linalg.sqrtm((s1 + eps) @ (s2 + eps)))
    value = float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2.0 * covmean))
    return max(value, 0.0)


def kernel_distance(f1, f2):
    """Unbiased squared MMD with the cubic polynomial kernel (KID's formula)."""
    f1, f2 = np.asarray(f1, np.float64), np.asarray(f2, np.float64)
    d = f1.shape[1]

    def k(a, b):
        return (a @ b.T / d + 1.0) ** 3

    m, n = len(f1), len(f2)
    kxx, kyy, kxy = k(f1, f1), k(f2, f2), k(f1, f2)
    xx = (kxx.sum() - np.trace(kxx)) / (m * (m - 1))
    yy = (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
    return float(xx + yy - 2.0 * kxy.mean())


def precision_recall(real, fake, k=3):
    """Improved precision and recall (Kynkaanniemi et al., 2019) on feature sets.

    Precision: share of fake points inside the union of the real points' k-NN
    balls; recall: share of real points inside the fake points' balls.
    """
    from sklearn.metrics import pairwise_distances

    real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)

    def radii(x):
        d = pairwise_distances(x)
        kk = min(k, len(x) - 1)
        return np.sort(d, axis=1)[:, kk]

    r_real, r_fake = radii(real), radii(fake)
    d = pairwise_distances(fake, real)
    precision = float((d <= r_real[None, :]).any(axis=1).mean())
    recall = float((d.T <= r_fake[None, :]).any(axis=1).mean())
    return precision, recall


def image_quality(real, fake, extractor, *, y_real=None, y_fake=None):
    """FID, KID, precision and recall of ``fake`` against ``real``, overall and per class.

    Parameters
    ----------
    real, fake : ndarray
        Images shaped like those the extractor was fitted on.
    extractor : FeatureExtractor
        Fitted; scores are comparable only between runs that use the same one.
    y_real, y_fake : array-like, optional
        Labels; when both are given, a row per class is added.

    Returns
    -------
    dict
        ``{"all": {...}, class: {...}}`` with keys ``fid``, ``kid``, ``precision``,
        ``recall``, ``n_real``, ``n_fake``.

    Examples
    --------
    >>> scores = image_quality(X_test, X_fake, extractor)  # doctest: +SKIP
    >>> scores["all"]["fid"]  # doctest: +SKIP
    """
    f_real, f_fake = extractor.transform(real), extractor.transform(fake)

    def scores(a, b):
        precision, recall = precision_recall(a, b)
        return {
            "fid": frechet_distance(a, b),
            "kid": kernel_distance(a, b),
            "precision": precision,
            "recall": recall,
            "n_real": len(a),
            "n_fake": len(b),
        }

    out = {"all": scores(f_real, f_fake)}
    if y_real is not None and y_fake is not None:
        y_real, y_fake = np.asarray(y_real), np.asarray(y_fake)
        for label in np.unique(y_fake):
            a, b = f_real[y_real == label], f_fake[y_fake == label]
            if len(a) > 2 and len(b) > 2:
                out[plain(label)] = scores(a, b)
    return out
