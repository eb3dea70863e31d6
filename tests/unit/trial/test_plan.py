"""The trial plan both `infernav trial` and the Launch view start from."""

from __future__ import annotations

from pathlib import Path

from desktop_app.services.trial import choose_api, plan_llama, plan_ollama
from tests.fakes.gguf import write_tiny_gguf


def test_a_base_model_is_asked_by_completion_a_chat_model_by_chat() -> None:
    assert choose_api("auto", has_chat_template=False) == "completion"
    assert choose_api("auto", has_chat_template=True) == "chat"
    assert choose_api("chat", has_chat_template=False) == "chat"  # the user's choice wins


def test_the_plan_knows_its_port_and_keeps_the_users_gpu_layers(tmp_path: Path) -> None:
    model = write_tiny_gguf(tmp_path / "tiny.gguf")
    plan = plan_llama(
        str(tmp_path / "no-such-llama-server"), "b1", model, None,
        quantization="F32", has_chat_template=False, port=18123, gpu_layers=7,
    )  # fmt: skip
    assert plan.port == 18123 and plan.spec.base_url.endswith(":18123")
    assert plan.api == "completion" and plan.gpu_layers == 7
    assert plan.spec.argv[plan.spec.argv.index("-ngl") :][:2] == ["-ngl", "7"]
    settings = plan.settings(max_tokens=8, prompt="hi", threads=1, ctx=512, parallel=1)
    assert (settings.api, settings.gpu_layers, settings.reused_running_server) == (
        "completion", 7, False,
    )  # fmt: skip


def test_an_ollama_plan_is_asked_by_its_chat_api() -> None:
    plan = plan_ollama("ollama", "0.5", port=18124)
    assert plan.port == 18124 and plan.api == "ollama-chat" and plan.model == ""
