"""The ``.ganaug`` archive format: one Keras model and JSON metadata, never pickled.

A ``.ganaug`` file is a zip archive of exactly two members:

- ``generator.keras``: a Keras model in Keras's native format, loaded with
  ``safe_mode=True`` (no Python lambdas are ever deserialised);
- ``metadata.json``: the format name and version, the ganaug version that wrote it,
  and whatever plain-JSON state the caller hands over.

Reading checks the member names and sizes before reading anything, and never
unpickles. This module knows nothing about estimators or encoders: they turn their
own state into JSON (with :func:`tag` for labels, categories and column names) and
back; :meth:`ganaug.GANAugmenter.save` and :func:`ganaug.load` are built on
:func:`write_archive` and :func:`read_archive`. A pickled ``GANAugmenter`` holds its
generator as the same Keras-native bytes (:func:`model_bytes`, :func:`model_from_bytes`).
"""

from __future__ import annotations

import json
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
    "tag",
    "untag",
    "write_archive",
]

FORMAT_NAME = "ganaug-model"
FORMAT_VERSION = 1
_MEMBERS = {"metadata.json": 64 * 2**20, "generator.keras": 2 * 2**30}


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
def write_archive(path, metadata, model, *, force=False):
    """Write ``model`` (a Keras model) and ``metadata`` (a JSON-safe dict) to ``path``.

    The file is written whole or not at all (see :func:`ganaug.io.atomic_path`); an
    existing ``path`` needs ``force=True``. The format name and version and the
    ganaug version are added to the metadata.
    """
    from ganaug import __version__
    from ganaug.io import atomic_path

    header = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "ganaug_version": __version__}
    text = json.dumps({**header, **metadata})
    data = model_bytes(model)
    with (atomic_path(path, force=force) as out,
          zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive):
        archive.writestr("metadata.json", text)
        archive.writestr("generator.keras", data)


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
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if sorted(names) != sorted(_MEMBERS):
        raise ValueError(
            f"{str(path)!r} is not a ganaug model: expected exactly the members "
            f"{sorted(_MEMBERS)}. Got {names!r} instead."
        )
    for info in infos:
        if info.file_size > _MEMBERS[info.filename]:
            raise ValueError(
                f"{str(path)!r}: member {info.filename!r} is {info.file_size} bytes, over "
                f"the limit of {_MEMBERS[info.filename]}; refusing to load it."
            )


def read_archive(path):
    """Read a ``.ganaug`` file: ``(metadata, model)``.

    The model's custom layers must be registered (imported) before the call. Any
    problem with the file raises a ``ValueError`` that names it.
    """
    metadata, data = _checked_archive(path)
    return metadata, model_from_bytes(data, repr(str(path)))


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
