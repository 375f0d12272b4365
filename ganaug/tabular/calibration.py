"""Calibration: each class's generated rows moved onto its real rows' moments.

A GAN trained for a few hundred steps on a class of a dozen rows gets the class's
centre and spread only roughly right, and a classifier draws its boundary from just
those. After training, :func:`fit_calibration` generates ``CALIBRATION_ROWS`` rows per
class once and learns an :class:`OutputCalibration` from them and the real rows;
every later draw goes through it (``GANAugmenter.calibration_``). It costs one draw
of 1,000 rows per class at fit and a multiply-add per value at every draw.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CALIBRATION_ROWS", "OutputCalibration", "fit_calibration"]

CALIBRATION_ROWS = 1000  # generated rows per class that calibration is learned from

class OutputCalibration:
    """Per class, generator output moved onto the real rows' first moments in GAN space.

    A GAN trained for a few hundred steps on a class of a dozen rows gets the
    class's centre and spread only roughly right, and a classifier such as a
    logistic regression draws its boundary from just those. For each class and each
    numeric value (in the encoder's normal-score space) an affine map gives the
    generated values the mean and standard deviation of the class's present real
    values; each categorical column's probabilities are reweighted so that their
    mean matches the class's level frequencies (smoothed by half a row, so that a
    level the class's few rows lack stays possible). Missing-value indicators are
    left alone: decoding sets each class's missing rate.

    Parameters
    ----------
    encoder : TabularEncoder
        Fitted; gives the layout of GAN space.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from ganaug.tabular.encoder import TabularEncoder
    >>> enc = TabularEncoder().fit(pd.DataFrame({"x": [0.0, 1, 2, 3, 4, 5], "c": list("aabbab")}))
    >>> real = enc.transform(pd.DataFrame({"x": [0.0, 1, 2, 3, 4, 5], "c": list("aabbab")}))
    >>> fake = np.tile(real[:1], (4, 1)) + np.array([[0.0, 0, 0], [0.5, 0, 0], [1.0, 0, 0], [1.5, 0, 0]])
    >>> cal = OutputCalibration(enc).fit(real, np.zeros(6, int), fake, np.zeros(4, int), 1)
    >>> out = cal.transform(fake, np.zeros(4, int))
    >>> bool(np.allclose([out[:, 0].mean(), out[:, 0].std()], [real[:, 0].mean(), real[:, 0].std()], atol=1e-5))
    True
    """

    def __init__(self, encoder):
        self.encoder = encoder

    def _layout(self):
        """(value dims, indicator dim or None) per numeric column; category blocks."""
        values, blocks, pos = [], [], 0
        for col in self.encoder.columns_:
            if col.kind == "numeric" and col.spans:
                indicator = pos + 1 if len(col.spans) > 1 else None
                values.append((pos, indicator))
            elif col.kind == "categorical" and col.spans[0].width > 1:
                blocks.append((pos, pos + col.spans[0].width))
            pos += sum(span.width for span in col.spans)
        return values, blocks

    def fit(self, real, real_y, fake, fake_y, n_classes):
        """Learn the maps from real rows and generated rows (both in GAN space) per class."""
        values, blocks = self._layout()
        real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)
        real_y, fake_y = np.asarray(real_y), np.asarray(fake_y)
        self.scale_ = np.ones((n_classes, len(values)))
        self.shift_ = np.zeros((n_classes, len(values)))
        width = sum(b - a for a, b in blocks)
        self.weights_ = np.ones((n_classes, width))
        for k in range(n_classes):
            r, f = real[real_y == k], fake[fake_y == k]
            if not len(r) or not len(f):
                continue
            for j, (dim, indicator) in enumerate(values):
                present = r[:, dim] if indicator is None else r[r[:, indicator] > 0.5, dim]
                if not len(present):
                    continue
                sd_fake = f[:, dim].std()
                scale = present.std() / sd_fake if sd_fake > 1e-6 else 1.0
                self.scale_[k, j] = min(scale, 10.0)
                self.shift_[k, j] = present.mean() - self.scale_[k, j] * f[:, dim].mean()
            at = 0
            for a, b in blocks:
                smooth = 0.5 / len(r)
                wanted = r[:, a:b].mean(axis=0) + smooth
                made = f[:, a:b].mean(axis=0) + smooth
                self.weights_[k, at : at + b - a] = wanted / made
                at += b - a
        return self

    def transform(self, Z, y):
        """Generated rows (GAN space) of classes ``y`` -> calibrated rows."""
        values, blocks = self._layout()
        Z = np.array(Z, dtype=np.float32)
        y = np.asarray(y)
        if values:
            dims = [dim for dim, _ in values]
            scale, shift = self.scale_.astype(np.float32), self.shift_.astype(np.float32)
            Z[:, dims] = Z[:, dims] * scale[y] + shift[y]
        weights = self.weights_.astype(np.float32)
        at = 0
        for a, b in blocks:
            p = Z[:, a:b] * weights[y, at : at + b - a]
            Z[:, a:b] = p / np.clip(p.sum(axis=1, keepdims=True), 1e-12, None)
            at += b - a
        return Z

    def get_state(self):
        return {"scale": self.scale_.tolist(), "shift": self.shift_.tolist(), "weights": self.weights_.tolist()}

    @classmethod
    def from_state(cls, encoder, state):
        cal = cls(encoder)
        cal.scale_, cal.shift_, cal.weights_ = (
            np.asarray(state[k], dtype=np.float64).reshape(len(state[k]), -1) for k in ("scale", "shift", "weights")
        )
        return cal


def fit_calibration(encoder, encoded, y_idx, n_classes, generate, seed):
    """Per class, the generator's output mapped onto the real rows' moments.

    ``CALIBRATION_ROWS`` rows per class are generated once with ``generate(labels,
    rng)`` (raw generator output in GAN space), and :class:`OutputCalibration` learns,
    from them and the real rows ``encoded`` (classes ``y_idx``), the affine map of each
    numeric value and the weights of each category that give the class's mean, spread
    and level frequencies.
    """
    labels = np.repeat(np.arange(n_classes), CALIBRATION_ROWS)
    fake = generate(labels, np.random.RandomState(seed))
    return OutputCalibration(encoder).fit(encoded, y_idx, fake, labels, n_classes)
