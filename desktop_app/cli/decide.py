"""`infernav recommend` (alias `infernav decide`): the Decide view's ranking on the command line."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from desktop_app.domain.decide.guide import BUDGETS, HARDWARE, NEEDS, TIMES

if TYPE_CHECKING:
    from desktop_app.domain.decide.rank import Recommendation
    from desktop_app.domain.hardware.profile import HardwareProfile


def register(sub: Any) -> None:
    """Add the recommend command and its alias `decide`."""
    p = sub.add_parser(
        "recommend",
        aliases=["decide"],
        help="rank the frameworks for your constraints (the guide's four questions)",
        description="Rank the eight frameworks for your budget, time, scale, hardware and "
        "special needs, with the reasons and their sources.",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--budget", choices=BUDGETS, help="what you can spend on GPUs")
    p.add_argument("--time", choices=TIMES, help="how much time you have to set it up")
    p.add_argument("--users", type=_users, metavar="N", help="users (or concurrent users)")
    p.add_argument(
        "--hardware",
        choices=HARDWARE,
        default="deployment",
        help="where the model will be served; deployment = not chosen yet (default), "
        "auto = this machine's detected hardware",
    )
    p.add_argument(
        "--need", choices=NEEDS, action="append", default=[], help="a special need (repeatable)"
    )
    p.set_defaults(handler=recommend_command)


def _users(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"a whole number of users is needed, not {text!r}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"the number of users must be at least 1, not {value}")
    return value


def _detect_profile() -> tuple[HardwareProfile | None, str]:
    """This machine's profile from the hardware probe, or None with a note why not."""
    from desktop_app.services.hardware import probe_hardware

    try:
        return probe_hardware(), ""
    except Exception as exc:  # a failed probe must not stop the recommendation
        return None, f"Hardware detection failed ({exc}): assuming CPU only."


def recommend_command(args: argparse.Namespace) -> int:
    """Print the ranking for the given answers."""
    from desktop_app.domain.decide.data import decision_data
    from desktop_app.domain.decide.guide import Answers
    from desktop_app.domain.decide.rank import recommend
    from desktop_app.services.stores import open_bundled

    answers = Answers(
        budget=args.budget,
        time=args.time,
        users=args.users,
        hardware=args.hardware,
        needs=frozenset(args.need),
    )
    profile, note = _detect_profile() if args.hardware == "auto" else (None, "")
    data = decision_data(open_bundled())
    rec = recommend(data, answers, profile)
    notes = [note] if note else []
    notes += [n for n in rec.notes if not note]
    if args.json:
        print(json.dumps(to_json(rec, notes, data.evidence_tooltip), indent=2, ensure_ascii=False))
        return 0
    _print_text(rec, notes)
    return 0


def to_json(rec: Recommendation, notes: list[str], describe: Any) -> dict[str, Any]:
    """The recommendation as a JSON object: answers, weights, ranking best first, notes."""
    a = rec.answers

    def sources(ids: tuple[str, ...]) -> list[dict[str, str]]:
        return [{"id": i, "source": describe(i)} for i in ids]

    return {
        "answers": {
            "budget": a.budget,
            "time": a.time,
            "users": a.users,
            "hardware": a.hardware,
            "needs": sorted(a.needs),
        },
        "hardware": {
            "class": rec.hardware.cls,
            "label": rec.hardware.label,
            "basis": rec.basis,
        },
        "based_on_hardware_alone": rec.before_answers,
        "rule": [
            "hard constraints",
            "explicit needs",
            "generic rows",
            "weighted criteria",
        ],
        "explicit_needs": [
            {
                "need": n.key,
                "label": n.label,
                "matrix_row": n.row,
                "guide_points_to": list(n.guide_frameworks),
                "points_to": list(n.frameworks),
                "note": n.note,
            }
            for n in rec.needs
        ],
        "needs_disagree": list(rec.clashes),
        "matrix_rows_ticked": dict(rec.ticked_rows),
        "weights": dict(rec.weights),
        "ranking": [
            {
                "rank": i,
                "id": r.id,
                "name": r.name,
                "score": None if r.excluded else r.score,
                "excluded": r.excluded,
                "decided_by": {
                    "step": r.placement.step,
                    "constraint": r.constraints[0].kind if r.constraints else None,
                    "explicit_needs": list(r.placement.needs),
                    "generic_rows": list(r.placement.generic),
                    "text": r.placement.text,
                    "sources": sources(r.placement.evidence),
                },
                "reasons": r.reasons,
                "flags": list(r.flags),
                "criteria": {
                    c: {
                        "score": rec.scores[c, r.id].value,
                        "explanation": rec.scores[c, r.id].explanation,
                        "evidence": list(rec.scores[c, r.id].evidence),
                    }
                    for c in rec.weights
                },
                "deciding_facts": [
                    {"criterion": d.criterion, "text": d.text, "sources": sources(d.evidence)}
                    for d in r.deciders
                ],
            }
            for i, r in enumerate(rec.ranking, start=1)
        ],
        "guide_disagreements": [
            {"text": d.text, "sources": sources(d.evidence)} for d in rec.guide_notes
        ],
        "notes": notes,
    }


def _print_text(rec: Recommendation, notes: list[str]) -> None:
    print(rec.basis)
    if rec.before_answers:
        print("No question answered yet: this is based on the hardware alone.")
    if rec.ticked_rows:
        print("Guide matrix rows that apply: " + ", ".join(sorted(rec.ticked_rows)))
    for note in notes:
        print(f"Note: {note}")
    for clash in rec.clashes:
        print(f"Note: {clash}")
    print()
    eligible = [r for r in rec.ranking if not r.excluded]
    for i, r in enumerate(eligible, start=1):
        print(f"{i}. {r.name} — {r.score:.2f} / 5 (decided by: {r.placement.step})")
        for reason in r.reasons[:4]:
            print(f"     - {reason}")
    out = [r for r in rec.ranking if r.excluded]
    if out:
        print("\nNot for you, because…")
        for r in out:
            print(f"  ✗ {r.name}: {r.placement.text}")
    for d in rec.guide_notes:
        print(f"\n⚠ {d.text}")
