"""The ``ganaug`` command line: parse, call the public API, write. No ML logic here."""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import signal
import sys
import tempfile
import warnings
from collections import Counter

import click

from ganaug import __version__

_STRATEGY_NAMES = ("auto", "minority", "not minority", "not majority", "all")
_IN_FILE = click.Path(exists=True, dir_okay=False, path_type=pathlib.Path)
_OUT_FILE = click.Path(dir_okay=False, path_type=pathlib.Path)


@contextlib.contextmanager
def user_errors():
    """Turn the library's errors about user input into one-line CLI errors (exit 1)."""
    from ganaug.augmenter import TrainingDivergedError

    try:
        yield
    except (ValueError, FileExistsError, IsADirectoryError, TrainingDivergedError) as exc:
        raise click.ClickException(str(exc)) from None


def _verbose():
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().params.get("verbose"))


def _quiet_tensorflow():
    """Load TensorFlow now, without its start-up lines, unless ``ganaug --verbose``.

    TensorFlow's C++ code writes lines such as "oneDNN custom operations are on"
    straight to the process's stderr while it loads, whatever TF_CPP_MIN_LOG_LEVEL
    says (before its logging is set up). So the import runs with file descriptor 2
    pointed at a temporary file, which is replayed only if the import fails.
    """
    if _verbose():
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" in sys.modules:
        return
    with tempfile.TemporaryFile() as captured:
        try:
            with _stderr_to(captured):
                import tensorflow  # noqa: F401
        except BaseException:  # a broken install: show what TensorFlow said
            captured.seek(0)
            sys.stderr.write(captured.read().decode(errors="replace"))
            raise


