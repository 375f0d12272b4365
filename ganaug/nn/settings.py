"""The training settings a fit resolves from the estimator's parameters (no framework import)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TrainingSettings"]


@dataclass(frozen=True)
class TrainingSettings:
    """The estimator's training parameters with every 'auto' resolved for the data.

    Made by :class:`ganaug.GANAugmenter` at fit from its parameters and the table or
    image defaults (``TABLE_DEFAULTS``, ``IMAGE_DEFAULTS`` in :mod:`ganaug.augmenter`).
    """

    epochs: int
    steps_per_epoch: int
    batch_size: int
    latent_dim: int
    generator_units: tuple
    discriminator_units: tuple
    generator_lr: float
    discriminator_lr: float
    adam_betas: tuple
    loss: str
    verbose: int
