"""Presenting an :func:`ganaug.metrics.evaluate` report: a table, a text summary, an HTML page.

:func:`report_table` lays the scores out as one long table with a line of meaning
per score, :func:`format_summary` as the plain text ``ganaug evaluate`` prints, and
:func:`write_html_report` as one self-contained HTML page with the figures of
:mod:`ganaug.plots` embedded.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from ganaug.display import counted
from ganaug.metrics import MEANINGS, _align, as_frame, _categorical_columns, _match_class_mix
from ganaug.plots import correlation_figure, image_grid_figure, marginal_figures, projection_figure

__all__ = ["format_summary", "report_table", "write_html_report"]


def report_table(report):
    """The scores of :func:`ganaug.metrics.evaluate` as one long table.

    Columns: section, scope, metric, value and meaning (from :data:`ganaug.metrics.MEANINGS`).

    Examples
    --------
    >>> import numpy as np
    >>> from ganaug.metrics import evaluate
    >>> from ganaug.report import report_table
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 2)); y = np.repeat([0, 1], 20)
    >>> table = report_table(evaluate(X, y, X + 0.1, y))
    >>> list(table.columns)
    ['section', 'scope', 'metric', 'value', 'meaning']
    """
    rows = []
    for metric, value in report["overall"].items():
        rows.append(("fidelity", "overall", metric, value))
    for label, scores in report["per_class"].items():
        for metric, value in scores.items():
            rows.append(("fidelity", f"class {label}", metric, value))
    for label, value in report["conditional"].items():
        scope = "overall" if label == "overall" else f"class {label}"
        rows.append(("conditional", scope, "label_agreement", value))
    for (model, training), scores in report["utility"].iterrows():
        for metric, value in scores.items():
            rows.append(("utility", f"{model}: {training}", metric, value))
    for metric, value in report["privacy"].items():
        rows.append(("privacy", "overall", metric, value))
    table = pd.DataFrame(rows, columns=["section", "scope", "metric", "value"])
    table["meaning"] = table["metric"].map(MEANINGS).fillna("")
    return table


def format_summary(report):
    """A compact plain-text summary of a report (what ``ganaug evaluate`` prints)."""
    lines = [f"{counted(report['n_real'], 'real row')}, "
             f"{counted(report['n_synthetic'], 'synthetic row')}"]
    fid = pd.DataFrame({"overall": report["overall"], **{
        f"class {k}": v for k, v in report["per_class"].items()}})
    fid.loc["label_agreement"] = [report["conditional"].get("overall", np.nan)] + [
        report["conditional"].get(k, np.nan) for k in report["per_class"]
    ]
    lines += ["", "Fidelity", fid.to_string(float_format=lambda v: f"{v:.3f}")]
    lines += ["", "Utility (held-out real rows)",
              report["utility"].to_string(float_format=lambda v: f"{v:.3f}")]
    priv = pd.Series(report["privacy"])
    lines += ["", "Privacy", priv.to_string(float_format=lambda v: f"{v:.3f}")]
    lines += [f"Note: {n}" for n in report["notes"]]
    return "\n".join(lines)


def _fmt(value):
    if isinstance(value, (float, np.floating)):
        return "n/a" if not np.isfinite(value) else f"{value:.3f}"
    return html.escape(str(value))


def _table_html(frame):
    return frame.to_html(float_format=lambda v: _fmt(v), na_rep="n/a", border=0, classes="scores",
                         escape=True)


def write_html_report(report, path, real_X, real_y, synth_X, synth_y, *, title="ganaug report",
                      real_images=None, synth_images=None, max_columns=12, random_state=0,
                      force=False):
    """Write one self-contained HTML page: scores with their meaning, and plots.

    Plots (PNG, embedded as base64): real vs synthetic marginals per class,
    correlation differences, a PCA projection of real and synthetic rows, and,
    when ``real_images``/``synth_images`` (arrays of shape (n, h, w[, c])) are
    given, sample grids. The file is written atomically.

    Parameters
    ----------
    report : dict
        From :func:`ganaug.metrics.evaluate` on the same tables.
    path : str or Path
    real_X, real_y, synth_X, synth_y : the tables that were evaluated
    title : str
    real_images, synth_images : ndarray, optional
        Images for the sample grids, labelled by ``real_y`` and ``synth_y``.
    max_columns : int, default=12
        Marginal plots show at most this many columns per class (the worst scored).
    force : bool, default=False
        Replace an existing file.

    Returns
    -------
    list of str
        The figure titles, in page order.

    Examples
    --------
    >>> import numpy as np, tempfile, pathlib
    >>> from ganaug.metrics import evaluate
    >>> from ganaug.report import write_html_report
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 2)); y = np.repeat([0, 1], 20)
    >>> report = evaluate(X, y, X + 0.1, y)
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report.html"
    >>> write_html_report(report, out, X, y, X + 0.1, y)
    ['Marginals, class 0', 'Marginals, class 1', 'Correlation differences', 'PCA projection']
    """
    from ganaug.io import atomic_path

    real = as_frame(real_X, "real_X")
    synth = _align(real, as_frame(synth_X, "synth_X"))
    real_y, synth_y = np.asarray(real_y), np.asarray(synth_y)
    categorical = report.get("categorical") or _categorical_columns(real)
    figures = marginal_figures(real, real_y, synth, synth_y, categorical, report, max_columns)
    # Same real rows as the overall scores: a different class mix is not a flaw of the rows.
    matched = _match_class_mix(real_y, synth_y, random_state)
    figures.append(correlation_figure(real.iloc[matched], synth, categorical))
    figures.append(projection_figure(real, real_y, synth, synth_y, categorical, random_state))
    if real_images is not None:
        figures.append(image_grid_figure(real_images, real_y, "Real samples"))
    if synth_images is not None:
        figures.append(image_grid_figure(synth_images, synth_y, "Synthetic samples"))

    table = report_table(report)
    sections = []
    for section, part in table.groupby("section", sort=False):
        sections.append(f"<h2>{html.escape(section.capitalize())}</h2>")
        sections.append(_table_html(part.drop(columns="section").set_index(["scope", "metric"])))
    fig_html = "\n".join(
        f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{html.escape(name)}</figcaption></figure>"
        for name, data in figures
    )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in report.get("notes", []))
    meanings = "".join(
        f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in MEANINGS.items()
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }}
table.scores {{ border-collapse: collapse; font-size: 0.85em; margin-bottom: 1em; }}
table.scores td, table.scores th {{ padding: 2px 8px; border-bottom: 1px solid #ddd; text-align: left; }}
figure {{ margin: 1.5em 0; }} img {{ max-width: 100%; }} dt {{ font-weight: bold; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>{counted(report['n_real'], 'real row')}, {counted(report['n_synthetic'], 'synthetic row')}.</p>
<ul>{notes}</ul>
{''.join(sections)}
<h2>Plots</h2>
{fig_html}
<h2>What the scores mean</h2>
<dl>{meanings}</dl>
</body></html>
"""
    with atomic_path(path, force=force) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return [name for name, _ in figures]
