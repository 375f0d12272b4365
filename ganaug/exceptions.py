"""The errors and warnings ganaug raises, in one place that every stage can import."""

from __future__ import annotations

__all__ = ["ClassWarning", "CollapseWarning", "FidelityWarning", "TrainingDivergedError"]


class TrainingDivergedError(RuntimeError):
    """Raised when the GAN's losses become NaN or infinite during training."""


class ClassWarning(UserWarning):
    """A warning about one class's synthetic rows; ``label`` names the class.

    The label is kept apart from the message so that a caller that gathers warnings
    (the command line, which says each kind once per command) can list the classes
    a kind of warning concerns without reading them out of the text.

    Examples
    --------
    >>> import warnings
    >>> from ganaug.exceptions import FidelityWarning
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn(FidelityWarning("class 'rare' is misplaced", label="rare"))
    >>> caught[0].category.__name__, caught[0].message.label
    ('FidelityWarning', 'rare')
    """

    def __init__(self, message, label=None):
        super().__init__(message)
        self.label = label


class CollapseWarning(ClassWarning):
    """Warned when a class's synthetic rows are far less varied than its real rows."""


class FidelityWarning(ClassWarning):
    """Warned when a class's generated rows land outside the class's region far more often
    than its real rows do, so that its rows are made by interpolation instead."""
