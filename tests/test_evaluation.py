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
    agreement_reading,
    conditional_fidelity,
    correlation_similarity,
    detection_auc,
    detection_chance_range,
    detection_reading,
    evaluate,
    exact_copy_rate,
    format_summary,
    ks_complement,
    label_agreement,
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


def _overlapping(n_a=120, n_b=40, gap=0.6, seed=0):
    """Two classes that overlap: even real rows of 'b' are often taken for 'a'."""
    rng = np.random.default_rng(seed)
    y = np.repeat(["a", "b"], [n_a, n_b])
    centre = np.where(y == "b", gap, 0.0)
    X = pd.DataFrame({"x1": rng.normal(centre, 1.0), "x2": rng.normal(centre, 1.0)})
    return X, y


def test_label_agreement_sits_beside_held_out_real_rows_of_the_class():
    X, y = _overlapping()
    Xs, ys = _overlapping(n_a=0, n_b=60, seed=1)
    table = label_agreement(X, y, Xs, ys)
    assert table.index.tolist() == ["overall", "b"]
    assert list(table.columns) == ["synthetic", "real", "n_synthetic", "n_real"]
    assert table.loc["b", ["n_synthetic", "n_real"]].tolist() == [60, 40]
    # a hard class: real rows of 'b' agree rarely, and fresh rows of 'b' as rarely
    synthetic, real = table.loc["b", ["synthetic", "real"]]
    assert real < 0.5 and abs(synthetic - real) < 0.25
    reading = agreement_reading(synthetic, real, 60, 40)
    assert reading.startswith("synthetic rows agree about as often as real ones")
    assert "even real rows of this class are mostly taken for another" in reading
    # rows of 'a' labelled 'b' agree less often than real rows of 'b' do
    wrong, _ = _overlapping(n_a=60, n_b=0, gap=-2.0, seed=2)
    far = label_agreement(X, y, wrong, np.repeat("b", 60)).loc["b", "synthetic"]
    assert agreement_reading(far, real, 60, 40).startswith("less often")


def test_label_agreement_does_not_credit_near_copies_of_training_rows():
    """A classifier trained on every real row recognises copies of its rare rows;
    cross-fitted, copies agree as often as the real rows they copy."""
    X, y = _overlapping()
    rare = X[y == "b"].to_numpy()
    copies = pd.DataFrame(np.repeat(rare, 2, axis=0) + 1e-6, columns=X.columns)
    full = conditional_fidelity(X, y, copies, np.repeat("b", len(copies)))["b"]
    fair = label_agreement(X, y, copies, np.repeat("b", len(copies))).loc["b"]
    assert full > 0.9
    assert abs(fair["synthetic"] - fair["real"]) < 0.1 and fair["synthetic"] < 0.6


def test_agreement_reading_tolerance_follows_the_row_counts():
    assert agreement_reading(0.80, 0.95, 8, 8).startswith("synthetic rows agree about as often")
    assert agreement_reading(0.80, 0.95, 2000, 2000).startswith("less often: 20 % of the synthetic")
    assert agreement_reading(0.99, 0.80, 2000, 2000).startswith("more often than real ones")
    assert agreement_reading(0.5, np.nan) == "no held-out real rows of this class to compare with"
    assert "images" in agreement_reading(0.9, 0.9, 10, 10, unit="images")


def test_detection_chance_range_matches_random_rankings():
    from scipy.stats import rankdata
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(0)
    labels = np.r_[np.zeros(8), np.ones(52)]
    ranks = rankdata(rng.random((4000, 60)), axis=1)  # a classifier that learned nothing
    aucs = (ranks[:, 8:].sum(axis=1) - 52 * 53 / 2) / (8 * 52)
    assert aucs[0] == pytest.approx(roc_auc_score(labels, ranks[0]))
    low, high = detection_chance_range(8, 52)
    assert low < 0.5 < high
    assert np.quantile(aucs, 0.025) == pytest.approx(low, abs=0.03)
    assert np.quantile(aucs, 0.975) == pytest.approx(high, abs=0.03)
    narrow = detection_chance_range(500, 500)
    assert narrow[1] - narrow[0] < 0.1 < high - low
    assert np.isnan(detection_chance_range(0, 10)[0])


