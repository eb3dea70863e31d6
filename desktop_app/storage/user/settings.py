"""The settings the app remembers, each a typed key: what it is called and what it holds.

A stored value of the wrong type (an older version's, or a hand edit) reads as the
setting's default, with a log line, never as a crash.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeGuard, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def _is_str(value: object) -> TypeGuard[str]:
    return isinstance(value, str)


def _is_str_list(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


@dataclass(frozen=True)
class Setting(Generic[T]):
    """A remembered setting: its store key, its default and the check of its type."""

    key: str
    default: T
    valid: Callable[[object], TypeGuard[T]]

    def decode(self, stored: str | None) -> T:
        """The value kept as JSON text (None: never set), or the default."""
        if stored is None:
            return copy.deepcopy(self.default)
        try:
            value: object = json.loads(stored)
        except json.JSONDecodeError:
            log.warning("Setting %s is not valid JSON; using its default", self.key)
            return copy.deepcopy(self.default)
        if not self.valid(value):
            log.warning(
                "Setting %s holds a %s, not the expected type; using its default",
                self.key,
                type(value).__name__,
            )
            return copy.deepcopy(self.default)
        return value

    def encode(self, value: T) -> str:
        """The value as the JSON text the store keeps; TypeError if it is the wrong type."""
        if not self.valid(value):
            raise TypeError(f"setting {self.key} cannot hold a {type(value).__name__}")
        return json.dumps(value)


GGUF_FOLDERS: Setting[list[str]] = Setting("launch.gguf_folders", [], _is_str_list)
COMPARE_FRAMEWORKS: Setting[list[str]] = Setting("compare.frameworks", [], _is_str_list)


def engine_binary(engine: str) -> Setting[str]:
    """The binary the user picked for an engine ("" when none): launch.binary.<engine>."""
    return Setting(f"launch.binary.{engine}", "", _is_str)


def _is_number_dict(value: object) -> TypeGuard[dict[str, float]]:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)
        for k, v in value.items()
    )


# The Costs view: "" / [] / {} mean "not chosen yet" (region from the system locale,
# frameworks chosen by the scale, the bundled defaults for every number).
COST_REGION: Setting[str] = Setting("cost.region", "", _is_str)
COST_WORKLOAD_KIND: Setting[str] = Setting("cost.workload_kind", "", _is_str)
COST_NUMBERS: Setting[dict[str, float]] = Setting("cost.numbers", {}, _is_number_dict)
COST_FRAMEWORKS: Setting[list[str]] = Setting("cost.frameworks", [], _is_str_list)

# Where model downloads come from: "" is Hugging Face, otherwise a mirror's address (issue 14).
MODEL_MIRROR: Setting[str] = Setting("download.mirror", "", _is_str)


def _is_bool(value: object) -> TypeGuard[bool]:
    return isinstance(value, bool)


# The window: Qt's saved geometry (base64 text), whether it was maximised, the theme choice.
WINDOW_GEOMETRY: Setting[str] = Setting("window.geometry", "", _is_str)
WINDOW_MAXIMISED: Setting[bool] = Setting("window.maximised", False, _is_bool)
THEME: Setting[str] = Setting("window.theme", "system", _is_str)
