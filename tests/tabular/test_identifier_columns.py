"""Identifier columns at fit and draw: left unmodelled, fresh values in synthetic rows,
ignored by the copy filter, said once, overridable, kept by save and load (issue 32, point 2)."""

import importlib.util
import warnings

import numpy as np
import pandas as pd
import pytest

from ganaug import GANAugmenter, load
from ganaug.exceptions import IdentifierWarning
from ganaug.tabular.identifiers import first_fresh, fresh_values

from ..conftest import ROOT, TINY, run_cli

IDS = ["Unnamed: 0", "id", "name"]


def _penguins_with_ids():
    """penguins.csv as R writes it (row names 1..n first, header-less), with an ``id``
    column (1000, 1001, ...) and a ``name`` column."""
    frame = pd.read_csv(ROOT / "sample_data" / "penguins.csv")
    n = len(frame)
    frame.insert(0, "Unnamed: 0", np.arange(1, n + 1))
    frame.insert(1, "id", np.arange(1000, 1000 + n))
    frame.insert(2, "name", [f"bird_{i}" for i in range(n)])
    return frame.drop(columns="species"), frame["species"]


def _fit_resample(X, y, **params):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        aug = GANAugmenter(**{**TINY, "random_state": 0, **params})
        X_res, y_res = aug.fit_resample(X, y)
    return aug, X_res, y_res, caught


@pytest.fixture(scope="module")
def fitted():
    X, y = _penguins_with_ids()
    aug, X_res, y_res, caught = _fit_resample(X, y)
    return X, y, aug, X_res, caught


def test_identifiers_are_not_modelled_and_get_fresh_values(fitted):
    X, y, aug, X_res, _ = fitted
    assert aug.encoder_.identifier_columns_ == IDS
    assert {c.name: c.kind for c in aug.encoder_.columns_ if c.name in IDS} == dict.fromkeys(IDS, "identifier")
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X)  # real rows unchanged
    synth = X_res.iloc[len(X):]
    assert len(synth) > 100
    for name, real_max in (("Unnamed: 0", len(X)), ("id", 999 + len(X))):
        assert synth[name].dtype == X[name].dtype
        # the real numbers have no gap: the synthetic rows take max + 1, max + 2, ...,
        # none twice and none a real one's
        assert sorted(synth[name]) == list(range(real_max + 1, real_max + 1 + len(synth)))
    # the real rows' id is their row name + 999: so is the synthetic rows'
    assert (synth["id"] - synth["Unnamed: 0"] == 999).all()
    assert synth["name"].isna().all()  # text identifiers stay empty, as before
    X_new, _ = aug.sample(5, random_state=1)
    assert X_new["id"].is_unique and not X_new["id"].isin(X["id"]).any()


def test_numeric_identifiers_fill_the_gaps_near_their_class():
    """With gaps between the real numbers (rows taken out, as in a training fold), the
    synthetic rows take free numbers inside the real range, near real rows of their
    class, so that an ID left in as a feature does not single out the synthetic rows;
    numbers past the largest real one would (before: all of them were)."""
    X, y = _penguins_with_ids()
    order = np.argsort(y.to_numpy(), kind="stable")  # ids grouped by species
    X, y = X.iloc[order].reset_index(drop=True), y.iloc[order].reset_index(drop=True)
    X["id"] = np.arange(1000, 1000 + len(X))
    keep = np.arange(len(X)) % 3 != 1  # a third of the numbers free
    X, y = X[keep].reset_index(drop=True), y[keep].reset_index(drop=True)
    X["row"] = X["id"] - 900  # a second identifier, tied to the first
    aug, X_res, y_res, _ = _fit_resample(X.drop(columns=["Unnamed: 0", "name"]), y)
    synth, synth_y = X_res.iloc[len(X):], y_res.iloc[len(X):]
    assert aug.encoder_.identifier_columns_ == ["id", "row"]
    assert (synth["id"] - synth["row"] == 900).all()  # still tied
    assert synth["id"].is_unique and not synth["id"].isin(X["id"]).any()
    assert synth["id"].dtype == X["id"].dtype
    # the gaps are filled first: inside the real range while they last, then all taken
    free = set(range(X["id"].min(), X["id"].max() + 1)) - set(X["id"])
    if len(free) >= len(synth):
        assert synth["id"].between(X["id"].min(), X["id"].max()).all()
    else:
        assert free <= set(synth["id"])
    # near the class: ids grouped by species stay so (Chinstrap's below Gentoo's)
    chinstrap, gentoo = (synth["id"][(synth_y == c).to_numpy()] for c in ("Chinstrap", "Gentoo"))
    assert len(chinstrap) and len(gentoo) and chinstrap.max() < gentoo.min()
    # the same seed gives the same numbers
    _, again, _, _ = _fit_resample(X.drop(columns=["Unnamed: 0", "name"]), y)
    pd.testing.assert_frame_equal(again, X_res)


def test_the_message_names_the_columns_once_and_says_how_to_override(fitted):
    *_, caught = fitted
    said = [w for w in caught if issubclass(w.category, IdentifierWarning)]
    assert len(said) == 1
    text = str(said[0].message)
    assert "'Unnamed: 0', 'id', 'name'" in text and "identifiers=None" in text
    assert said[0].message.columns == IDS
    assert not [w for w in caught if "hold a different value" in str(w.message) and w not in said]


