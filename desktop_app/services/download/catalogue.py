"""The starter models for this machine: each with its fit verdict and whether it is here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_app.domain.download.starter import StarterModel
from desktop_app.domain.fit.estimate import FitSettings, catalogue_shape, estimate
from desktop_app.domain.fit.verdict import Verdict
from desktop_app.domain.hardware.profile import HardwareProfile
from desktop_app.domain.units import UNKNOWN
from desktop_app.storage.bundled.store import BundledStore


@dataclass(frozen=True)
class StarterRow:
    """A starter model as the app shows it: the fit verdict here and the local file, if any."""

    model: StarterModel
    fit: str  # the Models view's verdict for this machine, or "unknown"
    fits: bool  # the verdict says it runs here (fully or partly on the GPU, or on the CPU)
    local: Path | None  # the downloaded file, when it is in the models folder


def fit_verdict(bundled: BundledStore, model: StarterModel,
                profile: HardwareProfile | None) -> tuple[str, bool]:  # fmt: skip
    """The Models view's estimate for `model` on `profile`: (verdict text, it runs)."""
    arch = next((a for a in bundled.model_archs() if a.model == model.arch_model), None)
    if arch is None or profile is None:
        return UNKNOWN, False
    try:
        result = estimate(catalogue_shape(arch, model.quantization), FitSettings(), profile)
    except (KeyError, ValueError):
        return UNKNOWN, False
    runs = result.verdict in (Verdict.FITS_GPU, Verdict.PARTIAL_OFFLOAD, Verdict.CPU_ONLY)
    return result.verdict_text, runs


def starter_rows(
    bundled: BundledStore, profile: HardwareProfile | None, models_dir: Path
) -> list[StarterRow]:
    """Every starter model with its verdict here and its file in `models_dir` (if whole)."""
    rows = []
    for model in bundled.starter_models():
        fit, fits = fit_verdict(bundled, model, profile)
        path = models_dir / model.filename
        rows.append(StarterRow(model, fit, fits, path if path.is_file() else None))
    return rows


def find(bundled: BundledStore, model_id: str) -> StarterModel | None:
    """A starter model by id, ignoring case."""
    wanted = model_id.strip().lower()
    return next((m for m in bundled.starter_models() if m.id == wanted), None)
