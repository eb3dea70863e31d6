"""Prompts for the load: synthetic ones cut from a bundled text, or the user's own file."""

from __future__ import annotations

import json
from pathlib import Path

from desktop_app import paths

CHARS_PER_TOKEN = 4  # English prose; the server's own usage.prompt_tokens is what is shown


class PromptError(ValueError):
    """The prompt file cannot be used (one sentence)."""


def bundled_text() -> str:
    """The bundled prose the synthetic prompts are cut from."""
    return (paths.resources_dir() / "bench" / "prompt_text.txt").read_text("utf-8")


def synthetic_prompts(count: int, input_tokens: int, text: str | None = None) -> list[str]:
    """`count` distinct prompts of about `input_tokens` tokens, each from its own offset.

    Every prompt starts with its own number so no two share a cached prefix.
    """
    source = " ".join((text or bundled_text()).split())
    want = max(1, input_tokens * CHARS_PER_TOKEN)
    out = []
    for i in range(count):
        start = (i * 977) % len(source)
        body = (source[start:] + " " + source) * (want // len(source) + 2)
        head = f"Request {i}. Summarise this text: "
        out.append(head + body[: max(0, want - len(head))].strip())
    return out


def file_prompts(path: Path) -> list[str]:
    """One prompt a line, or JSON lines with a "prompt" field (blank lines skipped)."""
    try:
        raw = path.read_text("utf-8")
    except FileNotFoundError:
        raise PromptError(f"The prompt file {path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptError(f"The prompt file {path} could not be read ({exc}).") from None
    prompts: list[str] = []
    for n, line in enumerate(raw.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                raise PromptError(f"Line {n} of {path.name} is not valid JSON.") from None
            value = obj.get("prompt") if isinstance(obj, dict) else None
            if not isinstance(value, str) or not value.strip():
                raise PromptError(f'Line {n} of {path.name} has no "prompt" text.')
            prompts.append(value)
        else:
            prompts.append(line)
    if not prompts:
        raise PromptError(f"The prompt file {path.name} holds no prompts.")
    return prompts
