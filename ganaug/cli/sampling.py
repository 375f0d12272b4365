"""The ``sample`` command: rows from a saved table model, written in chunks to one file,
or drawn on a Dask cluster into a Parquet dataset (``--scheduler``, :mod:`ganaug.dask`)."""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import pathlib

import click

from ganaug.cli.common import (
    IN_FILE,
    SEED,
    check_output,
    quiet_option,
    quiet_tensorflow,
    reported_warnings,
    say,
    user_errors,
)

SAMPLE_CHUNK_ROWS = 20_000  # rows generated and written at a time by `ganaug sample`


@click.command()
@click.argument("model", type=IN_FILE)
@click.option("-n", "--n-samples", type=click.IntRange(min=0), required=True, help="Number of rows to generate.")
@click.option("--class", "classes", multiple=True, help="Generate only this class (repeat for several; rows are split evenly).")
@click.option("--output", "-o", type=click.Path(path_type=pathlib.Path), required=True,
              help="Output CSV or Parquet file; with --scheduler, a Parquet dataset (a folder).")
@click.option("--seed", type=SEED, default=None, help="Random seed; the same seed gives the same file.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Draw the rows on a Dask cluster: its scheduler's address (tcp://host:8786), or "
              "'local' for worker processes on this machine, one per core. Needs ganaug[dask].")
@click.option("--npartitions", type=click.IntRange(min=1), default=None,
              help="With --scheduler: the number of partitions (Parquet files); by default one per "
              "250,000 rows. The same seed and partitions give the same rows on any cluster.")
@quiet_option()
def sample(model, n_samples, classes, output, seed, force, scheduler, npartitions, quiet):
    """Generate N synthetic rows from a saved table MODEL.

    Rows are generated and written 20,000 at a time, so any N fits in memory. The
    columns come in the training table's order; a CSV output is written the way the
    training file was (separator, decimals, missing values) when the model knows it.

    With --scheduler, the rows are drawn by the workers of a Dask cluster, a partition
    at a time, each from its own seed, and written by them into the Parquet dataset
    OUTPUT (a folder of part files, which every worker and this machine must see: one
    machine or a shared filesystem); OUTPUT appears only once every part is written.
    """
    from ganaug.augmenter import load
    from ganaug.display import counted

    _check_arguments(model, output, force, scheduler, npartitions)
    with reported_warnings(quiet), _dask_client(scheduler) as client:
        quiet_tensorflow()
        with user_errors():
            aug = load(model)
            if hasattr(aug.encoder_, "canvas_shape_"):
                raise click.ClickException(
                    f"{str(model)!r} is a model of images; `ganaug sample` writes tables. Use "
                    "`ganaug preview` for a grid of samples, or GANAugmenter.sample in Python "
                    "for image arrays."
                )
            counts = _class_counts(aug, n_samples, classes)
            if client is None:
                written = _write_file(aug, counts, output, seed, force)
            else:
                written, parts = _write_dataset(model, counts, output, seed, force, npartitions)
                workers = len(client.scheduler_info()["workers"])
    if client is None:
        say(f"Wrote {counted(written, 'synthetic row')} to {output}")
    else:
        say(f"Wrote {counted(written, 'synthetic row')} to {output} "
            f"({counted(parts, 'Parquet file')}, drawn on {counted(workers, 'Dask worker')})")


def _check_arguments(model, output, force, scheduler, npartitions):
    """What can be checked before TensorFlow or Dask starts."""
    from ganaug.io import TABLE_SUFFIXES

    if scheduler is None:
        if npartitions is not None:
            raise click.BadParameter("is only used with --scheduler.", param_hint="--npartitions")
        check_output(output, model, force, table=True)
        return
    if TABLE_SUFFIXES.get(output.suffix.lower()) == "csv":
        raise click.BadParameter(
            f"with --scheduler the output is a Parquet dataset (a folder of part files). Got "
            f"{str(output)!r} instead; drop --scheduler to write one CSV file.",
            param_hint="--output")
    if scheduler != "local" and "://" not in scheduler:
        raise click.BadParameter(
            f"expected a scheduler address such as tcp://host:8786, or 'local'. Got "
            f"{scheduler!r} instead.", param_hint="--scheduler")
    if output.resolve() == model.resolve():
        raise click.BadParameter(
            f"the output {str(output)!r} is the model file; ganaug never overwrites its "
            "input. Choose another path.", param_hint="--output")
    if output.exists() and not force:  # a dataset is a folder: not check_output, which wants a file
        raise click.ClickException(f"Output {str(output)!r} already exists; use --force to replace it.")
    if importlib.util.find_spec("distributed") is None or importlib.util.find_spec("dask") is None:
        raise click.ClickException(
            "--scheduler needs Dask: pip install 'ganaug[dask]'.")


@contextlib.contextmanager
def _dask_client(scheduler):
    """A ``dask.distributed.Client`` of ``scheduler`` (a LocalCluster's for 'local'),
    closed at the end; None without a scheduler."""
    if scheduler is None:
        yield None
        return
    from distributed import Client, LocalCluster

    with contextlib.ExitStack() as stack:
        if scheduler == "local":
            cluster = stack.enter_context(LocalCluster(
                threads_per_worker=1, dashboard_address=None, silence_logs=logging.ERROR))
            yield stack.enter_context(Client(cluster))
            return
        try:
            client = stack.enter_context(Client(scheduler))
        except OSError as exc:  # refused, unknown host, timed out
            raise click.ClickException(
                f"Could not reach the Dask scheduler at {scheduler!r}: {exc}") from None
        yield client


def _write_file(aug, counts, output, seed, force):
    """One CSV or Parquet file, written SAMPLE_CHUNK_ROWS rows at a time."""
    from ganaug.io import write_chunks

    fmt = getattr(aug, "table_format_", None)
    return write_chunks(_sample_chunks(aug, counts, seed, fmt), output, force=force, fmt=fmt)


def _write_dataset(model, counts, output, seed, force, npartitions):
    """The Parquet dataset of :func:`ganaug.dask.sample`, written by the workers."""
    import ganaug.dask

    rows = ganaug.dask.sample(model, y=dict(counts), npartitions=npartitions, random_state=seed)
    return ganaug.dask.write_parquet(rows, output, force=force), rows.npartitions


def _class_counts(aug, n_samples, classes):
    """``[(class, rows)]``: evenly over ``--class``, else as ``aug.sample(n)`` spreads them."""
    import numpy as np

    from ganaug.class_counts import counts_for

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
    counts = counts_for(n_samples, aug.classes_, aug.sampling_strategy_)
    return list(zip(aug.classes_, counts.tolist()))


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

    from ganaug.io import sampled_table

    total = sum(k for _, k in counts)
    n_chunks = max(1, -(-total // SAMPLE_CHUNK_ROWS))
    seed = aug.random_state if seed is None else seed
    seed = seed if isinstance(seed, (int, np.integer)) else None
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
        yield sampled_table(X_new, y_new, fmt=fmt, target=getattr(aug, "target_name_", None))