@contextlib.contextmanager
def _stderr_to(file):
    """Point file descriptor 2, where C++ code writes, at ``file`` for a while."""
    sys.stderr.flush()
    saved = os.dup(2)
    os.dup2(file.fileno(), 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def parse_strategy(value):
    """``--strategy``: a name, a float ratio or a JSON object ``{"class": count}``."""
    if value is None or value in _STRATEGY_NAMES:
        return value
    try:
        return float(value)
    except ValueError:
        pass
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(
            f"expected one of {', '.join(_STRATEGY_NAMES)}, a ratio such as 0.5, or a "
            f'JSON object such as {{"rare": 100}}; the JSON is invalid ({exc.msg} at '
            f"column {exc.colno}). Got {value!r} instead.",
            param_hint="--strategy",
        ) from None
    if not isinstance(parsed, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in parsed.values()
    ):
        raise click.BadParameter(
            f"a JSON strategy must map class names to integer counts. Got {value!r} instead.",
            param_hint="--strategy",
        )
    return parsed


def _match_classes(strategy, y):
    """JSON keys are strings: map each to the class label whose text it is."""
    if not isinstance(strategy, dict):
        return strategy
    by_text = {str(label): label for label in y.unique()}
    unknown = [key for key in strategy if key not in by_text]
    if unknown:
        raise click.BadParameter(
            f"class {unknown[0]!r} is not in the target; expected some of "
            f"{sorted(by_text)}.",
            param_hint="--strategy",
        )
    return {by_text[key]: count for key, count in strategy.items()}


def split_target(frame, target, path):
    if target not in frame.columns:
        raise click.ClickException(
            f"Target column {target!r} is not in {str(path)!r}; its columns are "
            f"{list(map(str, frame.columns))}."
        )
    return frame.drop(columns=[target]), frame[target]


def make_augmenter(recipe, strategy, epochs, seed, quiet_y=None):
    from ganaug.augmenter import GANAugmenter
    from ganaug.recipes import load_recipe

    params = load_recipe(recipe) if recipe else {}
    if strategy is not None:
        params["sampling_strategy"] = _match_classes(strategy, quiet_y)
    if epochs is not None:
        params["epochs"] = epochs
    if seed is not None:
        params["random_state"] = seed
    return GANAugmenter(**params)


def progress_callbacks(epochs, quiet):
    """A click progress bar advanced by a Keras callback at each epoch's end."""
    if quiet:
        return contextlib.nullcontext([])
    import keras

    class _Bar(keras.callbacks.Callback):
        def __init__(self, bar):
            super().__init__()
            self.bar = bar

        def on_train_begin(self, logs=None):
            self.bar.length = self.params["epochs"]  # epochs may be 'auto' until fit

        def on_epoch_end(self, epoch, logs=None):
            self.bar.update(1)

    @contextlib.contextmanager
    def bar_context():
        length = epochs if isinstance(epochs, int) else 1
        with click.progressbar(length=length, label="Training", file=sys.stderr) as bar:
            yield [_Bar(bar)]

    return bar_context()


def count_table(before, after):
    labels = sorted(set(before) | set(after), key=str)
    width = max([5, *(len(str(label)) for label in labels)])
    lines = [f"{'class':<{width}}  {'before':>8}  {'after':>8}  {'added':>8}"]
    for label in labels:
        b, a = before.get(label, 0), after.get(label, 0)
        lines.append(f"{str(label):<{width}}  {b:>8}  {a:>8}  {a - b:>8}")
    return "\n".join(lines)


def _check_output(output, data, force):
    if output.resolve() == data.resolve():
        raise click.BadParameter(
            f"the output {str(output)!r} is the input file; ganaug never overwrites its "
            "input. Choose another path.",
            param_hint="--output",
        )
    if output.exists() and not force:
        raise click.ClickException(
            f"Output {str(output)!r} already exists; use --force to replace it."
        )


def _split_na_values(ctx, param, value):
    return tuple(v for item in value for v in item.split(",")) if value else None


_reading_options = [
    click.option("--sep", default=None, metavar="CHAR", help="CSV field separator (default: sniffed among , ; tab |)."),
    click.option("--decimal", type=click.Choice([".", ","]), default=None, help="Decimal mark of CSV numbers (default: sniffed)."),
    click.option(
        "--na-values", multiple=True, callback=_split_na_values, metavar="TEXT[,TEXT...]",
        help="Cell texts that mean 'missing' in every column. By default a cell is missing "
        "when empty, or NA/NaN/null/... in a column of numbers; in a text column NA and "
        "None are categories.",
    ),
]


def _with_reading_options(func):
    for option in reversed(_reading_options):
        func = option(func)
    return func


def _read_frame(data, sep, decimal, na_values):
    return _read_data(data, sep, decimal, na_values)[0]


def _read_data(data, sep, decimal, na_values):
    from ganaug.io import read_table_format

    if sep is not None and sep in ("\\t", "tab"):
        sep = "\t"
    if sep is not None and len(sep) != 1:
        raise click.BadParameter(
            f"expected one character (or \\t for tab). Got {sep!r} instead.", param_hint="--sep"
        )
    return read_table_format(data, sep=sep, decimal=decimal, na_values=na_values)


def _table_format(fmt, target, frame):
    """The file's format with the target named: kept on the model for `ganaug sample`."""
    return {**fmt, "target": target, "target_position": int(frame.columns.get_loc(target))}


def _training_options(func):
    options = [
        click.argument("data", type=_IN_FILE),
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
        *_reading_options,
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ganaug")
@click.option("--verbose", "-v", is_flag=True, help="Also show TensorFlow's own start-up and log lines.")
def ganaug(verbose):
    """Rebalance imbalanced datasets with a conditional GAN.

    Start with `ganaug augment data.csv --target label`.
    """
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if not verbose:
        _plain_warnings(click.get_current_context())


def _plain_warnings(ctx):
    """Show each warning as one line, "Warning: <message>", until the command ends.

    Python's default format adds the file and line that warned and its source line
    (often imbalanced-learn's, which calls ganaug): noise to a user of the command
    line. ``ganaug --verbose`` keeps the default format.
    """
    default = warnings.formatwarning
    warnings.formatwarning = _warning_line
    ctx.call_on_close(lambda: setattr(warnings, "formatwarning", default))


def _warning_line(message, category, filename, lineno, line=None):
    return f"Warning: {message}\n"


_keep_copy_filter_option = click.option(
    "--keep-copy-filter",
    is_flag=True,
    help="Store training-row hashes in the model so that samples from it can still skip "
    "copies of training rows. Risk: whoever has the model file can then test whether a "
    "given row was in the training data.",
)


def _exit_on_sigterm(signum, frame):
    """Unwind like Ctrl-C does, so that temporary outputs are removed on the way out."""
    raise SystemExit(128 + signum)


@ganaug.command()
@_training_options
@click.option("--output", "-o", type=_OUT_FILE, default=None, help="Output file (default: DATA.augmented.EXT beside the input).")
@click.option("--save-model", type=_OUT_FILE, default=None, help="Also save the trained model here (.ganaug).")
@click.option("--report", type=_OUT_FILE, default=None, help="Also write an HTML evaluation report of the synthetic rows.")
@_keep_copy_filter_option
def augment(data, target, strategy, epochs, seed, recipe, quiet, force, sep, decimal, na_values,
            output, save_model, report, keep_copy_filter):
    """Rebalance DATA (CSV or Parquet) and write the result in the same format.

    The original rows come first, unchanged (a CSV output starts with DATA's own
    lines, byte for byte); synthetic rows follow, written like DATA's rows.
    """
    import pandas as pd

    from ganaug.io import TABLE_SUFFIXES, default_output, round_to_format, write_table

    _quiet_tensorflow()
    strategy = parse_strategy(strategy)
    output = output or default_output(data)
    _check_output(output, data, force)
    if save_model is not None:
        _check_output(save_model, data, force)
    if report is not None:
        _check_output(report, data, force)
    with user_errors():
        frame, fmt = _read_data(data, sep, decimal, na_values)
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
            _evaluate_and_report(
                X, y, X_res.iloc[n:], np.asarray(y_res)[n:], report, force=force, seed=seed,
                title=f"ganaug augment {data.name}", quiet=quiet,
            )


@ganaug.command()
@_training_options
@click.option("--output", "-o", type=_OUT_FILE, required=True, help="Where to save the model (.ganaug).")
@_keep_copy_filter_option
def fit(data, target, strategy, epochs, seed, recipe, quiet, force, sep, decimal, na_values, output,
        keep_copy_filter):
    """Train a model on DATA and save it, to `ganaug sample` from later.

    The model keeps DATA's column order and how its columns were written, so that
    `ganaug sample` writes rows like DATA's.
    """
    _quiet_tensorflow()
    strategy = parse_strategy(strategy)
    _check_output(output, data, force)
    with user_errors():
        frame, fmt = _read_data(data, sep, decimal, na_values)
        X, y = split_target(frame, target, data)
        aug = make_augmenter(recipe, strategy, epochs, seed, y)
        with progress_callbacks(aug.epochs, quiet) as callbacks:
            aug.fit(X, y, callbacks=callbacks)
        aug.table_format_ = _table_format(fmt, target, frame)
        aug.save(output, force=force, keep_copy_filter=keep_copy_filter)
    click.echo(f"Saved model to {output}")


SAMPLE_CHUNK_ROWS = 20_000  # rows generated and written at a time by `ganaug sample`


@ganaug.command()
@click.argument("model", type=_IN_FILE)
@click.option("-n", "--n-samples", type=click.IntRange(min=0), required=True, help="Number of rows to generate.")
@click.option("--class", "classes", multiple=True, help="Generate only this class (repeat for several; rows are split evenly).")
@click.option("--output", "-o", type=_OUT_FILE, required=True, help="Output CSV or Parquet file.")
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

    _quiet_tensorflow()
    _check_output(output, model, force)
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

    from ganaug.augmenter import _largest_remainder

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
    return list(zip(aug.classes_, _largest_remainder(n_samples, weights).tolist()))


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

_IN_DIR = click.Path(exists=True, file_okay=False, path_type=pathlib.Path)
_OUT_DIR = click.Path(file_okay=False, path_type=pathlib.Path)
SYNTHETIC_PREFIX = "ganaug_synthetic_"


def _parse_size_option(value):
    from ganaug.images import parse_size

    if value is None:
        return None
    try:
        return parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--size") from None


def _original_targets(paths, labels, out_dir, resized):
    """Where each original goes: same name, or ``<stem>.png`` when resized."""
    return [
        out_dir / str(label) / (path.with_suffix(".png").name if resized else path.name)
        for path, label in zip(paths, labels)
    ]


def _refuse_existing(targets, out_dir, classes):
    """Never overwrite: refuse before training if any output already exists."""
    clash = next((t for t in targets if t.exists()), None)
    if clash is None:
        for label in classes:
            clash = next(iter(sorted((out_dir / str(label)).glob(f"{SYNTHETIC_PREFIX}*"))), None)
            if clash is not None:
                break
    if clash is not None:
        raise click.ClickException(
            f"Output {str(clash)!r} already exists; ganaug never overwrites files. "
            "Choose a new or empty output folder."
        )
    if len(set(targets)) != len(targets):
        raise click.ClickException(
            "Two input images would be written to the same output file (same name once "
            "converted to .png); rename one of them."
        )


@ganaug.command("augment-images")
@click.argument("in_dir", type=_IN_DIR)
@click.option("--output", "-o", "out_dir", type=_OUT_DIR, required=True, help="Output folder; gets one subfolder per class.")
@click.option("--synthetic-only", is_flag=True, help="Write only the synthetic images, not the originals.")
@click.option("--size", default=None, metavar="HxW", help="Resize every image to HxW (e.g. 32x32) first; needed when sizes differ.")
@click.option(
    "--strategy",
    default=None,
    help="Which classes to grow: auto, minority, 'not minority', 'not majority', all, "
    'or JSON such as \'{"cat": 100}\' (total images wanted).',
)
@click.option("--epochs", type=click.IntRange(min=1), default=None, help="Training epochs.")
@click.option("--seed", type=int, default=None, help="Random seed.")
@click.option("--recipe", default=None, help="A recipe name (fast, careful, generated) or a .toml file of parameters.")
@click.option("--save-model", type=_OUT_FILE, default=None, help="Also save the trained model here (.ganaug), for `ganaug preview`.")
@click.option("--report", type=_OUT_FILE, default=None, help="Also write an HTML evaluation report: scores on the pixels and sample grids.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or table.")
def augment_images(in_dir, out_dir, synthetic_only, size, strategy, epochs, seed, recipe, save_model, report, quiet):
    """Rebalance a folder of images with one subfolder per class.

    IN_DIR/<class>/*.png (the layout of keras.utils.image_dataset_from_directory)
    becomes OUT_DIR/<class>/: the originals (unless --synthetic-only) and new PNGs
    named ganaug_synthetic_00001.png, ... Nothing existing is ever overwritten.
    """
    import numpy as np

    from ganaug.images import read_image_folder, write_images

    _quiet_tensorflow()
    size = _parse_size_option(size)
    strategy = parse_strategy(strategy)
    if out_dir.resolve() == in_dir.resolve() or in_dir.resolve() in out_dir.resolve().parents:
        raise click.BadParameter(
            f"the output {str(out_dir)!r} is (inside) the input folder; choose another folder.",
            param_hint="--output",
        )
    for path in (save_model, report):
        if path is not None and path.exists():
            raise click.ClickException(f"Output {str(path)!r} already exists; ganaug never overwrites files.")
    with user_errors():
        X, y, paths = read_image_folder(in_dir, size=size)
        classes = sorted(set(y.tolist()))
        originals = [] if synthetic_only else _original_targets(paths, y, out_dir, size is not None)
        _refuse_existing(originals, out_dir, classes)
        import pandas as pd

        aug = make_augmenter(recipe, strategy, epochs, seed, pd.Series(y))
        with progress_callbacks(aug.epochs, quiet) as callbacks:
            X_res, y_res = aug.fit_resample(X, y, callbacks=callbacks)
        X_new, y_new = X_res[len(X) :], y_res[len(X) :]
        counters = Counter()
        synthetic = []
        for label in y_new:
            counters[label] += 1
            synthetic.append(out_dir / str(label) / f"{SYNTHETIC_PREFIX}{counters[label]:05d}.png")
        write_images(X_new, synthetic)
        if originals:
            if size is None:
                _copy_files(paths, originals)
            else:
                write_images(X, originals)
        if save_model is not None:
            aug.save(save_model)
        if report is not None:
            _evaluate_and_report(
                _pixel_table(X), y, _pixel_table(X_new), y_new, report, force=False,
                seed=seed, title=f"ganaug augment-images {in_dir.name}", quiet=quiet,
                images=(X, X_new),
            )
    if not quiet:
        click.echo(count_table(Counter(y.tolist()), Counter(np.asarray(y_res).tolist())))
    kept = 0 if synthetic_only else len(X)
    click.echo(f"Wrote {kept + len(X_new)} images ({len(X_new)} synthetic) to {out_dir}")


def _pixel_table(images):
    """Images as a table of pixel columns, for the tabular scores of the report."""
    import numpy as np
    import pandas as pd

    flat = images.reshape(len(images), -1).astype(np.float64)
    return pd.DataFrame(flat, columns=[f"px{i}" for i in range(flat.shape[1])])


def _copy_files(sources, targets):
    import shutil

    from ganaug.io import atomic_path

    for source, target in zip(sources, targets):
        with atomic_path(target) as tmp:
            shutil.copyfile(source, tmp)


@ganaug.command()
@click.argument("model", type=_IN_FILE)
@click.option("--output", "-o", type=_OUT_FILE, required=True, help="The PNG to write.")
@click.option("--per-class", "-n", type=click.IntRange(min=1, max=64), default=8, help="Samples per class (one row each).")
@click.option("--scale", type=click.IntRange(min=1, max=16), default=None, help="Pixel zoom (default: up to about 32 pixels per image).")
@click.option("--seed", type=int, default=0, help="Random seed.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
def preview(model, output, per_class, scale, seed, force):
    """Write a grid of samples from an image MODEL: a row per class, for a person to look at."""
    from ganaug.images import image_grid
    from ganaug.augmenter import load

    _quiet_tensorflow()
    _check_output(output, model, force)
    with user_errors():
        aug = load(model)
        if not hasattr(aug.encoder_, "canvas_shape_"):
            raise click.ClickException(f"{str(model)!r} is a model of tables, not images; nothing to preview.")
        X_new, y_new = aug.sample(y={c: per_class for c in aug.classes_}, random_state=seed)
        X_new = _as_uint8(X_new, aug.encoder_)
        rows = [list(X_new[y_new == c]) for c in aug.classes_]
        if scale is None:
            scale = max(1, 32 // max(X_new.shape[1:3]))
        grid = image_grid(rows, scale=scale)
        from PIL import Image

        from ganaug.io import atomic_path

        with atomic_path(output, force=force) as tmp:
            Image.fromarray(grid).save(tmp, format="PNG")
    click.echo("Rows, top to bottom: " + ", ".join(str(c) for c in aug.classes_))
    click.echo(f"Wrote a {len(aug.classes_)}x{per_class} grid to {output}")


def _as_uint8(X, encoder):
    import numpy as np

    if X.dtype == np.uint8:
        return X
    lo, hi = encoder.value_range_
    return np.clip(np.rint((X.astype(np.float64) - lo) / (hi - lo) * 255), 0, 255).astype(np.uint8)


def _evaluate_and_report(X, y, X_new, y_new, report, *, force, seed, title, quiet,
                         holdout=None, images=None):
    from ganaug.evaluation import evaluate, format_summary, write_html_report

    if len(X_new) == 0:
        raise ValueError("There are no synthetic rows to evaluate; nothing was generated.")
    holdout_X, holdout_y = holdout if holdout is not None else (None, None)
    random_state = 0 if seed is None else seed
    scores = evaluate(X, y, X_new, y_new, holdout_X=holdout_X, holdout_y=holdout_y,
                      random_state=random_state)
    if not quiet:
        click.echo(format_summary(scores))
    if report is not None:
        real_images, synth_images = images if images is not None else (None, None)
        write_html_report(scores, report, X, y, X_new, y_new, title=title,
                          random_state=random_state, force=force,
                          real_images=real_images, synth_images=synth_images)
        click.echo(f"Wrote report to {report}")


def _strip_real_rows(real, synth):
    """An ``augment`` output starts with the real rows: keep only what follows them."""
    n = len(real)
    if len(synth) < n:
        return synth, False
    head = synth.iloc[:n].reset_index(drop=True)
    if head.astype(str).equals(real.reset_index(drop=True).astype(str)):
        return synth.iloc[n:].reset_index(drop=True), True
    return synth, False


@ganaug.command()
@click.argument("real", type=_IN_FILE)
@click.argument("synth", type=_IN_FILE)
@click.option("--target", "-t", required=True, help="Name of the class-label column (in both files).")
@click.option("--holdout", type=_IN_FILE, default=None, help="Real rows the generator never saw: for utility and the holdout privacy test.")
@click.option("--report", type=_OUT_FILE, default=None, help="Write an HTML report with plots here.")
@click.option("--seed", type=int, default=None, help="Seed of the evaluation's models and splits.")
@click.option("--force", is_flag=True, help="Replace an existing report.")
@_with_reading_options
def evaluate(real, synth, target, holdout, report, seed, force, sep, decimal, na_values):
    """Score SYNTH (synthetic rows) against REAL: fidelity, utility and privacy.

    SYNTH may be a `ganaug sample` output or a `ganaug augment` output; in the
    latter the leading copy of REAL's rows is recognised and left out.
    """
    if report is not None:
        _check_output(report, real, force)
        _check_output(report, synth, force)
    with user_errors():
        real_frame = _read_frame(real, sep, decimal, na_values)
        synth_frame = _read_frame(synth, sep, decimal, na_values)
        X, y = split_target(real_frame, target, real)
        synth_frame, stripped = _strip_real_rows(real_frame, synth_frame)
        if stripped:
            click.echo(f"{synth.name} starts with the {len(real_frame)} rows of {real.name}; "
                       "evaluating only the rows after them.")
        X_new, y_new = split_target(synth_frame, target, synth)
        held = None
        if holdout is not None:
            held = split_target(_read_frame(holdout, sep, decimal, na_values), target, holdout)
        _evaluate_and_report(X, y, X_new, y_new, report, force=force, seed=seed,
                             title=f"ganaug evaluate {synth.name} against {real.name}",
                             quiet=False, holdout=held)


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


@ganaug.command()
@click.argument("data", type=_IN_FILE)
@click.option("--target", "-t", required=True, help="Name of the class-label column.")
@click.option("--output", "-o", type=_OUT_FILE, required=True, help="Where to write the best parameters, as a recipe (.toml).")
@click.option("--max-trials", type=click.IntRange(min=1), default=20, show_default=True, help="Trials to run (a cap for hyperband).")
@click.option("--tuner", type=click.Choice(["random", "bayesian", "hyperband"]), default="bayesian", show_default=True, help="Search algorithm.")
@click.option("--objective", type=click.Choice(["macro_f1", "balanced_accuracy", "fidelity"]), default="macro_f1", show_default=True, help="Held-out measure to maximise.")
@click.option("--epochs", type=click.IntRange(min=1), default=100, show_default=True, help="Epochs per trial (hyperband: the most any trial gets).")
@click.option("--validation-size", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.3, show_default=True, help="Share of rows held out to score trials.")
@click.option("--directory", type=click.Path(file_okay=False, path_type=pathlib.Path), default=None, help="Folder for the trials; run again with the same folder to resume (default: a temporary folder).")
@click.option("--overwrite", is_flag=True, help="Start the search afresh instead of resuming the one in --directory.")
@click.option("--strategy", default=None, help="Which classes the synthetic rows grow (as for augment).")
@click.option("--seed", type=int, default=None, help="Random seed of the split, networks and tuner.")
@click.option("--eager", is_flag=True, help="Train without tf.function: faster for tiny trials, slower for wide networks.")
@click.option("--quiet", "-q", is_flag=True, help="No per-trial output or table.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@_with_reading_options
def tune(data, target, output, max_trials, tuner, objective, epochs, validation_size,
         directory, overwrite, strategy, seed, eager, quiet, force, sep, decimal, na_values):
    """Search network sizes, latent size, learning rates and loss on DATA.

    Each trial trains a GAN on part of DATA and is scored on the held-out rest; the
    best parameters are written as a recipe for `ganaug augment --recipe OUTPUT`.
    """
    from ganaug.io import atomic_path
    from ganaug.recipes import recipe_text

    _quiet_tensorflow()
    strategy = parse_strategy(strategy)
    _check_output(output, data, force)
    with user_errors():
        frame = _read_frame(data, sep, decimal, na_values)
        X, y = split_target(frame, target, data)
        from ganaug.tuning import GANTuner

        search = GANTuner(
            tuner=tuner, max_trials=max_trials, epochs=epochs, objective=objective,
            validation_size=validation_size, directory=directory, overwrite=overwrite,
            sampling_strategy="auto" if strategy is None else _match_classes(strategy, y),
            random_state=seed, run_eagerly=eager, verbose=0 if quiet else 1,
        )
        try:
            search.search(X, y)
        except RuntimeError as exc:  # every trial failed
            raise click.ClickException(str(exc)) from None
        description = (
            f"Tuned by `ganaug tune` on {data.name} ({tuner}, {len(search.trials_)} trials): "
            f"held-out {objective} {search.best_score_:.4f}."
        )
        with atomic_path(output, force=force) as tmp:
            tmp.write_text(recipe_text(search.best_params_, description), encoding="utf-8")
    if not quiet:
        click.echo(trials_text(search.trials_))
        if search.baseline_score_ == search.baseline_score_:
            click.echo(f"Real rows only ({objective}): {search.baseline_score_:.4f}")
    click.echo(f"Best {objective} {search.best_score_:.4f}; wrote the recipe to {output}")


_COMPARE_ARMS = ("none", "balanced", "random", "smote", "ganaug")  # ganaug.comparison.ARMS
_COMPARE_METRICS = ("macro_f1", "balanced_accuracy", "minority_recall", "g_mean")


def _parse_arms(value):
    arms = [a.strip() for a in value.split(",") if a.strip()]
    unknown = [a for a in arms if a not in _COMPARE_ARMS]
    if unknown or not arms or len(set(arms)) != len(arms):
        raise click.BadParameter(
            f"expected distinct names from {', '.join(_COMPARE_ARMS)}, separated by commas. "
            f"Got {value!r} instead.",
            param_hint="--arms",
        )
    return arms


@ganaug.command()
@click.argument("data", type=_IN_FILE)
@click.option("--target", "-t", required=True, help="Name of the class-label column.")
@click.option("--classifier", type=click.Choice(["hgb", "logreg", "forest"]), default="hgb", show_default=True, help="hgb: histogram gradient boosting (native categories and missing values); logreg: logistic regression; forest: random forest.")
@click.option("--arms", default=",".join(_COMPARE_ARMS), show_default=True, help="Which remedies to compare, separated by commas.")
@click.option("--metric", type=click.Choice(_COMPARE_METRICS), default="macro_f1", show_default=True, help="The score that decides which arm is best.")
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True, help="K of the stratified K-fold.")
@click.option("--repeats", type=click.IntRange(min=1), default=2, show_default=True, help="Repeats of the K-fold split.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed; the same seed gives the same scores.")
@click.option("--recipe", default=None, help="Parameters of the ganaug arm: a recipe name (fast, careful, generated) or a .toml file (default: GANAugmenter's defaults).")
@click.option("--report", type=_OUT_FILE, default=None, help="Also write an HTML page with the table and a plot per metric.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar (the table is still printed).")
@click.option("--force", is_flag=True, help="Replace an existing report.")
@_with_reading_options
def compare(data, target, classifier, arms, metric, folds, repeats, seed, recipe, report, quiet,
            force, sep, decimal, na_values):
    """Measure whether rebalancing helps a classifier on DATA, and which remedy.

    Repeated stratified cross-validation on DATA's rows (CSV or Parquet): in each
    fold every arm (none, balanced class weights, random over-sampling, SMOTE or
    SMOTENC, GANAugmenter) prepares the training rows, the classifier is fitted
    on them and scored on the untouched test fold. Prints mean ± sd per arm and
    whether the best arm's lead is larger than the fold-to-fold noise.
    """
    _quiet_tensorflow()
    arms = _parse_arms(arms)
    if recipe is not None and "ganaug" not in arms:
        raise click.BadParameter("--recipe sets the ganaug arm, which --arms leaves out.",
                                 param_hint="--recipe")
    if report is not None:
        _check_output(report, data, force)
    with user_errors():
        frame = _read_frame(data, sep, decimal, na_values)
        X, y = split_target(frame, target, data)
        augmenter = None
        if recipe is not None:
            from ganaug.augmenter import GANAugmenter
            from ganaug.recipes import load_recipe

            augmenter = GANAugmenter(**load_recipe(recipe))
        from ganaug.comparison import compare as run_compare

        total = folds * repeats * len(arms)
        if quiet:
            bar = contextlib.nullcontext(None)
        else:
            bar = click.progressbar(length=total, label="Cross-validating", file=sys.stderr,
                                    item_show_func=lambda item: item)
        with bar as progress, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = run_compare(
                X, y, classifier=classifier, arms=arms, augmenter=augmenter, metric=metric,
                folds=folds, repeats=repeats, random_state=seed,
                progress=None if progress is None else progress.update,
            )
        _echo_warnings_once(caught, folds * repeats)
        click.echo(str(result))
        if report is not None:
            result.write_html(report, title=f"ganaug compare {data.name} --target {target}",
                              force=force)
            click.echo(f"Wrote report to {report}")


def _echo_warnings_once(caught, n_folds):
    """Each distinct warning of a cross-validation once (the same one may come from
    every fold), with how often it came."""
    counts = Counter(str(w.message) for w in caught)
    for message, n in counts.items():
        times = f" ({n} times in {n_folds} folds)" if n > 1 else ""
        click.echo(f"Warning: {message}{times}", err=True)


if __name__ == "__main__":  # pragma: no cover
    ganaug()
