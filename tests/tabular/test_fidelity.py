"""ganaug.tabular.fidelity: the fidelity check and interpolation."""

import warnings

import numpy as np
import pandas as pd
import pytest

import ganaug
from ganaug import FidelityWarning, GANAugmenter
from ganaug.tabular.fidelity import FIDELITY_GAP, augmented_gap

from ..conftest import pockets


def test_a_class_in_pockets_that_the_gan_misses_is_interpolated(tiny, tmp_path):
    X, y, centres = pockets(120, 480)
    aug = GANAugmenter(**tiny, random_state=0)
    with pytest.warns(FidelityWarning, match="class 'rare' in that class.*made by interpolation") as caught:
        X_res, y_res = aug.fit_resample(X, y)
    assert aug.interpolated_classes_ == ["rare"]
    shares = aug.fidelity_["rare"]
    assert shares["real"] > 0.8 and shares["real"] - shares["synthetic"] > 0.25
    # What the warning is about, apart from its text (for a caller that gathers warnings)
    [warning] = [w.message for w in caught if isinstance(w.message, FidelityWarning)]
    assert (warning.label, warning.n_real, warning.n_rows) == ("rare", 120, 360)
    assert (warning.real, warning.synthetic) == (shares["real"], shares["synthetic"])
    new = X_res.iloc[len(X):][y_res[len(X):] == "rare"].to_numpy()
    assert len(new) == 480 - 120
    near = np.min(np.linalg.norm(new[:, None] - centres, axis=2), axis=1) < 0.45
    assert near.mean() > 0.9  # between neighbours of a disc, so inside it
    # A loaded model holds no real rows to interpolate between, and says so.
    aug.save(tmp_path / "pockets.ganaug")
    loaded = ganaug.load(tmp_path / "pockets.ganaug")
    assert loaded.interpolated_classes_ == ["rare"]
    with pytest.warns(UserWarning, match="class\\(es\\) 'rare' come from the generator"):
        loaded.sample(y={"rare": 10}, random_state=0)


def test_a_nearly_balanced_class_is_interpolated_without_a_warning(tiny):
    """285 rare rows in pockets beside 300 common ones: the GAN misses the pockets as
    it does with 120, and the class's 15 new rows are interpolated, but 15 rows beside
    285 real ones barely move the class, so nothing is said (issue 34)."""
    X, y, centres = pockets(285, 300)
    aug = GANAugmenter(**tiny, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FidelityWarning)
        X_res, _ = aug.fit_resample(X, y)
    assert aug.sampling_strategy_ == {"rare": 15}
    shares = aug.fidelity_["rare"]
    assert shares["real"] - shares["synthetic"] > FIDELITY_GAP  # the check failed ...
    assert augmented_gap(shares["real"], shares["synthetic"], 285, 15) < FIDELITY_GAP
    assert aug.interpolated_classes_ == ["rare"]  # ... and its rows are interpolated
    new = X_res.iloc[len(X):].to_numpy()
    assert len(new) == 15
    assert (np.min(np.linalg.norm(new[:, None] - centres, axis=2), axis=1) < 0.45).all()


def test_the_warning_weighs_the_gap_by_the_new_rows_share():
    assert augmented_gap(0.9, 0.3, n_real=100, n_new=100) == pytest.approx(0.3)
    assert augmented_gap(0.9, 0.3, n_real=100, n_new=0) == 0
    # the same gap warns for a class grown fourfold, not for one grown by a tenth
    assert augmented_gap(0.9, 0.5, n_real=100, n_new=300) > FIDELITY_GAP
    assert augmented_gap(0.9, 0.1, n_real=100, n_new=10) < FIDELITY_GAP


def test_generated_rows_only_are_kept_with_recombine_0(tiny):
    X, y, centres = pockets(120, 480)
    aug = GANAugmenter(**tiny, recombine=0.0, random_state=0)
    with pytest.warns(FidelityWarning, match="They are kept, as recombine=0"):
        X_res, y_res = aug.fit_resample(X, y)
    assert aug.interpolated_classes_ == [] and "rare" in aug.fidelity_
    new = X_res.iloc[len(X):].to_numpy()
    near = np.min(np.linalg.norm(new[:, None] - centres, axis=2), axis=1) < 0.45
    assert near.mean() < 0.5  # the generator's rows, not the discs'


def test_a_class_the_gan_places_well_is_generated(tiny):
    from sklearn.datasets import make_blobs

    X, y = make_blobs(n_samples=[480, 120], centers=[[0, 0], [5, 5]], random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FidelityWarning)
        aug = GANAugmenter(**tiny, random_state=0).fit(pd.DataFrame(X, columns=["a", "b"]), y)
    assert aug.interpolated_classes_ == []
    assert aug.fidelity_[1]["synthetic"] > 0.9
