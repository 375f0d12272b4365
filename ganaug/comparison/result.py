"""What :func:`~ganaug.comparison.compare` returns: the summary, the verdict (the best
arm against ``none`` and the best simple arm; and, when the ``threshold`` arm ran,
whether rebalancing beats moving the decision threshold), the text table and the
HTML report.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ganaug.display import shown
from ganaug.comparison.arms import SIMPLE_ARMS, UNBALANCED_ARMS
from ganaug.comparison.statistics import MEANINGS, METRICS, corrected_ttest, summarize

_ALPHA = 0.05


def _best(summary, metric):
    """The arm with the highest mean; ties go to the arm listed first (the simpler)."""
    means = summary[metric]
    return means.index[int(np.argmax(means.to_numpy()))]


def _tests(records, summary, metric, best):
    wide = records.pivot(index="fold", columns="arm", values=metric)
    ratio = float(records["n_test"].mean() / records["n_train"].mean())
    simple = [a for a in SIMPLE_ARMS if a in summary.index and a != best]
    refs = []
    if best != "none":
        if "none" in summary.index:
            refs.append(("none", "no resampling"))
        if simple:
            runner = _best(summary.loc[simple], metric)
            refs.append((runner, "the best simple arm" if best not in SIMPLE_ARMS
                         else "the best other simple arm"))
    else:
        others = [a for a in summary.index if a != "none"]
        if others:
            refs.append((_best(summary.loc[others], metric), "the best remedy"))
    rows = []
    for ref, role in refs:
        both = wide[[best, ref]].dropna()
        diff, p = corrected_ttest(both[best], both[ref], ratio)
        rows.append({"arm": best, "versus": ref, "role": role, "difference": diff,
                     "p_value": p, "n_folds": len(both)})
    rebalancing = [a for a in summary.index if a not in UNBALANCED_ARMS]
    if "threshold" in summary.index and rebalancing:
        runner = _best(summary.loc[rebalancing], metric)
        both = wide[[runner, "threshold"]].dropna()
        diff, p = corrected_ttest(both[runner], both["threshold"], ratio)
        rows.append({"arm": runner, "versus": "threshold", "role": _THRESHOLD_ROLE,
                     "difference": diff, "p_value": p, "n_folds": len(both)})
    return pd.DataFrame(rows, columns=["arm", "versus", "role", "difference", "p_value",
                                       "n_folds"])


_THRESHOLD_ROLE = "the best rebalancing arm against moving the threshold"


def _signed(difference):
    """A difference to three decimals with its sign, '+0.000' for one that rounds to 0
    (never '-0.000')."""
    return f"{round(float(difference), 3) + 0.0:+.3f}"


def _shown_difference(difference):
    """A difference to three decimals, '0.000' (not '-0.000') for one that rounds to 0."""
    return f"{round(float(difference), 3) + 0.0:.3f}"


def _noise(p):
    return "larger than the fold-to-fold noise" if p < _ALPHA else "within the fold-to-fold noise"


def _threshold_sentence(row, metric):
    """Whether the best rebalancing arm beats moving the decision threshold."""
    if row.difference > 0 and row.p_value < _ALPHA:
        return (f"Rebalancing ({row.arm}) beats moving the decision threshold by "
                f"{_signed(row.difference)} {metric} (p = {row.p_value:.3f}).")
    if row.difference < 0 and row.p_value < _ALPHA:
        return (f"Moving the decision threshold beats every rebalancing arm (the best, "
                f"{row.arm}, is {_signed(row.difference)} {metric} behind it, p = {row.p_value:.3f}).")
    return (f"Moving the decision threshold does as well as any rebalancing (best rebalancing "
            f"arm {row.arm}, {_signed(row.difference)} {metric}, p = {row.p_value:.3f}, "
            "within the fold-to-fold noise).")


def _sentence(summary, tests, metric, best):
    """Which arm is best, whether its leads are larger than the fold-to-fold noise, and
    (when the threshold arm ran) whether rebalancing beats moving the threshold."""
    against = tests[tests["role"] == _THRESHOLD_ROLE]
    tests = tests[tests["role"] != _THRESHOLD_ROLE]
    first = _best_sentence(summary, tests, metric, best)
    if against.empty:
        return first
    return f"{first} {_threshold_sentence(next(against.itertuples()), metric)}"


def _best_sentence(summary, tests, metric, best):
    score = summary.loc[best, metric]
    if tests.empty:
        return f"{best} is best by {metric} ({score:.3f}); there is no other arm to compare with."
    rows = list(tests.itertuples())
    if best == "none":
        row = rows[0]
        return (
            f"none (no rebalancing) is best by {metric} ({score:.3f}); the best remedy, "
            f"{row.versus}, is {_shown_difference(row.difference)} behind (p = {row.p_value:.3f}), "
            f"{_noise(row.p_value)}."
        )
    leads = [
        f"over {row.versus} (" + (f"{row.role}: " if row.versus != "none" else "")
        + f"{_signed(row.difference)}, p = {row.p_value:.3f})"
        for row in rows
    ]
    verdicts = [_noise(row.p_value) for row in rows]
    if len(set(verdicts)) == 1:
        tail = " and ".join(leads) + f" is {verdicts[0]}"
    else:
        tail = "; ".join(f"{lead} is {v}" for lead, v in zip(leads, verdicts))
    return f"{best} is best by {metric} ({score:.3f}); its lead {tail}."


# --------------------------------------------------------------------------- result
@dataclass
class ComparisonResult:
    """What :func:`compare` found.

    Attributes
    ----------
    records : DataFrame
        One row per fold and arm: scores, ``fit_s``, fold sizes.
    summary : DataFrame
        Per arm: mean and sd of each metric and of ``fit_s``, median ``fit_s``.
    metric : str
        The metric that decides.
    best : str
        The arm with the highest mean ``metric``.
    tests : DataFrame
        The best arm against ``none`` and the best simple arm, and, when the
        ``threshold`` arm ran, the best rebalancing arm (any arm but ``none`` and
        ``threshold``) against it: mean difference over folds and the corrected
        paired t-test's p-value.
    sentence : str
        The verdict in plain words: which arm is best and whether its lead is
        larger than the fold-to-fold noise; then, when the ``threshold`` arm ran
        beside some rebalancing arm, whether rebalancing beats moving the decision
        threshold.
    notes : list of str
        Arms left out, and why.
    settings : dict
        Classifier, folds, repeats, random_state, imbalance_ratio, minority class.
    """

    records: pd.DataFrame
    summary: pd.DataFrame
    metric: str
    best: str
    tests: pd.DataFrame
    sentence: str
    notes: list = field(default_factory=list)
    settings: dict = field(default_factory=dict)

    def table(self):
        """The summary as aligned text: mean ± sd per metric, fit seconds."""
        cells = pd.DataFrame(index=self.summary.index)
        for col in [*METRICS, "fit_s"]:
            digits = 2 if col == "fit_s" else 3
            cells[col] = [
                "n/a" if pd.isna(m) else f"{m:.{digits}f} ± {0.0 if s != s else s:.{digits}f}"
                for m, s in zip(self.summary[col], self.summary[f"{col}_sd"])
            ]
        cells[""] = ["<- best" if arm == self.best else "" for arm in cells.index]
        return cells.to_string()

    def __str__(self):
        s = self.settings
        head = (f"{s.get('classifier')}: {s.get('repeats')} x {s.get('folds')}-fold stratified "
                f"CV, seed {s.get('random_state')}; minority class {shown(s.get('minority'))}")
        if s.get("imbalance_ratio") is not None:
            head += f"; training folds cut to imbalance ratio {s['imbalance_ratio']:g}"
        n = int(self.summary["n_folds"].max())
        lines = [head, "", self.table(), "", self.sentence,
                 f"(p: Nadeau-Bengio corrected paired t-test over the {n} folds; below "
                 f"{_ALPHA} = larger than the fold-to-fold noise.)"]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def plot_folds(self, metric, ax, *, fontsize=10):
        """Draw ``metric`` on the matplotlib axes ``ax``: one point per fold and arm (the
        best arm in red), the arm's mean as a line."""
        arms = list(self.summary.index)
        for i, arm in enumerate(arms):
            vals = self.records.loc[self.records["arm"] == arm, metric].to_numpy()
            jitter = np.linspace(-0.15, 0.15, len(vals)) if len(vals) > 1 else [0.0]
            ax.scatter(i + np.asarray(jitter), vals, s=16, alpha=0.7,
                       color="C3" if arm == self.best else "C0")
            ax.hlines(vals.mean(), i - 0.3, i + 0.3, color="k", lw=1.5)
        ax.set_xticks(range(len(arms)), arms)
        ax.set_title(f"{metric}: one point per fold, line = mean", fontsize=fontsize)
        ax.grid(axis="y", alpha=0.3)

    def write_html(self, path, *, title="ganaug compare", force=False):
        """Write a self-contained HTML page: the table, the verdict, a plot per metric.

        Each plot shows one point per fold and arm, with the arm's mean as a bar.
        The file is written whole or not at all.
        """
        from ganaug.plots import png_base64, pyplot
        from ganaug.io import atomic_path

        plt = pyplot()
        arms = list(self.summary.index)
        figures = []
        for col in [*METRICS, "fit_s"]:
            fig, ax = plt.subplots(figsize=(1.1 * len(arms) + 2, 3.2))
            self.plot_folds(col, ax)
            ax.set_ylabel(col)
            figures.append((col, png_base64(fig)))
        tests = self.tests.copy()
        page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: sans-serif; max-width: 1000px; margin: 2em auto; color: #222; }}
