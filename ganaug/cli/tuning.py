"""``ganaug tune``: search a GAN's parameters on a table and write the best as a recipe."""

from __future__ import annotations

import pathlib

import click

from ganaug.cli.common import (
    IN_FILE,
    OUT_FILE,
    SEED,
    check_output,
    check_strategy,
    match_classes,
    parse_strategy,
    quiet_option,
    quiet_tensorflow,
    read_frame,
    reported_warnings,
    say,
    split_target,
    user_errors,
    with_reading_options,
)


def trials_text(trials, limit=None):
    """The trials of a search as an aligned text table, best first."""
    columns = ["trial", "status", "score", "epochs", "loss", "latent_dim", "generator_units",
               "discriminator_units", "generator_lr", "discriminator_lr"]
    columns = [c for c in columns if c in trials.columns]
    frame = trials[columns].head(limit) if limit else trials[columns]
    formatters = {
        "score": lambda v: "-" if v != v else f"{v:.4f}",
        "generator_lr": "{:.2e}".format,
        "discriminator_lr": "{:.2e}".format,
        "generator_units": lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else "-",
        "discriminator_units": lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else "-",
    }
    return frame.to_string(index=False, formatters={k: f for k, f in formatters.items() if k in columns})


@click.command()
@click.argument("data", type=IN_FILE)
@click.option("--target", "-t", required=True, help="Name of the class-label column.")
@click.option("--output", "-o", type=OUT_FILE, required=True, help="Where to write the best parameters, as a recipe (.toml); a missing folder is created.")
@click.option("--max-trials", type=click.IntRange(min=1), default=20, show_default=True, help="Trials to run (a cap for hyperband).")
@click.option("--tuner", type=click.Choice(["random", "bayesian", "hyperband"]), default="bayesian", show_default=True, help="Search algorithm.")
@click.option("--objective", type=click.Choice(["macro_f1", "balanced_accuracy", "fidelity"]), default="macro_f1", show_default=True, help="Held-out measure to maximise.")
@click.option("--epochs", type=click.IntRange(min=1), default=100, show_default=True, help="Epochs per trial (hyperband: the most any trial gets).")
@click.option("--validation-size", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.3, show_default=True, help="Share of rows held out to score trials.")
@click.option("--directory", type=click.Path(file_okay=False, path_type=pathlib.Path), default=None, help="Folder for the trials; run again with the same folder to resume (default: a temporary folder).")
@click.option("--overwrite", is_flag=True, help="Start the search afresh instead of resuming the one in --directory.")
@click.option("--strategy", default=None, help="Which classes the synthetic rows grow (as for augment).")
@click.option("--seed", type=SEED, default=None, help="Random seed of the split, networks and tuner.")
@click.option("--eager", is_flag=True, help="Train without tf.function: faster for tiny trials, slower for wide networks (TensorFlow only).")
@quiet_option("Print errors only: no per-trial output, table, warnings or 'Wrote ...' line.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@with_reading_options
def tune(data, target, output, max_trials, tuner, objective, epochs, validation_size,
         directory, overwrite, strategy, seed, eager, quiet, force, sep, decimal, na_values):
    """Search network sizes, latent size, learning rates and loss on DATA.

    Each trial trains a GAN on part of DATA and is scored on the held-out rest; the
    best parameters are written as a recipe for `ganaug augment --recipe OUTPUT`.
    """
    with reported_warnings(quiet):
        _tune(data, target, output, max_trials, tuner, objective, epochs, validation_size,
              directory, overwrite, strategy, seed, eager, quiet, force, sep, decimal, na_values)


def _tune(data, target, output, max_trials, tuner, objective, epochs, validation_size,
          directory, overwrite, strategy, seed, eager, quiet, force, sep, decimal, na_values):
    from ganaug.display import counted
    from ganaug.io import atomic_path
    from ganaug.recipes import recipe_text

    strategy = parse_strategy(strategy)
    check_output(output, data, force)
    with user_errors():
        frame = read_frame(data, sep, decimal, na_values)
        X, y = split_target(frame, target, data)
        sampling_strategy = "auto" if strategy is None else match_classes(strategy, y)
        check_strategy(sampling_strategy, y, given=strategy is not None)
        quiet_tensorflow()  # only now: every check above takes a fraction of a second
        from ganaug.tuning import GANTuner

        search = GANTuner(
            tuner=tuner, max_trials=max_trials, epochs=epochs, objective=objective,
            validation_size=validation_size, directory=directory, overwrite=overwrite,
            sampling_strategy=sampling_strategy,
            random_state=seed, run_eagerly=eager, verbose=0 if quiet else 1,
        )
        try:
            search.search(X, y)
        except RuntimeError as exc:  # every trial failed
            raise click.ClickException(str(exc)) from None
        description = (
            f"Tuned by `ganaug tune` on {data.name} ({tuner}, {counted(len(search.trials_), 'trial')}): "
            f"held-out {objective} {search.best_score_:.4f}."
        )
        with atomic_path(output, force=force) as tmp:
            tmp.write_text(recipe_text(search.best_params_, description), encoding="utf-8")
    if not quiet:
        click.echo(trials_text(search.trials_))
        if search.baseline_score_ == search.baseline_score_:
            click.echo(f"Real rows only ({objective}): {search.baseline_score_:.4f}")
    say(f"Best {objective} {search.best_score_:.4f}; wrote the recipe to {output}")
