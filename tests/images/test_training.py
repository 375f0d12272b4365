"""ganaug.images.training: the image GAN's networks, budget and averaged generator."""

import numpy as np

from ganaug.images.encoder import ImageEncoder
from ganaug.images.training import train_image_gan
from ganaug.nn.settings import TrainingSettings

from .conftest import _imbalanced

SETTINGS = TrainingSettings(epochs=1, steps_per_epoch=3, batch_size=16, latent_dim=8, generator_units=(32,),
                            discriminator_units=(32,), generator_lr=4e-4, discriminator_lr=4e-4,
                            adam_betas=(0.0, 0.99), loss="minimax", verbose=0)


def test_the_generator_moves_a_real_image_given_noise_and_label():
    X, y = _imbalanced()
    encoder = ImageEncoder().fit(X)
    encoded = encoder.transform(X)
    class_rows = [np.flatnonzero(y == k) for k in range(2)]
    seeds = iter(range(100, 10_000))
    generator, history = train_image_gan(encoded, y, class_rows, encoder, SETTINGS, seeds)
    assert set(history) == {"d_loss", "g_loss"} and len(history["d_loss"]) == SETTINGS.epochs
    # inputs: noise, one-hot label and the real image it moves; transposed convolutions inside
    assert [tuple(t.shape[1:]) for t in generator.inputs] == [(8,), (2,), encoder.canvas_shape_]
    assert any(layer.name.startswith("up_") for layer in generator.layers)
