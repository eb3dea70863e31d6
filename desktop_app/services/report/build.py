"""Build a decision report from the stores, through the features' own domain functions.

Nothing here decides, costs or fits anything itself: `recommend`, `calculate`,
`build_comparison` and `estimate` do, exactly as in their views, so the report follows
them. This module only picks what to show and cites where each figure comes from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from desktop_app import __version__
from desktop_app.domain.bench.run import BenchRun
from desktop_app.domain.compare.table import build_comparison
from desktop_app.domain.cost.age import age_of, parse_observed
from desktop_app.domain.cost.calculator import CostResult, Quote, calculate
from desktop_app.domain.cost.inputs import InputError
from desktop_app.domain.cost.overrides import Overrides
from desktop_app.domain.decide.data import decision_data
from desktop_app.domain.decide.guide import (
    BUDGET_LABELS,
    HARDWARE_LABELS,
    NEED_LABELS,
    TIME_LABELS,
)
from desktop_app.domain.decide.rank import Recommendation, recommend
from desktop_app.domain.fit.estimate import FitSettings, catalogue_shape, estimate
from desktop_app.domain.hardware.profile import HardwareProfile
from desktop_app.domain.hardware.text import profile_markdown
from desktop_app.domain.money import format_span
from desktop_app.domain.report.model import Chart, Cited, Report, Source, Table
from desktop_app.domain.report.scenario import ReportScenario, scenario_to_json
from desktop_app.domain.trial.record import Trial
from desktop_app.domain.units import UNKNOWN, format_bytes, format_ms, format_speed
from desktop_app.storage.bundled.store import BundledStore

FIT_QUANT = "Q4_K_M"  # the Models view's default precision
COMPARED = 4  # frameworks in the side-by-side table: the best four eligible ones
NOT_ANSWERED = "not answered"


@dataclass(frozen=True)
class Measured:
    """What the user measured on their machines (from the user store)."""

    trials: Sequence[Trial] = ()
    bench_runs: Sequence[BenchRun] = ()


class _Sources:
    """Collects the text of every cited id: specific texts first, the store's otherwise."""

    def __init__(self, describe: object) -> None:
        self._describe = describe
        self.texts: dict[str, str] = {}

    def add(self, sid: str, text: str) -> str:
        self.texts.setdefault(sid, text)
        return sid

    def text(self, sid: str) -> str:
        if sid in self.texts:
            return self.texts[sid]
        describe = self._describe
        assert callable(describe)
        return str(describe(sid))


def build_report(
    store: BundledStore,
    scenario: ReportScenario,
    profile: HardwareProfile | None,
    measured: Measured = Measured(),
    overrides: Overrides | None = None,
    today: date | None = None,
) -> Report:
    """The report for this scenario on this hardware (`profile` None: unknown)."""
    today = today or date.today()
    data = decision_data(store)
    rec = recommend(data, scenario.answers, profile, scenario.weights)
    sources = _Sources(data.evidence_tooltip)
    notes = list(rec.notes)
    try:
        result: CostResult | None = calculate(store, scenario.cost, overrides)
    except InputError as exc:
        result = None
        notes.append(f"The costs could not be worked out: {exc.message}")
    compare_ids = [r.id for r in rec.ranking if not r.excluded][:COMPARED] or [
        r.id for r in rec.ranking[:COMPARED]
    ]
    report = Report(
        title="Inference framework decision",
        created=today.isoformat(),
        app_version=__version__,
        data=scenario.data or f"data bundled with Inference Navigator {__version__}",
        machine=_machine(profile, rec),
        answers=_answers(rec),
        headline=_headline(rec),
        reasons=_reasons(rec),
        excluded=_excluded(rec),
        ranking=_ranking(rec),
        contradictions=_contradictions(rec, result),
        comparison=_comparison(store, compare_ids, sources),
        cost_bottom_line=_bottom_line(result),
        cost_table=_cost_table(result, sources),
        cost_notes=_cost_notes(result, sources),
        freshness=_freshness(result, today, sources),
        models=_models(store, profile),
        trials=_trials(measured.trials, sources),
        bench=_bench(measured.bench_runs, sources),
        charts=_charts(result),
        sources=(),
        scenario=scenario_to_json(scenario),
        notes=tuple(notes),
        cost_result=result,
    )
    cited = [Source(sid, sources.text(sid)) for sid in report.cited_ids()]
    return replace(report, sources=tuple(cited))


