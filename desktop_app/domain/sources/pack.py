"""Data packs: a versioned, checksummed set of CSVs that updates prices, rates and benchmarks.

A pack is a zip holding `manifest.json` and CSVs in the data/ schema:

    {"format": "infernav-data-pack", "schema": 1, "name": "workshop-2026-12",
     "version": 3, "created": "2026-12-01",
     "files": {"cloud_prices.csv": "<sha256 hex>", "fx_rates.csv": "<sha256 hex>"}}

Every listed file must be present with that SHA-256, no other CSV may be present, each file
must have its schema's columns and every row must parse; otherwise the whole pack is refused
with one sentence (PackError) and nothing changes. Rows replace the bundled rows with the
same id and add new ones; each keeps its own source and dates, and names the pack.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desktop_app.domain.sources.catalog import Benchmark, CloudPrice, FxRate
from desktop_app.domain.sources.figures import Figure, Provenance

PACK_FORMAT = "infernav-data-pack"
PACK_SCHEMA = 1
MAX_ROWS = 10_000

COLUMNS: dict[str, tuple[str, ...]] = {
    "cloud_prices.csv": (
        "id",
        "provider",
        "instance_type",
        "gpu",
        "gpu_count",
        "vcpus",
        "memory_gib",
        "region_label",
        "region_code",
        "price_usd_per_hour",
        "per_gpu_usd_per_hour",
        "monthly_usd_730h",
        "pricing",
        "source",
        "observed",
        "retrieved",
        "note",
        "source_type",
    ),
    "fx_rates.csv": (
        "id",
        "pair",
        "rate",
        "basis",
        "as_of",
        "source",
        "source_type",
        "note",
        "retrieved",
    ),
    "benchmarks.csv": (
        "id",
        "study",
        "study_date",
        "model",
        "quantization",
        "hardware",
        "concurrency",
        "framework",
        "metric",
        "value",
        "unit",
        "source",
        "source_type",
        "retrieved",
        "note",
    ),
}
_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,40}$")


class PackError(ValueError):
    """A pack that cannot be imported; the message is one sentence for the user."""


@dataclass(frozen=True)
class Manifest:
    name: str
    version: int
    created: str
    files: Mapping[str, str]  # file name -> sha256 hex

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version} ({self.created})"


@dataclass(frozen=True)
class PackContents:
    """What a checked pack adds or replaces."""

    manifest: Manifest
    cloud_prices: tuple[CloudPrice, ...] = ()
    fx_rates: tuple[FxRate, ...] = ()
    benchmarks: tuple[Benchmark, ...] = ()

    def figures(self) -> list[Figure]:
        """The pack's rows as Sources-view figures."""
        out = []
        for p in self.cloud_prices:
            per_gpu = p.gpu_count > 0
            value = p.per_gpu_usd_per_hour if per_gpu else p.usd_per_hour
            out.append(
                Figure(
                    f"{p.id}-h",
                    "cloud_price",
                    f"{p.gpu} ({p.provider})",
                    "",
                    f"on-demand hourly price {'per GPU' if per_gpu else 'per instance'}",
                    value,
                    value,
                    "",
                    "USD/hour",
                    p.region_label,
                    f"{p.provider} {p.instance_type}, {p.region_code}, {p.pricing}; "
                    f"observed {p.observed or 'unknown'}",
                    p.provenance,
                    p.note,
                )
            )
        for r in self.fx_rates:
            out.append(
                Figure(
                    r.id,
                    "fx_rate",
                    r.pair,
                    "",
                    "exchange rate",
                    r.low,
                    r.high,
                    "",
                    r.pair,
                    "global",
                    f"{r.basis} (as of {r.as_of or 'unknown'})",
                    r.provenance,
                    r.note,
                )
            )
        for b in self.benchmarks:
            out.append(
                Figure(
                    b.id,
                    "benchmark",
                    b.study,
                    b.framework,
                    b.metric,
                    b.value,
                    b.value,
                    "",
                    b.unit,
                    "global",
                    f"{b.model}, {b.hardware}, {b.concurrency}",
                    b.provenance,
                    b.note,
                )
            )
        return out


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_manifest(raw: bytes) -> Manifest:
    """The manifest of a pack; PackError when it is not one this version can read."""
    try:
        doc: Any = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PackError("The data pack's manifest is not valid JSON.") from None
    if not isinstance(doc, dict) or doc.get("format") != PACK_FORMAT:
        raise PackError("This file is not an Inference Navigator data pack.")
    schema = doc.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool):
        raise PackError("The data pack has no schema number; it may be damaged.")
    if schema > PACK_SCHEMA:
        raise PackError(
            f"This data pack needs a newer Inference Navigator (pack schema {schema}; "
            f"this version reads {PACK_SCHEMA})."
        )
    name, version, created = doc.get("name"), doc.get("version"), doc.get("created")
    if not isinstance(name, str) or not name.strip() or len(name) > 80:
        raise PackError("The data pack has no name.")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise PackError("The data pack has no version number.")
    if not isinstance(created, str) or not re.match(r"^\d{4}-\d{2}-\d{2}", created):
        raise PackError("The data pack has no creation date.")
    files = doc.get("files")
    if not isinstance(files, dict) or not files:
        raise PackError("The data pack lists no files.")
    for fname, digest in files.items():
        if fname not in COLUMNS:
            raise PackError(
                f"The data pack holds “{fname[:40]}”, which this version cannot import."
            )
        if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise PackError(f"The data pack's checksum for {fname} is missing or malformed.")
    return Manifest(name.strip(), version, created, dict(files))


