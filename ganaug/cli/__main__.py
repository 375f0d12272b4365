"""``python -m ganaug.cli``: the ``ganaug`` command."""

from ganaug.cli import ganaug

if __name__ == "__main__":  # pragma: no cover
    ganaug()
