"""Same random_state, same output: twice in one process and across processes."""

import hashlib
import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from ganaug import GANAugmenter

from .conftest import ROOT, TINY

SCRIPT = textwrap.dedent(
    f"""
    import hashlib, os
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import pandas as pd
    from ganaug import GANAugmenter
    frame = pd.read_csv({str(ROOT / "sample_data" / "penguins.csv")!r})
    X, y = frame.drop(columns="species"), frame["species"]
    X_res, y_res = GANAugmenter(**{TINY!r}, random_state=3).fit_resample(X, y)
    print(hashlib.sha256(X_res.assign(y=y_res).to_csv(index=False).encode()).hexdigest())
    """
)


def _digest(X_res, y_res):
    return hashlib.sha256(X_res.assign(y=y_res).to_csv(index=False).encode()).hexdigest()


def test_same_seed_same_output_in_process(penguins):
    X, y = penguins
    first = _digest(*GANAugmenter(**TINY, random_state=3).fit_resample(X, y))
    second = _digest(*GANAugmenter(**TINY, random_state=3).fit_resample(X, y))
    other = _digest(*GANAugmenter(**TINY, random_state=4).fit_resample(X, y))
    assert first == second
    assert first != other


def test_same_seed_same_output_across_processes(penguins):
    X, y = penguins
    here = _digest(*GANAugmenter(**TINY, random_state=3).fit_resample(X, y))
    # This checkout's ganaug first on the child's path, not whichever ganaug is installed.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    runs = [
        subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, env=env)
        .stdout.strip().splitlines()[-1]
        for _ in range(2)
    ]
    assert runs == [here, here]


def test_global_random_state_untouched(penguins):
    X, y = penguins
    np.random.seed(0)
    expected = np.random.random()
    np.random.seed(0)
    GANAugmenter(**TINY, random_state=1).fit_resample(X, y)
    assert np.random.random() == expected


@pytest.mark.parametrize("n", [7, 5000])
def test_draws_run_traced_with_the_eager_numbers(penguins, n):
    """The generator runs through one traced function (ganaug.gan.layout_sampling_function),
    whatever the number of rows; it must give the numbers an eager call gives, and
    be traced once, so that draws of any size, and the next fit of the same layout
    (cross-validation), cost no new trace."""
    from ganaug.augmenter import _noise
    from ganaug.gan import layout_sampling_function

    X, y = penguins
    aug = GANAugmenter(**TINY, random_state=0).fit(X, y)
    labels = np.arange(n) % len(aug.classes_)
    shape = (aug.encoder_.output_dim_,)
    traced = aug._run_generator(labels, np.random.RandomState(1), shape, 4096)
    function = layout_sampling_function(aug._sampler().template)
    assert function.experimental_get_tracing_count() == 1
    # The next fit trains the same compiled GAN again: its own weights, no new trace,
    # and this fit's rows unchanged.
    other = GANAugmenter(**TINY, random_state=1).fit(X, y)
    assert other._sampler().template is aug._sampler().template
    assert not np.array_equal(other._run_generator(labels, np.random.RandomState(1), shape, 4096), traced)
    assert function.experimental_get_tracing_count() == 1
    np.testing.assert_array_equal(aug._run_generator(labels, np.random.RandomState(1), shape, 4096), traced)
    noise = _noise(np.random.RandomState(1), len(labels), aug.latent_dim)
    onehot = np.eye(len(aug.classes_), dtype=np.float32)[labels]
    eager = np.asarray(aug.generator_([noise, onehot], training=False))
    np.testing.assert_allclose(traced, eager, rtol=1e-5, atol=1e-6)