def test_detection_auc_keeps_near_copies_in_the_fold_of_their_original():
    """Plain folds put a real row in the test fold and its copies, labelled synthetic,
    in the training folds: the AUC drops far below 0.5. Grouped folds do not."""
    rng = np.random.default_rng(0)
    real = pd.DataFrame(rng.normal(size=(12, 6)), columns=list("abcdef"))
    copies = real.iloc[rng.integers(0, 12, 60)].reset_index(drop=True)
    low, high = detection_chance_range(12, 60)
    plain = [detection_auc(real, copies, random_state=s) for s in range(3)]
    grouped = [detection_auc(real, copies, random_state=s, group_nearest=True) for s in range(3)]
    assert max(plain) < low
    assert all(low <= auc <= high for auc in grouped)
    far = detection_auc(real, copies + 3, group_nearest=True)
    assert far > 0.9


def test_detection_reading_says_what_the_auc_means():
    assert detection_reading(0.55, (0.4, 0.6), (20, 100)) == (
        "indistinguishable: chance alone gives 0.40 to 0.60 with 20 real and 100 synthetic rows")
    assert detection_reading(1.0, (0.4, 0.6)).startswith("always told apart")
    assert detection_reading(0.75, (0.4, 0.6)).startswith("often told apart")
    assert "75 % of pairs" in detection_reading(0.75, (0.4, 0.6))
    assert detection_reading(0.2, (0.4, 0.6)).startswith("below chance")
    assert detection_reading(float("nan")).startswith("not computed")


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


def test_summary_shows_real_row_agreement_beside_synthetic_with_readings():
    real, synth = make_table(seed=0), make_table(seed=1, n_major=10)
    report = evaluate(real.drop(columns="label"), real["label"], synth.drop(columns="label"),
                      synth["label"])
    assert set(report["conditional_real"]) == set(report["conditional"]) == {"overall", "a", "b"}
    assert all(0 <= v <= 1 for v in report["conditional_real"].values())
    assert set(report["detection_chance"]) == {"overall", "a", "b"}
    assert report["counts"]["b"] == (16, 16) and report["unit"] == "rows"
    summary = format_summary(report)
    lines = summary.splitlines()
    synthetic_row = next(i for i, line in enumerate(lines) if line.startswith("label_agreement "))
    assert lines[synthetic_row + 1].startswith("label_agreement_real ")
    values = lines[synthetic_row + 1].split()[1:]
    assert values == [f"{report['conditional_real'][k]:.3f}" for k in ("overall", "a", "b")]
    assert "Reading" in lines
    assert "detection_auc (0.5 = indistinguishable, 1 = always told apart):" in lines
    assert any(line.strip().startswith("class b") and " vs " in line for line in lines)
    table = report_table(report)
    real_rows = table[table["metric"] == "label_agreement_real"]
    assert real_rows["scope"].tolist() == ["overall", "class a", "class b"]
    readings_ = table.loc[table["metric"].isin(["detection_auc", "label_agreement"]), "reading"]
    assert (readings_ != "").all()


def _with_identifiers(frame, empty_names=False, seed=0):
    """R's row names, an ID and a name column, as a CSV round trip gives them."""
    rng = np.random.default_rng(seed)
    out = frame.copy()
    out.insert(0, "Unnamed: 0", np.arange(1, len(out) + 1))
    out.insert(1, "id", rng.permutation(len(out)) + 1000)
    out["name"] = None if empty_names else [f"bird {i}" for i in range(len(out))]
    return out


