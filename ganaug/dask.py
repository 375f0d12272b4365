"""Synthetic rows on a Dask cluster: a lazy Dask DataFrame, and Parquet written whole.

:func:`sample` turns a fitted table model into a lazy :class:`dask.dataframe.DataFrame`
whose partitions are drawn independently, each from its own seed spawned from
``random_state`` (:meth:`numpy.random.SeedSequence.spawn`), so that the rows depend on
``random_state`` and ``npartitions`` only, never on how many workers draw them.
:func:`write_parquet` writes such a frame as a Parquet dataset that appears under its
name only once every partition is written. ``ganaug sample --scheduler ADDRESS`` is
the same from the command line.

Needs the ``dask`` extra (``pip install 'ganaug[dask]'``); ``import ganaug`` never
imports Dask, only this module does.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
import threading
import warnings
from numbers import Integral
from pathlib import Path

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd

__all__ = ["ROWS_PER_PARTITION", "sample", "write_parquet"]

#: The default partition size of :func:`sample`. A worker's peak memory grows with it: with
#: a model of the penguins table, 1,330 MiB at 250,000 rows a partition and 1,740 MiB at
#: 1,000,000 (``python -m benchmarks.distributed.sample --rows 1000000 --npartitions 4
#: --workers 1``, and ``--rows 2000000``), most of it TensorFlow's and the worker's own.
ROWS_PER_PARTITION = 250_000


def sample(model, n_rows=None, *, y=None, npartitions=None, random_state=None):
    """Synthetic rows from a fitted table model, as a lazy Dask DataFrame.

    Nothing is drawn until the frame is computed or written (``.to_parquet(...)``,
    :func:`write_parquet`); each partition is then drawn by one Dask task, on whichever
    worker the scheduler picks.

    Parameters
    ----------
    model : GANAugmenter or path
        A fitted :class:`~ganaug.GANAugmenter` of a table, or the path of a model saved
        with :meth:`~ganaug.GANAugmenter.save`. The model travels to the workers as the
        bytes of its ``.ganaug`` file, once per worker (the file need only exist where
        this function is called), and each worker process loads it once and keeps it
        for later partitions. A fitted model is saved for this with its copy filter
        (``keep_copy_filter=True``; the hashes stay in the cluster's memory) but, like
        any saved model, without its training rows: the rows are those the saved and
        loaded model would draw (see :func:`ganaug.load`), and the warnings that such a
        model gives are given once, here.
    n_rows : int, optional
        Total number of rows, spread over the classes as
        :meth:`GANAugmenter.sample(n_rows) <ganaug.GANAugmenter.sample>` spreads them.
        Not needed when ``y`` is given.
    y : dict, optional
        ``{class: count}``: the rows of each class (in this order).
    npartitions : int, optional
        Number of partitions, each of about the same number of rows. By default one
        per :data:`ROWS_PER_PARTITION` (250,000) rows: a partition is one pandas
        DataFrame in a worker's memory while it is drawn and written.
    random_state : int or None, default=None
        Seed of the partitions' seeds. The same ``random_state`` and ``npartitions``
        give the same rows on any number of workers; another ``npartitions`` gives
        other rows. None takes the model's ``random_state``, and fresh entropy when
        that is None too.

    Returns
    -------
    frame : dask.dataframe.DataFrame
        The columns and dtypes of the model's rows (those of
        :meth:`~ganaug.GANAugmenter.sample`), except that text columns of dtype
        ``object`` become pyarrow strings, as Dask makes them by default
        (``dataframe.convert-string``; Parquet needs it), with the target column named and placed as in
        the training file when the model knows it (models saved by ``ganaug fit``),
        else named like the training target (``"target"`` when it had no name) and
        last. Float columns are rounded to the decimals of the training file, as
        ``ganaug sample`` writes them. The index numbers the rows from 0, and the
        divisions are known. The rows come class by class, in the order of ``y`` (or
        of ``classes_``).

    Notes
    -----
    Threads: a worker draws one partition at a time (the model is shared by the
    worker's threads), with TensorFlow's thread pools sized to the worker's threads
    (``TF_NUM_INTRAOP_THREADS`` / ``TF_NUM_INTEROP_THREADS``, set in the worker
    process before it loads TensorFlow unless already set) and NumPy's BLAS limited
    to as many (:func:`threadpoolctl.threadpool_limits`). So run workers of one thread
    each, one per core (``dask worker ADDRESS --nthreads 1 --nworkers N``,
    ``LocalCluster(threads_per_worker=1)``): more threads per worker only help
    TensorFlow's matrix products.

    Examples
    --------
    >>> from dask.distributed import Client  # doctest: +SKIP
    >>> import ganaug.dask
    >>> client = Client("tcp://scheduler:8786")  # doctest: +SKIP
    >>> rows = ganaug.dask.sample("model.ganaug", 10**9, random_state=0)  # doctest: +SKIP
    >>> ganaug.dask.write_parquet(rows, "synthetic/")  # doctest: +SKIP
    1000000000
    """
    source = _source(model)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        aug = _loaded(source)
        counts = _counts(aug, n_rows, y)
        one_each = {c: 1 for c, k in counts.items() if k} or {c: 1 for c in aug.classes_}
        meta = _table_frame(aug, *aug.sample(y=one_each, random_state=0)).iloc[:0]
    known = frozenset((w.category.__name__, str(w.message)) for w in caught)
    for message in dict.fromkeys(w.message for w in caught):
        warnings.warn(message, stacklevel=2)
    total = sum(counts.values())
    npartitions = _check_npartitions(npartitions, total)
    seed = aug.random_state if random_state is None else random_state
    if not (seed is None or (isinstance(seed, Integral) and not isinstance(seed, bool) and seed >= 0)):
        raise ValueError(f"random_state must be a non-negative integer or None. Got {seed!r} instead.")
    seeds = [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(npartitions)]
    bounds = [i * total // npartitions for i in range(npartitions + 1)]
    # One key each, sent once to each worker: the model and the warnings given above.
    shipped = dask.delayed(source, pure=True, traverse=False)
    known = dask.delayed(known, pure=True, traverse=False)
    parts = [
        dask.delayed(_partition, pure=True)(shipped, known, _slice(counts, lo, hi), s, lo)
        for lo, hi, s in zip(bounds[:-1], bounds[1:], seeds)
    ]
    divisions = (*bounds[:-1], max(total - 1, 0))
    return dd.from_delayed(parts, meta=meta, divisions=divisions, verify_meta=True)


def write_parquet(frame, path, *, force=False, **options):
    """Write a Dask DataFrame as a Parquet dataset (a folder of part files), whole or not at all.

    The partitions are written (by the workers, with ``frame.to_parquet``) into a
    hidden folder beside ``path``, which is renamed to ``path`` only once all of them
    are written; if any fails, ``path`` is left as it was and the folder removed. The
    part files are named ``part.00000.parquet``, ``part.00001.parquet``, ...; so that
    they sort in the frame's order. Without an index (``write_index=False``) unless
    ``options`` says otherwise.

    Parameters
    ----------
    frame : dask.dataframe.DataFrame
    path : str or path
        A local folder path that this process and every worker see as the same
        folder (one machine, or a shared filesystem such as NFS).
    force : bool, default=False
        Replace an existing ``path`` (file or folder); it is moved aside and deleted
        only after the new dataset is in place.
    **options
        More keyword arguments of :meth:`dask.dataframe.DataFrame.to_parquet`.

    Returns
    -------
    n_rows : int
        The rows written, read back from the part files' footers.

    Raises
    ------
    FileExistsError
        ``path`` exists and ``force`` is False (before anything is computed).
    ValueError
        The part files are not where this process looks: the workers wrote to a
        folder this machine does not see.
    """
    import pyarrow.parquet as pq

    from ganaug.io import umask_mode

    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(f"Output {str(path)!r} already exists; use --force to replace it.")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent))
    width = max(5, len(str(frame.npartitions - 1)))
    try:
        frame.to_parquet(tmp, **{"write_index": False, "name_function": functools.partial(_part_name, width),
                                 **options})
        files = sorted(tmp.glob("*.parquet"))
        if len(files) != frame.npartitions:
            raise ValueError(
                f"Found {len(files)} part files of {frame.npartitions} in {str(tmp)!r} after the "
                f"workers wrote them: {str(path)!r} must be a folder that this machine and every "
                "worker see (one machine, or a shared filesystem)."
            )
        n_rows = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
        os.chmod(tmp, umask_mode(0o777))  # mkdtemp makes 0700; give the usual mode
        _fsync_tree(tmp)
        _replace(tmp, path)
        _fsync_tree(path.parent, files=False)  # the rename itself
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return n_rows


# ------------------------------------------------------------------ the model
class _ModelFile:
    """A ``.ganaug`` file's bytes, equal (and hashed) by their SHA-256: one graph key,
    one load per worker process."""

    def __init__(self, data):
        self.data = data
        self.digest = hashlib.sha256(data).hexdigest()

    def __eq__(self, other):
        return isinstance(other, _ModelFile) and other.digest == self.digest

    def __hash__(self):
        return hash(self.digest)

    def __dask_tokenize__(self):
        return self.digest


def _source(model):
    """The model as a :class:`_ModelFile`: a path's bytes, or a fitted model saved to bytes."""
    from ganaug.augmenter import GANAugmenter

    if isinstance(model, GANAugmenter):
        with tempfile.TemporaryDirectory() as tmp:
            file = Path(tmp) / "model.ganaug"
            model.save(file, keep_copy_filter=True)  # NotFittedError before fit
            return _ModelFile(file.read_bytes())
    if not isinstance(model, (str, os.PathLike)):
        raise TypeError(
            "model must be a fitted GANAugmenter or the path of a saved model (.ganaug). "
            f"Got {type(model).__name__} instead."
        )
    if not Path(model).is_file():
        raise ValueError(f"Model file {str(model)!r} does not exist or is not a file.")
    return _ModelFile(Path(model).read_bytes())


_LOCK = threading.Lock()  # one draw at a time in a process: the model is shared


@functools.lru_cache(maxsize=4)
def _loaded(source):
    """The model of ``source``, loaded once per process (the backend's threads set first)."""
    from ganaug.augmenter import load

    threads = _worker_threads()
    if threads is not None:
        from ganaug.nn.backend import set_threads

        set_threads(threads)  # the backend's own pools (TensorFlow's, PyTorch's)
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "model.ganaug"
        file.write_bytes(source.data)
        aug = load(file)
    if hasattr(aug.encoder_, "canvas_shape_"):
        raise ValueError(
            "ganaug.dask.sample draws tables; this is a model of images. Use "
            "GANAugmenter.sample for image arrays."
        )
    return aug


def _worker_threads():
    """The threads of the Dask worker this runs in; None outside a worker."""
    from distributed import get_worker

    try:
        return get_worker().state.nthreads
    except ValueError:  # not in a worker: this process's own scheduler or the client
        return None


# ------------------------------------------------------------ the partitions
def _counts(aug, n_rows, y):
    """``{class: rows}``: ``y``, or ``n_rows`` spread as ``aug.sample(n_rows)`` does
    (:mod:`ganaug.class_counts`), without a label per row."""
    from ganaug.class_counts import class_indices, counts_for

    if y is None:
        if isinstance(n_rows, bool) or not isinstance(n_rows, Integral) or n_rows < 0:
            raise ValueError(
                f"n_rows must be a non-negative integer when y is not given. Got {n_rows!r} instead."
            )
        counts = counts_for(n_rows, aug.classes_, aug.sampling_strategy_)
        return dict(zip(aug.classes_.tolist(), counts.tolist()))
    if not isinstance(y, dict):
        raise TypeError(f"y must be a dict {{class: count}}. Got {type(y).__name__} instead.")
    class_indices(list(y), aug.classes_)  # a ValueError names a class not seen in fit
    for count in y.values():
        if isinstance(count, bool) or not isinstance(count, Integral) or count < 0:
            raise ValueError(
                f"y maps classes to counts, which must be non-negative integers. Got {count!r} instead."
            )
    if n_rows is not None and n_rows != sum(y.values()):
        raise ValueError(
            f"n_rows={n_rows!r} disagrees with y, which asks for {sum(y.values())} rows; give "
            "one or the other."
        )
    return {c: int(k) for c, k in y.items()}


def _check_npartitions(npartitions, total):
    if npartitions is None:
        return max(1, -(-total // ROWS_PER_PARTITION))
    if isinstance(npartitions, bool) or not isinstance(npartitions, Integral) or npartitions < 1:
        raise ValueError(f"npartitions must be a positive integer. Got {npartitions!r} instead.")
    return int(min(npartitions, max(total, 1)))  # no partition without rows


def _slice(counts, lo, hi):
    """The rows ``lo`` to ``hi`` of all the rows, class by class: ``{class: rows}``."""
    out, start = {}, 0
    for label, k in counts.items():
        take = min(start + k, hi) - max(start, lo)
        if take > 0:
            out[label] = take
        start += k
    return out


def _partition(source, known, counts, seed, start):
    """One partition: ``counts`` rows drawn with ``seed``, indexed from ``start``. Its
    warnings other than ``known`` (``(category name, message)``, given already by
    :func:`sample`) are shown once per process (on a worker: in its log)."""
    from threadpoolctl import threadpool_limits

    with _LOCK, threadpool_limits(limits=_worker_threads()):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            aug = _loaded(source)
            if counts:
                frame = _table_frame(aug, *aug.sample(y=counts, random_state=seed))
                # numeric identifiers go on across partitions: this one's rows from row `start`
                frame = aug.model_.numbered(frame, first=start)
            else:  # no rows (n_rows=0): the columns as sample()'s meta has them
                frame = _table_frame(aug, *aug.sample(y=dict.fromkeys(aug.classes_.tolist(), 1),
                                                      random_state=0)).iloc[:0]
        for w in caught:
            key = (w.category.__name__, str(w.message))
            if key not in known and key not in _SHOWN:
                _SHOWN.add(key)
                warnings.warn(w.message, stacklevel=1)
    frame.index = pd.RangeIndex(start, start + len(frame))
    return frame


_SHOWN = set()  # the warnings (category name, message) that partitions in this process gave


def _table_frame(aug, X_new, y_new):
    """The rows as ``ganaug sample`` writes them (:func:`ganaug.io.sampled_table`)."""
    from ganaug.io import sampled_table

    return sampled_table(X_new, y_new, fmt=getattr(aug, "table_format_", None),
                         target=getattr(aug, "target_name_", None))


# ------------------------------------------------------------------- writing
def _part_name(width, i):
    return f"part.{i:0{width}d}.parquet"


def _fsync_tree(folder, files=True):
    """Flush the files of ``folder`` (with ``files``) and the folder itself to the disk."""
    from ganaug.io import fsync_path

    for path in [*(folder.iterdir() if files else []), folder]:
        fsync_path(path)


def _replace(tmp, path):
    """Rename the folder ``tmp`` to ``path``; an existing ``path`` goes aside first and is
    deleted once the new one is in place."""
    old = None
    if path.exists() or path.is_symlink():
        old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
        old.rmdir()
        os.replace(path, old)
    try:
        os.replace(tmp, path)
    except BaseException:
        if old is not None:
            os.replace(old, path)
        raise
    if old is not None:
        shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
