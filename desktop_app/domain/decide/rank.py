"""The recommendation: the decision rule (rules.py) with weighted criteria as the tie-breaker.

Pure and deterministic: `recommend(data, answers, profile, weights)` takes the store's
records, the user's answers and (optionally) the active hardware profile, and returns a
complete ranking of the eight frameworks, eligible ones first, each with the step of the
rule that decided its place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from desktop_app.domain.decide.data import DecisionData
from desktop_app.domain.decide.guide import Answers, GuideStatement, derived_rows, guide_statements
from desktop_app.domain.decide.hardware import (
    HardwareFit,
    HardwareTarget,
    hardware_fit,
    hardware_target,
)
from desktop_app.domain.decide.rules import (
    STEP_EXCLUDED,
    Constraint,
    Need,
    Placement,
    clashes,
    explicit_needs,
    hard_constraints,
    place,
)
from desktop_app.domain.decide.scoring import (
    CRITERIA,
    CRITERION_IDS,
    SCORERS,
    CriterionScore,
    score_guide,
    score_latency,
    score_stability,
)
from desktop_app.domain.hardware.profile import HardwareProfile

WEIGHT_MAX = 10
BASE_WEIGHTS: Mapping[str, int] = {
    "guide": 5,
    "throughput": 2,
    "latency": 2,
    "setup": 2,
    "cost": 2,
    "hardware": 3,
    "stability": 2,
    "ecosystem": 2,
    "health": 2,
}
# What each answer makes matter more (or less): the guide's reasons for each question.
_ADJUST: Mapping[tuple[str, str], Mapping[str, int]] = {
    ("budget", "no-gpu"): {"cost": 3, "hardware": 1},
    ("budget", "one-or-two-gpus"): {"latency": 1, "cost": 1},
    ("budget", "cluster"): {"throughput": 3, "cost": 1},
    ("time", "today"): {"setup": 4},
    ("time", "week"): {"setup": 2},
    ("time", "dedicated-team"): {"setup": -2, "throughput": 2},
    ("scale", "personal"): {"setup": 2, "cost": 1},
    ("scale", "small"): {"latency": 2, "stability": 2},
    ("scale", "enterprise"): {"throughput": 2, "latency": 2, "stability": 3},
    ("need", "prototype"): {"setup": 3},
    ("need", "hf-ecosystem"): {"guide": 2},
    ("need", "agentic"): {"stability": 2, "latency": 1},
    ("need", "data-sovereignty"): {"health": 1},
    ("need", "edge"): {"hardware": 2, "cost": 2},
    ("need", "tight-budget"): {"cost": 3},
}


def default_weights(answers: Answers) -> dict[str, int]:
    """Sensible weights (0-10) for these answers; the user may move them afterwards."""
    weights = dict(BASE_WEIGHTS)
    keys: list[tuple[str, str]] = []
    if answers.budget:
        keys.append(("budget", answers.budget))
    if answers.time:
        keys.append(("time", answers.time))
    if answers.scale:
        keys.append(("scale", answers.scale))
    keys += [("need", n) for n in sorted(answers.needs)]
    for key in keys:
        for criterion, delta in _ADJUST[key].items():
            weights[criterion] += delta
    return {c: max(0, min(WEIGHT_MAX, w)) for c, w in weights.items()}


@dataclass(frozen=True)
class Decider:
    """One fact that decided a framework's place, with its sources."""

    criterion: str
    text: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Ranked:
    """A framework's place in the ranking."""

    id: str
    name: str
    score: float  # weighted mean of criteria scores, 1-5 (not shown for excluded ones)
    excluded: bool
    exclusions: tuple[str, ...]
    flags: tuple[str, ...]  # shown, never hidden: maintenance mode, platform notes
    deciders: tuple[Decider, ...]
    placement: Placement = field(default_factory=lambda: Placement(STEP_EXCLUDED, ""))
    constraints: tuple[Constraint, ...] = ()

    @property
    def reasons(self) -> list[str]:
        """Plain sentences: why it is excluded or flagged, then what decided its place."""
        placed = () if self.excluded else (self.placement.text,)
        return [*self.exclusions, *self.flags, *placed, *(d.text for d in self.deciders)]


