"""``loss="wgan-gp"`` under JAX and PyTorch (issue 35): the alternating step of
:mod:`ganaug.nn.steps` (the critic's update with its gradient penalty, then the
generator's) trains tables and images, its losses are finite, its samples have the
input's shape, and the same random_state gives the same output twice. Each backend
runs in its own process (Keras picks its backend once per process); a backend that is
not installed is skipped."""

from pathlib import Path

import pytest

from ..conftest import needs_backend as _needs
from ..conftest import run_under_backend as _run

ROOT = Path(__file__).resolve().parents[2]

# Fit twice with one random_state; print the outputs' hashes and shapes, the losses,
# whether each fit took the alternating step, and whether TensorFlow was imported.
TABLE = """
import hashlib, json, sys
import pandas as pd
from ganaug import GANAugmenter
import ganaug.nn.steps as steps
ALTERNATING, make_step = [], steps.make_step
steps.make_step = lambda gan: ALTERNATING.append(gan.alternating) or make_step(gan)
TINY = dict(epochs=2, steps_per_epoch=10, batch_size=64, latent_dim=8, generator_units=(16,),
            discriminator_units=(16,), loss="wgan-gp")
frame = pd.read_csv(sys.argv[1]); y = frame.pop("species")
digest = lambda X: hashlib.sha256(pd.util.hash_pandas_object(X).values.tobytes()).hexdigest()
fits = [GANAugmenter(random_state=0, **TINY) for _ in range(2)]
outputs = [aug.fit_resample(frame, y)[0] for aug in fits]
rows = fits[0].sample(20, random_state=1)[0]
import keras
print(json.dumps({"backend": keras.config.backend(), "hashes": [digest(X) for X in outputs],
                  "history": fits[0].history_, "columns": [list(X.columns) for X in (frame, rows)],
                  "rows": len(rows), "alternating": ALTERNATING, "tensorflow": "tensorflow" in sys.modules}))
"""

IMAGES = """
import hashlib, json, sys
import numpy as np
from ganaug import GANAugmenter
import ganaug.nn.steps as steps
ALTERNATING, make_step = [], steps.make_step
steps.make_step = lambda gan: ALTERNATING.append(gan.alternating) or make_step(gan)
TINY = dict(epochs=1, steps_per_epoch=5, batch_size=32, latent_dim=8, generator_units=(32,),
            discriminator_units=(32,), filter_labels=False, loss="wgan-gp")
rng = np.random.default_rng(0)
X = rng.integers(0, 256, (24, 8, 8), dtype=np.uint8); y = np.repeat([0, 1], [20, 4])
fits = [GANAugmenter(random_state=0, **TINY) for _ in range(2)]
outputs = [aug.fit_resample(X, y)[0] for aug in fits]
import keras
print(json.dumps({"backend": keras.config.backend(),
                  "hashes": [hashlib.sha256(X_res.tobytes()).hexdigest() for X_res in outputs],
                  "history": fits[0].history_, "shape": outputs[0].shape, "dtype": str(outputs[0].dtype),
                  "alternating": ALTERNATING,
                  "tensorflow": "tensorflow" in sys.modules}))
"""




def _finite(history):
    import math

    return set(history) == {"d_loss", "g_loss"} and all(
        len(values) > 0 and all(math.isfinite(v) for v in values) for values in history.values()
    )


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_wgan_gp_table_gan_trains_without_tensorflow(backend):
    _needs(backend)
    result = _run(TABLE, backend, ROOT / "sample_data" / "penguins.csv")
    assert result["backend"] == backend
    assert _finite(result["history"]) and len(result["history"]["d_loss"]) == 2
    assert result["hashes"][0] == result["hashes"][1]  # same random_state, same rows
    assert result["columns"][0] == result["columns"][1] and result["rows"] == 20
    assert result["alternating"] == [True, True]
    assert not result["tensorflow"]


# Slow (35 s under JAX, most of it compiling): the alternating step is the tables'; what
# images add (a spectrally normalised critic, which PyTorch needs copied) runs with -m slow.
@pytest.mark.slow
@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_wgan_gp_image_gan_trains(backend):
    """Images train with ``wgan-gp`` too: the GAN that draws images from noise (not the
    editing one) alternates, with DiffAugment in the critic and an EMA generator."""
    _needs(backend)
    result = _run(IMAGES, backend)
    assert result["backend"] == backend
    assert _finite(result["history"])
    assert result["hashes"][0] == result["hashes"][1]  # same random_state, same images
    assert result["shape"] == [40, 8, 8] and result["dtype"] == "uint8"
    assert result["alternating"] == [True, True]
    assert not result["tensorflow"]
