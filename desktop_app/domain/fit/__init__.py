"""The fit feature."""
