"""The `ganaug` command line, driven through click's CliRunner on real files."""

import numpy as np
import pandas as pd
import pytest

from .conftest import ROOT
from .conftest import run_cli as run

FAST = ["--epochs", "2", "--recipe", str(ROOT / "tests" / "tiny.toml"), "--seed", "0", "--quiet"]


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


@pytest.mark.backends
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
    assert list(sampled.columns) == list(out.columns)  # the training table's column order


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


@pytest.mark.backends
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

    assert load_recipe("fast")["generator_units"] == (64, 64)
    assert load_recipe("careful")["loss"] == "wgan-gp"


def _child_env():
    """The environment of a child process: this checkout's ganaug first on its path (not
    whichever ganaug is installed), and no TF_CPP_MIN_LOG_LEVEL from the tests."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _ganaug_process(*args, cwd):
    """``ganaug ARGS`` in a fresh process, with no TF_CPP_MIN_LOG_LEVEL from the tests."""
    import subprocess
    import sys

    env = _child_env()
    return subprocess.run([sys.executable, "-m", "ganaug.cli", *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.backends
def test_cli_prints_only_its_own_lines(workdir):
    fit = _ganaug_process("fit", "penguins.csv", "-t", "species", "-o", "m.ganaug", *FAST[:-1],
                          cwd=workdir)
    assert fit.returncode == 0, fit.stderr
    assert (fit.stdout, fit.stderr) == ("Saved model to m.ganaug\n", "Training\n")  # the bar's label
    # --quiet: errors only, so a good run prints nothing at all (no TensorFlow lines either)
    fit = _ganaug_process("fit", "penguins.csv", "-t", "species", "-o", "q.ganaug", *FAST, cwd=workdir)
    assert fit.returncode == 0 and (fit.stdout, fit.stderr) == ("", "")
    quiet = _ganaug_process("sample", "m.ganaug", "-n", "5", "-o", "a.csv", cwd=workdir)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout == "Wrote 5 synthetic rows to a.csv\n"
    # Two warnings, each said once: no copy filter, and the shared columns come from the
    # generator.
    notes = quiet.stderr.splitlines()
    assert [line.split(":")[0] for line in notes] == ["Warning", "Warning"], notes
    assert sum("copies" in n for n in notes) == 1 and sum("shared columns" in n for n in notes) == 1
    silent = _ganaug_process("sample", "m.ganaug", "-n", "1", "-o", "b.csv", "-q", cwd=workdir)
    assert silent.returncode == 0 and (silent.stdout, silent.stderr) == ("", "")
    assert len(pd.read_csv(workdir / "b.csv")) == 1


def test_cli_warnings_are_one_plain_line_each(workdir):
    frame = pd.read_csv("penguins.csv")
    frame.insert(0, "tag", [f"P{i:04d}" for i in range(len(frame))])  # an ID column
    frame.to_csv("tagged.csv", index=False)
    run_ = _ganaug_process("augment", "tagged.csv", "-t", "species", "-o", "o.csv", *FAST[:-1],
                           cwd=workdir)
    assert run_.returncode == 0, run_.stderr
    lines = [line for line in run_.stderr.splitlines() if line != "Training"]  # the bar's label
    assert sum(line.startswith("Warning: Column(s) 'tag' hold a different value") for line in lines) == 1
    assert all(line.startswith("Warning: ") for line in lines), lines  # no file:line, no source
    assert ".py:" not in run_.stderr
    quiet = _ganaug_process("augment", "tagged.csv", "-t", "species", "-o", "q.csv", *FAST,
                            cwd=workdir)
    assert quiet.returncode == 0 and (quiet.stdout, quiet.stderr) == ("", "")


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
    import subprocess
    import sys

    env = _child_env()
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600).stderr


# ------------------------------------------------- files come back as written
def _r_style_csv(path, n=60, seed=0):
    """A table written like R's write.csv: quoted text, bare NA, 'None' a category,
    an integer column with gaps, floats with 1 to 2 decimals; the target in the middle."""
    rng = np.random.default_rng(seed)
    lines = ['"","size","label","airbags","pulse","height"']
    for i in range(n):
        pulse = "NA" if i % 7 == 0 else str(int(rng.integers(50, 110)))
        height = "NA" if i % 9 == 0 else f"{rng.normal(170, 8):.2f}".rstrip("0").rstrip(".")
        airbags = ['"None"', '"Driver only"', "NA"][i % 3]
        label = "rare" if i % 4 == 0 else "common"
        lines.append(f'"{i + 1}",{rng.normal(3, 1):.1f},"{label}",{airbags},{pulse},{height}')
    path.write_text("\n".join(lines) + "\n")
    return path


def test_augment_output_starts_with_the_input_bytes(workdir):
    data = _r_style_csv(workdir / "r.csv")
    result = run("augment", "r.csv", "-t", "label", "-o", "out.csv", *FAST)
    assert result.exit_code == 0, result.output
    before, after = data.read_bytes(), (workdir / "out.csv").read_bytes()
    assert after.startswith(before) and len(after) > len(before)
    new_lines = after[len(before):].decode().splitlines()
    assert len(new_lines) == 30  # 45 common, 15 rare
    for line in new_lines:
        index, size, label, airbags, pulse, height = line.split(",")
        assert index.startswith('"') and label in ('"rare"', '"common"')
        assert airbags in ('"None"', '"Driver only"', "NA")  # NA written bare, as R did
        assert pulse == "NA" or pulse.isdigit()  # integers with gaps: no ".0"
        assert height == "NA" or len(height.partition(".")[2]) <= 2
        assert size.count(".") == 1 and len(size.partition(".")[2]) == 1


def test_augment_tsv_with_decimal_comma(workdir):
    frame = pd.read_csv("penguins.csv")
    frame.to_csv("p.tsv", sep="\t", decimal=",", index=False)
    result = run("augment", "p.tsv", "-t", "species", "-o", "out.tsv", *FAST)
    assert result.exit_code == 0, result.output
    out = pd.read_csv("out.tsv", sep="\t", decimal=",")
    assert list(out.columns) == list(frame.columns) and len(out) == 456
    assert out["bill_length_mm"].dtype == float and out["year"].dtype == np.int64
    text = (workdir / "out.tsv").read_text()
    assert text.startswith((workdir / "p.tsv").read_text()) and "." not in text


def test_excel_file_named_csv(workdir):
    (workdir / "book.csv").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    result = run("augment", "book.csv", "-t", "species")
    assert result.exit_code == 1 and "is an Excel workbook" in result.output
    assert "Traceback" not in result.output


def test_bad_sep_option(workdir):
    result = run("augment", "penguins.csv", "-t", "species", "--sep", ";;")
    assert result.exit_code == 2 and "--sep" in result.output and "one character" in result.output


def test_sample_in_chunks_same_seed_same_file(workdir, monkeypatch):
    import ganaug.cli.sampling

    assert run("fit", "penguins.csv", "-t", "species", "-o", "m.ganaug", *FAST).exit_code == 0
    monkeypatch.setattr(ganaug.cli.sampling, "SAMPLE_CHUNK_ROWS", 7)
    for name in ("a.csv", "b.csv", "c.parquet"):
        result = run("sample", "m.ganaug", "-n", "40", "-o", name, "--seed", "3")
        assert result.exit_code == 0, result.output
    assert (workdir / "a.csv").read_bytes() == (workdir / "b.csv").read_bytes()
    text = pd.read_csv("a.csv")
    table = pd.read_parquet("c.parquet")
    assert len(text) == len(table) == 40
    assert text["species"].tolist() == table["species"].tolist()
    assert text["species"].is_monotonic_increasing or len(set(text["species"])) == 3
    assert len(text.drop_duplicates()) > 7  # chunks differ: derived seeds, not one repeated
    one = run("sample", "m.ganaug", "-n", "0", "-o", "empty.parquet", "--seed", "3")
    assert one.exit_code == 0 and len(pd.read_parquet("empty.parquet")) == 0


def test_sample_writes_like_the_training_file(workdir):
    _r_style_csv(workdir / "r.csv")
    assert run("fit", "r.csv", "-t", "label", "-o", "m.ganaug", *FAST).exit_code == 0
    result = run("sample", "m.ganaug", "-n", "25", "-o", "s.csv", "--seed", "0")
    assert result.exit_code == 0, result.output
    lines = (workdir / "s.csv").read_text().splitlines()
    assert lines[0] == '"","size","label","airbags","pulse","height"'  # training order
    for line in lines[1:]:
        pulse, height = line.split(",")[4:]
        assert pulse == "NA" or pulse.isdigit()
        assert height == "NA" or len(height.partition(".")[2]) <= 2
    result = run("sample", "m.ganaug", "-n", "5", "-o", "s.parquet")
    assert list(pd.read_parquet("s.parquet").columns) == ["Unnamed: 0", "size", "label", "airbags", "pulse", "height"]


def test_sample_on_an_image_model_says_so(workdir):
    from ganaug import GANAugmenter

    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, (24, 8, 8), dtype=np.uint8)
    y = np.array([0] * 16 + [1] * 8)
    GANAugmenter(
        epochs=1, steps_per_epoch=5, batch_size=8, latent_dim=8, filter_labels=False, random_state=0
    ).fit(X, y).save("img.ganaug")
    result = run("sample", "img.ganaug", "-n", "3", "-o", "s.csv")
    assert result.exit_code == 1 and "is a model of images" in result.output
    assert "ganaug preview" in result.output and not (workdir / "s.csv").exists()


def test_saved_model_holds_no_training_row_unless_asked(workdir):
    """A model file from `ganaug fit` holds no row hashes and no row's text; with
    --keep-copy-filter it holds the hashes, and `sample` then filters copies."""
    import json
    import zipfile

    data = _r_style_csv(workdir / "r.csv")
    rows = data.read_text().splitlines()[1:]
    assert run("fit", "r.csv", "-t", "label", "-o", "plain.ganaug", *FAST).exit_code == 0
    assert run("fit", "r.csv", "-t", "label", "-o", "kept.ganaug", "--keep-copy-filter",
               *FAST).exit_code == 0
    for name, hashes in (("plain.ganaug", False), ("kept.ganaug", True)):
        with zipfile.ZipFile(name) as archive:
            text = archive.read("metadata.json").decode()
        assert ("train_row_hashes" in json.loads(text)) is hashes
        assert not [row for row in rows if row in text]  # no training line, as written
        assert not [row for row in rows if row.replace('"', '\\"') in text]  # nor JSON-escaped
    plain = run("sample", "plain.ganaug", "-n", "5", "-o", "a.csv")
    kept = run("sample", "kept.ganaug", "-n", "5", "-o", "b.csv")
    assert plain.exit_code == kept.exit_code == 0
    assert "saved without its training-row hashes" in plain.output
    assert "saved without" not in kept.output


# ------------------------------------- mistakes are named before TensorFlow loads
_PROBE = """
import json, sys
from click.testing import CliRunner
from ganaug.cli import ganaug
for args in json.loads(sys.argv[1]):
    result = CliRunner().invoke(ganaug, args)
    print(json.dumps([result.exit_code, result.output,
                      sorted(m for m in ("tensorflow", "keras") if m in sys.modules)]))
