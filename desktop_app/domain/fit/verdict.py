"""The fit verdict: its values, the words a user reads and the order "best that fits" sorts by.

One place for all three, so a new value cannot be added without its text and its rank:
each property matches on every member and ends in `assert_never`, which mypy --strict
turns into an error when a member is missing.
"""

from __future__ import annotations

from enum import StrEnum
from typing import assert_never


class Verdict(StrEnum):
    """Where a model runs on a hardware profile; the values are `infernav fit --json`'s."""

    FITS_GPU = "fits_gpu"
    PARTIAL_OFFLOAD = "partial_offload"
    CPU_ONLY = "cpu_only"
    RAM_UNKNOWN = "ram_unknown"  # a planned machine whose RAM is not known
    DOES_NOT_FIT = "does_not_fit"
    UNKNOWN = "unknown"  # no hardware profile yet

    @property
    def text(self) -> str:
        """The verdict in words (partial offload without its layer split)."""
        match self:
            case Verdict.FITS_GPU:
                return "fits on the GPU"
            case Verdict.PARTIAL_OFFLOAD:
                return "partial offload"
            case Verdict.CPU_ONLY:
                return "CPU only"
            case Verdict.RAM_UNKNOWN:
                return "unknown: this plan's RAM is not known"
            case Verdict.DOES_NOT_FIT:
                return "does not fit"
            case Verdict.UNKNOWN:
                return "detecting hardware…"
            case _:
                assert_never(self)

    @property
    def rank(self) -> int:
        """Sort position for "best quality that fits": what runs first, unknowns last."""
        match self:
            case Verdict.FITS_GPU:
                return 0
            case Verdict.PARTIAL_OFFLOAD:
                return 1
            case Verdict.CPU_ONLY:
                return 2
            case Verdict.RAM_UNKNOWN:  # may well run: ahead of a sure "does not fit"
                return 3
            case Verdict.DOES_NOT_FIT:
                return 4
            case Verdict.UNKNOWN:
                return 5
            case _:
                assert_never(self)

    @property
    def runs(self) -> bool:
        """True when llama.cpp can load the model, so its GPU layer count is meaningful."""
        match self:
            case Verdict.FITS_GPU | Verdict.PARTIAL_OFFLOAD | Verdict.CPU_ONLY:
                return True
            case Verdict.RAM_UNKNOWN | Verdict.DOES_NOT_FIT | Verdict.UNKNOWN:
                return False
            case _:
                assert_never(self)