def test_copy_filter_ignores_identifiers(fitted):
    X, y, aug, _, _ = fitted
    model = aug.model_
    real_draw = model.draw
    calls = []

    def draw(labels, rng, recombine=None):
        """The first draw's first rows copy real rows but for their ids; the rest, and
        the redraws, are the model's own."""
        first = not calls
        calls.append(len(labels))
        frame = real_draw(labels, rng, recombine)
        if first:
            rows = X.iloc[:5].reset_index(drop=True)
            rows["Unnamed: 0"] += 5000  # other ids (and no name): still copies
            rows["id"] += 5000
            rows["name"] = frame["name"].iloc[:5].to_numpy()
            frame = pd.concat([rows, frame.iloc[5:]], ignore_index=True)
        return frame

    model.draw = draw
    try:
        X_new, _ = aug.sample(20, random_state=3)
    finally:
        del model.draw
    assert aug.n_copies_dropped_ >= 5
    features = [c for c in X.columns if c not in IDS]
    real = set(map(tuple, X[features].astype(str).to_numpy()))
    assert not any(tuple(r) in real for r in X_new[features].astype(str).to_numpy())
    assert X_new["id"].is_unique and not X_new["id"].isin(X["id"]).any()


def test_identifiers_none_models_every_column():
    X, y = _penguins_with_ids()
    X = X.drop(columns="name")  # 296 one-row categories would only slow the test
    aug, X_res, _, caught = _fit_resample(X, y, identifiers=None)
    assert aug.encoder_.identifier_columns_ == []
    assert {c.kind for c in aug.encoder_.columns_ if c.name in ("Unnamed: 0", "id")} == {"numeric"}
    assert not [w for w in caught if issubclass(w.category, IdentifierWarning)]
    synth = X_res.iloc[len(X):]
    assert synth["id"].between(1000, 999 + len(X)).all()  # modelled: inside the real range
    # a list names the columns, and no warning is given then
    named, X_res, _, caught = _fit_resample(X, y, identifiers=["id"])
    assert named.encoder_.identifier_columns_ == ["id"]
    assert not [w for w in caught if issubclass(w.category, IdentifierWarning)]
    assert X_res["id"].iloc[len(X):].min() == 1000 + len(X)


def test_identifiers_are_validated():
    X, y = _penguins_with_ids()
    with pytest.raises(ValueError, match=r"identifiers names a column that is not in the data.*Got 'nope' instead"):
        GANAugmenter(**TINY, identifiers=["id", "nope"]).fit(X, y)
    with pytest.raises(ValueError, match="'identifiers' parameter"):
        GANAugmenter(**TINY, identifiers="id").fit(X, y)


def test_save_and_load_keep_the_setting_and_the_numbering(tmp_path):
    X, y = _penguins_with_ids()
    aug, *_ = _fit_resample(X.drop(columns="name"), y, identifiers=["id"])
    aug.save(tmp_path / "m.ganaug")
    loaded = load(tmp_path / "m.ganaug")
    assert tuple(loaded.identifiers) == ("id",)
    assert loaded.encoder_.identifier_columns_ == ["id"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        X_new, _ = loaded.sample(6, random_state=0)
    assert X_new["id"].tolist() == list(range(1000 + len(X), 1006 + len(X)))
    assert X_new["Unnamed: 0"].between(1, len(X)).all()  # modelled, as the fit was told


def test_fresh_values_keep_the_dtype_or_widen_it():
    assert first_fresh(pd.Series([250, 3], dtype="uint8")) == 251
    assert fresh_values(3, 251, np.dtype("uint8")).tolist() == [251, 252, 253]
    assert fresh_values(6, 251, np.dtype("uint8")).dtype == np.int64  # 256 does not fit
    assert fresh_values(2, 5, pd.Int64Dtype()).dtype == pd.Int64Dtype()
    assert fresh_values(2, 8, np.dtype("float64")).tolist() == [8.0, 9.0]


def test_cli_says_it_once_and_takes_identifiers(workdir):
    X, y = _penguins_with_ids()
    frame = X.assign(species=y)
    frame.to_csv("ids.csv", index=False)
    fast = ["--recipe", str(ROOT / "tests" / "tiny.toml"), "--seed", "0"]
    result = run_cli("augment", "ids.csv", "-t", "species", "-o", "o.csv", *fast)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "identify rows" in line]
    assert len(lines) == 1 and lines[0].startswith("Warning: Column(s) 'Unnamed: 0', 'id', 'name'")
    out = pd.read_csv("o.csv")
    synth = out.iloc[len(frame):]
    assert not synth["id"].isin(frame["id"]).any() and synth["id"].is_unique
    # none: every column modelled, no message; a column list: those only
    result = run_cli("fit", "ids.csv", "-t", "species", "-o", "m.ganaug", "--identifiers", "Unnamed: 0,id", *fast)
    assert result.exit_code == 0, result.output
    assert "identify rows" not in result.output
    assert load("m.ganaug").encoder_.identifier_columns_ == ["Unnamed: 0", "id"]
    if importlib.util.find_spec("dask") is not None:  # partitions number on from each other
        import ganaug.dask

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows = ganaug.dask.sample("m.ganaug", 40, npartitions=4, random_state=0).compute()
        assert rows["id"].tolist() == list(range(1000 + len(frame), 1040 + len(frame)))
    result = run_cli("augment", "ids.csv", "-t", "species", "-o", "n.csv", "--identifiers", "none",
                     "--quiet", *fast)
    assert result.exit_code == 0, result.output
    result = run_cli("augment", "ids.csv", "-t", "species", "-o", "x.csv", "--identifiers", "id,nope", *fast)
    assert result.exit_code == 2 and "--identifiers" in result.output and "Got 'nope' instead" in result.output
