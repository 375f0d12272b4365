"""Sampling on Dask: 100,000,000 rows to Parquet on a LocalCluster of 1 and of 2 workers.

    python -m benchmarks.distributed.sample [--rows 100000000] [--workers 1 2] [--npartitions N]

Trains a model on the shipped penguins table (`ganaug fit`, 1 epoch, default networks:
the speed of sampling does not depend on training; the model of
`benchmarks.perf.sample_memory`), then, for each number of workers, starts a
LocalCluster of that many worker processes of one thread each, warms each worker up
(TensorFlow's import and the model's loading, timed apart) and times
`ganaug.dask.write_parquet(ganaug.dask.sample(model, ROWS, random_state=0), OUT)`:
rows per second, and each worker's peak resident memory (its ru_maxrss, start-up
included). The runs must write the same files, byte for byte, whatever the number of
workers; the benchmark stops if they do not.

Writes ``docs/results/distributed_sample.{json,md}`` (``--results`` elsewhere).
"""

import argparse
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from benchmarks import common

ROOT = common.ROOT


def _peak_mib():
    """This process's peak resident memory in MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fit_model(path):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    subprocess.run(
        [sys.executable, "-m", "ganaug.cli", "fit", str(ROOT / "sample_data" / "penguins.csv"), "-t", "species",
         "-o", str(path), "--epochs", "1", "--seed", "0", "--quiet"],
        check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def run(model, rows, n_workers, npartitions, out):
    """One LocalCluster: start-up seconds, sampling seconds, peak MiB per worker, file hashes."""
    from distributed import Client, LocalCluster

    import ganaug.dask

    with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        client.wait_for_workers(n_workers)
        start = time.perf_counter()
        for worker in client.scheduler_info()["workers"]:  # TensorFlow and the model, on each
            client.compute(ganaug.dask.sample(model, 1), workers=[worker]).result()
        warm = time.perf_counter() - start
        start = time.perf_counter()
        frame = ganaug.dask.sample(model, rows, npartitions=npartitions, random_state=0)
        written = ganaug.dask.write_parquet(frame, out)
        seconds = time.perf_counter() - start
        load = os.getloadavg()[0]  # other work on the machine slows a run: say how much
        peaks = sorted(client.run(_peak_mib).values())
    if written != rows:
        raise SystemExit(f"wrote {written} rows, not {rows}")
    hashes = [hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())]
    size = sum(p.stat().st_size for p in out.iterdir()) / 2**20
    shutil.rmtree(out)
    return {"workers": n_workers, "rows": rows, "partitions": frame.npartitions, "warm_seconds": warm,
            "seconds": seconds, "rows_per_second": rows / seconds, "peak_mib": peaks,
            "dataset_mib": size, "load": load}, hashes


def payload(results, argv, seconds):
    rows = results[0]["rows"]
    base = results[0]["rows_per_second"]
    return {
        "name": "distributed_sample",
        "title": f"Dask: sampling {rows:,} rows to Parquet on 1 and 2 workers",
        "intro": __doc__.split("\n\n")[2],
        "stamp": common.stamp("benchmarks.distributed.sample", argv, seconds),
        "sections": [
            {"heading": "Rows per second and peak memory per worker",
             "text": "Start-up: each worker's TensorFlow import and model load, before the "
                     "timed run. Peak: each worker's, in MiB. Load: the machine's load average "
                     "(1 minute) at the end of the run. Every run wrote the same files, byte "
                     "for byte.",
             "table": {"columns": ["workers", "rows", "partitions", "start-up s", "seconds",
                                   "rows/s", "speed-up", "peak MiB per worker", "dataset MiB", "load"],
                       "rows": [[r["workers"], f"{r['rows']:,}", r["partitions"], f"{r['warm_seconds']:.1f}",
                                 f"{r['seconds']:.0f}", f"{r['rows_per_second']:,.0f}",
                                 f"{r['rows_per_second'] / base:.2f}",
                                 ", ".join(f"{p:.0f}" for p in r["peak_mib"]), f"{r['dataset_mib']:.0f}",
                                 f"{r['load']:.1f}"]
                                for r in results]}},
        ],
        "data": results,
    }


def main(argv=None):
    start = time.perf_counter()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--npartitions", type=int, default=None,
                        help="Partitions (Parquet files); default: one per 250,000 rows (ganaug.dask.ROWS_PER_PARTITION).")
    parser.add_argument("--out", default=None, help="Folder for the (deleted) datasets; default: a temporary one.")
    parser.add_argument("--results", default=common.RESULTS, help="Folder of the results page.")
    args = parser.parse_args(argv)

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    warnings.filterwarnings("ignore", message="This model was", category=UserWarning)
    results, first = [], None
    with tempfile.TemporaryDirectory(dir=args.out) as tmp:
        model = Path(tmp) / "penguins.ganaug"
        fit_model(model)
        print(f"{'workers':>7} {'rows':>13} {'parts':>5} {'start-up s':>10} {'seconds':>8} {'rows/s':>10} "
              f"{'peak MiB per worker':>20}", flush=True)
        for n_workers in args.workers:
            result, hashes = run(model, args.rows, n_workers, args.npartitions, Path(tmp) / "rows")
            if first is not None and hashes != first:
                raise SystemExit(f"{n_workers} workers wrote other files than {args.workers[0]}")
            first = hashes
            results.append(result)
            print(f"{n_workers:>7} {args.rows:>13,} {result['partitions']:>5} {result['warm_seconds']:>10.1f} "
                  f"{result['seconds']:>8.0f} {result['rows_per_second']:>10,.0f} "
                  f"{', '.join(f'{p:.0f}' for p in result['peak_mib']):>20}", flush=True)
    common.write_results(payload(results, argv, time.perf_counter() - start), args.results)


if __name__ == "__main__":
    main()
