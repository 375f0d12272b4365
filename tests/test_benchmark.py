"""The benchmarks (``benchmarks/``): the compare record's protocol and tables, the image
benchmark's hand-set warps, and the results pages every benchmark writes."""

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from benchmarks import common  # noqa: E402
from benchmarks.images import downstream  # noqa: E402
from benchmarks.tables import compare  # noqa: E402


def test_benchmark_is_built_on_cross_validate_arms():
    """The same folds, cut and scores as ganaug.comparison: one implementation."""
    from ganaug.comparison import cross_validate_arms

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
                  "--epochs", "1", "--ctgan-epochs", "1", "--penguins", str(path),
                  "--results", str(tmp_path / "pages")])
    out = capsys.readouterr().out
    for heading in ("### iris, logreg", "### penguins, forest", "### Mean rank",
                    "### Where GANAugmenter loses"):
        assert heading in out
    for method in ("| none |", "| threshold |", "| random |", "| smote |", "| ganaug |"):
        assert method in out
    page = (tmp_path / "pages" / "compare.md").read_text()
    assert "## penguins, forest" in page and "(compare/mean_rank.png)" in page


def test_image_benchmark_warps_keep_the_grain_when_asked():
    """benchmarks/images/downstream.py's hand-set warps: bilinear ones smooth away the
    pixel noise of noisy images; with ``grain`` they keep its strength, and a zero map
    (no rotation, scale, shear or shift) gives every image back either way."""
    from scipy import ndimage

    bench = downstream
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


def test_image_benchmark_handset_arm_is_a_default_and_warp_its_old_name(tmp_path):
    """benchmarks/images/downstream.py: hand-set augmentation (random affine warps of
    ROS's copies) is a standing arm, ``handset``; ``warp``, its name before, gives the
    same images, and older records of ``warp`` are read as ``handset``."""
    assert "handset" in downstream.ARMS and "warp" not in downstream.ARMS
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, (30, 8, 8), dtype=np.uint8)
    y = np.repeat([0, 1, 2], [20, 6, 4])
    X_res, y_res, draw = downstream.resample("handset", X, y, seed=3)
    assert np.bincount(y_res).tolist() == [20, 20, 20]
    np.testing.assert_array_equal(X_res[:30], X)  # the real images first, as they are
    assert not any((X_res[30:] == X[i]).all(axis=(1, 2)).any() for i in range(30))  # moved
    old, _, _ = downstream.resample("warp", X, y, seed=3)
    np.testing.assert_array_equal(old, X_res)
    assert draw(1, 5, 0).shape == (5, 8, 8)
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps({"set": "s", "arm": "warp"}) + "\n")
    assert downstream.load_records(path)[0]["arm"] == "handset"


def tiny_payload():
    return {
        "name": "tiny", "title": "A tiny page",
        "intro": "Made by a test.",
        "stamp": common.stamp("benchmarks.perf.speed", ["--rows", "1000", "--sample", "5000"], seconds=12.3),
        "sections": [{"heading": "Seconds", "text": "Two sizes.",
                      "table": {"columns": ["rows", "seconds"], "rows": [["1,000", "1.50"], ["a | b", "2.00"]]},
                      "chart": {"file": "seconds.png", "kind": "bar", "categories": ["1,000", "10,000"],
                                "series": {"first": [1.5, 2.0], "repeat": [0.5, None]}, "title": "Seconds"}},
                     {"chart": {"kind": "barh", "categories": ["none", "ganaug"],
                                "series": {"mean rank": [2.0, 1.0]}}}],
        "data": [{"rows": 1000, "seconds": 1.5}],
    }


def test_results_page_carries_the_stamp_tables_and_charts(tmp_path, monkeypatch):
    """A results page says when, where, with which command and which version it was made."""
    import ganaug

    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    page = common.write_results(tiny_payload(), tmp_path)
    text = page.read_text()
    stamp = json.loads((tmp_path / "tiny.json").read_text())["stamp"]
    assert text.startswith("# A tiny page\n")
    assert f"| Date | {stamp['date']} |" in text and stamp["date"].endswith("UTC")
    assert f"{os.cpu_count()} CPU cores" in text
    assert "`OMP_NUM_THREADS=1 python -m benchmarks.perf.speed --rows 1000 --sample 5000` (12 s)" in text
    keras = f"; {stamp['keras']}" if stamp.get("keras") else ""  # the backend, once Keras is loaded
    assert f"| ganaug | {ganaug.__version__}, commit {stamp['ganaug']['commit']}{keras} |" in text
    assert stamp["ganaug"]["commit"] != ""
    assert "| 1,000 | 1.50 |" in text and "| a \\| b | 2.00 |" in text  # a pipe in a cell is escaped
    assert "![Seconds](tiny/seconds.png)" in text and "](tiny/chart1.png)" in text
    for png in ("seconds.png", "chart1.png"):
        assert (tmp_path / "tiny" / png).read_bytes()[:4] == b"\x89PNG"
    index = (tmp_path / "index.md").read_text()
    assert "[A tiny page](tiny.md)" in index and "```{toctree}" in index


