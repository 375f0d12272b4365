"""Training the image GAN: convolutional networks, a fixed budget of steps, EMA weights.

:func:`train_image_gan` builds the GAN of :func:`ganaug.nn.image_nets.build_image_gan`
(``generator_units[0] // 4`` and ``discriminator_units[0] // 4``, at least 8, set the
channels of the last convolution stage of each network), trains it on class-balanced
batches of (image, other image of the class) pairs for the 'auto' budget of 1,500
steps (15 epochs of 100), Adam at 4e-4 with betas (0, 0.99) as in BigGAN, then
recomputes the batch-normalisation statistics of the generator's exponential moving
average of weights, which is the generator kept.
"""

from __future__ import annotations

import numpy as np

from ganaug.images.warp import source_rows

__all__ = ["EMA_STATISTICS_IMAGES", "train_image_gan"]

EMA_STATISTICS_IMAGES = 2048  # images the averaged generator's BatchNorm statistics come from


def train_image_gan(encoded, y_idx, class_rows, encoder, settings, seeds, lr_scale=1.0, callbacks=None):
    """Train an image GAN on ``encoded`` (GAN space) of classes ``y_idx``.

    Draws from ``seeds``: the networks' initial weights, the batch order, then the
    statistics' images and noise.

    Returns
    -------
    generator : keras.Model
        The averaged (EMA) generator where there is one.
    history : dict of list of float
    """
    from ganaug.nn.image_nets import build_image_gan
    from ganaug.nn.training import balanced_batches, compile_gan, fit_gan

    n_classes = len(class_rows)
    filters = (max(8, settings.generator_units[0] // 4), max(8, settings.discriminator_units[0] // 4))
    gan = build_image_gan(encoder, n_classes, settings.latent_dim, filters, settings.loss, seeds)
    compile_gan(gan, settings, lr_scale, steps_per_execution=settings.steps_per_epoch)
    batches = balanced_batches(
        encoded, y_idx, n_classes, settings.batch_size, settings.steps_per_epoch, settings.epochs,
        seed=next(seeds), pairs=gan.edit,
    )
    history = fit_gan(gan, batches, settings, callbacks)
    # BatchNorm statistics of the averaged weights
    labels = np.resize(np.arange(n_classes), EMA_STATISTICS_IMAGES)
    rng = np.random.RandomState(next(seeds))
    sources = encoded[source_rows(labels, class_rows, rng)] if gan.edit else None
    gan.recompute_ema_statistics(labels, seed=int(rng.randint(2**31 - 1)), sources=sources)
    generator = gan.generator if gan.ema_generator is None else gan.ema_generator
    return generator, history
