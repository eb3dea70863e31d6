"""Command-line command groups (top layer: may use every other layer)."""