def test_results_page_renders_again_from_its_json_alone(tmp_path):
    """``python -m benchmarks.common render X.json`` gives the same page, charts included."""
    page = common.write_results(tiny_payload(), tmp_path)
    first = page.read_text(), (tmp_path / "tiny" / "seconds.png").read_bytes()
    page.unlink()
    (tmp_path / "tiny" / "seconds.png").unlink()
    common.main(["render", str(tmp_path / "tiny.json")])
    assert (page.read_text(), (tmp_path / "tiny" / "seconds.png").read_bytes()) == first
    with pytest.raises(SystemExit, match="is not a file"):
        common.main(["render", str(tmp_path / "nowhere.json")])


def test_benchmarks_use_no_path_tricks_and_no_private_ganaug_names():
    """Benchmarks run as modules (``python -m benchmarks.tables.devsuite``) and reach
    ganaug through its public names only."""
    import re

    root = common.ROOT / "benchmarks"
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "sys.path" not in text, path
        assert "spec_from_file_location" not in text, path
        private = re.findall(r"\bfrom ganaug[\w.]* import [^\n]*\b_[a-z]\w*|\bganaug[\w.]*\._[a-z]\w*|\baug\._[a-z]\w*", text)
        assert not private, (path, private)


def test_the_stamp_names_the_keras_backend_once_keras_is_loaded():
    from benchmarks import common
    from ganaug.nn.backend import load_keras

    keras = load_keras()
    stamp = common.stamp("benchmarks.perf.speed", [])
    assert stamp["keras"].startswith(f"Keras {keras.__version__} on {keras.config.backend()} ")


def test_repeat_fit_page_gives_each_table_and_the_median(tmp_path):
    """benchmarks.perf.repeat_fit --page: one row per table, the median over tables in
    the text and as the last row, and a chart of the tables' seconds."""
    from benchmarks.perf import repeat_fit

    results = {"mpg": {"repeat_s": 1.61, "find_rules_s": 0.024},
               "tips": {"repeat_s": 0.79, "find_rules_s": 0.012},
               "Aids2": {"repeat_s": 0.91, "find_rules_s": 0.011}}
    page = common.write_results(repeat_fit.payload(results, 3, ["--page"], 12.0), tmp_path)
    text = page.read_text()
    assert "Median repeat fit over the 3 tables: **0.91 s**." in text
    assert "| mpg | 1.61 | 0.024 |" in text and "| median | 0.91 |  |" in text
    assert "python -m benchmarks.perf.repeat_fit --page" in text
    assert (tmp_path / "repeat_fit" / "repeat_fit.png").read_bytes()[:4] == b"\x89PNG"


def test_bars_rank_each_arm_per_table_and_bootstrap_the_verdict(tmp_path):
    """benchmarks.tables.bars: macro-F1 and balanced accuracy need the best mean rank of
    all arms, AUC and average precision a rank not behind 'none'; a bar met on every
    table is met in every resample, one met on none of them in none."""
    from benchmarks.tables import bars

    cells = []
    for t in range(4):
        for classifier in bars.CLASSIFIERS:
            for i, arm in enumerate(bars.ARMS):
                good = 1.0 if arm == "ganaug" else 0.5 - 0.01 * i  # ganaug best on the labels
                auc = 0.9 if arm == "none" else 0.8  # and behind 'none' on ranking
                cells.append({"table": f"t{t}", "classifier": classifier, "arm": arm,
                              "macro_f1": good, "balanced_accuracy": good,
                              "roc_auc": auc, "average_precision": 0.7})
    rows = {(r["classifier"], r["metric"]): r for r in bars.check(cells, boot=50)}
    f1 = rows["hgb", "macro_f1"]
    assert f1["met"] and f1["ganaug"] == 1.0 and f1["bar_arm"] == "none" and f1["boot_share_met"] == 1.0
    auc = rows["hgb", "roc_auc"]
    assert not auc["met"] and auc["margin"] < 0 and auc["boot_share_met"] == 0.0
    assert rows["logreg", "average_precision"]["met"]  # all tied: ganaug is not behind 'none'
    (tmp_path / "suite.json").write_text(json.dumps({"data": {"cells": cells}}))
    bars.main(["--pages", "suite", "--boot", "20", "--results", str(tmp_path), "--page"])
    text = (tmp_path / "bars.md").read_text()
    assert "## suite (4 tables): 9 of 12 bars met" in text
    with pytest.raises(SystemExit):
        bars.main(["--pages", "nowhere", "--results", str(tmp_path)])
    with pytest.raises(SystemExit):
        bars.main(["--pages", "suite", "--boot", "0", "--results", str(tmp_path)])
    with pytest.raises(ValueError, match="no arm"):
        bars.check([c for c in cells if c["arm"] != "smote"], boot=5)


