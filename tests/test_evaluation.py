"""Tests of ganaug.evaluation and the `ganaug evaluate` / `augment --report` commands."""

import base64
import io
import os
from html.parser import HTMLParser

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from ganaug.cli import ganaug  # noqa: E402
from ganaug.evaluation import (  # noqa: E402
    conditional_fidelity,
    correlation_similarity,
    detection_auc,
    evaluate,
    exact_copy_rate,
    format_summary,
    ks_complement,
    marginal_fidelity,
    privacy_scores,
    report_table,
    tv_complement,
    utility_scores,
    write_html_report,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def make_table(n_major=80, n_minor=16, shift=0.0, seed=0, target="label"):
    """A mixed table: two numeric columns (with gaps), one categorical, rare class 'b'."""
    rng = np.random.default_rng(seed)
    y = np.repeat(["a", "b"], [n_major, n_minor])
    centre = np.where(y == "a", 0.0, 3.0) + shift
    frame = pd.DataFrame(
        {
            "x1": rng.normal(centre, 1.0),
            "x2": 2 * rng.normal(centre, 1.0) + rng.normal(0, 0.3, len(y)),
            "colour": np.where(rng.random(len(y)) < np.where(y == "a", 0.8, 0.2), "red", "blue"),
        }
    )
    frame.loc[rng.choice(len(y), 5, replace=False), "x1"] = np.nan
    frame.loc[rng.choice(len(y), 3, replace=False), "colour"] = None
    frame[target] = y
    return frame


class _Figures(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.captions, self._in_caption = [], [], False

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))
        self._in_caption = tag == "figcaption"

    def handle_data(self, data):
        if self._in_caption:
            self.captions.append(data)
            self._in_caption = False


def decoded_figures(path):
    """Every <img> of the page, checked to be an embedded PNG that decodes."""
    import matplotlib.image as mpimg

    parser = _Figures()
    parser.feed(path.read_text(encoding="utf-8"))
    arrays = []
    for img in parser.images:
        src = img["src"]
        assert src.startswith("data:image/png;base64,"), src[:40]
        data = base64.b64decode(src.split(",", 1)[1], validate=True)
        assert data.startswith(PNG_SIGNATURE)
        arrays.append(mpimg.imread(io.BytesIO(data), format="png"))
        assert arrays[-1].shape[0] > 50 and arrays[-1].shape[1] > 50
    return parser, arrays


# ------------------------------------------------------------------- statistics
def test_ks_and_tv_complements():
    rng = np.random.default_rng(0)
    a = rng.normal(size=300)
    assert ks_complement(a, a) == 1.0
    assert ks_complement(a, a + 3) < 0.2
    assert ks_complement([1.0, np.nan, 2.0], [1.0, 2.0]) == 1.0
    assert np.isnan(ks_complement([np.nan], [1.0]))
    assert tv_complement(["a", "b"], ["b", "a"]) == 1.0
    assert tv_complement(["a", "a"], ["b", "b"]) == 0.0
    assert tv_complement(["a", None], ["a", np.nan]) == 1.0


def test_marginal_fidelity_per_column_handles_missing_and_categoricals():
    real = make_table(seed=0).drop(columns="label")
    scores = marginal_fidelity(real, make_table(seed=1).drop(columns="label"))
    assert list(scores.index) == ["x1", "x2", "colour"]
    assert scores.between(0.7, 1.0).all()
    far = marginal_fidelity(real, make_table(seed=1, shift=5).drop(columns="label"))
    assert (far[["x1", "x2"]] < 0.5).all()


def test_correlation_similarity_sees_broken_relations():
    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    real = pd.DataFrame({"a": x, "b": x + rng.normal(0, 0.1, 400)})
    independent = pd.DataFrame({"a": rng.normal(size=400), "b": rng.normal(size=400)})
    assert correlation_similarity(real, real) == 1.0
    assert correlation_similarity(real, independent) < 0.6


