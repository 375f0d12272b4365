"""Peak memory and speed of `ganaug sample` writing large files.

    python benchmarks/sample_memory.py [--rows 100000 1000000 10000000] [--formats parquet csv]

Trains a small model on the shipped penguins table (1 epoch: the speed of sampling
does not depend on training), then runs `ganaug sample MODEL -n N -o OUT` in a
child process for each N and output format, and prints the command's time (after
the imports; loading the model included), rows per second and the child's peak
resident memory (its ru_maxrss, from os.wait4). Rows are
generated and written in chunks of ganaug.cli.SAMPLE_CHUNK_ROWS, so the peak should
not grow with N.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
        seconds, peak = run_sample(model, 1, tmp / "one.csv")
        print(f"{'rows':>12} {'format':>8} {'seconds':>9} {'rows/s':>10} {'peak MiB':>9} {'file MiB':>9}")
        print(f"{1:>12,} {'csv':>8} {seconds:>9.1f} {'-':>10} {peak:>9.0f} {'-':>9}  "
              "(loading the model; the peak is that of start-up)")
        for rows in args.rows:
            for fmt in args.formats:
                out = tmp / f"big.{fmt}"
                seconds, peak = run_sample(model, rows, out)
                size = out.stat().st_size / 2**20
                rate = rows / seconds
                print(f"{rows:>12,} {fmt:>8} {seconds:>9.1f} {rate:>10,.0f} {peak:>9.0f} {size:>9.1f}",
                      flush=True)
                out.unlink()


if __name__ == "__main__":
    main()
