"""Peak memory and speed of `ganaug sample` writing large files.

    python -m benchmarks.perf.sample_memory [--rows 100000 1000000 10000000] [--formats parquet csv]

Trains a small model on the shipped penguins table (1 epoch: the speed of sampling
does not depend on training), then runs `ganaug sample MODEL -n N -o OUT` in a
child process for each N and output format, and prints the command's time (after
the imports; loading the model included), rows per second and the child's peak
resident memory (its ru_maxrss, from os.wait4). Rows are
generated and written in chunks, so the peak should not grow with N.

Writes ``docs/results/sample_memory.{json,md}`` and its chart (``--results`` elsewhere).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import common

ROOT = common.ROOT


# The child imports ganaug and TensorFlow first, then times only the command itself.
_CHILD = """
import sys, time
import ganaug.cli, keras  # start-up, not timed
start = time.perf_counter()
try:
    ganaug.cli.ganaug(sys.argv[1:], standalone_mode=False)
finally:
    print(f"SECONDS {time.perf_counter() - start}")
"""


def run_sample(model, rows, out):
    """Seconds of `ganaug sample` (model loading included) and the child's peak RSS in MiB."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = [sys.executable, "-c", _CHILD, "sample", str(model), "-n", str(rows),
               "-o", str(out), "--seed", "0", "--force"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    output = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"ganaug sample failed:\n{output}")
    seconds = float(output.rsplit("SECONDS ", 1)[1].split()[0])
    return seconds, usage.ru_maxrss / 1024  # KiB on Linux -> MiB


def payload(rows, argv, seconds):
    sizes = [r for r in rows if r["rows"] > 1]
    formats = sorted({r["format"] for r in sizes})
    return {
        "name": "sample_memory",
        "title": "Memory: `ganaug sample` writing large files",
        "intro": __doc__.split("\n\n")[2],
        "stamp": common.stamp("benchmarks.perf.sample_memory", argv, seconds),
        "sections": [
            {"heading": "Seconds, rows per second and peak memory",
             "text": "The first row samples 1 row: loading the model; its peak is that of start-up.",
             "table": {"columns": ["rows", "format", "seconds", "rows/s", "peak MiB", "file MiB"],
                       "rows": [[f"{r['rows']:,}", r["format"], f"{r['seconds']:.1f}",
                                 "" if r["rows"] == 1 else f"{r['rows'] / r['seconds']:,.0f}",
                                 f"{r['peak_mib']:.0f}", "" if r["file_mib"] is None else f"{r['file_mib']:.1f}"]
                                for r in rows]},
             "chart": {"file": "peak_memory.png", "kind": "bar", "title": "Peak resident memory of `ganaug sample`",
                       "categories": sorted({f"{r['rows']:,}" for r in sizes}, key=lambda v: int(v.replace(",", ""))),
                       "xlabel": "rows sampled", "ylabel": "peak MiB",
                       "series": {f: [r["peak_mib"] for r in sorted(sizes, key=lambda r: r["rows"]) if r["format"] == f]
                                  for f in formats}}},
        ],
        "data": rows,
    }


def main(argv=None):
    start = time.perf_counter()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--formats", nargs="+", default=["parquet", "csv"], choices=["parquet", "csv"])
    parser.add_argument("--results", default=common.RESULTS, help="Folder of the results page.")
    args = parser.parse_args(argv)

    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model = tmp / "penguins.ganaug"
        subprocess.run(
            [sys.executable, "-c", "from ganaug.cli import ganaug; ganaug()", "fit", str(ROOT / "sample_data" / "penguins.csv"),
             "-t", "species", "-o", str(model), "--epochs", "1", "--seed", "0", "--quiet"],
            check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        seconds, peak = run_sample(model, 1, tmp / "one.csv")
        results = [{"rows": 1, "format": "csv", "seconds": seconds, "peak_mib": peak, "file_mib": None}]
        print(f"{'rows':>12} {'format':>8} {'seconds':>9} {'rows/s':>10} {'peak MiB':>9} {'file MiB':>9}")
        print(f"{1:>12,} {'csv':>8} {seconds:>9.1f} {'-':>10} {peak:>9.0f} {'-':>9}  "
              "(loading the model; the peak is that of start-up)")
        for rows in args.rows:
            for fmt in args.formats:
                out = tmp / f"big.{fmt}"
                seconds, peak = run_sample(model, rows, out)
                size = out.stat().st_size / 2**20
                rate = rows / seconds
                results.append({"rows": rows, "format": fmt, "seconds": seconds, "peak_mib": peak, "file_mib": size})
                print(f"{rows:>12,} {fmt:>8} {seconds:>9.1f} {rate:>10,.0f} {peak:>9.0f} {size:>9.1f}",
                      flush=True)
                out.unlink()
    common.write_results(payload(results, argv, time.perf_counter() - start), args.results)


if __name__ == "__main__":
    main()
