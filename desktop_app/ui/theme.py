"""Colours and fonts shared by every view: one colour per framework, app-wide."""

from __future__ import annotations

# Okabe–Ito colour-blind-safe palette (plus a neutral grey for the eighth).
FRAMEWORK_COLOURS: dict[str, str] = {
    "vllm": "#0072B2",
    "tensorrt-llm": "#009E73",
    "ollama": "#E69F00",
    "llama.cpp": "#D55E00",
    "tgi": "#CC79A7",
    "sglang": "#56B4E9",
    "lmdeploy": "#F0E442",
    "mlc-llm": "#7F7F7F",
}
WARNING_BG = "#FFF4CE"
WARNING_FG = "#6B4E00"
CONFLICT_BG = "#FDE7E9"
MUTED_FG = "#5F6B7A"


def framework_colour(framework_id: str) -> str:
    """The framework's colour (grey for anything unknown)."""
    return FRAMEWORK_COLOURS.get(framework_id, "#7F7F7F")
