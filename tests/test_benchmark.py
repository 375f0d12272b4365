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


def test_benchmark_is_built_on_cross_validate_arms():
    """The same folds, cut and scores as ganaug.comparison: one implementation."""
    from ganaug.comparison import cross_validate_arms

    compare = load_compare()
    args = compare.parse_args(["--datasets", "iris", "--methods", "none,random,smote",
                               "--folds", "2", "--repeats", "1"])
    rows = compare.run(args)
    X, y = compare.load_dataset("iris", args.penguins)
    direct = pd.DataFrame(cross_validate_arms(
        X, y, classifiers=("logreg", "forest"), arms=["none", "random", "smote"], folds=2,
        repeats=1, random_state=0, imbalance_ratio=10))
    assert len(rows) == len(direct) == 2 * 3 * 2
    np.testing.assert_array_equal(rows["f1_macro"], direct["macro_f1"])
    np.testing.assert_array_equal(rows["g_mean"], direct["g_mean"])
    assert list(rows["method"].unique()) == ["none", "random", "smote"]


def test_ctgan_arm_gets_imputed_training_folds(monkeypatch):
    """The CTGAN arm, with a stand-in for the ctgan package (not installed in the tests)."""
    import sys
    import types

    from ganaug.comparison import cross_validate_arms

    seen = []

    class FakeCTGAN:
        def __init__(self, epochs, verbose):
            self.epochs = epochs

        def set_random_state(self, seed):
            self.seed = seed

        def fit(self, data, discrete_columns):
            seen.append((data.isna().sum().sum(), sorted(discrete_columns), self.seed))
            self.data = data

        def sample(self, n, condition_column, condition_value):
            rows = self.data[self.data[condition_column] == condition_value]
            return rows.sample(n, replace=True, random_state=0)

    monkeypatch.setitem(sys.modules, "ctgan", types.SimpleNamespace(CTGAN=FakeCTGAN))
    compare = load_compare()
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"mass": rng.normal(size=90), "island": rng.choice(["x", "y"], 90)})
    X.loc[[3, 50], "mass"] = np.nan
    y = pd.Series(np.repeat(["A", "B"], [60, 30]))
    records = list(cross_validate_arms(
        X, y, classifiers="logreg", arms=[("ctgan", compare.CTGANSampler(epochs=3))], folds=2,
        repeats=1, random_state=0, imbalance_ratio=10))
    assert len(records) == 2 and len(seen) == 2
    assert all(missing == 0 for missing, _, _ in seen)  # imputed on the training fold
    assert seen[0][1] == ["__label__", "island"] and seen[0][2] != seen[1][2]  # seeded per fold


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


class _Recorder:
    """A sampler that records the training rows and the random_state it was given."""

    seen = []

    def __init__(self, random_state=None):
        self.random_state = random_state

    def get_params(self, deep=True):
        return {"random_state": self.random_state}

    def set_params(self, **params):
        self.random_state = params.get("random_state", self.random_state)
        return self

    def fit_resample(self, X, y):
        _Recorder.seen.append((X["row"].to_numpy(), self.random_state))
        return X, y


def test_fidelity_scan_fits_the_benchmarks_training_folds():
    """benchmarks/fidelity_scan.py says which classes the devsuite's ganaug arm
    interpolated: it must fit on the very rows and seed that arm is given."""
    from ganaug.comparison import _fold_seed, cross_validate_arms

    spec = importlib.util.spec_from_file_location("fidelity_scan", ROOT / "benchmarks" / "fidelity_scan.py")
    scan = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scan)
    rng = np.random.default_rng(0)
    y = pd.Series(np.repeat([0, 1, 2], [120, 50, 30]))
    X = pd.DataFrame({"row": np.arange(len(y)), "x": rng.normal(size=len(y))})
    _Recorder.seen = []
    list(cross_validate_arms(X, y, classifiers=("logreg",), arms=[("rec", _Recorder())], folds=5,
                             repeats=2, random_state=3, imbalance_ratio=10))
    expected = list(scan._protocol_folds(y, 5, 2, 3, 10.0))
    assert len(_Recorder.seen) == len(expected) == 10
    for (rows, seed), (fold, train, _) in zip(_Recorder.seen, expected):
        np.testing.assert_array_equal(rows, train)
        assert seed == _fold_seed(3, fold)


def test_image_benchmark_warps_keep_the_grain_when_asked():
    """benchmarks/images_downstream.py's hand-set warps: bilinear ones smooth away the
    pixel noise of noisy images; with ``grain`` they keep its strength, and a zero map
    (no rotation, scale, shear or shift) gives every image back either way."""
    from scipy import ndimage

    spec = importlib.util.spec_from_file_location("images_downstream", ROOT / "benchmarks" / "images_downstream.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rng = np.random.default_rng(0)
    X = np.clip(rng.normal(128, 40, (8, 32, 32, 3)), 0, 255).astype(np.uint8)

    def energy(A):
        return np.mean([np.abs(ndimage.laplace(a[..., c].astype(float))).mean() for a in A for c in range(3)])

    smooth = bench.random_warps(X, np.random.default_rng(1))
    grainy = bench.random_warps(X, np.random.default_rng(1), grain=1.0)
    assert energy(smooth) < 0.8 * energy(X) < energy(grainy)
    for grain in (0.0, 1.0):
        still = bench.random_warps(X, np.random.default_rng(1), rotation=0, scale=0, shear=0, shift=0, grain=grain)
        np.testing.assert_array_equal(still, X)


def test_image_variety_over_seeds_counts_each_seed_and_the_mean():
    """benchmarks/image_variety_seeds.py's table: per seed, the class-folds within 0.1 by
    recall; per class-fold, the gap averaged over the seeds; and every class-fold that
    misses under some seed, listed with its gap under each (records as read back from
    its JSON-lines file, class numbers as text)."""
    import contextlib
    import io

    spec = importlib.util.spec_from_file_location("image_variety_seeds", ROOT / "benchmarks" / "image_variety_seeds.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)

    def record(fold, s, recall, agreement):
        return {"set": "digits8", "repeat": 0, "fold": fold, "seed_number": s, "seconds": 10.0 + s,
                "quality": {"agreement": agreement, "recall_gap": recall,
                            "coverage_gap": {c: g - 0.1 for c, g in recall.items()}}}

    records = [
        record(0, 0, {"1": -0.12, "2": 0.02}, 0.95),
        record(0, 1, {"1": -0.04, "2": 0.01}, 0.97),
        record(1, 0, {"3": 0.05, "4": -0.30}, 0.91),
        record(1, 1, {"3": 0.03, "4": -0.20}, 0.99),
    ]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        bench.report(records, ["digits8", "photo16"], seeds=2)
    text = out.getvalue()
    assert "| 0 | 2 | 0.930 (0.910) | 2 of 4 | 2 of 4 | 10 |" in text
    assert "| 1 | 2 | 0.980 (0.970) | 3 of 4 | 2 of 4 | 11 |" in text
    assert "within 0.1 in 3 of 4; lowest -0.250" in text
    assert "fold seed 0, class 1: recall gap by seed -0.120, -0.040 (mean -0.080)" in text
    assert "fold seed 1, class 4: recall gap by seed -0.300, -0.200 (mean -0.250)" in text
    assert "photo16" not in text
