"""ORM models of the bundled store. Rows never leave `storage/`."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA_VERSION = 1


class Base(DeclarativeBase):
    """Declarative base of the bundled store."""


class _Sourced:
    source: Mapped[str] = mapped_column(Text, default="")
    source_type: Mapped[str] = mapped_column(String(80), default="")
    retrieved: Mapped[str] = mapped_column(String(40), default="")


class MetaRow(Base):
    """Key/value metadata: schema version and the hash of the data/ sources."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class FigureRow(_Sourced, Base):
    """Every figure of the store, whatever file it came from."""

    __tablename__ = "figure"
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, index=True)
    topic: Mapped[str] = mapped_column(String(80), index=True)
    entity: Mapped[str] = mapped_column(Text)
    framework: Mapped[str] = mapped_column(String(40), index=True, default="")
    metric: Mapped[str] = mapped_column(Text)
    low: Mapped[float | None] = mapped_column(Float, nullable=True)
    high: Mapped[float | None] = mapped_column(Float, nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(80), default="")
    region: Mapped[str] = mapped_column(String(80), default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")


class ConflictRow(_Sourced, Base):
    """A documented disagreement between figures."""

    __tablename__ = "conflict"
    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)


class ConflictMemberRow(Base):
    """A figure that takes part in a conflict."""

    __tablename__ = "conflict_member"
    conflict_id: Mapped[str] = mapped_column(ForeignKey("conflict.id"), primary_key=True)
    figure_id: Mapped[str] = mapped_column(ForeignKey("figure.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class FrameworkRow(_Sourced, Base):
    """A framework card."""

    __tablename__ = "framework"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(80))
    summary: Mapped[str] = mapped_column(Text)
    best_for: Mapped[str] = mapped_column(Text)
    not_for: Mapped[str] = mapped_column(Text)
    throughput_figure: Mapped[str | None] = mapped_column(ForeignKey("figure.id"))
    ttft_figure: Mapped[str | None] = mapped_column(ForeignKey("figure.id"))
    setup_figure: Mapped[str | None] = mapped_column(ForeignKey("figure.id"))


class FrameworkFactRow(_Sourced, Base):
    """One attribute of a framework."""

    __tablename__ = "framework_fact"
    framework: Mapped[str] = mapped_column(ForeignKey("framework.id"), primary_key=True)
    attribute: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class GpuRow(_Sourced, Base):
    """A GPU of the catalogue."""

    __tablename__ = "gpu"
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    vendor: Mapped[str] = mapped_column(String(40))
    segment: Mapped[str] = mapped_column(Text)
    memory_gb: Mapped[float | None] = mapped_column(Float)
    memory_type: Mapped[str] = mapped_column(Text)
    bandwidth_gbps: Mapped[float | None] = mapped_column(Float)
    fp16_tflops: Mapped[float | None] = mapped_column(Float)
    tdp_w: Mapped[float | None] = mapped_column(Float)
    launch_price_usd: Mapped[float | None] = mapped_column(Float)
    launch_date: Mapped[str] = mapped_column(String(20))
    compute_capability: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")


class CloudPriceRow(_Sourced, Base):
    """An on-demand instance price in a region."""

    __tablename__ = "cloud_price"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    instance_type: Mapped[str] = mapped_column(String(60))
    gpu: Mapped[str] = mapped_column(String(80))
    gpu_count: Mapped[int] = mapped_column(Integer)
    vcpus: Mapped[int | None] = mapped_column(Integer)
    memory_gib: Mapped[float | None] = mapped_column(Float)
    region_label: Mapped[str] = mapped_column(String(40))
    region_code: Mapped[str] = mapped_column(String(40))
    usd_per_hour: Mapped[float | None] = mapped_column(Float)
    per_gpu_usd_per_hour: Mapped[float | None] = mapped_column(Float)
    monthly_usd_730h: Mapped[float | None] = mapped_column(Float)
    pricing: Mapped[str] = mapped_column(Text)
    observed: Mapped[str] = mapped_column(String(40), default="")  # when the price was seen
    note: Mapped[str] = mapped_column(Text, default="")


class FxRateRow(_Sourced, Base):
    """An exchange rate per USD."""

    __tablename__ = "fx_rate"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    pair: Mapped[str] = mapped_column(String(20))
    low: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    basis: Mapped[str] = mapped_column(Text)
    as_of: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")


class ModelArchRow(_Sourced, Base):
    """Architecture of an open model."""

    __tablename__ = "model_arch"
    model: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    params_b: Mapped[float] = mapped_column(Float)
    layers: Mapped[int] = mapped_column(Integer)
    hidden: Mapped[int] = mapped_column(Integer)
    heads: Mapped[int] = mapped_column(Integer)
    kv_heads: Mapped[int] = mapped_column(Integer)
    head_dim: Mapped[int] = mapped_column(Integer)
    vocab: Mapped[int] = mapped_column(Integer)
    max_ctx: Mapped[int] = mapped_column(Integer)


class BenchmarkRow(_Sourced, Base):
    """A published benchmark figure."""

    __tablename__ = "benchmark"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    study: Mapped[str] = mapped_column(Text)
    study_date: Mapped[str] = mapped_column(String(20))
    model: Mapped[str] = mapped_column(Text)
    quantization: Mapped[str] = mapped_column(Text)
    hardware: Mapped[str] = mapped_column(Text)
    concurrency: Mapped[str] = mapped_column(Text)
    framework: Mapped[str] = mapped_column(String(60))
    metric: Mapped[str] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")


class DecisionRowRow(_Sourced, Base):
    """A row of the guide's quick decision matrix."""

    __tablename__ = "decision_row"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    constraint: Mapped[str] = mapped_column(Text)
    frameworks: Mapped[str] = mapped_column(Text)
    why: Mapped[str] = mapped_column(Text)


class ScenarioRow(_Sourced, Base):
    """A deployment scenario of the guide."""

    __tablename__ = "scenario"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    region: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(Text)
    business: Mapped[str] = mapped_column(Text)
    users: Mapped[str] = mapped_column(Text)
    volume: Mapped[str] = mapped_column(Text)
    constraint: Mapped[str] = mapped_column(Text)
    workload: Mapped[str] = mapped_column(Text)
    framework: Mapped[str] = mapped_column(String(40))
    hardware: Mapped[str] = mapped_column(Text)
    gpu_count: Mapped[int | None] = mapped_column(Integer)
    gpu_model: Mapped[str] = mapped_column(Text)
    monthly_cost: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(Text)


class StarterModelRow(_Sourced, Base):
    """A starter model the app offers to download (data/starter_models.csv)."""

    __tablename__ = "starter_model"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    repo: Mapped[str] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(Text)
    revision: Mapped[str] = mapped_column(String(80))
    size_bytes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sha256: Mapped[str] = mapped_column(String(64))
    licence: Mapped[str] = mapped_column(Text)
    licence_url: Mapped[str] = mapped_column(Text)
    suits: Mapped[str] = mapped_column(Text)
    arch_model: Mapped[str] = mapped_column(String(80), default="")
    quantization: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
