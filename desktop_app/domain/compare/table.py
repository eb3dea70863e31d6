"""Side-by-side comparison of two to four frameworks, built from the bundled store.

Every cell keeps the figure, fact or benchmark it shows, so its source, date and
conflicts travel with it; a missing value reads "unknown", never 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from desktop_app.domain.hardware.eligibility import eligibility_for
from desktop_app.domain.hardware.profile import HardwareProfile
from desktop_app.domain.sources.catalog import Benchmark
from desktop_app.domain.sources.figures import Conflict, Figure, Provenance
from desktop_app.domain.sources.frameworks import FRAMEWORK_IDS, Fact, Framework
from desktop_app.domain.units import UNKNOWN, format_number

DEFAULT_FRAMEWORKS: tuple[str, ...] = ("vllm", "tensorrt-llm", "ollama", "llama.cpp")
MIN_FRAMEWORKS = 2
MAX_FRAMEWORKS = 4
CELL_LIMIT = 140

# Working time, as the guide counts setup effort ("1-2 days" = 16 h of a developer).
HOURS_PER_UNIT: dict[str, float] = {
    "minute": 1 / 60,
    "minutes": 1 / 60,
    "hour": 1.0,
    "hours": 1.0,
    "day": 8.0,
    "days": 8.0,
    "week": 40.0,
    "weeks": 40.0,
    "month": 160.0,
    "months": 160.0,
}


class CompareSource(Protocol):
    """What the comparison reads from the bundled store."""

    def framework(self, framework_id: str) -> Framework | None: ...
    def figures_for(self, framework: str, topic: str | None = None) -> list[Figure]: ...
    def conflicts(self) -> list[Conflict]: ...
    def benchmarks(self) -> list[Benchmark]: ...
    def figure(self, figure_id: str) -> Figure | None: ...


class CompareError(ValueError):
    """The frameworks asked for cannot be compared (unknown id, too few, too many)."""


@dataclass(frozen=True)
class Cell:
    """One value of the table with what it came from."""

    text: str
    tooltip: str
    known: bool
    conflicts: tuple[str, ...] = ()
    figure: Figure | None = None
    fact: Fact | None = None
    benchmark: Benchmark | None = None
    also: tuple[Figure, ...] = ()

    @property
    def display(self) -> str:
        """The text as shown: conflicts get a ⚠."""
        return f"{self.text} ⚠" if self.conflicts else self.text

    @property
    def provenance(self) -> Provenance | None:
        """Where the shown value comes from (None for unknown values without a source)."""
        for item in (self.figure, self.fact, self.benchmark):
            if item is not None:
                return item.provenance
        return None


@dataclass(frozen=True)
class CompareRow:
    """One attribute across the compared frameworks (cells in framework order)."""

    key: str
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Comparison:
    """The side-by-side table."""

    frameworks: tuple[Framework, ...]
    rows: tuple[CompareRow, ...]
    conflict_titles: dict[str, str] = field(default_factory=dict)

    @property
    def ids(self) -> tuple[str, ...]:
        """The compared framework ids, in column order."""
        return tuple(fw.id for fw in self.frameworks)

    def row(self, key: str) -> CompareRow:
        """The row with this key."""
        return next(r for r in self.rows if r.key == key)

    def cell(self, key: str, framework_id: str) -> Cell:
        """One cell by row key and framework id."""
        return self.row(key).cells[self.ids.index(framework_id)]


@dataclass(frozen=True)
class Eligibility:
    """Whether a framework runs on a hardware profile, and why (one sentence)."""

    runs: bool
    reason: str


def parse_ids(raw: Sequence[str]) -> tuple[str, ...]:
    """Validate 2-4 framework ids (case-insensitive); raise CompareError with one sentence."""
    ids = tuple(r.strip().lower() for r in raw)
    bad = [r for r in ids if r not in FRAMEWORK_IDS]
    if bad:
        raise CompareError(
            f"unknown framework {', '.join(repr(b) for b in bad)}; "
            f"valid ids are: {', '.join(FRAMEWORK_IDS)}"
        )
    if len(set(ids)) != len(ids):
        raise CompareError("each framework may be listed only once")
    if not MIN_FRAMEWORKS <= len(ids) <= MAX_FRAMEWORKS:
        raise CompareError(
            f"compare takes {MIN_FRAMEWORKS} to {MAX_FRAMEWORKS} frameworks, not {len(ids)}"
        )
    return ids


def clip(text: str, limit: int = CELL_LIMIT) -> str:
    """Shorten long text at a word boundary (the full text stays in the tooltip)."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(";,") + "…"


