"""The decide feature."""
