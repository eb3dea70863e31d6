"""Starter models and downloads: pure records and arithmetic (no I/O)."""
