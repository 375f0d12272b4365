"""Smoke test of benchmarks/compare.py: the protocol and the printed tables."""

import importlib.util
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def load_compare():
    spec = importlib.util.spec_from_file_location("compare", ROOT / "benchmarks" / "compare.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_imbalanced_cuts_only_the_non_majority_classes():
    compare = load_compare()
    y = pd.Series(["a"] * 50 + ["b"] * 30 + ["c"] * 3)
    X = pd.DataFrame({"x": np.arange(len(y))})
    X_imb, y_imb = compare.make_imbalanced(X, y, 10, np.random.default_rng(0))
    assert y_imb.value_counts().to_dict() == {"a": 50, "b": 5, "c": 3}
    assert X_imb["x"].is_monotonic_increasing  # original order kept


@pytest.mark.slow
def test_benchmark_prints_tables_ranks_and_losses(tmp_path, capsys):
    compare = load_compare()
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "species": np.repeat(["A", "B"], [60, 30]),
        "island": rng.choice(["x", "y"], 90),
        "mass": rng.normal(size=90),
    })
    frame.loc[3, "mass"] = np.nan
    path = tmp_path / "penguins.csv"
    frame.to_csv(path, index=False)
    compare.main(["--datasets", "iris,penguins", "--folds", "2", "--repeats", "1",
                  "--epochs", "1", "--ctgan-epochs", "1", "--penguins", str(path)])
    out = capsys.readouterr().out
    for heading in ("### iris, logreg", "### penguins, forest", "### Mean rank",
                    "### Where GANAugmenter loses"):
        assert heading in out
    for method in ("| none |", "| random |", "| smote |", "| ganaug |"):
        assert method in out
