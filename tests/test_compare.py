"""ganaug.compare, `ganaug compare` and the devsuite benchmark built on the same protocol."""

import json
import re

import numpy as np
import pandas as pd
import pytest

import ganaug
from benchmarks.tables import devsuite
from benchmarks.tables import unseen_tables as unseen
from ganaug.comparison import (
    ARMS,
    METRICS,
    compare,
    corrected_ttest,
    cross_validate_arms,
    cut_imbalance,
)

from .conftest import ROOT, TINY, pockets
from .conftest import run_cli as run

SIMPLE = ["none", "balanced", "random", "smote"]


@pytest.fixture
def small():
    """A small mixed table: numeric, categorical, missing values; 3 classes (60/25/15)."""
    rng = np.random.default_rng(0)
    y = pd.Series(np.repeat(["a", "b", "c"], [60, 25, 15]), name="label")
    shift = y.map({"a": 0.0, "b": 1.5, "c": 3.0}).to_numpy()
    X = pd.DataFrame({
        "x1": rng.normal(size=len(y)) + shift,
        "x2": rng.normal(size=len(y)),
        "colour": rng.choice(["red", "blue", "green"], len(y)),
    })
    X.loc[[3, 40, 70], "x2"] = np.nan
    X.loc[[5, 80], "colour"] = None
    return X, y


def metric_columns(records):
    return records.drop(columns=["resample_s", "fit_s"])


# ------------------------------------------------------------------------ Python
def test_compare_runs_every_arm_on_untouched_test_folds(small):
    X, y = small
    result = compare(X, y, classifier="logreg", arms=SIMPLE, folds=3, repeats=2)
    assert list(result.summary.index) == SIMPLE
    records = result.records
    assert len(records) == 3 * 2 * len(SIMPLE)
    # Each repeat's test folds cover every row exactly once, for every arm.
    for _, part in records.groupby(["arm", "repeat"]):
        assert part["n_test"].sum() == len(y)
    assert records[list(METRICS)].apply(lambda c: c.between(0, 1)).all().all()
    assert result.best == result.summary["macro_f1"].idxmax()
    assert result.best in result.sentence and "fold-to-fold noise" in result.sentence
    text = str(result)
    for arm in SIMPLE:
        assert arm in text
    assert "± " in text and "<- best" in text and "Nadeau-Bengio" in text
    assert result.settings["minority"] == "c"


@pytest.mark.backends
def test_same_seed_same_scores_other_seed_other_folds(small):
    X, y = small
    kwargs = dict(classifier="forest", arms=["none", "random", "smote"], folds=3, repeats=1)
    a = compare(X, y, random_state=3, **kwargs)
    b = compare(X, y, random_state=3, **kwargs)
    c = compare(X, y, random_state=4, **kwargs)
    pd.testing.assert_frame_equal(metric_columns(a.records), metric_columns(b.records))
    assert a.sentence == b.sentence
    assert not metric_columns(a.records).equals(metric_columns(c.records))


def test_ganaug_arm_takes_raw_rows_with_missing_values(small):
    X, y = small
    result = compare(X, y, classifier="logreg", arms=["none", "ganaug"],
                     augmenter=ganaug.GANAugmenter(**{**TINY, "epochs": 1}), folds=2, repeats=1)
    assert list(result.summary.index) == ["none", "ganaug"]
    assert (result.records.query("arm == 'ganaug'")["resample_s"] > 0).all()


def test_ganaug_arm_warns_with_the_users_labels():
    """The protocol codes classes as integers, but GANAugmenter's warnings name them as
    the user wrote them, and its rows are the same as with the codes."""
    X, labels, _ = pockets(150, 600)
    y = pd.Series(labels)
    run = dict(classifiers=("logreg",), arms=["ganaug"], augmenter=ganaug.GANAugmenter(**TINY),
               folds=2, repeats=1, random_state=0)
    with pytest.warns(ganaug.FidelityWarning) as caught:
        named = pd.DataFrame(cross_validate_arms(X, y, **run))
    messages = [str(w.message) for w in caught if issubclass(w.category, ganaug.FidelityWarning)]
    assert messages and all("class 'rare'" in m for m in messages)
    with pytest.warns(ganaug.FidelityWarning, match="class 1 "):
        coded = pd.DataFrame(cross_validate_arms(X, (y == "rare").astype(int), **run))
    pd.testing.assert_frame_equal(named.drop(columns=["resample_s", "fit_s"]),
                                  coded.drop(columns=["resample_s", "fit_s"]))


