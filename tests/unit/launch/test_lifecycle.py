"""ProcessOutcome explains itself; StopPolicy stops a whole process group."""

from __future__ import annotations

import signal
import subprocess
import sys

from desktop_app.services.engines.lifecycle import (
    ExitStatus,
    ProcessOutcome,
    StopPolicy,
    stop_popen,
)


def _ended(code: int, *, ours: bool, log: tuple[str, ...] = ()) -> ProcessOutcome:
    outcome = ProcessOutcome("llama-server", [], stopped_by_us=ours)
    outcome.status = ExitStatus.RUNNING
    outcome.log.extend(log)
    outcome.ended(code)
    return outcome


def test_a_stop_we_asked_for_is_not_a_failure() -> None:
    for code in (0, -signal.SIGTERM, -signal.SIGKILL):
        outcome = _ended(code, ours=True)
        assert outcome.was_stopped_by_us() and not outcome.failed
    assert str(_ended(0, ours=True)) == "Stopped (exit code 0)."
    assert _ended(0, ours=True).was_successful()


def test_an_exit_we_did_not_ask_for_is_a_failure_with_its_reason() -> None:
    outcome = _ended(1, ours=False, log=("E srv start: couldn't bind HTTP server socket",))
    assert outcome.failed and not outcome.was_stopped_by_us()
    assert str(outcome) == "The port is already in use by another program; choose another port."


def test_a_signal_is_a_status_not_a_negative_code() -> None:
    outcome = _ended(-signal.SIGABRT, ours=False)
    assert (outcome.status, outcome.code) == (ExitStatus.CRASHED, signal.SIGABRT)
    assert str(outcome) == "The engine crashed (SIGABRT)."


def test_a_program_that_cannot_start_says_so() -> None:
    outcome = ProcessOutcome("nosuch", [])
    outcome.could_not_start("The engine program nosuch was not found.")
    assert outcome.failed and str(outcome) == "The engine program nosuch was not found."


def test_a_child_that_ignores_sigterm_is_killed_after_the_grace() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", "import signal,time; signal.signal(15, signal.SIG_IGN); "
         "print('ok', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline() == b"ok\n"
    stop_popen(proc, StopPolicy(grace_s=0.3, kill_wait_s=5))
    assert proc.returncode == -signal.SIGKILL
    proc.stdout.close()
