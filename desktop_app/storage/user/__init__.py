"""The user feature."""
