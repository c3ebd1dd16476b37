"""Benchmarks: accuracy against plain Splink, and speed at scale."""
