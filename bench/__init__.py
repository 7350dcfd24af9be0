"""Benchmarks and load scripts run by `make bench` (loopback only, bounded, self-stopping)."""
