"""Open the bundled store and the user store together (a blocking job)."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app import paths
from desktop_app.storage.bundled.store import BundledStore
from desktop_app.storage.user.store import UserStore


@dataclass(frozen=True)
class Stores:
    """The two stores the app works with, plus any notice for the user."""

    bundled: BundledStore
    user: UserStore
    notices: tuple[str, ...] = ()


def open_stores() -> Stores:
    """Open both stores; raises StoreError when the bundled store is broken."""
    bundled = BundledStore(paths.bundled_store_path())
    user = UserStore(paths.user_store_path())
    notices = (user.notice,) if user.notice else ()
    return Stores(bundled, user, notices)
