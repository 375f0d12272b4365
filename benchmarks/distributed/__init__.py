"""Benchmarks on a Dask cluster (a LocalCluster of worker processes on this machine)."""
