"""The decision rule: hard constraints, then explicit needs, then generic rows, then weights.

docs/decision-rules.md states the same rule for readers. Each framework gets a `Placement`
that says which step decided its place, so the order can be explained in words (the Why
panel) and by a machine (`infernav recommend --json`).

1. Hard constraints exclude a framework: hardware it cannot run on; "can't afford GPUs"
   rules out GPU-only serving; a repository archived upstream is not for new work.
2. Explicit needs: the matrix rows that name the reader's own situation (a special need, a
   row ticked by hand, "can't afford GPUs"). A framework named by more of them ranks first.
3. Generic rows: the other guide statements that fit the answers (scale, hardware, time).
4. Weighted criteria break the remaining ties.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from desktop_app.domain.decide.data import DecisionData
from desktop_app.domain.decide.guide import NEED_LABELS, Answers, GuideStatement
from desktop_app.domain.decide.hardware import HardwareFit, HardwareTarget, support_level
from desktop_app.domain.sources.frameworks import Framework

# Special need -> the matrix row that names it (edge devices have no row: the Quick Answer).
NEED_ROWS: Mapping[str, str] = {
    "prototype": "M2",
    "hf-ecosystem": "M5",
    "agentic": "M6",
    "tight-budget": "M7",
    "data-sovereignty": "M8",
}
EDGE_FRAMEWORKS: tuple[str, ...] = ("llama.cpp",)

STEP_EXCLUDED = "hard constraint"
STEP_EXPLICIT = "explicit need"
STEP_GENERIC = "generic row"
STEP_WEIGHTS = "weighted criteria"


@dataclass(frozen=True)
class Constraint:
    """A hard constraint that rules a framework out, in the reader's words."""

    kind: str  # "hardware" | "no-gpu" | "archived"
    text: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Need:
    """An explicit need and the frameworks it points to once hard constraints are applied."""

    key: str  # "need:agentic", "budget:no-gpu", "row:M3"
    label: str  # "agentic / multi-step workflows"
    row: str | None
    guide_frameworks: tuple[str, ...]  # what the guide names
    frameworks: tuple[str, ...]  # what it points to now (excluded ones replaced or dropped)
    note: str  # why those differ, or ""
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Placement:
    """Which step of the rule decided a framework's place, and how."""

    step: str  # one of the STEP_* values
    text: str
    needs: tuple[str, ...] = ()  # keys of the explicit needs naming it
    generic: tuple[str, ...] = ()  # texts of the generic statements naming it
    evidence: tuple[str, ...] = ()


def hard_constraints(
    data: DecisionData, answers: Answers, target: HardwareTarget, fits: Mapping[str, HardwareFit]
) -> dict[str, list[Constraint]]:
    """Every hard constraint that rules out each framework (empty list: eligible)."""
    out: dict[str, list[Constraint]] = {}
    for fw in data.frameworks:
        found: list[Constraint] = []
        fit = fits[fw.id]
        if fit.excluded:
            found.append(
                Constraint(
                    "hardware",
                    f"It cannot run on {_hardware_words(target)}: {fit.reason}",
                    fit.evidence,
                )
            )
        cpu = fw.fact("cpu")
        if answers.budget == "no-gpu" and support_level(cpu) == "no":
            found.append(
                Constraint(
                    "no-gpu",
                    f"You said you can't afford GPUs, so GPU-only serving is out: {fw.name} "
                    f"does not run without a GPU ({cpu.short_value(50)}).",
                    (f"F:{fw.id}:cpu",),
                )
            )
        archived = archived_since(fw)
        if archived:
            found.append(
                Constraint(
                    "archived",
                    f"Its repository was archived read-only on {archived} "
                    f"({_maintenance(fw)}), so it is not recommended for new work.",
                    (f"F:{fw.id}:archived", f"F:{fw.id}:status"),
                )
            )
        out[fw.id] = found
    return out


def archived_since(fw: Framework) -> str:
    """The date a framework's repository was archived, or "" when it is not."""
    fact = fw.facts.get("archived")
    if fact is None or not (fact.value or "").lower().startswith("yes"):
        return ""
    words = (fact.value or "").replace(";", " ").split()
    date = next((w for w in words if w[:2] == "20"), "")
    return date.rstrip(",.") or "an unrecorded date"


def _maintenance(fw: Framework) -> str:
    status = fw.status.split(";")[0].strip()
    return status if "maintenance" in status else "no longer developed"


def _hardware_words(target: HardwareTarget) -> str:
    return target.label if target.known else "this hardware"


def explicit_needs(
    data: DecisionData,
    answers: Answers,
    excluded: Mapping[str, list[Constraint]],
) -> list[Need]:
    """The reader's explicit needs, in a fixed order, each with where it points now."""
    rows = {r.id: r for r in data.matrix}
    names = {fw.id: fw.name for fw in data.frameworks}
    needs: list[Need] = []

    def add(key: str, label: str, row_id: str | None, fws: tuple[str, ...], *ev: str) -> None:
        now, note = _redirect(data, fws, excluded, names)
        needs.append(Need(key, label, row_id, fws, now, note, tuple(dict.fromkeys(ev))))

    if answers.budget == "no-gpu" and "M1" in rows:
        add("budget:no-gpu", "you can't afford GPUs", "M1", rows["M1"].frameworks, "M1", "Q1")
    for need in sorted(answers.needs, key=list(NEED_LABELS).index):
        label = NEED_LABELS[need].lower().replace("hugging face", "Hugging Face")
        row_id = NEED_ROWS.get(need)
        if row_id is not None and row_id in rows:
            add(f"need:{need}", label, row_id, rows[row_id].frameworks, row_id)
        elif need == "edge":
            add("need:edge", label, None, EDGE_FRAMEWORKS, "QA")
    taken = {n.row for n in needs}
    for row_id in sorted(answers.rows - taken):
        if row_id in rows:
            row = rows[row_id]
            add(f"row:{row_id}", f"“{row.constraint}” (ticked)", row_id, row.frameworks, row_id)
    return needs


