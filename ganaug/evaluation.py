"""How good are synthetic rows? The public facade of the evaluation modules.

The work is done by three modules, each with one job:

- :mod:`ganaug.metrics`: the scores (fidelity, conditional fidelity, utility,
  privacy) and :func:`evaluate`, which runs them all;
- :mod:`ganaug.plots`: matplotlib figures of real vs synthetic rows;
- :mod:`ganaug.report`: a report as a table, a text summary or an HTML page.

This module re-exports their public names, so that ``from ganaug.evaluation import
evaluate, write_html_report`` keeps working; new code may import from the owners.
``_png`` and ``_pyplot`` stay importable here for code written against the
single module.
"""

from __future__ import annotations

from ganaug.metrics import (
    MEANINGS,
    conditional_fidelity,
    correlation_similarity,
    detection_auc,
    evaluate,
    exact_copy_rate,
    ks_complement,
    marginal_fidelity,
    privacy_scores,
    tv_complement,
    utility_scores,
)
from ganaug.plots import png_base64 as _png
from ganaug.plots import pyplot as _pyplot
from ganaug.report import format_summary, report_table, write_html_report

__all__ = [
    "MEANINGS",
    "conditional_fidelity",
    "correlation_similarity",
    "detection_auc",
    "evaluate",
    "exact_copy_rate",
    "format_summary",
    "ks_complement",
    "marginal_fidelity",
    "privacy_scores",
    "report_table",
    "tv_complement",
    "utility_scores",
    "write_html_report",
]
