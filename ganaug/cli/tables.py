"""The table commands: ``augment`` (rebalance a file) and ``fit`` (train and save a model;
``ganaug sample`` in :mod:`~ganaug.cli.sampling` draws rows from it)."""

from __future__ import annotations

from collections import Counter

import click

from ganaug.cli.common import (
    IN_FILE,
    OUT_FILE,
    READING_OPTIONS,
    SEED,
    check_output,
    count_table,
    evaluate_and_report,
    keep_training_rows_option,
    make_augmenter,
    parse_strategy,
    progress_callbacks,
    quiet_option,
    quiet_tensorflow,
    read_data,
    reported_warnings,
    say,
    say_training_rows_kept,
    split_target,
    user_errors,
)


def _table_format(fmt, target, frame):
    """The file's format with the target named: kept on the model for `ganaug sample`."""
    return {**fmt, "target": target, "target_position": int(frame.columns.get_loc(target))}


def _training_options(func):
    options = [
        click.argument("data", type=IN_FILE),
        click.option("--target", "-t", required=True, help="Name of the class-label column."),
        click.option(
            "--strategy",
            default=None,
            help="Which classes to grow: auto, minority, 'not minority', 'not majority', "
            'all, a ratio (binary), or JSON such as \'{"rare": 100}\' (total rows wanted).',
        ),
        click.option("--epochs", type=click.IntRange(min=1), default=None, help="Training epochs."),
        click.option("--seed", type=SEED, default=None, help="Random seed; the same seed gives the same file."),
        click.option("--recipe", default=None, help="A recipe name (fast, careful, generated) or a .toml file of parameters."),
        quiet_option(),
        click.option("--force", is_flag=True, help="Replace an existing output file."),
        *READING_OPTIONS,
    ]
    for option in reversed(options):
        func = option(func)
    return func


_identifiers_option = click.option(
    "--identifiers",
    default=None,
    metavar="auto|none|COL,COL",
    help="Columns that identify rows (a row number, an ID, a name), left unmodelled: synthetic "
    "rows number a numeric one on from its largest value and leave a text one empty. auto "
    "(default): those found, with a warning naming them; none: model every column; or the "
    "column names, separated by commas.",
)


def parse_identifiers(value, X):
    """``--identifiers``: 'auto', None for 'none', or a list of columns of ``X``."""
    if value.strip().lower() in ("auto", "none"):
        return "auto" if value.strip().lower() == "auto" else None
    names = [name.strip() for name in value.split(",") if name.strip()]
    for name in names:
        if name not in X.columns:
            raise click.BadParameter(
                f"expected 'auto', 'none' or column names of the data separated by commas "
                f"(one of {', '.join(map(repr, map(str, X.columns)))}). Got {name!r} instead.",
                param_hint="'--identifiers'",
            )
    return names


def _set_identifiers(aug, value, X, keep_rules=None):
    """Give ``aug`` the ``--identifiers`` and ``--keep-rules/--no-keep-rules`` asked for;
    without the options the recipe's (or GANAugmenter's default) stays."""
    if value is not None:
        aug.set_params(identifiers=parse_identifiers(value, X))
    if keep_rules is not None:
        aug.set_params(keep_rules=keep_rules)


_keep_rules_option = click.option(
    "--keep-rules/--no-keep-rules",
    default=None,
    help="Synthetic rows keep the table's own rules, found in DATA's rows (a column "
    "determined by another, total = a + b, a >= b, the combinations of levels that occur): "
    "the default. --no-keep-rules models every column freely.",
)


_keep_copy_filter_option = click.option(
    "--keep-copy-filter",
    is_flag=True,
    help="Store training-row hashes in the model so that samples from it can still skip "
    "copies of training rows. Risk: whoever has the model file can then test whether a "
    "given row was in the training data.",
)


@click.command()
@_training_options
@click.option("--output", "-o", type=OUT_FILE, default=None, help="Output CSV or Parquet file (default: DATA.augmented.EXT beside the input); a missing folder is created.")
@click.option("--save-model", type=OUT_FILE, default=None, help="Also save the trained model here (.ganaug).")
@click.option("--report", type=OUT_FILE, default=None, help="Also write an HTML evaluation report of the synthetic rows.")
@_keep_copy_filter_option
@keep_training_rows_option()
@_identifiers_option
@_keep_rules_option
def augment(data, target, strategy, epochs, seed, recipe, quiet, force, sep, decimal, na_values,
            output, save_model, report, keep_copy_filter, keep_training_rows, identifiers, keep_rules):
    """Rebalance DATA (CSV or Parquet) and write the result in the same format.

    The original rows come first, unchanged (a CSV output starts with DATA's own
    lines, byte for byte); synthetic rows follow, written like DATA's rows.
    """
    with reported_warnings(quiet):
        _augment(data, target, strategy, epochs, seed, recipe, quiet, force, sep, decimal,
                 na_values, output, save_model, report, keep_copy_filter, keep_training_rows,
                 identifiers, keep_rules)


