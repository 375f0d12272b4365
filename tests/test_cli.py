"""The `ganaug` command line, driven through click's CliRunner on real files."""

import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from ganaug.cli import ganaug

from .conftest import ROOT

FAST = ["--epochs", "2", "--recipe", str(ROOT / "tests" / "tiny.toml"), "--seed", "0", "--quiet"]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "sample_data" / "penguins.csv", "penguins.csv")
    return tmp_path


def run(*args):
    return CliRunner().invoke(ganaug, list(map(str, args)), catch_exceptions=False)


def test_augment_csv_default_output(workdir):
    before = (workdir / "penguins.csv").read_bytes()
    result = run("augment", "penguins.csv", "--target", "species", *FAST[:-1])
    assert result.exit_code == 0, result.output
    assert "Chinstrap" in result.output and "132" in result.output  # count table
    out = pd.read_csv(workdir / "penguins.augmented.csv")
    original = pd.read_csv(workdir / "penguins.csv")
    assert list(out.columns) == list(original.columns)
    assert out["species"].value_counts().to_dict() == {"Adelie": 152, "Gentoo": 152, "Chinstrap": 152}
    pd.testing.assert_frame_equal(out.iloc[: len(original)], original)
    assert (workdir / "penguins.csv").read_bytes() == before


def test_augment_parquet_and_model(workdir):
    pd.read_csv("penguins.csv").to_parquet("p.parquet")
    result = run("augment", "p.parquet", "-t", "species", "-o", "out.parquet",
                 "--save-model", "m.ganaug", "--strategy", '{"Chinstrap": 60}', *FAST)
    assert result.exit_code == 0, result.output
    out = pd.read_parquet("out.parquet")
    assert out["species"].value_counts()["Chinstrap"] == 60
    result = run("sample", "m.ganaug", "-n", "7", "--class", "Chinstrap", "-o", "s.csv", "--seed", "1")
    assert result.exit_code == 0, result.output
    sampled = pd.read_csv("s.csv")
    assert len(sampled) == 7 and set(sampled["species"]) == {"Chinstrap"}
    assert list(sampled.columns) == [c for c in out.columns if c != "species"] + ["species"]


def test_output_file_mode_follows_umask(workdir):
    import os
    import stat

    old = os.umask(0o022)
    try:
        assert run("augment", "penguins.csv", "-t", "species", "-o", "o.csv", *FAST).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((workdir / "o.csv").stat().st_mode) == 0o644


def test_fit_then_sample_spread(workdir):
    assert run("fit", "penguins.csv", "-t", "species", "-o", "m.ganaug", *FAST).exit_code == 0
    result = run("sample", "m.ganaug", "-n", "20", "-o", "s.parquet")
    assert result.exit_code == 0, result.output
    assert len(pd.read_parquet("s.parquet")) == 20


def test_same_seed_same_file(workdir):
    for name in ("a.csv", "b.csv"):
        assert run("augment", "penguins.csv", "-t", "species", "-o", name, *FAST).exit_code == 0
    assert (workdir / "a.csv").read_bytes() == (workdir / "b.csv").read_bytes()


def test_existing_output_needs_force(workdir):
    (workdir / "out.csv").write_text("keep me")
    result = run("augment", "penguins.csv", "-t", "species", "-o", "out.csv", *FAST)
    assert result.exit_code == 1 and "already exists; use --force" in result.output
    assert (workdir / "out.csv").read_text() == "keep me"
    result = run("augment", "penguins.csv", "-t", "species", "-o", "out.csv", "--force", *FAST)
    assert result.exit_code == 0 and (workdir / "out.csv").read_text() != "keep me"


