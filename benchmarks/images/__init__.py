"""Image benchmarks: image sets made in code, and the downstream classifier benchmark."""
