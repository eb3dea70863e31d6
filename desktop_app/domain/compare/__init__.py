"""The compare feature."""
