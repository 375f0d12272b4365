"""Same random_state, same output: twice in one process and across processes."""

import hashlib
import os
import subprocess
import sys
import textwrap

import numpy as np

from ganaug import GANAugmenter

from .conftest import ROOT, TINY

SCRIPT = textwrap.dedent(
    f"""
    import hashlib, os
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import pandas as pd
    from ganaug import GANAugmenter
    frame = pd.read_csv({str(ROOT / "sample_data" / "penguins.csv")!r})
    X, y = frame.drop(columns="species"), frame["species"]
    X_res, y_res = GANAugmenter(**{TINY!r}, random_state=3).fit_resample(X, y)
    print(hashlib.sha256(X_res.assign(y=y_res).to_csv(index=False).encode()).hexdigest())
    """
)


def _digest(X_res, y_res):
    return hashlib.sha256(X_res.assign(y=y_res).to_csv(index=False).encode()).hexdigest()


def test_same_seed_same_output_in_process(penguins):
    X, y = penguins
    first = _digest(*GANAugmenter(**TINY, random_state=3).fit_resample(X, y))
    second = _digest(*GANAugmenter(**TINY, random_state=3).fit_resample(X, y))
    other = _digest(*GANAugmenter(**TINY, random_state=4).fit_resample(X, y))
    assert first == second
    assert first != other


def test_same_seed_same_output_across_processes(penguins):
    X, y = penguins
    here = _digest(*GANAugmenter(**TINY, random_state=3).fit_resample(X, y))
    # This checkout's ganaug first on the child's path, not whichever ganaug is installed.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    runs = [
        subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, env=env)
        .stdout.strip().splitlines()[-1]
        for _ in range(2)
    ]
    assert runs == [here, here]


def test_global_random_state_untouched(penguins):
    X, y = penguins
    np.random.seed(0)
    expected = np.random.random()
    np.random.seed(0)
    GANAugmenter(**TINY, random_state=1).fit_resample(X, y)
    assert np.random.random() == expected


