"""The Launch controller: one engine's life as states (services' plan, the GUI's process)."""

from __future__ import annotations

import sys

import pytest

from desktop_app.services.engines.specs import LaunchSpec, free_port
from desktop_app.services.trial import TrialPlan
from desktop_app.ui.views.launch.controller import EngineState, LaunchController
from desktop_app.ui.workers import BackgroundRunner
from tests.integration.conftest import wait_gone

pytestmark = pytest.mark.gui


def _plan(program: str, *args: str) -> TrialPlan:
    spec = LaunchSpec("llama.cpp", program, args, port=free_port())
    return TrialPlan("llama.cpp", spec, "b1", "m.gguf", None, "chat", None)


def _controller() -> tuple[LaunchController, list[tuple[EngineState, str]]]:
    controller = LaunchController(BackgroundRunner(immediate=True))
    seen: list[tuple[EngineState, str]] = []
    controller.state_changed.connect(lambda state, sentence: seen.append((state, sentence)))
    return controller, seen


def test_a_missing_program_fails_in_one_sentence(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    controller, seen = _controller()
    controller.prepare(lambda: _plan(str(tmp_path / "nosuch")))
    assert [s for s, _ in seen] == [EngineState.PREPARING, EngineState.FAILED]
    assert seen[-1][1] == f"The engine program {tmp_path / 'nosuch'} was not found."


def test_a_start_that_never_answers_is_stopped_after_the_timeout(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    marker = f"hung-{tmp_path.name}"
    controller, seen = _controller()
    controller.ready_timeout_s = 0.5
    with qtbot.waitSignal(controller.finished, timeout=15_000):
        controller.prepare(
            lambda: _plan(sys.executable, "-c", "import time; time.sleep(60)", marker)
        )
    states = [s for s, _ in seen]
    assert states[:2] == [EngineState.PREPARING, EngineState.STARTING]
    assert states[-1] is EngineState.FAILED and "did not become ready within 0.5 s" in seen[-1][1]
    assert controller.port == controller.plan.port  # type: ignore[union-attr]
    assert not controller.running() and not wait_gone(marker, timeout_s=3)


def test_letting_go_of_a_reused_ollama_leaves_it_alone(qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.services.engines.ollama import RunningOllama

    controller, seen = _controller()
    controller.reuse(RunningOllama("http://127.0.0.1:11999", "0.5"))
    assert controller.state is EngineState.REUSED and controller.port == 11999
    controller.stop()
    assert seen[-1] == (EngineState.IDLE, "Stopped using the running Ollama (it keeps running).")
