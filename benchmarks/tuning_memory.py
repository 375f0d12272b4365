"""Resident memory over a search of many tiny trials: does it stay flat?

keras-tuner is known to grow memory between trials when graphs and optimizers of
finished trials are kept alive. ``ganaug.tuning`` clears the Keras session and
collects garbage after every trial; this script runs N tiny random-search trials on
the sample data and prints the resident set size (VmRSS) after each one.

    PYTHONPATH=. python benchmarks/tuning_memory.py --trials 20 --epochs 2 [--eager]
"""

from __future__ import annotations

import argparse
import os
import pathlib
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = pathlib.Path(__file__).resolve().parent.parent


def rss_mib():
    """Current resident set size of this process, in MiB (Linux /proc)."""
    for line in pathlib.Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmRSS not found in /proc/self/status")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "sample_data" / "penguins.csv"))
    parser.add_argument("--target", default="species")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--eager", action="store_true", help="run_eagerly=True (no tf.function)")
    args = parser.parse_args()

    import pandas as pd

    import ganaug.tuning as tuning

    frame = pd.read_csv(args.data)
    X, y = frame.drop(columns=[args.target]), frame[args.target]
    readings = []

    original = tuning.GANSearch.on_trial_end

    def on_trial_end(self, trial):
        original(self, trial)
        readings.append(rss_mib())
        print(f"trial {len(readings):3d}  {trial.status:<9}  RSS {readings[-1]:8.1f} MiB", flush=True)

    tuning.GANSearch.on_trial_end = on_trial_end
    with tempfile.TemporaryDirectory() as directory:
        tuning.GANTuner(
            tuner="random", max_trials=args.trials, epochs=args.epochs, directory=directory,
            random_state=0, space={"generator_units": (16, 32, 64), "discriminator_units": (16, 32, 64)},
            max_consecutive_failed_trials=args.trials, run_eagerly=args.eager,
        ).search(X, y)
    first, last = readings[0], readings[-1]
    after_warmup = readings[min(4, len(readings) - 1)]
    print(f"mode: {'eager' if args.eager else 'graph (tf.function)'}; {args.trials} trials of {args.epochs} epochs")
    print(
        f"RSS after trial 1: {first:.1f} MiB; after trial {len(readings)}: {last:.1f} MiB; "
        f"growth {last - first:+.1f} MiB in all, {last - after_warmup:+.1f} MiB from trial "
        f"{min(5, len(readings))} to {len(readings)} (max {max(readings):.1f} MiB)."
    )


if __name__ == "__main__":
    main()
