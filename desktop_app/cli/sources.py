"""`infernav frameworks` and `infernav figures`: the bundled store on the command line."""

from __future__ import annotations

import argparse
import json
from typing import Any

from desktop_app.domain.sources.figures import Figure
from desktop_app.domain.units import UNKNOWN


def register(sub: Any) -> None:
    """Add the catalogue commands."""
    p = sub.add_parser("frameworks", help="the frameworks and their headline figures")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=frameworks)
    p = sub.add_parser("figures", help="every figure in the store with its source")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--topic", help="only figures of this topic")
    p.set_defaults(handler=figures)


def _store() -> Any:
    from desktop_app.services.stores import open_bundled

    return open_bundled()


def figure_json(fig: Figure | None) -> dict[str, Any] | None:
    """A figure as a JSON object with its source fields."""
    if fig is None:
        return None
    return {
        "id": fig.id,
        "topic": fig.topic,
        "entity": fig.entity,
        "framework": fig.framework or None,
        "metric": fig.metric,
        "low": fig.low,
        "high": fig.high,
        "text": fig.text or None,
        "display": fig.display_value(),
        "unit": fig.unit,
        "region": fig.region,
        "conditions": fig.conditions,
        "source": fig.provenance.source,
        "source_type": fig.provenance.source_type,
        "retrieved": fig.provenance.retrieved,
        "note": fig.note,
        "conflicts": list(fig.conflicts),
    }


def frameworks(args: argparse.Namespace) -> int:
    """Print the framework cards."""
    store = _store()
    items = store.frameworks()
    if args.json:
        out = [
            {
                "id": fw.id,
                "name": fw.name,
                "summary": fw.summary,
                "best_for": fw.best_for,
                "status": fw.status,
                "maintenance_mode": fw.in_maintenance,
                "license": fw.fact("license").value,
                "throughput": figure_json(fw.throughput),
                "ttft": figure_json(fw.ttft),
                "setup_time": figure_json(fw.setup_time),
                "source": fw.provenance.source,
                "retrieved": fw.provenance.retrieved,
            }
            for fw in items
        ]
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    for fw in items:
        print(f"{fw.name} ({fw.id})")
        if fw.in_maintenance:
            print(f"  ⚠ status: {fw.status}")
        for label, fig in (
            ("throughput", fw.throughput),
            ("time to first token", fw.ttft),
            ("setup time", fw.setup_time),
        ):
            value = fig.display_value() if fig else UNKNOWN
            src = (
                f"  [{fig.provenance.source}; retrieved {fig.provenance.retrieved}]" if fig else ""
            )
            print(f"  {label}: {value}{src}")
        print(f"  licence: {fw.fact('license').display_value()}")
    return 0


def figures(args: argparse.Namespace) -> int:
    """Print every figure with its source fields."""
    items = [f for f in _store().figures() if not args.topic or f.topic == args.topic]
    if args.json:
        print(json.dumps([figure_json(f) for f in items], indent=2, ensure_ascii=False))
        return 0
    for f in items:
        mark = " ⚠" + ",".join(f.conflicts) if f.conflicts else ""
        print(
            f"{f.id}\t{f.entity} — {f.metric}: {f.display_value()}\t{f.region}\t"
            f"{f.provenance.source} ({f.provenance.source_type}, "
            f"{f.provenance.retrieved}){mark}"
        )
    return 0
