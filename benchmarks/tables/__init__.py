"""Table benchmarks: the development suite, unseen tables, and the compare record."""
