"""A foreign server answering on the engine's port is never measured or saved as ours.

The foreign listener is the llama-server-shaped test server (ready on /health, streaming
answers at 50 tok/s, /props naming another model), started on the port first; the engine
is the real llama-server with the tiny model.
"""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

import pytest

from desktop_app.services import trial
from desktop_app.services.engines.process import EngineError, EngineProcess
from desktop_app.services.engines.readiness import Ours, Readiness, probe_ours
from desktop_app.services.engines.specs import LaunchSpec, free_port, llama_server_spec
from desktop_app.services.trial import TrialError, TrialOptions, run_trial
from desktop_app.storage.user.store import UserStore
from tests.fakes.llama_server import serve
from tests.integration.conftest import llama_server_bin, tiny_gguf, wait_gone

__all__ = ["llama_server_bin", "tiny_gguf"]  # the fixtures, shared with integration/

pytestmark = [pytest.mark.engine]


def test_a_trial_on_a_port_another_server_took_is_refused_and_not_saved(
    llama_server_bin: Path, tiny_gguf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The port was free when the trial was planned; another server takes it before the
    # engine starts (two trials racing for one port). Our engine cannot bind it, and the
    # other server answers /health: "ready", but not ours.
    ports: list[int] = []
    with contextlib.ExitStack() as stack:
        real_start = trial._start

        def racing_start(spec: LaunchSpec, timeout_s: float) -> EngineProcess:
            ports.append(spec.port)
            stack.enter_context(serve(spec.port))
            return real_start(spec, timeout_s)

        monkeypatch.setattr(trial, "_start", racing_start)
        store = UserStore(tmp_path / "user.sqlite")
        opts = TrialOptions(
            engine="llama.cpp", model=str(tiny_gguf), threads=1, ctx=512, max_tokens=4,
            server_binary=str(llama_server_bin), ready_timeout_s=30,
        )  # fmt: skip
        with pytest.raises(TrialError) as caught:
            run_trial(opts, store)
    assert str(caught.value) == (
        f"Another program is already answering on port {ports[0]}, so nothing was measured; "
        "stop that program or choose another port."
    )
    assert store.trials() == [] and store.unreadable_trials == 0
    assert not wait_gone(str(tiny_gguf))


def test_an_engine_started_on_a_taken_port_is_refused_and_stopped(
    llama_server_bin: Path, tiny_gguf: Path
) -> None:
    spec = llama_server_spec(str(llama_server_bin), tiny_gguf, threads=1, ctx=512)
    with serve(spec.port):
        proc = EngineProcess(spec)
        proc.start()
        with pytest.raises(EngineError, match=f"Another program .* on port {spec.port},"):
            proc.wait_ready(30)
    assert not proc.running()


def test_our_own_engine_is_recognised_by_its_socket_and_its_model(
    llama_server_bin: Path, tiny_gguf: Path
) -> None:
    spec = llama_server_spec(str(llama_server_bin), tiny_gguf, threads=1, ctx=512)
    proc = EngineProcess(spec)
    proc.start()
    try:
        proc.wait_ready(30)
        ours = Ours.started(spec, proc.pid)
        assert ours.owns_port() is True
        assert ours.serves_our_model(spec.base_url) is True
        assert probe_ours(spec.base_url, "llama.cpp", ours) is Readiness.READY
        other = subprocess.Popen(["sleep", "30"])  # a process that listens nowhere
        try:
            stranger = Ours(other.pid, spec.port, str(tiny_gguf))
            assert stranger.owns_port() is False
            assert probe_ours(spec.base_url, "llama.cpp", stranger) is Readiness.FOREIGN
        finally:
            other.kill()
            other.wait()
    finally:
        proc.stop()


def test_where_the_socket_cannot_be_checked_props_must_name_our_model(tiny_gguf: Path) -> None:
    port = free_port()
    with serve(port) as url:
        unknown_pid = Ours(None, port, str(tiny_gguf))  # as when psutil is denied access
        assert unknown_pid.serves_our_model(url) is False
        assert probe_ours(url, "llama.cpp", unknown_pid) is Readiness.FOREIGN
        # With nothing to check at all (no process, no model), the answer is accepted.
        assert probe_ours(url, "llama.cpp", Ours(None, port)) is Readiness.READY
