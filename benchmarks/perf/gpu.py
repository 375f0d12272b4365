"""GPU against CPU: fit and sample seconds of the default GANAugmenter on each device.

    KERAS_BACKEND=jax python -m benchmarks.perf.gpu [--quick] [--devices gpu,cpu]
        [--budget 240] [--deadline 480] [--results DIR]

For issue 35 (point 5). Under the Keras backend in ``KERAS_BACKEND`` (JAX or PyTorch on
the project's GPU machines, which have no TensorFlow), each case runs on each device in
a fresh child process: the images of scikit-learn's digits (1,797 8x8 images) resized
to 8x8, 28x28 and 64x64 pixels, 1,000 and 10,000 of them (beyond 1,797, copies moved by
a small random shift), fitted with the default GANAugmenter and sampled (1,000 images,
100 per class); and the 100,000-row mixed table of `benchmarks.perf.speed` fitted, then
1,000,000 rows sampled from it (after an untimed warm-up draw of 1,000 rows). Times
start after the backend has started (not timed). Images work at the size
`working_size='auto'` picks, shown per case: upscaled digits keep little detail, so it
is often 8x8 (`--working-size input` trains at the images' own size).

A child picks its device before the backend loads (JAX: `JAX_PLATFORMS=cpu` or `cuda`;
PyTorch and TensorFlow: `CUDA_VISIBLE_DEVICES=""` for the CPU) and checks where Keras
puts a new tensor; a device that is not there is reported absent, not as an error. A
case that runs past `--budget` seconds is stopped and the device's remaining cases are
skipped; once `--deadline` seconds have passed since the start, the cases left are
skipped. Every skip is noted on the page. By default the GPU runs every case first and
the CPU runs as many as the deadline leaves, so that a run on a 10-minute device slot
ends in time with the GPU's figures complete. ``--quick``: 200 images at 8x8 and
28x28, a 5,000-row table and 50,000 rows sampled (a few minutes on a laptop's CPU).

Writes ``docs/results/gpu.{json,md}`` and one chart (``--results`` elsewhere), after
each case, so that a run stopped from outside keeps the cases it finished. The command
a session runs on the device tool is in ``benchmarks/perf/GPU_RUN.md``; ``--wheels DIR``
downloads the wheels it carries there.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from benchmarks import common  # noqa: E402

MODULE = "benchmarks.perf.gpu"
DEVICES = ("gpu", "cpu")
N_DIGITS = 1797  # images in scikit-learn's digits
SAMPLE_IMAGES = 1_000


def image_case(side, n):
    return {"id": f"images-{side}-{n}", "kind": "images", "side": side, "n": n,
            "label": f"digits {side}x{side} x {n:,}"}


def table_case(rows, sample):
    return {"id": f"table-{rows}", "kind": "table", "rows": rows, "sample": sample,
            "label": f"table {rows:,} x 20"}


# The table first (fit and the 1,000,000-row draw), then the images, smallest first: a
# case that runs past the budget on a device skips only larger ones after it.
FULL_CASES = [table_case(100_000, 1_000_000),
              *[image_case(side, n) for n in (1_000, 10_000) for side in (8, 28, 64)]]
QUICK_CASES = [table_case(5_000, 50_000), image_case(8, 200), image_case(28, 200)]

# Wheels the GPU machines lack (they have torch, jax, numpy, scipy, pandas, pyarrow,
# click, pillow, matplotlib, joblib, threadpoolctl, h5py, ml-dtypes, rich, absl-py),
# pinned to what ganaug is tested with here; scikit-learn travels too, as ganaug uses
# its private parameter validation and imbalanced-learn pins its range.
WHEELS = ["keras==3.15.1", "namex==0.1.0", "optree==0.20.0", "scikit-learn==1.9.1",
          "imbalanced-learn==0.14.2", "sklearn-compat==0.1.6", "keras-tuner==1.4.8",
          "kt-legacy==1.0.5", "tomli-w==1.2.0"]


# ----------------------------------------------------------------------- data
def digit_images(side, n, seed=0):
    """``n`` digits as uint8 images ``(n, side, side)`` and their labels.

    scikit-learn's 1,797 8x8 digits (0-16 scaled to 0-255), resized with Pillow's
    bicubic filter; image *i* is digit ``i % 1797``, and each copy beyond the first
    1,797 is moved by up to ``max(1, side // 14)`` pixels each way (zeros fill in).
    """
    import numpy as np
    from PIL import Image
    from sklearn.datasets import load_digits

    digits = load_digits()
    base = (digits.images * (255 / 16)).round().astype(np.uint8)
    if side != base.shape[1]:
        base = np.stack([np.asarray(Image.fromarray(im).resize((side, side), Image.BICUBIC))
                         for im in base])
    index = np.arange(n) % len(base)
    images, labels = base[index].copy(), digits.target[index]
    copies = np.flatnonzero(np.arange(n) >= len(base))
    if len(copies):
        reach = max(1, side // 14)
        shifts = np.random.default_rng(seed).integers(-reach, reach + 1, size=(len(copies), 2))
        padded = np.pad(images[copies], ((0, 0), (reach, reach), (reach, reach)))
        for k, (i, (dy, dx)) in enumerate(zip(copies, shifts)):
            images[i] = padded[k, reach - dy:reach - dy + side, reach - dx:reach - dx + side]
    return images, labels


# --------------------------------------------------------------------- device
def device_env(device, backend, env=None):
    """The environment of a child that runs on ``device`` ('cpu' or 'gpu')."""
    env = dict(os.environ if env is None else env)
    if backend == "jax":
        env["JAX_PLATFORMS"] = "cuda" if device == "gpu" else "cpu"
    elif device == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""
    return env


def cpu_name():
    """The processor's model name and core count, e.g. 'AMD EPYC 9654 (16 cores)'."""
    name = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    name = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{name} ({os.cpu_count()} cores)"


def placement():
    """Where this process's backend runs: ``{"device": 'cpu' | 'gpu' | None, "name",
    "placement", "keras"}``, read from a tensor Keras makes (the backend's default
    device) and from the framework's own device list; ``device`` is None with a
    ``reason`` when the backend cannot start on the device asked for."""
    try:
        from ganaug.nn.backend import keras

        backend = keras.config.backend()
        if backend == "jax":
            import jax

            jax.devices()  # raises, with the reason, where JAX_PLATFORMS names a platform that is not there
        tensor = keras.ops.zeros((4,))
        if backend == "jax":
            where = next(iter(tensor.devices()))
            kind = "gpu" if where.platform in ("gpu", "cuda", "rocm") else where.platform
            name = where.device_kind if kind == "gpu" else cpu_name()
            seen = f"jax {where.platform}: {', '.join(str(d) for d in jax.devices())}"
        elif backend == "torch":
            import torch

            kind = "gpu" if tensor.device.type == "cuda" else tensor.device.type
            name = torch.cuda.get_device_name(tensor.device) if kind == "gpu" else cpu_name()
            seen = f"torch {tensor.device}, cuda available: {torch.cuda.is_available()}"
        else:
            from ganaug.nn.backend import load_tensorflow

            tf = load_tensorflow()
            kind = "gpu" if "GPU" in tensor.device.upper() else "cpu"
            gpus = tf.config.list_physical_devices("GPU")
            name = (tf.config.experimental.get_device_details(gpus[0]).get("device_name", "GPU")
                    if kind == "gpu" else cpu_name())
            seen = f"tensorflow {tensor.device}, GPUs: {len(gpus)}"
        return {"device": kind, "name": name, "placement": seen, "keras": common.keras_backend()}
    except Exception as error:  # noqa: BLE001 - a device JAX cannot start is an absent one
        asked = os.environ.get("JAX_PLATFORMS")
        message = (str(error) or "no message").splitlines()[0]
        return {"device": None, "reason": (f"JAX_PLATFORMS={asked}: " if asked else "")
                + f"{type(error).__name__}: {message}"[:300]}


# ------------------------------------------------------------------- measuring
def measure(case, working_size="auto", epochs="auto"):
    """One case in this process: ``{"fit_s", "sample_s", ...}``."""
    from ganaug.nn.backend import keras

    keras.ops.convert_to_tensor([0.0])  # start-up of the backend, not timed
    from ganaug import GANAugmenter

    params = {"random_state": 0, "epochs": epochs}
    if case["kind"] == "images":
        X, y = digit_images(case["side"], case["n"])
        start = time.perf_counter()
        aug = GANAugmenter(working_size=working_size, **params).fit(X, y)
        fit = time.perf_counter() - start
        per_class = SAMPLE_IMAGES // len(aug.classes_)
        start = time.perf_counter()
        images, _ = aug.sample(y={c: per_class for c in aug.classes_}, random_state=1)
        sample = time.perf_counter() - start
        return {"fit_s": fit, "sample_s": sample, "sampled": len(images),
                "working_size": list(aug.working_size_)}
    from benchmarks.perf.speed import mixed_table

    X, y = mixed_table(case["rows"])
    start = time.perf_counter()
    aug = GANAugmenter(**params).fit(X, y)
    fit = time.perf_counter() - start
    start = time.perf_counter()
    aug.sample(1_000, random_state=2)
    warm = time.perf_counter() - start
    start = time.perf_counter()
    rows, _ = aug.sample(case["sample"], random_state=1)
    sample = time.perf_counter() - start
    assert len(rows) == case["sample"]
    return {"fit_s": fit, "warm_up_sample_s": warm, "sample_s": sample, "sampled": len(rows),
            "rows_per_s": len(rows) / sample}


def child(device, case_id, working_size, epochs):
    """The child's work: where it runs, then (if that is ``device``) the case."""
    where = placement()
    out = {"where": where}
    if case_id and where["device"] == device:
        case = next(c for c in FULL_CASES + QUICK_CASES if c["id"] == case_id)
        out["result"] = measure(case, working_size, epochs)
    print("GPU-BENCH " + json.dumps(out), flush=True)


def in_child(device, backend, case_id, timeout, working_size="auto", epochs="auto"):
    """:func:`child` in a new process on ``device``; ``{"where", "result"}`` or
    ``{"error": ...}`` / ``{"timeout": seconds}``."""
    command = [sys.executable, "-m", MODULE, "--child", device, "--case", case_id or "",
               "--working-size", working_size, "--epochs", str(epochs)]
    try:
        out = subprocess.run(command, cwd=common.ROOT, env=device_env(device, backend),
                             capture_output=True, text=True, timeout=max(timeout, 1))
    except subprocess.TimeoutExpired:
        return {"timeout": round(timeout)}
    lines = [line for line in out.stdout.splitlines() if line.startswith("GPU-BENCH ")]
    if out.returncode or not lines:
        tail = "\n".join((out.stderr or out.stdout).strip().splitlines()[-15:])
        print(tail, file=sys.stderr)
        last = tail.splitlines()[-1] if tail else f"exit status {out.returncode}"
        return {"error": last[:300]}
    return json.loads(lines[-1][len("GPU-BENCH "):])


# ---------------------------------------------------------------------- running
def run(cases, devices, backend, budget, deadline, working_size="auto", epochs="auto",
        on_case=None, launch=in_child):
    """Every case on every device, devices in turn, within ``budget`` seconds a case
    and ``deadline`` seconds in all; ``{"devices": {device: info}, "results":
    {case_id: {device: cell}}}``. ``on_case(state)`` is called after each case."""
    start = time.perf_counter()
    state = {"devices": {}, "results": {c["id"]: {} for c in cases}}
    for device in devices:
        left = deadline - (time.perf_counter() - start)
        if left <= 5:
            state["devices"][device] = {"present": None, "reason": "not looked at: --deadline reached"}
            for case in cases:
                state["results"][case["id"]][device] = {"skipped": f"--deadline {deadline:g} s reached"}
            continue
        probe = launch(device, backend, None, min(left, 180))
        where = probe.get("where", {})
        if where.get("device") != device:
            reason = (where.get("reason") or probe.get("error")
                      or (f"Keras placed tensors on {where.get('device')}" if where else "no answer in time"))
            state["devices"][device] = {"present": False, "reason": reason}
            print(f"{device}: absent ({reason})", flush=True)
            for case in cases:
                state["results"][case["id"]][device] = {"skipped": "device absent"}
            continue
        state["devices"][device] = {"present": True, **where}
        print(f"{device}: {where['name']} ({where['placement']}; {where['keras']})", flush=True)
        stop = None
        for case in cases:
            left = deadline - (time.perf_counter() - start)
            if stop is None and left <= 5:
                stop = f"--deadline {deadline:g} s reached"
            if stop:
                cell = {"skipped": stop}
            else:
                answer = launch(device, backend, case["id"], min(budget, left), working_size, epochs)
                if "timeout" in answer:
                    at_deadline = budget > left
                    cell = {"stopped": f"after {answer['timeout']} s"
                                       + (" (--deadline)" if at_deadline else " (--budget)")}
                    stop = (f"--deadline {deadline:g} s reached" if at_deadline
                            else f"{case['label']} ran past --budget {budget:g} s")
                elif "error" in answer:
                    cell = {"error": answer["error"]}
                elif "result" not in answer:  # this child's backend did not start on the device
                    seen = answer.get("where", {})
                    cell = {"error": f"not on {device}: {seen.get('placement') or seen.get('reason')}"}
                else:
                    cell = answer["result"]
            state["results"][case["id"]][device] = cell
            print(f"{device} {case['label']}: {describe(case, cell)}", flush=True)
            if on_case is not None:
                on_case(state)
    return state


def describe(case, cell):
    """One line of a case's figures, or why there are none."""
    for key in ("skipped", "stopped", "error"):
        if key in cell:
            return f"{key}: {cell[key]}"
    if case["kind"] == "table":
        return (f"fit {cell['fit_s']:.2f} s, sample {cell['sampled']:,} rows {cell['sample_s']:.2f} s "
                f"({cell['rows_per_s']:,.0f} rows/s)")
    return (f"fit {cell['fit_s']:.2f} s (working size {cell['working_size'][0]}x{cell['working_size'][1]}), "
            f"sample {cell['sampled']:,} images {cell['sample_s']:.2f} s")


# ----------------------------------------------------------------------- page
def _cell(cell, key, spec=".2f"):
    if key in cell:
        return format(cell[key], spec)
    for why in ("skipped", "stopped", "error"):
        if why in cell:
            return {"skipped": "", "stopped": "stopped ", "error": "error: "}[why] + cell[why]
    return ""


def _ratio(results, key):
    cpu, gpu = results.get("cpu", {}), results.get("gpu", {})
    if key in cpu and key in gpu and gpu[key] > 0:
        return f"{cpu[key] / gpu[key]:.1f}x"
    return ""


def table_rows(cases, state):
    """Rows of the side-by-side table: what, CPU, GPU, speed-up, note."""
    rows = []
    for case in cases:
        results = {d: {"skipped": "not asked (--devices)"} for d in DEVICES}
        results.update(state["results"][case["id"]])
        cpu, gpu = results["cpu"], results["gpu"]
        if case["kind"] == "images":
            size = next((c["working_size"] for c in (gpu, cpu) if "working_size" in c), None)
            note = f"works at {size[0]}x{size[1]}" if size else ""
            rows.append([f"fit, {case['label']}", _cell(cpu, "fit_s"), _cell(gpu, "fit_s"),
                         _ratio(results, "fit_s"), note])
            rows.append([f"sample {SAMPLE_IMAGES:,} images, {case['label']}", _cell(cpu, "sample_s"),
                         _cell(gpu, "sample_s"), _ratio(results, "sample_s"), ""])
        else:
            rows.append([f"fit, {case['label']}", _cell(cpu, "fit_s"), _cell(gpu, "fit_s"),
                         _ratio(results, "fit_s"), ""])
            rate = {d: f"{results[d]['rows_per_s']:,.0f} rows/s" for d in ("cpu", "gpu")
                    if "rows_per_s" in results.get(d, {})}
            rows.append([f"sample {case['sample']:,} rows", _cell(cpu, "sample_s"), _cell(gpu, "sample_s"),
                         _ratio(results, "sample_s"),
                         "; ".join(f"{d.upper()} {r}" for d, r in rate.items())])
    return rows


def payload(cases, state, argv, seconds, args):
    """The results page: devices, the side-by-side table, a chart of fit seconds."""
    devices = [[d.upper(), info.get("name", "absent"), info.get("placement", info.get("reason", ""))]
               for d, info in state["devices"].items()]
    keras_line = next((i["keras"] for i in state["devices"].values() if i.get("keras")), None)
    stamp = common.stamp(MODULE, argv, seconds)
    if keras_line:
        stamp["keras"] = keras_line
    absent = [d.upper() for d, info in state["devices"].items() if info["present"] is False]
    notes = [f"Seconds of one run per cell; speed-up is CPU seconds over GPU seconds. Budget "
             f"{args.budget:g} s a case, deadline {args.deadline:g} s in all; "
             f"`working_size={args.working_size!r}`, `epochs={args.epochs!r}`."]
    if absent:
        notes.append(f"No {' or '.join(absent)} on this machine: its column is empty.")
    skipped = sorted({c["label"] for c in cases for d, cell in state["results"][c["id"]].items()
                      if state["devices"].get(d, {}).get("present") and "fit_s" not in cell})
    if skipped:
        notes.append(f"Not measured on every device present (see the cells): {', '.join(skipped)}.")
    fit_cases = [c for c in cases if any("fit_s" in cell for cell in state["results"][c["id"]].values())]
    sections = [
        {"heading": "Devices", "table": {"columns": ["device", "name", "where Keras put a new tensor"],
                                         "rows": devices}},
        {"heading": "Seconds, CPU and GPU side by side", "text": " ".join(notes),
         "table": {"columns": ["what", "CPU (s)", "GPU (s)", "GPU speed-up", "note"],
                   "rows": table_rows(cases, state)}},
    ]
    if fit_cases:
        sections[-1]["chart"] = {
            "file": "fit_seconds.png", "kind": "bar", "log": True, "title": "Default fit, seconds",
            "categories": [c["label"] for c in fit_cases], "xlabel": "case", "ylabel": "seconds (log)",
            "series": {d.upper(): [state["results"][c["id"]].get(d, {}).get("fit_s") for c in fit_cases]
                       for d in state["devices"] if state["devices"][d]["present"]}}
    return {"name": "gpu", "title": "GPU and CPU: fit and sample seconds",
            "intro": __doc__.split("\n\n")[2].replace("``", "`"), "stamp": stamp, "sections": sections,
            "data": {"cases": cases, **state, "budget_s": args.budget, "deadline_s": args.deadline,
                     "working_size": args.working_size, "epochs": args.epochs}}


# ------------------------------------------------------------------------ main
def download_wheels(folder, python="3.12"):
    """The wheels of :data:`WHEELS` for CPython ``python`` on x86-64 Linux, into ``folder``."""
    platforms = [f"--platform={p}" for p in ("manylinux_2_28_x86_64", "manylinux_2_27_x86_64",
                                             "manylinux_2_17_x86_64", "manylinux2014_x86_64",
                                             "manylinux1_x86_64")]
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                    "--python-version", python, "--implementation", "cp", *platforms, "-d", str(folder),
                    *WHEELS], check=True)


