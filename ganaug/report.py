"""Presenting an :func:`ganaug.metrics.evaluate` report: a table, a text summary, an HTML page.

:func:`report_table` lays the scores out as one long table with a line of meaning
per score, :func:`format_summary` as the plain text ``ganaug evaluate`` prints, and
:func:`write_html_report` as one self-contained HTML page with the figures of
:mod:`ganaug.plots` embedded. Two scores come with a one-line reading
(:func:`detection_reading`, :func:`agreement_reading`): the detection AUC against
the range chance gives, and the synthetic rows' label agreement against that of
held-out real rows of the class.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from ganaug.display import counted, plain
from ganaug.metrics import (
    _align,
    _categorical_columns,
    _match_class_mix,
    as_frame,
    is_images,
    meanings,
    pixel_table,
)
from ganaug.plots import (
    correlation_figure,
    image_grid_figure,
    marginal_figures,
    mean_image_figure,
    nearest_real_figure,
    projection_figure,
)

__all__ = [
    "agreement_reading",
    "detection_reading",
    "format_summary",
    "readings",
    "report_table",
    "write_html_report",
]

#: The detection AUC's scale, said with each reading.
AUC_SCALE = "0.5 = indistinguishable, 1 = always told apart"


def detection_reading(auc, chance=None, counts=None, unit="rows"):
    """One line that reads a detection AUC: how often real and synthetic rows are told apart.

    Parameters
    ----------
    auc : float
    chance : tuple of float, optional
        ``(low, high)``: the AUCs chance alone gives with these rows
        (:func:`ganaug.metrics.detection_chance_range`).
    counts : tuple of int, optional
        ``(real, synthetic)`` rows compared, said with the chance range.
    unit : 'rows' or 'images'

    Examples
    --------
    >>> detection_reading(0.98, (0.4, 0.6))
    'nearly always told apart: a synthetic row looks more synthetic than a real one in 98 % of pairs'
    >>> detection_reading(0.45, (0.28, 0.72), (8, 52), "images")
    'indistinguishable: chance alone gives 0.28 to 0.72 with 8 real and 52 synthetic images'
    """
    one = unit[:-1]
    if auc is None or not np.isfinite(auc):
        return "not computed: fewer rows than folds on a side"
    low, high = chance if chance is not None else (0.5, 0.5)
    chance_text = ""
    if chance is not None and np.isfinite(low):
        chance_text = f"chance alone gives {low:.2f} to {high:.2f}"
        if counts is not None:
            chance_text += f" with {counts[0]} real and {counted(counts[1], f'synthetic {one}')}"
    if chance is not None and np.isfinite(low) and low <= auc <= high:
        return f"indistinguishable: {chance_text}"
    if auc > high:
        how = ("always" if auc >= 0.995 else "nearly always" if auc >= 0.9
               else "often" if auc >= 0.7 else "sometimes")
        return (f"{how} told apart: a synthetic {one} looks more synthetic than a real one "
                f"in {auc:.0%} of pairs".replace("%", " %"))
    return (f"below chance ({chance_text}): synthetic {unit} pass for real more often than real "
            f"{unit} do, as near-copies of real {unit} would; see the privacy scores")


def agreement_reading(synthetic, real, n_synthetic=None, n_real=None, unit="rows", overall=False):
    """One line that reads the synthetic rows' label agreement against held-out real rows'.

    The two shares are "about as often" when they differ by at most 0.05 or by two
    standard errors of their difference (binomial, from ``n_synthetic`` and ``n_real``),
    whichever is larger: with 8 real rows a class's share is known to about 0.1.
    ``overall`` says the shares are over several classes.

    Examples
    --------
    >>> agreement_reading(0.99, 0.97, 300, 300)
    'synthetic rows agree about as often as real ones'
    >>> agreement_reading(0.40, 0.95, 300, 300)
    'less often: 60 % of the synthetic rows look like another class, against 5 % of the real ones'
    >>> agreement_reading(0.30, 0.05, 300, 20)
    'more often than real ones: the synthetic rows keep to where the class is clear-cut; even real rows of this class are mostly taken for another (0.05)'
    """
    if synthetic is None or not np.isfinite(synthetic):
        return "not computed"
    if real is None or not np.isfinite(real):
        return f"no held-out real {unit} of this class to compare with"
    var = 0.0
    if n_synthetic:
        var += synthetic * (1 - synthetic) / n_synthetic
    if n_real:
        var += real * (1 - real) / n_real
    tolerance = max(0.05, 2 * np.sqrt(var))
    if abs(synthetic - real) <= tolerance:
        text = f"synthetic {unit} agree about as often as real ones"
    elif synthetic < real:
        text = (f"less often: {1 - synthetic:.0%} of the synthetic {unit} look like another class, "
                f"against {1 - real:.0%} of the real ones").replace("%", " %")
    else:
        text = f"more often than real ones: the synthetic {unit} keep to where the class is clear-cut"
    if real < 0.5:
        whose = "these classes" if overall else "this class"
        text += f"; even real {unit} of {whose} are mostly taken for another ({real:.2f})"
    return text


def _scopes(report):
    return ["overall", *report["per_class"]]


def readings(report):
    """The readings of a report: a DataFrame with columns scope, metric, value, real, reading.

    One row per scope (``'overall'`` and each scored class) for ``detection_auc`` and
    for ``label_agreement`` (``value`` the synthetic rows', ``real`` the held-out real
    rows' share). Reports from before these readings existed give NaN ``real``.
    """
    unit = report.get("unit", "rows")
    chance = report.get("detection_chance", {})
    counts = report.get("counts", {})
    conditional_real = report.get("conditional_real", {})
    n_real_classes = sum(counts.get(label, (0, 0))[0] for label in report["per_class"])
    rows = []
    for scope in _scopes(report):
        scores = report["overall"] if scope == "overall" else report["per_class"][scope]
        auc = scores.get("detection_auc", np.nan)
        rows.append((scope, "detection_auc", auc, np.nan,
                     detection_reading(auc, chance.get(scope), counts.get(scope), unit)))
    for scope in ["overall", *[k for k in report["conditional"] if k != "overall"]]:
        synthetic = report["conditional"].get(scope, np.nan)
        real = conditional_real.get(scope, np.nan)
        if scope == "overall":
            n = (report["n_synthetic"], n_real_classes or None)
        else:
            n_real, n_synth = counts.get(scope, (None, None))
            n = (n_synth, n_real)
        rows.append((scope, "label_agreement", synthetic, real,
                     agreement_reading(synthetic, real, *n, unit=unit, overall=scope == "overall")))
    return pd.DataFrame(rows, columns=["scope", "metric", "value", "real", "reading"])


def _scope_name(scope):
    return "overall" if scope == "overall" else f"class {plain(scope)}"


def report_table(report):
    """The scores of :func:`ganaug.metrics.evaluate` as one long table.

    Columns: section, scope, metric, value, meaning (from
    :func:`ganaug.metrics.meanings`, in the report's words: rows or images) and
    reading (for the detection AUC and the label agreement, see :func:`readings`).

    Examples
    --------
    >>> import numpy as np
    >>> from ganaug.metrics import evaluate
    >>> from ganaug.report import report_table
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 2)); y = np.repeat([0, 1], 20)
    >>> table = report_table(evaluate(X, y, X + 0.1, y))
    >>> list(table.columns)
    ['section', 'scope', 'metric', 'value', 'meaning', 'reading']
    """
    rows = []
    for metric, value in report["overall"].items():
        rows.append(("fidelity", "overall", metric, value))
    for label, scores in report["per_class"].items():
        for metric, value in scores.items():
            rows.append(("fidelity", f"class {label}", metric, value))
    conditional_real = report.get("conditional_real", {})
    for label, value in report["conditional"].items():
        scope = "overall" if label == "overall" else f"class {label}"
        rows.append(("conditional", scope, "label_agreement", value))
        if label in conditional_real:
            rows.append(("conditional", scope, "label_agreement_real", conditional_real[label]))
    for (model, training), scores in report["utility"].iterrows():
        for metric, value in scores.items():
            rows.append(("utility", f"{model}: {training}", metric, value))
    for metric, value in report["privacy"].items():
        rows.append(("privacy", "overall", metric, value))
    table = pd.DataFrame(rows, columns=["section", "scope", "metric", "value"])
    table["meaning"] = table["metric"].map(meanings(report.get("unit", "rows"))).fillna("")
    read = readings(report)
    lookup = {("overall" if s == "overall" else f"class {s}", m): r
              for s, m, r in zip(read["scope"], read["metric"], read["reading"])}
    table["reading"] = [lookup.get((s, m), "") for s, m in zip(table["scope"], table["metric"])]
    return table


def _reading_lines(report, indent="  "):
    read = readings(report)
    width = max(len(_scope_name(s)) for s in read["scope"])
    unit = report.get("unit", "rows")
    lines = [f"detection_auc ({AUC_SCALE}):"]
    for row in read[read["metric"] == "detection_auc"].itertuples():
        value = "  n/a" if not np.isfinite(row.value) else f"{row.value:.3f}"
        lines.append(f"{indent}{_scope_name(row.scope):<{width}}  {value}  {row.reading}")
    lines.append(f"label_agreement (synthetic {unit} vs held-out real {unit} of the class):")
    for row in read[read["metric"] == "label_agreement"].itertuples():
        pair = " vs ".join("  n/a" if not np.isfinite(v) else f"{v:.3f}" for v in (row.value, row.real))
        lines.append(f"{indent}{_scope_name(row.scope):<{width}}  {pair}  {row.reading}")
    return lines


def _rules_heading(rules, unit="rows"):
    """One line: how many rules the real rows have and how many the synthetic rows keep."""
    if rules is None or len(rules) == 0:
        return (f"Rules: none found (no dependency, exact identity, order or missing combination "
                f"of levels that 99 % of the real {unit} keep and chance would not)")
    kept = int(rules["kept"].sum())
    return (f"Rules: {counted(len(rules), 'rule')} that at least 99 % of the real {unit} keep; "
            f"the synthetic {unit} keep {kept} of them as often as the real {unit} do")


def _rule_lines(report, indent="  "):
    rules = report.get("rules")
    if rules is None or report.get("unit", "rows") != "rows":
        return []
    lines = ["", _rules_heading(rules)]
    if len(rules):
        lines.append(f"{indent} real  synthetic  broken  rule")
        for r in rules.itertuples():
            real, synth = ("  n/a" if not np.isfinite(v) else f"{v:.3f}" for v in (r.real, r.synthetic))
            lines.append(f"{indent}{real:>5}  {synth:>9}  {int(r.broken):>6}  {r.rule}")
        lines.append(f"{indent}(real, synthetic: share of rows keeping the rule; broken: "
                     "synthetic rows that break it)")
    return lines


def format_summary(report):
    """A compact plain-text summary of a report (what ``ganaug evaluate`` prints).

    The fidelity table has the synthetic rows' ``label_agreement`` and, beside it,
    ``label_agreement_real`` (held-out real rows of the class); a "Reading" part says
    in a line each what the detection AUC and the label agreement mean.
    """
    unit = report.get("unit", "rows")
    one = unit[:-1]
    lines = [f"{counted(report['n_real'], f'real {one}')}, "
             f"{counted(report['n_synthetic'], f'synthetic {one}')}"]
    fid = pd.DataFrame({"overall": report["overall"], **{
        f"class {k}": v for k, v in report["per_class"].items()}})
    fid.loc["label_agreement"] = [report["conditional"].get("overall", np.nan)] + [
        report["conditional"].get(k, np.nan) for k in report["per_class"]
    ]
    if "conditional_real" in report:
        fid.loc["label_agreement_real"] = [report["conditional_real"].get("overall", np.nan)] + [
            report["conditional_real"].get(k, np.nan) for k in report["per_class"]
        ]
    lines += ["", "Fidelity", fid.to_string(float_format=lambda v: f"{v:.3f}")]
    lines += ["", "Reading", *_reading_lines(report)]
    lines += ["", f"Utility (held-out real {unit})",
              report["utility"].to_string(float_format=lambda v: f"{v:.3f}")]
    priv = pd.Series(report["privacy"])
    lines += ["", "Privacy", priv.to_string(float_format=lambda v: f"{v:.3f}")]
    lines += _rule_lines(report)
    lines += [f"Note: {n}" for n in report["notes"]]
    return "\n".join(lines)


def _fmt(value):
    if isinstance(value, (float, np.floating)):
        return "n/a" if not np.isfinite(value) else f"{value:.3f}"
    return html.escape(str(value))


def _table_html(frame):
    return frame.to_html(float_format=lambda v: _fmt(v), na_rep="n/a", border=0, classes="scores",
                         escape=True)


def _figures(report, real_X, real_y, synth_X, synth_y, real_images, synth_images, max_columns,
             random_state):
    """The page's figures, ``[(title, base64 PNG), ...]``: for images, grids, mean images,
    nearest real images and a PCA projection; for tables, marginals, correlations and a
    PCA projection, without the identifier columns."""
    real_y, synth_y = np.asarray(real_y), np.asarray(synth_y)
    if report.get("unit") == "images" or is_images(real_X):
        real_images = real_X if real_images is None and is_images(real_X) else real_images
        synth_images = synth_X if synth_images is None and is_images(synth_X) else synth_images
        real = pixel_table(real_X) if is_images(real_X) else as_frame(real_X, "real_X")
        synth = pixel_table(synth_X) if is_images(synth_X) else as_frame(synth_X, "synth_X")
        figures = []
        if real_images is not None:
            figures.append(image_grid_figure(real_images, real_y, "Real samples"))
        if synth_images is not None:
            figures.append(image_grid_figure(synth_images, synth_y, "Synthetic samples"))
        if real_images is not None and synth_images is not None:
            figures.append(mean_image_figure(real_images, real_y, synth_images, synth_y))
            figures.append(nearest_real_figure(real_images, real_y, synth_images, synth_y))
        figures.append(projection_figure(real, real_y, synth, synth_y, [], random_state, "images"))
        return figures
    identifiers = list(report.get("identifiers", {}))
    real = as_frame(real_X, "real_X").drop(columns=identifiers, errors="ignore")
    synth = _align(real, as_frame(synth_X, "synth_X").drop(columns=identifiers, errors="ignore"))
    categorical = [c for c in report.get("categorical") or _categorical_columns(real)
                   if c in real.columns]
    figures = marginal_figures(real, real_y, synth, synth_y, categorical, report, max_columns)
    # Same real rows as the overall scores: a different class mix is not a flaw of the rows.
    matched = _match_class_mix(real_y, synth_y, random_state)
    figures.append(correlation_figure(real.iloc[matched], synth, categorical))
    figures.append(projection_figure(real, real_y, synth, synth_y, categorical, random_state))
    if real_images is not None:
        figures.append(image_grid_figure(real_images, real_y, "Real samples"))
    if synth_images is not None:
        figures.append(image_grid_figure(synth_images, synth_y, "Synthetic samples"))
    return figures


def _reading_html(report):
    read = readings(report)
    unit = report.get("unit", "rows")
    items = []
    for row in read.itertuples():
        value = _fmt(row.value)
        if row.metric == "label_agreement":
            value = f"{value} (held-out real {html.escape(unit)}: {_fmt(row.real)})"
        items.append(f"<tr><td>{html.escape(_scope_name(row.scope))}</td>"
                     f"<td>{html.escape(row.metric)}</td><td>{value}</td>"
                     f"<td>{html.escape(row.reading)}</td></tr>")
    return ('<table class="scores"><tr><th>scope</th><th>metric</th><th>value</th>'
            f"<th>reading</th></tr>{''.join(items)}</table>"
            f"<p>detection_auc: {html.escape(AUC_SCALE)}. label_agreement: the share of "
            f"synthetic {html.escape(unit)} a classifier trained on real {html.escape(unit)} "
            f"assigns to their own class, beside the same share for held-out real "
            f"{html.escape(unit)} of the class.</p>")


def _rules_html(report):
    rules = report.get("rules")
    if rules is None or report.get("unit", "rows") != "rows":
        return ""
    heading = f"<h2>Rules</h2><p>{html.escape(_rules_heading(rules))}.</p>"
    if not len(rules):
        return heading
    rows = "".join(
        f"<tr><td>{html.escape(r.kind)}</td><td>{html.escape(r.rule)}</td><td>{_fmt(r.real)}</td>"
        f"<td>{_fmt(r.synthetic)}</td><td>{int(r.broken)}</td>"
        f"<td>{'yes' if r.kept else 'no'}</td></tr>"
        for r in rules.itertuples()
    )
    return (f'{heading}<table class="scores"><tr><th>kind</th><th>rule</th><th>real</th>'
            "<th>synthetic</th><th>synthetic rows breaking it</th><th>kept as often</th></tr>"
            f"{rows}</table>")


def write_html_report(report, path, real_X, real_y, synth_X, synth_y, *, title="ganaug report",
                      real_images=None, synth_images=None, max_columns=12, random_state=0,
                      force=False):
    """Write one self-contained HTML page: scores with their meaning and reading, and plots.

    A "Rules" section lists the rules of the real rows (``report["rules"]``) with
    the share of real and synthetic rows keeping each. Plots (PNG, embedded as base64). For tables: real vs synthetic marginals per
    class, correlation differences and a PCA projection of real and synthetic rows,
    all without the identifier columns the report left out (``report["identifiers"]``;
    the page names them). For images (``real_X`` and ``synth_X`` arrays of shape
    (n, h, w[, c]), as given to :func:`ganaug.metrics.evaluate`): grids of real and
    synthetic samples per class, mean images per class, synthetic images beside
    their nearest real image, and a PCA projection; no per-pixel plots. Sample grids
    are also added to a table's page when ``real_images``/``synth_images`` are
    given. The file is written atomically.

    Parameters
    ----------
    report : dict
        From :func:`ganaug.metrics.evaluate` on the same tables or images.
    path : str or Path
    real_X, real_y, synth_X, synth_y : the tables or images that were evaluated
    title : str
    real_images, synth_images : ndarray, optional
        Images for the sample grids, labelled by ``real_y`` and ``synth_y``
        (default for images: ``real_X`` and ``synth_X``).
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

    figures = _figures(report, real_X, real_y, synth_X, synth_y, real_images, synth_images,
                       max_columns, random_state)
    unit = report.get("unit", "rows")
    table = report_table(report)
    sections = []
    for section, part in table.groupby("section", sort=False):
        sections.append(f"<h2>{html.escape(section.capitalize())}</h2>")
        # the readings have their own table at the top of the page
        part = part.drop(columns=["section", "reading"]).set_index(["scope", "metric"])
        sections.append(_table_html(part))
    fig_html = "\n".join(
        f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{html.escape(name)}</figcaption></figure>"
        for name, data in figures
    )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in report.get("notes", []))
    meanings_html = "".join(
        f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in meanings(unit).items()
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
<p>{html.escape(counted(report['n_real'], f'real {unit[:-1]}'))},
{html.escape(counted(report['n_synthetic'], f'synthetic {unit[:-1]}'))}.</p>
<ul>{notes}</ul>
<h2>Reading</h2>
{_reading_html(report)}
{''.join(sections)}
{_rules_html(report)}
<h2>Plots</h2>
{fig_html}
<h2>What the scores mean</h2>
<dl>{meanings_html}</dl>
</body></html>
"""
    with atomic_path(path, force=force) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return [name for name, _ in figures]
