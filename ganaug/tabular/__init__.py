"""Tables: a DataFrame or array in, rows of the same columns and dtypes out.

One module per stage of a table fit (see :mod:`ganaug.tabular.model`, which runs them
in order):

- :mod:`~ganaug.tabular.encoder`: the table <-> GAN space;
- :mod:`~ganaug.tabular.copies`: the copy filter (no training row leaves verbatim);
- :mod:`~ganaug.tabular.shared`: shared columns and recombination;
- :mod:`~ganaug.tabular.label_check`: generated rows as cleanly separated as real ones;
- :mod:`~ganaug.tabular.training`: training the table GAN;
- :mod:`~ganaug.tabular.calibration`: each class's moments;
- :mod:`~ganaug.tabular.fidelity`: classes the GAN misplaces are interpolated;
- :mod:`~ganaug.tabular.variety`: the collapse check.

The names below are importable from ``ganaug.tabular`` itself. Importing this package
imports no deep-learning framework.
"""

from ganaug.tabular.calibration import OutputCalibration
from ganaug.tabular.encoder import MAX_LEVELS, Span, TabularEncoder
from ganaug.tabular.model import TableModel
from ganaug.tabular.shared import INDEPENDENCE_ALPHA, class_independence

__all__ = [
    "INDEPENDENCE_ALPHA",
    "MAX_LEVELS",
    "OutputCalibration",
    "Span",
    "TableModel",
    "TabularEncoder",
    "class_independence",
]
