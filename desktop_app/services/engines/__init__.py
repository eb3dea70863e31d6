"""Local engines (llama.cpp's llama-server and Ollama): find, start, watch, talk to, stop."""

from __future__ import annotations

ENGINES: tuple[str, ...] = ("llama.cpp", "ollama")