def test_detection_auc_near_half_for_same_distribution_and_high_for_shifted():
    real = make_table(seed=0).drop(columns="label")
    assert detection_auc(real, make_table(seed=1).drop(columns="label")) < 0.75
    assert detection_auc(real, make_table(seed=1, shift=4).drop(columns="label")) > 0.9


def test_conditional_fidelity_counts_label_agreement():
    real = make_table(seed=0)
    X, y = real.drop(columns="label"), real["label"]
    synth = make_table(seed=1)
    good = conditional_fidelity(X, y, synth.drop(columns="label"), synth["label"])
    swapped = conditional_fidelity(
        X, y, synth.drop(columns="label"), synth["label"].map({"a": "b", "b": "a"})
    )
    assert good["overall"] > 0.85 and set(good) == {"overall", "a", "b"}
    assert swapped["overall"] < 0.15


def test_utility_scores_has_every_training_set_and_metric():
    train, synth, test = make_table(seed=0), make_table(seed=1, n_major=0), make_table(seed=2)
    frame = utility_scores(
        train.drop(columns="label"), train["label"],
        synth.drop(columns="label"), synth["label"],
        test.drop(columns="label"), test["label"],
    )
    assert list(frame.columns) == ["balanced_accuracy", "f1_macro", "g_mean", "minority_recall"]
    assert frame.index.tolist() == [
        (m, t) for m in ("logistic", "forest") for t in ("real", "real+synthetic", "synthetic")
    ]
    # A synthetic set of one class cannot train a classifier: reported as missing.
    assert frame.loc[("logistic", "synthetic")].isna().all()
    assert frame.loc[("logistic", "real")].between(0.7, 1.0).all()


def test_utility_scores_picks_training_sets_and_takes_any_classifier():
    from sklearn.tree import DecisionTreeClassifier

    train, synth, test = make_table(seed=0), make_table(seed=1), make_table(seed=2)
    args = (train.drop(columns="label"), train["label"], synth.drop(columns="label"),
            synth["label"], test.drop(columns="label"), test["label"])
    full = utility_scores(*args, models=("forest",))
    one = utility_scores(*args, models=("forest",), training=("real+synthetic",))
    assert one.index.tolist() == [("forest", "real+synthetic")]
    pd.testing.assert_series_equal(one.iloc[0], full.loc[("forest", "real+synthetic")])
    tree = DecisionTreeClassifier(max_depth=1, random_state=0)
    stump = utility_scores(*args, models=(tree,), training=("real",))
    assert stump.index.tolist() == [("DecisionTreeClassifier", "real")]
    assert not hasattr(tree, "tree_")  # a clone was fitted, not the given classifier
    with pytest.raises(ValueError, match=r"models must hold .* Got 'svm' instead\."):
        utility_scores(*args, models=("svm",))
    with pytest.raises(ValueError, match=r"training must hold .* Got 'test' instead\."):
        utility_scores(*args, training=("test",))


def test_detection_auc_takes_another_classifier():
    from sklearn.linear_model import LogisticRegression

    real = make_table(seed=0).drop(columns="label")
    shifted = make_table(seed=1, shift=4).drop(columns="label")
    assert detection_auc(real, shifted, estimator=LogisticRegression()) > 0.9
    forest = detection_auc(real, make_table(seed=1).drop(columns="label"))
    assert detection_auc(real, make_table(seed=1).drop(columns="label"),
                         estimator=LogisticRegression()) != forest


def test_evaluation_facade_reexports_the_owners():
    import ganaug.evaluation as facade
    import ganaug.metrics
    import ganaug.plots
    import ganaug.report

    for name in facade.__all__:
        owner = ganaug.report if hasattr(ganaug.report, name) and name in ganaug.report.__all__ \
            else ganaug.metrics
        assert getattr(facade, name) is getattr(owner, name), name
    assert facade._png is ganaug.plots.png_base64 and facade._pyplot is ganaug.plots.pyplot


