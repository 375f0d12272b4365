"""The image commands: ``augment-images`` (rebalance a folder of class subfolders)
and ``preview`` (a grid of samples from a saved image model)."""

from __future__ import annotations

import pathlib
from collections import Counter

import click

from ganaug.cli.common import (
    IN_FILE,
    OUT_FILE,
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
    reported_warnings,
    say,
    say_training_rows_kept,
    user_errors,
)

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


@click.command("augment-images")
@click.argument("in_dir", type=_IN_DIR)
@click.option("--output", "-o", "out_dir", type=_OUT_DIR, required=True, help="Output folder (created if missing); gets one subfolder per class.")
@click.option("--synthetic-only", is_flag=True, help="Write only the synthetic images, not the originals.")
@click.option("--size", default=None, metavar="HxW", help="Resize every image to HxW (e.g. 32x32) first; needed when sizes differ.")
@click.option(
    "--strategy",
    default=None,
    help="Which classes to grow: auto, minority, 'not minority', 'not majority', all, "
    'or JSON such as \'{"cat": 100}\' (total images wanted).',
)
@click.option("--epochs", type=click.IntRange(min=1), default=None, help="Training epochs.")
@click.option("--seed", type=SEED, default=None, help="Random seed.")
@click.option("--recipe", default=None, help="A recipe name (fast, careful, generated) or a .toml file of parameters.")
@click.option("--save-model", type=OUT_FILE, default=None, help="Also save the trained model here (.ganaug), for `ganaug preview`.")
@keep_training_rows_option("images")
@click.option("--report", type=OUT_FILE, default=None, help="Also write an HTML evaluation report: scores on the pixels and sample grids.")
@quiet_option()
def augment_images(in_dir, out_dir, synthetic_only, size, strategy, epochs, seed, recipe, save_model,
                   keep_training_rows, report, quiet):
    """Rebalance a folder of images with one subfolder per class.

    IN_DIR/<class>/*.png (the layout of keras.utils.image_dataset_from_directory)
    becomes OUT_DIR/<class>/: the originals (unless --synthetic-only) and new PNGs
    named ganaug_synthetic_00001.png, ... Nothing existing is ever overwritten.
    """
    with reported_warnings(quiet):
        _augment_images(in_dir, out_dir, synthetic_only, size, strategy, epochs, seed, recipe,
                        save_model, keep_training_rows, report, quiet)


def _augment_images(in_dir, out_dir, synthetic_only, size, strategy, epochs, seed, recipe,
                    save_model, keep_training_rows, report, quiet):
    import numpy as np
    import pandas as pd

    from ganaug.display import counted
    from ganaug.images import read_image_folder, write_images

    size = _parse_size_option(size)
    strategy = parse_strategy(strategy)
    if keep_training_rows and save_model is None:
        raise click.BadParameter("saves nothing without --save-model; add --save-model FILE.",
                                 param_hint="--keep-training-rows")
    if out_dir.resolve() == in_dir.resolve() or in_dir.resolve() in out_dir.resolve().parents:
        raise click.BadParameter(
            f"the output {str(out_dir)!r} is (inside) the input folder; choose another folder.",
            param_hint="--output",
        )
    for path, option in ((save_model, "--save-model"), (report, "--report")):
        if path is not None and path.exists():
            raise click.ClickException(f"Output {str(path)!r} already exists; ganaug never overwrites files.")
        if path is not None:
            check_output(path, in_dir, False, option=option)
    with user_errors():
        X, y, paths = read_image_folder(in_dir, size=size)
        classes = sorted(set(y.tolist()))
        originals = [] if synthetic_only else _original_targets(paths, y, out_dir, size is not None)
        _refuse_existing(originals, out_dir, classes)
        aug = make_augmenter(recipe, strategy, epochs, seed, pd.Series(y))
        quiet_tensorflow()  # only now: every check above takes a fraction of a second
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
            aug.save(save_model, keep_training_rows=keep_training_rows)
            if keep_training_rows:
                say_training_rows_kept("images")
        if report is not None:
            evaluate_and_report(
                X, y, X_new, y_new, report, force=False,
                seed=seed, title=f"ganaug augment-images {in_dir.name}", quiet=quiet,
                images=(X, X_new),
            )
    say(count_table(Counter(y.tolist()), Counter(np.asarray(y_res).tolist())))
    kept = 0 if synthetic_only else len(X)
    say(f"Wrote {counted(kept + len(X_new), 'image')} ({len(X_new)} synthetic) to {out_dir}")


def _copy_files(sources, targets):
    import shutil

    from ganaug.io import atomic_path

    for source, target in zip(sources, targets):
        with atomic_path(target) as tmp:
            shutil.copyfile(source, tmp)


@click.command()
@click.argument("model", type=IN_FILE)
@click.option("--output", "-o", type=OUT_FILE, required=True, help="The PNG to write; a missing folder is created.")
@click.option("--per-class", "-n", type=click.IntRange(min=1, max=64), default=8, help="Samples per class (one row each).")
@click.option("--scale", type=click.IntRange(min=1, max=16), default=None, help="Pixel zoom (default: up to about 32 pixels per image).")
@click.option("--seed", type=SEED, default=0, help="Random seed.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@quiet_option()
def preview(model, output, per_class, scale, seed, force, quiet):
    """Write a grid of samples from an image MODEL: a row per class, for a person to look at."""
    with reported_warnings(quiet):
        _preview(model, output, per_class, scale, seed, force)


def _preview(model, output, per_class, scale, seed, force):
    from ganaug.augmenter import load
    from ganaug.persistence import read_metadata
    from ganaug.plots import labelled_image_grid

    if output.suffix.lower() != ".png":
        raise click.BadParameter(
            f"the grid is written as a PNG image; name it .png. Got {str(output)!r} instead.",
            param_hint="--output",
        )
    check_output(output, model, force)
    with user_errors():
        read_metadata(model)  # a file that is no ganaug model is named before Keras loads
        quiet_tensorflow()
        aug = load(model)
        if not hasattr(aug.encoder_, "canvas_shape_"):
            raise click.ClickException(f"{str(model)!r} is a model of tables, not images; nothing to preview.")
        X_new, y_new = aug.sample(y={c: per_class for c in aug.classes_}, random_state=seed)
        X_new = _as_uint8(X_new, aug.encoder_)
        rows = [list(X_new[y_new == c]) for c in aug.classes_]
        if scale is None:
            scale = max(1, 32 // max(X_new.shape[1:3]))
        grid = labelled_image_grid(rows, list(aug.classes_), scale=scale)
        from PIL import Image

        from ganaug.io import atomic_path

        with atomic_path(output, force=force) as tmp:
            Image.fromarray(grid).save(tmp, format="PNG")
    say("Rows, top to bottom: " + ", ".join(str(c) for c in aug.classes_))
    say(f"Wrote a {len(aug.classes_)}x{per_class} grid to {output}")


def _as_uint8(X, encoder):
    import numpy as np

    if X.dtype == np.uint8:
        return X
    lo, hi = encoder.value_range_
    return np.clip(np.rint((X.astype(np.float64) - lo) / (hi - lo) * 255), 0, 255).astype(np.uint8)
