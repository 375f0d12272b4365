"""ganaug.tabular.training and ganaug.nn.sampling: a reused compiled GAN, one traced draw per layout."""

import numpy as np
import pytest

from ganaug import GANAugmenter

from ..conftest import TINY


@pytest.mark.parametrize("n", [7, 5000])
def test_draws_run_traced_with_the_eager_numbers(penguins, n):
    """The generator runs through one traced function (ganaug.nn.sampling.layout_sampling_function),
    whatever the number of rows; it must give the numbers an eager call gives, and
    be traced once, so that draws of any size, and the next fit of the same layout
    (cross-validation), cost no new trace."""
    from ganaug.nn.sampling import layout_sampling_function, noise, run_generator

    X, y = penguins
    aug = GANAugmenter(**TINY, random_state=0).fit(X, y)
    labels = np.arange(n) % len(aug.classes_)
    shape = (aug.encoder_.output_dim_,)

    def draw(fitted):
        return run_generator(fitted.model_.sampler(), labels, len(fitted.classes_), fitted.latent_dim,
                             np.random.RandomState(1), shape, 4096)

    traced = draw(aug)
    function = layout_sampling_function(aug.model_.sampler().template)
    assert function.experimental_get_tracing_count() == 1
    # The next fit trains the same compiled GAN again: its own weights, no new trace,
    # and this fit's rows unchanged.
    other = GANAugmenter(**TINY, random_state=1).fit(X, y)
    assert other.model_.sampler().template is aug.model_.sampler().template
    assert not np.array_equal(draw(other), traced)
    assert function.experimental_get_tracing_count() == 1
    np.testing.assert_array_equal(draw(aug), traced)
    z = noise(np.random.RandomState(1), len(labels), aug.latent_dim)
    onehot = np.eye(len(aug.classes_), dtype=np.float32)[labels]
    eager = np.asarray(aug.generator_([z, onehot], training=False))
    np.testing.assert_allclose(traced, eager, rtol=1e-5, atol=1e-6)
