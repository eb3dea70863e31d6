"""The recommendation: weighted criteria, hard constraints and the reasons behind the ranking.

Pure and deterministic: `recommend(data, answers, profile, weights)` takes the store's
records, the user's answers and (optionally) the active hardware profile, and returns a
complete ranking of the eight frameworks, eligible ones first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from desktop_app.domain.decide.data import DecisionData
from desktop_app.domain.decide.guide import Answers, GuideStatement, derived_rows, guide_statements
from desktop_app.domain.decide.hardware import (
    HardwareFit,
    HardwareTarget,
    hardware_fit,
    hardware_target,
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
    score: float  # weighted mean of criteria scores, 1-5
    excluded: bool
    exclusions: tuple[str, ...]
    flags: tuple[str, ...]  # shown, never hidden: maintenance mode, platform notes
    deciders: tuple[Decider, ...]

    @property
    def reasons(self) -> list[str]:
        """Plain sentences: why it is excluded or flagged, then what decided its place."""
        return [*self.exclusions, *self.flags, *(d.text for d in self.deciders)]


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

    order = {fw.id: i for i, fw in enumerate(data.frameworks)}
    ranked_ids = sorted(
        (fw.id for fw in data.frameworks),
        key=lambda f: (fits[f].excluded, -totals[f], order[f]),
    )
    ranking: list[Ranked] = []
    top_id = ranked_ids[0]
    second_id = ranked_ids[1] if len(ranked_ids) > 1 else top_id
    for fid in ranked_ids:
        fw = next(f for f in data.frameworks if f.id == fid)
        exclusions = (f"Excluded: {fits[fid].reason}",) if fits[fid].excluded else ()
        flags: list[str] = []
        if fw.in_maintenance:
            flags.append(f"⚠ {fw.name} is in maintenance mode: {fw.status}.")
        rival = second_id if fid == top_id else top_id
        ranking.append(
            Ranked(
                id=fid,
                name=fw.name,
                score=totals[fid],
                excluded=fits[fid].excluded,
                exclusions=exclusions,
                flags=tuple(flags),
                deciders=_deciders(fid, rival, fid == top_id, scores, w, names),
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
        guide_notes=_guide_notes(data, statements, ranking, names),
        notes=tuple(notes),
    )


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


def _guide_notes(
    data: DecisionData,
    statements: list[GuideStatement],
    ranking: list[Ranked],
    names: Mapping[str, str],
) -> tuple[Decider, ...]:
    """Where the guide points to a framework that current facts flag or exclude."""
    notes: list[Decider] = []
    named: dict[str, list[GuideStatement]] = {}
    for st in statements:
        for fid in st.frameworks:
            named.setdefault(fid, []).append(st)
    for r in ranking:
        if r.id not in named:
            continue
        cited = [e for st in named[r.id] for e in st.evidence]
        fw = next(f for f in data.frameworks if f.id == r.id)
        if fw.in_maintenance:
            conflict = next((c for c in data.conflicts if f"F:{r.id}:status" in c.figure_ids), None)
            ev = (f"F:{r.id}:status", *((conflict.id,) if conflict else ()), *cited)
            notes.append(
                Decider(
                    "health",
                    f"The guide points to {fw.name} here, but current facts disagree: it has "
                    f"been in {fw.status}. It is flagged, not hidden.",
                    tuple(dict.fromkeys(ev)),
                )
            )
        if r.excluded:
            notes.append(
                Decider(
                    "hardware",
                    f"The guide points to {fw.name} here, but it is excluded for this "
                    f"hardware: {r.exclusions[0].removeprefix('Excluded: ')}",
                    tuple(dict.fromkeys(cited)),
                )
            )
    return tuple(notes)
