"""Messy input fails clearly, in Python and in the CLI; faults lose nothing."""

import os
import signal
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from ganaug import GANAugmenter
from ganaug.cli import ganaug
from ganaug.io import read_table

from .conftest import ROOT, TINY, mixed_table

TINY_RECIPE = str(ROOT / "tests" / "tiny.toml")




def _cli(tmp_path, frame_or_text, *extra, name="data.csv"):
    path = tmp_path / name
    if isinstance(frame_or_text, pd.DataFrame):
        frame_or_text.to_csv(path, index=False)
    elif isinstance(frame_or_text, bytes):
        path.write_bytes(frame_or_text)
    else:
        path.write_text(frame_or_text)
    args = ["augment", str(path), "--target", "label", "--recipe", TINY_RECIPE, "--quiet",
            "-o", str(tmp_path / "out.csv"), *extra]
    result = CliRunner().invoke(ganaug, args, catch_exceptions=False)
    assert "Traceback" not in result.output
    assert not (tmp_path / "out.csv").exists() or result.exit_code == 0
    return result


# ------------------------------------------------------------------ bad files
@pytest.mark.parametrize(
    "content, message",
    [
        ("", "is empty"),
        ("x,k,c,label\n", "has a header but no rows"),
        (b"x,label\n1,\xff\xfe\n2,b\n", "not valid UTF-8"),
        ('x,label\n1,"a\n2,b\n', "Could not read"),
    ],
    ids=["empty", "header-only", "non-utf8", "malformed"],
)
def test_bad_csv_files(tmp_path, content, message):
    result = _cli(tmp_path, content)
    assert result.exit_code == 1 and message in result.output
    assert result.output.count("\n") == 1  # one line


def test_directory_instead_of_file(tmp_path):
    (tmp_path / "dir.csv").mkdir()
    result = CliRunner().invoke(ganaug, ["augment", str(tmp_path / "dir.csv"), "-t", "label"])
    assert result.exit_code == 2 and "is a directory" in result.output
    with pytest.raises(ValueError, match="is a directory"):
        read_table(tmp_path / "dir.csv")


def test_unsupported_extension(tmp_path):
    (tmp_path / "data.xlsx").write_text("x")
    with pytest.raises(ValueError, match="unsupported extension.*Got '.xlsx' instead"):
        read_table(tmp_path / "data.xlsx")


# ------------------------------------------------------------------ bad target
def test_target_with_one_class(tmp_path):
    frame = mixed_table().assign(label="only")
    result = _cli(tmp_path, frame)
    assert result.exit_code == 1 and "needs to have more than 1 class" in result.output


@pytest.mark.parametrize("blank", [np.nan, None, ""])
def test_missing_target_values(tmp_path, blank):
    frame = mixed_table()
    frame.loc[3, "label"] = blank
    result = _cli(tmp_path, frame)
    assert result.exit_code == 1
    assert "y (the target) has 1 missing value(s), first at row 3" in result.output
    with pytest.raises(ValueError, match="first at row 3"):
        GANAugmenter(**TINY).fit_resample(frame.drop(columns="label"), frame["label"].replace("", np.nan))


def test_class_smaller_than_a_batch_is_fine(tmp_path):
    frame = mixed_table(n=80)
    frame.loc[[0, 1], "label"] = "tiny"  # 2 rows, batch of 64
    result = _cli(tmp_path, frame)
    assert result.exit_code == 0, result.output
    out = pd.read_csv(tmp_path / "out.csv")
    assert (out["label"] == "tiny").sum() == (out["label"] == "common").sum()


# --------------------------------------------------------------- bad features
def test_inf_in_features(tmp_path):
    frame = mixed_table()
    frame.loc[5, "x"] = np.inf
    result = _cli(tmp_path, frame)
    assert result.exit_code == 1 and "Column 'x' contains infinite values" in result.output


def test_constant_and_all_missing_columns_work():
    frame = mixed_table().assign(const=7.5, empty_num=np.nan, empty_cat=None)
    X, y = frame.drop(columns="label"), frame["label"]
    X_res, _ = GANAugmenter(**TINY, random_state=0).fit_resample(X, y)
    synth = X_res.iloc[len(X):]
    assert (synth["const"] == 7.5).all()
    assert synth["empty_num"].isna().all() and synth["empty_cat"].isna().all()


def test_many_levels_work_within_limit_and_fail_clearly_beyond():
    rng = np.random.default_rng(0)
    n = 3000
    X = pd.DataFrame({"x": rng.normal(size=n), "city": [f"c{i % 2000}" for i in range(n)]})
    y = np.array([0] * 2700 + [1] * 300)
    X_res, _ = GANAugmenter(**TINY, random_state=0).fit_resample(X, y)
    assert set(X_res["city"]) <= set(X["city"])
    X = pd.concat([X] * 4, ignore_index=True)
    X["city"] = [f"id{i % (2 * n)}" for i in range(4 * n)]  # 6000 levels, each twice
    with pytest.raises(ValueError, match="Column 'city' has 6000 distinct values; .* at most 5000"):
        GANAugmenter(**TINY).fit_resample(X, np.tile(y, 4))