def _check_table_input(data):
    """DATA's extension names a table format (else what to do instead, e.g. for .xlsx)."""
    from ganaug.io import table_kind

    with user_errors():
        table_kind(data)


def _augment(data, target, strategy, epochs, seed, recipe, quiet, force, sep, decimal,
             na_values, output, save_model, report, keep_copy_filter, keep_training_rows, identifiers,
             keep_rules=None):
    import pandas as pd

    from ganaug.display import counted
    from ganaug.io import TABLE_SUFFIXES, default_output, round_to_format, write_table

    strategy = parse_strategy(strategy)
    _check_table_input(data)
    if keep_training_rows and save_model is None:
        raise click.BadParameter("saves nothing without --save-model; add --save-model FILE.",
                                 param_hint="--keep-training-rows")
    output = output or default_output(data)
    check_output(output, data, force, table=True)
    if save_model is not None:
        check_output(save_model, data, force, option="--save-model")
    if report is not None:
        check_output(report, data, force, option="--report")
    with user_errors():
        frame, fmt = read_data(data, sep, decimal, na_values)
        X, y = split_target(frame, target, data)
        aug = make_augmenter(recipe, strategy, epochs, seed, y)
        _set_identifiers(aug, identifiers, X, keep_rules)
        quiet_tensorflow()  # only now: every check above takes a fraction of a second
        with progress_callbacks(aug.epochs, quiet) as callbacks:
            X_res, y_res = aug.fit_resample(X, y, callbacks=callbacks)
        n = len(frame)
        synthetic = X_res.iloc[n:].reset_index(drop=True)
        synthetic.insert(frame.columns.get_loc(target), target, y_res.to_numpy()[n:])
        synthetic = round_to_format(synthetic, fmt)
        same_kind = TABLE_SUFFIXES.get(output.suffix.lower()) == TABLE_SUFFIXES.get(data.suffix.lower())
        if same_kind and fmt["source"] == "csv":  # DATA's bytes, then the new rows
            write_table(synthetic, output, force=force, fmt=fmt, head=data)
        else:
            result = pd.concat([frame, synthetic], ignore_index=True)
            write_table(result, output, force=force, fmt=fmt)
        if save_model is not None:
            aug.table_format_ = _table_format(fmt, target, frame)
            aug.save(save_model, force=force, keep_copy_filter=keep_copy_filter or keep_training_rows,
                     keep_training_rows=keep_training_rows)
            if keep_training_rows:
                say_training_rows_kept()
    say(count_table(Counter(y), Counter(y_res)))
    if aug.n_copies_dropped_:
        say(f"Redrew {counted(aug.n_copies_dropped_, 'synthetic row')} that copied a "
            "training row.")
    say(f"Wrote {counted(n + len(synthetic), 'row')} ({len(synthetic)} synthetic) to {output}")
    if report is not None:
        import numpy as np

        n = len(frame)
        with user_errors():
            evaluate_and_report(
                X, y, X_res.iloc[n:], np.asarray(y_res)[n:], report, force=force, seed=seed,
                title=f"ganaug augment {data.name}", quiet=quiet,
            )


@click.command()
@_training_options
@click.option("--output", "-o", type=OUT_FILE, required=True, help="Where to save the model (.ganaug); a missing folder is created.")
@_keep_copy_filter_option
@keep_training_rows_option()
@_identifiers_option
@_keep_rules_option
def fit(data, target, strategy, epochs, seed, recipe, quiet, force, sep, decimal, na_values, output,
        keep_copy_filter, keep_training_rows, identifiers, keep_rules):
    """Train a model on DATA and save it, to `ganaug sample` from later.

    The model keeps DATA's column order and how its columns were written, so that
    `ganaug sample` writes rows like DATA's.
    """
    with reported_warnings(quiet):
        strategy = parse_strategy(strategy)
        _check_table_input(data)
        check_output(output, data, force)
        with user_errors():
            frame, fmt = read_data(data, sep, decimal, na_values)
            X, y = split_target(frame, target, data)
            aug = make_augmenter(recipe, strategy, epochs, seed, y)
            _set_identifiers(aug, identifiers, X, keep_rules)
            quiet_tensorflow()
            with progress_callbacks(aug.epochs, quiet) as callbacks:
                aug.fit(X, y, callbacks=callbacks)
            aug.table_format_ = _table_format(fmt, target, frame)
            aug.save(output, force=force, keep_copy_filter=keep_copy_filter or keep_training_rows,
                     keep_training_rows=keep_training_rows)
        say(f"Saved model to {output}")
        if keep_training_rows:
            say_training_rows_kept()