def test_never_overwrites_input(workdir):
    before = (workdir / "penguins.csv").read_bytes()
    result = run("augment", "penguins.csv", "-t", "species", "-o", "penguins.csv", "--force", *FAST)
    assert result.exit_code == 2 and "never overwrites its input" in result.output
    assert (workdir / "penguins.csv").read_bytes() == before


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["augment", "missing.csv", "-t", "species"], 2, "does not exist"),
        (["augment", "penguins.csv", "-t", "nope"], 1, "Target column 'nope' is not in"),
        (["augment", "penguins.csv", "-t", "species", "--strategy", "{bad"], 2, "JSON is invalid"),
        (["augment", "penguins.csv", "-t", "species", "--strategy", '{"Emperor": 3}'], 2,
         "class 'Emperor' is not in the target"),
        (["augment", "penguins.csv", "-t", "species", "--recipe", "nosuch"], 1, "Unknown recipe"),
        (["augment", "penguins.csv", "-t", "species", "--epochs", "0"], 2, "--epochs"),
        (["sample", "penguins.csv", "-n", "3", "-o", "s.csv"], 1, "not a ganaug model"),
    ],
)
def test_user_errors_are_one_line(workdir, args, code, message):
    result = run(*args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_class_with_one_row(workdir):
    frame = pd.read_csv("penguins.csv")
    frame.loc[0, "species"] = "Emperor"
    frame.to_csv("one.csv", index=False)
    result = run("augment", "one.csv", "-t", "species", *FAST)
    assert result.exit_code == 1
    assert "Class 'Emperor' has 1 row" in result.output
    assert not (workdir / "one.augmented.csv").exists()


def test_recipe_by_name_and_bad_key(workdir):
    (workdir / "bad.toml").write_text("epochz = 3\n")
    result = run("augment", "penguins.csv", "-t", "species", "--recipe", "bad.toml")
    assert result.exit_code == 1 and "unknown parameter(s) ['epochz']" in result.output
    from ganaug import load_recipe

    assert load_recipe("fast")["generator_units"] == (128, 128)
    assert load_recipe("careful")["loss"] == "wgan-gp"


def _ganaug_process(*args, cwd):
    """``ganaug ARGS`` in a fresh process, with no TF_CPP_MIN_LOG_LEVEL from the tests."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    return subprocess.run([sys.executable, "-m", "ganaug.cli", *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=600)


def test_cli_prints_only_its_own_lines(workdir):
    fit = _ganaug_process("fit", "penguins.csv", "-t", "species", "-o", "m.ganaug", *FAST, cwd=workdir)
    assert fit.returncode == 0, fit.stderr
    assert (fit.stdout, fit.stderr) == ("Saved model to m.ganaug\n", "")
    quiet = _ganaug_process("sample", "m.ganaug", "-n", "5", "-o", "a.csv", cwd=workdir)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout == "Wrote 5 synthetic rows to a.csv\n"
    assert [line.split(":")[0] for line in quiet.stderr.splitlines()] == ["Note"]  # no copy filter


@pytest.mark.slow
def test_cli_verbose_shows_tensorflow_lines(workdir):
    fit = _ganaug_process("fit", "penguins.csv", "-t", "species", "-o", "m.ganaug", *FAST, cwd=workdir)
    assert fit.returncode == 0, fit.stderr
    quiet = _ganaug_process("sample", "m.ganaug", "-n", "5", "-o", "a.csv", cwd=workdir)
    # --verbose lets through the start-up lines that a plain `import tensorflow` prints
    loud = _ganaug_process("--verbose", "sample", "m.ganaug", "-n", "5", "-o", "b.csv", cwd=workdir)
    assert loud.returncode == 0, loud.stderr
    assert loud.stdout == quiet.stdout.replace("a.csv", "b.csv")
    assert loud.stderr.endswith(quiet.stderr)
    plain = _python_stderr("import tensorflow", cwd=workdir)
    startup = [line.split("] ", 1)[-1] for line in plain.splitlines() if "] " in line]
    assert all(text in loud.stderr for text in startup), (startup, loud.stderr)


def _python_stderr(code, cwd):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600).stderr
