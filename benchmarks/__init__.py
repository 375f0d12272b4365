"""Benchmarks of ganaug, run from the repository root as modules:
``python -m benchmarks.tables.devsuite``, ``python -m benchmarks.images.downstream``,
``python -m benchmarks.perf.speed``. Each writes its results page into docs/results/
(see :mod:`benchmarks.common`)."""