def _epochs(value):
    return value if value == "auto" else int(value)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to try the script on a CPU")
    parser.add_argument("--devices", default="gpu,cpu", help="comma-separated, run in this order")
    parser.add_argument("--budget", type=float, default=240.0, help="seconds a case may take")
    parser.add_argument("--deadline", type=float, default=480.0, help="seconds the whole run may take")
    parser.add_argument("--working-size", default="auto", choices=["auto", "input"],
                        help="images: GANAugmenter's working_size ('input': the images' own size)")
    parser.add_argument("--epochs", type=_epochs, default="auto", help="GANAugmenter's epochs")
    parser.add_argument("--results", default=common.RESULTS, help="Folder of the results page.")
    parser.add_argument("--wheels", default=None, metavar="DIR",
                        help="only download the wheels the GPU machine lacks into DIR")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--case", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.wheels:
        download_wheels(args.wheels)
        return
    if args.child:
        child(args.child, args.case or None, None if args.working_size == "input" else "auto", args.epochs)
        return
    devices = common.pick(args.devices, DEVICES, "devices")
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    cases = QUICK_CASES if args.quick else FULL_CASES
    start = time.perf_counter()

    def write(state):
        common.write_results(payload(cases, state, argv, time.perf_counter() - start, args), args.results)

    print(f"Keras backend {backend}; devices {', '.join(devices)}; {len(cases)} cases", flush=True)
    state = run(cases, devices, backend, args.budget, args.deadline, args.working_size, args.epochs,
                on_case=write)
    write(state)


if __name__ == "__main__":
    main()