def test_evaluate_leaves_identifiers_out_of_scores_and_plots(tmp_path, monkeypatch):
    import ganaug.report

    real = _with_identifiers(make_table(seed=0))
    synth = _with_identifiers(make_table(seed=1, n_major=0), empty_names=True, seed=1)
    X, y, Xs, ys = real.drop(columns="label"), real["label"], synth.drop(columns="label"), synth["label"]
    report = evaluate(X, y, Xs, ys)
    assert list(report["identifiers"]) == ["Unnamed: 0", "id", "name"]
    assert list(report["per_column"].index) == ["x1", "x2", "colour"]
    assert any("Left out of the scores and plots" in n and "'name'" in n for n in report["notes"])
    # the empty names alone tell the synthetic rows apart
    assert detection_auc(X[y == "b"], Xs, group_nearest=True) > 0.95
    assert report["per_class"]["b"]["detection_auc"] < 0.9
    # named ones only; a synthetic table may lack them
    named = evaluate(X, y, Xs.drop(columns="name"), ys, identifiers=["name"])
    assert list(named["identifiers"]) == ["name"]
    assert list(named["per_column"].index) == ["Unnamed: 0", "id", "x1", "x2", "colour"]
    with pytest.raises(ValueError, match=r"identifiers must name columns of real_X\. Got 'nope'"):
        evaluate(X, y, Xs, ys, identifiers=["nope"])

    drawn = []
    for name in ("marginal_figures", "correlation_figure", "projection_figure"):
        original = getattr(ganaug.report, name)

        def spy(real_, *args, _original=original, _name=name, **kwargs):
            drawn.append((_name, list(real_.columns)))
            return _original(real_, *args, **kwargs)

        monkeypatch.setattr(ganaug.report, name, spy)
    path = tmp_path / "report.html"
    write_html_report(report, path, X, y, Xs, ys)
    assert [n for n, _ in drawn] == ["marginal_figures", "correlation_figure", "projection_figure"]
    assert all(columns == ["x1", "x2", "colour"] for _, columns in drawn)
    text = path.read_text(encoding="utf-8")
    assert "Left out of the scores and plots" in text and "Unnamed: 0" in text


def _digit_images(n_major=40, n_minor=12, seed=0, channels=None):
    """Small bright-bar images: class 'one' a vertical bar, 'seven' a bar and a top line."""
    rng = np.random.default_rng(seed)
    shape = (10, 10) if channels is None else (10, 10, channels)
    y = np.repeat(["one", "seven"], [n_major, n_minor])
    X = rng.integers(0, 40, (len(y), *shape)).astype(np.uint8)
    for i, label in enumerate(y):
        col = rng.integers(3, 7)
        X[i, 1:9, col] = 220
        if label == "seven":
            X[i, 1, 2:8] = 220
    return X, y


def test_image_report_speaks_of_images_and_draws_no_pixel_plots(tmp_path):
    import re
    import warnings

    X, y = _digit_images(channels=3)
    Xs, ys = _digit_images(n_major=0, n_minor=30, seed=1, channels=3)
    path = tmp_path / "report.html"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no pandas PerformanceWarning on 300 pixel columns
        report = evaluate(X, y, Xs, ys)
        names = write_html_report(report, path, X, y, Xs, ys)
    assert report["unit"] == "images" and report["identifiers"] == {}
    assert names == ["Real samples", "Synthetic samples", "Mean images", "Nearest real images",
                     "PCA projection"]
    parser, _ = decoded_figures(path)
    assert parser.captions == names
    summary = format_summary(report)
    assert summary.startswith("52 real images, 30 synthetic images")
    page = re.sub(r'src="data:image/png;base64,[^"]+"', "", path.read_text(encoding="utf-8"))
    for text in (summary, page):
        assert not re.search(r"\brows?\b", text), re.search(r".{60}\brows?\b.{20}", text)
        assert "Marginals" not in text and "Correlation differences" not in text
    assert "each pixel's distribution" in page
    with pytest.raises(ValueError, match=r"synth_X must hold images of shape \(10, 10, 3\)"):
        evaluate(X, y, Xs[:, :8], ys)
    with pytest.raises(ValueError, match=r"synth_X must hold images .* Got DataFrame"):
        evaluate(X, y, pd.DataFrame(Xs.reshape(30, -1)), ys)


