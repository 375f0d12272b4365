"""Synthetic rows keep the table's own rules (issue 32, point 1): found at fit, kept by
construction where possible (shared columns closed under the rules, determined columns
derived), redrawn otherwise; kept by a saved model too; no change for a table without rules."""

import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from ganaug import GANAugmenter, load
from ganaug.tabular.rule_keeping import RuleKeeper, close_shared
from ganaug.tabular.rules import Rule, find_rules, rule_rates

from ..conftest import TINY


def _schools(n=480, seed=0):
    """A table with a dependency (county from district), an identity (testscr is the
    mean of readscr and mathscr), an order (ed76 >= ed66), columns that do not depend
    on the class (county, ed66, ed76) and ones that do (readscr, mathscr)."""
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < 0.2, "high", "low")
    high = y == "high"
    district = rng.integers(0, 24, n)
    read = np.round(rng.normal(650, 12, n) + 15 * high, 1)
    math = np.round(rng.normal(650, 12, n) + 15 * high, 1)
    ed66 = rng.integers(8, 14, n)
    frame = pd.DataFrame({
        "district": [f"d{d:02d}" for d in district],
        "county": [f"c{d // 6}" for d in district],
        "testscr": np.round((read + math) / 2, 2),
        "readscr": read,
        "mathscr": math,
        "ed66": ed66,
        "ed76": ed66 + rng.integers(0, 5, n),
    })
    return frame, pd.Series(y, name="level")


def _fit(X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        aug = GANAugmenter(**{**TINY, "random_state": 0, **params})
        X_res, y_res = aug.fit_resample(X, y)
    return aug, X_res.iloc[len(X):], y_res


@pytest.fixture(scope="module")
def schools():
    X, y = _schools()
    return X, y, find_rules(X)


def test_the_example_table_has_its_three_rules(schools):
    rules = schools[2]
    assert {r.text for r in rules} >= {"county is determined by district",
                                        "testscr = 0.5*readscr + 0.5*mathscr", "ed76 >= ed66"}


def test_synthetic_rows_keep_every_rule_and_free_rows_do_not(schools):
    X, y, rules = schools
    aug, synth, _ = _fit(X, y)
    assert {r.text for r in aug.rules_} == {r.text for r in rules}
    assert len(synth) > 200
    kept = rule_rates(rules, synth)
    real = rule_rates(rules, X)
    assert (kept >= real).all(), kept.to_dict()
    # without keeping them, the same fit breaks them (the test can fail)
    free_aug, free, _ = _fit(X, y, keep_rules=False)
    assert free_aug.rules_ == []
    assert (rule_rates(rules, free) < real).any(), rule_rates(rules, free).to_dict()


def test_derived_values_are_written_to_the_columns_decimals(schools):
    X, y, _ = schools
    _, synth, _ = _fit(X, y, recombine=0.0)  # generated rows only
    score = synth["testscr"].to_numpy()
    mean = ((synth["readscr"] + synth["mathscr"]) / 2).to_numpy()
    np.testing.assert_allclose(score, mean, atol=0.0026)
    # terms written to one decimal, as the real ones (ganaug.tabular.decimals): the mean
    # to its two decimals
    terms = synth[["readscr", "mathscr"]].to_numpy() * 10
    tenths = (np.abs(terms - np.round(terms)) < 1e-6).all(axis=1)
    assert tenths.all()
    np.testing.assert_allclose(score[tenths], np.round(mean[tenths], 2), atol=1e-9)
    assert synth["ed76"].dtype == X["ed76"].dtype


def test_shared_columns_tied_to_class_columns_by_a_rule_are_not_shared(schools):
    X, y, _ = schools
    aug, _, _ = _fit(X, y)
    free, _, _ = _fit(X, y, keep_rules=False)
    # testscr does not depend on the class as strongly as its terms, but is tied to them
    for name in aug.shared_columns_:
        tied = [r for r in aug.rules_ if name in r.columns]
        assert all(set(r.columns) <= set(aug.shared_columns_) for r in tied)
    assert set(aug.shared_columns_) <= set(free.shared_columns_)


def test_a_saved_model_keeps_the_rules(schools, tmp_path):
    X, y, rules = schools
    aug, _, _ = _fit(X, y)
    path = tmp_path / "schools.ganaug"
    aug.save(path)
    loaded = load(path)
    assert [r.text for r in loaded.rules_] == [r.text for r in aug.rules_]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the loaded model's warnings: no training rows
        X_new, _ = loaded.sample(300, random_state=0)
    assert (rule_rates(rules, X_new) >= rule_rates(rules, X)).all()


def test_a_table_without_rules_is_drawn_as_before():
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200),
                      "c": rng.choice(["x", "y", "z"], 200)})
    y = pd.Series(np.where(X["a"] + rng.normal(size=200) > 1.0, 1, 0))
    assert find_rules(X) == []
    _, kept, _ = _fit(X, y)
    _, free, _ = _fit(X, y, keep_rules=False)
    pd.testing.assert_frame_equal(kept, free)


def test_close_shared_leaves_out_whole_groups():
    rules = [Rule("identity", ("t", "a", "b"), "t = a + b"), Rule("order", ("b", "c"), "b >= c"),
             Rule("dependency", ("d", "e"), "e is determined by d")]
    assert close_shared(["t", "a", "c", "d", "e", "f"], rules) == ["d", "e", "f"]
    assert close_shared(["t", "a", "b", "c"], rules) == ["t", "a", "b", "c"]


