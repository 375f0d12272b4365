"""Recipes: TOML parameter sets, read and written."""

import sys

import pytest

from ganaug.recipes import load_recipe, recipe_text

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


@pytest.mark.parametrize(
    "description",
    ['Tuned on "data.csv"', "two\nlines", "back\\slash and 'single' quotes", "tab\there, ünïcode"],
    ids=["double-quotes", "newline", "backslash", "tab-unicode"],
)
def test_recipe_text_is_valid_toml_for_any_description(tmp_path, description):
    params = {"epochs": 30, "generator_units": (64, 32), "generator_lr": 2.5e-4, "loss": "wgan-gp"}
    text = recipe_text(params, description)
    assert tomllib.loads(text)["description"] == description
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    assert load_recipe(path) == params


def test_recipe_text_refuses_what_toml_cannot_hold():
    with pytest.raises(ValueError, match="Cannot write these parameters to a recipe"):
        recipe_text({"epochs": None})


def test_recipe_values_are_checked_when_read(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('epochs = 0\nloss = "minimax"\n')
    with pytest.raises(ValueError, match=r"Recipe '.*bad\.toml': The 'epochs' parameter of "
                       r"GANAugmenter must be an int in the range \[1, inf\).*Got 0 instead"):
        load_recipe(path)
    path.write_text('loss = "hinge"\n')
    with pytest.raises(ValueError, match="The 'loss' parameter"):
        load_recipe(path)
