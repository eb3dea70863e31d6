"""Errors the user is told about in one plain sentence (never a traceback).

A leaf module: it imports nothing from the app, so every layer may raise these.
"""


class UserFacingError(Exception):
    """An error whose message is a sentence meant for the user."""


class UserError(UserFacingError):
    """A mistake in what the user asked for: reported in one sentence, exit 2."""


class StoreError(UserFacingError):
    """The bundled store is missing or damaged: the installation is broken."""
