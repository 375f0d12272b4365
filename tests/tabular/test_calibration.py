"""ganaug.tabular.calibration: each class's moments."""

import numpy as np

from ganaug import GANAugmenter

from .conftest import _shared_table  # noqa: E402


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