def _num(text: str, where: str) -> float | None:
    t = (text or "").strip()
    if not t:
        return None
    try:
        v = float(t)
    except ValueError:
        raise PackError(f"{where}: “{t[:20]}” is not a number.") from None
    if v != v or v in (float("inf"), float("-inf")) or v < 0:
        raise PackError(f"{where}: “{t[:20]}” is not a usable number.")
    return v


def _int(text: str, where: str) -> int | None:
    v = _num(text, where)
    if v is not None and v != int(v):
        raise PackError(f"{where}: “{text.strip()[:20]}” is not a whole number.")
    return None if v is None else int(v)


def _rate(text: str, where: str) -> tuple[float | None, float | None]:
    t = (text or "").strip()
    if "-" in t[1:]:
        a, b = t.split("-", 1)
        lo, hi = _num(a, where), _num(b, where)
        if lo is not None and hi is not None and lo > hi:
            raise PackError(f"{where}: the range “{t}” runs backwards.")
        return lo, hi
    v = _num(t, where)
    return v, v


def _rows(name: str, data: bytes) -> list[dict[str, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PackError(f"{name} in the data pack is not UTF-8 text.") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS[name] if c not in (reader.fieldnames or [])]
    if missing:
        raise PackError(f"{name} in the data pack lacks the column(s): {', '.join(missing)}.")
    rows = []
    for i, row in enumerate(reader, start=2):
        if i > MAX_ROWS:
            raise PackError(f"{name} in the data pack has more than {MAX_ROWS:,} rows.")
        if None in row:
            raise PackError(f"{name} line {i}: more cells than columns.")
        rid = (row.get("id") or "").strip()
        if not _ID.match(rid):
            raise PackError(f"{name} line {i}: the id “{rid[:20]}” is not valid.")
        rows.append({k: (v or "").strip() for k, v in row.items() if k is not None})
    ids = [r["id"] for r in rows]
    if len(set(ids)) != len(ids):
        raise PackError(f"{name} in the data pack repeats an id.")
    return rows


def check_pack(manifest: Manifest, files: Mapping[str, bytes]) -> PackContents:
    """Check every file of a pack against its manifest and parse it, or refuse it whole."""
    extra = sorted(n for n in files if n.endswith(".csv") and n not in manifest.files)
    if extra:
        raise PackError(f"The data pack holds {extra[0]}, which its manifest does not list.")
    for fname, digest in manifest.files.items():
        if fname not in files:
            raise PackError(f"The data pack is incomplete: {fname} is missing.")
        if sha256(files[fname]) != digest:
            raise PackError(
                f"The data pack has been altered or damaged: {fname} does not match its "
                "checksum. Ask for a fresh copy."
            )
    pack = manifest.label

    def need_source(r: dict[str, str], value: float | None, where: str) -> None:
        if value is not None and not r["source"]:
            raise PackError(f"{where}: a figure without its source cannot be imported.")

    def prov(r: dict[str, str]) -> Provenance:
        source = f"{r['source']} {r.get('source_version', '')}".strip()
        return Provenance(source, r.get("source_type", ""), r.get("retrieved", ""), pack)

    prices, rates, benches = [], [], []
    if "cloud_prices.csv" in manifest.files:
        for i, r in enumerate(_rows("cloud_prices.csv", files["cloud_prices.csv"]), start=2):
            w = f"cloud_prices.csv line {i}"
            count = _int(r["gpu_count"], w) or 0
            need_source(r, _num(r["price_usd_per_hour"], w), w)
            prices.append(
                CloudPrice(
                    r["id"],
                    r["provider"],
                    r["instance_type"],
                    r["gpu"],
                    count,
                    _int(r["vcpus"], w),
                    _num(r["memory_gib"], w),
                    r["region_label"],
                    r["region_code"],
                    _num(r["price_usd_per_hour"], w),
                    _num(r["per_gpu_usd_per_hour"], w),
                    _num(r["monthly_usd_730h"], w),
                    r["pricing"],
                    prov(r),
                    r["note"],
                    r["observed"],
                )
            )
    if "fx_rates.csv" in manifest.files:
        for i, r in enumerate(_rows("fx_rates.csv", files["fx_rates.csv"]), start=2):
            lo, hi = _rate(r["rate"], f"fx_rates.csv line {i}")
            need_source(r, lo, f"fx_rates.csv line {i}")
            rates.append(
                FxRate(r["id"], r["pair"], lo, hi, r["basis"], r["as_of"], prov(r), r["note"])
            )
    if "benchmarks.csv" in manifest.files:
        for i, r in enumerate(_rows("benchmarks.csv", files["benchmarks.csv"]), start=2):
            need_source(r, _num(r["value"], f"benchmarks.csv line {i}"), f"benchmarks.csv line {i}")
            benches.append(
                Benchmark(
                    r["id"],
                    r["study"],
                    r["study_date"],
                    r["model"],
                    r["quantization"],
                    r["hardware"],
                    r["concurrency"],
                    r["framework"],
                    r["metric"],
                    _num(r["value"], f"benchmarks.csv line {i}"),
                    r["unit"],
                    prov(r),
                    r["note"],
                )
            )
    return PackContents(manifest, tuple(prices), tuple(rates), tuple(benches))


def merge(bundled: list[Any], pack_rows: tuple[Any, ...]) -> list[Any]:
    """Bundled rows with the pack's rows replacing those of the same id, new ones after."""
    by_id = {r.id: r for r in pack_rows}
    out = [by_id.pop(r.id, r) for r in bundled]
    return out + [r for r in pack_rows if r.id in by_id]
