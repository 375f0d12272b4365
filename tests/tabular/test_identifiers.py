"""ganaug.tabular.identifiers: columns that identify a row rather than describe it."""

import io

import numpy as np
import pandas as pd
import pytest

from ganaug.tabular.identifiers import MIN_ROWS, find_identifiers


def _table(n=60, seed=0):
    """Describing columns of every kind find_identifiers must leave alone."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "mass": rng.normal(4000, 400, n),                       # continuous, all different
        "length": rng.normal(40, 5, n).round(1),                # rounded, some repeats
        "count": rng.integers(0, 6, n),                         # small-cardinality integers
        "year": rng.integers(2007, 2010, n),                    # few integer levels
        "grams": rng.choice(np.arange(2000, 90000, 7), n, replace=False),  # distinct, spread
        "island": rng.choice(["Biscoe", "Dream", "Torgersen"], n),
        "level": pd.Categorical([f"l{i}" for i in range(n)]),   # distinct, but categorical
        "flag": rng.random(n) < 0.5,                            # bool
    })


def test_r_style_row_names_an_id_and_a_name_are_found_with_their_reason():
    frame = _table().drop(columns="level")  # read back from CSV, it would be distinct text
    frame.index = frame.index + 1
    frame.insert(0, "customer_id", np.random.default_rng(1).permutation(10**6)[:60])
    frame["name"] = [f"bird {i}" for i in range(60)]
    # R's write.csv: the row names as a first column with an empty header
    text = frame.to_csv(index=True)
    read = pd.read_csv(io.StringIO(text))
    assert read.columns[0] == "Unnamed: 0"
    found = find_identifiers(read)
    assert list(found) == ["Unnamed: 0", "customer_id", "name"]
    assert "consecutive integers 1 to 60" in found["Unnamed: 0"]
    assert "named like an identifier" in found["customer_id"]
    assert "text" in found["name"]


def test_describing_columns_are_never_identifiers():
    frame = _table()
    assert frame["mass"].nunique() == len(frame) and frame["grams"].nunique() == len(frame)
    assert find_identifiers(frame) == {}


def test_row_numbers_with_gaps_and_shuffled_sequences():
    rng = np.random.default_rng(0)
    kept = np.sort(rng.choice(np.arange(1, 101), 70, replace=False))  # 30 rows filtered out
    frame = pd.DataFrame({"row": kept, "shuffled": rng.permutation(70) + 5,
                          "spread": np.sort(rng.choice(10**5, 70, replace=False))})
    found = find_identifiers(frame)
    assert set(found) == {"row", "shuffled"}
    assert "with gaps" in found["row"] and "consecutive integers 5 to 74" in found["shuffled"]


def test_the_times_of_a_series_are_measured_not_row_numbers():
    """A yearly series' years differ in every row and are consecutive, like a row
    number, but a classifier may use them (one of the 40 unseen tables, a series of
    banking crises by year): a column named like a time is not an identifier, unless
    it is also named like an ID."""
    n = 40
    frame = pd.DataFrame({"year": np.arange(1971, 1971 + n), "fiscal_Year": np.arange(n) + 2000,
                          "months": np.arange(n), "year_id": np.arange(n), "yearly": np.arange(n)})
    assert list(find_identifiers(frame)) == ["year_id", "yearly"]


def test_whole_floats_count_as_integers_but_missing_values_do_not_identify():
    seq = np.arange(1.0, 41.0)
    frame = pd.DataFrame({"seq": seq, "gappy": np.r_[np.nan, seq[1:]],
                          "names": [f"n{i}" if i % 5 else None for i in range(40)]})
    found = find_identifiers(frame)
    # a number column with a gap is no row number; a text column of distinct present
    # values is, as TabularEncoder has it
    assert list(found) == ["seq", "names"]


def test_too_few_rows_and_repeats_are_not_identifiers():
    short = pd.DataFrame({"row": np.arange(MIN_ROWS - 1), "name": [f"n{i}" for i in range(MIN_ROWS - 1)]})
    assert find_identifiers(short) == {}
    enough = pd.DataFrame({"row": np.arange(MIN_ROWS), "name": [f"n{i}" for i in range(MIN_ROWS)]})
    assert list(find_identifiers(enough)) == ["row", "name"]
    repeated = enough.copy()
    repeated.loc[3, ["row", "name"]] = [4, "n4"]
    assert find_identifiers(repeated) == {}


def test_camel_case_and_separated_id_names_but_not_words_ending_in_id():
    rng = np.random.default_rng(0)
    codes = rng.choice(10**7, 30, replace=False)
    frame = pd.DataFrame({name: codes for name in ("userId", "patient ID", "key", "paid", "valid")})
    assert list(find_identifiers(frame)) == ["userId", "patient ID", "key"]


def test_arrays_and_bad_input():
    X = np.c_[np.arange(30), np.random.default_rng(0).normal(size=30)]
    assert find_identifiers(X) == {0: "consecutive integers 0 to 29, one per row: a row number"}
    with pytest.raises(ValueError, match=r"X must be a 2-D table\. Got an array of shape \(30,\)"):
        find_identifiers(np.arange(30))
    twice = pd.DataFrame([[1, 2]] * 30, columns=["a", "a"])
    with pytest.raises(ValueError, match=r"distinct column names\. Got 'a' more than once"):
        find_identifiers(twice)
