"""`import ganaug` and `ganaug --help` stay light: no TensorFlow, no scikit-learn."""

import subprocess
import sys

CHECK = """
import sys
{code}
heavy = sorted(m for m in ("tensorflow", "keras", "sklearn", "imblearn") if m in sys.modules)
print(",".join(heavy))
"""


def _heavy_modules(code):
    out = subprocess.run([sys.executable, "-c", CHECK.format(code=code)], capture_output=True,
                         text=True, check=True)
    return out.stdout.strip()


def test_import_ganaug_imports_no_tensorflow():
    assert _heavy_modules("import ganaug") == ""


def test_cli_help_imports_no_tensorflow():
    code = (
        "from click.testing import CliRunner\n"
        "from ganaug.cli import ganaug\n"
        "r = CliRunner().invoke(ganaug, ['--help'])\n"
        "assert r.exit_code == 0 and 'augment' in r.output, r.output\n"
        "r = CliRunner().invoke(ganaug, ['augment', '--help'])\n"
        "assert r.exit_code == 0 and '--target' in r.output, r.output\n"
    )
    assert _heavy_modules(code) == ""


def test_public_names_resolve():
    import ganaug

    assert callable(ganaug.GANAugmenter) and callable(ganaug.load)
    assert set(ganaug.__all__) <= set(dir(ganaug))
