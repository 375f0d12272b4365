import os
import shutil
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

# Small networks and few epochs: the tests check behaviour, not sample quality.
TINY = dict(epochs=2, steps_per_epoch=10, batch_size=64, latent_dim=8, generator_units=(16,),
            discriminator_units=(16,))


@pytest.fixture
def tiny():
    return dict(TINY)


def pockets(n_rare, n_common, seed=0):
    """A rare class in four small discs, the common one everywhere else on the square:
    (X, labels, the discs' centres)."""
    rng = np.random.default_rng(seed)
    centres = np.array([[1.0, 1.0], [1.0, 3.0], [3.0, 1.0], [3.0, 3.0]])
    rare = centres[rng.integers(0, 4, n_rare)] + rng.uniform(-0.2, 0.2, size=(n_rare, 2))
    common = rng.uniform(0, 4, size=(3000, 2))
    common = common[np.min(np.linalg.norm(common[:, None] - centres, axis=2), axis=1) > 0.45][:n_common]
    X = pd.DataFrame(np.vstack([common, rare]), columns=["a", "b"])
    y = np.array(["common"] * len(common) + ["rare"] * len(rare))
    return X, y, centres


@pytest.fixture
def penguins():
    frame = pd.read_csv(ROOT / "sample_data" / "penguins.csv")
    return frame.drop(columns="species"), frame["species"]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A fresh working folder holding a copy of the sample table, penguins.csv."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "sample_data" / "penguins.csv", "penguins.csv")
    return tmp_path


def run_cli(*args):
    """`ganaug ARGS...` through click's CliRunner (exceptions raised, not caught)."""
    from click.testing import CliRunner

    from ganaug.cli import ganaug

    return CliRunner().invoke(ganaug, list(map(str, args)), catch_exceptions=False)


def mixed_table(n=60, seed=0):
    """A numeric, a count and a categorical column, and a label: 'rare' a quarter of the rows."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "x": rng.normal(size=n),
        "k": rng.integers(0, 5, size=n),
        "c": rng.choice(["a", "b", "c"], size=n),
        "label": ["common"] * (n - n // 4) + ["rare"] * (n // 4),
    })


# ---------------------------------------------------------------- Keras backends
def run_under_backend(code, backend, *args):
    """Run the Python ``code`` (a script whose last printed line is JSON) with ``args``
    in a fresh process under the Keras ``backend`` (Keras picks its backend once per
    process), from the repository root; its last line, parsed."""
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True,
                         env={**os.environ, "KERAS_BACKEND": backend}, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def needs_backend(backend):
    """Skip the test where the backend's package is not installed."""
    import importlib.util

    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed")
