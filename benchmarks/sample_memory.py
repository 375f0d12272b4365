"""Peak memory and speed of `ganaug sample` writing large files.

    python benchmarks/sample_memory.py [--rows 100000 1000000 10000000] [--formats parquet csv]

Trains a small model on the shipped penguins table (1 epoch: the speed of sampling
does not depend on training), then runs `ganaug sample MODEL -n N -o OUT` in a
child process for each N and output format, and prints its wall time, rows per
second (after the start-up time of a 1-row run) and peak resident memory (the child's ru_maxrss, from os.wait4). Rows are
generated and written in chunks of ganaug.cli.SAMPLE_CHUNK_ROWS, so the peak should
not grow with N.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_sample(model, rows, out):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = [sys.executable, "-m", "ganaug.cli", "sample", str(model), "-n", str(rows),
               "-o", str(out), "--seed", "0", "--force"]
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    output = proc.stdout.read().decode() + proc.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"ganaug sample failed:\n{output}")
    return seconds, usage.ru_maxrss / 1024  # KiB on Linux -> MiB


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--formats", nargs="+", default=["parquet", "csv"], choices=["parquet", "csv"])
    args = parser.parse_args()

    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model = tmp / "penguins.ganaug"
        subprocess.run(
            [sys.executable, "-m", "ganaug.cli", "fit", str(ROOT / "sample_data" / "penguins.csv"),
             "-t", "species", "-o", str(model), "--epochs", "1", "--seed", "0", "--quiet"],
            check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        start_up, peak = run_sample(model, 1, tmp / "one.csv")
        print(f"{'rows':>12} {'format':>8} {'seconds':>9} {'rows/s':>10} {'peak MiB':>9} {'file MiB':>9}")
        print(f"{1:>12,} {'csv':>8} {start_up:>9.1f} {'-':>10} {peak:>9.0f} {'-':>9}  "
              "(start-up: imports and loading the model)")
        for rows in args.rows:
            for fmt in args.formats:
                out = tmp / f"big.{fmt}"
                seconds, peak = run_sample(model, rows, out)
                size = out.stat().st_size / 2**20
                rate = rows / max(seconds - start_up, 1e-9)
                print(f"{rows:>12,} {fmt:>8} {seconds:>9.1f} {rate:>10,.0f} {peak:>9.0f} {size:>9.1f}",
                      flush=True)
                out.unlink()


if __name__ == "__main__":
    main()