def test_imbalance_cut_applies_to_training_folds_only(small):
    X, y = small
    plain = pd.DataFrame(cross_validate_arms(X, y, classifiers="logreg", arms=["none"],
                                             folds=5, repeats=1))
    cut = pd.DataFrame(cross_validate_arms(X, y, classifiers="logreg", arms=["none"],
                                           folds=5, repeats=1, imbalance_ratio=10))
    assert (cut["n_test"] == plain["n_test"]).all()
    # 48 rows of 'a' per training fold: 'b' (20) and 'c' (12) are cut to max(6, ceil(4.8)).
    assert (cut["n_train"] == 48 + 6 + 6).all()
    assert (plain["n_train"] == 80).all()


def test_cut_imbalance_keeps_the_largest_class_and_at_least_six_rows():
    y = np.array(["a"] * 200 + ["b"] * 50 + ["c"] * 5 + ["d"] * 21)
    keep = cut_imbalance(y, 10, np.random.default_rng(0))
    kept = pd.Series(y[keep]).value_counts().to_dict()
    assert kept == {"a": 200, "b": 20, "d": 20, "c": 5}
    assert np.all(np.diff(keep) > 0)
    assert pd.Series(y[cut_imbalance(y, 100, np.random.default_rng(0))]).value_counts()["b"] == 6
    again = cut_imbalance(y, 10, np.random.default_rng(0))
    np.testing.assert_array_equal(keep, again)


def test_corrected_ttest_reduces_to_the_paired_t_test_without_correction():
    from scipy import stats

    a = np.array([0.91, 0.85, 0.88, 0.93, 0.87, 0.90])
    b = np.array([0.89, 0.86, 0.84, 0.90, 0.85, 0.86])
    diff, p = corrected_ttest(a, b, 0.0)
    assert diff == pytest.approx((a - b).mean())
    assert p == pytest.approx(stats.ttest_rel(a, b).pvalue)
    _, p_corrected = corrected_ttest(a, b, 0.25)
    assert p_corrected > p  # overlapping training sets: less confident
    assert corrected_ttest(a, a, 0.25) == (0.0, 1.0)
    assert corrected_ttest(a + 0.1, a, 0.25)[1] == 0.0


def test_balanced_arm_skipped_for_a_classifier_without_class_weight(small):
    from sklearn.compose import make_column_transformer
    from sklearn.impute import SimpleImputer
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline

    X, y = small
    knn = make_pipeline(
        make_column_transformer((SimpleImputer(), ["x1", "x2"])), KNeighborsClassifier()
    )
    result = compare(X, y, classifier=knn, arms=["none", "balanced", "random"], folds=2,
                     repeats=1)
    assert list(result.summary.index) == ["none", "random"]
    assert any("balanced" in note and "KNeighborsClassifier" in note for note in result.notes)


def test_custom_sampler_arm(small):
    from imblearn.over_sampling import RandomOverSampler

    X, y = small
    result = compare(X, y, classifier="logreg", folds=2, repeats=1,
                     arms=["none", ("ros", RandomOverSampler())])
    plain = compare(X, y, classifier="logreg", folds=2, repeats=1, arms=["none", "random"])
    assert list(result.summary.index) == ["none", "ros"]
    # Same sampler, same per-fold seed: the same scores as the built-in arm.
    np.testing.assert_allclose(result.summary.loc["ros", "macro_f1"],
                               plain.summary.loc["random", "macro_f1"])


@pytest.mark.parametrize("y, match", [
    (pd.Series(["a"] * 30), "single class"),
    (pd.Series(["a"] * 27 + ["b"] * 3), "Class 'b' has 3 row"),
    (pd.Series(["a"] * 20 + [None] + ["b"] * 9), "missing value"),
    (pd.Series(["a", "b"] * 10), "X has 30 rows but y has 20"),
])
def test_bad_targets_are_refused(y, match):
    X = pd.DataFrame({"x": np.arange(30.0)})
    with pytest.raises(ValueError, match=match):
        compare(X, y, arms=["none"], folds=5)


