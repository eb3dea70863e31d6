"""The trial feature."""