@dataclass(frozen=True)
class Recommendation:
    """Everything the Decide view and `infernav recommend` show."""

    answers: Answers
    hardware: HardwareTarget
    weights: Mapping[str, int]
    ticked_rows: Mapping[str, str]  # row id -> what ticked it
    implied_rows: Mapping[str, str]  # the ticked rows the answers imply (not only by hand)
    statements: tuple[GuideStatement, ...]
    scores: Mapping[tuple[str, str], CriterionScore]  # (criterion, framework) -> score
    ranking: tuple[Ranked, ...]
    guide_notes: tuple[Decider, ...]  # where current facts disagree with the guide
    notes: tuple[str, ...]
    needs: tuple[Need, ...] = ()  # the explicit needs, with where each points now
    clashes: tuple[str, ...] = ()  # explicit needs that point to different frameworks
    basis: str = ""  # which hardware the ranking used, in words
    before_answers: bool = False  # no question answered yet: based on the hardware alone

    @property
    def top(self) -> Ranked:
        """The best eligible framework (or the best overall if all are excluded)."""
        return self.ranking[0]


@dataclass(frozen=True)
class Assessment:
    """Criteria scores and eligibility for some answers and hardware (weights not applied)."""

    answers: Answers
    hardware: HardwareTarget
    ticked_rows: Mapping[str, str]
    implied_rows: Mapping[str, str]
    statements: tuple[GuideStatement, ...]
    scores: Mapping[tuple[str, str], CriterionScore]
    fits: Mapping[str, HardwareFit]


def recommend(
    data: DecisionData,
    answers: Answers,
    profile: HardwareProfile | None = None,
    weights: Mapping[str, int] | None = None,
) -> Recommendation:
    """Score, weigh and rank every framework for these answers and this hardware."""
    return rank(data, assess(data, answers, profile), weights)


def assess(data: DecisionData, answers: Answers, profile: HardwareProfile | None) -> Assessment:
    """Score every framework on every criterion and check its hardware eligibility."""
    target = hardware_target(answers.hardware, profile)
    names = {fw.id: fw.name for fw in data.frameworks}
    hw_class = target.cls if target.known else "unknown"
    statements = guide_statements(
        answers,
        hw_class,
        target.big_nvidia,
        ((r.id, r.constraint, r.frameworks) for r in data.matrix),
        names,
    )
    implied = derived_rows(answers, hw_class)
    ticked = dict(implied)
    for row in sorted(answers.rows - set(implied)):
        ticked[row] = "ticked by hand"
    scores: dict[tuple[str, str], CriterionScore] = {}
    fits: dict[str, HardwareFit] = {}
    tuned = answers.time == "dedicated-team"
    for fw in data.frameworks:
        fit = hardware_fit(fw, target)
        fits[fw.id] = fit
        scores["guide", fw.id] = score_guide(fw, statements)
        for cid, scorer in SCORERS.items():
            scores[cid, fw.id] = scorer(data, fw)
        scores["latency", fw.id] = score_latency(data, fw, tuned)
        scores["stability", fw.id] = score_stability(data, fw, tuned)
        scores["hardware", fw.id] = CriterionScore(
            "hardware", fw.id, float(fit.score), fit.reason, fit.evidence
        )
        if target.cls == "cpu" and target.known and fit.score < 5:
            for c in ("throughput", "latency", "stability"):
                scores[c, fw.id] = _cap_on_cpu(scores[c, fw.id])
    return Assessment(answers, target, ticked, implied, tuple(statements), scores, fits)


