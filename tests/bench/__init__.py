"""Tests of the benchmarks and load scripts themselves."""
