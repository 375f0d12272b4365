"""The search space: which GANAugmenter parameters a trial may change, how they are
declared to keras-tuner (:func:`declare_space`), and the two-way translation between a
trial's values and GANAugmenter parameters (:func:`params_from_hp`, :func:`hp_values`,
:func:`default_values`).
"""

from __future__ import annotations

from numbers import Integral, Real

import keras_tuner

from ganaug.augmenter import TABLE_DEFAULTS, GANAugmenter

#: The default search space. Tuples of two floats are log-uniform ranges; other
#: tuples are the choices; ``generator_depth`` is an inclusive integer range.
DEFAULT_SPACE = {
    "generator_depth": (1, 3),
    "generator_units": (32, 64, 128, 256),
    "latent_dim": (16, 32, 64, 128),
    "discriminator_units": (32, 64, 128, 256),
    "discriminator_depth": (2,),
    "generator_lr": (1e-4, 3e-3),
    "discriminator_lr": (1e-4, 3e-3),
    "loss": ("minimax", "wgan-gp"),
}
_FLOAT_RANGES = {"generator_lr", "discriminator_lr"}


# --------------------------------------------------------------------------- space
def check_space(space):
    """``space`` merged into :data:`DEFAULT_SPACE`, every value checked (ValueError if not)."""
    merged = dict(DEFAULT_SPACE)
    for key, value in dict(space or {}).items():
        if key not in DEFAULT_SPACE:
            raise ValueError(
                f"space has an unknown key; expected some of {sorted(DEFAULT_SPACE)}. "
                f"Got {key!r} instead."
            )
        values = tuple(value) if isinstance(value, (list, tuple)) else (value,)
        if not values:
            raise ValueError(f"space[{key!r}] must not be empty. Got {value!r} instead.")
        if key in _FLOAT_RANGES:
            if len(values) == 1:
                values = values * 2
            if len(values) != 2 or not all(
                isinstance(v, Real) and v > 0 for v in values
            ) or values[0] > values[1]:
                raise ValueError(
                    f"space[{key!r}] must be a learning rate or a (low, high) range of "
                    f"positive floats. Got {value!r} instead."
                )
        elif key == "loss":
            bad = [v for v in values if v not in ("minimax", "wgan-gp")]
            if bad:
                raise ValueError(
                    f"space['loss'] must hold 'minimax' and/or 'wgan-gp'. Got {value!r} instead."
                )
        elif not all(isinstance(v, Integral) and not isinstance(v, bool) and v > 0 for v in values):
            raise ValueError(
                f"space[{key!r}] must hold positive integers. Got {value!r} instead."
            )
        merged[key] = values
    return merged


def declare_space(hp, space):
    """Declare the search space on ``hp`` and return GANAugmenter parameters."""

    def choice(name, values):
        if len(values) == 1:
            return hp.Fixed(name, values[0])
        return hp.Choice(name, list(values))

    def log_float(name, bounds):
        low, high = bounds
        if low == high:
            return hp.Fixed(name, float(low))
        return hp.Float(name, float(low), float(high), sampling="log")

    low, high = min(space["generator_depth"]), max(space["generator_depth"])
    depth = hp.Fixed("generator_depth", low) if low == high else hp.Int("generator_depth", low, high)
    # Every block's width is declared at once, active only when the depth reaches it,
    # so that the oracle knows the whole space from the first trial.
    generator_units = []
    for i in range(high):
        if i < low:
            generator_units.append(int(choice(f"generator_units_{i}", space["generator_units"])))
            continue
        with hp.conditional_scope("generator_depth", list(range(i + 1, high + 1))):
            width = choice(f"generator_units_{i}", space["generator_units"])
        if i < depth:
            generator_units.append(int(width))
    generator_units = tuple(generator_units)
    d_depth = int(choice("discriminator_depth", space["discriminator_depth"]))
    d_width = int(choice("discriminator_units", space["discriminator_units"]))
    return {
        "latent_dim": int(choice("latent_dim", space["latent_dim"])),
        "generator_units": generator_units,
        "discriminator_units": (d_width,) * d_depth,
        "generator_lr": float(log_float("generator_lr", space["generator_lr"])),
        "discriminator_lr": float(log_float("discriminator_lr", space["discriminator_lr"])),
        "loss": str(choice("loss", space["loss"])),
    }