def test_amount_benchmark_grows_part_of_the_gap_and_ranks_each_variant_alone():
    """benchmarks.tables.amount: PartOfGap asks imbalanced-learn for each class's own
    rows plus a share of its gap to the largest; a variant is ranked among the base
    arms only, and its change from 'none' is the mean over tables."""
    from ganaug import GANAugmenter
    from benchmarks.tables import amount

    y = np.array(["a"] * 100 + ["b"] * 10 + ["c"] * 40)
    assert amount.PartOfGap(0.7)(y) == {"a": 100, "b": 73, "c": 82}
    # each variant is the default with its one change
    default = amount.augmenter("default").get_params()
    for name, change in (("recombine0_steps1000", {"recombine": 0.0, "epochs": 20}),
                         ("unshared", {"shared_columns": None})):
        params = amount.augmenter(name).get_params()
        assert {k: v for k, v in params.items() if v != default[k]} == change
    aug = GANAugmenter(sampling_strategy=amount.PartOfGap(0.5), epochs=1, random_state=0)
    X = pd.DataFrame({"x": np.arange(len(y), dtype=float) % 17, "z": np.arange(len(y)) % 5})
    _, y_res = aug.fit_resample(X, y)
    assert dict(zip(*np.unique(y_res, return_counts=True))) == {"a": 100, "b": 55, "c": 70}

    base = pd.DataFrame([
        {"table": t, "classifier": "hgb", "arm": arm, "fold": 0, "macro_f1": f, "balanced_accuracy": f,
         "roc_auc": f, "average_precision": f}
        for t, scores in (("t1", {"none": 0.5, "smote": 0.7, "ganaug": 0.9}),
                          ("t2", {"none": 0.6, "smote": 0.4, "ganaug": 0.1}))
        for arm, f in scores.items()])
    variant = [{"table": "t1", "classifier": "hgb", "arm": "ganaug", "fold": 0, "macro_f1": 0.8,
                "balanced_accuracy": 0.8, "roc_auc": 0.8, "average_precision": 0.8},
               {"table": "t2", "classifier": "hgb", "arm": "ganaug", "fold": 0, "macro_f1": 0.5,
                "balanced_accuracy": 0.5, "roc_auc": 0.5, "average_precision": 0.5}]
    out = amount.ranks_and_changes(base, variant)["hgb"]["roc_auc"]
    # t1: 0.8 first of (0.5, 0.7, 0.8); t2: 0.5 second of (0.6, 0.4, 0.5); the base
    # run's own ganaug records (0.9, 0.1) are left out
    assert out["rank"] == 1.5 and out["none_rank"] == 2.0
    assert out["change"] == pytest.approx(((0.8 - 0.5) + (0.5 - 0.6)) / 2)
    assert out["best_other_arm"] == "none" and out["best_other"] == 2.0


def test_add_note_appends_a_benchmarks_note_to_the_page_intro():
    """common.add_note: the devsuite, backends and image benchmarks' --note goes after
    the intro, stripped, with each page's own separator; no note leaves it as it was."""
    assert common.add_note({"intro": "Intro."}, None) == {"intro": "Intro."}
    assert common.add_note({"intro": "Intro."}, " Made in parts. ") == {"intro": "Intro. Made in parts."}
    assert common.add_note({"intro": "Intro."}, "Made in parts.", separator="\n\n") == {
        "intro": "Intro.\n\nMade in parts."}
