import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

# Small networks and few epochs: the tests check behaviour, not sample quality.
TINY = dict(epochs=2, steps_per_epoch=10, batch_size=64, latent_dim=8, generator_units=(16,),
            discriminator_units=(16,))


@pytest.fixture
def tiny():
    return dict(TINY)


@pytest.fixture
def penguins():
    frame = pd.read_csv(ROOT / "sample_data" / "penguins.csv")
    return frame.drop(columns="species"), frame["species"]
