"""benchmarks.perf.gpu, the script a session with a GPU runs (issue 35): its data, its
device selection, its budget and deadline, and its page when the GPU is absent."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from benchmarks.perf import gpu  # noqa: E402


def test_digit_images_are_resized_digits_then_shifted_copies():
    images, labels = gpu.digit_images(28, gpu.N_DIGITS + 300)
    assert images.shape == (gpu.N_DIGITS + 300, 28, 28) and images.dtype == np.uint8
    np.testing.assert_array_equal(labels[gpu.N_DIGITS:], labels[:300])
    copies, originals = images[gpu.N_DIGITS:].astype(int), images[:300].astype(int)
    moved = [not np.array_equal(c, o) for c, o in zip(copies, originals)]
    assert 0.5 < np.mean(moved) < 1.0  # most copies moved, some by (0, 0)
    reach = 28 // 14
    for copy, original in zip(copies[:20], originals[:20]):  # each is its digit, moved by <= reach
        padded = np.pad(original, reach)
        assert any(np.array_equal(copy, padded[reach - dy:reach - dy + 28, reach - dx:reach - dx + 28])
                   for dy in range(-reach, reach + 1) for dx in range(-reach, reach + 1))
    small, _ = gpu.digit_images(8, 50)
    assert small.shape == (50, 8, 8) and small.max() == 255


def test_device_env_picks_the_device_before_the_backend_loads():
    env = {"PATH": "/bin"}
    assert gpu.device_env("cpu", "jax", env)["JAX_PLATFORMS"] == "cpu"
    assert gpu.device_env("gpu", "jax", env)["JAX_PLATFORMS"] == "cuda"
    assert gpu.device_env("cpu", "torch", env)["CUDA_VISIBLE_DEVICES"] == ""
    assert "CUDA_VISIBLE_DEVICES" not in gpu.device_env("gpu", "torch", env)


def _fake_launch(seconds, answers):
    """A stand-in for in_child: the device's placement, then each case's answer."""
    def launch(device, backend, case_id, timeout, working_size="auto", epochs="auto"):
        seconds.append((device, case_id, timeout))
        if case_id is None:
            if device == "gpu":
                return {"where": {"device": None, "reason": "JAX_PLATFORMS=cuda: no GPU"}}
            return {"where": {"device": "cpu", "name": "a CPU", "placement": "jax cpu:0",
                              "keras": "Keras 3 on jax"}}
        return answers[case_id]
    return launch


def test_absent_gpu_and_a_case_over_budget_are_noted_not_raised(tmp_path):
    cases = [gpu.table_case(100, 1_000), gpu.image_case(8, 50), gpu.image_case(28, 50)]
    answers = {"table-100": {"result": {"fit_s": 1.5, "warm_up_sample_s": 0.1, "sample_s": 0.5,
                                        "sampled": 1_000, "rows_per_s": 2_000.0}},
               "images-8-50": {"timeout": 30}}
    calls = []
    state = gpu.run(cases, ["gpu", "cpu"], "jax", budget=30, deadline=1_000,
                    launch=_fake_launch(calls, answers))
    assert state["devices"]["gpu"] == {"present": False, "reason": "JAX_PLATFORMS=cuda: no GPU"}
    assert [c[:2] for c in calls] == [("gpu", None), ("cpu", None), ("cpu", "table-100"), ("cpu", "images-8-50")]
    assert calls[-1][2] == 30  # the case's timeout is the budget
    results = state["results"]
    assert results["table-100"]["gpu"] == {"skipped": "device absent"}
    assert results["images-8-50"]["cpu"] == {"stopped": "after 30 s (--budget)"}
    assert "ran past --budget 30 s" in results["images-28-50"]["cpu"]["skipped"]

    class Args:
        budget, deadline, working_size, epochs = 30, 1_000, "auto", "auto"

    from benchmarks import common

    page = common.write_results(gpu.payload(cases, state, ["--quick"], 3.0, Args), tmp_path)
    text = page.read_text()
    assert "No GPU on this machine" in text and "| GPU | absent | JAX_PLATFORMS=cuda: no GPU |" in text
    assert "| fit, table 100 x 20 | 1.50 | device absent |" in text
    assert "CPU 2,000 rows/s" in text and "stopped after 30 s (--budget)" in text
    assert (tmp_path / "gpu" / "fit_seconds.png").is_file()


def test_the_deadline_skips_the_cases_left():
    cases = [gpu.image_case(8, 50), gpu.image_case(28, 50)]
    calls = []
    state = gpu.run(cases, ["cpu"], "jax", budget=100, deadline=0,
                    launch=_fake_launch(calls, {}))
    assert calls == []  # not even the placement probe
    assert state["devices"]["cpu"] == {"present": None, "reason": "not looked at: --deadline reached"}
    assert state["results"]["images-8-50"]["cpu"] == {"skipped": "--deadline 0 s reached"}


def test_a_case_that_ran_off_its_device_is_an_error_not_a_figure():
    cases = [gpu.image_case(8, 50)]
    answers = {"images-8-50": {"where": {"device": "gpu", "placement": "torch cuda:0"}}}
    state = gpu.run(cases, ["cpu"], "torch", budget=10, deadline=100, launch=_fake_launch([], answers))
    assert state["results"]["images-8-50"]["cpu"] == {"error": "not on cpu: torch cuda:0"}
    assert gpu.table_rows(cases, state)[0] == [
        "fit, digits 8x8 x 50", "error: not on cpu: torch cuda:0", "not asked (--devices)", "", ""]


def test_a_child_reports_where_it_runs():
    """A real child on the CPU, under the backend the suite runs on."""
    answer = gpu.in_child("cpu", os.environ.get("KERAS_BACKEND", "tensorflow"), None, 300)
    assert answer["where"]["device"] == "cpu", answer
    assert answer["where"]["keras"].startswith("Keras ")


@pytest.mark.slow
def test_an_image_case_is_measured():
    """One tiny image case, in this process (about 35 s on a loaded 2-core CPU)."""
    result = gpu.measure(gpu.image_case(8, 100), epochs=1)
    assert result["sampled"] == gpu.SAMPLE_IMAGES and result["working_size"] == [8, 8]
    assert result["fit_s"] > 0 and result["sample_s"] > 0