@pytest.mark.parametrize("kwargs, match", [
    ({"arms": ["none", "smoot"]}, "Unknown arm 'smoot'"),
    ({"metric": "accuracy"}, "metric must be one of"),
    ({"classifier": "svm"}, "Unknown classifier 'svm'"),
    ({"folds": 1}, "folds must be an integer of at least 2"),
    ({"imbalance_ratio": 0.5}, "imbalance_ratio must be at least 1"),
])
def test_bad_parameters_are_refused(small, kwargs, match):
    X, y = small
    with pytest.raises(ValueError, match=match):
        compare(X, y, **{"arms": ["none"], **kwargs})


def test_html_report_has_the_table_and_a_plot_per_metric(small, tmp_path):
    X, y = small
    result = compare(X, y, classifier="logreg", arms=["none", "random"], folds=2, repeats=1)
    path = tmp_path / "report.html"
    result.write_html(path)
    page = path.read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == len(METRICS) + 1  # + fit seconds
    assert result.sentence.split(";")[0] in page and "macro_f1" in page
    with pytest.raises(FileExistsError):
        result.write_html(path)


def test_compare_is_exported_lazily_and_stays_the_function():
    import ganaug.comparison

    assert ganaug.compare is ganaug.comparison.compare
    assert callable(ganaug.compare)


# --------------------------------------------------------------------------- CLI


def test_cli_choices_match_the_library():
    from ganaug.cli import comparison as cli_comparison

    assert cli_comparison.ARMS == ARMS
    assert cli_comparison.METRICS == METRICS


def test_cli_compare_prints_table_and_writes_report(workdir):
    pd.read_csv("penguins.csv").to_parquet("p.parquet")
    args = ["p.parquet", "-t", "species", "--arms", "none,balanced,random,smote",
            "--classifier", "logreg", "--folds", "3", "--repeats", "1", "--quiet"]
    result = run("compare", *args, "--report", "r.html")
    assert result.exit_code == 0, result.output
    for arm in SIMPLE:
        assert f"\n{arm} " in result.output
    assert "is best by macro_f1" in result.output
    assert "Wrote report" not in result.output  # --quiet: the table and errors only
    assert (workdir / "r.html").stat().st_size > 1000
    again = run("compare", *args)
    strip = [line for line in result.output.splitlines() if "report" not in line]
    table = [line[:75] for line in strip]  # the fit seconds column may differ
    assert [line[:75] for line in again.output.splitlines()] == table
    refused = run("compare", *args, "--report", "r.html")
    assert refused.exit_code == 1 and "already exists" in refused.output


def test_cli_compare_ganaug_arm_with_a_recipe(workdir):
    result = run("compare", "penguins.csv", "-t", "species", "--arms", "none,ganaug",
                 "--recipe", ROOT / "tests" / "tiny.toml", "--folds", "2", "--repeats", "1",
                 "--classifier", "logreg", "--metric", "balanced_accuracy", "--quiet")
    assert result.exit_code == 0, result.output
    assert "ganaug" in result.output and "is best by balanced_accuracy" in result.output


@pytest.mark.parametrize("args, code, message", [
    (["-t", "nope"], 1, "Target column 'nope' is not in"),
    (["-t", "island", "--folds", "60"], 1, "60-fold cross-validation needs at least 60 rows"),
    (["-t", "species", "--arms", "none,gan"], 2, "--arms"),
    (["-t", "species", "--arms", "none", "--recipe", "fast"], 2, "leaves out"),
    (["-t", "species", "--recipe", "nosuch"], 1, "Unknown recipe 'nosuch'"),
])
def test_cli_compare_bad_input_one_line_nonzero_exit(workdir, args, code, message):
    result = run("compare", "penguins.csv", *args)
    assert result.exit_code == code, result.output
    assert message in result.output and "Traceback" not in result.output


