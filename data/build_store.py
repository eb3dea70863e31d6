"""Compile the human-editable sources under data/ into the bundled SQLite store.

Run `python -m data.build_store` (or `scripts/build-store`). The output is
deterministic: the same data/ files give the same rows in the same order, and the
store records a hash of its sources so a test can tell when it is stale.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from desktop_app.storage.bundled import schema as m

SOURCE_FILES = (
    "benchmarks.csv",
    "cloud_prices.csv",
    "conflicts.csv",
    "decision_matrix.csv",
    "framework_facts.csv",
    "frameworks.csv",
    "fx_rates.csv",
    "gpus.csv",
    "guide_figures.csv",
    "model_arch.csv",
    "scenarios.csv",
    "starter_models.csv",
)
GPU_FIGURES = {
    "memory_gb": ("memory", "GB"),
    "memory_bandwidth_gbps": ("memory bandwidth", "GB/s"),
    "fp16_bf16_dense_tflops": ("FP16/BF16 dense compute", "TFLOPS"),
    "tdp_w": ("board power (TDP)", "W"),
    "launch_price_usd": ("launch price", "USD"),
    "compute_capability": ("CUDA compute capability", ""),
}
MODEL_FIGURES = {
    "params_b": ("parameters", "billion"),
    "layers": ("layers", ""),
    "hidden": ("hidden size", ""),
    "heads": ("attention heads", ""),
    "kv_heads": ("KV heads", ""),
    "head_dim": ("head dimension", ""),
    "vocab": ("vocabulary size", "tokens"),
    "max_ctx": ("maximum context", "tokens"),
}


def default_data_dir() -> Path:
    """The repository's data/ folder, where this build tool lives beside its sources."""
    return Path(__file__).resolve().parent


def source_hash(data_dir: Path) -> str:
    """SHA-256 over the source files' names and bytes, in a fixed order."""
    digest = hashlib.sha256()
    for name in SOURCE_FILES:
        digest.update(name.encode())
        digest.update((data_dir / name).read_bytes().replace(b"\r\n", b"\n"))
    return digest.hexdigest()


def _rows(data_dir: Path, name: str) -> Iterator[dict[str, str]]:
    with (data_dir / name).open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def _num(text: str | None) -> float | None:
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    return float(text)


def _range(text: str) -> tuple[float | None, float | None]:
    text = text.strip()
    match = re.fullmatch(r"([\d.]+)\s*-\s*([\d.]+)", text)
    if match:
        return float(match.group(1)), float(match.group(2))
    value = _num(text)
    return value, value


def _int(text: str | None) -> int | None:
    value = _num(text)
    return None if value is None else int(value)


