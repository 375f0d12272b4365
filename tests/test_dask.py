"""ganaug.dask and `ganaug sample --scheduler`, on a real LocalCluster of 2 worker processes.

The cluster (started once for the module, closed at its end) draws every partition
in worker processes, so the model really travels to them as bytes and is loaded
there. "1 worker" runs restrict the same graph to one of the two workers.
"""

import subprocess
import sys

import pandas as pd
import pytest

import ganaug

from .conftest import ROOT, TINY
from .conftest import run_cli as run

distributed = pytest.importorskip("distributed")
gd = pytest.importorskip("ganaug.dask")

# A loaded model's own warnings (no training rows, no row hashes), given by every draw here.
pytestmark = pytest.mark.filterwarnings("ignore:This model was:UserWarning")

FAST = ["--recipe", str(ROOT / "tests" / "tiny.toml"), "--seed", "0", "--quiet"]


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as c:
        c.wait_for_workers(2)
        yield c


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    """A tiny penguins model saved by `ganaug fit`: it knows the file's column order."""
    folder = tmp_path_factory.mktemp("model")
    result = run("fit", ROOT / "sample_data" / "penguins.csv", "-t", "species",
                 "-o", folder / "m.ganaug", *FAST)
    assert result.exit_code == 0, result.output
    return folder / "m.ganaug"


def _on(client, frame, workers=None):
    """``frame`` computed on the cluster (on ``workers`` only if given), and the workers
    that drew its partitions."""
    with distributed.get_task_stream(client) as stream:
        result = client.compute(frame, workers=workers).result()
    drawn = {t["worker"] for t in stream.data if "_partition" in str(t["key"])}
    return result, drawn


def test_same_rows_on_one_and_two_workers(client, model_file):
    rows = gd.sample(model_file, 3000, npartitions=6, random_state=7)
    one_worker = sorted(client.scheduler_info()["workers"])[:1]
    on_one, drawn_one = _on(client, rows, workers=one_worker)
    on_two, drawn_two = _on(client, gd.sample(model_file, 3000, npartitions=6, random_state=7))
    assert drawn_one == set(one_worker) and len(drawn_two) == 2
    pd.testing.assert_frame_equal(on_one, on_two)
    assert len(on_two) == 3000 and on_two.index.tolist() == list(range(3000))
    # Each partition is its own draw: no partition repeats another's rows.
    parts = [on_two.iloc[i * 500:(i + 1) * 500].reset_index(drop=True) for i in range(6)]
    assert not any(parts[0].equals(p) for p in parts[1:])
    other_seed, _ = _on(client, gd.sample(model_file, 3000, npartitions=6, random_state=8))
    other_parts, _ = _on(client, gd.sample(model_file, 3000, npartitions=5, random_state=7))
    assert not other_seed.equals(on_two) and not other_parts.equals(on_two)


def test_columns_and_dtypes_are_the_models(client, model_file, tmp_path):
    """The meta, every partition and the file `ganaug sample` writes agree (text columns
    are Dask's pyarrow strings: NA for missing where pandas's str has NaN)."""
    rows = gd.sample(model_file, 400, npartitions=3, random_state=0)
    frame, _ = _on(client, rows)
    training = pd.read_csv(ROOT / "sample_data" / "penguins.csv")
    assert list(rows.columns) == list(frame.columns) == list(training.columns)
    assert rows.dtypes.to_dict() == frame.dtypes.to_dict()
    assert rows.divisions == (0, 133, 266, 399)
    model = ganaug.load(model_file)
    X, y = model.sample(400, random_state=0)
    for name, dtype in [*X.dtypes.items(), ("species", y.dtype)]:
        if dtype == object or isinstance(dtype, pd.StringDtype):  # text: Dask's pyarrow strings
            assert frame[name].dtype == pd.StringDtype("pyarrow"), name
        else:
            assert frame[name].dtype == dtype, name
    # Spread over the classes as GANAugmenter.sample(n) spreads them.
    assert frame["species"].value_counts().to_dict() == y.value_counts().to_dict()
    # Parquet: the dataset reads back like the file `ganaug sample` writes.
    assert run("sample", model_file, "-n", "50", "-o", tmp_path / "s.parquet").exit_code == 0
    gd.write_parquet(rows, tmp_path / "rows")
    written, dataset = pd.read_parquet(tmp_path / "s.parquet"), pd.read_parquet(tmp_path / "rows")
    assert list(dataset.columns) == list(written.columns)
    for name, dtype in written.dtypes.items():
        if isinstance(dtype, pd.StringDtype):  # pandas's str; Dask's pyarrow strings
            assert isinstance(dataset[name].dtype, pd.StringDtype), name
        else:
            assert dataset[name].dtype == dtype, name


def test_a_fitted_model_samples_like_its_saved_file(client, tmp_path):
    from ganaug import GANAugmenter

    training = pd.read_csv(ROOT / "sample_data" / "penguins.csv")
    aug = GANAugmenter(**TINY, random_state=0).fit(training.drop(columns="species"), training["species"])
    aug.save(tmp_path / "m.ganaug", keep_copy_filter=True)
    with pytest.warns(UserWarning, match="holds no training rows"):
        from_memory = gd.sample(aug, y={"Chinstrap": 90, "Gentoo": 10}, npartitions=4)
    from_file = gd.sample(tmp_path / "m.ganaug", y={"Chinstrap": 90, "Gentoo": 10}, npartitions=4)
    a, _ = _on(client, from_memory)
    b, _ = _on(client, from_file)
    pd.testing.assert_frame_equal(a, b)  # random_state=None: the model's own, 0
    assert a["species"].tolist() == ["Chinstrap"] * 90 + ["Gentoo"] * 10
    assert list(a.columns)[-1] == "species"  # a model not fitted from a file: target last


