"""compare in parallel: joblib's loky processes, a real Dask LocalCluster, the threads each
task gets, warnings from worker processes, and no Dask import unless it is used."""

import json
import os
import subprocess
import sys
import warnings
from unittest import mock

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from threadpoolctl import threadpool_info

from ganaug import GANAugmenter
from ganaug.comparison import compare, cross_validate_arms, threads_per_task

from .conftest import ROOT, TINY, run_cli


@pytest.fixture
def small():
    """120 rows: numbers, a category with missing cells, 3 classes (70/30/20)."""
    rng = np.random.default_rng(1)
    y = pd.Series(np.repeat(["a", "b", "c"], [70, 30, 20]), name="label")
    shift = y.map({"a": 0.0, "b": 1.0, "c": 2.0}).to_numpy()
    X = pd.DataFrame({
        "x1": rng.normal(size=len(y)) + shift,
        "x2": rng.normal(size=len(y)),
        "colour": rng.choice(["red", "blue", "green"], len(y)),
    })
    X.loc[[4, 50, 90], "colour"] = None
    return X, y


def scores(result):
    """The records without the seconds (which differ from run to run)."""
    return result.records.drop(columns=["resample_s", "fit_s"])


class ThreadReporter(ClassifierMixin, BaseEstimator):
    """Predicts the majority class, and warns, from its fit, the process it ran in and
    the largest OpenMP or BLAS thread count it was given."""

    def fit(self, X, y):
        threads = max(p["num_threads"] for p in threadpool_info())
        warnings.warn(f"pid={os.getpid()} threads={threads}", UserWarning)
        self.classes_, counts = np.unique(y, return_counts=True)
        self.majority_ = self.classes_[np.argmax(counts)]
        return self

    def predict(self, X):
        return np.full(len(X), self.majority_)


def reported(caught):
    """(pid, threads) of each ThreadReporter warning."""
    out = []
    for w in caught:
        text = str(w.message)
        if text.startswith("pid="):
            pid, threads = (int(part.split("=")[1]) for part in text.split())
            out.append((pid, threads))
    return out


def test_n_jobs_2_gives_the_scores_of_n_jobs_1_every_arm(small):
    X, y = small
    run = dict(classifier="hgb", augmenter=GANAugmenter(**TINY), folds=2, repeats=1,
               random_state=5)
    one = compare(X, y, n_jobs=1, **run)
    two = compare(X, y, n_jobs=2, **run)
    assert list(two.summary.index) == ["none", "balanced", "threshold", "random", "smote", "ganaug"]
    pd.testing.assert_frame_equal(scores(two), scores(one))


def test_records_stream_in_order_and_progress_counts_every_fold_and_arm(small):
    X, y = small
    ticks = []
    kwargs = dict(classifiers=["logreg", "forest"], arms=["none", "balanced", "random"],
                  folds=3, repeats=1, random_state=2)
    with joblib.parallel_config(n_jobs=2):  # n_jobs=None takes the context's
        records = list(cross_validate_arms(X, y, progress=lambda n, label: ticks.append(label),
                                           **kwargs))
    plain = list(cross_validate_arms(X, y, n_jobs=1, **kwargs))
    assert [{k: v for k, v in r.items() if not k.endswith("_s")} for r in records] == \
        [{k: v for k, v in r.items() if not k.endswith("_s")} for r in plain]
    assert ticks[:3] == ["fold 1/3 none", "fold 1/3 balanced", "fold 1/3 random"]
    assert len(ticks) == 9


