"""Tests of ganaug.tabular.rules: a table's own rules, found from its rows."""

import numpy as np
import pandas as pd
import pytest

from ganaug.tabular.rules import KINDS, Rule, find_rules, rule_rates


def by_text(rules):
    return {r.text: r for r in rules}


@pytest.fixture
def survey():
    """A table with one rule of each kind, and columns with none."""
    rng = np.random.default_rng(1)
    n = 600
    district = rng.integers(0, 50, n)
    age = rng.integers(20, 60, n)
    ed = rng.integers(8, 18, n)
    ed66 = ed - rng.integers(0, 4, n)
    wage = rng.integers(100, 3000, n)
    # a design: 3 items x 2 modes x 2 situations, but each item used with one mode only
    item = rng.integers(0, 3, n)
    mode = np.where(item == 2, "do", "want")
    situ = rng.choice(["self", "other"], n)
    # two 3-level factors of which only 5 of 9 combinations occur (no dependency)
    allowed = [("a", "x"), ("a", "y"), ("b", "y"), ("b", "z"), ("c", "z")]
    pick = rng.integers(0, len(allowed), n)
    return pd.DataFrame({
        "id": np.arange(n),
        "district": [f"d{d}" for d in district],
        "county": [f"c{d // 10}" for d in district],
        "total": (read := rng.integers(50, 100, n)) + (math := rng.integers(50, 100, n)),
        "read": read,
        "math": math,
        "exp": age - ed - 6,
        "age": age,
        "ed": ed,
        "ed66": ed66,
        "lwage": np.round(np.log(wage), 6),
        "wage": wage,
        "item": [f"S{i}" for i in item],
        "mode": mode,
        "situ": situ,
        "f1": [allowed[k][0] for k in pick],
        "f2": [allowed[k][1] for k in pick],
        "noise": rng.normal(size=n),
        "level": rng.choice(["lo", "mid", "hi"], n),
    })


def test_find_rules_finds_each_kind(survey):
    rules = by_text(find_rules(survey))
    assert "county is determined by district" in rules
    assert "total = read + math" in rules
    assert "exp = age - ed - 6" in rules
    assert "lwage = log(wage)" in rules
    assert "ed >= ed66" in rules
    assert "mode is determined by item" in rules
    assert "only 5 of 9 combinations of f1, f2 occur" in rules
    for rule in rules.values():
        assert rule.kind in KINDS
        assert rule.rate >= 0.99
        assert rule.rate > rule.chance
        # nothing about the identifier, the noise or the free factor
        assert not {"id", "noise", "level"} & set(rule.columns), rule.text


def test_find_rules_gives_no_rule_for_independent_columns():
    rng = np.random.default_rng(0)
    n = 2000
    frame = pd.DataFrame({f"x{i}": rng.normal(size=n) for i in range(6)})
    for i in range(4):
        frame[f"k{i}"] = rng.integers(0, 5, n)
        frame[f"c{i}"] = rng.choice(list("abc"), n)
    frame["positive"] = rng.lognormal(size=n)
    assert find_rules(frame) == []


@pytest.mark.parametrize("text, column, broken", [
    ("county is determined by district", "county", lambda f: ["c9"] * len(f)),
    ("total = read + math", "total", lambda f: f["total"] + 1),
    ("exp = age - ed - 6", "exp", lambda f: f["exp"] - 1),
    ("lwage = log(wage)", "lwage", lambda f: f["lwage"] + 0.01),
    ("ed >= ed66", "ed66", lambda f: f["ed"] + 1),
    ("mode is determined by item", "mode", lambda f: np.where(f["mode"] == "do", "want", "do")),
    ("only 5 of 9 combinations of f1, f2 occur", "f2",
     lambda f: f["f1"].map({"a": "z", "b": "x", "c": "x"})),
])
def test_holds_catches_rows_that_break_a_rule(survey, text, column, broken):
    rule = by_text(find_rules(survey))[text]
    assert rule.holds(survey).all()
    fake = survey.copy()
    rows = np.arange(0, len(fake), 3)
    fake.loc[rows, column] = np.asarray(broken(fake.loc[rows]))
    keep = rule.holds(fake)
    assert not keep[rows].any()
    assert keep[np.setdiff1d(np.arange(len(fake)), rows)].all()
    assert rule_rates([rule], fake).iloc[0] == pytest.approx(1 - len(rows) / len(fake))


def test_identity_is_exact_to_the_rounding():
    rng = np.random.default_rng(2)
    n = 500
    read = np.round(rng.normal(650, 20, n), 1)
    math = np.round(rng.normal(650, 20, n), 1)
    frame = pd.DataFrame({"testscr": np.round((read + math) / 2, 2), "read": read, "math": math})
    (rule,) = find_rules(frame, kinds=["identity"])
    assert rule.text == "testscr = 0.5*read + 0.5*math"
    off = frame.assign(testscr=frame["testscr"] + 0.06)  # more than the rounding of all three
    assert not rule.holds(off).any()