def params_from_hp(hp, epochs=None):
    """GANAugmenter parameters from a trial's hyperparameters (values or object).

    Parameters
    ----------
    hp : keras_tuner.HyperParameters or dict
        The hyperparameters of one trial, as declared by :class:`GANHyperModel`.
    epochs : int, optional
        Epochs to record; a Hyperband trial's own ``tuner/epochs`` wins.

    Returns
    -------
    params : dict
        ``latent_dim``, ``generator_units``, ``discriminator_units``,
        ``generator_lr``, ``discriminator_lr``, ``loss`` and, when known, ``epochs``.

    Examples
    --------
    >>> from ganaug.tuning import params_from_hp
    >>> params_from_hp({"generator_depth": 1, "generator_units_0": 64, "latent_dim": 16,
    ...                 "discriminator_depth": 2, "discriminator_units": 32,
    ...                 "generator_lr": 1e-3, "discriminator_lr": 1e-3, "loss": "minimax"})["generator_units"]
    (64,)
    """
    values = dict(hp if isinstance(hp, dict) else hp.values)
    depth = int(values["generator_depth"])
    params = {
        "latent_dim": int(values["latent_dim"]),
        "generator_units": tuple(int(values[f"generator_units_{i}"]) for i in range(depth)),
        "discriminator_units": (int(values["discriminator_units"]),)
        * int(values["discriminator_depth"]),
        "generator_lr": float(values["generator_lr"]),
        "discriminator_lr": float(values["discriminator_lr"]),
        "loss": str(values["loss"]),
    }
    epochs = values.get("tuner/epochs", epochs)
    if epochs is not None:
        params["epochs"] = int(epochs)
    return params


def hp_values(params):
    """Trial values for GANAugmenter parameters: the inverse of :func:`params_from_hp`.

    Examples
    --------
    >>> from ganaug.tuning import hp_values, params_from_hp
    >>> params = {"latent_dim": 16, "generator_units": (64, 32), "discriminator_units": (8, 8),
    ...           "generator_lr": 1e-3, "discriminator_lr": 2e-4, "loss": "wgan-gp"}
    >>> params_from_hp(hp_values(params)) == params
    True
    """
    return {
        "generator_depth": len(params["generator_units"]),
        **{f"generator_units_{i}": int(w) for i, w in enumerate(params["generator_units"])},
        "latent_dim": int(params["latent_dim"]),
        "discriminator_depth": len(params["discriminator_units"]),
        "discriminator_units": int(params["discriminator_units"][0]),
        "generator_lr": float(params["generator_lr"]),
        "discriminator_lr": float(params["discriminator_lr"]),
        "loss": str(params["loss"]),
    }


def default_values(hyperparameters):
    """The trial values of GANAugmenter's default parameters, as far as the space allows.

    Where a default lies outside the space (say ``space={"generator_units": (16,)}``),
    that hyperparameter takes its first allowed value instead.

    Parameters
    ----------
    hyperparameters : keras_tuner.HyperParameters
        The declared search space (an oracle's ``hyperparameters``).

    Returns
    -------
    values : dict
        Name to value, for the hyperparameters active with these values.
    """
    wanted = hp_values({**GANAugmenter().get_params(), **TABLE_DEFAULTS})
    hps = keras_tuner.HyperParameters()
    for hp in hyperparameters.space:
        hps.merge([hp])
        if hps.is_active(hp):
            value = wanted.get(hp.name, hp.default)
            hps.values[hp.name] = value if _allowed(hp, value) else hp.default
    return dict(hps.values)


def _allowed(hp, value):
    if hasattr(hp, "min_value"):  # Int, Float
        return hp.min_value <= value <= hp.max_value
    if hasattr(hp, "value"):  # Fixed
        return value == hp.value
    return value in hp.values  # Choice
