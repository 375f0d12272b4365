"""ganaug.tabular.calibration: each class's moments."""

import numpy as np

from ganaug import GANAugmenter

from .conftest import _shared_table


def test_calibration_gives_each_class_its_real_centre_and_levels(tiny):
    frame, y = _shared_table()
    aug = GANAugmenter(**tiny, shared_columns=None, filter_labels=False, random_state=0).fit(frame, y)
    calibration = aug.calibration_
    real = frame[y == 1]

    def gaps():
        out, _ = aug.sample(y={1: 2000}, random_state=0)
        centre = abs(out["signal"].mean() - real["signal"].mean()) / real["signal"].std()
        spread = abs(np.log(out["signal"].std() / real["signal"].std()))
        levels = (out["level"].value_counts(normalize=True)
                  - real["level"].value_counts(normalize=True)).abs().max()
        return centre, spread, levels

    calibrated = gaps()
    aug.calibration_ = None  # a 2-epoch GAN's own output
    raw = gaps()
    aug.calibration_ = calibration
    # Centre and levels match; the spread is matched in normal-score space, so a
    # class in the tail of the whole table's distribution comes out somewhat wider.
    assert calibrated[0] < 0.15 and calibrated[1] < 0.4 and calibrated[2] < 0.06
    assert sum(raw) > sum(calibrated) + 0.2


def test_a_class_holding_the_columns_minimum_is_not_stretched_towards_it():
    # A class of 9 holds the column's minimum 3 times: the encoding puts those at
    # about -5.2, far beyond where any value decodes to the minimum anyway. A generator
    # that has the class's bulk right must not be stretched until three quarters of its
    # values decode to the class's minimum or maximum (4 of 9 real values are).
    import pandas as pd

    from ganaug.tabular.calibration import OutputCalibration
    from ganaug.tabular.encoder import TabularEncoder

    rng = np.random.default_rng(0)
    small = np.array([9, 9, 9, 12, 13, 13, 14, 16, 18.0])
    frame = pd.DataFrame({"x": np.concatenate([rng.integers(10, 41, size=91).astype(float), small])})
    y = np.array([0] * 91 + [1] * 9)
    encoder = TabularEncoder().fit(frame)
    real = encoder.transform(frame)
    assert (real[91:, 0] < -5).sum() == 3
    inner = real[91:][real[91:, 0] > -5, 0]
    fake = rng.normal(inner.mean(), inner.std(), size=(2000, 1)).astype(np.float32)
    fake_y = np.ones(2000, dtype=int)
    calibration = OutputCalibration(encoder).fit(real, y, fake, fake_y, 2)
    out = encoder.inverse_transform(calibration.transform(fake, fake_y), random_state=0)["x"]
    share = ((out <= small.min()) | (out >= small.max())).mean()
    assert abs(share - 4 / 9) < 0.1  # 0.43 with the clipped moments, 0.74 without
