"""What every ``ganaug`` command shares: file options, reading a table, user errors,
warnings said once, ``--quiet``, TensorFlow's start-up lines, the progress bar and the
evaluation report.

Every command checks its arguments and its input (file, format, columns, target,
recipe, seed, strategy, outputs) *before* :func:`quiet_tensorflow` loads TensorFlow,
which takes seconds: a mistake is named at once.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import pathlib
import sys
import warnings

import click

_STRATEGY_NAMES = ("auto", "minority", "not minority", "not majority", "all")
IN_FILE = click.Path(exists=True, dir_okay=False, path_type=pathlib.Path)
OUT_FILE = click.Path(dir_okay=False, path_type=pathlib.Path)
#: ``--seed``: NumPy's seeds (and GANAugmenter's random_state) run from 0 to 2**32 - 1.
SEED = click.IntRange(0, 2**32 - 1)

QUIET_HELP = ("Print errors only: no progress bar, counts, notes, warnings or "
              "'Wrote ...' lines.")


def quiet_option(help=QUIET_HELP):
    """The ``--quiet/-q`` flag of every command (``help`` says what it still prints)."""
    return click.option("--quiet", "-q", is_flag=True, help=help)


#: What ``--keep-training-rows`` costs, said in its help and when a file is written with it.
TRAINING_ROWS_NOTE = (
    "The model file holds the training rows verbatim (Parquet/.npy inside the .ganaug "
    "zip): whoever has the file can read every one of them; share it only with those "
    "who may see the training data.")


def keep_training_rows_option(what="rows"):
    """The ``--keep-training-rows`` flag of the commands that save a model (``what``:
    rows or images)."""
    return click.option(
        "--keep-training-rows", is_flag=True,
        help=f"Store the training {what} in the saved model, so that it samples exactly as "
        f"right after fit (without them a loaded model generates every {what[:-1]}). "
        f"Privacy cost: the file then holds the training {what} verbatim; share it only "
        f"with those who may see them.")


def say_training_rows_kept(what="rows"):
    """The privacy note of ``--keep-training-rows``, said (on stderr) when it wrote a file."""
    say(f"Note: {TRAINING_ROWS_NOTE.replace('rows', what)}", err=True)


def _quiet():
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.params.get("quiet"))


def say(message, err=False):
    """``click.echo`` unless the command runs with ``--quiet``."""
    if not _quiet():
        click.echo(message, err=err)


@contextlib.contextmanager
def user_errors():
    """Turn the library's errors about user input into one-line CLI errors (exit 1)."""
    from ganaug.exceptions import TrainingDivergedError

    try:
        yield
    except (ValueError, FileExistsError, IsADirectoryError, TrainingDivergedError) as exc:
        raise click.ClickException(str(exc)) from None


@contextlib.contextmanager
def reported_warnings(quiet=False, *, over=None):
    """Gather the warnings of a command and say each kind once, when it ends.

    A kind is a warning class that names its class (:class:`ganaug.exceptions.ClassWarning`:
    a fidelity or a collapse warning), or else a warning's exact text. Each kind is
    printed once, as its first message followed by how often it came and, for a class
    warning, which classes it concerns: a cross-validation that warns in every fold
    for every class prints one line, not one per fold and class. ``over`` says what
    the count spans (``"10 folds"``). With ``quiet`` nothing is printed; with
    ``ganaug --verbose`` warnings are left to Python, each where it comes from.
    """
    if _verbose() and not quiet:
        yield
        return
    with warnings.catch_warnings(record=True) as caught:
        if quiet:
            warnings.simplefilter("ignore")
        else:  # each one, to count them (Python's default shows one per place)
            warnings.simplefilter("always", UserWarning)
        try:
            yield
        finally:
            for line in warning_lines(caught, over=over):
                click.echo(line, err=True)


def warning_lines(caught, *, over=None):
    """One line per kind of warning in ``caught`` (``warnings.WarningMessage`` objects);
    see :func:`reported_warnings`."""
    from ganaug.display import counted, shown

    kinds = {}
    for record in caught:
        labelled = hasattr(record.message, "label")
        key = record.category if labelled else (record.category, str(record.message))
        kind = kinds.setdefault(key, {"first": str(record.message), "n": 0, "labels": {},
                                      "name": record.category.__name__})
        kind["n"] += 1
        if labelled and record.message.label is not None:
            kind["labels"][record.message.label] = None
    lines = []
    for kind in kinds.values():
        line = f"Warning: {kind['first']}"
        where = f" in {over}" if over else ""
        if kind["n"] > 1 and kind["labels"]:
            names = [shown(label) for label in kind["labels"]]
            listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
            line += (f" [{kind['name']}: {counted(kind['n'], 'such warning')}{where}, for "
                     f"{'class' if len(names) == 1 else 'classes'} {listed}; the first is shown]")
        elif kind["n"] > 1:
            line += f" [{kind['n']} times{where}]"
        lines.append(line)
    return lines


def _verbose():
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().params.get("verbose"))


