"""save/load: a zip of a Keras-native generator and JSON metadata, never unpickled."""

import io
import json
import pickle
import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest

import ganaug
from ganaug import GANAugmenter
from ganaug.persistence import FORMAT_VERSION

from .conftest import ROOT, TINY, run_under_backend

# Also run under JAX and PyTorch by .ci/backends (marker `backends`).
pytestmark = pytest.mark.backends


def _penguins():
    from .conftest import ROOT

    frame = pd.read_csv(ROOT / "sample_data" / "penguins.csv")
    frame["island"] = frame["island"].astype("category")
    return frame.drop(columns="species"), frame["species"]


@pytest.fixture(scope="module")
def saved(tmp_path_factory, request):
    X, y = _penguins()
    aug = GANAugmenter(**TINY, random_state=0).fit(X, y)
    path = tmp_path_factory.mktemp("model") / "model.ganaug"
    aug.save(path)
    return aug, path


def test_round_trip_same_samples(saved, monkeypatch):
    aug, path = saved
    loaded = ganaug.load(path)
    assert loaded.shared_columns_ == aug.shared_columns_ != []
    # The loaded model holds no row hashes and no real rows to borrow shared columns
    # from or to recombine: compare like with like.
    monkeypatch.setattr(aug.model_, "real_rows", None)
    try:
        a, ya = aug.set_params(filter_copies=False).sample(200, random_state=5)
    finally:
        aug.set_params(filter_copies=True)
    with pytest.warns(UserWarning, match="saved without its training-row hashes"):
        with pytest.warns(UserWarning, match="shared columns .* come from the generator"):
            b, yb = loaded.sample(200, random_state=5)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    pd.testing.assert_series_equal(ya, yb)
    assert loaded.get_params() == aug.get_params()
    assert loaded.sampling_strategy_ == aug.sampling_strategy_
    assert a["island"].dtype == aug.encoder_.columns_[0].dtype


def test_numpy_model_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3)).astype(np.float32)
    y = np.array([0] * 45 + [1] * 15, dtype=np.int32)
    aug = GANAugmenter(**TINY, random_state=0).fit(X, y)
    aug.save(tmp_path / "m.ganaug")
    loaded = ganaug.load(tmp_path / "m.ganaug").set_params(filter_copies=False)
    X_new, y_new = loaded.sample(10, random_state=0)
    assert X_new.dtype == np.float32 and y_new.dtype == np.int32
    np.testing.assert_array_equal(X_new, aug.sample(10, random_state=0)[0])


def test_save_refuses_to_overwrite(saved):
    aug, path = saved
    with pytest.raises(FileExistsError, match="already exists"):
        aug.save(path)


def _rewrite(path, out, *, drop=(), add=None, metadata=None):
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            data = src.read(info.filename)
            if info.filename == "metadata.json" and metadata is not None:
                data = json.dumps(metadata(json.loads(data))).encode()
            dst.writestr(info.filename, data)
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return out


class _Boom:
    def __reduce__(self):
        return (print, ("pickle payload ran",))


def test_pickle_member_refused(saved, tmp_path, capsys):
    _, path = saved
    bad = _rewrite(path, tmp_path / "bad.ganaug", add={"estimator.pkl": pickle.dumps(_Boom())})
    with pytest.raises(ValueError, match="expected exactly the members"):
        ganaug.load(bad)
    assert "pickle payload ran" not in capsys.readouterr().out


def test_path_escape_refused(saved, tmp_path):
    _, path = saved
    bad = _rewrite(path, tmp_path / "bad.ganaug", drop={"generator.keras"},
                   add={"../generator.keras": b"x"})
    with pytest.raises(ValueError, match="expected exactly the members"):
        ganaug.load(bad)
    assert not (tmp_path.parent / "generator.keras").exists()


def test_oversized_member_refused(saved, tmp_path, monkeypatch):
    from ganaug import persistence

    _, path = saved
    monkeypatch.setitem(persistence._MEMBERS, "metadata.json", 100)
    with pytest.raises(ValueError, match="over the limit"):
        ganaug.load(path)


