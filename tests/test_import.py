"""`import ganaug` and `ganaug --help` stay light: no TensorFlow, no scikit-learn."""

import subprocess
import sys

import pytest

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


def _imported_ganaug_modules(path, modules):
    """The ganaug modules that ``path`` imports, at any depth (inside functions too), as
    names relative to the package (``tabular.model``; a package is its ``__init__``)."""
    import ast

    def named(dotted):
        return dotted.split(".", 1)[1] if "." in dotted else None

    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "ganaug":
            base = named(node.module)
            for alias in node.names:  # from ganaug.nn import table_nets: the submodule
                sub = f"{base}.{alias.name}" if base else alias.name
                if sub in modules:
                    names.add(sub)
                elif base:
                    names.add(base)
        elif isinstance(node, ast.Import):
            names.update(named(a.name) for a in node.names if a.name.startswith("ganaug."))
    return names - {None}


def _module_graph():
    from pathlib import Path

    import ganaug

    folder = Path(ganaug.__file__).parent
    paths = {}
    for path in folder.rglob("*.py"):
        parts = path.relative_to(folder).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if name:  # not ganaug/__init__.py itself
            paths[name] = path
    modules = set(paths)
    graph = {name: _imported_ganaug_modules(path, modules) for name, path in paths.items()}
    return {name: {d for d in deps if d in modules and d != name} for name, deps in graph.items()}


def test_the_graph_sees_modules_inside_packages():
    graph = _module_graph()
    assert "tabular.model" in graph["tabular"]
    assert {"tabular.encoder", "tabular.label_check"} <= graph["tabular.model"]
    assert "nn.table_nets" in graph["tabular.training"]


def test_the_gan_core_knows_no_table_or_image_stage():
    graph = _module_graph()
    core = {name for name in graph if name == "nn" or name.startswith("nn.")}
    reached = {d for name in core for d in graph[name]}
    assert reached <= core | {"exceptions"}, sorted(reached - core)


def test_no_two_modules_import_each_other():
    modules = _module_graph()
    cycles = {
        frozenset((a, b)) for a, deps in modules.items() for b in deps if a in modules[b]
    }
    assert cycles == set(), sorted(map(sorted, cycles))


def test_dependencies_point_one_way():
    """No cycle of any length among ganaug's modules (imports inside functions count)."""
    import graphlib

    order = list(graphlib.TopologicalSorter(_module_graph()).static_order())  # CycleError
    assert order.index("metrics") < order.index("plots") < order.index("report")
    assert order.index("augmenter") < order.index("tuning")
    assert order.index("augmenter") < order.index("comparison") < order.index("cli")


def test_cycle_check_sees_a_cycle_through_three_modules():
    import graphlib

    graph = {**_module_graph(), "metrics": {"report"}}  # metrics -> report -> plots -> metrics
    with pytest.raises(graphlib.CycleError):
        list(graphlib.TopologicalSorter(graph).static_order())
