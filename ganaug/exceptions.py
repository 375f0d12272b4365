"""The errors and warnings ganaug raises, in one place that every stage can import."""

from __future__ import annotations

__all__ = ["CollapseWarning", "FidelityWarning", "TrainingDivergedError"]


class TrainingDivergedError(RuntimeError):
    """Raised when the GAN's losses become NaN or infinite during training."""


class CollapseWarning(UserWarning):
    """Warned when a class's synthetic rows are far less varied than its real rows."""


class FidelityWarning(UserWarning):
    """Warned when a class's generated rows land outside the class's region far more often
    than its real rows do, so that its rows are made by interpolation instead."""