def rank(
    data: DecisionData, assessment: Assessment, weights: Mapping[str, int] | None = None
) -> Recommendation:
    """Apply weights (the answers' defaults when None) and rank, eligible frameworks first."""
    answers, target, scores, fits = (
        assessment.answers,
        assessment.hardware,
        assessment.scores,
        assessment.fits,
    )
    statements = list(assessment.statements)
    names = {fw.id: fw.name for fw in data.frameworks}
    w = dict(default_weights(answers) if weights is None else weights)
    for c in CRITERION_IDS:
        w[c] = max(0, min(WEIGHT_MAX, int(w.get(c, 0))))

    total_w = sum(w.values())
    totals: dict[str, float] = {}
    for fw in data.frameworks:
        vals = {c: scores[c, fw.id].value for c in CRITERION_IDS}
        if total_w:
            totals[fw.id] = round(sum(w[c] * vals[c] for c in CRITERION_IDS) / total_w, 2)
        else:  # every slider at zero: weigh the criteria equally rather than divide by zero
            totals[fw.id] = round(sum(vals.values()) / len(vals), 2)

    excluded = hard_constraints(data, answers, target, fits)
    needs = explicit_needs(data, answers, excluded)
    need_ev = {e for n in needs for e in n.evidence}
    generic = [st for st in statements if not set(st.evidence) & need_ev]
    ranked_ids, placements = place(data, excluded, needs, generic, totals)
    ranking: list[Ranked] = []
    top_id = ranked_ids[0]
    second_id = ranked_ids[1] if len(ranked_ids) > 1 else top_id
    for fid in ranked_ids:
        fw = next(f for f in data.frameworks if f.id == fid)
        out = excluded[fid]
        exclusions = tuple(f"Excluded: {c.text}" for c in out)
        flags: list[str] = []
        if fw.in_maintenance and not out:
            flags.append(f"⚠ {fw.name} is in maintenance mode: {fw.status}.")
        if not out and fits[fid].reason.startswith("Limited support"):
            flags.append(f"⚠ {fits[fid].reason}")
        rival = second_id if fid == top_id else top_id
        ranking.append(
            Ranked(
                id=fid,
                name=fw.name,
                score=totals[fid],
                excluded=bool(out),
                exclusions=exclusions,
                flags=tuple(flags),
                deciders=() if out else _deciders(fid, rival, fid == top_id, scores, w, names),
                placement=placements[fid],
                constraints=tuple(out),
            )
        )
    notes = [target.note] if target.note else []
    if all(r.excluded for r in ranking):
        notes.append("Every framework is excluded for this hardware; the ranking is indicative.")
    return Recommendation(
        answers=answers,
        hardware=target,
        weights=w,
        ticked_rows=assessment.ticked_rows,
        implied_rows=assessment.implied_rows,
        statements=assessment.statements,
        scores=scores,
        ranking=tuple(ranking),
        guide_notes=_guide_notes(data, statements, ranking, names, needs),
        notes=tuple(notes),
        needs=tuple(needs),
        clashes=tuple(clashes(needs, names)),
        basis=_basis(answers, target),
        before_answers=_unanswered(answers),
    )


def _unanswered(answers: Answers) -> bool:
    return (
        answers.budget is None
        and answers.time is None
        and answers.users is None
        and not answers.needs
        and not answers.rows
    )


def _basis(answers: Answers, target: HardwareTarget) -> str:
    """Which hardware the ranking used, in words."""
    if answers.hardware == "deployment":
        return (
            "Hardware: the deployment target, not chosen yet, so no framework is ruled out "
            "for hardware. This machine is one of the choices."
        )
    if answers.hardware == "auto":
        return (
            f"Hardware: this machine ({target.label}), as you chose; the deployment target "
            "may differ."
        )
    return f"Hardware: the deployment target you chose, {target.label}."


def _cap_on_cpu(score: CriterionScore) -> CriterionScore:
    """GPU-measured performance says little about a CPU-only machine: cap it at 2."""
    if score.value <= 2:
        return score
    return CriterionScore(
        score.criterion,
        score.framework,
        2.0,
        f"Capped at 2/5 on CPU-only hardware: no optimised CPU backend, and the store's "
        f"figure was not measured on CPU. GPU figure: {score.explanation}",
        score.evidence,
    )


