"""ganaug.nn.backend: fitting from Python writes nothing to stderr that ganaug did not
write, in the main process and in joblib's workers, unless asked to
(GANAUG_BACKEND_LOGS=1).

Each check runs in a fresh process (the backend loads once per process) and reads the
bytes written to its file descriptor 2, where TensorFlow's C++ code writes."""

import os
import subprocess
import sys
import textwrap

import pytest

from .conftest import ROOT, TINY

FIT = f"""
import numpy as np, pandas as pd
from ganaug import GANAugmenter

rng = np.random.default_rng(0)
X = pd.DataFrame({{"a": rng.normal(size=120), "b": rng.normal(size=120)}})
y = np.array(["common"] * 90 + ["rare"] * 30)
aug = GANAugmenter(random_state=0, **{TINY!r})
"""


def _run(code, **env):
    """``python -c code`` in a fresh process, with none of the tests' logging settings:
    (returncode, stdout, stderr as bytes)."""
    child = {k: v for k, v in os.environ.items()
             if k not in ("TF_CPP_MIN_LOG_LEVEL", "GANAUG_BACKEND_LOGS")}
    child["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), child.get("PYTHONPATH")]))
    child.update(env)
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=child, cwd=ROOT,
                         capture_output=True, timeout=600, check=False)
    return out.returncode, out.stdout, out.stderr


def test_a_fit_writes_nothing_to_stderr():
    code, out, err = _run(FIT + "X_res, y_res = aug.fit_resample(X, y)\nprint(len(X_res))")
    assert code == 0, err.decode()
    assert out == b"180\n"
    assert err == b"", err.decode()


def test_a_cross_validation_on_two_processes_writes_nothing_to_stderr():
    code, out, err = _run(FIT + """
from imblearn.pipeline import make_pipeline
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

scores = cross_val_score(make_pipeline(aug, LogisticRegression()), X, y, cv=2, n_jobs=2)
print(len(scores))
""")
    assert code == 0, err.decode()
    assert out == b"2\n"
    assert err == b"", err.decode()


def test_ganaug_backend_logs_lets_the_backend_lines_through():
    code, _, plain = _run("import tensorflow")
    assert code == 0, plain.decode()
    startup = [line.split(b"] ", 1)[-1] for line in plain.splitlines() if b"] " in line]
    if not startup:
        pytest.skip("TensorFlow writes no start-up lines on this machine")
    code, _, err = _run(FIT + "aug.fit(X, y)", GANAUG_BACKEND_LOGS="1")
    assert code == 0, err.decode()
    assert all(text in err for text in startup), (startup, err.decode())
    # '0' is no request for them
    code, _, err = _run("from ganaug.nn.backend import load_keras\nload_keras()",
                        GANAUG_BACKEND_LOGS="0")
    assert (code, err) == (0, b""), err.decode()


def test_a_backend_the_user_loaded_is_left_alone():
    """TensorFlow imported before ganaug trains: ganaug sets no TF_CPP_MIN_LOG_LEVEL of
    its own (the user's logging stays the user's)."""
    code, out, err = _run("""
import os, tensorflow
from ganaug.nn.backend import load_keras
load_keras()
print(os.environ.get("TF_CPP_MIN_LOG_LEVEL"))
""")
    assert code == 0, err.decode()
    assert out == b"None\n"


def test_quiet_import_sets_the_log_level_unless_the_user_did():
    code, out, err = _run("""
import os, sys
from ganaug.nn.backend import load_keras, tensorflow_backend
assert "tensorflow" not in sys.modules and tensorflow_backend()
load_keras()
print(os.environ["TF_CPP_MIN_LOG_LEVEL"], "tensorflow" in sys.modules)
""")
    assert (code, out, err) == (0, b"3 True\n", b""), err.decode()
    code, out, err = _run("""
import os
from ganaug.nn.backend import load_keras
load_keras()
print(os.environ["TF_CPP_MIN_LOG_LEVEL"])
""", TF_CPP_MIN_LOG_LEVEL="1")
    assert (code, out) == (0, b"1\n"), err.decode()


def test_another_keras_backend_gets_no_tensorflow():
    code, out, err = _run("""
import os, sys
from ganaug.nn.backend import load_keras, tensorflow_backend
print(tensorflow_backend())
try:
    print(load_keras().config.backend())
except ImportError as exc:  # jax not installed here
    print(type(exc).__name__)
print("TF_CPP_MIN_LOG_LEVEL" in os.environ, "tensorflow" in sys.modules)
""", KERAS_BACKEND="jax")
    assert code == 0, err.decode()
    lines = out.decode().splitlines()
    assert lines[0] == "False" and lines[1] in ("jax", "ModuleNotFoundError"), lines
    assert lines[2] == "False False", lines


def test_a_failed_import_shows_what_the_backend_wrote(tmp_path):
    """A broken install: the lines captured during the import come back, with the error."""
    fake = tmp_path / "keras"
    fake.mkdir()
    (fake / "__init__.py").write_text(
        "import os\nos.write(2, b'backend says: libfoo.so not found\\n')\n"
        "raise ImportError('broken keras')\n"
    )
    code, _, err = _run("from ganaug.nn.backend import load_keras\nload_keras()",
                        PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]))
    assert code == 1
    assert b"backend says: libfoo.so not found\n" in err
    assert err.rstrip().endswith(b"ImportError: broken keras")
