"""The development benchmark: rebalancing remedies on the 14 real tables of the devsuite.

    python -m benchmarks.tables.devsuite                  # everything (hours on 2 cores)
    python -m benchmarks.tables.devsuite --tables mpg,tips --arms none,balanced,threshold,random,smote
    python -m benchmarks.tables.devsuite --classifiers logreg --out part1   # run in parts

Protocol (``../shared/devsuite/README.md``), one implementation with ``ganaug
compare``: every table goes through :func:`ganaug.comparison.cross_validate_arms`
with 2 x 5-fold stratified CV, training folds cut to imbalance ratio 10 (largest
class whole, the others cut at random to a tenth of it, at least 6 rows; test folds
never cut), arms ``none``, ``balanced`` (``class_weight="balanced"``), ``threshold``
(no resampling; the decision threshold tuned for macro-F1 by 5-fold cross-validation
on the training fold: the bar any sampler has to clear), ``random``, ``smote``
(SMOTENC with categoricals), ``ganaug`` (``GANAugmenter()`` defaults, or
``--recipe``) and, when the ``benchmark`` extra is installed, ``forestflow``
(ForestDiffusion's flow model, one per class to grow), and the classifiers logistic
regression, random forest and histogram gradient boosting (``hgb``, the one most
people use on tables and ``ganaug compare``'s default).
Per table: the unnamed index column and rows without a target are dropped.

Resumable: every record (table, classifier, arm, fold) is appended to
``OUT.jsonl`` as soon as it is made; a rerun with the same settings skips what is
there. ``OUT.json`` and ``OUT.md`` get the tables: per (table, classifier) cell,
mean ± sd over folds of macro-F1, balanced accuracy, G-mean, minority recall, ROC
AUC and average precision (the last two from the classifier's predicted
probabilities: whether the rows a sampler adds help it rank, not only move its
boundary; the ``threshold`` arm's are ``none``'s), the median fit seconds, and for the samplers how varied the rows they added are
(``variety``: 1 = as varied as the real rows of their class, near 0 = collapsed)
and how far their shares of missing values are from the real rows' (``missing
gap``; both computed by ``cross_validate_arms``); over all cells, and again for
each classifier's cells alone, each arm's mean rank per metric (1 = best; ranks
per cell and metric, ties shared), its wins (cells where its mean macro-F1 is the
best, ties counted for each), its median fit seconds per fold, and its mean
variety and missing gap.

The results page, ``docs/results/PAGE.{md,json}`` (``--page``, default ``devsuite``;
``--results`` another folder), holds the same tables, a chart of the mean ranks (over
all cells and per classifier) and one of macro-F1 per table, the run's stamp (date, machine, command, version) and,
when the run is a subset of the suite, says so and gives the command of the full run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from benchmarks import common  # noqa: E402
from benchmarks.common import fetch, load_table, pick, read_suite  # noqa: E402, F401 (used by unseen_tables)
from ganaug.comparison import METRICS, cross_validate_arms, summarize  # noqa: E402

ARMS = ("none", "balanced", "threshold", "random", "smote", "ganaug", "forestflow")
CLASSIFIERS = ("logreg", "forest", "hgb")
REPORT_METRICS = ("macro_f1", "balanced_accuracy", "g_mean", "minority_recall", "roc_auc",
                  "average_precision")
assert set(REPORT_METRICS) == set(METRICS)


# ----------------------------------------------------------------------- ForestFlow
def forestflow_available():
    try:
        import ForestDiffusion  # noqa: F401
    except ImportError:
        return False
    return True


class ForestFlowSampler:
    """ForestDiffusion's flow model (Jolicoeur-Martineau et al. 2024), one per class to grow.

    Categorical columns go in as integer codes (``bin_indexes`` with two levels,
    ``int_indexes`` with more), integer columns as ``int_indexes``; missing values stay NaN,
    which the XGBoost models accept. Every class is brought up to the majority count.
    """

    def __init__(self, random_state=None, n_t=50, duplicate_K=100, n_jobs=1):
        self.random_state = random_state
        self.n_t = n_t
        self.duplicate_K = duplicate_K
        self.n_jobs = n_jobs

    def get_params(self, deep=True):
        return {"random_state": self.random_state, "n_t": self.n_t,
                "duplicate_K": self.duplicate_K, "n_jobs": self.n_jobs}

    def set_params(self, **params):
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def fit_resample(self, X, y):
        from ForestDiffusion import ForestDiffusionModel

        X = X.reset_index(drop=True)
        y = pd.Series(np.asarray(y))
        codes, levels, kinds = {}, {}, {"cat": [], "bin": [], "int": []}
        for i, col in enumerate(X.columns):
            values = X[col]
            if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
                cats = pd.Categorical(values.astype(object).where(values.notna(), None))
                levels[col] = cats.categories
                codes[col] = np.where(cats.codes < 0, np.nan, cats.codes).astype(float)
                # Many levels go in as rounded integer codes, not cat_indexes:
                # ForestDiffusion 1.0.6's one-hot path breaks under pandas 3 when a
                # class lacks some levels.
                kinds["bin" if len(cats.categories) <= 2 else "int"].append(i)
            else:
                codes[col] = values.to_numpy(dtype=float)
                if pd.api.types.is_integer_dtype(values) or np.allclose(
                        values.dropna() % 1, 0):
                    kinds["int"].append(i)
        matrix = np.column_stack([codes[c] for c in X.columns])
        counts = y.value_counts()
        parts, labels = [X], [y]
        seed = 0 if self.random_state is None else int(self.random_state) % (2**31)
        for label, n in counts.items():
            need = int(counts.max() - n)
            if need == 0:
                continue
            rows = matrix[(y == label).to_numpy()]
            model = ForestDiffusionModel(
                rows, n_t=self.n_t, duplicate_K=self.duplicate_K, diffusion_type="flow",
                cat_indexes=kinds["cat"], bin_indexes=kinds["bin"], int_indexes=kinds["int"],
                n_jobs=self.n_jobs, seed=seed,
            )
            # ForestDiffusion 1.0.6 rounds integer columns in place on an array that
            # XGBoost returns read-only (with NumPy 2): hand it a writable copy.
            clip = model.clip_extremes
            model.clip_extremes = lambda values, clip=clip: clip(np.array(values, copy=True))
            new = model.generate(batch_size=need)
            frame = pd.DataFrame(new, columns=X.columns)
            for col in X.columns:
                if col in levels:
                    idx = np.clip(np.rint(frame[col].to_numpy(dtype=float)), 0,
                                  len(levels[col]) - 1)
                    frame[col] = pd.Series(np.asarray(levels[col], dtype=object)[
                        np.nan_to_num(idx).astype(int)]).where(~np.isnan(idx), None)
                    frame[col] = frame[col].astype(X[col].dtype, errors="ignore")
                elif pd.api.types.is_integer_dtype(X[col]):
                    frame[col] = np.rint(frame[col]).astype(X[col].dtype)
            parts.append(frame[X.columns])
            labels.append(pd.Series([label] * need))
        return pd.concat(parts, ignore_index=True), pd.concat(labels, ignore_index=True)


# ------------------------------------------------------------------------ records
def gan_params(recipe):
    from ganaug import GANAugmenter, load_recipe

    params = GANAugmenter().get_params()
    params.pop("random_state")
    if recipe:
        params.update(load_recipe(recipe))
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


def open_results(path, settings):
    """Records already in ``path`` (made with the same settings); writes the header if new."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"settings": settings}) + "\n", encoding="utf-8")
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0]).get("settings")
    if header != settings:
        raise SystemExit(
            f"{path} was made with other settings ({header}); these are {settings}. "
            "Give another --out to start a new run, or the same settings to resume."
        )
    records = []
    for line in lines[1:]:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:  # a line cut by an interrupted run: redo it
            continue
    return records


