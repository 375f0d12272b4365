"""The GAN on each Keras backend (issue 35): fit, sample, save and load under JAX and
PyTorch without TensorFlow, the same output for the same random_state, and a model
saved under one backend sampled under another. Each backend runs in its own process
(Keras picks its backend once per process); a backend that is not installed is skipped."""

from pathlib import Path

import pytest

from ..conftest import needs_backend as _needs
from ..conftest import run_under_backend as _run

ROOT = Path(__file__).resolve().parents[2]

# Fit twice with one random_state (the two outputs' hashes), sample, save, load, pickle,
# and say whether TensorFlow was imported by any of it (it is installed: the default
# dependency; Keras's saving would import it but for ganaug.nn.backend).
SCRIPT = """
import hashlib, json, sys
import pandas as pd
from ganaug import GANAugmenter
TINY = dict(epochs=2, steps_per_epoch=10, batch_size=64, latent_dim=8, generator_units=(16,),
            discriminator_units=(16,))
frame = pd.read_csv(sys.argv[1]); y = frame.pop("species")
digest = lambda X: hashlib.sha256(pd.util.hash_pandas_object(X).values.tobytes()).hexdigest()
hashes = [digest(GANAugmenter(random_state=0, **TINY).fit_resample(frame, y)[0]) for _ in range(2)]
aug = GANAugmenter(random_state=0, **TINY).fit(frame, y)
rows = aug.sample(20, random_state=1)[0]
aug.save(sys.argv[2])
import pickle, warnings
import ganaug
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    ganaug.load(sys.argv[2]).sample(5)
    pickle.loads(pickle.dumps(aug)).sample(5)
tensorflow = "tensorflow" in sys.modules
import keras
print(json.dumps({"backend": keras.config.backend(), "hashes": hashes, "tensorflow": tensorflow,
                  "rows": len(rows)}))
"""

# Fit once and save (the model the other backend loads).
SAVE = """
import sys
import pandas as pd
from ganaug import GANAugmenter
TINY = dict(epochs=2, steps_per_epoch=10, batch_size=64, latent_dim=8, generator_units=(16,),
            discriminator_units=(16,))
frame = pd.read_csv(sys.argv[1]); y = frame.pop("species")
GANAugmenter(random_state=0, **TINY).fit(frame, y).save(sys.argv[2])
print("{}")
"""

LOAD = """
import json, sys, warnings
import ganaug
warnings.simplefilter("ignore")
rows = ganaug.load(sys.argv[1]).sample(50, random_state=1)[0]
import keras
print(json.dumps({"backend": keras.config.backend(), "rows": rows.to_json(orient="split")}))
"""




@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_table_gan_trains_samples_and_saves_without_tensorflow(backend, tmp_path):
    _needs(backend)
    result = _run(SCRIPT, backend, ROOT / "sample_data" / "penguins.csv", tmp_path / "model.ganaug")
    assert result["backend"] == backend
    assert result["hashes"][0] == result["hashes"][1]  # same random_state, same rows
    assert not result["tensorflow"]
    assert result["rows"] == 20 and (tmp_path / "model.ganaug").exists()


# TensorFlow -> JAX and PyTorch: tests/test_persistence.py samples ganaug 0.1.0's files
# under each backend against TensorFlow's rows.
@pytest.mark.parametrize("saved, loaded", [("jax", "torch"), ("torch", "tensorflow")])
def test_a_model_saved_under_one_backend_samples_under_another(saved, loaded, tmp_path):
    import pandas as pd

    _needs(saved)
    _needs(loaded)
    path = tmp_path / "model.ganaug"
    _run(SAVE, saved, ROOT / "sample_data" / "penguins.csv", path)
    here = pd.read_json(__import__("io").StringIO(_run(LOAD, saved, path)["rows"]), orient="split")
    there = pd.read_json(__import__("io").StringIO(_run(LOAD, loaded, path)["rows"]), orient="split")
    # the same noise (NumPy's) through the same weights: the same rows, up to float32 rounding
    assert list(here.columns) == list(there.columns) and len(here) == len(there) == 50
    numeric = here.select_dtypes("number").columns
    pd.testing.assert_frame_equal(here.drop(columns=numeric), there.drop(columns=numeric))
    pd.testing.assert_frame_equal(here[numeric], there[numeric], rtol=1e-3, check_dtype=False)


# The command line, in one process: fit a table and an image model, sample both, and
# report whether TensorFlow was imported (it is installed: ganaug's default dependency).
CLI = """
import json, sys
from pathlib import Path
from ganaug.cli import ganaug
out = Path(sys.argv[1])
fast = ["--seed", "0", "-q"]
tiny = ["--recipe", "tests/tiny.toml", *fast]
for args in (["fit", "sample_data/penguins.csv", "-t", "species", "-o", str(out / "t.ganaug"), *tiny],
             ["sample", str(out / "t.ganaug"), "-n", "20", "-o", str(out / "t.csv"), "-q"],
             ["augment-images", "sample_data/digits", "-o", str(out / "imgs"), "--save-model",
              str(out / "i.ganaug"), "--recipe", "tests/tiny_images.toml", *fast],
             ["preview", str(out / "i.ganaug"), "-o", str(out / "p.png"), "-q"]):
    ganaug(args, standalone_mode=False)
import keras
print(json.dumps({"backend": keras.config.backend(), "tensorflow": "tensorflow" in sys.modules}))
"""


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_the_command_line_runs_without_tensorflow(backend, tmp_path):
    _needs(backend)
    result = _run(CLI, backend, tmp_path)
    assert result == {"backend": backend, "tensorflow": False}
    assert (tmp_path / "t.csv").exists() and (tmp_path / "p.png").exists()
    assert any((tmp_path / "imgs").rglob("*.png"))
