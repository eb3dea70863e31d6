"""The overview feature."""