def _qualifier(fig: Figure, base: str) -> str:
    """The part of a figure's metric that narrows it, e.g. "(lower concurrency)"."""
    found = re.search(r"\(([^)]*)\)", fig.metric)
    if found:
        return f" ({found.group(1)})"
    extra = fig.metric.replace(base, "").strip()
    return f" ({extra})" if extra else ""


def _source_line(fig: Figure) -> str:
    region = f", {fig.region}" if fig.region and fig.region != "global" else ""
    return f"• {fig.display_value()} — {fig.metric}{region} ({fig.id}; {fig.provenance.source})"


def _conflict_lines(ids: Sequence[str], titles: dict[str, str]) -> list[str]:
    return [f"⚠ {c}: {titles.get(c, 'documented disagreement')} (see Sources)" for c in ids]


def _unknown(what: str, checked: Provenance | None = None, note: str = "") -> Cell:
    lines = [f"{what}: {UNKNOWN}", "The guide and the sourced data give no value for this."]
    if note:
        lines.append(f"Note: {note}")
    if checked is not None and checked.source:
        lines.append("Checked: " + checked.describe().replace("\n", "; "))
    return Cell(UNKNOWN, "\n".join(lines), known=False)


def _figure_cell(
    fig: Figure | None,
    also: Sequence[Figure],
    titles: dict[str, str],
    what: str,
    base_metric: str = "",
) -> Cell:
    if fig is None or not fig.is_known:
        return _unknown(what)
    conflicts = tuple(dict.fromkeys(c for f in (fig, *also) for c in f.conflicts))
    lines = [fig.tooltip().split("\n⚠", 1)[0]]
    others = [f for f in also if f.id != fig.id]
    if others:
        lines.append("Also in the guide:")
        lines.extend(_source_line(f) for f in others)
    lines.extend(_conflict_lines(conflicts, titles))
    text = fig.display_value() + (_qualifier(fig, base_metric) if base_metric else "")
    return Cell(text, "\n".join(lines), True, conflicts, figure=fig, also=tuple(others))


def _fact_cell(
    fw: Framework, attribute: str, what: str, conflicts_of: Callable[[str], tuple[str, ...]]
) -> Cell:
    fact = fw.facts.get(attribute)
    if fact is None or not fact.value:
        return _unknown(what, fact.provenance if fact else None, fact.note if fact else "")
    conflicts = conflicts_of(f"F:{fw.id}:{attribute}")
    tip = f"{what}: {fact.value}\n{fact.provenance.describe()}"
    if fact.note:
        tip += f"\nNote: {fact.note}"
    return Cell(clip(fact.value), tip, True, conflicts, fact=fact)


def _benchmark_text(b: Benchmark) -> str:
    """Model, hardware and load of a benchmark, in a few words."""
    load = b.concurrency
    if re.fullmatch(r"[\d/]+", load):
        load = f"{load} concurrent users"
    elif load:
        load = f"load: {load}"
    return ", ".join(x for x in (b.model, b.hardware, load) if x)


def _benchmark_tooltip(b: Benchmark, what: str, value: str) -> str:
    lines = [
        f"{what}: {value}",
        f"Study: {b.study} ({b.study_date or 'date unknown'})",
        f"Conditions: {_benchmark_text(b)}" + (f", {b.quantization}" if b.quantization else ""),
        b.provenance.describe(),
    ]
    if b.note:
        lines.append(f"Note: {b.note}")
    return "\n".join(lines)


def _qualitative(b: Benchmark) -> str:
    """The study's qualitative finding about TTFT, when that is all it gives."""
    text = b.note.split("qualitative:", 1)[1].strip() if "qualitative:" in b.note else ""
    return text if "ttft" in text.lower() else ""


def _under_load(figs: Sequence[Figure]) -> list[Figure]:
    out = []
    for f in figs:
        text = f"{f.metric} {f.entity}".lower()
        if ("concurren" in text or "users" in text) and "low" not in text:
            out.append(f)
    return out


