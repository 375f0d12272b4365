"""Compare over-samplers on the same folds: none, a tuned threshold, random, SMOTE(NC), CTGAN, GANAugmenter.

    python -m benchmarks.tables.compare             # the four tables of the record
    python -m benchmarks.tables.compare --quick     # a smoke run (minutes)
    python -m benchmarks.tables.compare --methods none,random,smote --datasets iris

Protocol: that of ``ganaug compare`` and ``benchmarks/tables/devsuite.py``, from the same
function, :func:`ganaug.comparison.cross_validate_arms`. For each dataset, repeated
stratified K-fold; every training fold is cut to an imbalance ratio (10 by default:
the largest class whole, every other class cut at random to a tenth of it, at least
6 rows); the test fold is left untouched. Each sampler then brings every class up to
the majority count (SMOTE after imputing missing values on the training fold; CTGAN
likewise; GANAugmenter on the raw rows); ``threshold`` resamples nothing and tunes the
classifier's decision threshold for macro-F1 on the training fold instead; logistic
regression and a random forest (:func:`ganaug.comparison.make_classifier`, imputing
and encoding inside their own pipeline) are trained on the result and scored on the
test fold with macro-F1, balanced accuracy, G-mean, ROC AUC and average precision.
``fit s`` is the sampler's ``fit_resample`` time (0 for ``threshold``, whose tuning
is part of the classifier's fit).

Mean rank: per dataset, classifier and metric, the methods are ranked on their mean
score over folds (1 = best, ties share the mean rank); the ranks are then averaged.

The results page, ``docs/results/compare.{md,json}`` (``--page``, ``--results``), holds
the printed tables, a chart of the mean ranks and one of macro-F1 per dataset, and
the run's stamp (date, machine, command, version).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from benchmarks import common  # noqa: E402

ROOT = common.ROOT
DATASETS = ("breast_cancer", "wine", "iris", "penguins")
METHODS = ("none", "threshold", "random", "smote", "ctgan", "ganaug")
METRICS = ("f1_macro", "balanced_accuracy", "g_mean", "roc_auc", "average_precision")
SCORES = {"f1_macro": "macro_f1", "balanced_accuracy": "balanced_accuracy", "g_mean": "g_mean",
          "roc_auc": "roc_auc", "average_precision": "average_precision"}


# ----------------------------------------------------------------------- datasets
def load_dataset(name, penguins_path):
    from sklearn import datasets

    if name == "penguins":
        frame = pd.read_csv(penguins_path)
        return frame.drop(columns="species"), frame["species"]
    loaders = {
        "breast_cancer": datasets.load_breast_cancer,
        "wine": datasets.load_wine,
        "iris": datasets.load_iris,
        "digits": datasets.load_digits,
    }
    if name not in loaders:
        raise SystemExit(
            f"--datasets: unknown dataset {name!r}; expected some of "
            f"{sorted([*loaders, 'penguins'])}. Got {name!r} instead."
        )
    bunch = loaders[name](as_frame=True)
    return bunch.data, bunch.target.map(dict(enumerate(bunch.target_names)))


def categorical_columns(X):
    return [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]


# ------------------------------------------------------------------------ samplers
def gan_params(args):
    """GANAugmenter's defaults, then the recipe, then --epochs / --batch-size."""
    from ganaug import GANAugmenter, load_recipe

    params = GANAugmenter().get_params()
    params.pop("random_state")
    if args.recipe:
        params.update(load_recipe(args.recipe))
    if args.epochs is not None:
        params["epochs"] = args.epochs
    if args.batch_size is not None:
        params["batch_size"] = args.batch_size
    return params


def ctgan_available():
    try:
        import ctgan  # noqa: F401
    except ImportError:
        return False
    return True


def ctgan_resample(X, y, cat, epochs, seed):
    from ctgan import CTGAN

    data = X.assign(__label__=y.astype(str).to_numpy())
    model = CTGAN(epochs=epochs, verbose=False)
    model.set_random_state(seed)
    model.fit(data, discrete_columns=[*cat, "__label__"])
    counts = y.value_counts()
    by_text = {str(label): label for label in counts.index}
    parts, labels = [X], [y]
    for label, n in counts.items():
        need = int(counts.max() - n)
        if need:
            rows = model.sample(need, condition_column="__label__", condition_value=str(label))
            parts.append(rows[X.columns].astype(X.dtypes.to_dict()))
            labels.append(pd.Series([by_text[str(label)]] * need, name=y.name))
    return pd.concat(parts, ignore_index=True), pd.concat(labels, ignore_index=True)


