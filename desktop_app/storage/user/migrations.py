"""Migrations of the user store: MIGRATIONS[v] upgrades a store at version v to v + 1.

Each runs inside the transaction that opens the store, so a failed one changes nothing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.storage.user.schema import TrialRow

log = logging.getLogger(__name__)


def _trials_to_versioned_format(session: Session) -> None:
    """1 -> 2: rewrite every saved trial (0.1.0's unversioned payload) in format 1; keep all.

    A row that cannot be read is left exactly as it was (the store skips it when listing)."""
    for row in session.scalars(select(TrialRow)):
        try:
            row.payload_json = json.dumps(row.to_native().to_json(), sort_keys=True)
        except Exception as exc:  # one damaged row must not stop the upgrade of the rest
            log.warning("Trial #%s cannot be migrated and is left as it was: %r", row.id, exc)


MIGRATIONS: dict[int, Callable[[Session], None]] = {1: _trials_to_versioned_format}