def _figures(data_dir: Path) -> Iterator[m.FigureRow]:
    for r in _rows(data_dir, "guide_figures.csv"):
        low, high = _num(r["low"]), _num(r["high"])
        text = ""
        if low is None and high is None and r["unit"] and not r["unit"][0].isdigit():
            # Guide figures like "hours to days" carry their words in the unit column.
            text, unit = r["unit"], ""
        else:
            unit = r["unit"]
        yield m.FigureRow(
            id=r["id"],
            topic=r["topic"],
            entity=r["entity"],
            framework=r["framework"],
            metric=r["metric"],
            low=low,
            high=high,
            text=text,
            unit=unit,
            region=r["region"],
            conditions=r["conditions"],
            note=r["note"],
            source=r["source"],
            source_type=r["source_type"],
            retrieved=r["retrieved"],
        )
    for r in _rows(data_dir, "benchmarks.csv"):
        value = _num(r["value"]) if re.fullmatch(r"[\d.,]+", r["value"].strip()) else None
        conditions = "; ".join(
            x
            for x in (
                f"model {r['model']}" if r["model"] else "",
                f"quantization {r['quantization']}" if r["quantization"] else "",
                r["hardware"],
                f"concurrency {r['concurrency']}" if r["concurrency"] else "",
                f"study {r['study']} ({r['study_date']})",
            )
            if x
        )
        yield m.FigureRow(
            id=r["id"],
            topic="benchmark",
            entity=f"{r['framework']} ({r['model'] or 'n/a'})",
            framework=r["framework"] if "; " not in r["framework"] else "",
            metric=r["metric"] or "benchmark",
            low=value,
            high=value,
            text="",
            unit=r["unit"],
            region="global",
            conditions=conditions,
            note=r["note"],
            source=r["source"],
            source_type=r["source_type"],
            retrieved=r["retrieved"],
        )
    for r in _rows(data_dir, "gpus.csv"):
        for column, (metric, unit) in GPU_FIGURES.items():
            value = _num(r[column])
            note = r["tflops_note"] if column.startswith("fp16") else r["note"]
            if column == "launch_price_usd":
                note = "; ".join(x for x in (r["price_note"], r["note"]) if x)
            yield m.FigureRow(
                id=f"GPU:{r['gpu']}:{column}",
                topic="gpu_spec",
                entity=r["gpu"],
                framework="",
                metric=metric,
                low=value,
                high=value,
                text="",
                unit=unit,
                region="global",
                conditions=f"{r['vendor']} {r['segment']}",
                note=note,
                source=r["source"],
                source_type=r["source_type"],
                retrieved=r["retrieved"],
            )
    for r in _rows(data_dir, "cloud_prices.csv"):
        conditions = (
            f"{r['provider']} {r['instance_type']} ({r['gpu']} x{r['gpu_count']}), "
            f"{r['region_code']}, {r['pricing']}"
        )
        per_gpu = int(r["gpu_count"] or 0) > 0
        hourly = _num(r["per_gpu_usd_per_hour"]) if per_gpu else _num(r["price_usd_per_hour"])
        monthly = _num(r["monthly_usd_730h"])
        if per_gpu and monthly is not None:
            monthly = round(monthly / int(r["gpu_count"]), 2)
        what = "per GPU" if per_gpu else "per instance"
        for suffix, metric, value, unit in (
            ("", f"on-demand monthly price {what} (730 h)", monthly, "USD/month"),
            ("-h", f"on-demand hourly price {what}", hourly, "USD/hour"),
        ):
            yield m.FigureRow(
                id=r["id"] + suffix,
                topic="cloud_price",
                entity=f"{r['gpu']} ({r['provider']})",
                framework="",
                metric=metric,
                low=value,
                high=value,
                text="",
                unit=unit,
                region=r["region_label"],
                conditions=conditions,
                note=r["note"],
                source=f"{r['source']} {r['source_version']}".strip(),
                source_type=r["source_type"],
                retrieved=r["retrieved"],
            )
    for r in _rows(data_dir, "fx_rates.csv"):
        low, high = _range(r["rate"])
        yield m.FigureRow(
            id=r["id"],
            topic="fx_rate",
            entity=r["pair"],
            framework="",
            metric="exchange rate",
            low=low,
            high=high,
            text="",
            unit=r["pair"],
            region="global",
            conditions=f"{r['basis']} (as of {r['as_of'] or 'unknown'})",
            note=r["note"],
            source=r["source"],
            source_type=r["source_type"],
            retrieved=r["retrieved"],
        )
    for r in _rows(data_dir, "model_arch.csv"):
        for column, (metric, unit) in MODEL_FIGURES.items():
            value = _num(r[column])
            yield m.FigureRow(
                id=f"MODEL:{r['model']}:{column}",
                topic="model_arch",
                entity=r["model"],
                framework="",
                metric=metric,
                low=value,
                high=value,
                text="",
                unit=unit,
                region="global",
                conditions="",
                note="",
                source=r["source"],
                source_type=r["source_type"],
                retrieved=r["retrieved"],
            )
    for r in _rows(data_dir, "framework_facts.csv"):
        yield m.FigureRow(
            id=f"F:{r['framework']}:{r['attribute']}",
            topic="framework_fact",
            entity=r["framework"],
            framework=r["framework"],
            metric=r["attribute"],
            low=None,
            high=None,
            text=r["value"],
            unit="",
            region="global",
            conditions="",
            note=r["note"],
            source=r["source"],
            source_type=r["source_type"],
            retrieved=r["retrieved"],
        )
    for r in _rows(data_dir, "decision_matrix.csv"):
        yield m.FigureRow(
            id=r["id"],
            topic="decision_matrix",
            entity=r["constraint"],
            framework="",
            metric="recommended framework",
            low=None,
            high=None,
            text=r["frameworks"].replace(";", " or ") + f" — {r['why']}",
            unit="",
            region="global",
            conditions="",
            note="",
            source=r["source"],
            source_type=r["source_type"],
            retrieved=r["retrieved"],
        )


