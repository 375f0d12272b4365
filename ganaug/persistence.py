"""The ``.ganaug`` archive format: one Keras model and JSON metadata, never pickled.

A ``.ganaug`` file is a zip archive of two members:

- ``generator.keras``: a Keras model in Keras's native format, loaded with
  ``safe_mode=True`` (no Python lambdas are ever deserialised);
- ``metadata.json``: the format name and version, the ganaug version that wrote it,
  and whatever plain-JSON state the caller hands over;

and, only when the caller hands over training rows (``save(keep_training_rows=True)``,
format 2), one member per table or array under ``rows/``: a table as Parquet
(``rows/<name>.parquet``, its column names and dtypes in the metadata), an array as
NumPy's ``.npy`` (``rows/<name>.npy``, read with ``allow_pickle=False``). Without rows
the file is format 1, as ganaug 0.1.0 wrote it.

Reading checks the member names and sizes before reading anything, and never
unpickles. This module knows nothing about estimators or encoders: they turn their
own state into JSON (with :func:`tag` for labels, categories and column names) and
back; :meth:`ganaug.GANAugmenter.save` and :func:`ganaug.load` are built on
:func:`write_archive` and :func:`read_archive`. A pickled ``GANAugmenter`` holds its
generator as the same Keras-native bytes (:func:`model_bytes`, :func:`model_from_bytes`).
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ganaug.display import plain

__all__ = [
    "FORMAT_VERSION",
    "dtype_from_spec",
    "dtype_spec",
    "dtype_text",
    "model_bytes",
    "model_from_bytes",
    "param_from",
    "param_value",
    "read_archive",
    "read_metadata",
    "read_rows",
    "tag",
    "untag",
    "write_archive",
]

FORMAT_NAME = "ganaug-model"
#: The newest format this ganaug reads and writes: 2 holds training rows (``rows/``),
#: 1 does not (and is what a file without rows is still written as).
FORMAT_VERSION = 2
_MEMBERS = {"metadata.json": 64 * 2**20, "generator.keras": 2 * 2**30}
#: Training rows: ``rows/<name>.parquet`` (a table) or ``rows/<name>.npy`` (an array).
_ROW_MEMBER = re.compile(r"rows/([a-z0-9_-]{1,64})\.(parquet|npy)")
_ROW_LIMIT = 2 * 2**30


# ------------------------------------------------------------- tagged values
def tag(value):
    """A JSON-safe ``[type, value]`` pair for a label, category or column name.

    Examples
    --------
    >>> import numpy as np
    >>> from ganaug.persistence import tag, untag
    >>> tag(np.int64(2)), tag("rare")
    (['int', 2], ['str', 'rare'])
    >>> untag(tag(np.int64(2)))
    2
    """
    value = plain(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return ["none", None]
    if isinstance(value, bool):
        return ["bool", value]
    if isinstance(value, int):
        return ["int", value]
    if isinstance(value, float):
        return ["float", None if np.isnan(value) else value]
    if isinstance(value, str):
        return ["str", value]
    raise ValueError(
        f"Cannot save a label, category or column name of type {type(value).__name__}; "
        f"expected str, int, float or bool. Got {value!r} instead."
    )


def untag(pair):
    """The value that :func:`tag` wrote as ``[type, value]``."""
    kind, value = pair
    if kind == "none":
        return None
    if kind == "float":
        return np.nan if value is None else float(value)
    return {"bool": bool, "int": int, "str": str}[kind](value)


def dtype_spec(dtype):
    """A JSON-safe description of a pandas or NumPy dtype (categories included)."""
    if isinstance(dtype, pd.CategoricalDtype):
        return {
            "category": [tag(c) for c in dtype.categories],
            "ordered": bool(dtype.ordered),
        }
    return str(dtype)


def dtype_from_spec(spec):
    """The dtype that :func:`dtype_spec` described."""
    if isinstance(spec, dict):
        return pd.CategoricalDtype([untag(c) for c in spec["category"]], ordered=spec["ordered"])
    return pd.api.types.pandas_dtype(spec)


# ------------------------------------------------------------------- archive
def write_archive(path, metadata, model, *, force=False, rows=None):
    """Write ``model`` (a Keras model) and ``metadata`` (a JSON-safe dict) to ``path``.

    The file is written whole or not at all (see :func:`ganaug.io.atomic_path`); an
    existing ``path`` needs ``force=True``. The format name and version and the
    ganaug version are added to the metadata.

    ``rows``, optional, is ``{name: DataFrame or ndarray}`` (names of lowercase letters,
    digits, ``-`` and ``_``): training rows, written as Parquet and ``.npy`` members
    (see the module docstring) and read back by :func:`read_rows`. Each is read back
    before the file is written; one that does not come back exactly (a column of mixed
    Python types, say) raises a ``ValueError`` that names it. A file with rows is
    format 2; one without is format 1.
    """
    from ganaug import __version__
    from ganaug.io import atomic_path

    members, specs = {}, {}
    for name, value in (rows or {}).items():
        member, specs[name], members[member] = _row_member(name, value)
    version = FORMAT_VERSION if members else 1
    header = {"format": FORMAT_NAME, "format_version": version, "ganaug_version": __version__}
    text = json.dumps({**header, **metadata, **({"rows": specs} if specs else {})})
    data = model_bytes(model)
    with (atomic_path(path, force=force) as out,
          zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive):
        archive.writestr("metadata.json", text)
        archive.writestr("generator.keras", data)
        for member, blob in members.items():
            archive.writestr(member, blob)


def _row_member(name, value):
    """``(member name, JSON spec, bytes)`` of one table or array of training rows."""
    if not re.fullmatch(r"[a-z0-9_-]{1,64}", name):
        raise ValueError(f"Row member names are 1-64 of a-z, 0-9, '-' and '_'. Got {name!r} instead.")
    if isinstance(value, pd.DataFrame):
        spec = {"columns": [tag(c) for c in value.columns],
                "dtypes": [dtype_spec(d) for d in value.dtypes]}
        try:
            data = _frame_bytes(value)
        except Exception:  # noqa: BLE001  (pyarrow raises many types): name the column
            data = None
        back = None if data is None else _frame_from_bytes(data, spec)
        for i, column in enumerate(value.columns):
            if back is None and _writes_to_parquet(value.iloc[:, [i]]):
                continue
            if back is not None and value.iloc[:, i].reset_index(drop=True).equals(back.iloc[:, i]):
                continue
            raise ValueError(
                f"Column {column!r} of the training rows (dtype {value.dtypes.iloc[i]}) does not "
                "come back from Parquet as it is, so the file cannot hold the training rows: "
                "save without keep_training_rows, or give the column one type.")
        if data is None:
            raise ValueError("The training rows cannot be written to Parquet; save without "
                             "keep_training_rows.")
        return f"rows/{name}.parquet", spec, data
    array = np.asarray(value)
    buffer = io.BytesIO()
    try:
        np.save(buffer, array, allow_pickle=False)
    except ValueError:
        raise ValueError(f"Training rows {name!r} of dtype {array.dtype} cannot be saved without "
                         "pickling; save without keep_training_rows.") from None
    return f"rows/{name}.npy", "npy", buffer.getvalue()


def _writes_to_parquet(frame):
    """Whether :func:`_frame_bytes` takes ``frame`` without an error."""
    try:
        _frame_bytes(frame)
    except Exception:  # noqa: BLE001  (pyarrow raises many types)
        return False
    return True


def _frame_bytes(frame):
    """A table as Parquet, its columns named by position (Parquet takes only text names)."""
    frame = frame.reset_index(drop=True)
    frame = frame.set_axis([str(i) for i in range(frame.shape[1])], axis=1)
    frame = frame.astype({c: frame[c].dtype.subtype for c in frame.columns
                          if isinstance(frame[c].dtype, pd.SparseDtype)})
    buffer = io.BytesIO()
    frame.to_parquet(buffer, engine="pyarrow", index=False)
    return buffer.getvalue()


def _frame_from_bytes(data, spec):
    """The table :func:`_frame_bytes` wrote, with its column names and dtypes."""
    frame = pd.read_parquet(io.BytesIO(data), engine="pyarrow")
    dtypes = [dtype_from_spec(d) for d in spec["dtypes"]]
    columns = {}
    for i, dtype in enumerate(dtypes):
        column = frame[str(i)]
        columns[i] = column if column.dtype == dtype else column.astype(dtype)
    frame = pd.concat(columns, axis=1) if columns else pd.DataFrame(index=frame.index)
    return frame.set_axis([untag(c) for c in spec["columns"]], axis=1)


def model_bytes(model):
    """``model`` (a Keras model) in Keras's native ``.keras`` format, as bytes: what a
    ``.ganaug`` archive stores, and what a pickled :class:`ganaug.GANAugmenter` holds
    in place of its Keras objects."""
    with tempfile.TemporaryDirectory() as tmp:
        model_file = Path(tmp) / "generator.keras"
        model.save(model_file)
        return model_file.read_bytes()


def model_from_bytes(data, source="the model"):
    """The Keras model that :func:`model_bytes` wrote, loaded with ``safe_mode=True``
    and uncompiled. Its custom layers must be registered (imported) first. A model
    that cannot be loaded raises a ``ValueError`` naming ``source``."""
    import keras

    with tempfile.TemporaryDirectory() as tmp:
        model_file = Path(tmp) / "generator.keras"
        model_file.write_bytes(data)
        try:
            return keras.saving.load_model(model_file, compile=False, safe_mode=True)
        except Exception as exc:  # noqa: BLE001  (Keras raises many types for a bad file)
            raise ValueError(f"{source}: the generator could not be loaded ({exc}).") from None


def _check_members(path, archive):
    """Refuse an archive whose members are not exactly the two of :data:`_MEMBERS` plus
    any number of training-row members (``rows/<name>.parquet`` or ``.npy``), or whose
    member is over its size limit."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    fixed = [n for n in names if not _ROW_MEMBER.fullmatch(n)]
    if sorted(fixed) != sorted(_MEMBERS) or len(set(names)) != len(names):
        raise ValueError(
            f"{str(path)!r} is not a ganaug model: expected exactly the members "
            f"{sorted(_MEMBERS)} (and training rows as rows/<name>.parquet or rows/<name>.npy). "
            f"Got {names!r} instead."
        )
    for info in infos:
        limit = _MEMBERS.get(info.filename, _ROW_LIMIT)
        if info.file_size > limit:
            raise ValueError(
                f"{str(path)!r}: member {info.filename!r} is {info.file_size} bytes, over "
                f"the limit of {limit}; refusing to load it."
            )