def test_cli_compare_reads_files_like_augment(workdir):
    """--sep, --decimal and --na-values, as for augment: a ;-separated file with decimal
    commas gives the same table as the comma-separated one."""
    pd.read_csv("penguins.csv").to_csv("p.csv", sep=";", decimal=",", index=False)
    args = ["-t", "species", "--arms", "none,random", "--classifier", "logreg", "--folds", "2",
            "--repeats", "1", "--quiet"]
    plain = run("compare", "penguins.csv", *args)
    semi = run("compare", "p.csv", *args, "--sep", ";", "--decimal", ",", "--na-values", "n/a")
    assert plain.exit_code == semi.exit_code == 0, semi.output

    def without_seconds(output):  # the last column, fit_s, is a timing
        return [re.sub(r"(\s+fit_s|\s+[\d.]+ ± [\d.]+)(\s+<- best)?\s*$", "", line)
                for line in output.splitlines()]

    assert without_seconds(semi.output) == without_seconds(plain.output)
    assert "fit_s" in plain.output and "fit_s" not in "".join(without_seconds(plain.output))
    bad = run("compare", "p.csv", *args, "--sep", ";;")
    assert bad.exit_code == 2 and "--sep" in bad.output


def test_cli_compare_single_class(workdir):
    pd.DataFrame({"x": range(20), "y": ["a"] * 20}).to_csv("one.csv", index=False)
    result = run("compare", "one.csv", "-t", "y")
    assert result.exit_code == 1 and "single class" in result.output


# --------------------------------------------------------------------- benchmark
@pytest.fixture
def fake_suite(tmp_path, small):
    """Two tiny tables in the devsuite's layout (an unnamed index column; a missing target)."""
    X, y = small
    data = tmp_path / "csv"
    (data / "pkg").mkdir(parents=True)
    frame = X.assign(label=y)
    frame.loc[7, "label"] = None
    frame.to_csv(data / "pkg" / "one.csv")
    rng = np.random.default_rng(1)
    two = pd.DataFrame({"v": rng.normal(size=80), "w": rng.normal(size=80),
                        "kind": np.repeat(["p", "q"], [55, 25])})
    two["v"] += (two["kind"] == "q") * 2
    two.to_csv(data / "pkg" / "two.csv")
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "suite.toml").write_text(
        '[[table]]\npath = "pkg/one.csv"\ntarget = "label"\n\n'
        '[[table]]\npath = "pkg/two.csv"\ntarget = "kind"\n', encoding="utf-8")
    return suite, data


def test_devsuite_builds_tables_and_resumes(fake_suite, tmp_path, capsys):
    suite, data = fake_suite
    out = tmp_path / "res"
    args = ["--suite", str(suite), "--data", str(data), "--arms", "none,balanced,random,smote",
            "--folds", "2", "--repeats", "1", "--out", str(out), "--quiet",
            "--results", str(tmp_path / "pages")]
    devsuite.main(args)
    first = capsys.readouterr()
    lines = (tmp_path / "res.jsonl").read_text().splitlines()
    settings = json.loads(lines[0])["settings"]
    assert settings["ratio"] == 10.0 and "roc_auc" in settings["scores"]
    assert len(lines) == 1 + 2 * 3 * 4 * 2  # header + tables x classifiers x arms x folds
    md = (tmp_path / "res.md").read_text()
    for heading in ("### one, logreg", "### two, forest", "### one, hgb", "### Over all cells (6 ",
                    "### Mean ranks, logreg (2 cells", "### Mean ranks, hgb (2 cells"):
        assert heading in md
    assert "rank roc_auc" in md and "rank average_precision" in md
    page = (tmp_path / "pages" / "devsuite.md").read_text()  # the results page, with its stamp
    assert "**This run is a subset of the suite**" in page and "### " not in page
    assert "python -m benchmarks.tables.devsuite --suite" in page and "## one, logreg" in page
    assert "## Mean ranks, forest" in page and "| average_precision |" in page
    assert (tmp_path / "pages" / "devsuite" / "mean_rank.png").stat().st_size > 0
    assert (tmp_path / "pages" / "devsuite" / "mean_rank_by_classifier.png").stat().st_size > 0
    payload = json.loads((tmp_path / "res.json").read_text())
    assert {row["arm"] for row in payload["overall"]} == {"none", "balanced", "random", "smote"}
    assert sum(row["wins (macro_f1)"] for row in payload["overall"]) >= 6
    assert set(payload["per_classifier"]) == {"logreg", "forest", "hgb"}
    one = [c for c in payload["cells"] if c["table"] == "one"]
    assert all(c["n_folds"] == 2 for c in one)
    # The missing target row is dropped; the training folds are cut (49/50 rows of 'a' -> 30+...).
    records = [json.loads(line) for line in lines[1:]]
    assert {r["n_test"] for r in records if r["table"] == "one"} <= {49, 50}
    # A rerun with the same settings computes nothing and prints the same tables.
    devsuite.main(args)
    second = capsys.readouterr()
    assert "0 new records" in second.err
    assert len((tmp_path / "res.jsonl").read_text().splitlines()) == len(lines)
    assert second.out.split("Wrote")[0] == first.out.split("Wrote")[0]
    # Other settings refuse to mix with these records.
    with pytest.raises(SystemExit, match="other settings"):
        devsuite.main([*args, "--seed", "1"])


