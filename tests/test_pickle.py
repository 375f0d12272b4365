"""Pickling (joblib.dump / joblib.load): a fitted augmenter, or a fitted imblearn
Pipeline that holds one, loads in a fresh process that imports only ganaug and joblib;
by default the pickle holds no training rows (what ``save`` writes), and
``keep_training_rows=True`` keeps them, so that sampling goes on as right after fit."""

import copy
import pickle
import struct
import subprocess
import sys
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import Pipeline
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.preprocessing import OneHotEncoder

from ganaug import GANAugmenter

from .conftest import TINY

# Everything the fresh process does, in one run (each start imports TensorFlow).
# It imports ganaug and joblib only: no ganaug submodule by hand.
CHILD = """
import pickle, sys, warnings
import ganaug, joblib

def sample(aug, n):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        X_new, y_new = aug.sample(n, random_state=3)
    return X_new, y_new, sorted({str(w.message) for w in caught})

out = {}
unfitted = joblib.load("unfitted.joblib")
out["tensorflow_after_unfitted"] = "tensorflow" in sys.modules
out["unfitted_params"] = unfitted.get_params()
pipe = joblib.load("pipeline.joblib")
with open("X.pkl", "rb") as f:
    out["proba"] = pipe.predict_proba(pickle.load(f))
out["pickled"] = sample(pipe.named_steps["aug"], 40)
out["saved"] = sample(ganaug.load("model.ganaug"), 40)
out["kept"] = sample(joblib.load("kept.joblib"), 40)
out["image"] = sample(joblib.load("image.joblib"), 6)
out["image_saved"] = sample(ganaug.load("image.ganaug"), 6)
out["image_kept"] = sample(joblib.load("image_kept.joblib"), 6)
with open("out.pkl", "wb") as f:
    pickle.dump(out, f)
"""


