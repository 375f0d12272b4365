"""How good are synthetic rows? The public facade of the evaluation modules.

The work is done by three modules, each with one job:

- :mod:`ganaug.metrics`: the scores (fidelity, conditional fidelity, utility,
  privacy) and :func:`evaluate`, which runs them all, on tables or images;
- :mod:`ganaug.plots`: matplotlib figures of real vs synthetic rows or images;
- :mod:`ganaug.report`: a report as a table, a text summary or an HTML page, with
  a one-line reading of the detection AUC and of the label agreement.

:func:`evaluate` leaves the columns that identify rows (found by
:func:`ganaug.tabular.identifiers.find_identifiers`) out of its scores and plots,
and lists the table's own rules (:func:`ganaug.tabular.rules.find_rules`) with the
share of real and synthetic rows keeping each (:func:`rule_table`).

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
    detection_chance_range,
    evaluate,
    exact_copy_rate,
    ks_complement,
    label_agreement,
    marginal_fidelity,
    meanings,
    privacy_scores,
    rule_table,
    tv_complement,
    utility_scores,
)
from ganaug.plots import png_base64 as _png  # noqa: F401 (kept importable here)
from ganaug.plots import pyplot as _pyplot  # noqa: F401 (kept importable here)
from ganaug.report import (
    agreement_reading,
    detection_reading,
    format_summary,
    readings,
    report_table,
    write_html_report,
)

__all__ = [
    "MEANINGS",
    "agreement_reading",
    "conditional_fidelity",
    "correlation_similarity",
    "detection_auc",
    "detection_chance_range",
    "detection_reading",
    "evaluate",
    "exact_copy_rate",
    "format_summary",
    "ks_complement",
    "label_agreement",
    "marginal_fidelity",
    "meanings",
    "privacy_scores",
    "readings",
    "report_table",
    "rule_table",
    "tv_complement",
    "utility_scores",
    "write_html_report",
]
