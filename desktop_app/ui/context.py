"""What every view is given: the stores and the background helper."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.services.stores import Stores
from desktop_app.ui.workers import BackgroundRunner


@dataclass
class AppContext:
    """Shared objects for the views; built once the stores have loaded."""

    stores: Stores
    runner: BackgroundRunner
