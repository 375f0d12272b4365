"""The table commands: ``augment`` (rebalance a file), ``fit`` (train and save a model)
and ``sample`` (rows from a saved model, written in chunks)."""

from __future__ import annotations

import warnings
from collections import Counter

import click

from ganaug.cli.common import (
    IN_FILE,
    OUT_FILE,
    READING_OPTIONS,
    check_output,
    count_table,
    evaluate_and_report,
    make_augmenter,
    parse_strategy,
    progress_callbacks,
    quiet_tensorflow,
    read_data,
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
        click.option("--seed", type=int, default=None, help="Random seed; the same seed gives the same file."),
        click.option("--recipe", default=None, help="A recipe name (fast, careful, generated) or a .toml file of parameters."),
        click.option("--quiet", "-q", is_flag=True, help="No progress bar or table."),
        click.option("--force", is_flag=True, help="Replace an existing output file."),
        *READING_OPTIONS,
    ]
    for option in reversed(options):
        func = option(func)
    return func


_keep_copy_filter_option = click.option(
    "--keep-copy-filter",
    is_flag=True,
    help="Store training-row hashes in the model so that samples from it can still skip "
    "copies of training rows. Risk: whoever has the model file can then test whether a "
    "given row was in the training data.",
)


@click.command()
@_training_options
@click.option("--output", "-o", type=OUT_FILE, default=None, help="Output file (default: DATA.augmented.EXT beside the input).")
@click.option("--save-model", type=OUT_FILE, default=None, help="Also save the trained model here (.ganaug).")
@click.option("--report", type=OUT_FILE, default=None, help="Also write an HTML evaluation report of the synthetic rows.")
@_keep_copy_filter_option
def augment(data, target, strategy, epochs, seed, recipe, quiet, force, sep, decimal, na_values,
            output, save_model, report, keep_copy_filter):
    """Rebalance DATA (CSV or Parquet) and write the result in the same format.

    The original rows come first, unchanged (a CSV output starts with DATA's own
    lines, byte for byte); synthetic rows follow, written like DATA's rows.
    """
    import pandas as pd

    from ganaug.io import TABLE_SUFFIXES, default_output, round_to_format, write_table

    quiet_tensorflow()
    strategy = parse_strategy(strategy)
    output = output or default_output(data)
    check_output(output, data, force)
    if save_model is not None:
        check_output(save_model, data, force)
    if report is not None:
        check_output(report, data, force)
    with user_errors():
        frame, fmt = read_data(data, sep, decimal, na_values)
        X, y = split_target(frame, target, data)
        aug = make_augmenter(recipe, strategy, epochs, seed, y)
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
            aug.save(save_model, force=force, keep_copy_filter=keep_copy_filter)
    if not quiet:
        click.echo(count_table(Counter(y), Counter(y_res)))
    if aug.n_copies_dropped_:
        click.echo(
            f"Redrew {aug.n_copies_dropped_} synthetic rows that copied a training row."
        )
    click.echo(f"Wrote {n + len(synthetic)} rows ({len(synthetic)} synthetic) to {output}")
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
@click.option("--output", "-o", type=OUT_FILE, required=True, help="Where to save the model (.ganaug).")
@_keep_copy_filter_option
def fit(data, target, strategy, epochs, seed, recipe, quiet, force, sep, decimal, na_values, output,
        keep_copy_filter):
    """Train a model on DATA and save it, to `ganaug sample` from later.

    The model keeps DATA's column order and how its columns were written, so that
    `ganaug sample` writes rows like DATA's.
    """
    quiet_tensorflow()
    strategy = parse_strategy(strategy)
    check_output(output, data, force)
    with user_errors():
        frame, fmt = read_data(data, sep, decimal, na_values)
        X, y = split_target(frame, target, data)
        aug = make_augmenter(recipe, strategy, epochs, seed, y)
        with progress_callbacks(aug.epochs, quiet) as callbacks:
            aug.fit(X, y, callbacks=callbacks)
        aug.table_format_ = _table_format(fmt, target, frame)
        aug.save(output, force=force, keep_copy_filter=keep_copy_filter)
    click.echo(f"Saved model to {output}")


SAMPLE_CHUNK_ROWS = 20_000  # rows generated and written at a time by `ganaug sample`


