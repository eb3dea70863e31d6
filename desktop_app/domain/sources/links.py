"""Web addresses inside a source's text, so the app can open them in the browser."""

from __future__ import annotations

import re

# "bentoml.com/blog/x", "https://github.com/a/b", "nvidia.github.io/TensorRT-LLM/x.html"
_URL = re.compile(
    r"(?:https?://)?(?:[a-z0-9-]+\.)+(?:com|org|io|ai|dev|net|co|info|app|edu|gov|cloud)"
    r"(?:/[^\s;,)]*)?",
    re.IGNORECASE,
)


def source_urls(text: str) -> list[str]:
    """Every web address in `text`, each with its https:// scheme, in order, once."""
    out: list[str] = []
    for match in _URL.finditer(text or ""):
        url = match.group(0).rstrip(".")
        if not url.lower().startswith(("http://", "https://")):
            url = "https://" + url
        if url not in out:
            out.append(url)
    return out