class CTGANSampler:
    """CTGAN (the ``ctgan`` package) as a sampler for ``cross_validate_arms``.

    Missing values of the training fold are imputed (median / most frequent, fitted on
    that fold), one CTGAN conditioned on the label is fitted, and every class is
    brought up to the majority count. ``get_params`` / ``set_params`` let
    ``sklearn.base.clone`` copy it, and ``random_state`` is set per fold.
    """

    def __init__(self, epochs=150, random_state=None):
        self.epochs = epochs
        self.random_state = random_state

    def get_params(self, deep=True):
        return {"epochs": self.epochs, "random_state": self.random_state}

    def set_params(self, **params):
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def fit_resample(self, X, y):
        X = impute(X)
        y = pd.Series(np.asarray(y), name=getattr(y, "name", None))
        return ctgan_resample(X, y, categorical_columns(X), self.epochs, self.random_state)


def impute(X):
    """Missing values filled from the same rows: median (numbers), most frequent (text)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer

    cat = categorical_columns(X)
    num = [c for c in X.columns if c not in cat]
    filled = ColumnTransformer(
        [("num", SimpleImputer(strategy="median", keep_empty_features=True), num),
         ("cat", SimpleImputer(strategy="most_frequent", keep_empty_features=True), cat)],
        verbose_feature_names_out=False,
    ).set_output(transform="pandas").fit_transform(X)[list(X.columns)]
    for c in cat:
        filled[c] = filled[c].astype(str)
    return filled.reset_index(drop=True)


# ---------------------------------------------------------------------------- run
def arms(args):
    """The arms of ``cross_validate_arms`` for ``--methods`` (CTGAN only when installed)."""
    out = []
    for method in args.methods:
        if method == "ctgan":
            if not ctgan_available():
                print("CTGAN skipped: the ctgan package is not installed "
                      "(pip install 'ganaug[ctgan]' to include it).\n")
                continue
            out.append(("ctgan", CTGANSampler(epochs=args.ctgan_epochs)))
        else:
            out.append(method)
    return out


def run(args):
    """One row per (dataset, fold, method, classifier), from ``cross_validate_arms``."""
    from ganaug import GANAugmenter
    from ganaug.comparison import cross_validate_arms

    chosen = arms(args)
    augmenter = GANAugmenter(**gan_params(args)) if "ganaug" in args.methods else None
    last = chosen[-1] if isinstance(chosen[-1], str) else chosen[-1][0]
    rows = []
    for name in args.datasets:
        if name == "penguins" and not args.penguins.is_file():
            print(f"penguins skipped: {args.penguins} not found.\n")
            continue
        X, y = load_dataset(name, args.penguins)

        def progress(_, label, name=name):
            if label.endswith(f" {last}"):
                print(f"  {name}: {label.split()[1]} done", file=sys.stderr)

        for record in cross_validate_arms(
            X, y, classifiers=("logreg", "forest"), arms=chosen, augmenter=augmenter,
            folds=args.folds, repeats=args.repeats, random_state=args.seed,
            imbalance_ratio=args.ratio, progress=progress,
        ):
            rows.append({
                "dataset": name, "fold": record["fold"], "method": record["arm"],
                "classifier": record["classifier"], "fit_s": record["resample_s"],
                **{metric: record[source] for metric, source in SCORES.items()},
            })
    return pd.DataFrame(rows)


def report(results, args):
    mean = results.groupby(["dataset", "classifier", "method"], sort=False)[
        [*METRICS, "fit_s"]].mean()
    std = results.groupby(["dataset", "classifier", "method"], sort=False)[list(METRICS)].std()
    out = []
    for (dataset, kind), block in mean.groupby(level=[0, 1], sort=False):
        block = block.droplevel([0, 1])
        spread = std.loc[(dataset, kind)]
        table = pd.DataFrame(index=block.index)
        for metric in METRICS:
            best = block[metric].max()
            table[metric] = [
                f"{'**' if v == best else ''}{v:.3f} ± {s:.3f}{'**' if v == best else ''}"
                for v, s in zip(block[metric], spread[metric].fillna(0))
            ]
        table["fit s"] = block["fit_s"].map(lambda v: f"{v:.2f}")
        out.append(f"### {dataset}, {kind}\n\n{_md(table)}\n")
    ranks = mean[list(METRICS)].groupby(level=[0, 1], sort=False).rank(ascending=False)
    mean_rank = ranks.mean(axis=1).groupby(level="method").mean().sort_values()
    per_dataset = ranks.mean(axis=1).groupby(level=["method", "dataset"]).mean().unstack()
    rank_table = per_dataset.assign(**{"mean rank": mean_rank}).sort_values("mean rank")
    rank_table = rank_table.map(lambda v: f"{v:.2f}")
    rank_table["fit s (mean)"] = mean["fit_s"].groupby(level="method").mean().map(
        lambda v: f"{v:.2f}")
    out.append(f"### Mean rank (1 = best; over metrics and both classifiers)\n\n{_md(rank_table)}\n")
    if "ganaug" in mean_rank.index:
        out.append(_ganaug_losses(mean))
    return "\n".join(out)


def _ganaug_losses(mean):
    """Where GANAugmenter scores below a simpler method: metrics lost, out of len(METRICS)."""
    others = [m for m in ("none", "threshold", "random", "smote", "ctgan")
              if m in mean.index.get_level_values(2)]
    n = len(METRICS)
    table = {}
    for (dataset, kind), block in mean.groupby(level=[0, 1], sort=False):
        block = block.droplevel([0, 1])
        table[f"{dataset}, {kind}"] = {
            f"vs {other}": f"{int((block.loc['ganaug', list(METRICS)] < block.loc[other, list(METRICS)]).sum())}/{n}"
            for other in others
        }
    table = pd.DataFrame.from_dict(table, orient="index")
    table.index.name = "GANAugmenter loses on"
    lost = (table != f"0/{n}").to_numpy().sum()
    verdict = (f"GANAugmenter scores below a simpler method in {lost} of {table.size} comparisons."
               if lost else "GANAugmenter is never below a simpler method on these runs.")
    return f"### Where GANAugmenter loses (metrics lower, of {n})\n\n{_md(table)}\n\n{verdict}\n"


def _md(table):
    try:
        return table.to_markdown()
    except ImportError:  # tabulate missing: a hand-built pipe table
        cols = [table.index.name or "", *map(str, table.columns)]
        lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        for idx, row in table.iterrows():
            lines.append("| " + " | ".join([str(idx), *map(str, row)]) + " |")
        return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default=",".join(DATASETS),
                        help=f"Comma-separated, from {', '.join(DATASETS)}, digits.")
    parser.add_argument("--methods", default=",".join(METHODS),
                        help=f"Comma-separated, from {', '.join(METHODS)}.")
    parser.add_argument("--repeats", type=int, default=None, help="Repeats of the K-fold split (2).")
    parser.add_argument("--folds", type=int, default=None, help="K of the stratified K-fold (5).")
    parser.add_argument("--epochs", type=int, default=None,
                        help="GANAugmenter epochs (default: the estimator's own).")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="GANAugmenter batch size (default: the estimator's own).")
    parser.add_argument("--recipe", default=None,
                        help="GANAugmenter recipe (default: none, the estimator's defaults).")
    parser.add_argument("--ctgan-epochs", type=int, default=None, help="CTGAN epochs (150).")
    parser.add_argument("--ratio", type=float, default=10.0, help="Imbalance ratio of training folds.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--penguins", type=Path, default=ROOT / "sample_data" / "penguins.csv",
                        help="Path of the penguins CSV (target 'species').")
    parser.add_argument("--page", default="compare", help="Name of the results page, RESULTS/PAGE.{md,json}.")
    parser.add_argument("--results", type=Path, default=common.RESULTS,
                        help="Folder of the results page (default: docs/results).")
    parser.add_argument("--quick", action="store_true",
                        help="Smoke run: 1 repeat of 3 folds, 30 epochs (unless given).")
    args = parser.parse_args(argv)
    args.datasets = [d.strip() for d in args.datasets.split(",") if d.strip()]
    args.methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = [m for m in args.methods if m not in METHODS]
    if unknown or not args.methods:
        parser.error(f"--methods: expected names from {', '.join(METHODS)}. "
                     f"Got {','.join(args.methods)!r} instead.")
    defaults = dict(repeats=1, folds=3, epochs=30, ctgan_epochs=30) if args.quick else dict(
        repeats=2, folds=5, ctgan_epochs=150)
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def main(argv=None):
    args = parse_args(argv)
    warnings.filterwarnings("ignore")
    params = gan_params(args)
    print(f"# ganaug benchmark: {args.repeats} x {args.folds}-fold stratified CV, "
          f"training folds cut to imbalance ratio {args.ratio:g}, seed {args.seed}")
    print(f"GANAugmenter: {params}; CTGAN epochs {args.ctgan_epochs}\n")
    start = time.perf_counter()
    results = run(args)
    text = report(results, args)
    print(text)
    seconds = time.perf_counter() - start
    print(f"Total {seconds:.0f} s on {os.cpu_count()} CPU cores.")
    stamp = common.stamp("benchmarks.tables.compare", sys.argv[1:] if argv is None else argv, seconds)
    common.write_results(page_payload(results, text, args, params, stamp), args.results)


def page_payload(results, text, args, params, stamp):
    """The results page: the report's tables (one section per heading), a chart of the
    mean ranks and one of mean macro-F1 per dataset and classifier."""
    sections, current = [], None
    for line in text.splitlines():
        if line.startswith("### "):
            current = {"heading": line[4:].strip(), "text": ""}
            sections.append(current)
        elif current is not None:
            current["text"] += line + "\n"
    mean = results.groupby(["dataset", "classifier", "method"], sort=False)[list(METRICS)].mean()
    ranks = mean.groupby(level=[0, 1], sort=False).rank(ascending=False).mean(axis=1)
    by_method = ranks.groupby(level="method", sort=False).mean()
    cells = [f"{d}, {c}" for d, c in mean.index.droplevel(2).unique()]
    methods = list(results["method"].unique())
    f1 = {m: [float(mean["f1_macro"].get((*cell.split(", "), m), np.nan)) for cell in cells] for m in methods}
    charts = [
        {"heading": "Charts", "chart": {
            "file": "mean_rank.png", "kind": "barh", "title": "Mean rank over metrics and classifiers (1 = best)",
            "categories": list(by_method.index), "ylabel": "mean rank", "series": {"mean rank": list(by_method)}}},
        {"chart": {"file": "macro_f1.png", "kind": "bar", "title": "Macro-F1 on the test folds (mean over folds)",
                   "categories": cells, "ylabel": "macro-F1", "series": f1}},
    ]
    protocol = __doc__.split("\n\n")[2].replace("``", "`").replace(":func:", "")
    intro = (protocol + f"\n\nThis run: {args.repeats} x {args.folds}-fold, "
             f"datasets {', '.join(args.datasets)}, methods {', '.join(methods)}"
             + (f"; GANAugmenter {params}" if "ganaug" in methods else "")
             + (f"; CTGAN {args.ctgan_epochs} epochs" if "ctgan" in methods else "") + ".")
    if "ctgan" in args.methods and "ctgan" not in methods:
        intro += ("\n\n**CTGAN was skipped:** the `ctgan` package is not installed on this machine "
                  "(`pip install 'ganaug[ctgan]'` includes it).")
    if args.quick or args.folds != 5 or args.repeats != 2:
        intro += ("\n\n**This run is reduced.** The full run: `python -m benchmarks.tables.compare`.")
    return {"name": args.page, "title": "Compare: over-samplers on four small tables", "intro": intro,
            "stamp": stamp, "sections": [*charts, *sections],
            "data": {"settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
                     "ganaug": params, "records": results.to_dict(orient="records")}}


if __name__ == "__main__":
    main()
