"""The launch feature."""
