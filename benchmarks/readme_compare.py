"""Re-run the README's `ganaug compare` example and put its output into README.md.

The README shows a real run of::

    ganaug compare sample_data/penguins.csv --target species --report report.html

with GANAugmenter's defaults, which change from time to time. This script runs that
command exactly (from a temporary folder holding a copy of ``sample_data/``, so the
report lands there), then replaces the console block between the markers
``<!-- compare-run:begin -->`` and ``<!-- compare-run:end -->`` in README.md with the
command and what it printed, plus a line saying how long it took and how loaded
the machine was. Scores are the same on every run with the same seed; the fit
seconds depend on the machine and its load.

Usage, from the repository root::

    python benchmarks/readme_compare.py            # run, then rewrite README.md
    python benchmarks/readme_compare.py --dry-run  # run and print the block only

Afterwards, re-read the bullets under the block ("What to read in it"): they quote
figures of the run and must agree with the new ones.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BEGIN, END = "<!-- compare-run:begin -->", "<!-- compare-run:end -->"
ARGS = ["compare", "sample_data/penguins.csv", "--target", "species", "--report", "report.html"]


def run_example():
    """The command's stdout, its wall seconds and the 1-minute load average after it."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "sample_data", Path(tmp) / "sample_data")
        env = {**os.environ,
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "ganaug.cli", *ARGS], cwd=tmp, env=env,
                              capture_output=True, text=True)
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"ganaug compare failed (exit {done.returncode}):\n{done.stderr}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return done.stdout, seconds, load


def block(stdout, seconds, load):
    lines = [line.rstrip() for line in stdout.rstrip("\n").splitlines()]
    return "\n".join([
        BEGIN,
        "```console",
        "$ ganaug " + " ".join(ARGS),
        *lines,
        "```",
        "",
        f"(This run: {seconds:.0f} s in all on {os.cpu_count()} CPU cores, load average "
        f"{load:.1f} when it ended; refreshed by `python benchmarks/readme_compare.py`.)",
        END,
    ])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="Print the block; leave README.md alone.")
    args = parser.parse_args(argv)
    new = block(*run_example())
    if args.dry_run:
        print(new)
        return
    text = README.read_text(encoding="utf-8")
    if text.count(BEGIN) != 1 or text.count(END) != 1:
        sys.exit(f"README.md must hold {BEGIN} and {END} once each.")
    head, rest = text.split(BEGIN)
    _, tail = rest.split(END)
    README.write_text(head + new + tail, encoding="utf-8")
    print(new)
    print("\nUpdated README.md; now re-read 'What to read in it' against these figures.")


if __name__ == "__main__":
    main()