def quiet_tensorflow():
    """Load Keras and its backend now, without the backend's start-up lines, unless
    ``ganaug --verbose`` (see :mod:`ganaug.nn.backend`, which every ganaug module that
    uses Keras goes through; ``GANAUG_BACKEND_LOGS=1`` lets them through as well)."""
    from ganaug.nn.backend import BACKEND_PACKAGES, load_keras

    try:
        load_keras(quiet=False if _verbose() else None)
    except ModuleNotFoundError as exc:  # KERAS_BACKEND names a backend not installed
        if exc.name not in BACKEND_PACKAGES:
            raise
        raise click.ClickException(str(exc)) from None


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


def match_classes(strategy, y):
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
        names = list(map(str, frame.columns))
        close = difflib.get_close_matches(target, names, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise click.ClickException(
            f"Target column {target!r} is not in {str(path)!r}; its columns are "
            f"{names}.{hint}"
        )
    return frame.drop(columns=[target]), frame[target]


def make_augmenter(recipe, strategy, epochs, seed, y):
    """The GANAugmenter the options ask for, its parameters and ``--strategy`` checked
    against the target ``y`` (a Series) before any training."""
    from ganaug.augmenter import GANAugmenter
    from ganaug.recipes import load_recipe

    params = load_recipe(recipe) if recipe else {}
    if strategy is not None:
        params["sampling_strategy"] = match_classes(strategy, y)
    if epochs is not None:
        params["epochs"] = epochs
    if seed is not None:
        params["random_state"] = seed
    aug = GANAugmenter(**params)
    check_strategy(aug.sampling_strategy, y, given=strategy is not None)
    return aug


def check_strategy(strategy, y, *, given=True):
    """imbalanced-learn's check of a sampling strategy against ``y``, which fit repeats:
    here it runs before TensorFlow loads. A target with missing labels is left to fit,
    which says which rows lack one."""
    from imblearn.utils import check_sampling_strategy

    if y.isna().any():
        return
    try:
        check_sampling_strategy(strategy, y, "over-sampling")
    except ValueError as exc:
        if given and y.nunique() > 1:
            raise click.BadParameter(str(exc), param_hint="--strategy") from None
        raise


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


def check_output(output, data, force, *, option="--output", table=False):
    """Refuse an output that is the input ``data``, that exists (unless ``force``),
    whose folder cannot be made or, for a ``table``, whose extension is no table's.

    A missing folder is created when the output is written (as ``mkdir -p`` would),
    and the command then says so, so that a mistyped folder does not pass unseen.
    """
    if output.resolve() == data.resolve():
        raise click.BadParameter(
            f"the output {str(output)!r} is the input file; ganaug never overwrites its "
            "input. Choose another path.",
            param_hint=option,
        )
    if output.is_dir():
        raise click.BadParameter(
            f"{str(output)!r} is a folder; expected a file path.", param_hint=option
        )
    if output.exists() and not force:
        raise click.ClickException(
            f"Output {str(output)!r} already exists; use --force to replace it."
        )
    if table:
        from ganaug.io import table_kind

        try:
            table_kind(output, output=True)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint=option) from None
    _note_new_folder(output.parent, option)


def _note_new_folder(folder, option):
    """Refuse a folder path that runs through a file; note a folder that will be made."""
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if not existing.is_dir():
        raise click.BadParameter(
            f"{str(existing)!r} is a file, so the folder {str(folder)!r} cannot be made.",
            param_hint=option,
        )
    if existing == folder:
        return
    ctx = click.get_current_context()

    def note():
        if folder.is_dir():  # made by the write; a failed command may not have got there
            say(f"Created the folder {str(folder)!r} for {option}.", err=True)

    ctx.call_on_close(note)


def _split_na_values(ctx, param, value):
    return tuple(v for item in value for v in item.split(",")) if value else None


READING_OPTIONS = [
    click.option("--sep", default=None, metavar="CHAR", help="CSV field separator (default: sniffed among , ; tab |)."),
    click.option("--decimal", type=click.Choice([".", ","]), default=None, help="Decimal mark of CSV numbers (default: sniffed)."),
    click.option(
        "--na-values", multiple=True, callback=_split_na_values, metavar="TEXT[,TEXT...]",
        help="Cell texts that mean 'missing' in every column. By default a cell is missing "
        "when empty, or NA/NaN/null/... in a column of numbers; in a text column NA and "
        "None are categories.",
    ),
]


def with_reading_options(func):
    for option in reversed(READING_OPTIONS):
        func = option(func)
    return func


def read_frame(data, sep, decimal, na_values):
    return read_data(data, sep, decimal, na_values)[0]


def read_data(data, sep, decimal, na_values):
    from ganaug.io import read_table_format

    if sep is not None and sep in ("\\t", "tab"):
        sep = "\t"
    if sep is not None and len(sep) != 1:
        raise click.BadParameter(
            f"expected one character (or \\t for tab). Got {sep!r} instead.", param_hint="--sep"
        )
    return read_table_format(data, sep=sep, decimal=decimal, na_values=na_values)


def evaluate_and_report(X, y, X_new, y_new, report, *, force, seed, title, quiet,
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
        say(f"Wrote report to {report}")
