"""The hardware feature."""
