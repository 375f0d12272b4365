"""Reading tables and writing outputs whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import pandas as pd

__all__ = ["TABLE_SUFFIXES", "atomic_path", "default_output", "read_table", "write_table"]

TABLE_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def _format_of(path):
    fmt = TABLE_SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        raise ValueError(
            f"File {str(path)!r} has an unsupported extension; expected one of "
            f"{sorted(TABLE_SUFFIXES)}. Got {Path(path).suffix!r} instead."
        )
    return fmt


def read_table(path):
    """Read a CSV or Parquet file into a DataFrame, with errors that name the file."""
    path = Path(path)
    fmt = _format_of(path)
    if path.is_dir():
        raise ValueError(f"{str(path)!r} is a directory; expected a {fmt.upper()} file.")
    try:
        if fmt == "csv":
            frame = pd.read_csv(path)
        else:
            frame = pd.read_parquet(path)
    except pd.errors.EmptyDataError:
        raise ValueError(f"File {str(path)!r} is empty; expected a header and rows.") from None
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"File {str(path)!r} is not valid UTF-8 text ({exc.reason} at byte {exc.start})."
        ) from None
    except (pd.errors.ParserError, OSError, ValueError) as exc:
        raise ValueError(f"Could not read {str(path)!r}: {exc}") from None
    if frame.shape[0] == 0:
        raise ValueError(f"File {str(path)!r} has a header but no rows.")
    return frame


@contextlib.contextmanager
def atomic_path(path, *, force=False):
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    An interrupted or failed write leaves no partial file behind, and the data reach
    the disk (``fsync``) before the rename, so that a crash right after it cannot
    leave an empty or partial file under ``path``. Without ``force``, an existing
    ``path`` is refused before any work is done.
    """
    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(f"Output {str(path)!r} already exists; use --force to replace it.")
    if path.is_dir():
        raise IsADirectoryError(f"Output {str(path)!r} is a directory; expected a file path.")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        os.chmod(tmp, _new_file_mode())  # mkstemp makes 0600; give the usual umask mode
        _fsync(tmp)
        os.replace(tmp, path)
        _fsync(path.parent)  # the rename itself
    finally:
        tmp.unlink(missing_ok=True)


def _fsync(path):
    """Flush a file's (or, on POSIX, a folder's) data to the disk."""
    if Path(path).is_dir() and os.name != "posix":
        return  # folders cannot be opened for fsync on Windows
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _new_file_mode():
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_table(frame, path, *, force=False):
    """Write ``frame`` as CSV or Parquet (from the extension), atomically."""
    fmt = _format_of(path)
    with atomic_path(path, force=force) as tmp:
        if fmt == "csv":
            frame.to_csv(tmp, index=False)
        else:
            frame.to_parquet(tmp, index=False)


def default_output(input_path, tag="augmented"):
    """``data.csv`` -> ``data.augmented.csv``, beside the input."""
    input_path = Path(input_path)
    return input_path.with_name(f"{input_path.stem}.{tag}{input_path.suffix}")
