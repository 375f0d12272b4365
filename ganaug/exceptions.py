"""The errors and warnings ganaug raises, in one place that every stage can import."""

from __future__ import annotations

__all__ = [
    "ClassWarning",
    "CollapseWarning",
    "CopyWarning",
    "FidelityWarning",
    "IdentifierWarning",
    "TrainingDivergedError",
]


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
    """Warned when a class's synthetic rows are far less varied than its real rows.

    Besides ``label``: ``variety`` (the synthetic rows' share of the real rows'
    variety), ``column`` and ``column_variety`` (the narrowest column and its share),
    and ``n_rows`` (the rows the fit makes for the class), as in ``variety_``.
    """

    def __init__(self, message, label=None, *, variety=None, column=None, column_variety=None,
                 n_rows=None):
        super().__init__(message, label)
        self.variety, self.column, self.column_variety = variety, column, column_variety
        self.n_rows = n_rows


class FidelityWarning(ClassWarning):
    """Warned when a class's generated rows land outside the class's region far more often
    than its real rows do, so that its rows are made by interpolation instead.

    Besides ``label``: ``real`` and ``synthetic`` (the shares of its real and its
    generated rows that the forest puts in the class, as in ``fidelity_``), ``n_real``
    (its real rows) and ``n_rows`` (the rows the fit makes for it).
    """

    def __init__(self, message, label=None, *, real=None, synthetic=None, n_real=None,
                 n_rows=None):
        super().__init__(message, label)
        self.real, self.synthetic, self.n_real, self.n_rows = real, synthetic, n_real, n_rows


class CopyWarning(ClassWarning):
    """Warned when synthetic rows of a class still copy a training row after the copy
    filter's redraws (:mod:`ganaug.tabular.copies`), and are kept; ``n_rows`` counts them."""

    def __init__(self, message, label=None, *, n_rows=None):
        super().__init__(message, label)
        self.n_rows = n_rows


class IdentifierWarning(UserWarning):
    """Warned at fit when ``identifiers='auto'`` leaves columns unmodelled because they
    identify rows (:mod:`ganaug.tabular.identifiers`); ``columns`` lists them.

    The message names the columns, what synthetic rows get in them, and how to model
    them after all (``identifiers=None``, or a list of the true identifiers).
    """

    def __init__(self, message, columns=()):
        super().__init__(message)
        self.columns = list(columns)