def _ttft_load_cell(
    fw: Framework, store: CompareSource, benches: Sequence[Benchmark], titles: dict[str, str]
) -> Cell:
    what = f"{fw.name} — time to first token under load"
    loaded = _under_load(store.figures_for(fw.id, "ttft"))
    notes = [
        (b, _qualitative(b))
        for b in benches
        if b.framework == fw.id
        and b.value is None
        and "ttft" in f"{b.metric} ttft".lower()
        and ("first token" in b.metric or "TTFT" in b.metric)
        and _qualitative(b)
    ]
    if loaded:
        cell = _figure_cell(loaded[0], loaded[1:], titles, what, "time to first token")
        if notes:
            extra = "\n".join(f"Published ({b.study}, {_benchmark_text(b)}): {q}" for b, q in notes)
            cell = Cell(
                cell.text,
                f"{cell.tooltip}\n{extra}",
                True,
                cell.conflicts,
                cell.figure,
                also=cell.also,
            )
        return cell
    if notes:
        b, q = notes[0]
        text = clip(f"{b.study.split(':')[0]} ({b.model}): {q}")
        tip = "\n\n".join(_benchmark_tooltip(nb, what, nq) for nb, nq in notes)
        return Cell(text, tip, True, benchmark=b)
    return _unknown(what)


def _benchmark_value_cell(
    fw: Framework, benches: Sequence[Benchmark], keys: Sequence[str], what: str
) -> Cell | None:
    for b in benches:
        if b.framework == fw.id and b.value is not None and any(k in b.metric for k in keys):
            value = f"{format_number(b.value)} {b.unit}"
            return Cell(
                clip(f"{value} — {b.metric}; {_benchmark_text(b)}"),
                _benchmark_tooltip(b, what, value),
                True,
                benchmark=b,
            )
    return None


def _decode_cell(
    fw: Framework, store: CompareSource, benches: Sequence[Benchmark], titles: dict[str, str]
) -> Cell:
    what = f"{fw.name} — decode speed"
    own = store.figures_for(fw.id, "decode_speed") + [
        f for f in store.figures_for(fw.id, "benchmark_citation") if "token" in f.metric
    ]
    if own:
        cell = _figure_cell(own[0], own[1:], titles, what)
        text = f"{cell.text} ({own[0].metric})"
        return Cell(clip(text), cell.tooltip, True, cell.conflicts, cell.figure, also=cell.also)
    found = _benchmark_value_cell(fw, benches, ("token generation", "decode"), what)
    if found is not None:
        return found
    general = store.figure("G067")
    if general is not None and general.is_known:
        tip = (
            general.tooltip()
            + "\nThe guide gives this for all modern frameworks, not per framework."
        )
        return Cell(f"{general.display_value()} (guide, all frameworks)", tip, True, figure=general)
    return _unknown(what)


def _setup_figures(fw: Framework, store: CompareSource) -> list[Figure]:
    figs = store.figures_for(fw.id, "setup_time") + store.figures_for(fw.id, "setup_cost")
    return [f for f in figs if "setup time" in f.metric or f.metric.startswith("time to")]


def _effort_cell(fw: Framework, store: CompareSource, titles: dict[str, str]) -> Cell:
    what = f"{fw.name} — setup effort"
    costs = [f for f in store.figures_for(fw.id, "setup_cost") if f.metric == "setup cost"]
    if not costs:
        return _unknown(what)
    us = next((f for f in costs if f.unit == "USD"), costs[0])
    cell = _figure_cell(us, [f for f in costs if f is not us], titles, what)
    skill = fw.setup_time.note if fw.setup_time is not None else ""
    text = cell.text + (f" ({us.note.lstrip('= ')})" if us.note else "")
    if skill:
        text += f"; {skill}"
    return Cell(clip(text), cell.tooltip, True, cell.conflicts, cell.figure, also=cell.also)


def _status_cell(fw: Framework, conflicts_of: Callable[[str], tuple[str, ...]]) -> Cell:
    fact = fw.facts.get("status")
    if fact is not None and fact.value:
        return _fact_cell(fw, "status", f"{fw.name} — project status", conflicts_of)
    return Cell(
        fw.status,
        "No maintenance-mode or end-of-life notice for this project is in the store.\n"
        + fw.provenance.describe(),
        True,
    )


