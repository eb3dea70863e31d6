"""Open the stores (blocking jobs): the one place the app and the CLI open them.

SQLAlchemy is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop_app import paths

if TYPE_CHECKING:
    from desktop_app.storage.bundled.store import BundledStore
    from desktop_app.storage.user.store import UserStore


@dataclass(frozen=True)
class Stores:
    """The two stores the app works with, plus any notice for the user."""

    bundled: BundledStore
    user: UserStore
    notices: tuple[str, ...] = ()


def open_bundled() -> BundledStore:
    """The read-only bundled store; raises StoreError when it is missing or damaged."""
    from desktop_app.services.datapack import active_pack
    from desktop_app.storage.bundled.store import BundledStore

    store = BundledStore(paths.bundled_store_path())
    pack = active_pack()
    if pack is not None:
        store.apply_pack(pack)  # the user's imported data pack, over the bundled rows
    return store


def open_user() -> UserStore:
    """The user's own store (created on first use)."""
    from desktop_app.storage.user.store import UserStore

    return UserStore(paths.user_store_path())


def open_stores() -> Stores:
    """Open both stores; raises StoreError when the bundled store is broken."""
    bundled = open_bundled()
    user = open_user()
    notices: tuple[str, ...] = (user.notice,) if user.notice else ()
    warm_engine_imports()
    user.trials()  # counts the saved trials that cannot be read (each is skipped, and logged)
    if user.unreadable_trials:
        notices += (unreadable_trials_sentence(user.unreadable_trials),)
    return Stores(bundled, user, notices)


def unreadable_trials_sentence(count: int) -> str:
    """The banner when saved trials were skipped as unreadable (they stay in the file)."""
    if count == 1:
        return "1 saved trial could not be read and is not shown."
    return f"{count:,} saved trials could not be read and are not shown."


def warm_engine_imports() -> None:
    """Import the engine and GGUF services here, in the loader's background thread.

    They pull in httpx and the gguf package (with numpy): about 0.8 s of imports on a
    loaded machine, which used to run on the GUI thread the first time Launch was
    opened (the 775 ms stall of issue 17). Imported once, they cost nothing later.
    """
    import desktop_app.services.engines.clients
    import desktop_app.services.gguf
    import desktop_app.services.trial  # noqa: F401  (imported for the side effect)
