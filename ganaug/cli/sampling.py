"""The ``sample`` command: rows from a saved table model, written in chunks."""

from __future__ import annotations

import warnings

import click

from ganaug.cli.common import (
    IN_FILE,
    OUT_FILE,
    check_output,
    quiet_tensorflow,
    user_errors,
)

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
    from ganaug.augmenter import load
    from ganaug.io import write_chunks

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
