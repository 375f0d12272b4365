"""Sphinx configuration of ganaug's documentation.

Build (from the repository root; CI runs it with warnings as errors)::

    pip install -e ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

The build needs no network and no GPU, and trains nothing: the figures under
``_static/figures`` are made by ``python docs/make_figures.py`` and committed.
"""

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checkout's ganaug, installed or not
# Importing ganaug.tuning and ganaug.cli loads TensorFlow: keep its start-up lines
# out of the build log.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import ganaug  # noqa: E402

project = "ganaug"
author = "The ganaug developers"
copyright = "The ganaug developers"
release = ganaug.__version__
version = release

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx_click",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "make_figures.py", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]

# MyST: headings get anchors (so the README can link to a stage's section, and the
# same anchors work on GitHub), and ::: fences, $...$ maths and definition lists.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence", "deflist", "dollarmath"]

# API reference from the docstrings (numpydoc style).
autosummary_generate = True
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()
numpydoc_xref_param_type = False
nitpicky = False
# Option names such as --target and quoted values such as 'not minority' stay as typed.
smartquotes = False

# No network in the build: intersphinx inventories are not fetched (links to
# scikit-learn, imbalanced-learn and Keras are written out where they matter).
intersphinx_mapping = {}

html_theme = "pydata_sphinx_theme"
html_title = f"ganaug {release}"
html_static_path = ["_static"]
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": [], "cli": [], "getting_started": []}
html_show_sourcelink = False


# sphinx-click renders click's help text as reStructuredText. Some of ganaug's help
# text is plain text that reST reads as markup: "tab |)" (a substitution reference
# left open) and "IN_DIR/<class>/*.png" (emphasis left open). Escape a lone "|" or
# "*" in help lines, leaving sphinx-click's own "**Required**" and ":options: a | b",
# and show `single backticks` (Markdown's code) as code rather than reST's italics.
_CODE = re.compile(r"(?<!`)`([^`]+)`(?!`)")
_LONE_STAR = re.compile(r"(?<![*\\])\*(?!\*)")
_BAR = re.compile(r"(?<!\\)\|")


def _escape_help(app, ctx, lines):
    for i, line in enumerate(lines):
        if line.lstrip().startswith((":options:", ".. ")):
            continue
        line = _CODE.sub(r"``\1``", line)  # click help's `code` is Markdown, not reST
        parts = line.split("``")  # escape outside inline literals only
        parts[::2] = [_BAR.sub(r"\\|", _LONE_STAR.sub(r"\\*", p)) for p in parts[::2]]
        lines[i] = "``".join(parts)


# Docstrings: "|real - synthetic|" (ganaug.plots) reads as a reST substitution
# reference; escape a pair of bars around plain text, outside inline literals.
_BARS = re.compile(r"(?<![`\\|])\|([^|`\n]+)\|(?![`|_])")


def _escape_docstring_bars(app, what, name, obj, options, lines):
    if not name.startswith("ganaug"):
        return
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("|", ">>>", "...")):
            continue  # a line block or a doctest
        parts = line.split("``")
        parts[::2] = [_BARS.sub(r"\\|\1\\|", p) for p in parts[::2]]
        lines[i] = "``".join(parts)


def _skip_member(app, what, name, obj, skip, options):
    # scikit-learn's metadata-routing methods (set_fit_request, ...), generated on every
    # estimator: documented by scikit-learn, not here.
    if name == "get_metadata_routing" or (name.startswith("set_") and name.endswith("_request")):
        return True
    return None


def _hide_long_values():
    """Module constants show their value when it is short (INDEPENDENCE_ALPHA = 0.05);
    a long one (the dict ganaug.metrics.MEANINGS) is left to its docstring. automodule
    has no option for this, so autodoc's data documenter is patched."""
    from sphinx.ext.autodoc import DataDocumenter

    suppress = DataDocumenter.should_suppress_value_header

    def should_suppress_value_header(self):
        return len(repr(self.object)) > 80 or suppress(self)

    DataDocumenter.should_suppress_value_header = should_suppress_value_header


def setup(app):
    _hide_long_values()
    app.connect("autodoc-process-docstring", _escape_docstring_bars)
    app.connect("autodoc-skip-member", _skip_member)
    for event in ("description", "options", "arguments", "epilog"):
        app.connect(f"sphinx-click-process-{event}", _escape_help)
