"""Fault-injection suite."""
