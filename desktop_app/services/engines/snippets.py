"""'Use it from your code': the endpoint URL, a curl line and an OpenAI-client snippet."""

from __future__ import annotations

import json


def openai_base(base_url: str) -> str:
    """Both llama-server and Ollama serve the OpenAI-compatible API under /v1."""
    return base_url.rstrip("/") + "/v1"


def curl_example(base_url: str, model: str) -> str:
    """A curl command for one chat completion."""
    body = json.dumps(
        {"model": model, "messages": [{"role": "user", "content": "Hello!"}]},
        ensure_ascii=False,
    )
    return (
        f"curl {openai_base(base_url)}/chat/completions \\\n"
        '  -H "Content-Type: application/json" \\\n'
        f"  -d '{body}'"
    )


def python_example(base_url: str, model: str) -> str:
    """An OpenAI Python client snippet (pip install openai)."""
    return (
        "from openai import OpenAI\n\n"
        f'client = OpenAI(base_url="{openai_base(base_url)}", api_key="not-needed")\n'
        "reply = client.chat.completions.create(\n"
        f"    model={model!r},\n"
        '    messages=[{"role": "user", "content": "Hello!"}],\n'
        ")\n"
        "print(reply.choices[0].message.content)"
    )