def _table(n=60, seed=0):
    """x depends on the class (so it is modelled) and holds a distinct float in every
    row; k and c do not (so they are shared columns, lent by real rows)."""
    rng = np.random.default_rng(seed)
    y = np.array(["common"] * (n - n // 4) + ["rare"] * (n // 4))
    X = pd.DataFrame({
        "x": rng.normal(size=n) + 3.0 * (y == "rare"),
        "k": rng.integers(0, 5, size=n),
        "c": rng.choice(["a", "b", "c"], size=n),
    })
    return X, y


def _sample(aug, n):
    """As the fresh process samples: rows, labels and the warnings' messages."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        X_new, y_new = aug.sample(n, random_state=3)
    return X_new, y_new, sorted({str(w.message) for w in caught})


def _found(blob, values, fmt):
    """How many of ``values`` occur in ``blob`` as 8-byte numbers of either byte order
    (NumPy arrays pickle little-endian, Python floats big-endian)."""
    return sum(struct.pack("<" + fmt, v) in blob or struct.pack(">" + fmt, v) in blob for v in values)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Fit, sample, pickle and save here; load and sample in a fresh process."""
    folder = tmp_path_factory.mktemp("pickles")
    X, y = _table()
    pipe = Pipeline([
        ("aug", GANAugmenter(**TINY, random_state=0)),
        ("encode", make_column_transformer((OneHotEncoder(), ["c"]), remainder="passthrough")),
        ("model", LogisticRegression()),
    ]).fit(X, y)
    aug = pipe.named_steps["aug"]
    assert aug.shared_columns_  # so that sampling right after fit uses real rows
    here = {"X": X, "hashes": aug.train_row_hashes_.copy(), "proba": pipe.predict_proba(X),
            "after_fit": _sample(aug, 40)}
    joblib.dump(pipe, folder / "pipeline.joblib")
    aug.save(folder / "model.ganaug")
    aug.set_params(keep_training_rows=True)  # read when pickled: no refit needed
    joblib.dump(aug, folder / "kept.joblib")
    unfitted = GANAugmenter(**TINY, random_state=0)
    joblib.dump(unfitted, folder / "unfitted.joblib")
    here["unfitted_params"] = unfitted.get_params()
    X.to_pickle(folder / "X.pkl")

    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, size=(24, 8, 8), dtype=np.uint8)  # random: each one distinct
    image_aug = GANAugmenter(**{**TINY, "epochs": 1}, filter_labels=False, random_state=0)
    image_aug.fit(images, np.repeat([0, 1], [16, 8]))
    here["images"] = images
    here["image_after_fit"] = _sample(image_aug, 6)
    joblib.dump(image_aug, folder / "image.joblib")
    image_aug.save(folder / "image.ganaug")
    image_aug.set_params(keep_training_rows=True)
    joblib.dump(image_aug, folder / "image_kept.joblib")

    done = subprocess.run([sys.executable, "-c", CHILD], cwd=folder, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    with open(folder / "out.pkl", "rb") as f:
        there = pickle.load(f)
    return here, there, folder


def test_unfitted_augmenter_loads_without_tensorflow(run):
    """What a process pool (loky) sends: parameters only, nothing that needs Keras."""
    here, there, _ = run
    assert there["unfitted_params"] == here["unfitted_params"]
    assert there["tensorflow_after_unfitted"] is False


def test_fitted_pipeline_predicts_in_a_fresh_process(run):
    here, there, _ = run
    np.testing.assert_array_equal(there["proba"], here["proba"])


def test_pickle_holds_no_training_rows_by_default(run):
    """Neither a training value of x nor a row hash is in the default pickle; the same
    search finds every one of them in a pickle made with keep_training_rows=True (as
    it found them in every pickle before keep_training_rows)."""
    here, _, folder = run
    default = (folder / "pipeline.joblib").read_bytes()
    kept = (folder / "kept.joblib").read_bytes()
    x, hashes = here["X"]["x"].tolist(), here["hashes"].tolist()
    assert _found(default, x, "d") == 0
    assert _found(default, hashes, "Q") == 0
    assert _found(kept, x, "d") == len(x)
    assert _found(kept, hashes, "Q") == len(hashes)


def test_unpickled_augmenter_samples_as_a_loaded_saved_model(run):
    here, there, _ = run
    X_new, y_new, messages = there["pickled"]
    X_file, y_file, file_messages = there["saved"]
    pd.testing.assert_frame_equal(X_new, X_file, check_exact=True)
    pd.testing.assert_series_equal(y_new, y_file)
    assert messages == file_messages
    assert any("holds no training rows" in m for m in messages)
    assert any("saved without its training-row hashes" in m for m in messages)
    # not the rows of right after fit, which recombine real rows
    assert not X_new.equals(here["after_fit"][0])


def test_kept_training_rows_sample_as_right_after_fit(run):
    here, there, _ = run
    X_new, y_new, messages = there["kept"]
    X_fit, y_fit, fit_messages = here["after_fit"]
    pd.testing.assert_frame_equal(X_new, X_fit, check_exact=True)
    pd.testing.assert_series_equal(y_new, y_fit)
    assert messages == fit_messages
    assert not any("holds no training rows" in m for m in messages)


def test_image_model_round_trip(run):
    here, there, folder = run
    images = here["images"]
    X_new, y_new, messages = there["image"]
    assert X_new.shape == (6, 8, 8) and X_new.dtype == np.uint8
    np.testing.assert_array_equal(X_new, there["image_saved"][0])
    np.testing.assert_array_equal(y_new, there["image_saved"][1])
    assert any("holds no training images" in m for m in messages)
    np.testing.assert_array_equal(there["image_kept"][0], here["image_after_fit"][0])
    assert not any("holds no training images" in m for m in there["image_kept"][2])
    default = (folder / "image.joblib").read_bytes()
    kept = (folder / "image_kept.joblib").read_bytes()
    assert not any(image.tobytes() in default for image in images)
    assert all(image.tobytes() in kept for image in images)


def test_deepcopy_keeps_the_training_rows(run):
    """A copy in memory is no pickle: it samples as the original, rows included."""
    here, _, folder = run
    aug = joblib.load(folder / "kept.joblib")
    copied = copy.deepcopy(aug.set_params(keep_training_rows=False))
    pd.testing.assert_frame_equal(_sample(copied, 40)[0], here["after_fit"][0], check_exact=True)


def test_cross_val_score_in_a_process_pool():
    """loky pickles the unfitted pipeline to its workers, which fit it."""
    X, y = _table()
    pipe = Pipeline([
        ("aug", GANAugmenter(**{**TINY, "epochs": 1, "steps_per_epoch": 2}, random_state=0)),
        ("encode", make_column_transformer((OneHotEncoder(), ["c"]), remainder="passthrough")),
        ("model", LogisticRegression()),
    ])
    scores = cross_val_score(pipe, X, y, cv=2, n_jobs=2)
    assert scores.shape == (2,) and np.isfinite(scores).all()
