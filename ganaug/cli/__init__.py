"""The ``ganaug`` command line: parse, call the public API, write. No ML logic here.

This module holds the ``ganaug`` group; each family of commands has its own module:
:mod:`~ganaug.cli.tables` (augment, fit), :mod:`~ganaug.cli.sampling` (sample),
:mod:`~ganaug.cli.images` (augment-images, preview), :mod:`~ganaug.cli.evaluation`
(evaluate), :mod:`~ganaug.cli.tuning` (tune) and :mod:`~ganaug.cli.comparison` (compare), all
built on :mod:`~ganaug.cli.common`.
"""

from __future__ import annotations

import signal
import warnings

import click

from ganaug import __version__
from ganaug.cli.comparison import compare
from ganaug.cli.evaluation import evaluate
from ganaug.cli.images import augment_images, preview
from ganaug.cli.sampling import sample
from ganaug.cli.tables import augment, fit
from ganaug.cli.tuning import tune

__all__ = ["ganaug"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ganaug")
@click.option("--verbose", "-v", is_flag=True, help="Also show TensorFlow's own start-up and log lines, and each warning as Python shows it.")
def ganaug(verbose):
    """Rebalance imbalanced datasets with a conditional GAN.

    Start with `ganaug augment data.csv --target label`.

    Every command checks its options and input before it loads TensorFlow, so a
    mistake is named at once; takes -q/--quiet (errors only: no progress bar, notes,
    warnings or 'Wrote ...' lines; compare and evaluate still print their scores);
    says each kind of warning once, with its count and the classes it concerns;
    and creates a missing output folder, saying so.
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


def _exit_on_sigterm(signum, frame):
    """Unwind like Ctrl-C does, so that temporary outputs are removed on the way out."""
    raise SystemExit(128 + signum)


for _command in (augment, fit, sample, augment_images, preview, evaluate, tune, compare):
    ganaug.add_command(_command)
