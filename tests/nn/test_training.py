"""ganaug.nn.training: balanced batches, divergence and restarts."""


import numpy as np
import pytest

from ganaug import GANAugmenter, TrainingDivergedError
from ganaug.nn.training import balanced_batches

from ..conftest import TINY, mixed_table

# Also run under JAX and PyTorch by .ci/backends (marker `backends`).
pytestmark = pytest.mark.backends


def _batches(dataset):
    return [(np.asarray(x), np.asarray(y)) for x, y in dataset]


def test_balanced_batches_balance_classes_and_keep_rows_with_their_labels():
    # 3 classes of 90, 9 and 1 rows; a row's value // 1000 is its class
    y = np.repeat([0, 1, 2], [90, 9, 1])
    x = (y * 1000 + np.arange(len(y))).astype("float32")[:, None]
    batches = _batches(balanced_batches(x, y, 3, 300, steps=4, epochs=5, seed=0))
    assert len(batches) == 20
    labels = np.concatenate([b[1] for b in batches])
    rows = np.concatenate([b[0] for b in batches])[:, 0]
    share = labels.mean(axis=0)
    assert np.allclose(share, 1 / 3, atol=0.02), share
    np.testing.assert_array_equal(rows // 1000, labels.argmax(axis=1))
    # every row of the small classes is drawn
    assert set(rows[labels[:, 1] == 1]) == set(x[y == 1, 0])
    assert set(rows[labels[:, 2] == 1]) == set(x[y == 2, 0])


def test_balanced_batches_are_reproducible_and_resume_where_they_stopped():
    y = np.repeat([0, 1], [30, 5])
    x = np.arange(35, dtype="float32")[:, None]
    full = _batches(balanced_batches(x, y, 2, 8, steps=3, epochs=4, seed=7))
    again = _batches(balanced_batches(x, y, 2, 8, steps=3, epochs=4, seed=7))
    resumed = _batches(balanced_batches(x, y, 2, 8, steps=3, epochs=4, seed=7, initial_epoch=2))
    other = _batches(balanced_batches(x, y, 2, 8, steps=3, epochs=4, seed=8))
    for a, b in zip(full, again):
        np.testing.assert_array_equal(a[0], b[0])
    assert len(resumed) == 6
    for a, b in zip(full[6:], resumed):
        np.testing.assert_array_equal(a[0], b[0])
    assert not all(np.array_equal(a[0], b[0]) for a, b in zip(full, other))


def test_balanced_batches_pairs_draw_a_partner_of_the_same_class():
    # a row's value // 1000 is its class; partners are drawn apart from the rows
    y = np.repeat([0, 1, 2], [50, 6, 3])
    x = (y * 1000 + np.arange(len(y))).astype("float32")[:, None, None, None]
    batches = [
        tuple(np.asarray(t) for t in b) for b in balanced_batches(x, y, 3, 200, steps=3, epochs=1, seed=0, pairs=True)
    ]
    rows = np.concatenate([b[0] for b in batches]).ravel()
    partners = np.concatenate([b[1] for b in batches]).ravel()
    labels = np.concatenate([b[2] for b in batches]).argmax(axis=1)
    np.testing.assert_array_equal(partners // 1000, labels)
    np.testing.assert_array_equal(rows // 1000, labels)
    assert 0.1 < np.mean(rows != partners) < 1
    plain = np.concatenate([np.asarray(b[0]) for b in balanced_batches(x, y, 3, 200, steps=3, epochs=1, seed=0)])
    np.testing.assert_array_equal(plain.ravel(), rows)




# --------------------------------------------------------------------- faults
def test_divergence_stops_with_the_epoch_named():
    X = mixed_table().drop(columns=["c", "label"])
    aug = GANAugmenter(**{**TINY, "epochs": 5}, generator_lr=1e9, discriminator_lr=1e9, random_state=0)
    with pytest.raises(TrainingDivergedError, match=r"became (nan|inf) at epoch \d") as info:
        aug.fit_resample(X, mixed_table()["label"])
    epoch = int(info.value.args[0].split("at epoch ")[1].split(".")[0])
    assert len(aug.history_["d_loss"]) == epoch < 5  # stopped at once, not after 5 epochs


def test_divergence_restart_lowers_learning_rate():
    X = mixed_table().drop(columns=["c", "label"])
    # measured: this table diverges at epoch 3 with a rate of 1e6 and trains at 1e5
    aug = GANAugmenter(**{**TINY, "epochs": 5}, generator_lr=1e6, discriminator_lr=1e6,
                       on_divergence="restart", random_state=0)
    with pytest.warns(UserWarning, match="restarting with learning rates"):
        X_res, _ = aug.fit_resample(X, mixed_table()["label"])
    assert np.isfinite(X_res.to_numpy(dtype=float)).all()
