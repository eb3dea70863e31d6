"""The cost feature."""
