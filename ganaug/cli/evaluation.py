"""``ganaug evaluate``: score a file of synthetic rows against the real ones."""

from __future__ import annotations

import click

from ganaug.cli.common import (
    IN_FILE,
    OUT_FILE,
    SEED,
    check_output,
    evaluate_and_report,
    quiet_option,
    read_frame,
    reported_warnings,
    say,
    split_target,
    user_errors,
    with_reading_options,
)


def _strip_real_rows(real, synth):
    """An ``augment`` output starts with the real rows: keep only what follows them."""
    n = len(real)
    if len(synth) < n:
        return synth, False
    head = synth.iloc[:n].reset_index(drop=True)
    if head.astype(str).equals(real.reset_index(drop=True).astype(str)):
        return synth.iloc[n:].reset_index(drop=True), True
    return synth, False


@click.command()
@click.argument("real", type=IN_FILE)
@click.argument("synth", type=IN_FILE)
@click.option("--target", "-t", required=True, help="Name of the class-label column (in both files).")
@click.option("--holdout", type=IN_FILE, default=None, help="Real rows the generator never saw: for utility and the holdout privacy test.")
@click.option("--report", type=OUT_FILE, default=None, help="Write an HTML report with plots here.")
@click.option("--seed", type=SEED, default=None, help="Seed of the evaluation's models and splits.")
@click.option("--force", is_flag=True, help="Replace an existing report.")
@quiet_option("Print the scores and errors only: no notes, warnings or 'Wrote ...' lines.")
@with_reading_options
def evaluate(real, synth, target, holdout, report, seed, force, quiet, sep, decimal, na_values):
    """Score SYNTH (synthetic rows) against REAL: fidelity, utility and privacy.

    SYNTH may be a `ganaug sample` output or a `ganaug augment` output; in the
    latter the leading copy of REAL's rows is recognised and left out.
    """
    from ganaug.display import counted

    with reported_warnings(quiet):
        if report is not None:
            check_output(report, real, force, option="--report")
            check_output(report, synth, force, option="--report")
        with user_errors():
            real_frame = read_frame(real, sep, decimal, na_values)
            synth_frame = read_frame(synth, sep, decimal, na_values)
            X, y = split_target(real_frame, target, real)
            synth_frame, stripped = _strip_real_rows(real_frame, synth_frame)
            if stripped:
                say(f"{synth.name} starts with the {counted(len(real_frame), 'row')} of "
                    f"{real.name}; evaluating only the rows after them.")
            X_new, y_new = split_target(synth_frame, target, synth)
            held = None
            if holdout is not None:
                held = split_target(read_frame(holdout, sep, decimal, na_values), target, holdout)
            evaluate_and_report(X, y, X_new, y_new, report, force=force, seed=seed,
                                title=f"ganaug evaluate {synth.name} against {real.name}",
                                quiet=False, holdout=held)
