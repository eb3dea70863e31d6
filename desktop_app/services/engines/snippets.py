"""'Use it from your code': the endpoint URL, a curl line and an OpenAI-client snippet."""

from __future__ import annotations

import json


def openai_base(base_url: str) -> str:
    """Both llama-server and Ollama serve the OpenAI-compatible API under /v1."""
    return base_url.rstrip("/") + "/v1"


def curl_example(base_url: str, model: str, chat: bool = True) -> str:
    """A curl command for one chat completion (or a plain completion for a base model)."""
    if chat:
        request: dict[str, object] = {"messages": [{"role": "user", "content": "Hello!"}]}
    else:
        request = {"prompt": "The capital of France is", "max_tokens": 32}
    body = json.dumps({"model": model, **request}, ensure_ascii=False)
    endpoint = "chat/completions" if chat else "completions"
    return (
        f"curl {openai_base(base_url)}/{endpoint} \\\n"
        '  -H "Content-Type: application/json" \\\n'
        f"  -d '{body}'"
    )


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