def _deciders(
    fid: str,
    rival: str,
    is_top: bool,
    scores: Mapping[tuple[str, str], CriterionScore],
    w: Mapping[str, int],
    names: Mapping[str, str],
) -> tuple[Decider, ...]:
    """The two or three weighted criteria that separate a framework from its rival."""
    label = {c.id: c.label for c in CRITERIA}
    gaps = sorted(
        ((w[c] * (scores[c, fid].value - scores[c, rival].value), c) for c in CRITERION_IDS),
        key=lambda g: (-g[0], CRITERION_IDS.index(g[1])),
    )
    out: list[Decider] = []
    if fid == rival:
        return ()
    ahead = [c for gap, c in gaps if gap > 0]
    behind = [c for gap, c in reversed(gaps) if gap < 0]
    picks = ahead[:3] if is_top else [*behind[:2], *ahead[:1]]
    for c in picks:
        mine, theirs = scores[c, fid], scores[c, rival]
        word = "ahead of" if mine.value > theirs.value else "behind"
        out.append(
            Decider(
                c,
                f"{label[c]}: {word} {names[rival]} ({mine.value:g} vs {theirs.value:g}) — "
                f"{mine.explanation}",
                mine.evidence,
            )
        )
    return tuple(out)


# Figures whose conflicts bite when the reader plans to rent GPUs (prices and overheads).
_GPU_COST_FIGURES = frozenset({"G013", "G075", "G097"})


def _guide_notes(
    data: DecisionData,
    statements: list[GuideStatement],
    ranking: list[Ranked],
    names: Mapping[str, str],
    needs: list[Need],
) -> tuple[Decider, ...]:
    """Where current facts overrule the guide, and where the guide disagrees with itself."""
    notes: list[Decider] = []
    named: dict[str, list[GuideStatement]] = {}
    for st in statements:
        for fid in st.frameworks:
            named.setdefault(fid, []).append(st)
    out_ev = {r.id: [e for c in r.constraints for e in c.evidence] for r in ranking}
    for need in needs:
        if need.note:
            dropped = [e for f in need.guide_frameworks for e in out_ev.get(f, [])]
            ev = (*need.evidence, *dropped, *_conflicts_of(data, need.row))
            notes.append(
                Decider("need", f"You said {need.label}: {need.note}.", tuple(dict.fromkeys(ev)))
            )
    redirected = {f for n in needs if n.note for f in n.guide_frameworks}
    for r in ranking:
        if r.id not in named or r.id in redirected:
            continue
        cited = [e for st in named[r.id] for e in st.evidence]
        fw = next(f for f in data.frameworks if f.id == r.id)
        if r.excluded:
            found: list[str] = [e for c in r.constraints for e in c.evidence]
            if any(c.kind == "archived" for c in r.constraints):
                found += [c.id for c in data.conflicts if f"F:{r.id}:status" in c.figure_ids]
            notes.append(
                Decider(
                    r.constraints[0].kind,
                    f"The guide points to {fw.name} here, but current facts rule it out: "
                    f"{_lower(r.constraints[0].text)}",
                    tuple(dict.fromkeys((*found, *cited))),
                )
            )
        elif fw.in_maintenance:
            notes.append(
                Decider(
                    "health",
                    f"The guide points to {fw.name} here, but current facts disagree: it has "
                    f"been in {fw.status}. It is flagged, not hidden.",
                    tuple(dict.fromkeys((f"F:{r.id}:status", *cited))),
                )
            )
    ticked = {e for st in statements for e in st.evidence} | {n.row for n in needs if n.row}
    gpu_budget = _rents_gpus(statements)
    shown = {e for n in notes for e in n.evidence}
    for c in data.conflicts:
        rows_hit = any(f in ticked for f in c.figure_ids if f[:1] == "M")
        cost_hit = gpu_budget and bool(_GPU_COST_FIGURES & set(c.figure_ids))
        if (rows_hit or cost_hit) and c.id not in shown:
            notes.append(
                Decider("conflict", f"The guide disagrees with itself: {c.title}.", (c.id,))
            )
    return tuple(notes)


def _rents_gpus(statements: list[GuideStatement]) -> bool:
    """True when the answers include a GPU budget (the guide's Question 1 with GPUs)."""
    return any(e in ("G104", "G105") for st in statements for e in st.evidence)


def _conflicts_of(data: DecisionData, row: str | None) -> list[str]:
    """Conflicts about a row that current facts settle (a framework's status)."""
    return [
        c.id
        for c in data.conflicts
        if row is not None and row in c.figure_ids and any(f.startswith("F:") for f in c.figure_ids)
    ]


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]