def test_rules_survive_the_state_round_trip():
    rules = [
        Rule("dependency", ("district", 3), "3 is determined by district", 1.0, 0.1,
             {"mapping": {"d1": 7, "d2": 8}}),
        Rule("identity", ("t", "a", "b"), "t = 0.5*a + 0.5*b", 1.0, np.nan,
             {"target": ("t", None, 0.01), "terms": ((Fraction(1, 2), "a", None, 0.1),
                                                     (Fraction(1, 2), "b", "log", 0.0)),
              "intercept": 2.5, "tolerance": 0.005}),
        Rule("order", ("a", "b"), "a >= b", 0.995, 0.5),
        Rule("combination", ("u", "v"), "only 2 of 4 combinations of u, v occur", 1.0, 0.6,
             {"allowed": {("x", True), ("y", False)}}),
    ]
    keeper = RuleKeeper(rules, whole={"t": False})
    import json

    back = RuleKeeper.from_state(json.loads(json.dumps(keeper.get_state())))
    assert [(r.kind, r.columns, r.text) for r in back.rules] == [(r.kind, r.columns, r.text) for r in rules]
    assert back.rules[0].detail["mapping"] == {"d1": 7, "d2": 8}
    assert back.rules[1].detail["terms"][0][0] == Fraction(1, 2)
    assert back.rules[3].detail["allowed"] == {("x", True), ("y", False)}
    frame = pd.DataFrame({"district": ["d1", "d2", "d9"], 3: [0, 0, 5], "t": [0.0, 0.0, 0.0],
                          "a": [1.0, 2.0, 3.0], "b": [1.0, 1.0, 1.0], "u": ["x", "y", "x"],
                          "v": [True, False, False]})
    derived = back.derive(frame.copy())
    assert derived[3].tolist() == [7, 8, 5]  # d9: never seen, left as it was
    np.testing.assert_allclose(derived["t"], [3.0, 3.5, 4.0])
    assert back.breaking(derived).tolist() == [False, False, True]  # (x, False) never occurs


def test_cli_keeps_rules_unless_told_not_to(schools, tmp_path, monkeypatch):
    from ..conftest import ROOT, run_cli

    X, y, rules = schools
    monkeypatch.chdir(tmp_path)
    X.assign(level=y).to_csv("schools.csv", index=False)
    fast = ["--recipe", str(ROOT / "tests" / "tiny.toml"), "--seed", "0"]
    result = run_cli("augment", "schools.csv", "-t", "level", "-o", "kept.csv", *fast)
    assert result.exit_code == 0, result.output
    result = run_cli("augment", "schools.csv", "-t", "level", "-o", "free.csv", "--no-keep-rules", *fast)
    assert result.exit_code == 0, result.output
    kept = pd.read_csv("kept.csv").iloc[len(X):].drop(columns="level")
    free = pd.read_csv("free.csv").iloc[len(X):].drop(columns="level")
    real = rule_rates(rules, X)
    assert (rule_rates(rules, kept) >= real).all()
    assert (rule_rates(rules, free) < real).any()


def test_rows_that_still_break_a_rule_take_its_columns_from_a_real_row():
    rules = [Rule("combination", ("u", "v"), "only 2 of 4 combinations of u, v occur", 1.0, 0.5,
                  {"allowed": {("x", "p"), ("y", "q")}})]
    keeper = RuleKeeper(rules, whole={})
    rng = np.random.RandomState(0)
    bad = pd.DataFrame({"u": ["x", "y", "x"], "v": ["q", "p", "p"], "w": [1.0, 2.0, 3.0]})

    def redraw(labels, rng):  # a generator that never learns the rule
        return bad.iloc[: len(labels)].copy()

    def real(labels, rng):
        return pd.DataFrame({"u": ["y"] * len(labels), "v": ["q"] * len(labels), "w": [9.0] * len(labels)})

    labels = np.zeros(3, dtype=int)
    left = keeper.keep(bad.copy(), labels, rng, redraw)
    assert keeper.breaking(left).tolist() == [True, True, False]
    kept = keeper.keep(bad.copy(), labels, rng, redraw, real=real)
    assert not keeper.breaking(kept).any()
    assert kept["w"].tolist() == [1.0, 2.0, 3.0]  # only the rule's columns come from the real row
    assert kept[["u", "v"]].values.tolist() == [["y", "q"], ["y", "q"], ["x", "p"]]


def test_a_repair_that_breaks_another_rule_is_repaired_too():
    allowed_uv = {("x", "p"), ("y", "q")}
    allowed_vw = {("p", "a"), ("q", "b")}
    rules = [Rule("combination", ("u", "v"), "uv", 1.0, 0.5, {"allowed": allowed_uv}),
             Rule("combination", ("v", "w"), "vw", 1.0, 0.5, {"allowed": allowed_vw})]
    keeper = RuleKeeper(rules, whole={})
    # (y, p, a) breaks u-v; taking u, v from the real row gives (y, q, a), which breaks
    # v-w: the same pass takes v, w too
    frame = pd.DataFrame({"u": ["y"], "v": ["p"], "w": ["a"]})
    real = pd.DataFrame({"u": ["y"], "v": ["q"], "w": ["b"]})
    repaired = keeper.repaired(frame, real)
    assert not keeper.breaking(repaired).any()
    assert repaired.values.tolist() == [["y", "q", "b"]]