def build(data_dir: Path, out: Path) -> None:
    """Write the bundled store compiled from `data_dir` to `out` (replaced if present)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{tmp}")
    m.Base.metadata.create_all(engine)
    with Session(engine) as session, session.begin():
        session.add_all(
            [
                m.MetaRow(key="schema_version", value=str(m.SCHEMA_VERSION)),
                m.MetaRow(key="source_hash", value=source_hash(data_dir)),
            ]
        )
        figures = list(_figures(data_dir))
        for seq, fig in enumerate(figures):
            fig.seq = seq
        session.add_all(figures)
        known = {f.id for f in figures}
        session.flush()
        for seq, r in enumerate(_rows(data_dir, "frameworks.csv")):
            session.add(
                m.FrameworkRow(
                    id=r["id"],
                    seq=seq,
                    name=r["name"],
                    summary=r["summary"],
                    best_for=r["best_for"],
                    not_for=r["not_for"],
                    throughput_figure=r["throughput_figure"] or None,
                    ttft_figure=r["ttft_figure"] or None,
                    setup_figure=r["setup_figure"] or None,
                    source=r["source"],
                    source_type=r["source_type"],
                    retrieved=r["retrieved"],
                )
            )
        session.flush()
        for r in _rows(data_dir, "framework_facts.csv"):
            session.add(
                m.FrameworkFactRow(
                    framework=r["framework"],
                    attribute=r["attribute"],
                    value=r["value"] or None,
                    note=r["note"],
                    source=r["source"],
                    source_type=r["source_type"],
                    retrieved=r["retrieved"],
                )
            )
        for seq, r in enumerate(_rows(data_dir, "gpus.csv")):
            session.add(
                m.GpuRow(
                    name=r["gpu"],
                    seq=seq,
                    vendor=r["vendor"],
                    segment=r["segment"],
                    memory_gb=_num(r["memory_gb"]),
                    memory_type=r["memory_type"],
                    bandwidth_gbps=_num(r["memory_bandwidth_gbps"]),
                    fp16_tflops=_num(r["fp16_bf16_dense_tflops"]),
                    tdp_w=_num(r["tdp_w"]),
                    launch_price_usd=_num(r["launch_price_usd"]),
                    launch_date=r["launch_date"],
                    compute_capability=r["compute_capability"],
                    note=r["note"],
                    source=r["source"],
                    source_type=r["source_type"],
                    retrieved=r["retrieved"],
                )
            )
        for r in _rows(data_dir, "cloud_prices.csv"):
            session.add(
                m.CloudPriceRow(
                    id=r["id"],
                    provider=r["provider"],
                    instance_type=r["instance_type"],
                    gpu=r["gpu"],
                    gpu_count=_int(r["gpu_count"]) or 0,
                    vcpus=_int(r["vcpus"]),
                    memory_gib=_num(r["memory_gib"]),
                    region_label=r["region_label"],
                    region_code=r["region_code"],
                    usd_per_hour=_num(r["price_usd_per_hour"]),
                    per_gpu_usd_per_hour=_num(r["per_gpu_usd_per_hour"]),
                    monthly_usd_730h=_num(r["monthly_usd_730h"]),
                    pricing=r["pricing"],
                    note=r["note"],
                    observed=r.get("observed", ""),
                    source=f"{r['source']} {r['source_version']}".strip(),
                    source_type=r["source_type"],
                    retrieved=r["retrieved"],
                )
            )
        for r in _rows(data_dir, "fx_rates.csv"):
            low, high = _range(r["rate"])
            session.add(
                m.FxRateRow(
                    id=r["id"],
                    pair=r["pair"],
                    low=low,
                    high=high,
                    basis=r["basis"],
                    as_of=r["as_of"],
                    note=r["note"],
                    source=r["source"],
                    source_type=r["source_type"],
                    retrieved=r["retrieved"],
                )
            )
        for seq, r in enumerate(_rows(data_dir, "model_arch.csv")):
            session.add(
                m.ModelArchRow(
                    model=r["model"],
                    seq=seq,
                    params_b=float(r["params_b"]),
                    layers=int(r["layers"]),
                    hidden=int(r["hidden"]),
                    heads=int(r["heads"]),
                    kv_heads=int(r["kv_heads"]),
                    head_dim=int(r["head_dim"]),
                    vocab=int(r["vocab"]),
                    max_ctx=int(r["max_ctx"]),
                    source=r["source"],
                    source_type=r["source_type"],
                    retrieved=r["retrieved"],
                )
            )
        for r in _rows(data_dir, "benchmarks.csv"):
            value = _num(r["value"]) if re.fullmatch(r"[\d.,]+", r["value"].strip()) else None
            session.add(
                m.BenchmarkRow(
                    id=r["id"],
                    study=r["study"],
                    study_date=r["study_date"],
                    model=r["model"],
                    quantization=r["quantization"],
                    hardware=r["hardware"],
                    concurrency=r["concurrency"],
                    framework=r["framework"],
                    metric=r["metric"],
                    value=value,
                    unit=r["unit"],
                    note=r["note"],
                    source=r["source"],
                    source_type=r["source_type"],
                    retrieved=r["retrieved"],
                )
            )
        for seq, r in enumerate(_rows(data_dir, "decision_matrix.csv")):
            session.add(
                m.DecisionRowRow(
                    id=r["id"],
                    seq=seq,
                    constraint=r["constraint"],
                    frameworks=r["frameworks"],
                    why=r["why"],
                    source=r["source"],
                    source_type=r["source_type"],
                    retrieved=r["retrieved"],
                )
            )
        for r in _rows(data_dir, "scenarios.csv"):
            session.add(
                m.ScenarioRow(
                    id=r["id"],
                    title=r["title"],
                    region=r["region"],
                    location=r["location"],
                    business=r["business"],
                    users=r["concurrency_or_users"],
                    volume=r["volume"],
                    constraint=r["constraint"],
                    workload=r["workload"],
                    framework=r["framework"],
                    hardware=r["hardware"],
                    gpu_count=_int(r["gpu_count"]),
                    gpu_model=r["gpu_model"],
                    monthly_cost=_num(r["monthly_cost"]),
                    currency=r["currency"],
                    outcome="; ".join(x for x in (r["outcome_notes"], r["note"]) if x),
                    source=r["source"],
                    source_type=r["source_type"],
                    retrieved=r["retrieved"],
                )
            )
        for seq, r in enumerate(_rows(data_dir, "starter_models.csv")):
            session.add(
                m.StarterModelRow(
                    id=r["id"],
                    seq=seq,
                    name=r["name"],
                    repo=r["repo"],
                    filename=r["filename"],
                    revision=r["revision"] or "main",
                    size_bytes=None if r["size_bytes"] == "unknown" else _int(r["size_bytes"]),
                    sha256=r["sha256"].strip().lower() or "unknown",
                    licence=r["licence"],
                    licence_url=r["licence_url"],
                    suits=r["suits"],
                    arch_model=r["arch_model"],
                    quantization=r["quantization"],
                    note=r["note"],
                    source=r["source"],
                    source_type=r["source_type"],
                    retrieved=r["retrieved"],
                )
            )
        for r in _rows(data_dir, "conflicts.csv"):
            session.add(
                m.ConflictRow(
                    id=r["id"],
                    title=r["title"],
                    description=r["description"],
                    source=r["source"],
                    source_type="data review",
                    retrieved=r["retrieved"],
                )
            )
            session.flush()
            for pos, fid in enumerate(x.strip() for x in r["figures"].split(";")):
                if fid not in known:
                    raise ValueError(f"conflict {r['id']} names unknown figure {fid!r}")
                session.add(m.ConflictMemberRow(conflict_id=r["id"], figure_id=fid, position=pos))
    engine.dispose()
    with sqlite3.connect(tmp) as conn:
        conn.execute("VACUUM")
    conn.close()
    tmp.replace(out)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: build the store from data/ into the package."""
    from desktop_app.paths import bundled_store_source_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--out", type=Path, default=bundled_store_source_path())
    args = parser.parse_args(argv)
    build(args.data, args.out)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