@click.command()
@click.argument("model", type=IN_FILE)
@click.option("-n", "--n-samples", type=click.IntRange(min=0), required=True, help="Number of rows to generate.")
@click.option("--class", "classes", multiple=True, help="Generate only this class (repeat for several; rows are split evenly).")
@click.option("--output", "-o", type=OUT_FILE, required=True, help="Output CSV or Parquet file.")
@click.option("--seed", type=int, default=None, help="Random seed; the same seed gives the same file.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
def sample(model, n_samples, classes, output, seed, force):
    """Generate N synthetic rows from a saved table MODEL.

    Rows are generated and written 20,000 at a time, so any N fits in memory. The
    columns come in the training table's order; a CSV output is written the way the
    training file was (separator, decimals, missing values) when the model knows it.
    """
    from ganaug.io import write_chunks
    from ganaug.augmenter import load

    quiet_tensorflow()
    check_output(output, model, force)
    with user_errors():
        aug = load(model)
        if hasattr(aug.encoder_, "canvas_shape_"):
            raise click.ClickException(
                f"{str(model)!r} is a model of images; `ganaug sample` writes tables. Use "
                "`ganaug preview` for a grid of samples, or GANAugmenter.sample in Python "
                "for image arrays."
            )
        counts = _class_counts(aug, n_samples, classes)
        fmt = getattr(aug, "table_format_", None)
        chunks = _sample_chunks(aug, counts, seed, fmt)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            written = write_chunks(chunks, output, force=force, fmt=fmt)
    for message in dict.fromkeys(str(w.message) for w in caught):
        click.echo(f"Note: {message}", err=True)
    click.echo(f"Wrote {written} synthetic rows to {output}")


def _class_counts(aug, n_samples, classes):
    """``[(class, rows)]``: evenly over ``--class``, else as ``aug.sample(n)`` spreads them."""
    import numpy as np

    from ganaug.class_counts import largest_remainder

    if classes:
        by_text = {str(c): c for c in aug.classes_}
        unknown = [c for c in classes if c not in by_text]
        if unknown:
            raise click.BadParameter(
                f"class {unknown[0]!r} is not in the model; expected one of {sorted(by_text)}.",
                param_hint="--class",
            )
        share = np.full(len(classes), n_samples // len(classes))
        share[: n_samples % len(classes)] += 1
        return [(by_text[c], int(k)) for c, k in zip(classes, share)]
    weights = np.array([aug.sampling_strategy_.get(c, 0) for c in aug.classes_], dtype=float)
    if weights.sum() == 0:
        weights = np.ones(len(aug.classes_))
    return list(zip(aug.classes_, largest_remainder(n_samples, weights).tolist()))


def _chunk_seeds(seed, n_chunks):
    """The first chunk uses ``seed`` itself (so one chunk is ``aug.sample(seed)``); the
    others seeds derived from it, so that the same seed gives the same file."""
    import numpy as np

    for i in range(n_chunks):
        if seed is None or i == 0:
            yield seed
        else:
            yield int(np.random.SeedSequence([seed, i]).generate_state(1)[0] >> 1)


def _sample_chunks(aug, counts, seed, fmt):
    """DataFrames of at most SAMPLE_CHUNK_ROWS rows, class by class, target included."""
    import numpy as np

    from ganaug.io import round_to_format

    total = sum(k for _, k in counts)
    n_chunks = max(1, -(-total // SAMPLE_CHUNK_ROWS))
    seed = aug.random_state if seed is None else seed
    seed = seed if isinstance(seed, (int, np.integer)) else None
    target = getattr(aug, "target_name_", None) or "target"
    if fmt is not None:
        target, position = fmt["target"], fmt["target_position"]
    remaining = [list(pair) for pair in counts]
    for chunk_seed in _chunk_seeds(seed, n_chunks):
        wanted, room = {}, SAMPLE_CHUNK_ROWS
        for pair in remaining:
            take = min(pair[1], room)
            if take:
                wanted[pair[0]] = take
                pair[1] -= take
                room -= take
        X_new, y_new = aug.sample(y=wanted, random_state=chunk_seed)
        frame = X_new if hasattr(X_new, "columns") else _array_frame(X_new)
        frame = frame.reset_index(drop=True)
        if fmt is None:
            frame[target] = np.asarray(y_new)
        else:
            frame.insert(position, target, np.asarray(y_new))
            frame = round_to_format(frame, fmt)
        yield frame


def _array_frame(X):
    import pandas as pd

    return pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