def test_privacy_scores_flag_copies_and_memorisation():
    train, holdout = make_table(seed=0), make_table(seed=1)
    X, y = train.drop(columns="label"), train["label"]
    copies = privacy_scores(X, y, X.iloc[:30], y.iloc[:30], holdout.drop(columns="label"))
    assert copies["exact_copy_rate"] == 1.0
    assert copies["dcr_median"] == 0.0
    assert copies["closer_to_training_share"] > 0.8
    fresh = make_table(seed=3)
    honest = privacy_scores(X, y, fresh.drop(columns="label"), fresh["label"],
                            holdout.drop(columns="label"))
    assert honest["exact_copy_rate"] == 0.0
    assert 0.2 < honest["closer_to_training_share"] < 0.8
    assert honest["dcr_median"] > 0 and honest["dcr_holdout_baseline"] > 0


def test_exact_copy_rate_needs_the_same_label_and_matches_missing_values():
    train = pd.DataFrame({"a": [1, np.nan, 3], "b": ["x", "y", None]})
    synth = pd.DataFrame({"a": [1.0, np.nan, np.nan], "b": ["x", "y", None]})
    assert exact_copy_rate(train, [0, 1, 1], synth, [1, 1, 1]) == pytest.approx(1 / 3)


# --------------------------------------------------------------------- evaluate
def test_evaluate_report_has_every_section_per_class_and_holdout():
    real, synth, holdout = make_table(seed=0), make_table(seed=1, n_major=10), make_table(seed=2)
    report = evaluate(
        real.drop(columns="label"), real["label"], synth.drop(columns="label"), synth["label"],
        holdout_X=holdout.drop(columns="label"), holdout_y=holdout["label"],
    )
    assert set(report["per_class"]) == {"a", "b"}
    assert set(report["overall"]) == {"marginal_fidelity", "correlation_similarity", "detection_auc"}
    assert report["utility"].shape == (6, 4)
    assert np.isfinite(report["privacy"]["closer_to_training_share"])
    table = report_table(report)
    assert set(table["section"]) == {"fidelity", "conditional", "utility", "privacy"}
    assert (table["meaning"] != "").all()
    assert "Utility" in format_summary(report)


def test_evaluate_without_holdout_says_utility_is_optimistic():
    real, synth = make_table(seed=0), make_table(seed=1, n_major=0)
    report = evaluate(real.drop(columns="label"), real["label"],
                      synth.drop(columns="label"), synth["label"])
    assert any("optimistic" in note for note in report["notes"])
    assert np.isnan(report["privacy"]["closer_to_training_share"])
    assert list(report["per_class"]) == ["b"]


def test_evaluate_errors_name_the_problem():
    real = make_table(seed=0)
    X, y = real.drop(columns="label"), real["label"]
    with pytest.raises(ValueError, match=r"lacks column 'colour'.*Got columns \['x1', 'x2'\] instead"):
        evaluate(X, y, X.drop(columns="colour"), y)
    with pytest.raises(ValueError, match=r"synth_y must have one label per row \(96 rows\)\. Got 3"):
        evaluate(X, y, X, y[:3])
    with pytest.raises(ValueError, match="Got 0 rows instead"):
        evaluate(X, y, X.iloc[:0], y[:0])


def test_html_report_embeds_every_figure_as_a_png(tmp_path):
    real, synth = make_table(seed=0), make_table(seed=1, n_major=20)
    X, y = real.drop(columns="label"), real["label"]
    Xs, ys = synth.drop(columns="label"), synth["label"]
    report = evaluate(X, y, Xs, ys)
    images = np.random.default_rng(0).random((len(ys), 8, 8))
    path = tmp_path / "report.html"
    names = write_html_report(report, path, X, y, Xs, ys, synth_images=images)
    assert names == ["Marginals, class a", "Marginals, class b", "Correlation differences",
                     "PCA projection", "Synthetic samples"]
    parser, arrays = decoded_figures(path)
    assert parser.captions == names and len(arrays) == len(names)
    assert [img["alt"] for img in parser.images] == names
    text = path.read_text(encoding="utf-8")
    assert "detection_auc" in text and "0.5 = indistinguishable" in text
    assert list(tmp_path.iterdir()) == [path]  # atomic: no temporary file left
    with pytest.raises(FileExistsError, match="already exists"):
        write_html_report(report, path, X, y, Xs, ys)


