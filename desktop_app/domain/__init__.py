"""Pure-Python domain objects and calculations; no Qt, no database."""