def _redirect(
    data: DecisionData,
    fws: tuple[str, ...],
    excluded: Mapping[str, list[Constraint]],
    names: Mapping[str, str],
) -> tuple[tuple[str, ...], str]:
    """Where a need points once excluded frameworks drop out (archived ones hand over)."""
    kept = tuple(f for f in fws if not excluded.get(f))
    if len(kept) == len(fws):
        return fws, ""
    dropped = [f for f in fws if excluded.get(f)]
    notes = []
    for fid in dropped:
        why = excluded[fid][0]
        notes.append(f"the guide names {names.get(fid, fid)}, but {_lower(why.text).rstrip('.')}")
    if kept:
        return kept, "; ".join(notes)
    handed: list[str] = []
    for fid in dropped:
        fw = next((f for f in data.frameworks if f.id == fid), None)
        alt = fw.facts.get("recommended_alternatives") if fw else None
        if fw is None or alt is None or not alt.value:
            continue
        for other in alt.value.split(";"):
            other = other.strip()
            if other in names and not excluded.get(other) and other not in handed:
                handed.append(other)
        if handed:
            notes.append(
                f"{fw.name}'s own maintainers recommend {' or '.join(names[h] for h in handed)} "
                "instead, so this need points there"
            )
    return tuple(handed), "; ".join(notes)


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def place(
    data: DecisionData,
    excluded: Mapping[str, list[Constraint]],
    needs: Sequence[Need],
    generic: Sequence[GuideStatement],
    totals: Mapping[str, float],
) -> tuple[list[str], dict[str, Placement]]:
    """Order every framework by the rule and say which step decided each place."""
    order = {fw.id: i for i, fw in enumerate(data.frameworks)}
    names = {fw.id: fw.name for fw in data.frameworks}
    named = {fw.id: tuple(n.key for n in needs if fw.id in n.frameworks) for fw in data.frameworks}
    gen = {fw.id: tuple(s.text for s in generic if fw.id in s.frameworks) for fw in data.frameworks}
    labels = {n.key: n.label for n in needs}
    ev_needs = {n.key: n.evidence for n in needs}
    eligible = sorted(
        (f for f in order if not excluded[f]),
        key=lambda f: (-len(named[f]), -len(gen[f]), -totals[f], order[f]),
    )
    out: dict[str, Placement] = {}
    for i, fid in enumerate(eligible):
        prev = eligible[i - 1] if i else None
        nxt = eligible[i + 1] if i + 1 < len(eligible) else None
        rival = nxt if prev is None else prev
        ev = tuple(e for k in named[fid] for e in ev_needs[k])
        if named[fid]:
            said = " and ".join(labels[k] for k in named[fid])
            step, text = STEP_EXPLICIT, f"You said {said}, and the guide points you to it."
            if rival is not None and len(named[rival]) == len(named[fid]) and named[rival]:
                shared = "The same need also" if named[rival] == named[fid] else "Another need"
                text += (
                    f" {shared} points to {names[rival]}, so the generic rows and then the "
                    "weighted criteria order the two."
                )
        elif gen[fid] and (rival is None or len(gen[fid]) != len(gen[rival])):
            step = STEP_GENERIC
            text = (
                f"None of your explicit needs names it; {len(gen[fid])} of the guide's "
                f"general statements for your answers do ({'; '.join(gen[fid])})."
            )
        elif gen[fid]:
            step = STEP_WEIGHTS
            text = (
                f"As many of the guide's general statements name it as the framework next to "
                f"it ({len(gen[fid])}), so the weighted criteria decided: {totals[fid]:.2f} / 5."
            )
        else:
            step = STEP_WEIGHTS
            text = (
                "Neither your needs nor the guide's statements for your answers name it; its "
                f"place comes from the weighted criteria: {totals[fid]:.2f} / 5."
            )
        out[fid] = Placement(step, text, named[fid], gen[fid], ev)
    rest = sorted((f for f in order if excluded[f]), key=lambda f: order[f])
    for fid in rest:
        first = excluded[fid][0]
        out[fid] = Placement(
            STEP_EXCLUDED,
            first.text,
            evidence=tuple(dict.fromkeys(e for c in excluded[fid] for e in c.evidence)),
        )
    return [*eligible, *rest], out


def clashes(needs: Sequence[Need], names: Mapping[str, str]) -> list[str]:
    """Sentences for explicit needs that point to different frameworks."""
    pointing = [n for n in needs if n.frameworks]
    if len(pointing) < 2:
        return []
    apart = any(
        not set(a.frameworks) & set(b.frameworks)
        for i, a in enumerate(pointing)
        for b in pointing[i + 1 :]
    )
    if not apart:
        return []
    parts = [f"{n.label} → {' or '.join(names.get(f, f) for f in n.frameworks)}" for n in pointing]
    return [
        "Your needs point to different frameworks: "
        + "; ".join(parts)
        + ". Both are shown first; choose by the need that matters most to you."
    ]