def run(args, tables, arms, classifiers, settings, data_dir):
    from ganaug import GANAugmenter

    results = Path(f"{args.out}.jsonl")
    records = open_results(results, settings)
    done = {(r["table"], r["classifier"], r["arm"], r["fold"]) for r in records}
    n_t, duplicate_K = args.forestflow_budget
    arm_list = [("forestflow", ForestFlowSampler(n_t=n_t, duplicate_K=duplicate_K))
                if a == "forestflow" else a for a in arms]
    augmenter = GANAugmenter(**{k: tuple(v) if isinstance(v, list) else v
                                for k, v in settings["ganaug"].items()})
    n_new = 0
    with results.open("a", encoding="utf-8") as out:
        for name, path, target in tables:
            X, y = load_table(data_dir, path, target)
            skip = {(c, a, f) for (t, c, a, f) in done if t == name}
            total = args.folds * args.repeats * len(arms)
            start = time.perf_counter()
            bar = None
            if not args.quiet:
                import click

                bar = click.progressbar(length=total, label=f"{name:<22}", file=sys.stderr,
                                        item_show_func=lambda item: item)
                bar.__enter__()
            try:
                for record in cross_validate_arms(
                    X, y, classifiers=classifiers, arms=arm_list, augmenter=augmenter,
                    folds=args.folds, repeats=args.repeats, random_state=args.seed,
                    imbalance_ratio=args.ratio, skip=skip,
                    progress=None if bar is None else bar.update,
                ):
                    record = {"table": name, **record}
                    out.write(json.dumps(record) + "\n")
                    out.flush()
                    records.append(record)
                    n_new += 1
            finally:
                if bar is not None:
                    bar.__exit__(None, None, None)
            if not args.quiet:
                print(f"  {name}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    print(f"{n_new} new records; {len(records)} in {results}.", file=sys.stderr)
    return records


# ------------------------------------------------------------------------ tables
def cell_summaries(records, arms):
    """Per (table, classifier): summarize() of its records, arms in the given order."""
    frame = pd.DataFrame(records)
    out = {}
    for (table, clf), part in frame.groupby(["table", "classifier"], sort=False):
        summary = summarize(part, REPORT_METRICS)
        out[(table, clf)] = summary.loc[[a for a in arms if a in summary.index]]
    return out


def overall(cells, arms, records):
    """Mean rank per metric and overall, wins by macro-F1, median fit seconds per fold.

    Only cells that hold every arm are ranked, so that ranks compare like with like.
    """
    full = {key: s for key, s in cells.items() if all(a in s.index for a in arms)}
    table = pd.DataFrame(index=pd.Index(arms, name="arm"))
    if full:
        for metric in REPORT_METRICS:
            ranks = pd.concat([s[metric].rank(ascending=False, method="average")
                               for s in full.values()], axis=1)
            table[f"rank {metric}"] = ranks.mean(axis=1)
        table["mean rank"] = table[[f"rank {m}" for m in REPORT_METRICS]].mean(axis=1)
        wins = pd.Series(0, index=table.index)
        for s in full.values():
            best = s["macro_f1"].max()
            wins[s.index[s["macro_f1"] == best]] += 1
        table["wins (macro_f1)"] = wins
    frame = pd.DataFrame(records)
    table["median fit s"] = frame.groupby("arm")["fit_s"].median().reindex(table.index)
    for col, label in (("variety", "variety"), ("missing_gap", "missing gap")):
        if col in frame:  # of the rows a sampler added, mean over folds (NaN: adds none)
            table[label] = frame.groupby("arm")[col].mean().reindex(table.index)
    return table, len(full)


def per_classifier(cells, arms, records):
    """:func:`overall` of each classifier's cells alone: ``{classifier: (table, n_ranked)}``,
    in the order the classifiers first appear."""
    out = {}
    for clf in dict.fromkeys(c for _, c in cells):
        mine = {key: s for key, s in cells.items() if key[1] == clf}
        out[clf] = overall(mine, arms, [r for r in records if r["classifier"] == clf])
    return out


def _md(frame):
    cols = [frame.index.name or "", *map(str, frame.columns)]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for idx, row in frame.iterrows():
        lines.append("| " + " | ".join([str(idx), *map(str, row)]) + " |")
    return "\n".join(lines)


def _rank_text(frame):
    return frame.map(lambda v: "" if v != v else f"{v:.2f}" if isinstance(v, float) else str(v))


def markdown(cells, ranks, n_ranked, settings, by_classifier=None):
    s = settings
    out = [
        f"**ganaug devsuite: {s['repeats']} x {s['folds']}-fold stratified CV, training folds cut "
        f"to imbalance ratio {s['ratio']:g}, seed {s['seed']}**",
        "",
        f"GANAugmenter: {s['ganaug']}",
        "",
        f"### Over all cells ({n_ranked} (table, classifier) cells with every arm; "
        "rank 1 = best, mean over cells)",
        "",
        _md(_rank_text(ranks)),
        "",
    ]
    for clf, (table, n) in (by_classifier or {}).items():
        out += [f"### Mean ranks, {clf} ({n} cells with every arm)", "", _md(_rank_text(table)), ""]
    for (table, clf), summary in cells.items():
        shown = pd.DataFrame(index=summary.index)
        for metric in REPORT_METRICS:
            best = summary[metric].max()
            shown[metric] = [
                ("**{:.3f} ± {:.3f}**" if m == best else "{:.3f} ± {:.3f}").format(m, 0 if sd != sd else sd)
                for m, sd in zip(summary[metric], summary[f"{metric}_sd"])
            ]
        shown["median fit s"] = summary["fit_s_median"].map(lambda v: f"{v:.2f}")
        for col, label in (("variety", "variety"), ("missing_gap", "missing gap")):
            if col in summary:
                shown[label] = summary[col].map(lambda v: "" if v != v else f"{v:.2f}")
        shown["folds"] = summary["n_folds"]
        out += [f"### {table}, {clf}", "", _md(shown), ""]
    return "\n".join(out)


def write_outputs(records, arms, settings, prefix):
    cells = cell_summaries(records, arms)
    ranks, n_ranked = overall(cells, arms, records)
    by_classifier = per_classifier(cells, arms, records)
    text = markdown(cells, ranks, n_ranked, settings, by_classifier)
    Path(f"{prefix}.md").write_text(text + "\n", encoding="utf-8")
    payload = {
        "settings": settings,
        "n_ranked_cells": n_ranked,
        "overall": json.loads(ranks.reset_index().to_json(orient="records")),
        "per_classifier": {clf: {"n_ranked_cells": n,
                                 "ranks": json.loads(t.reset_index().to_json(orient="records"))}
                           for clf, (t, n) in by_classifier.items()},
        "cells": [
            {"table": table, "classifier": clf, **row}
            for (table, clf), summary in cells.items()
            for row in json.loads(summary.reset_index().to_json(orient="records"))
        ],
    }
    Path(f"{prefix}.json").write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return text


# --------------------------------------------------------------------------- page
def page_payload(records, arms, settings, scope, name, stamp):
    """The results page of a run: ``scope`` says which tables, arms and classifiers
    it covered, and ``full`` (when it is a subset) the command of the whole suite."""
    cells = cell_summaries(records, arms)
    ranks, n_ranked = overall(cells, arms, records)
    by_classifier = per_classifier(cells, arms, records)
    ranked = ranks.reset_index()
    columns = [str(c) for c in ranked.columns]

    def rows_of(frame):
        return [[v if isinstance(v, str) else common.fmt(v, ".2f") if isinstance(v, float)
                 else str(v) for v in row] for row in frame.reset_index().itertuples(index=False)]

    rows = rows_of(ranks)
    s = settings
    intro = (
        f"The development benchmark (`benchmarks/tables/devsuite.py`) on real tables "
        f"({len(scope['tables'])} here): {s['repeats']} x {s['folds']}-fold stratified cross-validation, every training "
        f"fold cut to imbalance ratio {s['ratio']:g} (test folds never cut), fold seed {s['seed']}; "
        "each arm rebalances the training fold, a classifier is trained on the result and scored "
        "on the test fold (`ganaug.comparison.cross_validate_arms`, the same function as "
        "`ganaug compare`). Arms: " + ", ".join(f"`{a}`" for a in arms) + "; classifiers: "
        + ", ".join(f"`{c}`" for c in scope["classifiers"]) + ". Tables: "
        + ", ".join(scope["tables"]) + "."
    )
    if scope.get("full"):
        intro += ("\n\n**This run is a subset of the suite** (" + scope["subset"] + "). The full "
                  f"run (hours on 2 cores): `{scope['full']}`.")
    sections = [{
        "heading": "Over all cells",
        "text": (f"{n_ranked} (table, classifier) cells with every arm. Ranks per cell and metric "
                 "(1 = best, ties shared), averaged over cells; wins: cells where the arm's mean "
                 "macro-F1 is the best (ties counted for each); median fit seconds per fold; "
                 "variety of the rows a sampler added (1 = as varied as the real rows of their "
                 "class) and the gap of their missing-value shares to the real rows'."),
        "table": {"columns": ["arm", *columns[1:]], "rows": rows},
        "chart": {"file": "mean_rank.png", "kind": "barh", "title": "Mean rank over cells and metrics (1 = best)",
                  "categories": list(ranks.index), "ylabel": "mean rank",
                  "series": {"mean rank": [None if "mean rank" not in ranks else float(v)
                                           for v in ranks.get("mean rank", pd.Series(np.nan, ranks.index))]}},
    }]
    if by_classifier:
        sections.append({
            "heading": "Mean ranks per classifier",
            "text": ("The same ranks, each classifier's cells alone: a sampler that helps one "
                     "classifier and hurts another shows here, not in the pooled table. "
                     "`threshold` ranks as `none` on ROC AUC and average precision (it refits "
                     "the same classifier; only its decision rule moves)."),
            "chart": {"file": "mean_rank_by_classifier.png", "kind": "barh",
                      "title": "Mean rank over metrics, per classifier (1 = best)",
                      "categories": list(ranks.index), "ylabel": "mean rank",
                      "series": {clf: [None if "mean rank" not in t or t.loc[a, "mean rank"] != t.loc[a, "mean rank"]
                                       else float(t.loc[a, "mean rank"]) for a in ranks.index]
                                 for clf, (t, _) in by_classifier.items()}},
        })
        for clf, (table, n) in by_classifier.items():
            sections.append({
                "heading": f"Mean ranks, {clf}",
                "text": f"{n} tables with every arm.",
                "table": {"columns": ["arm", *[str(c) for c in table.columns]],
                          "rows": rows_of(table)},
            })
    for clf in scope["classifiers"]:
        tables = [t for t in scope["tables"] if (t, clf) in cells]
        if not tables:
            continue
        series = {a: [float(cells[(t, clf)].loc[a, "macro_f1"]) if a in cells[(t, clf)].index else None
                      for t in tables] for a in arms}
        errors = {a: [float(cells[(t, clf)].loc[a, "macro_f1_sd"]) if a in cells[(t, clf)].index else 0.0
                      for t in tables] for a in arms}
        sections.append({
            "heading": f"Macro-F1 by table, {clf}",
            "text": "Mean over folds (the bars' whiskers: one standard deviation).",
            "table": {"columns": ["table", *arms],
                      "rows": [[t, *[common.fmt(series[a][i]) for a in arms]] for i, t in enumerate(tables)]},
            "chart": {"file": f"macro_f1_{clf}.png", "kind": "bar", "title": f"Macro-F1 on the test folds, {clf}",
                      "categories": tables, "ylabel": "macro-F1", "series": series, "errors": errors},
        })
    for (table, clf), summary in cells.items():
        shown = []
        for arm in summary.index:
            row = [arm]
            for metric in REPORT_METRICS:
                row.append(common.mean_sd(summary.loc[arm, metric], summary.loc[arm, f"{metric}_sd"],
                                          best=summary.loc[arm, metric] == summary[metric].max()))
            row.append(common.fmt(summary.loc[arm, "fit_s_median"], ".2f"))
            for col in ("variety", "missing_gap"):
                row.append(common.fmt(summary.loc[arm, col], ".2f") if col in summary else "")
            row.append(str(summary.loc[arm, "n_folds"]))
            shown.append(row)
        sections.append({"heading": f"{table}, {clf}", "table": {
            "columns": ["arm", *REPORT_METRICS, "median fit s", "variety", "missing gap", "folds"], "rows": shown}})
    return {
        "name": name, "title": f"{scope.get('suite', 'Development suite')}{' (subset)' if scope.get('full') else ''}: "
                               "rebalancing remedies on real tables",
        "intro": intro, "stamp": stamp, "sections": sections,
        "data": {"settings": settings, "scope": scope, "n_ranked_cells": n_ranked,
                 "overall": json.loads(ranked.to_json(orient="records")),
                 "per_classifier": {clf: {"n_ranked_cells": n,
                                          "ranks": json.loads(t.reset_index().to_json(orient="records"))}
                                    for clf, (t, n) in by_classifier.items()},
                 "cells": [{"table": t, "classifier": c, **row}
                           for (t, c), summary in cells.items()
                           for row in json.loads(summary.reset_index().to_json(orient="records"))]},
    }


# --------------------------------------------------------------------------- main
def _budget(text):
    try:
        n_t, k = (int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected two integers N_T,K (say 50,100); got {text!r}") from None
    if n_t < 1 or k < 1:
        raise argparse.ArgumentTypeError(f"N_T and K must be at least 1; got {text!r}")
    return n_t, k


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", type=Path, default=common.DEVSUITE,
                        help="Folder with suite.toml and fetch.sh (default: ../shared/devsuite).")
    parser.add_argument("--data", type=Path, default=None,
                        help="Folder of the CSVs (default: what the suite's fetch.sh prints).")
    parser.add_argument("--tables", default=None, help="Comma-separated table names (file stems).")
    parser.add_argument("--arms", default=None, help=f"Comma-separated, from {', '.join(ARMS)}.")
    parser.add_argument("--classifiers", default=",".join(CLASSIFIERS),
                        help="Comma-separated, from logreg, forest, hgb.")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--ratio", type=float, default=10.0,
                        help="Imbalance ratio of training folds.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--recipe", default=None,
                        help="GANAugmenter recipe (default: none, the estimator's defaults).")
    parser.add_argument("--out", default="devsuite",
                        help="Prefix of OUT.jsonl (records, resumable), OUT.json and OUT.md.")
    parser.add_argument("--quiet", action="store_true", help="No progress bars.")
    parser.add_argument("--page", default="devsuite",
                        help="Name of the results page, RESULTS/PAGE.{md,json} (default: devsuite).")
    parser.add_argument("--results", type=Path, default=common.RESULTS,
                        help="Folder of the results page (default: docs/results).")
    parser.add_argument("--note", default="", help="A sentence for the page: how the run was "
                        "made (e.g. its records made in parts, at which commits).")
    parser.add_argument("--forestflow-budget", type=_budget, default=(50, 100), metavar="N_T,K",
                        help="ForestFlow's n_t (noise levels) and duplicate_K (copies of each "
                        "row); default 50,100, its paper's; 20,20 costs about a twelfth.")
    return parser.parse_args(argv)


