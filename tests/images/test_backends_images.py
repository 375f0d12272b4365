"""Image models on each Keras backend (issue 35): a label-checked fit and draw under
JAX and PyTorch (TensorFlow's: tests/images/test_model.py), the same images for the same random_state, a saved model
that draws the same images again, and no TensorFlow imported under JAX or PyTorch.
Under JAX, a second draw of other sizes compiles nothing new: the judge, the warp and
the generator run as jitted calls padded to a few batch sizes, where an eager call
compiles each op anew for each size. Each backend runs in its own process (Keras picks
its backend once per process); a backend that is not installed is skipped."""

from pathlib import Path

import pytest

from ..conftest import needs_backend as _needs
from ..conftest import run_under_backend as _run

ROOT = Path(__file__).resolve().parents[2]

# Fit twice with one random_state and draw (the hashes of the images), save, load and
# draw twice from the loaded model; under JAX, count the compilations of a second draw
# of other sizes than the first.
SCRIPT = """
import hashlib, json, logging, sys, warnings
import numpy as np
from sklearn.datasets import load_digits
import ganaug
from ganaug import GANAugmenter
TINY = dict(epochs=1, steps_per_epoch=10, batch_size=32, latent_dim=8, generator_units=(32,),
            discriminator_units=(32,), filter_labels=True)
digits = load_digits()
X = (digits.images[:150] * (255 / 16)).round().astype(np.uint8)
y = digits.target[:150] % 3
digest = lambda a: hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()

def draw():
    aug = GANAugmenter(random_state=0, **TINY).fit(X, y)
    images = aug.sample(y={0: 40, 1: 25, 2: 9}, random_state=1)[0]
    return aug, images

aug, images = draw()
hashes = [digest(images), digest(draw()[1])]
import keras
compiles = None
if keras.config.backend() == "jax":
    import jax
    counted = []
    class Count(logging.Handler):
        def emit(self, record):
            counted.extend(["compile"] if record.getMessage().startswith("Compiling") else [])
    logging.getLogger("jax").addHandler(Count())
    jax.config.update("jax_log_compiles", True)
    aug.sample(y={0: 33, 1: 20, 2: 12}, random_state=5)
    jax.config.update("jax_log_compiles", False)
    compiles = len(counted)
aug.save(sys.argv[1])
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    loaded = [digest(ganaug.load(sys.argv[1]).sample(y={0: 10, 1: 10, 2: 10}, random_state=2)[0])
              for _ in range(2)]
print(json.dumps({"backend": keras.config.backend(), "hashes": hashes, "loaded": loaded,
                  "shape": list(images.shape), "dtype": str(images.dtype),
                  "agreement": aug.label_agreement_, "compiles": compiles,
                  "tensorflow": "tensorflow" in sys.modules}))
"""




# TensorFlow's image determinism: tests/images/test_model.py, in the default suite.
@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_an_image_model_draws_the_same_images_for_the_same_random_state(backend, tmp_path):
    _needs(backend)
    result = _run(SCRIPT, backend, tmp_path / "images.ganaug")
    assert result["backend"] == backend
    assert result["hashes"][0] == result["hashes"][1]  # same random_state, same images
    assert result["loaded"][0] == result["loaded"][1]
    assert result["shape"] == [74, 8, 8] and result["dtype"] == "uint8"
    assert 0.0 <= result["agreement"] <= 1.0
    assert not result["tensorflow"]
    if backend == "jax":
        assert result["compiles"] == 0  # a draw of new sizes reuses the traces
