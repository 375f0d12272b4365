"""How messages show a user's class labels and column names.

A label or column name read from NumPy or pandas is often a NumPy scalar, whose
``repr`` under NumPy 2 is ``np.int64(2)``: not what the user wrote. Every
user-facing message (errors, warnings, CLI lines) shows such values through
:func:`shown`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["counted", "plain", "shown"]


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


def counted(n, noun, plural=None):
    """``n`` and ``noun`` in the number that ``n`` asks for: ``1 row``, ``2 rows``.

    ``plural`` is ``noun + "s"`` unless given (``counted(2, "class", "classes")``).
    The noun may be several words, of which the last is the one that changes
    (``counted(1, "synthetic row")``).

    Examples
    --------
    >>> from ganaug.display import counted
    >>> counted(1, "synthetic row"), counted(3, "synthetic row"), counted(0, "image")
    ('1 synthetic row', '3 synthetic rows', '0 images')
    >>> counted(2, "class", "classes")
    '2 classes'
    """
    n = plain(n)
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"