def test_numbers_stored_as_text():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"amount": [f"{v:.2f}" for v in rng.normal(size=60)]}, dtype=object)
    y = np.array([0] * 45 + [1] * 15)
    with pytest.raises(ValueError, match="Column 'amount' holds numbers stored as text"):
        GANAugmenter(**TINY).fit_resample(X, y)
    # named as categorical, it is modelled as categories and comes back as text
    X_res, _ = GANAugmenter(**TINY, categorical_features=["amount"], random_state=0).fit_resample(X, y)
    assert set(X_res["amount"]) <= set(X["amount"])
    # the numeric conversion the message suggests works too
    X_num = X.assign(amount=pd.to_numeric(X["amount"]))
    assert GANAugmenter(**TINY, random_state=0).fit_resample(X_num, y)[0]["amount"].dtype == float


def test_mixed_types_in_one_column():
    X = pd.DataFrame({"v": ["a", 1, "b", 2.5] * 15}, dtype=object)
    y = np.array([0] * 45 + [1] * 15)
    with pytest.raises(ValueError, match="Column 'v' mixes values of different types"):
        GANAugmenter(**TINY).fit_resample(X, y)


def test_duplicate_column_names_are_refused(tmp_path):
    X = mixed_table().drop(columns="label")
    X.columns = ["x", "k", "x"]
    for method in ("fit", "fit_resample"):
        with pytest.raises(ValueError, match="X has more than one column named 'x'; each column"):
            getattr(GANAugmenter(**TINY), method)(X, mixed_table()["label"])
    # the CLI names the file and where the name repeats, before any training
    result = _cli(tmp_path, "x,label,x\n" + "1,a,2\n" * 5 + "3,b,4\n" * 5)
    assert result.exit_code == 1 and "'x' at columns 1 and 3" in result.output


def test_unknown_categorical_feature_name():
    X = mixed_table().drop(columns="label")
    with pytest.raises(ValueError, match="categorical_features names a column.*Got 'nope' instead"):
        GANAugmenter(**TINY, categorical_features=["nope"]).fit_resample(X, mixed_table()["label"])


def test_mismatched_columns_for_the_encoder():
    X = mixed_table().drop(columns="label")
    aug = GANAugmenter(**TINY, random_state=0).fit(X, mixed_table()["label"])
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['c'\]"):
        aug.encoder_.transform(X.drop(columns="c"))






# The CLI, with pandas' CSV writer slowed down: it writes half the file, says so on
# stdout, and sleeps, so that the test can kill the run while the output is half made.
_HALF_WRITTEN = """
import shutil, sys, time
from ganaug.cli import ganaug

real_copy = shutil.copyfileobj

def copy_then_sleep(source, target, *args, **kwargs):
    # the augmented CSV starts with the input's bytes: stop once those are written
    real_copy(source, target, *args, **kwargs)
    target.flush()
    print("half written", flush=True)
    time.sleep(300)

shutil.copyfileobj = copy_then_sleep
ganaug(sys.argv[1:], prog_name="ganaug")
"""


def test_sigterm_leaves_no_partial_output(tmp_path):
    data = tmp_path / "p.csv"
    data.write_bytes((ROOT / "sample_data" / "penguins.csv").read_bytes())
    out = tmp_path / "out.csv"
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": path}  # this checkout
    proc = subprocess.Popen(
        [sys.executable, "-c", _HALF_WRITTEN, "augment", str(data), "-t", "species", "-o",
         str(out), "--recipe", TINY_RECIPE, "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
    )
    try:
        line = proc.stdout.readline()  # blocks until the write is half done (or the run ends)
        partial = [p for p in tmp_path.iterdir() if p.name not in ("p.csv",)]
        assert line == "half written\n", line + proc.stdout.read()
        assert any(p.stat().st_size > 0 for p in partial), partial  # killed mid-write
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 128 + signal.SIGTERM
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.csv"]


def test_atomic_write_fsyncs_before_rename(tmp_path, monkeypatch):
    from ganaug.io import atomic_path

    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append(("fsync", os.fstat(fd).st_ino)), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (events.append(("replace", os.stat(a).st_ino)), real_replace(a, b))[1])
    with atomic_path(tmp_path / "f.txt") as tmp:
        tmp.write_text("data")
    renamed = next(e for e in events if e[0] == "replace")
    assert ("fsync", renamed[1]) in events[: events.index(renamed)]  # the file, before the rename
    assert (tmp_path / "f.txt").read_text() == "data"


def test_category_column_of_number_codes_is_categorical():
    # 51 US state codes stored as text: as object they are refused (numbers as text),
    # as pandas category the user has said what they are.
    rng = np.random.default_rng(0)
    codes = [str(c) for c in rng.permutation(np.arange(1, 57))[:51]]
    X = pd.DataFrame({"state": pd.Categorical(rng.choice(codes, size=120), categories=codes),
                      "x": rng.normal(size=120)})
    y = np.array([0] * 90 + [1] * 30)
    with pytest.raises(ValueError, match="Column 'state' holds numbers stored as text"):
        GANAugmenter(**TINY).fit_resample(X.assign(state=X["state"].astype(object)), y)
    X_res, _ = GANAugmenter(**TINY, random_state=0).fit_resample(X, y)
    assert X_res["state"].dtype == X["state"].dtype
    assert set(X_res["state"].iloc[120:]) <= set(codes)