def test_devsuite_ranks_and_wins():
    records = []
    scores = {("t1", "none"): 0.7, ("t1", "smote"): 0.9, ("t2", "none"): 0.8, ("t2", "smote"): 0.8}
    for (table, arm), score in scores.items():
        for fold in range(2):
            records.append({"table": table, "classifier": "logreg", "arm": arm, "fold": fold,
                            "fit_s": 1.0 + fold, **{m: score for m in METRICS}})
    cells = devsuite.cell_summaries(records, ["none", "smote"])
    ranks, n = devsuite.overall(cells, ["none", "smote"], records)
    assert n == 2
    assert ranks.loc["smote", "rank macro_f1"] == pytest.approx((1 + 1.5) / 2)
    assert ranks.loc["none", "rank macro_f1"] == pytest.approx((2 + 1.5) / 2)
    assert ranks.loc["smote", "wins (macro_f1)"] == 2 and ranks.loc["none", "wins (macro_f1)"] == 1
    assert ranks.loc["none", "median fit s"] == pytest.approx(1.5)


def test_devsuite_skips_forestflow_when_missing(fake_suite, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(devsuite, "forestflow_available", lambda: False)
    suite, data = fake_suite
    devsuite.main(["--suite", str(suite), "--data", str(data), "--tables", "two",
                   "--arms", "none,forestflow", "--classifiers", "logreg", "--folds", "2",
                   "--repeats", "1", "--out", str(tmp_path / "ff"), "--quiet",
                   "--results", str(tmp_path / "pages")])
    captured = capsys.readouterr()
    assert "forestflow skipped" in captured.err
    assert "| none |" in captured.out and "forestflow |" not in captured.out


def test_cli_compare_says_each_warning_once(workdir):
    frame = pd.read_csv("penguins.csv")
    frame.insert(0, "tag", [f"P{i:04d}" for i in range(len(frame))])  # an ID column
    frame.to_csv("tagged.csv", index=False)
    result = run("compare", "tagged.csv", "-t", "species", "--arms", "none,ganaug",
                 "--recipe", ROOT / "tests" / "tiny.toml", "--folds", "2", "--repeats", "1",
                 "--classifier", "logreg")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "'tag' hold a different" in line]
    assert len(lines) == 1 and lines[0].startswith("Warning: Column(s) 'tag'")
    assert lines[0].endswith("[2 times in 2 folds]")


def test_devsuite_forestflow_budget_option():
    assert devsuite.parse_args([]).forestflow_budget == (50, 100)
    assert devsuite.parse_args(["--forestflow-budget", "20,20"]).forestflow_budget == (20, 20)
    for bad in ("20", "a,b", "0,5"):
        with pytest.raises(SystemExit):
            devsuite.parse_args(["--forestflow-budget", bad])