table {{ border-collapse: collapse; font-size: 0.9em; margin-bottom: 1em; }}
td, th {{ padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: left; }}
img {{ max-width: 100%; }} dt {{ font-weight: bold; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>{html.escape(str(self).splitlines()[0])}</p>
<p><strong>{html.escape(self.sentence)}</strong></p>
<ul>{''.join(f'<li>{html.escape(n)}</li>' for n in self.notes)}</ul>
<h2>Mean ± sd over folds</h2>
<pre>{html.escape(self.table())}</pre>
<h2>Paired tests (decided by {html.escape(self.metric)})</h2>
{tests.to_html(index=False, border=0, float_format=lambda v: f"{v:.4f}")}
<h2>Scores per fold</h2>
{''.join(f'<figure><img alt="{html.escape(n)}" src="data:image/png;base64,{d}"></figure>'
         for n, d in figures)}
<h2>What the columns mean</h2>
<dl>{''.join(f'<dt>{k}</dt><dd>{html.escape(v)}</dd>' for k, v in MEANINGS.items())}</dl>
</body></html>
"""
        with atomic_path(path, force=force) as tmp:
            tmp.write_text(page, encoding="utf-8")


def result_from_records(records, *, metric="macro_f1", notes=(), settings=None):
    """Build a :class:`ComparisonResult` from the records of one classifier."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {list(METRICS)}. Got {metric!r} instead.")
    summary = summarize(records)
    best = _best(summary, metric)
    tests = _tests(records, summary, metric, best)
    return ComparisonResult(records=records, summary=summary, metric=metric, best=best,
                            tests=tests, sentence=_sentence(summary, tests, metric, best),
                            notes=list(notes), settings=dict(settings or {}))
