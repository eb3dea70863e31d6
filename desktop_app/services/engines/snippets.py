"""'Use it from your code': the endpoint URL, a curl line and an OpenAI-client snippet."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable


def openai_base(base_url: str) -> str:
    """Both llama-server and Ollama serve the OpenAI-compatible API under /v1."""
    return base_url.rstrip("/") + "/v1"


def powershell_quote(text: str) -> str:
    """`text` as one PowerShell single-quoted literal (nothing inside is expanded).

    PowerShell treats the typographic single quotes as quotes too; each is doubled."""
    out = "".join(ch * 2 if ch in "'\u2018\u2019\u201a\u201b" else ch for ch in text)
    return f"'{out}'"


def curl_example(base_url: str, model: str, chat: bool = True, shell: str = "posix") -> str:
    """A curl command for one chat completion (or a plain completion for a base model).

    Every value is quoted for `shell` ("posix": shlex.quote; "powershell": a single-quoted
    literal, run with curl.exe), so a hostile model name cannot run anything when pasted."""
    if chat:
        request: dict[str, object] = {"messages": [{"role": "user", "content": "Hello!"}]}
    else:
        request = {"prompt": "The capital of France is", "max_tokens": 32}
    body = json.dumps({"model": model, **request}, ensure_ascii=False)
    endpoint = "chat/completions" if chat else "completions"
    url = f"{openai_base(base_url)}/{endpoint}"
    q: Callable[[str], str] = shlex.quote
    if shell == "powershell":
        q = powershell_quote
        return f"curl.exe {q(url)} `\n  -H {q('Content-Type: application/json')} `\n  -d {q(body)}"
    q = shlex.quote
    return f"curl {q(url)} \\\n  -H {q('Content-Type: application/json')} \\\n  -d {q(body)}"


def python_example(base_url: str, model: str, chat: bool = True) -> str:
    """An OpenAI Python client snippet (pip install openai)."""
    if not chat:  # a base model without a chat template: plain completion
        return (
            "from openai import OpenAI\n\n"
            f'client = OpenAI(base_url="{openai_base(base_url)}", api_key="not-needed")\n'
            "reply = client.completions.create(\n"
            f"    model={model!r},\n"
            '    prompt="The capital of France is",\n'
            "    max_tokens=32,\n"
            ")\n"
            "print(reply.choices[0].text)"
        )
    return (
        "from openai import OpenAI\n\n"
        f'client = OpenAI(base_url="{openai_base(base_url)}", api_key="not-needed")\n'
        "reply = client.chat.completions.create(\n"
        f"    model={model!r},\n"
        '    messages=[{"role": "user", "content": "Hello!"}],\n'
        ")\n"
        "print(reply.choices[0].message.content)"
    )
