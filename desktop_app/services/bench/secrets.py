"""API keys of benchmark endpoints, kept in the OS keyring (one entry per endpoint address)."""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

from desktop_app.errors import UserFacingError

SERVICE = "inference-navigator/bench"


class SecretError(UserFacingError):
    """The keyring could not be used (one sentence)."""


def get_key(base_url: str) -> str | None:
    """The saved key for this endpoint, or None."""
    try:
        return keyring.get_password(SERVICE, base_url)
    except KeyringError as exc:
        raise SecretError(f"The system keyring could not be read ({exc}).") from None


def set_key(base_url: str, key: str) -> None:
    """Save (or, for an empty key, forget) the key for this endpoint."""
    try:
        if key:
            keyring.set_password(SERVICE, base_url, key)
        else:
            forget_key(base_url)
    except KeyringError as exc:
        raise SecretError(
            f"The API key could not be saved in the system keyring ({exc}); it is used for "
            "this run only."
        ) from None


def forget_key(base_url: str) -> None:
    """Remove the saved key for this endpoint, if any."""
    try:
        keyring.delete_password(SERVICE, base_url)
    except PasswordDeleteError:
        pass
    except KeyringError as exc:
        raise SecretError(f"The system keyring could not be changed ({exc}).") from None
