"""Storage errors that the UI can name without importing SQLAlchemy."""


class StoreError(Exception):
    """The bundled store is missing or damaged: the installation is broken."""
