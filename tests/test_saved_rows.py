"""save(keep_training_rows=True): the file holds the training rows (Parquet, .npy, never a
pickle), and the loaded model samples exactly the rows the fitted model samples."""

import json
import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import ganaug
from ganaug import GANAugmenter
from ganaug.cli import ganaug as cli

from .conftest import ROOT, TINY, pockets


def _penguins():
    frame = pd.read_csv(ROOT / "sample_data" / "penguins.csv")
    frame["island"] = frame["island"].astype("category")
    return frame.drop(columns="species"), frame["species"]


@pytest.fixture(scope="module")
def fitted():
    X, y = _penguins()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return GANAugmenter(**TINY, random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def kept(fitted, tmp_path_factory):
    path = tmp_path_factory.mktemp("rows") / "kept.ganaug"
    fitted.save(path, keep_training_rows=True)
    return path


def test_a_model_saved_with_its_rows_samples_exactly_as_the_fitted_one(fitted, kept):
    assert fitted.shared_columns_  # so that the fitted model recombines and lends real rows
    loaded = ganaug.load(kept)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # no "holds no training rows", no "hashes"
        b, yb = loaded.sample(300, random_state=4)
    a, ya = fitted.sample(300, random_state=4)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    pd.testing.assert_series_equal(ya, yb)


def test_without_rows_the_loaded_model_warns_and_names_the_option(fitted, tmp_path):
    fitted.save(tmp_path / "plain.ganaug")
    with zipfile.ZipFile(tmp_path / "plain.ganaug") as archive:
        assert sorted(archive.namelist()) == ["generator.keras", "metadata.json"]
        assert json.loads(archive.read("metadata.json"))["format_version"] == 1  # as 0.1.0 wrote
    with pytest.warns(UserWarning, match="holds no training rows.*keep_training_rows=True.*verbatim"):
        ganaug.load(tmp_path / "plain.ganaug").sample(50, random_state=0)


def test_the_archive_with_rows_holds_no_pickle(fitted, kept):
    """Parquet and .npy members only, each readable without unpickling; the rows in
    them are the training rows, verbatim (the privacy cost the docs state)."""
    import pyarrow.parquet as pq

    with zipfile.ZipFile(kept) as archive:
        names = sorted(archive.namelist())
        blobs = {name: archive.read(name) for name in names}
    assert names == ["generator.keras", "metadata.json", "rows/frame.parquet", "rows/labels.npy"]
    assert json.loads(blobs["metadata.json"])["format_version"] == 2
    for blob in blobs.values():
        assert b"\x80\x04\x95" not in blob and b"\x80\x05\x95" not in blob  # pickle protocol 4/5 frames
    import io

    np.load(io.BytesIO(blobs["rows/labels.npy"]), allow_pickle=False)
    table = pq.read_table(io.BytesIO(blobs["rows/frame.parquet"])).to_pandas()
    X, _ = _penguins()
    np.testing.assert_array_equal(table.iloc[:, 2].to_numpy(), X["bill_depth_mm"].to_numpy())


def test_unknown_members_are_still_refused(kept, tmp_path):
    def rewrite(out, add):
        with zipfile.ZipFile(kept) as src, zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                dst.writestr(info.filename, src.read(info.filename))
            for name, data in add.items():
                dst.writestr(name, data)
        return out

    for name in ("rows/frame.pkl", "rows/../x.npy", "estimator.pkl", "rows/sub/x.npy"):
        with pytest.raises(ValueError, match="expected exactly the members"):
            ganaug.load(rewrite(tmp_path / "bad.ganaug", {name: b"x"}))
    # a well-named member that the metadata does not list
    with pytest.raises(ValueError, match="do not match the metadata"):
        ganaug.load(rewrite(tmp_path / "extra.ganaug", {"rows/extra.npy": b"x"}))
    # an .npy that would need unpickling
    import io

    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with zipfile.ZipFile(kept) as src, zipfile.ZipFile(tmp_path / "obj.ganaug", "w") as dst:
        for info in src.infolist():
            data = buffer.getvalue() if info.filename == "rows/labels.npy" else src.read(info.filename)
            dst.writestr(info.filename, data)
    with pytest.raises(ValueError, match="rows/labels.npy.*could not be read"):
        ganaug.load(tmp_path / "obj.ganaug")


def test_rows_that_parquet_cannot_hold_as_they_are_are_named(fitted, tmp_path):
    from ganaug import persistence

    mixed = pd.DataFrame({"mixed": pd.Series([1, "a", 2.5], dtype=object)})
    with pytest.raises(ValueError, match="Column .mixed. of the training rows"):
        persistence.write_archive(tmp_path / "m.ganaug", {}, fitted.generator_, rows={"frame": mixed})
    assert not (tmp_path / "m.ganaug").exists()


def test_interpolated_classes_are_interpolated_after_loading_too(tiny, tmp_path):
    X, y, _ = pockets(120, 480)
    aug = GANAugmenter(**tiny, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        aug.fit(X, y)
    assert aug.interpolated_classes_ == ["rare"]
    aug.save(tmp_path / "pockets.ganaug", keep_training_rows=True)
    with zipfile.ZipFile(tmp_path / "pockets.ganaug") as archive:
        assert "rows/neighbours-1-rows.npy" in archive.namelist()
    loaded = ganaug.load(tmp_path / "pockets.ganaug")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        b, _ = loaded.sample(y={"rare": 40}, random_state=2)
    a, _ = aug.sample(y={"rare": 40}, random_state=2)
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_an_image_model_saved_with_its_images_warps_them_as_the_fitted_one(tmp_path):
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, size=(24, 8, 8), dtype=np.uint8)
    aug = GANAugmenter(**{**TINY, "epochs": 1}, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        aug.fit(images, np.repeat([0, 1], [16, 8]))
    aug.save(tmp_path / "images.ganaug", keep_training_rows=True)
    aug.save(tmp_path / "plain.ganaug")
    loaded = ganaug.load(tmp_path / "images.ganaug")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        b, yb = loaded.sample(10, random_state=3)
    a, ya = aug.sample(10, random_state=3)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ya, yb)
    with pytest.warns(UserWarning, match="no training images.*keep-training-rows"):
        ganaug.load(tmp_path / "plain.ganaug").sample(4, random_state=3)


def test_keep_training_rows_on_a_model_without_rows_says_so(kept, tmp_path):
    loaded = ganaug.load(kept)
    plain = tmp_path / "plain.ganaug"
    loaded.save(plain, keep_training_rows=False)
    with pytest.warns(UserWarning, match="holds no training rows"):
        ganaug.load(plain).save(tmp_path / "again.ganaug", keep_training_rows=True)


def test_cli_keep_training_rows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    X, y = _penguins()
    X.assign(species=y).to_csv("p.csv", index=False)
    (tmp_path / "tiny.toml").write_text((ROOT / "tests" / "tiny.toml").read_text())
    runner = CliRunner()
    result = runner.invoke(cli, ["fit", "p.csv", "-t", "species", "-o", "m.ganaug", "--recipe", "tiny.toml",
                                 "--seed", "0", "--keep-training-rows"])
    assert result.exit_code == 0, result.output
    assert "holds the training rows verbatim" in result.output
    with zipfile.ZipFile("m.ganaug") as archive:
        assert "rows/frame.parquet" in archive.namelist()
        assert "train_row_hashes" in json.loads(archive.read("metadata.json"))
    result = runner.invoke(cli, ["sample", "m.ganaug", "-n", "20", "-o", "s.csv"])
    assert result.exit_code == 0, result.output
    assert "holds no training rows" not in result.output and "saved without" not in result.output
    result = runner.invoke(cli, ["augment", "p.csv", "-t", "species", "--keep-training-rows"])
    assert result.exit_code == 2 and "--save-model" in result.output
    assert "--keep-training-rows" in runner.invoke(cli, ["fit", "--help"]).output
    assert "verbatim" in runner.invoke(cli, ["augment-images", "--help"]).output