"""


def test_mistakes_are_named_before_tensorflow_loads(workdir):
    """Each command checks its arguments and input first: in one fresh process, none of
    these mistakes has imported TensorFlow or Keras when it is named, and a good run
    at the end does (so the probe can tell)."""
    import json
    import subprocess
    import sys

    pd.read_csv("penguins.csv").to_csv("dup.csv", index=False, header=[
        "species", "island", "x", "x", "a", "b", "sex", "year"])
    (workdir / "book.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    (workdir / "zero.toml").write_text("epochs = 0\n")
    digits = str(ROOT / "sample_data" / "digits")
    cases = [
        (["augment", "penguins.csv", "-t", "WRONG"], 1, "Target column 'WRONG' is not in"),
        (["augment", "penguins.csv", "-t", "specie"], 1, "Did you mean 'species'?"),
        (["fit", "penguins.csv", "-t", "species", "-o", "m.ganaug", "--seed", "-1"], 2,
         "Invalid value for '--seed': -1 is not in the range 0<=x<=4294967295"),
        (["augment", "book.xlsx", "-t", "species"], 1, "It is a spreadsheet: save it as CSV"),
        (["augment", "dup.csv", "-t", "species"], 1, "'x' at columns 3 and 4"),
        (["augment", "penguins.csv", "-t", "species", "--recipe", "zero.toml"], 1,
         "The 'epochs' parameter of GANAugmenter"),
        (["augment", "penguins.csv", "-t", "species", "--recipe", "nosuch"], 1, "Unknown recipe"),
        (["augment", "penguins.csv", "-t", "species", "--strategy", "0.5"], 2,
         "Invalid value for --strategy"),
        (["augment", "penguins.csv", "-t", "species", "-o", "out.xlsx"], 2, "Name it .csv"),
        (["augment", "penguins.csv", "-t", "species", "--report", "penguins.csv/r.html"], 2,
         "'penguins.csv' is a file"),
        (["tune", "penguins.csv", "-t", "specie", "-o", "r.toml"], 1, "Did you mean 'species'?"),
        (["compare", "penguins.csv", "-t", "WRONG"], 1, "Target column 'WRONG'"),
        (["compare", "penguins.csv", "-t", "species", "--seed", "-1"], 2, "'--seed'"),
        (["evaluate", "penguins.csv", "penguins.csv", "-t", "WRONG"], 1, "Target column"),
        (["augment-images", digits, "-o", "imgs", "--recipe", "zero.toml"], 1, "'epochs' parameter"),
        (["augment-images", digits, "-o", "imgs", "--seed", "-1"], 2, "'--seed'"),
        (["preview", "penguins.csv", "-o", "grid.jpg"], 2, "name it .png"),
        (["preview", "penguins.csv", "-o", "grid.png"], 1, "is not a ganaug model"),
        (["augment", "penguins.csv", "-t", "species", "-o", "good.csv", *FAST], 0, ""),
    ]
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps([args for args, _, _ in cases])],
        cwd=workdir, env=_child_env(), capture_output=True, text=True, timeout=600,
    )
    assert probe.returncode == 0, probe.stderr
    results = [json.loads(line) for line in probe.stdout.splitlines()]
    assert len(results) == len(cases), probe.stdout
    for (args, code, message), (exit_code, output, heavy) in zip(cases[:-1], results):
        assert (exit_code, heavy) == (code, []), (args, output, heavy)
        assert message in output and "Traceback" not in output, (args, output)
    assert results[-1][0] == 0 and "keras" in results[-1][2], results[-1]


def test_quiet_prints_errors_only_and_a_new_folder_is_said(workdir):
    quiet = run("augment", "penguins.csv", "-t", "species", "-o", "new/sub/out.csv", *FAST)
    assert quiet.exit_code == 0 and quiet.output == ""
    assert (workdir / "new" / "sub" / "out.csv").is_file()
    loud = run("augment", "penguins.csv", "-t", "species", "-o", "other/out.csv",
               "--save-model", "models/m.ganaug", *FAST[:-1])
    assert loud.exit_code == 0, loud.output
    assert "Created the folder 'other' for --output." in loud.output
    assert "Created the folder 'models' for --save-model." in loud.output
    assert "Wrote 456 rows (" in loud.output and "synthetic) to other/out.csv" in loud.output
    error = run("augment", "penguins.csv", "-t", "nope", "-o", "never/out.csv", "-q")
    assert error.exit_code == 1 and error.output.startswith("Error: Target column 'nope'")
    assert not (workdir / "never").exists()  # made only by a write


@pytest.mark.parametrize(
    "command", ["augment", "fit", "augment-images", "preview", "evaluate", "tune", "compare"]
)
def test_every_command_has_quiet(command):
    result = run(command, "--help")
    assert result.exit_code == 0 and "-q, --quiet" in result.output


def test_each_kind_of_warning_is_said_once():
    import warnings

    import click
    from click.testing import CliRunner

    from ganaug.cli.common import reported_warnings
    from ganaug.exceptions import CollapseWarning, FidelityWarning

    @click.command()
    @click.option("--quiet", "-q", is_flag=True)
    def folds(quiet):
        with reported_warnings(quiet, over="10 folds"):
            for fold in range(9):
                for label in ("Adelie", "Chinstrap", "Gentoo"):
                    warnings.warn(FidelityWarning(f"{fold}: class {label!r} lies apart", label=label))
            warnings.warn(CollapseWarning("class 2 collapsed", label=np.int64(2)))
            warnings.warn(CollapseWarning("class 2 collapsed again", label=np.int64(2)))
            for _ in range(3):
                warnings.warn("Training diverged; restarting.")
            warnings.warn("Something else.")
            click.echo("table")

    result = CliRunner().invoke(folds, [])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "table",
        "Warning: 0: class 'Adelie' lies apart [FidelityWarning: 27 such warnings in 10 folds, "
        "for classes 'Adelie', 'Chinstrap' and 'Gentoo'; the first is shown]",
        "Warning: class 2 collapsed [CollapseWarning: 2 such warnings in 10 folds, for class 2; "
        "the first is shown]",
        "Warning: Training diverged; restarting. [3 times in 10 folds]",
        "Warning: Something else.",
    ]
    quiet = CliRunner().invoke(folds, ["-q"])
    assert quiet.output == "table\n"


# A backend whose package is missing: None in sys.modules makes its import fail as if it
# were not installed (whether or not it is).
MISSING_BACKEND = """
import sys
sys.modules["jax"] = None
from click.testing import CliRunner
from ganaug.cli import ganaug
result = CliRunner().invoke(ganaug, ["augment", sys.argv[1], "-t", "species", "-o", sys.argv[2]])
print(result.exit_code)
print(result.output)
"""


def test_a_backend_that_is_not_installed_is_named_with_what_to_install(tmp_path):
    import os
    import subprocess
    import sys

    out = tmp_path / "out.csv"
    done = subprocess.run([sys.executable, "-c", MISSING_BACKEND, str(ROOT / "sample_data" / "penguins.csv"),
                           str(out)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "KERAS_BACKEND": "jax"})
    code, output = done.stdout.split("\n", 1)
    assert code == "1", done.stdout + done.stderr
    assert "Keras's backend is 'jax' (KERAS_BACKEND), but jax is not installed" in output
    assert "pip install 'ganaug[jax]'" in output and "Traceback" not in output + done.stderr
    assert not out.exists()
