"""Saving and loading a fitted GANAugmenter without pickle.

A ``.ganaug`` file is a zip archive of exactly two members:

- ``generator.keras``: the generator in Keras's native format, loaded with
  ``safe_mode=True`` (no Python lambdas are ever deserialised);
- ``metadata.json``: the format version, the estimator's parameters, classes and
  the encoder's fitted state as plain JSON: the tabular encoder's quantiles and
  categories (``"encoder"``), or the image encoder's shape, dtype and value range
  (``"image_encoder"``).

Loading checks the member names and sizes before reading anything, and never
unpickles.
"""

from __future__ import annotations

import base64
import binascii
import json
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["FORMAT_VERSION", "load", "save"]

FORMAT_NAME = "ganaug-model"
FORMAT_VERSION = 1
_MEMBERS = {"metadata.json": 64 * 2**20, "generator.keras": 2 * 2**30}


# ------------------------------------------------------------- tagged values
def _tag(value):
    """A JSON-safe ``[type, value]`` pair for a label, category or column name."""
    if isinstance(value, np.generic):
        value = value.item()
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


def _untag(pair):
    kind, value = pair
    if kind == "none":
        return None
    if kind == "float":
        return np.nan if value is None else float(value)
    return {"bool": bool, "int": int, "str": str}[kind](value)


def _dtype_spec(dtype):
    if isinstance(dtype, pd.CategoricalDtype):
        return {
            "category": [_tag(c) for c in dtype.categories],
            "ordered": bool(dtype.ordered),
        }
    return str(dtype)


def _dtype_from_spec(spec):
    if isinstance(spec, dict):
        return pd.CategoricalDtype([_untag(c) for c in spec["category"]], ordered=spec["ordered"])
    return pd.api.types.pandas_dtype(spec)


