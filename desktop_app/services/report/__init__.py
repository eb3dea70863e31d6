"""Gathering a decision report from the stores (blocking)."""