def test_unseen_tables_picks_by_the_rule_and_feeds_the_devsuite(fake_suite, tmp_path, capsys):
    """benchmarks/tables/unseen_tables.py: a suite of the tables outside the development suite
    that have a usable target (the first column with 2 to 5 text or integer values),
    one per dataset, which benchmarks/tables/devsuite.py then runs."""
    suite, data = fake_suite
    (suite / "fetch.sh").write_text("echo unused\n", encoding="utf-8")
    rng = np.random.default_rng(2)
    n = 200
    table = pd.DataFrame({
        "x": rng.normal(size=n),                          # continuous: not a target
        "k": rng.integers(0, 40, size=n),                 # 40 values: not a target
        "few": np.repeat([1, 2], [196, 4]),               # a class of 4 rows: too small
        "group": np.repeat(["a", "b", "c"], [120, 50, 30]),  # the target
        "z": rng.normal(size=n),
    })
    (data / "other").mkdir()
    table.to_csv(data / "other" / "good.csv")
    table.to_csv(data / "other" / "copy.csv")             # the same data twice: taken once
    table.drop(columns="group").to_csv(data / "other" / "none.csv")  # no usable target
    big = pd.concat([table] * 3, ignore_index=True)
    big.to_csv(data / "pkg" / "three.csv")
    out = tmp_path / "unseen"
    unseen.main(["--suite", str(suite), "--data", str(data), "--out", str(out), "--min-rows", "150"])
    picked = devsuite.read_suite(out)
    # one.csv and two.csv are the development suite's; copy.csv repeats good.csv
    assert sorted(picked) == [("other_copy", "other/copy.csv", "group"),
                              ("pkg_three", "pkg/three.csv", "group")]
    assert (out / "fetch.sh").exists()
    devsuite.main(["--suite", str(out), "--data", str(data), "--arms", "none,random",
                   "--classifiers", "logreg", "--folds", "2", "--repeats", "1",
                   "--out", str(tmp_path / "run"), "--quiet",
                   "--results", str(tmp_path / "pages"), "--page", "unseen"])
    md = (tmp_path / "run.md").read_text()
    assert "### other_copy, logreg" in md and "### pkg_three, logreg" in md
    assert "## pkg_three, logreg" in (tmp_path / "pages" / "unseen.md").read_text()


def test_devsuite_and_unseen_tables_name_a_missing_suite(tmp_path):
    with pytest.raises(SystemExit, match="holds no suite.toml"):
        devsuite.main(["--suite", str(tmp_path / "nowhere"), "--out", str(tmp_path / "r"), "--quiet"])
    with pytest.raises(SystemExit, match="holds no suite.toml"):
        unseen.main(["--suite", str(tmp_path / "nowhere"), "--out", str(tmp_path / "u")])
    assert not (tmp_path / "u").exists() and not list(tmp_path.glob("r.*"))


# ------------------------------------------------------------- threshold and AUC
def _three_and_two_class_tables():
    from sklearn.datasets import make_classification

    for k, weights in ((2, [0.85]), (3, [0.7, 0.2, 0.1])):
        X, y = make_classification(n_samples=300, n_classes=k, n_informative=4,
                                   weights=weights, random_state=0)
        yield k, pd.DataFrame(X).add_prefix("x"), y


@pytest.mark.parametrize("k, X, y", list(_three_and_two_class_tables()), ids=["binary", "3-class"])
def test_threshold_arm_tunes_the_prediction_and_keeps_the_ranking(k, X, y):
    """The threshold arm predicts other labels than none (its threshold is tuned), the
    same ones for the same seed, and, refitting the same classifier, has none's AUC/AP."""
    run = {"classifiers": ("logreg",), "arms": ["none", "threshold"], "folds": 3, "repeats": 1}
    records = pd.DataFrame(cross_validate_arms(X, y, **run))
    again = pd.DataFrame(cross_validate_arms(X, y, **run))
    pd.testing.assert_frame_equal(metric_columns(records), metric_columns(again))
    wide = records.pivot(index="fold", columns="arm")
    for metric in ("roc_auc", "average_precision"):
        assert wide[metric].notna().all().all() and wide[metric].gt(0.5).all().all()
        np.testing.assert_allclose(wide[(metric, "threshold")], wide[(metric, "none")])
    assert (wide[("minority_recall", "threshold")] != wide[("minority_recall", "none")]).any()
    # The tuned rule itself: other labels than the plain classifier, the same on a refit.
    from sklearn.linear_model import LogisticRegression

    from ganaug.comparison import threshold_classifier

    def tuned(seed):
        return threshold_classifier(LogisticRegression(), y, metric="macro_f1",
                                    labels=np.arange(k), minority=k - 1, seed=seed).fit(X, y)

    plain = LogisticRegression().fit(X, y)
    first, second = tuned(0), tuned(0)
    assert type(first).__name__ == ("TunedThresholdClassifierCV" if k == 2
                                    else "MulticlassThresholdClassifier")
    np.testing.assert_array_equal(first.predict(X), second.predict(X))
    assert (first.predict(X) != plain.predict(X)).any()
    np.testing.assert_allclose(first.predict_proba(X), plain.predict_proba(X))