def _param_value(value):
    if isinstance(value, dict):
        return {"dict": [[_tag(k), v] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return {"list": [_tag(v) for v in value]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return None  # a callable strategy or a RandomState cannot be saved; see "dropped"


def _param_from(value):
    if isinstance(value, dict) and "dict" in value:
        return {_untag(k): v for k, v in value["dict"]}
    if isinstance(value, dict) and "list" in value:
        return tuple(_untag(v) for v in value["list"])
    return value


# -------------------------------------------------------------------- encoder
def _encoder_state(encoder):
    columns = []
    for col in encoder.columns_:
        state = {
            "name": _tag(col.name),
            "kind": col.kind,
            "dtype": _dtype_spec(col.dtype),
            "integral": col.integral,
            "has_missing": col.has_missing,
            "spans": [list(span) for span in col.spans],
        }
        if col.kind == "categorical":
            state["categories"] = [_tag(c) for c in col.transformer.categories_[0]]
        elif col.transformer is not None:
            state["quantiles"] = col.transformer.quantiles_.ravel().tolist()
            state["references"] = col.transformer.references_.tolist()
        columns.append(state)
    return {"categorical_features": _param_value(encoder.categorical_features), "columns": columns}


def _encoder_from_state(state):
    from sklearn.preprocessing import OneHotEncoder, QuantileTransformer

    from ganaug.tabular import Span, TabularEncoder, _Column

    encoder = TabularEncoder(_param_from(state["categorical_features"]))
    encoder.columns_ = []
    for cs in state["columns"]:
        col = _Column(
            name=_untag(cs["name"]),
            kind=cs["kind"],
            dtype=_dtype_from_spec(cs["dtype"]),
            integral=cs["integral"],
            has_missing=cs["has_missing"],
            spans=[Span(kind, int(width)) for kind, width in cs["spans"]],
        )
        if col.kind == "categorical":
            categories = np.array([_untag(c) for c in cs["categories"]], dtype=object)
            col.transformer = OneHotEncoder(
                sparse_output=False, handle_unknown="ignore", dtype=np.float32
            ).fit(categories.reshape(-1, 1))
        elif "quantiles" in cs:
            quantiles = np.asarray(cs["quantiles"], dtype=np.float64).reshape(-1, 1)
            qt = QuantileTransformer(
                n_quantiles=len(quantiles), output_distribution="normal", subsample=None
            )
            qt.quantiles_ = quantiles
            qt.references_ = np.asarray(cs["references"], dtype=np.float64)
            qt.n_features_in_ = 1
            col.transformer = qt
        encoder.columns_.append(col)
    encoder._finish()
    return encoder


def _any_encoder_state(encoder):
    """``{"encoder": ...}`` for tables, ``{"image_encoder": ...}`` for images."""
    if hasattr(encoder, "canvas_shape_"):
        return {"image_encoder": encoder.get_state()}
    return {"encoder": _encoder_state(encoder)}


def _any_encoder_from(metadata):
    if "image_encoder" in metadata:
        from ganaug.images import ImageEncoder

        return ImageEncoder.from_state(metadata["image_encoder"])
    return _encoder_from_state(metadata["encoder"])


# ------------------------------------------------------------------ save/load
def save(augmenter, path, *, force=False):
    """Write a fitted ``GANAugmenter`` to ``path`` as one ``.ganaug`` archive, atomically."""
    from sklearn.utils.validation import check_is_fitted

    from ganaug import __version__
    from ganaug.io import atomic_path

    check_is_fitted(augmenter, "generator_")
    params = augmenter.get_params()
    dropped = sorted(k for k, v in params.items() if v is not None and _param_value(v) is None)
    metadata = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "ganaug_version": __version__,
        "params": {k: _param_value(v) for k, v in params.items()},
        "dropped_params": dropped,
        "classes": [_tag(c) for c in augmenter.classes_],
        "classes_dtype": augmenter.classes_.dtype.str if augmenter.classes_.dtype.kind != "O" else "object",
        "sampling_strategy": [[_tag(k), int(v)] for k, v in augmenter.sampling_strategy_.items()],
        "n_features_in": int(augmenter.n_features_in_),
        "feature_names_in": list(getattr(augmenter, "feature_names_in_", [])) or None,
        "input_dtype": None if augmenter.input_dtype_ is None else augmenter.input_dtype_.str
        if augmenter.input_dtype_.kind != "O" else "object",
        "target_name": _tag(augmenter.target_name_),
        "history": augmenter.history_,
        "train_row_hashes": None
        if getattr(augmenter, "train_row_hashes_", None) is None
        else base64.b64encode(augmenter.train_row_hashes_.astype("<u8").tobytes()).decode("ascii"),
        **_any_encoder_state(augmenter.encoder_),
    }
    with tempfile.TemporaryDirectory() as tmp:
        model_file = Path(tmp) / "generator.keras"
        augmenter.generator_.save(model_file)
        with atomic_path(path, force=force) as out:
            with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("metadata.json", json.dumps(metadata))
                archive.write(model_file, "generator.keras")


def _read_archive(path):
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"Model file {str(path)!r} does not exist or is not a file.")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{str(path)!r} is not a ganaug model (expected a .ganaug zip archive).")
    with zipfile.ZipFile(path) as archive:
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
        try:
            metadata = json.loads(archive.read("metadata.json").decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{str(path)!r}: metadata.json is not valid JSON ({exc}).") from None
        generator_bytes = archive.read("generator.keras")
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT_NAME:
        raise ValueError(f"{str(path)!r} is not a ganaug model (no ganaug metadata).")
    version = metadata.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ValueError(
            f"{str(path)!r} was saved in model format {version!r} by ganaug "
            f"{metadata.get('ganaug_version')}; this ganaug reads formats up to "
            f"{FORMAT_VERSION}. Upgrade ganaug to load it."
        )
    return metadata, generator_bytes


def load(path):
    """Load a ``GANAugmenter`` saved with :meth:`GANAugmenter.save`.

    Examples
    --------
    >>> import ganaug
    >>> aug = ganaug.load("model.ganaug")  # doctest: +SKIP
    >>> X_new, y_new = aug.sample(100)  # doctest: +SKIP
    """
    import keras

    from ganaug import networks  # noqa: F401  (registers the custom layers)
    from ganaug.augmenter import GANAugmenter

    metadata, generator_bytes = _read_archive(path)
    try:
        params = {k: _param_from(v) for k, v in metadata["params"].items()}
        for name in metadata.get("dropped_params", []):
            params.pop(name, None)
        known = set(GANAugmenter().get_params())
        aug = GANAugmenter(**{k: v for k, v in params.items() if k in known})
        classes = [_untag(c) for c in metadata["classes"]]
        aug.classes_ = np.array(classes, dtype=np.dtype(metadata["classes_dtype"]))
        aug.sampling_strategy_ = {_untag(k): v for k, v in metadata["sampling_strategy"]}
        aug.n_features_in_ = metadata["n_features_in"]
        if metadata["feature_names_in"] is not None:
            aug.feature_names_in_ = np.array(metadata["feature_names_in"], dtype=object)
        input_dtype = metadata["input_dtype"]
        aug.input_dtype_ = None if input_dtype is None else np.dtype(input_dtype)
        aug.target_name_ = _untag(metadata["target_name"])
        aug.history_ = metadata["history"]
        if metadata.get("train_row_hashes") is not None:
            aug.train_row_hashes_ = np.frombuffer(
                base64.b64decode(metadata["train_row_hashes"], validate=True), dtype="<u8"
            ).astype(np.uint64)
        aug.encoder_ = _any_encoder_from(metadata)
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise ValueError(f"{str(path)!r}: the model metadata is incomplete or invalid ({exc}).") from None
    with tempfile.TemporaryDirectory() as tmp:
        model_file = Path(tmp) / "generator.keras"
        model_file.write_bytes(generator_bytes)
        try:
            aug.generator_ = keras.saving.load_model(model_file, compile=False, safe_mode=True)
        except Exception as exc:  # Keras raises many types for a bad file
            raise ValueError(f"{str(path)!r}: the generator could not be loaded ({exc}).") from None
    return aug
