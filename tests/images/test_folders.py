"""ganaug.images.folders: class folders of image files."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
from collections import Counter  # noqa: E402

import numpy as np  # noqa: E402

from ganaug.images import (  # noqa: E402
    read_image_folder,
)

from .conftest import DIGITS, _write_folder  # noqa: E402


def test_read_image_folder(tmp_path):
    _write_folder(tmp_path / "in")
    X, y, paths = read_image_folder(tmp_path / "in")
    assert X.shape == (15, 8, 8) and X.dtype == np.uint8
    assert Counter(y.tolist()) == {"cat": 12, "dog": 3}
    assert len(paths) == 15


def test_sample_digits_folder():
    X, y, _ = read_image_folder(DIGITS)
    assert X.shape[1:] == (8, 8)
    counts = Counter(y.tolist())
    assert len(counts) == 10 and min(counts.values()) < 0.05 * len(y)