# -------------------------------------------------------------------------- CLI
def test_cli_evaluate_prints_table_and_writes_report(tmp_path, monkeypatch):
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)  # isolated_filesystem() is deprecated in click 8.3
    make_table(seed=0).to_csv("real.csv", index=False)
    make_table(seed=1, n_major=0).to_csv("synth.csv", index=False)
    make_table(seed=2).to_csv("holdout.csv", index=False)
    result = runner.invoke(ganaug, ["evaluate", "real.csv", "synth.csv", "--target", "label",
                                    "--holdout", "holdout.csv", "--report", "report.html"])
    assert result.exit_code == 0, result.output
    for word in ("Fidelity", "detection_auc", "label_agreement", "Utility", "g_mean",
                 "closer_to_training_share", "Wrote report to report.html"):
        assert word in result.output
    parser, arrays = decoded_figures(tmp_path / "report.html")
    assert len(arrays) == 3  # marginals of class b, correlations, PCA
    again = runner.invoke(ganaug, ["evaluate", "real.csv", "synth.csv", "-t", "label",
                                   "--report", "report.html"])
    assert again.exit_code == 1 and "already exists; use --force" in again.output


def test_cli_evaluate_skips_the_real_rows_of_an_augment_output(tmp_path, monkeypatch):
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)  # isolated_filesystem() is deprecated in click 8.3
    real = make_table(seed=0)
    real.to_csv("real.csv", index=False)
    pd.concat([real, make_table(seed=1, n_major=0)]).to_csv("aug.csv", index=False)
    result = runner.invoke(ganaug, ["evaluate", "real.csv", "aug.csv", "-t", "label"])
    assert result.exit_code == 0, result.output
    assert "evaluating only the rows after them" in result.output
    assert "96 real rows, 16 synthetic rows" in result.output


def test_cli_evaluate_user_errors(tmp_path, monkeypatch):
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)  # isolated_filesystem() is deprecated in click 8.3
    make_table(seed=0).to_csv("real.csv", index=False)
    make_table(seed=1).drop(columns="x2").to_csv("synth.csv", index=False)
    result = runner.invoke(ganaug, ["evaluate", "real.csv", "synth.csv", "-t", "species"])
    assert result.exit_code == 1 and "Target column 'species' is not in 'real.csv'" in result.output
    result = runner.invoke(ganaug, ["evaluate", "real.csv", "synth.csv", "-t", "label"])
    assert result.exit_code == 1 and "lacks column 'x2'" in result.output
    assert "Traceback" not in result.output


def test_cli_augment_report(tmp_path, monkeypatch):
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)  # isolated_filesystem() is deprecated in click 8.3
    make_table(seed=0).to_csv("data.csv", index=False)
    with open("tiny.toml", "w") as fh:
        fh.write("epochs = 2\nbatch_size = 64\nlatent_dim = 8\n"
                 "generator_units = [16]\ndiscriminator_units = [16]\n")
    result = runner.invoke(ganaug, ["augment", "data.csv", "-t", "label", "--recipe",
                                    "tiny.toml", "--seed", "0", "--quiet",
                                    "--report", "report.html"])
    assert result.exit_code == 0, result.output
    assert "Wrote report to report.html" in result.output
    parser, arrays = decoded_figures(tmp_path / "report.html")
    assert parser.captions == ["Marginals, class b", "Correlation differences", "PCA projection"]