def main(argv=None):
    import warnings

    args = parse_args(argv)
    warnings.filterwarnings("ignore")
    suite = read_suite(args.suite)
    names = pick(args.tables, [n for n, _, _ in suite], "tables")
    tables = [t for t in suite if t[0] in names]
    arms = pick(args.arms, ARMS, "arms")
    classifiers = pick(args.classifiers, CLASSIFIERS, "classifiers")
    if "forestflow" in arms and not forestflow_available():
        print("forestflow skipped: the ForestDiffusion package is not installed "
              "(pip install -e '.[benchmark]' to include it).", file=sys.stderr)
        arms.remove("forestflow")
    data_dir = args.data or fetch(args.suite)
    # "scores": records made before ROC AUC and average precision were scored lack them,
    # and do not mix with these.
    settings = {"folds": args.folds, "repeats": args.repeats, "ratio": args.ratio,
                "seed": args.seed, "ganaug": gan_params(args.recipe),
                "scores": list(REPORT_METRICS)}
    if "forestflow" in arms and tuple(args.forestflow_budget) != (50, 100):
        # Only a changed budget is recorded, so runs with the default still resume.
        settings["forestflow"] = list(args.forestflow_budget)
    start = time.perf_counter()
    records = run(args, tables, arms, classifiers, settings, data_dir)
    chosen = [r for r in records
              if r["table"] in names and r["arm"] in arms and r["classifier"] in classifiers]
    if not chosen:
        raise SystemExit("No records to report.")
    print(write_outputs(chosen, arms, settings, args.out))
    seconds = time.perf_counter() - start
    print(f"\nWrote {args.out}.md and {args.out}.json; {seconds:.0f} s on {os.cpu_count()} CPU cores.")
    scope = {"tables": names, "arms": arms, "classifiers": classifiers,
             "suite": "Development suite" if Path(args.suite) == Path(common.DEVSUITE)
             else f"Suite {Path(args.suite).name}"}
    every = (len(names) == len(suite) and set(ARMS) - {"forestflow"} <= set(arms)
             and set(CLASSIFIERS) <= set(classifiers))
    if not every:
        scope["subset"] = (f"{len(names)} of {len(suite)} tables, arms {', '.join(arms)}, "
                           f"classifiers {', '.join(classifiers)}")
        scope["full"] = common.command_line("benchmarks.tables.devsuite", [
            *(["--suite", str(args.suite)] if args.suite != common.DEVSUITE else []),
            "--page", args.page])
    stamp = common.stamp("benchmarks.tables.devsuite", sys.argv[1:] if argv is None else argv, seconds)
    payload = page_payload(chosen, arms, settings, scope, args.page, stamp)
    common.write_results(common.add_note(payload, args.note), args.results)


if __name__ == "__main__":
    main()
