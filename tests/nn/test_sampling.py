"""ganaug.nn.sampling: chunked draws through one traced function, never a NaN row."""

import itertools

import numpy as np
import pytest

from ganaug import TrainingDivergedError
from ganaug.nn.backend import ops
from ganaug.nn.sampling import TrainedGenerator, check_finite, noise, run_generator
from ganaug.nn.table_nets import build_generator, initialize

# Also run under JAX and PyTorch by .ci/backends (marker `backends`).
pytestmark = pytest.mark.backends


def _generator():
    model = build_generator(4, 2, [("numeric", 1), ("softmax", 3)], (8,), seeds=itertools.count())
    initialize(model, np.random.RandomState(0))
    return model


def test_chunks_and_the_traced_layout_give_the_eager_numbers():
    model = _generator()
    labels = np.arange(50) % 2
    whole = run_generator(model, labels, 2, 4, np.random.RandomState(1), (4,), chunk=1000)
    chunked = run_generator(model, labels, 2, 4, np.random.RandomState(1), (4,), chunk=7)
    np.testing.assert_array_equal(whole, chunked)
    traced = run_generator(TrainedGenerator(model), labels, 2, 4, np.random.RandomState(1), (4,), chunk=16)
    z = noise(np.random.RandomState(1), 50, 4)
    eager = ops.convert_to_numpy(model([z, np.eye(2, dtype=np.float32)[labels]], training=False))
    np.testing.assert_allclose(traced, eager, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(whole, eager, rtol=1e-5, atol=1e-6)
    # the softmax block of each row is a distribution over its 3 levels
    np.testing.assert_allclose(whole[:, 1:].sum(axis=1), 1.0, rtol=1e-5)


def test_a_nan_output_is_never_returned():
    check_finite(np.zeros((2, 3), np.float32))
    with pytest.raises(TrainingDivergedError, match="NaN or infinite"):
        check_finite(np.array([[0.0, np.nan]], np.float32))