def _machine(profile: HardwareProfile | None, rec: Recommendation) -> tuple[Cited, ...]:
    if profile is None:
        return (Cited(f"Hardware: unknown ({rec.hardware.label})."),)
    lines = []
    for raw in profile_markdown(profile).splitlines():
        text = (
            raw.strip()
            .removeprefix("### ")
            .removeprefix("- ")
            .replace("**", "")
            .replace("_note_", "Note")
        )
        if text:
            lines.append(Cited(text))
    when = (
        "planned in the Hardware view"
        if profile.planned
        else (f"detected on this machine {profile.detected_at or 'at an unknown time'}")
    )
    lines.append(Cited(f"The answer is for {rec.hardware.label} ({when})."))
    return tuple(lines)


def _answers(rec: Recommendation) -> tuple[tuple[str, str], ...]:
    a = rec.answers
    needs = ", ".join(NEED_LABELS[n] for n in sorted(a.needs)) or "none"
    return (
        ("What can you spend on GPUs?", BUDGET_LABELS.get(a.budget or "", NOT_ANSWERED)),
        ("How much time do you have?", TIME_LABELS.get(a.time or "", NOT_ANSWERED)),
        ("How many users?", NOT_ANSWERED if a.users is None else f"{a.users:,}"),
        ("What hardware?", _hardware_answer(a.hardware, rec.hardware.label)),
        ("Special needs", needs),
    )


def _hardware_answer(answer: str, target: str) -> str:
    label = HARDWARE_LABELS[answer]
    return label if label == target else f"{label} ({target})"


def _headline(rec: Recommendation) -> str:
    top = rec.top
    if top.excluded:
        return f"No framework fits {rec.hardware.label}; the ranking is indicative."
    return f"Recommended: {top.name} — {top.score:.2f} / 5 for {rec.hardware.label}"


def _reasons(rec: Recommendation) -> tuple[Cited, ...]:
    top = rec.top
    out = [Cited(text) for text in (*top.exclusions, *top.flags)]
    out += [Cited(d.text, d.evidence) for d in top.deciders]
    return tuple(out)


def _excluded(rec: Recommendation) -> tuple[Cited, ...]:
    return tuple(
        Cited(
            f"{r.name}: {' '.join(r.exclusions).removeprefix('Excluded: ')}",
            rec.scores["hardware", r.id].evidence,
        )
        for r in rec.ranking
        if r.excluded
    )


def _ranking(rec: Recommendation) -> Table:
    rows = []
    for i, r in enumerate(rec.ranking, start=1):
        status = "excluded" if r.excluded else ("recommended" if i == 1 else "eligible")
        if r.flags:
            status += "; " + " ".join(f.removeprefix("⚠ ") for f in r.flags)
        rows.append((Cited(str(i)), Cited(r.name), Cited(f"{r.score:.2f} / 5"), Cited(status)))
    weights = ", ".join(f"{c} {w}" for c, w in rec.weights.items())
    return Table(
        ("Rank", "Framework", "Score", "Status"),
        tuple(rows),
        note=f"Weighted mean of nine criteria, each 1–5. Weights: {weights}.",
    )


def _contradictions(rec: Recommendation, result: CostResult | None) -> tuple[Cited, ...]:
    out = [Cited(d.text, d.evidence) for d in rec.guide_notes]
    for conflict in result.conflicts if result else ():
        out.append(Cited(f"{conflict.title}: {conflict.description}", (conflict.id,)))
    return tuple(out)


def _comparison(store: BundledStore, ids: Sequence[str], sources: _Sources) -> Table:
    comp = build_comparison(store, ids)
    rows = []
    for row in comp.rows:
        cells = [Cited(row.label)]
        for fid, cell in zip(comp.ids, row.cells, strict=True):
            cited: list[str] = []
            if cell.figure is not None:
                cited.append(sources.add(cell.figure.id, cell.tooltip))
            elif cell.benchmark is not None:
                cited.append(sources.add(cell.benchmark.id, cell.tooltip))
            elif cell.fact is not None:
                cited.append(sources.add(f"F:{fid}:{cell.fact.attribute}", cell.tooltip))
            cited += cell.conflicts  # the store's own text: title, description, source
            cells.append(Cited(cell.display, tuple(cited)))
        rows.append(tuple(cells))
    return Table(("", *(fw.name for fw in comp.frameworks)), tuple(rows))