def test_write_parquet_whole(client, model_file, tmp_path):
    rows = gd.sample(model_file, 1000, npartitions=12, random_state=3)
    out = tmp_path / "out"
    assert gd.write_parquet(rows, out) == 1000
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"part.{i:05d}.parquet" for i in range(12)]
    expected, _ = _on(client, rows)
    pd.testing.assert_frame_equal(pd.read_parquet(out), expected.reset_index(drop=True))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing left beside it
    with pytest.raises(FileExistsError, match="already exists; use --force"):
        gd.write_parquet(rows, out)
    (tmp_path / "file.parquet").write_text("old")
    assert gd.write_parquet(gd.sample(model_file, 10, random_state=1), tmp_path / "file.parquet",
                            force=True) == 10
    assert len(pd.read_parquet(tmp_path / "file.parquet")) == 10
    assert gd.write_parquet(gd.sample(model_file, 0), tmp_path / "empty") == 0


def test_a_failed_partition_writes_nothing(client, model_file, tmp_path):
    rows = gd.sample(model_file, 400, npartitions=4, random_state=0)

    def fail_last(frame):
        if len(frame) and frame.index[0] == 300:
            raise ValueError("partition 3 failed")
        return frame

    failing = rows.map_partitions(fail_last)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.parquet").write_text("old")
    one_worker = sorted(client.scheduler_info()["workers"])[:1]  # in order: the failure is last
    for force in (False, True):
        target = tmp_path / ("out" if force else "new")
        with pytest.raises(ValueError, match="partition 3 failed"):
            gd.write_parquet(failing, target, force=force, compute_kwargs={"workers": one_worker})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no part of "new", no temporaries
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["old.parquet"]  # kept as it was


def test_sample_checks_its_arguments(model_file):
    with pytest.raises(ValueError, match="npartitions must be a positive integer. Got 0"):
        gd.sample(model_file, 10, npartitions=0)
    with pytest.raises(ValueError, match="random_state must be a non-negative integer or None. Got -1"):
        gd.sample(model_file, 10, random_state=-1)
    with pytest.raises(ValueError, match="n_rows must be a non-negative integer"):
        gd.sample(model_file, -5)
    with pytest.raises(ValueError, match="not seen in fit.*Got 'Emperor'"):
        gd.sample(model_file, y={"Emperor": 3})
    with pytest.raises(ValueError, match="disagrees with y"):
        gd.sample(model_file, 4, y={"Gentoo": 3})
    with pytest.raises(ValueError, match="does not exist"):
        gd.sample(model_file.parent / "nope.ganaug", 3)
    with pytest.raises(ValueError, match="this is a model of images"):
        gd.sample(ROOT / "tests" / "data" / "image-0.1.0.ganaug", 3)
    assert gd.sample(model_file, 5, npartitions=50).npartitions == 5  # never an empty partition


def test_cli_scheduler(client, model_file, tmp_path):
    address = client.scheduler.address
    out = tmp_path / "rows"
    result = run("sample", model_file, "-n", "900", "-o", out, "--seed", "5", "--npartitions", "3",
                 "--scheduler", address)
    assert result.exit_code == 0, result.output
    assert f"Wrote 900 synthetic rows to {out} (3 Parquet files, drawn on 2 Dask workers)" in result.output
    expected, _ = _on(client, gd.sample(model_file, 900, npartitions=3, random_state=5))
    pd.testing.assert_frame_equal(pd.read_parquet(out), expected.reset_index(drop=True))
    again = run("sample", model_file, "-n", "9", "-o", out, "--scheduler", address)
    assert again.exit_code == 1 and "already exists; use --force" in again.output
    chinstrap = run("sample", model_file, "-n", "10", "-o", out, "--class", "Chinstrap", "--force",
                    "--scheduler", address)
    assert chinstrap.exit_code == 0, chinstrap.output
    assert set(pd.read_parquet(out)["species"]) == {"Chinstrap"}


def test_cli_unreachable_scheduler(model_file, tmp_path):
    import dask

    port = _free_port()
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = run("sample", model_file, "-n", "9", "-o", tmp_path / "rows",
                     "--scheduler", f"tcp://127.0.0.1:{port}")
    assert result.exit_code == 1 and "Could not reach the Dask scheduler" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "rows").exists()


def _free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CHECK = """
import sys
from click.testing import CliRunner
from ganaug.cli import ganaug
for args, option in [
    (["--seed", "-1"], "--seed"),
    (["--npartitions", "2"], "--npartitions"),
    (["-o", "s.csv", "--scheduler", "local"], "--output"),
    (["--scheduler", "host:8786"], "--scheduler"),
    (["-o", "s.xlsx"], "--output"),
]:
    r = CliRunner().invoke(ganaug, ["sample", {model!r}, "-n", "5", "-o", "s.parquet", *args])
    assert r.exit_code == 2 and option in r.output, (args, r.output)
print(",".join(m for m in ("tensorflow", "keras", "dask", "distributed") if m in sys.modules))
"""


def test_cli_checks_arguments_before_loading_tensorflow(model_file, tmp_path):
    out = subprocess.run([sys.executable, "-c", CHECK.format(model=str(model_file))], cwd=tmp_path,
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
    assert not list(tmp_path.iterdir())


def test_import_ganaug_imports_no_dask():
    code = ("import sys, ganaug, ganaug.cli\n"
            "print(','.join(m for m in ('dask', 'distributed') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    code = "import sys, ganaug.dask\nprint('tensorflow' in sys.modules, 'dask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
