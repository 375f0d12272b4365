"""Performance benchmarks: fit and sampling speed, memory of sampling to a file."""
