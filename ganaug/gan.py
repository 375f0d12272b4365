"""The conditional GAN as a Keras model with its own ``train_step``."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

__all__ = ["BalancedBatches", "ConditionalGAN", "LOSSES", "StopOnNonFinite"]

LOSSES = ("minimax", "wgan-gp")


@keras.saving.register_keras_serializable(package="ganaug")
class ConditionalGAN(keras.Model):
    """A generator and a discriminator trained against each other, given the label.

    ``loss="minimax"`` is the non-saturating loss of Goodfellow et al. (2014): the
    discriminator minimises binary cross-entropy on real vs fake, the generator
    maximises ``log D(G(z))``. ``loss="wgan-gp"`` is the Wasserstein loss with a
    gradient penalty (Gulrajani et al., 2017).

    Parameters
    ----------
    generator, discriminator : keras.Model
        From :func:`ganaug.networks.build_generator` and ``build_discriminator``.
    latent_dim : int
    loss : {"minimax", "wgan-gp"}
    gp_weight : float, default=10.0
        Weight of the gradient penalty (``wgan-gp`` only).
    seed : int, optional
        Seed of the latent noise drawn inside ``train_step``.
    """

    def __init__(
        self, generator, discriminator, latent_dim, loss="minimax", gp_weight=10.0, seed=None, **kwargs
    ):
        super().__init__(**kwargs)
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}. Got {loss!r} instead.")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.loss_name = loss
        self.gp_weight = float(gp_weight)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def _noise(self, batch_size):
        return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)

    def _d_loss(self, real_score, fake_score):
        if self.loss_name == "wgan-gp":
            return ops.mean(fake_score) - ops.mean(real_score)
        real = ops.softplus(-real_score)  # -log sigmoid(real)
        fake = ops.softplus(fake_score)  # -log(1 - sigmoid(fake))
        return ops.mean(real) + ops.mean(fake)

    def _g_loss(self, fake_score):
        if self.loss_name == "wgan-gp":
            return -ops.mean(fake_score)
        return ops.mean(ops.softplus(-fake_score))  # non-saturating: -log D(G(z))

    def train_step(self, data):
        real, label = data
        batch_size = ops.shape(real)[0]
        discriminator, generator = self.discriminator, self.generator

        with tf.GradientTape() as tape:
            fake = generator([self._noise(batch_size), label], training=True)
            d_loss = self._d_loss(
                discriminator([real, label], training=True),
                discriminator([fake, label], training=True),
            )
            if self.loss_name == "wgan-gp":
                alpha = keras.random.uniform((batch_size, 1), seed=self.seed_generator)
                mixed = alpha * real + (1.0 - alpha) * fake
                with tf.GradientTape() as gp_tape:
                    gp_tape.watch(mixed)
                    mixed_score = discriminator([mixed, label], training=True)
                grads = gp_tape.gradient(mixed_score, mixed)
                norm = ops.sqrt(ops.sum(ops.square(grads), axis=1) + 1e-12)
                d_loss += self.gp_weight * ops.mean(ops.square(norm - 1.0))
        grads = tape.gradient(d_loss, discriminator.trainable_weights)
        self.d_optimizer.apply(grads, discriminator.trainable_weights)

        with tf.GradientTape() as tape:
            fake = generator([self._noise(batch_size), label], training=True)
            g_loss = self._g_loss(discriminator([fake, label], training=True))
        grads = tape.gradient(g_loss, generator.trainable_weights)
        self.g_optimizer.apply(grads, generator.trainable_weights)

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}

    def get_config(self):
        return {
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "loss": self.loss_name,
            "gp_weight": self.gp_weight,
            "seed": self.seed,
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["generator"] = keras.saving.deserialize_keras_object(config["generator"])
        config["discriminator"] = keras.saving.deserialize_keras_object(config["discriminator"])
        return cls(**config)


class BalancedBatches(keras.utils.PyDataset):
    """Class-balanced batches: each row's class is drawn uniformly, then a row of it.

    A class of 15 rows is thus seen as often as one of 5,000. Batches are a pure
    function of ``(seed, epoch, index)``, so training is reproducible.

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_features)
        Rows in GAN space.
    y : ndarray of shape (n_samples,)
        Class indices in ``0..n_classes-1``; every class has at least one row.
    n_classes : int
    batch_size : int
    steps : int
        Batches per epoch.
    seed : int
    """

    def __init__(self, x, y, n_classes, batch_size, steps, seed):
        super().__init__()
        order = np.argsort(y, kind="stable")
        self.x = np.ascontiguousarray(x[order])
        self.counts = np.bincount(y, minlength=n_classes)
        self.starts = np.concatenate([[0], np.cumsum(self.counts)[:-1]])
        self.eye = np.eye(n_classes, dtype=np.float32)
        self.n_classes = n_classes
        self.batch_size = batch_size
        self.steps = steps
        self.seed = seed
        self.epoch = 0

    def __len__(self):
        return self.steps

    def __getitem__(self, index):
        rng = np.random.default_rng([self.seed, self.epoch, index])
        classes = rng.integers(self.n_classes, size=self.batch_size)
        rows = self.starts[classes] + (rng.random(self.batch_size) * self.counts[classes]).astype(
            np.int64
        )
        return self.x[rows], self.eye[classes]

    def on_epoch_end(self):
        self.epoch += 1


class StopOnNonFinite(keras.callbacks.Callback):
    """Stop training at the end of the first epoch whose losses are NaN or infinite.

    The estimator then reads the epoch from the history and raises, so no NaN row
    is ever generated.
    """

    def on_epoch_end(self, epoch, logs=None):
        if any(not np.isfinite(float(v)) for v in (logs or {}).values()):
            self.model.stop_training = True