def _money(result: CostResult, span: tuple[float, float] | None) -> str:
    return format_span(span, result.region.currency, result.region.locale)


def _bottom_line(result: CostResult | None) -> str:
    if result is None:
        return "Costs: unknown (see the notes)."
    priced = [fc for fc in result.frameworks if fc.monthly is not None]
    where = f"{result.region.name}, {result.workload_text}, {result.inputs.gpu}"
    if not priced:
        return f"Costs for {where}: unknown — no option could be priced."
    best = min(priced, key=lambda fc: fc.monthly[0] if fc.monthly else 0.0)
    return (
        f"Cheapest option: {best.name} at {_money(result, best.monthly)} a month "
        f"({result.inputs.months}-month total {_money(result, best.total)}), in "
        f"{result.region.currency}, for {where}."
    )


def _quote_ids(q: Quote | None, sources: _Sources) -> tuple[str, ...]:
    if q is None:
        return ()
    return tuple(sources.add(ref, q.tooltip()) for ref in q.refs)


def _cost_table(result: CostResult | None, sources: _Sources) -> Table:
    if result is None:
        return Table((), (), empty="Costs: unknown.")
    rent = _quote_ids(result.rent, sources)
    rate = _quote_ids(result.engineering_rate, sources)
    rows = []
    for fc in result.frameworks:
        tp = (sources.add(fc.throughput.id, fc.throughput.tooltip()),) if fc.throughput else ()
        gpus = (
            UNKNOWN
            if fc.gpus_conservative is None
            else f"{fc.gpus_optimistic}–{fc.gpus_conservative}"
        )
        rows.append(
            (
                Cited(fc.name),
                Cited(gpus, tp),
                Cited(_money(result, fc.monthly), (*tp, *rent)),
                Cited(_money(result, fc.setup), rate),
                Cited(_money(result, fc.total), (*tp, *rent, *rate)),
            )
        )
    cpu = result.cpu_option
    for label, q in (("CPU-only llama.cpp (guide)", cpu.guide), ("CPU 32 vCPU", cpu.sourced)):
        if q is not None:
            monthly = Cited(_money(result, (q.low, q.high)), _quote_ids(q, sources))
            rows.append((Cited(label), Cited("0"), monthly, Cited(UNKNOWN), Cited(UNKNOWN)))
    months = result.inputs.months
    return Table(
        ("Option", "GPUs", "Per month", "Setup", f"{months}-month total"),
        tuple(rows),
        note=f"Amounts in {result.region.currency}; {result.workload_text}.",
    )


def _cost_notes(result: CostResult | None, sources: _Sources) -> tuple[Cited, ...]:
    if result is None:
        return ()
    out = [Cited(n) for n in result.notes]
    for q in (result.rent, result.fx, result.engineering_rate, result.overhead):
        if q is not None:
            shown = f"{q.low:,.4g}" if q.low == q.high else f"{q.low:,.4g}–{q.high:,.4g}"
            out.append(Cited(f"{q.label}: {shown} {q.unit}", _quote_ids(q, sources)))
    return tuple(out)


def _quotes(result: CostResult) -> list[Quote]:
    cpu = result.cpu_option
    found = [result.rent, result.fx, result.purchase, result.engineering_rate, result.overhead]
    found += [cpu.guide, cpu.sourced]
    return [q for q in found if q is not None]


def _freshness(result: CostResult | None, today: date, sources: _Sources) -> Cited:
    quotes = _quotes(result) if result else []
    if not quotes:
        return Cited("Oldest price used: unknown (no price was used).")
    undated = [q for q in quotes if parse_observed(q.observed) is None]
    if undated:
        q = undated[0]
        return Cited(
            f"Oldest price used: {q.label} — observed date unknown (treat as stale).",
            _quote_ids(q, sources),
        )
    q = min(quotes, key=lambda q: parse_observed(q.observed) or today)
    age = age_of(q.observed, today)
    return Cited(f"Oldest price used: {q.label} — {age.text}.", _quote_ids(q, sources))


