"""``ganaug compare``: does rebalancing help a classifier on this table, and which remedy."""

from __future__ import annotations

import contextlib
import sys

import click

from ganaug.cli.common import (
    IN_FILE,
    OUT_FILE,
    SEED,
    check_output,
    quiet_option,
    quiet_tensorflow,
    read_frame,
    reported_warnings,
    say,
    split_target,
    user_errors,
    with_reading_options,
)

ARMS = ("none", "balanced", "threshold", "random", "smote", "ganaug")  # ganaug.comparison.ARMS
METRICS = ("macro_f1", "balanced_accuracy", "minority_recall", "g_mean", "roc_auc",
           "average_precision")  # ganaug.comparison.METRICS


def _check_n_jobs(ctx, param, value):
    if value == 0:
        raise click.BadParameter(
            "expected a number of parallel tasks, or -1 for one per core. Got 0 instead."
        )
    return value


def _parse_arms(value):
    arms = [a.strip() for a in value.split(",") if a.strip()]
    unknown = [a for a in arms if a not in ARMS]
    if unknown or not arms or len(set(arms)) != len(arms):
        raise click.BadParameter(
            f"expected distinct names from {', '.join(ARMS)}, separated by commas. "
            f"Got {value!r} instead.",
            param_hint="--arms",
        )
    return arms


@click.command()
@click.argument("data", type=IN_FILE)
@click.option("--target", "-t", required=True, help="Name of the class-label column.")
@click.option("--classifier", type=click.Choice(["hgb", "logreg", "forest"]), default="hgb", show_default=True, help="hgb: histogram gradient boosting (native categories and missing values); logreg: logistic regression; forest: random forest.")
@click.option("--arms", default=",".join(ARMS), show_default=True, help="Which remedies to compare, separated by commas.")
@click.option("--metric", type=click.Choice(METRICS), default="macro_f1", show_default=True, help="The score that decides which arm is best, and the one the threshold arm tunes for (macro_f1 for roc_auc and average_precision, which no threshold moves).")
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True, help="K of the stratified K-fold.")
@click.option("--repeats", type=click.IntRange(min=1), default=2, show_default=True, help="Repeats of the K-fold split.")
@click.option("--seed", type=SEED, default=0, show_default=True, help="Random seed; the same seed gives the same scores.")
@click.option("--recipe", default=None, help="Parameters of the ganaug arm: a recipe name (fast, careful, generated) or a .toml file (default: GANAugmenter's defaults).")
@click.option("--report", type=OUT_FILE, default=None, help="Also write an HTML page with the table and a plot per metric.")
@quiet_option("Print the table and errors only: no progress bar, warnings or 'Wrote ...' line.")
@click.option("--force", is_flag=True, help="Replace an existing report.")
@click.option("--n-jobs", "-j", type=click.IntRange(min=-1), default=1, show_default=True, callback=_check_n_jobs, help="How many (fold, arm) tasks run at once, each in its own process; -1: one per core. Each task's threads are the free cores divided among the tasks.")
@with_reading_options
def compare(data, target, classifier, arms, metric, folds, repeats, seed, recipe, report, quiet,
            force, n_jobs, sep, decimal, na_values):
    """Measure whether rebalancing helps a classifier on DATA, and which remedy.

    Repeated stratified cross-validation on DATA's rows (CSV or Parquet): in each
    fold every arm (none, balanced class weights, the decision threshold tuned on
    the training fold, random over-sampling, SMOTE or SMOTENC, GANAugmenter)
    prepares the training rows, the classifier is fitted on them and scored on the
    untouched test fold. Prints mean ± sd per arm, whether the best arm's lead is
    larger than the fold-to-fold noise and whether rebalancing beats moving the
    threshold. With --n-jobs N, N of the (fold, arm) tasks run at once, with the
    same scores.
    """
    with reported_warnings(quiet, over=f"{folds * repeats} folds"):
        _compare(data, target, classifier, arms, metric, folds, repeats, seed, recipe, report,
                 quiet, force, n_jobs, sep, decimal, na_values)


def _compare(data, target, classifier, arms, metric, folds, repeats, seed, recipe, report, quiet,
             force, n_jobs, sep, decimal, na_values):
    arms = _parse_arms(arms)
    if recipe is not None and "ganaug" not in arms:
        raise click.BadParameter("--recipe sets the ganaug arm, which --arms leaves out.",
                                 param_hint="--recipe")
    if report is not None:
        check_output(report, data, force, option="--report")
    with user_errors():
        frame = read_frame(data, sep, decimal, na_values)
        X, y = split_target(frame, target, data)
        augmenter = None
        if recipe is not None:
            from ganaug.augmenter import GANAugmenter
            from ganaug.recipes import load_recipe

            augmenter = GANAugmenter(**load_recipe(recipe))
        if "ganaug" in arms and n_jobs == 1:
            # Only now: every check above takes a fraction of a second. With --n-jobs,
            # each worker process loads its own.
            quiet_tensorflow()
        from ganaug.comparison import compare as run_compare

        total = folds * repeats * len(arms)
        if quiet:
            bar = contextlib.nullcontext(None)
        else:
            bar = click.progressbar(length=total, label="Cross-validating", file=sys.stderr,
                                    item_show_func=lambda item: item)
        with bar as progress:
            result = run_compare(
                X, y, classifier=classifier, arms=arms, augmenter=augmenter, metric=metric,
                folds=folds, repeats=repeats, random_state=seed, n_jobs=n_jobs,
                progress=None if progress is None else progress.update,
            )
        click.echo(str(result))
        if report is not None:
            result.write_html(report, title=f"ganaug compare {data.name} --target {target}",
                              force=force)
            say(f"Wrote report to {report}")
