"""Keras, loaded without its backend's start-up lines.

Every ganaug module that uses Keras takes it from here (``from ganaug.nn.backend
import keras, layers, ops``, loaded on first use; TensorFlow through
:func:`load_tensorflow`), never by its own ``import keras`` (:mod:`ganaug.tuning` takes
``keras`` from here before keras-tuner imports it), so the first time a process needs the deep-learning backend (the first fit in a session, in each
joblib worker of a cross-validation, or a CLI command) it loads through
:func:`load_keras`. Under TensorFlow, that import writes lines such as
``oneDNN custom operations are on``, ``Could not find cuda drivers on your machine``
and ``This TensorFlow binary is optimized to use available CPU instructions`` straight
to the process's stderr (file descriptor 2, so ``contextlib.redirect_stderr`` does not
catch them), whatever ``TF_CPP_MIN_LOG_LEVEL`` says, and the first computation on a
machine without a GPU adds ``E0000 ... failed call to cuInit: ... UNKNOWN ERROR (303)``,
which is no error of the fit. None of them concerns the rows ganaug makes.

So :func:`load_keras`, when TensorFlow is the backend about to load, sets
``TF_CPP_MIN_LOG_LEVEL=3`` with ``os.environ.setdefault`` (a value you set yourself
wins) and runs the import with file descriptor 2 pointed at a temporary file, which
it replays to stderr only if the import fails. Under another Keras backend
(``KERAS_BACKEND=jax`` or ``torch``) it sets nothing and imports no TensorFlow (only
:func:`load_tensorflow` does, for the code that calls TensorFlow itself), and keeps
Keras's own saving from importing it either (:func:`_without_idle_tensorflow`). Beyond what
the import writes, Python's warnings and logging are left as they are, ganaug's own
warnings included.

To see the lines:

- set the environment variable ``GANAUG_BACKEND_LOGS=1`` (any value but ``0`` or an
  empty one): ganaug then imports Keras plainly and sets nothing;
- or import ``tensorflow`` (or ``keras``) yourself before ganaug first trains: a
  backend already loaded is left alone, with whatever ``TF_CPP_MIN_LOG_LEVEL`` you set;
- on the command line, ``ganaug --verbose``.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import tempfile
import threading

# keras, layers and ops are module attributes too (see __getattr__ at the end).
__all__ = ["BACKEND_PACKAGES", "LOGS_VARIABLE", "load_keras", "load_tensorflow", "set_threads", "tensorflow_backend"]

#: The package each Keras backend imports, and what to ``pip install`` for it.
BACKEND_PACKAGES = {"tensorflow": "tensorflow", "jax": "ganaug[jax]", "torch": "ganaug[torch]"}

#: The environment variable that, set to ``1``, lets the backend's start-up lines through.
LOGS_VARIABLE = "GANAUG_BACKEND_LOGS"

# fd 2 belongs to the whole process: two threads redirecting it at once could leave it
# pointing at a closed temporary file.
_LOCK = threading.Lock()


def _logs_wanted():
    return os.environ.get(LOGS_VARIABLE, "").strip() not in ("", "0")


def tensorflow_backend():
    """Whether Keras runs (or, once imported, will run) on TensorFlow: its
    ``keras.config.backend()`` if Keras is loaded, else ``KERAS_BACKEND`` (unset:
    TensorFlow, Keras's default)."""
    if "keras" in sys.modules:
        return sys.modules["keras"].config.backend() == "tensorflow"
    return os.environ.get("KERAS_BACKEND", "tensorflow").strip() in ("", "tensorflow")


def load_keras(quiet=None):
    """Import Keras and its backend, and return the ``keras`` module.

    Parameters
    ----------
    quiet : bool, optional
        Hide the backend's start-up lines (see the module docstring). By default,
        unless the environment variable ``GANAUG_BACKEND_LOGS`` is set to ``1``. A
        backend already imported is left alone either way.

    Returns
    -------
    module
        ``keras``.

    Examples
    --------
    >>> from ganaug.nn.backend import load_keras
    >>> load_keras().__name__
    'keras'
    """
    try:
        return _load("keras", quiet)
    except ModuleNotFoundError as exc:
        if exc.name not in BACKEND_PACKAGES:
            raise
        backend = os.environ.get("KERAS_BACKEND", "tensorflow").strip() or "tensorflow"
        raise ModuleNotFoundError(
            f"Keras's backend is {backend!r} (KERAS_BACKEND), but {exc.name} is not "
            f"installed: pip install '{BACKEND_PACKAGES[exc.name]}' installs it, or set "
            "KERAS_BACKEND to a backend that is installed (tensorflow, jax or torch).",
            name=exc.name,
        ) from exc


def load_tensorflow(quiet=None):
    """Import TensorFlow itself, as :func:`load_keras` imports Keras, for the code that
    calls TensorFlow directly (gradient tapes, ``tf.function``, ``tf.data``); returns
    the ``tensorflow`` module."""
    return _load("tensorflow", quiet)


def _load(name, quiet):
    quiet = not _logs_wanted() if quiet is None else quiet
    if not quiet or name in sys.modules or "tensorflow" in sys.modules:
        return _without_idle_tensorflow(importlib.import_module(name))
    if name == "tensorflow" or tensorflow_backend():
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with _LOCK, tempfile.TemporaryFile() as captured:
        try:
            with _stderr_to(captured):
                return _without_idle_tensorflow(importlib.import_module(name))
        except BaseException:  # a broken install: show what the backend said
            captured.seek(0)
            if sys.stderr is not None:
                sys.stderr.write(captured.read().decode(errors="replace"))
            raise


def set_threads(threads):
    """Load Keras with its backend's own CPU thread pools set to ``threads``, for a
    worker process that shares the cores with others (``ganaug compare -j``, a Dask
    worker): BLAS and OpenMP pools are limited separately (threadpoolctl), but each
    backend keeps a pool of its own, and two processes whose pools each take every core
    fight over them (PyTorch: a table fit took 57 s instead of 4 on a busy machine).

    - TensorFlow: its intra- and inter-op pools, which it fixes when it first runs: the
      first call in a process sets them, later ones find them set and leave them;
    - PyTorch: ``torch.set_num_threads``, at any time;
    - JAX: nothing (XLA sizes its CPU pool when JAX starts; set ``XLA_FLAGS`` before it
      does to change it).

    Returns the ``keras`` module."""
    keras = load_keras()
    backend = keras.config.backend()
    if backend == "tensorflow":
        threading = load_tensorflow().config.threading
        try:
            threading.set_intra_op_parallelism_threads(threads)
            threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:  # TensorFlow already ran here, with other pools: leave them
            pass
    elif backend == "torch":
        import torch

        torch.set_num_threads(threads)
    return keras


def _without_idle_tensorflow(module):
    """Keep Keras from importing TensorFlow where the backend is JAX or PyTorch.

    Keras asks ``keras.src.utils.module_utils.tensorflow.available`` in a few places
    that have nothing to do with the backend (its saving checks whether an object is a
    ``tf.TensorShape``; ``keras.utils.set_random_seed`` seeds TensorFlow too), and that
    question imports TensorFlow whenever it is installed (TensorFlow is ganaug's default
    dependency), with its start-up lines and a second or more of work. Under another
    backend, and while TensorFlow is not imported, no object can be a TensorFlow one, so
    the answer is "no" without the import. A TensorFlow a user imports later is not
    hidden from their own code: only this lazy module's answer is fixed. Under
    TensorFlow, or once TensorFlow is imported, nothing changes."""
    if module.__name__ != "keras" or "tensorflow" in sys.modules:
        return module
    if module.config.backend() != "tensorflow":
        try:
            from keras.src.utils import module_utils
        except ImportError:  # a Keras laid out otherwise: leave it be
            return module
        lazy = getattr(module_utils, "tensorflow", None)
        if lazy is not None and getattr(lazy, "module", None) is None and hasattr(lazy, "_available"):
            lazy._available = False
    return module


@contextlib.contextmanager
def _stderr_to(file):
    """Point file descriptor 2, where C++ code writes, at ``file`` for a while (not at
    all where the process has no file descriptor 2)."""
    if sys.stderr is not None:
        sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    os.dup2(file.fileno(), 2)
    try:
        yield
    finally:
        if sys.stderr is not None:
            sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def __getattr__(name):
    """``keras``, ``layers`` and ``ops``, loaded by :func:`load_keras` on first use (so
    that importing this module loads nothing, and ``ganaug --verbose`` can load Keras
    with its lines first)."""
    if name == "keras":
        return load_keras()
    if name in ("layers", "ops"):
        return getattr(load_keras(), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