def test_newer_format_refused(saved, tmp_path):
    _, path = saved
    bad = _rewrite(path, tmp_path / "new.ganaug",
                   metadata=lambda m: {**m, "format_version": FORMAT_VERSION + 1})
    with pytest.raises(ValueError, match="Upgrade ganaug"):
        ganaug.load(bad)


def test_lambda_in_keras_config_refused_by_safe_mode(saved, tmp_path):
    import keras

    _, path = saved
    inp = keras.Input((3,))
    model = keras.Model(inp, keras.layers.Lambda(lambda t: t * 2)(inp))
    model.save(tmp_path / "lambda.keras")
    bad = _rewrite(path, tmp_path / "lambda.ganaug", drop={"generator.keras"},
                   add={"generator.keras": (tmp_path / "lambda.keras").read_bytes()})
    with pytest.raises(ValueError, match="could not be loaded"):
        ganaug.load(bad)


def test_not_a_model(tmp_path):
    (tmp_path / "x.ganaug").write_text("hello")
    with pytest.raises(ValueError, match="is not a ganaug model"):
        ganaug.load(tmp_path / "x.ganaug")
    with pytest.raises(ValueError, match="does not exist"):
        ganaug.load(tmp_path / "missing.ganaug")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("metadata.json", "{}")
        z.writestr("generator.keras", b"")
    (tmp_path / "empty.ganaug").write_bytes(buf.getvalue())
    with pytest.raises(ValueError, match="no ganaug metadata"):
        ganaug.load(tmp_path / "empty.ganaug")


# --------------------------------------------------------------- training rows
def _members(path):
    """Every member of the archive, decompressed, plus every base64 string in the JSON."""
    import base64
    import binascii

    with zipfile.ZipFile(path) as archive:
        blobs = [archive.read(name) for name in archive.namelist()]
        metadata = json.loads(archive.read("metadata.json"))

    def strings(node):
        if isinstance(node, dict):
            for value in node.values():
                yield from strings(value)
        elif isinstance(node, list):
            for value in node:
                yield from strings(value)
        elif isinstance(node, str):
            yield node

    for text in strings(metadata):
        try:
            blobs.append(base64.b64decode(text, validate=True))
        except (binascii.Error, ValueError):
            pass
    return blobs


def _row_hash_bytes(X):
    hashes = pd.util.hash_pandas_object(X, index=False).to_numpy()
    return [h.astype("<u8").tobytes() for h in hashes]


def test_saved_model_cannot_test_training_rows(saved):
    """No member, and no base64 string in the metadata, holds a training row's hash."""
    aug, path = saved
    X, _ = _penguins()
    blobs = _members(path)
    leaked = [h for h in _row_hash_bytes(X) if any(h in blob for blob in blobs)]
    assert leaked == []
    with zipfile.ZipFile(path) as archive:
        assert "train_row_hashes" not in json.loads(archive.read("metadata.json"))
    assert not hasattr(ganaug.load(path), "train_row_hashes_")
    # the in-memory model does hold them: the test would see them if they were saved
    assert len(aug.train_row_hashes_) > 0


def test_keep_copy_filter_is_opt_in(saved, tmp_path, monkeypatch):
    aug, _ = saved
    X, _ = _penguins()
    path = tmp_path / "with-hashes.ganaug"
    aug.save(path, keep_copy_filter=True)
    blobs = _members(path)
    assert any(h in blob for h in _row_hash_bytes(X) for blob in blobs)  # as documented
    loaded = ganaug.load(path)
    np.testing.assert_array_equal(loaded.train_row_hashes_, aug.train_row_hashes_)
    # a loaded model has no rows to borrow shared columns from, nor to recombine
    monkeypatch.setattr(aug.model_, "real_rows", None)
    a, _ = aug.sample(100, random_state=3)
    with pytest.warns(UserWarning, match="shared columns") as record:
        b, _ = loaded.sample(100, random_state=3)  # filters copies: no warning about hashes
    assert not any("hashes" in str(w.message) for w in record)
    pd.testing.assert_frame_equal(a, b)