def read_archive(path):
    """Read a ``.ganaug`` file: ``(metadata, model)``.

    The model's custom layers must be registered (imported) before the call. Any
    problem with the file raises a ``ValueError`` that names it.
    """
    metadata, data = _checked_archive(path)
    return metadata, model_from_bytes(data, repr(str(path)))


def read_rows(path):
    """The training rows a ``.ganaug`` file holds, ``{name: DataFrame or ndarray}``
    (empty for a file saved without them), checked as :func:`read_archive` checks the
    file. Arrays are read with ``allow_pickle=False``; nothing is unpickled."""
    metadata, _ = _checked_archive(path)
    specs = metadata.get("rows") or {}
    out = {}
    with zipfile.ZipFile(path) as archive:
        names = {m.group(1): (m.group(0), m.group(2))
                 for m in map(_ROW_MEMBER.fullmatch, archive.namelist()) if m}
        if not isinstance(specs, dict) or set(names) != set(specs):
            raise ValueError(f"{str(path)!r}: the training-row members {sorted(names)} do not match "
                             f"the metadata's {sorted(specs) if isinstance(specs, dict) else specs!r}.")
        for name, (member, kind) in names.items():
            data = archive.read(member)
            try:
                if kind == "npy":
                    out[name] = np.load(io.BytesIO(data), allow_pickle=False)
                else:
                    out[name] = _frame_from_bytes(data, specs[name])
            except Exception as exc:  # noqa: BLE001  (NumPy, pyarrow and pandas raise many types)
                raise ValueError(f"{str(path)!r}: member {member!r} could not be read ({exc}).") from None
    return out


