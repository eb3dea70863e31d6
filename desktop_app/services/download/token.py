"""A Hugging Face access token for gated models, kept in the OS keyring only."""

from __future__ import annotations

import logging

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

from desktop_app.errors import UserFacingError

SERVICE = "inference-navigator/hub"
log = logging.getLogger(__name__)


class TokenError(UserFacingError):
    """The keyring could not be used (one sentence)."""


def get_token(endpoint: str) -> str | None:
    """The token saved for this download address, or None (starter models need none).

    A keyring that cannot be read means no token: the starter models download without one,
    and a gated model then says that it needs one.
    """
    try:
        return keyring.get_password(SERVICE, endpoint)
    except KeyringError as exc:
        log.warning("No access token: the system keyring could not be read (%s)", exc)
        return None


def set_token(endpoint: str, token: str) -> None:
    """Save the token for this download address; an empty token forgets it."""
    try:
        if token:
            keyring.set_password(SERVICE, endpoint, token)
        else:
            keyring.delete_password(SERVICE, endpoint)
    except PasswordDeleteError:
        pass
    except KeyringError as exc:
        raise TokenError(f"The token could not be saved in the system keyring ({exc}).") from None
