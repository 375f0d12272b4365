"""How messages show a user's class labels and column names.

A label or column name read from NumPy or pandas is often a NumPy scalar, whose
``repr`` under NumPy 2 is ``np.int64(2)``: not what the user wrote. Every
user-facing message (errors, warnings, CLI lines) shows such values through
:func:`shown`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["plain", "shown"]


def plain(value):
    """A NumPy scalar as the Python value it holds; anything else as it is.

    >>> plain(np.int64(2)), plain(np.str_("rare")), plain("rare")
    (2, 'rare', 'rare')
    """
    return value.item() if isinstance(value, np.generic) else value


def shown(value):
    """``value`` as the user wrote it: ``2``, ``'rare'``, ``2.5``; never ``np.int64(2)``.

    Examples
    --------
    >>> import numpy as np
    >>> from ganaug.display import shown
    >>> shown(np.int64(2)), shown(np.str_("rare")), shown("rare"), shown(np.float64(2.5))
    ('2', "'rare'", "'rare'", '2.5')
    """
    return repr(plain(value))