def read_metadata(path):
    """The metadata of a ``.ganaug`` file, checked as :func:`read_archive` checks it,
    without loading the generator: what the command line learns of a model file
    before Keras loads (a file that is no ganaug model is named at once)."""
    return _checked_archive(path)[0]


def _checked_archive(path):
    """``(metadata, generator bytes)`` of a ``.ganaug`` file, its members and format checked."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"Model file {str(path)!r} does not exist or is not a file.")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{str(path)!r} is not a ganaug model (expected a .ganaug zip archive).")
    with zipfile.ZipFile(path) as archive:
        _check_members(path, archive)
        try:
            metadata = json.loads(archive.read("metadata.json").decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{str(path)!r}: metadata.json is not valid JSON ({exc}).") from None
        data = archive.read("generator.keras")
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT_NAME:
        raise ValueError(f"{str(path)!r} is not a ganaug model (no ganaug metadata).")
    version = metadata.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ValueError(
            f"{str(path)!r} was saved in model format {version!r} by ganaug "
            f"{metadata.get('ganaug_version')}; this ganaug reads formats up to "
            f"{FORMAT_VERSION}. Upgrade ganaug to load it."
        )
    return metadata, data


def dtype_text(dtype):
    """A dtype as JSON text: ``"object"`` or NumPy's ``dtype.str``."""
    return "object" if dtype.kind == "O" else dtype.str


def param_value(value):
    """An estimator parameter as JSON; None for one that cannot be saved (a callable,
    a RandomState)."""
    if isinstance(value, dict):
        return {"dict": [[tag(k), v] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return {"list": [tag(v) for v in value]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return None


def param_from(value):
    """The parameter that :func:`param_value` wrote."""
    if isinstance(value, dict) and "dict" in value:
        return {untag(k): v for k, v in value["dict"]}
    if isinstance(value, dict) and "list" in value:
        return tuple(untag(v) for v in value["list"])
    return value