def _text_cell(fw: Framework, text: str, what: str) -> Cell:
    if not text:
        return _unknown(what)
    return Cell(clip(text), f"{what}: {text}\n{fw.provenance.describe()}", True)


FACT_ROWS: tuple[tuple[str, str, str], ...] = (
    ("nvidia", "NVIDIA GPUs (min. compute capability)", "nvidia_cuda_min_compute_capability"),
    ("amd", "AMD GPUs (ROCm)", "amd_rocm"),
    ("apple", "Apple silicon (Metal)", "apple_metal"),
    ("cpu", "CPU only", "cpu"),
    ("windows", "Windows (native)", "windows_native"),
    ("quantization", "Quantization formats", "quantization"),
    ("openai_api", "OpenAI-compatible API", "openai_compatible_api"),
    ("multi_gpu", "Multi-GPU", "tensor_parallel"),
    ("multi_node", "Multi-node", "multi_node"),
    ("license", "Licence", "license"),
)

ROW_LABELS: dict[str, str] = {
    "throughput": "Throughput (requests/s)",
    "ttft": "Time to first token",
    "ttft_load": "TTFT under load",
    "per_token_latency": "Per-token latency",
    "decode": "Decode speed",
    "setup_time": "Setup time",
    "setup_effort": "Setup effort",
    **{key: label for key, label, _attr in FACT_ROWS},
    "status": "Project status",
    "best_for": "Best for",
    "not_for": "Not for",
}


def build_comparison(store: CompareSource, ids: Sequence[str]) -> Comparison:
    """The side-by-side rows for the given framework ids (validated: 2-4 known ids)."""
    checked = parse_ids(ids)
    frameworks = []
    for fid in checked:
        fw = store.framework(fid)
        if fw is None:
            raise CompareError(f"the store has no framework {fid!r}")
        frameworks.append(fw)
    all_conflicts = store.conflicts()
    titles = {c.id: c.title for c in all_conflicts}

    def conflicts_of(member: str) -> tuple[str, ...]:
        return tuple(c.id for c in all_conflicts if member in c.figure_ids)

    benches = store.benchmarks()
    columns: dict[str, list[Cell]] = {key: [] for key in ROW_LABELS}
    for fw in frameworks:
        name = fw.name
        thr = store.figures_for(fw.id, "throughput")
        columns["throughput"].append(
            _figure_cell(fw.throughput, thr, titles, f"{name} — throughput", "throughput")
        )
        ttft = [f for f in store.figures_for(fw.id, "ttft") if f not in _under_load([f])]
        columns["ttft"].append(
            _figure_cell(fw.ttft, ttft, titles, f"{name} — TTFT", "time to first token")
        )
        columns["ttft_load"].append(_ttft_load_cell(fw, store, benches, titles))
        latency = store.figures_for(fw.id, "latency")
        what = f"{name} — per-token latency"
        columns["per_token_latency"].append(
            _figure_cell(latency[0], latency[1:], titles, what)
            if latency
            else _benchmark_value_cell(fw, benches, ("time per output token",), what)
            or _unknown(what)
        )
        columns["decode"].append(_decode_cell(fw, store, benches, titles))
        setup = _setup_figures(fw, store)
        columns["setup_time"].append(
            _figure_cell(fw.setup_time, setup, titles, f"{name} — setup time", "setup time")
        )
        columns["setup_effort"].append(_effort_cell(fw, store, titles))
        for key, label, attr in FACT_ROWS:
            columns[key].append(_fact_cell(fw, attr, f"{name} — {label}", conflicts_of))
        columns["status"].append(_status_cell(fw, conflicts_of))
        columns["best_for"].append(_text_cell(fw, fw.best_for, f"{name} — best for"))
        columns["not_for"].append(_text_cell(fw, fw.not_for, f"{name} — not for"))
    rows = tuple(CompareRow(key, label, tuple(columns[key])) for key, label in ROW_LABELS.items())
    return Comparison(tuple(frameworks), rows, titles)


def runs_on(fw: Framework, profile: HardwareProfile) -> Eligibility:
    """Whether `fw` runs on `profile`, in one sentence, from the shared eligibility rules."""
    result = eligibility_for(profile, fw)
    reason = result.reasons[0] if result.reasons else "no documented support for this hardware"
    return Eligibility(result.runs, reason)
