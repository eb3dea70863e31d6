"""Criteria scores (1-5) for each framework, each derived from sourced figures and facts.

Every score carries a sentence saying how it was derived and the ids of the figures,
facts (`F:<framework>:<attribute>`), benchmarks and matrix rows it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from desktop_app.domain.decide.data import DecisionData
from desktop_app.domain.decide.guide import GuideStatement
from desktop_app.domain.decide.hardware import leading_number, support_level
from desktop_app.domain.sources.catalog import Benchmark
from desktop_app.domain.sources.figures import Figure
from desktop_app.domain.sources.frameworks import Framework


@dataclass(frozen=True)
class Criterion:
    """A column of the criteria table, and how its scores are derived."""

    id: str
    label: str
    meaning: str
    method: str


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "guide",
        "Guide fit",
        "how many of the guide's answers for your constraints name it",
        "1 + 4 × (guide statements naming it ÷ guide statements for your answers); "
        "3 when no answer is given",
    ),
    Criterion(
        "throughput",
        "Throughput",
        "requests served per second on a GPU server",
        "guide req/s (midpoint): ≥180 = 5, ≥120 = 4, ≥90 = 3, ≥10 = 2, less = 1; "
        "else a decode benchmark = 4; 'not fast enough' = 2; unknown = 3",
    ),
    Criterion(
        "latency",
        "Latency under load",
        "time to first token with many users",
        "TTFT ≤100 ms at 100 users = 5; ≤100 ms, load not stated = 4; fast but >1 s untuned "
        "= 3 (4 with a dedicated team); one request at a time = 1; unknown = 3",
    ),
    Criterion(
        "setup",
        "Setup effort",
        "5 = least effort to get it running",
        "guide setup time (8 h days, 40 h weeks): ≤2 h = 5, ≤1 day = 4, ≤2 days = 3, "
        "≤1 week = 2, more = 1; else from install paths (binary 4, pip/Docker 3, nightly 2)",
    ),
    Criterion(
        "cost",
        "Infrastructure cost",
        "5 = cheapest hardware to run it on",
        "the guide's low-budget pick on CPU = 5; CPU and laptops = 4; consumer GPUs or the "
        "highest GPU throughput = 3; data-centre GPUs = 2",
    ),
    Criterion(
        "hardware",
        "Hardware fit",
        "how well it supports the hardware you chose",
        "from its platform facts: not supported = excluded; not documented = 1; limited = 2-3; "
        "supported = 4; optimised backend or your GPU meets/is on its list = 5",
    ),
    Criterion(
        "stability",
        "Concurrency stability",
        "does latency hold as users grow",
        "consistently low / stable under load = 5; a benchmark's low TTFT as users grow = 4; "
        "untuned spikes = 3; 'not fast enough' = 2; one request at a time = 1; unknown = 3",
    ),
    Criterion(
        "ecosystem",
        "Ecosystem and maturity",
        "age, OpenAI-compatible API, install paths",
        "1 + released by 2023 + OpenAI-compatible API + up to two install paths",
    ),
    Criterion(
        "health",
        "Project health",
        "maintenance or end-of-life notices",
        "maintenance mode = 1; no notice = 4; named as the successor in another's notice = 5",
    ),
)
CRITERION_IDS: tuple[str, ...] = tuple(c.id for c in CRITERIA)


@dataclass(frozen=True)
class CriterionScore:
    """One cell of the criteria table: the score, how it was derived, and from what."""

    criterion: str
    framework: str
    value: float
    explanation: str
    evidence: tuple[str, ...]


# ------------------------------------------------------------------ criteria


def _mid(fig: Figure) -> float | None:
    vals = [v for v in (fig.low, fig.high) if v is not None]
    return sum(vals) / len(vals) if vals else None


def _first(figs: Iterable[Figure], pred: Callable[[Figure], bool]) -> Figure | None:
    return next((f for f in figs if pred(f)), None)


def _not_enough(data: DecisionData, fw: Framework) -> Figure | None:
    return _first(data.figures_of(fw.id, "concurrency"), lambda f: "NOT" in f.metric)


def _bench(data: DecisionData, fw: Framework, *words: str) -> Benchmark | None:
    return next(
        (b for b in data.benchmarks if b.framework == fw.id and any(w in b.note for w in words)),
        None,
    )


def score_throughput(data: DecisionData, fw: Framework) -> CriterionScore:
    """Requests/s from the guide; a decode benchmark or a "not fast enough" figure otherwise."""
    fig = fw.throughput
    mid = _mid(fig) if fig else None
    if fig is not None and mid is not None and fig.unit == "requests/s":
        value = 5 if mid >= 180 else 4 if mid >= 120 else 3 if mid >= 90 else 2 if mid >= 10 else 1
        return _s(
            "throughput",
            fw,
            value,
            f"{fig.display_value()} (guide) → {value}/5.",
            fig.id,
        )
    bench = next(
        (b for b in data.benchmarks if b.framework == fw.id and b.value and "token" in b.metric),
        None,
    )
    if bench is not None:
        return _s(
            "throughput",
            fw,
            4,
            f"No requests/s figure; {bench.study} measured {bench.value:g} {bench.unit} for "
            f"{bench.concurrency} users ({bench.model}) → 4/5.",
            bench.id,
        )
    slow = _not_enough(data, fw)
    if slow is not None:
        return _s(
            "throughput",
            fw,
            2,
            f"The guide: not fast enough for {slow.display_value()} → 2/5.",
            slow.id,
        )
    return _s("throughput", fw, 3, "Unknown: no throughput figure in the store → neutral 3/5.")


def score_latency(data: DecisionData, fw: Framework, tuned: bool = False) -> CriterionScore:
    """Time to first token, preferring figures measured with many users.

    `tuned`: a dedicated ML-infrastructure team configures it properly, so figures that hold
    only "when not properly tuned" weigh less.
    """
    ttfts = data.figures_of(fw.id, "ttft")
    loaded = _first(ttfts, lambda f: "concurrent" in f.metric or "100" in f.metric)
    if loaded is not None and loaded.high is not None and loaded.high <= 100:
        return _s(
            "latency", fw, 5, f"TTFT {loaded.display_value()} at {_at(loaded)} → 5/5.", loaded.id
        )
    untuned = _first(ttfts, lambda f: (f.low or 0) >= 1000)
    fast = _first(ttfts, lambda f: f.high is not None and f.high <= 100)
    if untuned is not None and fast is not None and tuned:
        return _s(
            "latency",
            fw,
            4,
            f"TTFT {fast.display_value()} when tuned, and your dedicated team can tune it "
            f"(untuned: {untuned.display_value()} under load) → 4/5.",
            fast.id,
            untuned.id,
        )
    if untuned is not None and fast is not None:
        return _s(
            "latency",
            fw,
            3,
            f"TTFT {fast.display_value()} at low load, but {untuned.display_value()} under load "
            "when not tuned → 3/5.",
            fast.id,
            untuned.id,
        )
    if fast is not None:
        return _s("latency", fw, 4, f"TTFT {fast.display_value()}; load not stated → 4/5.", fast.id)
    per_token = _first(data.figures_of(fw.id, "latency"), lambda f: "load" in f.note)
    if per_token is not None:
        return _s(
            "latency",
            fw,
            4,
            f"Per-token latency {per_token.display_value()} across load patterns → 4/5.",
            per_token.id,
        )
    return _load_evidence("latency", data, fw)


def score_stability(data: DecisionData, fw: Framework, tuned: bool = False) -> CriterionScore:
    """Whether latency holds as concurrency grows (`tuned` as for latency)."""
    steady = _first(data.figures_of(fw.id, "concurrency"), lambda f: "consistent" in f.metric)
    if steady is not None:
        return _s(
            "stability",
            fw,
            5,
            f"Consistently low latency from {steady.display_value()} → 5/5.",
            steady.id,
        )
    per_token = _first(data.figures_of(fw.id, "latency"), lambda f: "load" in f.note)
    if per_token is not None:
        return _s(
            "stability",
            fw,
            5,
            f"Stable per-token latency ({per_token.display_value()}) across load → 5/5.",
            per_token.id,
        )
    untuned = _first(data.figures_of(fw.id, "ttft"), lambda f: (f.low or 0) >= 1000)
    if untuned is not None and tuned:
        return _s(
            "stability",
            fw,
            4,
            f"Holds up when tuned; untuned, TTFT can reach {untuned.display_value()} under "
            "load, and your dedicated team can tune it → 4/5.",
            untuned.id,
        )
    if untuned is not None:
        return _s(
            "stability",
            fw,
            3,
            f"TTFT can reach {untuned.display_value()} under load when not tuned → 3/5.",
            untuned.id,
        )
    return _load_evidence("stability", data, fw)


def _load_evidence(criterion: str, data: DecisionData, fw: Framework) -> CriterionScore:
    parallel = fw.facts.get("parallel_requests_default")
    if parallel is not None and parallel.value and parallel.value.rstrip().endswith("1"):
        return _s(
            criterion,
            fw,
            1,
            f"Serves one request at a time by default ({parallel.value}); others queue → 1/5.",
            f"F:{fw.id}:parallel_requests_default",
        )
    slow = _not_enough(data, fw)
    if slow is not None:
        return _s(
            criterion,
            fw,
            2,
            f"The guide: not fast enough for {slow.display_value()} → 2/5.",
            slow.id,
        )
    good = _bench(data, fw, "low TTFT as users increase", "lowest TTFT")
    if good is not None:
        return _s(criterion, fw, 4, f"{good.study}: {good.note.split(': ')[-1]} → 4/5.", good.id)
    bad = _bench(data, fw, "rose significantly", "increased significantly")
    if bad is not None:
        return _s(criterion, fw, 2, f"{bad.study}: {bad.note.split(': ')[-1]} → 2/5.", bad.id)
    return _s(criterion, fw, 3, "Unknown: no figure under load in the store → neutral 3/5.")


def _at(fig: Figure) -> str:
    return fig.metric.replace("time to first token at ", "")


_HOURS = {"minutes": 1 / 60, "hours": 1, "days": 8, "weeks": 40, "months": 160}


def score_setup(data: DecisionData, fw: Framework) -> CriterionScore:
    """Working hours to get it running (8 h a day, 40 h a week); install paths otherwise.

    A current workflow fact (`setup_workflow`) that drops the guide's build step wins over the
    guide's older setup time, which stays beside it in the explanation.
    """
    fig = fw.setup_time
    current = fw.facts.get("setup_workflow")
    if current is not None and (current.value or "").startswith("no engine build"):
        now = _install_path_score(fw)
        if now is not None:
            value, text, attribute = now
            guide = f"; the guide's {fig.display_value()} is the older workflow" if fig else ""
            return _s(
                "setup",
                fw,
                value,
                f"Current releases need no engine build ({current.short_value(60)}), so it "
                f"installs like the others, from {text} → {value}/5{guide}.",
                f"F:{fw.id}:setup_workflow",
                f"F:{fw.id}:{attribute}",
                *((fig.id,) if fig else ()),
            )
    if fig is not None:
        hours: float | None = None
        if fig.high is not None and fig.unit in _HOURS:
            hours = fig.high * _HOURS[fig.unit]
        elif fig.text:
            words = [u for u in _HOURS if u in fig.text]
            hours = _HOURS[words[-1]] * 2 if words else None
        if hours is not None:
            value = 5 if hours <= 2 else 4 if hours <= 8 else 3 if hours <= 16 else 2
            value = 1 if hours > 40 else value
            clash = " (the guide gives other figures elsewhere: see the sources)"
            return _s(
                "setup",
                fw,
                value,
                f"Setup {fig.display_value()} (guide) → {value}/5{clash if fig.conflicts else ''}.",
                fig.id,
                *fig.conflicts,
            )
    found = _install_path_score(fw)
    if found is not None:
        value, text, attribute = found
        return _s(
            "setup",
            fw,
            value,
            f"No setup-time figure; installs from {text} → {value}/5.",
            f"F:{fw.id}:{attribute}",
        )
    return _s("setup", fw, 2, "No setup-time figure and no documented install path → 2/5.")


def _install_path_score(fw: Framework) -> tuple[int, str, str] | None:
    """The easiest documented install path: (score, words, fact attribute), or None."""
    for attribute, value, text in (
        ("install_binary", 4, "prebuilt binaries or an installer"),
        ("install_pip", 3, "a pip package"),
        ("install_docker", 3, "a Docker image"),
    ):
        fact = fw.facts.get(attribute)
        if fact is not None and fact.value:
            if "nightly" in fact.value:
                value, text = 2, "nightly wheels only"
            return value, f"{text} ({fact.short_value(40)})", attribute
    return None


def score_cost(data: DecisionData, fw: Framework) -> CriterionScore:
    """Cheapest hardware it runs on: CPU servers and laptops beat data-centre GPUs."""
    cpu, apple = fw.fact("cpu"), fw.fact("apple_metal")
    budget_row = next(
        (r for r in data.matrix if "budget" in r.constraint.lower() and fw.id in r.frameworks),
        None,
    )
    cpu_cost = _first(
        (f for f in data.figures if f.topic == "cpu_server_cost" and f.unit.startswith("INR")),
        lambda f: "FAQ" in f.conditions or "Frequently" in f.conditions,
    )
    if budget_row is not None and support_level(cpu) == "yes":
        ev = [budget_row.id, f"F:{fw.id}:cpu"] + ([cpu_cost.id] if cpu_cost else [])
        cost = f" (CPU servers from {cpu_cost.display_value()})" if cpu_cost else ""
        return _s(
            "cost",
            fw,
            5,
            f"Runs on CPU servers; the guide's matrix row “{budget_row.constraint}” calls it the "
            f"lowest infrastructure cost{cost} → 5/5.",
            *ev,
        )
    if support_level(cpu) == "yes" and support_level(apple) == "yes":
        return _s(
            "cost",
            fw,
            4,
            "Runs on CPU servers and laptops, no GPU bill needed → 4/5.",
            f"F:{fw.id}:cpu",
            f"F:{fw.id}:apple_metal",
        )
    rent = _first(
        data.figures,
        lambda f: (
            f.topic == "cloud_gpu_rental"
            and "Frequently" in f.conditions
            and f.unit.startswith("USD")
        ),
    )
    rent_ev = (rent.id,) if rent else ()
    if support_level(apple) == "yes":
        return _s(
            "cost",
            fw,
            3,
            "Runs on laptops and consumer GPUs (Metal/Vulkan); no data-centre GPU needed → 3/5.",
            f"F:{fw.id}:apple_metal",
        )
    fig = fw.throughput
    mid = _mid(fig) if fig else None
    gain = _first(
        data.figures, lambda f: f.topic == "performance_gain" and f"{fw.name} vs" in f.entity
    )
    if fig is not None and mid is not None and mid >= 180:
        return _s(
            "cost",
            fw,
            3,
            f"Needs data-centre GPUs, but its throughput ({fig.display_value()}) means fewer "
            f"of them{' (' + gain.display_value() + ' more per GPU)' if gain else ''} → 3/5.",
            fig.id,
            *((gain.id,) if gain else ()),
            *rent_ev,
        )
    rent_text = (
        f" (an {rent.entity} rents for {rent.display_value()} in the {rent.region})" if rent else ""
    )
    return _s("cost", fw, 2, f"Built for GPU servers{rent_text} → 2/5.", *rent_ev)


def score_ecosystem(data: DecisionData, fw: Framework) -> CriterionScore:
    """One point each: released by 2023, an OpenAI-compatible API, up to two install paths."""
    points, parts, ev = 1, [], []
    first = fw.fact("first_release")
    year = leading_number(first.value)
    if year is not None and year <= 2023:
        points += 1
        parts.append(f"released {first.short_value(20)}")
        ev.append(f"F:{fw.id}:first_release")
    elif year is not None:
        parts.append(f"newer (released {first.short_value(20)})")
        ev.append(f"F:{fw.id}:first_release")
    api = fw.fact("openai_compatible_api")
    if support_level(api) == "yes":
        points += 1
        parts.append("OpenAI-compatible API")
        ev.append(f"F:{fw.id}:openai_compatible_api")
    paths = [a for a in ("install_pip", "install_docker", "install_binary") if fw.fact(a).value]
    points += min(2, len(paths))
    if paths:
        parts.append(f"installs via {', '.join(p.removeprefix('install_') for p in paths)}")
        ev += [f"F:{fw.id}:{p}" for p in paths]
    value = min(5, points)
    return _s("ecosystem", fw, value, f"{_cap('; '.join(parts))} → {value}/5.", *ev)


def score_health(data: DecisionData, fw: Framework) -> CriterionScore:
    """Maintenance mode scores 1; a project another one's notice points users to scores 5."""
    status = fw.facts.get("status")
    if fw.in_maintenance and status is not None:
        return _s("health", fw, 1, f"⚠ {_cap(fw.status)} → 1/5.", f"F:{fw.id}:status")
    for other in data.frameworks:
        note = other.facts.get("status")
        if other.in_maintenance and note and note.value and fw.name.lower() in note.value.lower():
            return _s(
                "health",
                fw,
                5,
                f"Active; {other.name}'s maintenance notice points users to it → 5/5.",
                f"F:{other.id}:status",
            )
    return _s("health", fw, 4, "No maintenance or end-of-life notice recorded → 4/5.")


def score_guide(fw: Framework, statements: list[GuideStatement]) -> CriterionScore:
    """Share of the guide's statements for these answers that name the framework."""
    if not statements:
        return _s("guide", fw, 3, "No answers yet that the guide speaks to → neutral 3/5.")
    named = [s for s in statements if fw.id in s.frameworks]
    value = round(1 + 4 * len(named) / len(statements), 1)
    ev = [e for s in named for e in s.evidence]
    which = "; ".join(s.text for s in named) if named else "none of them"
    return _s(
        "guide",
        fw,
        value,
        f"The guide names it in {len(named)} of {len(statements)} "
        f"statement{'s' if len(statements) != 1 else ''} that fit your answers ({which}) "
        f"→ {value:g}/5.",
        *ev,
    )


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _s(criterion: str, fw: Framework, value: float, text: str, *ev: str) -> CriterionScore:
    return CriterionScore(criterion, fw.id, float(value), text, tuple(dict.fromkeys(ev)))


Scorer = Callable[[DecisionData, Framework], CriterionScore]
SCORERS: Mapping[str, Scorer] = {
    "throughput": score_throughput,
    "setup": score_setup,
    "cost": score_cost,
    "ecosystem": score_ecosystem,
    "health": score_health,
}
