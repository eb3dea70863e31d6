"""SQLAlchemy storage: the bundled read-only store and the user's own store."""