def test_keep_training_rows_saves_the_row_hashes(saved, tmp_path):
    """keep_training_rows=True (the estimator's, read by save) keeps the row hashes, as
    keep_copy_filter=True does, and the rows themselves (tests/test_saved_rows.py); an
    explicit keep_copy_filter wins."""
    aug, _ = saved
    X, _ = _penguins()
    aug.set_params(keep_training_rows=True)
    try:
        aug.save(tmp_path / "kept.ganaug")
        aug.save(tmp_path / "without.ganaug", keep_copy_filter=False)
    finally:
        aug.set_params(keep_training_rows=False)
    blobs = _members(tmp_path / "kept.ganaug")
    assert any(h in blob for h in _row_hash_bytes(X) for blob in blobs)
    loaded = ganaug.load(tmp_path / "kept.ganaug")
    np.testing.assert_array_equal(loaded.train_row_hashes_, aug.train_row_hashes_)
    assert loaded.keep_training_rows is True
    assert loaded.model_.real_rows is not None
    assert not hasattr(ganaug.load(tmp_path / "without.ganaug"), "train_row_hashes_")


# Sample a saved model in a fresh process under a given Keras backend; print the rows as
# JSON (X as a frame or an array of images, the labels, and the output's digest).
_SAMPLE_UNDER = """
import json, sys, warnings
import numpy as np, pandas as pd
import ganaug
warnings.simplefilter("ignore")
from benchmarks.output_hashes import digest
X, y = ganaug.load(sys.argv[1]).sample(int(sys.argv[2]), random_state=1)
hashed = digest(X, y)
X = X.to_json(orient="split") if isinstance(X, pd.DataFrame) else np.asarray(X).tolist()
print(json.dumps({"X": X, "y": np.asarray(y).tolist(), "digest": hashed}))
"""


@pytest.mark.parametrize("name, n", [("table-0.1.0.ganaug", 200), ("image-0.1.0.ganaug", 40)])
def test_a_model_saved_by_version_0_1_0_loads_and_samples_as_it_did(name, n):
    """Files written by ganaug 0.1.0 (one module per estimator, before the stages had
    modules of their own) load, and sample exactly the rows 0.1.0 sampled from them
    (hashes recorded by 0.1.0 in tests/data/legacy_models.json, under TensorFlow).

    Under JAX or PyTorch (the CI's backend runs), the same noise goes through the same
    weights with another library's float32 kernels: the rows are those TensorFlow
    samples, up to float32 rounding, and TensorFlow's own rows still hash as 0.1.0's."""
    from benchmarks.output_hashes import digest

    from ganaug.nn.backend import tensorflow_backend

    expected = json.loads((ROOT / "tests" / "data" / "legacy_models.json").read_text())
    path = ROOT / "tests" / "data" / name
    loaded = ganaug.load(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a loaded model warns that it holds no rows
        X_new, y_new = loaded.sample(n, random_state=1)
    if tensorflow_backend():
        assert digest(X_new, y_new) == expected[name]
        return
    import importlib.util

    if importlib.util.find_spec("tensorflow") is None:
        pytest.skip("TensorFlow is not installed: nothing to compare this backend's rows with")
    theirs = run_under_backend(_SAMPLE_UNDER, "tensorflow", path, n)
    if isinstance(X_new, pd.DataFrame):
        X_tf = pd.read_json(io.StringIO(theirs["X"]), orient="split")
        numeric = X_new.select_dtypes("number").columns
        pd.testing.assert_frame_equal(X_new.drop(columns=numeric).reset_index(drop=True).astype(object),
                                      X_tf[X_new.columns].drop(columns=numeric).astype(object))
        pd.testing.assert_frame_equal(X_new[numeric].reset_index(drop=True), X_tf[numeric],
                                      rtol=1e-3, atol=1e-3, check_dtype=False)
    else:
        np.testing.assert_allclose(np.asarray(X_new, dtype=np.float64), np.asarray(theirs["X"]), rtol=0, atol=2.0)
    assert list(np.asarray(y_new)) == list(theirs["y"])
    assert theirs["digest"] == expected[name]  # and TensorFlow's rows are 0.1.0's
