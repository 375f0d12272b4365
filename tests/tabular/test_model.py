"""ganaug.tabular.model: a table fit runs each stage once, in order."""

import warnings

import pandas as pd

from ganaug import GANAugmenter
from ganaug.tabular import model as table_model

from ..conftest import TINY

# The stages of a table fit, in the order the module docstring gives, as the names
# under which ganaug.tabular.model calls them.
STAGES = [
    "TabularEncoder", "copy_hashes", "choose_shared_columns", "fit_label_judge", "train_table_gan",
    "fit_calibration", "check_fidelity", "check_variety",
]


def test_a_fit_enters_each_stage_once_in_order(penguins, monkeypatch):
    X, y = penguins
    calls = []
    for name in STAGES:
        stage = getattr(table_model, name)

        def recorded(*args, _stage=stage, _name=name, **kwargs):
            calls.append(_name)
            return _stage(*args, **kwargs)

        monkeypatch.setattr(table_model, name, recorded)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        aug = GANAugmenter(**TINY, random_state=0).fit(X, y)
    assert calls == STAGES
    # and a draw goes through the model's stages without fitting any again
    calls.clear()
    X_new, _ = aug.sample(30, random_state=1)
    assert len(X_new) == 30 and isinstance(X_new, pd.DataFrame)
    assert "TabularEncoder" not in calls and "train_table_gan" not in calls