def test_warnings_of_worker_processes_reach_the_caller(small):
    X, y = small
    with pytest.warns(UserWarning) as caught:
        compare(X, y, classifier=ThreadReporter(), arms=["none", "random"], folds=2, repeats=1,
                n_jobs=2)
    seen = reported(caught)
    assert len(seen) == 4  # one per (fold, arm)
    assert os.getpid() not in {pid for pid, _ in seen}
    assert all(threads <= max(1, joblib.cpu_count() // 2) for _, threads in seen)


@pytest.mark.skipif(joblib.cpu_count() < 2, reason="needs 2 cores to tell 1 thread from all")
@pytest.mark.parametrize("load, expected", [(0.0, joblib.cpu_count()), (1e6, 1)])
def test_threads_are_the_free_cores(small, monkeypatch, load, expected):
    X, y = small
    before = [p["num_threads"] for p in threadpool_info()]
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert threads_per_task(1) == expected
    with pytest.warns(UserWarning) as caught:
        compare(X, y, classifier=ThreadReporter(), arms=["none"], folds=2, repeats=1)
    assert {threads for _, threads in reported(caught)} == {expected}
    assert [p["num_threads"] for p in threadpool_info()] == before  # the caller's, restored


@pytest.mark.parametrize("n_jobs", [0, 1.5, "2", True])
def test_bad_n_jobs_is_refused(small, n_jobs):
    X, y = small
    with pytest.raises(ValueError, match=rf"n_jobs must be a non-zero integer .* Got {n_jobs!r}"):
        compare(X, y, arms=["none"], folds=2, n_jobs=n_jobs)


def test_compare_runs_on_a_dask_cluster_with_the_same_scores(small):
    distributed = pytest.importorskip("distributed")
    X, y = small
    run = dict(classifier="hgb", arms=["none", "random", "smote"], folds=3, repeats=1,
               random_state=3)
    plain = compare(X, y, **run)
    # Dask's nanny sets OMP_NUM_THREADS=1 and the like in this process's environment, for
    # its workers: patch.dict puts the environment back afterwards.
    with mock.patch.dict(os.environ), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                     dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        workers = set(client.run(os.getpid).values())
        with joblib.parallel_config(backend="dask"):
            on_cluster = compare(X, y, **run)
            with pytest.warns(UserWarning) as caught:
                compare(X, y, classifier=ThreadReporter(), arms=["none", "random"], folds=2,
                        repeats=1)
    pd.testing.assert_frame_equal(scores(on_cluster), scores(plain))
    seen = reported(caught)
    assert len(seen) == 4 and {pid for pid, _ in seen} <= workers


def test_ganaug_and_its_comparison_import_no_dask():
    code = (
        "import sys, ganaug, ganaug.comparison\n"
        "from sklearn.datasets import make_classification\n"
        "X, y = make_classification(n_samples=60, weights=[0.7], random_state=0)\n"
        "ganaug.compare(X, y, classifier='logreg', arms=['none'], folds=2, repeats=1)\n"
        "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]", out.stderr


def test_cli_n_jobs_same_table_and_warnings_said_once(workdir):
    frame = pd.read_csv("penguins.csv")
    frame.insert(0, "tag", [f"P{i:04d}" for i in range(len(frame))])  # the GAN warns of it
    frame.to_csv("tagged.csv", index=False)
    args = ["tagged.csv", "-t", "species", "--arms", "none,ganaug", "--recipe",
            ROOT / "tests" / "tiny.toml", "--classifier", "logreg", "--folds", "2",
            "--repeats", "1"]
    one = run_cli("compare", *args)
    two = run_cli("compare", *args, "--n-jobs", "2")
    assert one.exit_code == 0 and two.exit_code == 0, two.output
    assert [line[:60] for line in two.stdout.splitlines()] == \
        [line[:60] for line in one.stdout.splitlines()]  # the fit seconds may differ
    for result in (one, two):
        lines = [line for line in result.stderr.splitlines() if "'tag' hold a different" in line]
        assert len(lines) == 1 and lines[0].endswith("[2 times in 2 folds]"), result.stderr
    refused = run_cli("compare", *args, "--n-jobs", "0")
    assert refused.exit_code == 2 and "--n-jobs" in refused.output
    assert "Got 0 instead" in refused.output and "Traceback" not in refused.output


def test_benchmark_times_every_way_and_checks_the_scores(tmp_path, small):
    pytest.importorskip("distributed")
    from benchmarks.distributed import compare as bench

    X, y = small
    (tmp_path / "csv" / "pkg").mkdir(parents=True)
    X.assign(label=y).to_csv(tmp_path / "csv" / "pkg" / "tiny.csv")  # R's unnamed index column
    (tmp_path / "suite.toml").write_text('[[table]]\npath = "pkg/tiny.csv"\ntarget = "label"\n',
                                         encoding="utf-8")
    environ = dict(os.environ)
    bench.main(["--suite", str(tmp_path), "--data", str(tmp_path / "csv"), "--table", "tiny",
                "--arms", "none,random", "--folds", "2", "--workers", "1", "--n-jobs", "2",
                "--results", str(tmp_path / "results")])
    assert dict(os.environ) == environ  # the nanny's OMP_NUM_THREADS=1 was put back
    data = json.loads((tmp_path / "results" / "distributed_compare.json").read_text())["data"]
    assert [r["way"] for r in data["runs"]] == [
        "n_jobs=1 (this process)", "n_jobs=2 (joblib's processes)", "LocalCluster, 1 worker(s)"]
    assert all(r["seconds"] > 0 for r in data["runs"]) and data["rows"] == len(y)
    page = (tmp_path / "results" / "distributed_compare.md").read_text()
    assert "| LocalCluster, 1 worker(s) | 1 |" in page and "4 (fold, arm) tasks" in page