def test_rows_a_rule_cannot_judge_are_not_counted(survey):
    rules = by_text(find_rules(survey))
    dependency = rules["county is determined by district"]
    identity = rules["total = read + math"]
    fake = survey.head(10).copy()
    fake.loc[0, "district"] = "d999"  # a district the real rows never had
    fake.loc[1, "read"] = np.nan
    fake.loc[2, "county"] = "elsewhere"
    assert dependency.judged(fake).tolist() == [False] + [True] * 9
    assert dependency.holds(fake).tolist() == [True, True, False] + [True] * 7
    assert identity.judged(fake)[1] == np.False_ and identity.holds(fake)[1]
    rates = rule_rates([dependency, identity], fake)
    assert rates.tolist() == [pytest.approx(8 / 9), 1.0]
    assert np.isnan(rule_rates([dependency], fake.iloc[[0]]).iloc[0])


def test_near_unique_determinant_and_near_constant_columns_give_no_rule():
    rng = np.random.default_rng(3)
    n = 300
    frame = pd.DataFrame({
        "district": [f"d{i}" for i in rng.permutation(n)],  # one row each: an identifier
        "code": np.repeat(np.arange(200), [2] * 100 + [1] * 100),  # 1.5 rows per value
        "county": rng.choice(["a", "b", "c"], n),
        "flag": np.r_[np.zeros(n - 1), 1],  # one value in 99.7 % of the rows
        "x": rng.normal(size=n),
    })
    frame["y"] = frame["x"] + frame["flag"]  # equal to x in all rows but one
    rules = find_rules(frame)
    assert all("district" not in r.columns and "code" not in r.columns for r in rules)
    assert all("flag" not in r.columns for r in rules)


def test_order_that_chance_keeps_is_left_out():
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"income": rng.normal(50000, 5000, 400), "age": rng.integers(20, 60, 400)})
    assert find_rules(frame) == []  # every income exceeds every age


def test_design_with_missing_combinations_needs_rows():
    rng = np.random.default_rng(5)
    allowed = [("a", "x"), ("b", "y"), ("c", "z"), ("a", "y"), ("b", "z")]
    pick = rng.integers(0, len(allowed), 30)  # 30 rows for 9 combinations: too few
    few = pd.DataFrame({"f1": [allowed[k][0] for k in pick], "f2": [allowed[k][1] for k in pick]})
    assert find_rules(few, kinds=["combination"]) == []


def test_find_rules_is_deterministic_and_accepts_arrays(survey):
    first = [(r.kind, r.text, r.rate, r.chance) for r in find_rules(survey, random_state=3)]
    again = [(r.kind, r.text, r.rate, r.chance) for r in find_rules(survey, random_state=3)]
    assert first == again
    rng = np.random.default_rng(6)
    a = rng.integers(0, 100, (200, 2)).astype(float)
    rules = find_rules(np.column_stack([a, a.sum(axis=1)]))
    assert [r.text for r in rules] == ["0 = 2 - 1", "2 >= 0", "2 >= 1"]


def test_bad_input_is_refused(survey):
    with pytest.raises(ValueError, match="min_rate must be in"):
        find_rules(survey, min_rate=1.5)
    with pytest.raises(ValueError, match="kinds must be some of"):
        find_rules(survey, kinds=["fd"])
    frame = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(ValueError, match="distinct column names. Got 'a'"):
        find_rules(frame)
    rule = by_text(find_rules(survey))["ed >= ed66"]
    with pytest.raises(ValueError, match="needs column 'ed66'"):
        rule.holds(survey.drop(columns="ed66"))
    assert isinstance(rule, Rule)


def test_nullable_integers_categoricals_and_infinities():
    rng = np.random.default_rng(7)
    n = 300
    a, b = rng.integers(0, 10, n), rng.integers(0, 10, n)
    frame = pd.DataFrame({
        "t": pd.array(a + b, dtype="Int64"), "a": pd.array(a, dtype="Int64"), "b": b.astype(float),
        "cat": pd.Categorical(rng.choice(["x", "y"], n)),
        "inf": np.r_[np.inf, rng.normal(size=n - 1)],
    })
    frame.loc[3, "t"] = pd.NA
    frame["code"] = frame["cat"].map({"x": "X", "y": "Y"}).astype(object)
    rules = find_rules(frame)
    assert [r.text for r in rules] == ["cat and code determine each other", "t = a + b",
                                       "t >= a", "t >= b"]
    assert rule_rates(rules, frame).tolist() == [1.0] * 4
    fake = frame.assign(code=frame["code"].where(frame["cat"] == "x", "X"))
    assert rule_rates(rules[:1], fake).iloc[0] == pytest.approx((frame["cat"] == "x").mean())


def test_exclusive_flags_give_an_order_not_a_rough_identity():
    """dem and rep are never both 1, but a third choice has neither: no identity holds."""
    rng = np.random.default_rng(8)
    vote = rng.choice(["dem", "rep", "other"], 500, p=[0.45, 0.45, 0.1])
    frame = pd.DataFrame({"dem": (vote == "dem").astype(int), "rep": (vote == "rep").astype(int),
                          "x": rng.normal(size=500)})
    assert not [r.text for r in find_rules(frame) if r.kind == "identity"]
    frame["other"] = (vote == "other").astype(int)
    assert "dem = 1 - rep - other" in [r.text for r in find_rules(frame)]
