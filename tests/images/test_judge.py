"""ganaug.images.judge: the label check of generated images."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from .conftest import _OracleJudge  # noqa: E402


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