def test_multiclass_threshold_tunes_offsets_on_out_of_fold_scores():
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import balanced_accuracy_score
    from sklearn.svm import LinearSVC

    from ganaug.comparison import MulticlassThresholdClassifier

    X, y = make_classification(n_samples=400, n_classes=3, n_informative=4,
                               weights=[0.8, 0.15, 0.05], random_state=1)
    clf = MulticlassThresholdClassifier(LogisticRegression(), scoring=balanced_accuracy_score)
    clf.fit(X, y)
    assert clf.offsets_.shape == (3,) and np.abs(clf.offsets_).max() > 0
    assert balanced_accuracy_score(y, clf.predict(X)) > balanced_accuracy_score(
        y, clf.estimator_.predict(X))
    # No predict_proba: tuned on the decision values, and it has none either.
    svc = MulticlassThresholdClassifier(LinearSVC(), scoring=balanced_accuracy_score).fit(X, y)
    assert not hasattr(svc, "predict_proba") and svc.predict(X).shape == y.shape


def test_ranking_scores_rarest_class_positive_and_macro_one_vs_rest():
    from sklearn.metrics import average_precision_score, roc_auc_score

    from ganaug.comparison.statistics import ranking_scores

    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], [30, 12, 8])
    proba = rng.dirichlet(np.ones(3), len(y)) + np.eye(3)[y] * 0.3
    proba /= proba.sum(axis=1, keepdims=True)
    got = ranking_scores(y, proba, [0, 1, 2], minority=2)
    assert got["roc_auc"] == pytest.approx(
        roc_auc_score(y, proba, multi_class="ovr", average="macro"))
    assert got["average_precision"] == pytest.approx(
        average_precision_score(np.eye(3)[y], proba, average="macro"))
    # A class missing from the test fold is left out, not a crash.
    two = ranking_scores(y[y != 1], proba[y != 1], [0, 1, 2], minority=2)
    assert 0.5 < two["roc_auc"] <= 1
    # Two classes: the rarest one is the positive class.
    binary = y[y != 1] == 2
    score = proba[y != 1][:, [0, 2]]
    got = ranking_scores(np.where(binary, 2, 0), score, [0, 2], minority=2)
    assert got["average_precision"] == pytest.approx(average_precision_score(binary, score[:, 1]))
    assert np.isnan(ranking_scores(y, None, [0, 1, 2], 2)["roc_auc"])


def test_verdict_says_whether_rebalancing_beats_the_threshold(small):
    from ganaug.comparison import result_from_records

    records = []
    for fold in range(6):
        for arm, score in (("none", 0.70), ("threshold", 0.75), ("random", 0.85)):
            records.append({"arm": arm, "fold": fold, "n_train": 80, "n_test": 20,
                            "fit_s": 0.1, **{m: score + 0.01 * (fold % 2) for m in METRICS}})
    result = result_from_records(pd.DataFrame(records))
    assert "Rebalancing (random) beats moving the decision threshold by +0.100 macro_f1" \
        in result.sentence
    assert result.tests["versus"].tolist() == ["none", "threshold", "threshold"]
    X, y = small
    real = compare(X, y, classifier="logreg", arms=["none", "threshold", "random"], folds=3,
                   repeats=1)
    assert "decision threshold" in real.sentence
    assert "roc_auc" in str(real) and "average_precision" in str(real)


def test_cli_compare_threshold_arm(workdir):
    result = run("compare", "penguins.csv", "-t", "species", "--arms", "none,threshold,random",
                 "--folds", "2", "--repeats", "1", "--quiet")
    assert result.exit_code == 0, result.output
    assert "\nthreshold " in result.output and "roc_auc" in result.output
    assert "decision threshold" in result.output


def test_a_difference_that_rounds_to_zero_has_no_minus_sign():
    from ganaug.comparison.result import _shown_difference, _signed

    assert _signed(-0.0004) == "+0.000"
    assert _signed(-0.0204) == "-0.020"
    assert _shown_difference(-0.0004) == "0.000"
