"""``compare`` in parallel: wall time on one development-suite table.

    python -m benchmarks.distributed.compare [--table Fishing] [--classifier hgb]
        [--arms none,balanced,random,smote,ganaug] [--folds 5] [--repeats 1]
        [--workers 1 2] [--n-jobs 2]

``ganaug.compare`` of one table of the development suite (``../shared/devsuite``; its
``fetch.sh`` unpacks the CSVs once), every arm with GANAugmenter's defaults, run with
the same seed in this process (``n_jobs=1``), with joblib's own worker processes
(``n_jobs=N``), and under ``joblib.parallel_config(backend="dask")`` on a
``dask.distributed.LocalCluster`` of 1 and of 2 worker processes with one thread each
(started before the clock, closed after it). Every way must give the same scores: the
benchmark stops if one does not. A worker's first GAN task loads TensorFlow and
traces the GAN's training function, as a fresh process does; that is part of the
times. The seconds depend on the machine and on what else runs on it: the page's
stamp gives its core count and load average.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from benchmarks import common  # noqa: E402


def timed_compare(X, y, args, n_jobs):
    """(seconds, ComparisonResult) of one ``compare`` run with the benchmark's settings."""
    from ganaug.comparison import compare

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = compare(X, y, classifier=args.classifier, arms=args.arms, folds=args.folds,
                         repeats=args.repeats, random_state=args.seed, n_jobs=n_jobs)
    return time.perf_counter() - start, result


def on_cluster(X, y, args, workers):
    """(cluster start seconds, compare seconds, result) on a LocalCluster of ``workers``
    processes of one thread each. Dask's nanny sets ``OMP_NUM_THREADS=1`` and the like
    in this process's environment to pass them to its workers; they are put back after,
    so that later runs and the page's command do not inherit them."""
    import joblib
    from distributed import Client, LocalCluster

    environ = dict(os.environ)
    start = time.perf_counter()
    try:
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=":0") as cluster, Client(cluster):
            started = time.perf_counter() - start
            with joblib.parallel_config(backend="dask"):
                seconds, result = timed_compare(X, y, args, None)
    finally:
        os.environ.clear()
        os.environ.update(environ)
    return started, seconds, result


def scores(result):
    return result.records.drop(columns=["resample_s", "fit_s"]).reset_index(drop=True)


def payload(runs, args, table, shape, argv, seconds):
    from ganaug.comparison import threads_per_task

    base = runs[0]["seconds"]
    rows = [[r["way"], f"{r['tasks_at_once']}", f"{r['threads_per_task']}",
             "" if r["cluster_start_s"] is None else f"{r['cluster_start_s']:.1f}",
             f"{r['seconds']:.1f}", f"{base / r['seconds']:.2f}", f"{r['task_seconds']:.1f}"]
            for r in runs]
    cores = os.cpu_count()
    text = (
        f"Table `{table}` ({shape[0]:,} rows, {shape[1]} columns), target `{args.target}`; "
        f"classifier `{args.classifier}`; arms {', '.join(args.arms)}; {args.folds} folds x "
        f"{args.repeats} repeat(s), seed {args.seed}: {args.folds * args.repeats * len(args.arms)} "
        "(fold, arm) tasks. The scores of every way are the same as in this process "
        "(checked record by record, the seconds aside). Threads per task: the free cores "
        "(the machine's "
        f"{cores}, less its load average) divided among the tasks that run at once "
        f"(`ganaug.comparison.threads_per_task`; {threads_per_task(1)} for one task "
        "when the page was written). The sum of task seconds adds up each task's "
        "resampling and fitting (`fit_s`): the work, which tasks that share busy cores "
        "stretch."
    )
    if cores is not None and cores <= 2:
        text += (f" This machine has {cores} cores, shared with other work while it ran (see "
                 "the load average above): two workers can gain little here; the times show "
                 "what the cluster costs, not what it gains on a larger machine.")
    return {
        "name": "distributed_compare",
        "title": "compare on a Dask cluster: wall time",
        "intro": __doc__.split("\n\n")[2].replace("``", "`"),
        "stamp": common.stamp("benchmarks.distributed.compare", argv, seconds),
        "sections": [
            {"heading": "Seconds", "text": text,
             "table": {"columns": ["run", "tasks at once", "threads per task",
                                   "cluster start (s)", "compare (s)", "speed-up",
                                   "sum of task seconds"],
                       "rows": rows}},
        ],
        "data": {"table": table, "rows": shape[0], "columns": shape[1], "target": args.target,
                 "classifier": args.classifier, "arms": args.arms, "folds": args.folds,
                 "repeats": args.repeats, "seed": args.seed, "runs": runs},
    }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.distributed.compare",
                                     description=__doc__.splitlines()[0].replace("``", ""))
    parser.add_argument("--suite", type=Path, default=common.DEVSUITE,
                        help="Folder with suite.toml and fetch.sh (default: ../shared/devsuite).")
    parser.add_argument("--data", type=Path, default=None,
                        help="Folder of the CSVs (default: what the suite's fetch.sh prints).")
    parser.add_argument("--table", default="Fishing", help="A table of the suite (file stem).")
    parser.add_argument("--classifier", default="hgb", choices=["hgb", "logreg", "forest"])
    parser.add_argument("--arms", default="none,balanced,random,smote,ganaug")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2],
                        help="LocalCluster sizes (worker processes of one thread each).")
    parser.add_argument("--n-jobs", type=int, default=2,
                        help="Also run with joblib's own processes (0: not).")
    parser.add_argument("--results", type=Path, default=common.RESULTS,
                        help="Folder of the results page (default: docs/results).")
    return parser.parse_args(argv)


def main(argv=None):
    from ganaug.comparison import ARMS, threads_per_task

    args = parse_args(argv)
    args.arms = common.pick(args.arms, ARMS, "arms")
    suite = common.read_suite(args.suite)
    (table,) = common.pick(args.table, [n for n, _, _ in suite], "table")
    _, path, args.target = next(t for t in suite if t[0] == table)
    X, y = common.load_table(args.data or common.fetch(args.suite), path, args.target)
    n_tasks = args.folds * args.repeats * len(args.arms)

    start = time.perf_counter()
    ways = [("n_jobs=1 (this process)", 1, 1, None)]
    if args.n_jobs:
        ways.append((f"n_jobs={args.n_jobs} (joblib's processes)", args.n_jobs,
                     min(args.n_jobs, n_tasks), None))
    ways += [(f"LocalCluster, {w} worker(s)", None, min(w, n_tasks), w) for w in args.workers]
    runs, plain = [], None
    for way, n_jobs, at_once, workers in ways:
        threads = threads_per_task(at_once)  # what compare computes as it starts
        if workers is None:
            cluster_start, (seconds, result) = None, timed_compare(X, y, args, n_jobs)
        else:
            cluster_start, seconds, result = on_cluster(X, y, args, workers)
        runs.append({"way": way, "tasks_at_once": at_once, "threads_per_task": threads,
                     "cluster_start_s": cluster_start, "seconds": seconds,
                     "task_seconds": float(result.records["fit_s"].sum())})
        print(f"{way:<34} {seconds:7.1f} s", file=sys.stderr, flush=True)
        if plain is None:
            plain = scores(result)
        elif not scores(result).equals(plain):
            raise SystemExit(f"{way}: the scores differ from those of n_jobs=1.")
    common.write_results(payload(runs, args, table, X.shape, argv, time.perf_counter() - start),
                         args.results)


if __name__ == "__main__":
    main()