def _models(store: BundledStore, profile: HardwareProfile | None) -> Table:
    rows = []
    tried = 0
    settings = FitSettings()
    for arch in store.model_archs():
        tried += 1
        fit = estimate(catalogue_shape(arch, FIT_QUANT), settings, profile)
        if not fit.verdict.runs:
            continue
        rows.append(
            (
                Cited(arch.model),
                Cited(f"{arch.params_b:g} B"),
                Cited(format_bytes(fit.total_bytes)),
                Cited(fit.verdict_text),
                Cited(format_speed(fit.decode_estimate)),
            )
        )
    return Table(
        ("Model", "Parameters", f"Memory at {FIT_QUANT}", "Where it runs", "Decode estimate"),
        tuple(rows),
        empty="None of the catalogue's models fits this hardware at "
        f"{FIT_QUANT} (or the hardware is unknown).",
        note=f"{len(rows)} of {tried} catalogue models fit at {FIT_QUANT}, "
        f"{settings.ctx:,} tokens of context, one user. Estimates from the model's "
        "architecture (see the Models view); speeds are upper bounds.",
    )


def _trials(trials: Sequence[Trial], sources: _Sources) -> Table:
    rows = []
    for t in trials:
        label = str(t.hardware.get("label", UNKNOWN)) if t.hardware else UNKNOWN
        sid = sources.add(
            f"trial {t.id}",
            f"Measured on {label}, {t.created or 'at an unknown time'}, with {t.engine} "
            f"{t.engine_version} (Launch view trial).",
        )
        m = t.metrics
        rows.append(
            (
                Cited(t.created[:16].replace("T", " ") or UNKNOWN),
                Cited(f"{t.engine} {t.engine_version}".strip()),
                Cited(t.model or UNKNOWN),
                Cited(format_ms(m.ttft_ms), (sid,)),
                Cited(format_speed(m.decode_tokens_per_s), (sid,)),
            )
        )
    return Table(
        ("When", "Engine", "Model", "First token", "Decode speed"),
        tuple(rows),
        empty="No trials measured yet (Launch → Try it).",
    )


def _bench(runs: Sequence[BenchRun], sources: _Sources) -> Table:
    rows = []
    for run in runs:
        sid = sources.add(
            f"run {run.id}",
            f"Benchmark run “{run.title}”, {run.created}, {run.engine} {run.engine_version} at "
            f"{run.base_url}{' (cancelled)' if run.cancelled else ''}.",
        )
        heads = run.answers()
        best = heads.max_throughput
        top = format_speed(best.output_throughput if best else None)
        users = UNKNOWN if heads.users is None else f"{heads.users}"
        rows.append(
            (
                Cited(run.created[:16].replace("T", " ") or UNKNOWN),
                Cited(run.title),
                Cited(top, (sid,)),
                Cited(users, (sid,)),
                Cited(
                    f"first token ≤ {heads.ttft_target_ms:g} ms, "
                    f"≥ {heads.user_tok_s_target:g} tok/s per user"
                ),
            )
        )
    return Table(
        ("When", "Run", "Most tokens/s", "Users meeting the targets", "Targets"),
        tuple(rows),
        empty="No benchmark runs kept yet (Benchmark view).",
    )


def _charts(result: CostResult | None) -> tuple[Chart, ...]:
    if result is None:
        return ()
    ids = [fc.throughput.id for fc in result.frameworks if fc.throughput]
    ids += list(result.rent.refs) if result.rent else []
    cur = result.region.currency
    return (
        Chart(
            "monthly-cost",
            "Monthly cost per option",
            f"Low (solid) to high (light) monthly cost, in {cur}.",
            tuple(dict.fromkeys(ids)),
        ),
        Chart(
            "cumulative-cost",
            "Cost over time",
            f"Setup plus monthly cost over {result.inputs.months} months, in {cur}.",
            tuple(dict.fromkeys(ids)),
        ),
    )
