"""Migrations of the user store: MIGRATIONS[v] upgrades a store at version v to v + 1.

Each runs inside the transaction that opens the store, so a failed one changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.storage.user.schema import TrialRow


def _trials_to_versioned_format(session: Session) -> None:
    """1 -> 2: rewrite every saved trial (0.1.0's unversioned payload) in format 1; keep all."""
    for row in session.scalars(select(TrialRow)):
        row.payload_json = json.dumps(row.to_native().to_json(), sort_keys=True)


MIGRATIONS: dict[int, Callable[[Session], None]] = {1: _trials_to_versioned_format}
