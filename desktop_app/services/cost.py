"""Cost scenario files and the user's own prices for the cost calculator."""

from __future__ import annotations

import json
import logging
import stat
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.domain.cost.inputs import (
    CostInputs,
    ScenarioError,
    scenario_from_dict,
    scenario_to_dict,
)
from desktop_app.domain.cost.overrides import STORE_PREFIX, PriceKey
from desktop_app.storage.user.settings import (
    COST_FRAMEWORKS,
    COST_NUMBERS,
    COST_REGION,
    COST_WORKLOAD_KIND,
)
from desktop_app.storage.user.store import UserStore

log = logging.getLogger(__name__)
MAX_SCENARIO_BYTES = 1_000_000  # a scenario is a few hundred bytes; more is not one


def save_scenario(path: Path, inputs: CostInputs) -> None:
    """Write the inputs as a small JSON file; raises ScenarioError if it cannot be written."""
    text = json.dumps(scenario_to_dict(inputs), indent=2, ensure_ascii=False)
    try:
        path.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"Could not write {path.name}: {exc.strerror or exc}.") from exc


def read_regular_file(path: Path, limit: int, what: str) -> bytes:
    """At most `limit` bytes of a regular file (never a device, FIFO or link to one);
    ScenarioError says in one sentence what is wrong."""
    try:
        info = path.stat()  # follows links: a link to /dev/zero is a device, not a file
        if not stat.S_ISREG(info.st_mode):
            raise ScenarioError(f"{path.name} is not a regular file, so it is not {what}.")
        if info.st_size > limit:
            raise ScenarioError(f"{path.name} is too large to be {what}.")
        with path.open("rb") as fh:
            raw = fh.read(limit + 1)  # never more, even if it grows meanwhile
        if len(raw) > limit:
            raise ScenarioError(f"{path.name} is too large to be {what}.")
    except OSError as exc:
        raise ScenarioError(f"Could not read {path.name}: {exc.strerror or exc}.") from exc
    return raw


def load_scenario(path: Path) -> CostInputs:
    """Read a scenario file; ScenarioError says in one sentence what is wrong."""
    raw = read_regular_file(path, MAX_SCENARIO_BYTES, "a cost scenario")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScenarioError(f"{path.name} is damaged: it is not valid JSON.") from exc
    return scenario_from_dict(doc)


def cost_overrides(user: UserStore) -> dict[PriceKey, float]:
    """The user's cost prices and rates (a stored key that names none is left out)."""
    found: dict[PriceKey, float] = {}
    for stored, price in user.user_prices().items():
        key = PriceKey.from_store_key(stored)
        if key is not None:
            found[key] = price.value
        elif stored.startswith(STORE_PREFIX):
            log.warning("Ignoring the saved price %r: it names no cost price", stored)
    return found


def set_cost_override(user: UserStore, key: PriceKey, value: float, unit: str) -> None:
    """Remember one of the user's prices or rates."""
    user.set_user_price(key.store_key(), value, unit, "entered in the Costs view")


def forget_cost_override(user: UserStore, key: PriceKey) -> None:
    """Back to the bundled value for one price or rate (only that one: L4's is not L40S's)."""
    user.forget_user_price(key.store_key())


def reset_cost_overrides(user: UserStore) -> None:
    """Back to the bundled prices and rates."""
    user.reset_user_prices(STORE_PREFIX)


@dataclass(frozen=True)
class CostViewSettings:
    """What the Costs view remembers between sessions ("" / () / {}: not chosen yet)."""

    region: str = ""
    workload_kind: str = ""
    numbers: dict[str, float] = field(default_factory=dict)
    frameworks: tuple[str, ...] = ()


def load_view_settings(user: UserStore) -> CostViewSettings:
    """The Costs view's remembered choices (defaults where nothing was kept)."""
    frameworks: list[str] = user.get_setting(COST_FRAMEWORKS)
    return CostViewSettings(
        user.get_setting(COST_REGION),
        user.get_setting(COST_WORKLOAD_KIND),
        user.get_setting(COST_NUMBERS),
        tuple(frameworks),
    )


def save_view_settings(user: UserStore, chosen: CostViewSettings) -> None:
    """Remember the Costs view's choices."""
    user.set_setting(COST_REGION, chosen.region)
    user.set_setting(COST_WORKLOAD_KIND, chosen.workload_kind)
    user.set_setting(COST_NUMBERS, dict(chosen.numbers))
    user.set_setting(COST_FRAMEWORKS, list(chosen.frameworks))
