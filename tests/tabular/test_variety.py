"""ganaug.tabular.variety and ganaug.diagnostics: per-class variety and the collapse warning."""

import warnings

import numpy as np
import pandas as pd
import pytest

from ganaug import CollapseWarning, GANAugmenter
from ganaug.diagnostics import class_variety, collapsed_classes
from ganaug.tabular.model import TableModel

from .conftest import _table  # noqa: E402


def test_class_variety_sees_a_collapse_and_a_match():
    frame, y = _table()
    same = class_variety(frame, y, frame, y)
    assert np.allclose(same["ratio"], 1.0)
    assert collapsed_classes(same) == {}
    one_row = frame[y == "small"].iloc[[0] * 30]
    v = class_variety(frame, y, one_row, ["small"] * 30, columns=["x", "k", "c"])
    assert set(v["class"]) == {"small"}
    assert v.set_index("column")["kind"].to_dict() == {"x": "numeric", "k": "levels", "c": "categorical"}
    (score, column, ratio), = collapsed_classes(v).values()
    # x does not vary; k keeps 1 of its 5 levels, c 1 of 4
    assert score < 0.2 and (column, ratio) == ("x", 0.0)


def test_a_flag_is_judged_by_its_levels_not_its_spread():
    """A 0/1 column's interquartile range is 1 with 30 % ones and 0 with 20 %: by levels,
    synthetic rows with 20 % ones keep most of the real variety, rows with none lose it."""
    real = pd.DataFrame({"flag": [1] * 30 + [0] * 70})
    some = pd.DataFrame({"flag": [1] * 20 + [0] * 80})
    v = class_variety(real, [0] * 100, some, [0] * 100)
    assert v["kind"].tolist() == ["levels"] and 0.8 < v["ratio"].iloc[0] < 1.0
    assert collapsed_classes(v) == {}
    none = class_variety(real, [0] * 100, some.assign(flag=0), [0] * 100)
    assert none["ratio"].iloc[0] == pytest.approx(1 / 1.842, abs=0.001)  # 1 level of exp(entropy)


def test_a_collapsed_fit_says_so(tiny, monkeypatch):
    frame, y = _table()
    frame = frame.drop(columns="name")
    aug = GANAugmenter(**tiny, random_state=0)
    real_draw = TableModel.draw

    def collapsed(self, labels, rng, **kwargs):  # every row a copy of the first generated one
        rows = real_draw(self, labels, rng, **kwargs)
        return rows.iloc[[0] * len(rows)].reset_index(drop=True)

    monkeypatch.setattr(TableModel, "draw", collapsed)
    with pytest.warns(CollapseWarning, match="class 'small' are far less varied") as caught:
        aug.fit(frame, y)
    assert set(aug.variety_["class"]) == {"big", "small"}
    assert collapsed_classes(aug.variety_).keys() == {"big", "small"}
    # 'big', which the fit does not grow, is measured but not warned about
    assert not [w for w in caught if "'big'" in str(w.message)]
    # what the warning says, apart from its text (for a caller that gathers warnings)
    [warning] = [w.message for w in caught if isinstance(w.message, CollapseWarning)]
    score, column, ratio = collapsed_classes(aug.variety_)["small"]
    assert (warning.label, warning.n_rows) == ("small", aug.sampling_strategy_["small"])
    assert (warning.variety, warning.column, warning.column_variety) == (score, column, ratio)


def test_a_healthy_fit_keeps_quiet(tiny):
    frame, y = _table()
    frame = frame.drop(columns="name")
    with warnings.catch_warnings():
        warnings.simplefilter("error", CollapseWarning)
        aug = GANAugmenter(**{**tiny, "epochs": 20}, random_state=0).fit(frame, y)
    assert set(aug.variety_["class"]) == {"big", "small"}
    assert collapsed_classes(aug.variety_) == {}