def test_labelled_image_grid_writes_each_class_name_at_the_start_of_its_row():
    from ganaug.images import image_grid
    from ganaug.plots import labelled_image_grid

    rows = [[np.full((8, 8), 128, np.uint8)] * 3, [np.full((8, 8), 60, np.uint8)] * 3]
    plain = image_grid(rows, scale=4)
    grid = labelled_image_grid(rows, ["cat", "Chinstrap"], scale=4)
    assert grid.shape[0] == plain.shape[0] and grid.shape[1] > plain.shape[1] + 40
    margin = grid[:, : grid.shape[1] - plain.shape[1]]
    np.testing.assert_array_equal(grid[:, margin.shape[1]:], plain)  # images untouched
    band = plain.shape[0] // 2
    top, bottom = margin[:band], margin[band:]
    assert (top < 100).sum() > 20 and (bottom < 100).sum() > 20  # dark text in each row
    assert (bottom < 100).sum() > (top < 100).sum()  # the longer name has more ink
    other = labelled_image_grid(rows, ["dog", "Chinstrap"], scale=4)
    assert not np.array_equal(other[:band], grid[:band]) and np.array_equal(other[band:], grid[band:])
    colour = labelled_image_grid([[np.zeros((8, 8, 3), np.uint8)]], ["x"], scale=4)
    assert colour.ndim == 3 and colour.shape[2] == 3
    with pytest.raises(ValueError, match=r"one label per row \(2 rows\)\. Got 1 labels"):
        labelled_image_grid(rows, ["cat"])


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
    parser, arrays = decoded_figures(tmp_path / "report.html")
    assert parser.captions == ["Marginals, class b", "Correlation differences", "PCA projection"]


def test_evaluate_lists_the_real_rows_rules_with_their_rates(tmp_path):
    """The 'rules' section: each rule of the real rows, and how often each side keeps it."""
    rng = np.random.default_rng(0)
    real = make_table(seed=0)
    real.insert(0, "total", (a := rng.integers(0, 50, len(real))) + (b := rng.integers(0, 50, len(real))))
    real.insert(1, "a", a)
    real.insert(2, "b", b)
    synth = make_table(seed=1, n_major=0)
    sa, sb = rng.integers(0, 50, len(synth)), rng.integers(0, 50, len(synth))
    off = np.arange(len(synth)) % 4 == 0  # every fourth synthetic row breaks the sum
    synth.insert(0, "total", sa + sb + off)
    synth.insert(1, "a", sa)
    synth.insert(2, "b", sb)
    X, y, Xs, ys = real.drop(columns="label"), real["label"], synth.drop(columns="label"), synth["label"]
    report = evaluate(X, y, Xs, ys)
    rules = report["rules"].set_index("rule")
    assert list(rules.columns) == ["kind", "real", "synthetic", "broken", "kept"]
    assert rules.loc["total = a + b", "kind"] == "identity"
    assert rules.loc["total = a + b", "real"] == 1.0
    assert rules.loc["total = a + b", "synthetic"] == pytest.approx(1 - off.mean())
    assert rules.loc["total = a + b", "broken"] == off.sum()
    assert not rules.loc["total = a + b", "kept"]
    assert rules.loc["total >= a", "kept"] and rules.loc["total >= a", "synthetic"] == 1.0
    # x1, x2 and colour are independent of the rest: no rule on them
    assert not any(c in r for r in rules.index for c in ("x1", "x2", "colour"))
    # the keys of before stay
    assert {"overall", "per_class", "per_column", "conditional", "utility", "privacy", "notes",
            "identifiers", "unit"} <= set(report)

    summary = format_summary(report)
    assert "Rules: 3 rules that at least 99 % of the real rows keep; the synthetic rows keep 2" in summary
    line = next(li for li in summary.splitlines() if li.endswith("total = a + b"))
    assert line.split()[:3] == ["1.000", f"{1 - off.mean():.3f}", str(off.sum())]

    out = tmp_path / "report.html"
    write_html_report(report, out, X, y, Xs, ys)
    page = out.read_text()
    assert "<h2>Rules</h2>" in page
    assert f"<td>total = a + b</td><td>1.000</td><td>{1 - off.mean():.3f}</td><td>{off.sum()}</td><td>no</td>" in page

    # a table without rules says so
    plain = evaluate(X.drop(columns=["total"]), y, Xs.drop(columns=["total"]), ys)
    assert plain["rules"].empty
    assert "Rules: none found" in format_summary(plain)
