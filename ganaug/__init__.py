"""ganaug: rebalance imbalanced datasets with a conditional GAN.

``import ganaug`` is cheap: the estimator (scikit-learn, imbalanced-learn) is
imported on first use of a public name, and TensorFlow only when a model trains,
samples or loads.
"""

from importlib import import_module

__version__ = "0.1.0"

__all__ = [
    "CollapseWarning",
    "FidelityWarning",
    "GANAugmenter",
    "GANTuner",
    "TrainingDivergedError",
    "compare",
    "load",
    "load_recipe",
    "tune",
]

_WHERE = {
    "GANAugmenter": "ganaug.augmenter",
    "GANTuner": "ganaug.tuning",
    "TrainingDivergedError": "ganaug.exceptions",
    "CollapseWarning": "ganaug.exceptions",
    "FidelityWarning": "ganaug.exceptions",
    "compare": "ganaug.comparison",
    "load": "ganaug.augmenter",
    "load_recipe": "ganaug.recipes",
    "tune": "ganaug.tuning",
}


def __getattr__(name):
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'ganaug' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *__all__])
