"""Messages show labels and column names as the user wrote them: 2, not np.int64(2)."""

import re
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from ganaug import CollapseWarning, GANAugmenter
from ganaug.cli import ganaug
from ganaug.comparison import compare
from ganaug.display import shown
from ganaug.metrics import evaluate

from .conftest import ROOT, TINY

NUMPY_REPR = re.compile(r"np\.\w+\(")


@pytest.mark.parametrize("value, text", [
    (np.int64(2), "2"), (np.int32(-1), "-1"), (np.str_("rare"), "'rare'"),
    (np.float64(2.5), "2.5"), (np.bool_(True), "True"), ("rare", "'rare'"), (3, "3"),
])
def test_shown_is_the_python_repr(value, text):
    assert shown(value) == text


def _numbered_table(n_rare=10, seed=0):
    """Integer column names and integer labels, as from a NumPy array."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(30 + n_rare, 3)))
    y = np.array([0] * 30 + [2] * n_rare)
    return X, y


def test_collapse_warning_names_class_and_column_as_written(monkeypatch):
    import ganaug.tabular.variety

    real = ganaug.tabular.variety.collapsed_classes
    # every class counts as collapsed: the warning's text is what is tested
    monkeypatch.setattr(ganaug.tabular.variety, "collapsed_classes",
                        lambda variety: real(variety, threshold=2.0))
    X, y = _numbered_table()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        GANAugmenter(**TINY, random_state=0).fit(X, y)
    texts = [str(w.message) for w in caught if issubclass(w.category, CollapseWarning)]
    # only the class the fit grows is named: the majority gets no rows
    assert len(texts) == 1 and texts[0].startswith("The synthetic rows of class 2 "), texts
    assert all(re.search(r"column [0-2]: ", t) for t in texts), texts
    assert not any(NUMPY_REPR.search(t) for t in texts), texts


@pytest.mark.parametrize("y, message", [
    (np.array([2] * 40), "y has a single class (2);"),
    (np.array([0] * 37 + [2] * 3), "Class 2 has 3 row(s);"),
])
def test_compare_refusals_name_the_class_as_written(y, message):
    X, _ = _numbered_table()
    with pytest.raises(ValueError) as info:
        compare(X, y, arms=["none"], folds=5)
    assert message in str(info.value) and not NUMPY_REPR.search(str(info.value))


def test_compare_header_and_evaluate_notes_show_labels_as_written():
    X, y = _numbered_table()
    result = compare(X, y, classifier="logreg", arms=["none", "random"], folds=2, repeats=1)
    assert str(result).splitlines()[0].endswith("minority class 2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        scores = evaluate(X, y, X.iloc[:10], np.array([7] * 10), random_state=0)
    notes = scores["notes"]
    assert "Class 7 has synthetic rows but no real rows; not scored per class." in notes
    assert not any(NUMPY_REPR.search(n) for n in notes)


def test_cli_messages_show_integer_labels_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    frame = pd.read_csv(ROOT / "sample_data" / "penguins.csv")
    frame["species"] = frame["species"].map({"Adelie": 0, "Gentoo": 1, "Chinstrap": 2})
    frame.loc[frame.index[frame["species"] == 2][3:], "species"] = 0  # 3 rows of class 2
    frame.to_csv("p.csv", index=False)
    shutil.copy(ROOT / "tests" / "tiny.toml", "tiny.toml")
    runner = CliRunner()
    result = runner.invoke(ganaug, ["compare", "p.csv", "-t", "species", "--arms", "none",
                                    "--quiet"])
    assert result.exit_code == 1
    assert "Error: Class 2 has 3 row(s); 5-fold" in result.output
    frame.loc[frame.index[frame["species"] == 2][1:], "species"] = 0  # 1 row of class 2
    frame.to_csv("p.csv", index=False)
    result = runner.invoke(ganaug, ["augment", "p.csv", "-t", "species", "--recipe", "tiny.toml",
                                    "--quiet"])
    assert result.exit_code == 1
    assert "Error: Class 2 has 1 row;" in result.output
    assert not NUMPY_REPR.search(result.output)
