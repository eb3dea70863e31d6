"""A starter model: one GGUF file in a Hugging Face repository, with what we know of it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop_app.domain.sources.figures import Provenance

UNKNOWN = "unknown"
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class StarterModel:
    """A curated model the app offers to download (a row of data/starter_models.csv)."""

    id: str
    name: str
    repo: str
    filename: str
    revision: str
    size_bytes: int | None  # None: unknown until the server is asked
    sha256: str  # lower-case hex as Hugging Face publishes it, or "unknown"
    licence: str
    licence_url: str
    suits: str
    arch_model: str  # the model_arch row the fit estimate uses ("" when there is none)
    quantization: str
    note: str
    provenance: Provenance

    @property
    def has_hash(self) -> bool:
        """True when a published SHA-256 is known (otherwise only the size is checked)."""
        return _SHA256.fullmatch(self.sha256) is not None

    @property
    def page_url(self) -> str:
        """The file's page on Hugging Face (for people, not for downloading)."""
        return f"https://huggingface.co/{self.repo}/blob/{self.revision}/{self.filename}"


def is_sha256(text: str) -> bool:
    """True for a 64-digit lower-case hex digest."""
    return _SHA256.fullmatch(text) is not None


@dataclass(frozen=True)
class Progress:
    """How far a download is: bytes so far, the total, and the measured speed."""

    done: int
    total: int | None
    bytes_per_s: float | None
    checking: bool = False  # the bytes are here; the SHA-256 is being computed

    @property
    def fraction(self) -> float | None:
        """Done ÷ total, or None when the total is not known."""
        if not self.total:
            return None
        return min(1.0, self.done / self.total)

    @property
    def seconds_left(self) -> float | None:
        """Time left at the current speed, or None when it cannot be told."""
        if not self.total or not self.bytes_per_s or self.bytes_per_s <= 0:
            return None
        return max(0.0, (self.total - self.done) / self.bytes_per_s)
