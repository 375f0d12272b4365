"""Named parameter sets for GANAugmenter, stored as TOML.

A recipe is a flat TOML table of ``GANAugmenter`` parameters plus an optional
``description``::

    description = "Quick look: small networks, few epochs."
    epochs = 60
    generator_units = [128, 128]

Shipped recipes live in the repository's ``recipes/`` folder (and inside the
installed package); :func:`load_recipe` takes such a name or a path to any file.
"""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path

import tomli_w

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI
    import tomli as tomllib

__all__ = ["available_recipes", "load_recipe", "recipe_text"]

_TUPLE_PARAMS = {"generator_units", "discriminator_units"}


def _recipe_dirs():
    yield Path(str(files("ganaug"))) / "_recipes"  # installed wheel
    yield Path(__file__).resolve().parent.parent / "recipes"  # source tree / editable


def available_recipes():
    """Names of the shipped recipes."""
    names = set()
    for folder in _recipe_dirs():
        if folder.is_dir():
            names.update(p.stem for p in folder.glob("*.toml"))
    return sorted(names)


def _resolve(recipe):
    path = Path(recipe)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ValueError(f"Recipe file {str(path)!r} does not exist or is not a file.")
        return path
    for folder in _recipe_dirs():
        candidate = folder / f"{recipe}.toml"
        if candidate.is_file():
            return candidate
    raise ValueError(
        f"Unknown recipe {recipe!r}: expected a path to a .toml file or one of "
        f"{available_recipes()}."
    )


def load_recipe(recipe):
    """Read a recipe (a shipped name such as ``"fast"`` or a path) into a dict of params.

    Unknown keys are refused with an error naming them, so a typo never passes
    silently, and so is a value that ``GANAugmenter`` would refuse (``epochs = 0``):
    at once, with the recipe's name, rather than when training starts.

    Examples
    --------
    >>> from ganaug import GANAugmenter, load_recipe
    >>> params = load_recipe("fast")
    >>> aug = GANAugmenter(**params, random_state=0)
    """
    from ganaug.augmenter import GANAugmenter

    path = _resolve(recipe)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"Recipe {str(path)!r} is not valid TOML: {exc}") from None
    data.pop("description", None)
    known = set(GANAugmenter().get_params())
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(
            f"Recipe {str(path)!r} has unknown parameter(s) {unknown}; expected some of "
            f"{sorted(known)}."
        )
    params = {k: tuple(v) if k in _TUPLE_PARAMS else v for k, v in data.items()}
    try:
        # scikit-learn's check of _parameter_constraints, which fit runs first thing
        GANAugmenter(**params)._validate_params()
    except ValueError as exc:  # sklearn's InvalidParameterError
        raise ValueError(f"Recipe {str(path)!r}: {exc}") from None
    return params


def recipe_text(params, description=None):
    """Render a dict of parameters as recipe TOML (the inverse of :func:`load_recipe`).

    Written by a TOML writer (tomli-w), so any description (quotes, newlines) gives
    valid TOML.

    Examples
    --------
    >>> from ganaug.recipes import recipe_text
    >>> print(recipe_text({"epochs": 60}, 'A "quick" look'), end="")
    description = "A \\"quick\\" look"
    epochs = 60
    """
    data = {"description": description} if description else {}
    for key in sorted(params):
        value = params[key]
        data[key] = list(value) if isinstance(value, tuple) else value
    try:
        return tomli_w.dumps(data)
    except TypeError as exc:
        raise ValueError(f"Cannot write these parameters to a recipe: {exc}") from None
