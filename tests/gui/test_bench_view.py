"""The Benchmark view against the OpenAI-compatible test server (a real process)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import keyring
import pytest

from desktop_app.ui.views.bench.view import BenchView
from desktop_app.ui.workers import BackgroundRunner
from tests.fakes.keyring_backend import MemoryKeyring
from tests.fakes.nvml import H100, FakeNvml
from tests.fakes.openai_server import running

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Secrets go to memory, never to the developer's keyring."""
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running("--ttft-ms", "20", "--itl-ms", "2", "--slots", "2") as url:
        yield url


def _bench(window) -> BenchView:  # type: ignore[no-untyped-def]
    window.show_view("bench")
    view = window.views["bench"]
    assert isinstance(view, BenchView)
    return view


def _fill(view: BenchView, url: str, values: str = "1,2", requests: str = "4") -> None:
    view.form.url.edit.setText(url + "/v1")
    view.form.values.edit.setText(values)
    view.form.requests.edit.setText(requests)
    view.form.output_tokens.edit.setText("8")
    view.form.input_tokens.edit.setText("32")


def test_run_shows_answers_charts_and_keeps_the_run(  # type: ignore[no-untyped-def]
    qtbot, window, server: str, memory_keyring: MemoryKeyring
) -> None:
    view = _bench(window)
    _fill(view, server)
    view.form.api_key.setText("sk-test-123")
    view.form.ttft_target.edit.setText("500")
    view.form.user_target.edit.setText("20")
    view.run_button.click()
    qtbot.waitUntil(lambda: view.run_button.isEnabled(), timeout=30_000)
    assert "Done: 2 steps, kept as run #1" in view.status.text()
    assert "Maximum throughput" in view.answers.text()
    assert "2 users at once meet your targets" in view.answers.text()
    assert view.runs_list.count() == 1
    assert len(view.charts.throughput.plot.listDataItems()) >= 1
    assert len(view.charts.ttft.plot.listDataItems()) == 2  # p50 and p99
    assert memory_keyring.secrets == {("inference-navigator/bench", server): "sk-test-123"}
    assert "docs/benchmark-metrics.md" in view.charts.ttft.toolTip()


def test_absurd_settings_are_refused_at_the_field(window, server: str) -> None:  # type: ignore[no-untyped-def]
    view = _bench(window)
    _fill(view, server, values="1,0")
    view.run_button.click()
    err = view.form.values.error
    assert not err.isHidden() and "Each concurrency must be a whole number" in err.text()
    view.form.values.edit.setText("1")
    view.form.slo.edit.setText("ttft=abc")
    view.run_button.click()
    assert "is not an objective" in view.form.slo.error.text()
    assert view.form.values.error.isHidden()
    assert view.runs_list.count() == 0 and view.run_button.isEnabled()


def test_unreachable_endpoint_is_one_sentence(window) -> None:  # type: ignore[no-untyped-def]
    view = _bench(window)
    with running() as url:
        pass
    _fill(view, url)
    view.run_button.click()
    assert view.status.text().startswith("Could not reach")
    assert "Traceback" not in view.status.text() and view.run_button.isEnabled()


def test_cancel_mid_run_keeps_finished_steps_and_never_blocks(  # type: ignore[no-untyped-def]
    qtbot, window, server: str
) -> None:
    view = _bench(window)
    view.ctx.runner = BackgroundRunner()  # a real thread pool: the load leaves the GUI thread
    _fill(view, server, values="1,2", requests="60")
    t0 = time.monotonic()
    view.run_button.click()
    assert time.monotonic() - t0 < 0.2  # the click returns at once
    qtbot.waitUntil(lambda: "Step 2 of 2" in view.status.text(), timeout=30_000)
    view.cancel_button.click()
    qtbot.waitUntil(lambda: view.run_button.isEnabled(), timeout=5_000)
    assert "Cancelled. The 1 finished step were kept" in view.status.text()
    view.ctx.runner.wait()
    qtbot.waitUntil(lambda: view.runs_list.count() == 1, timeout=5_000)


def test_exports_and_overlay(qtbot, window, server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view = _bench(window)
    for _ in range(2):
        _fill(view, server, values="1", requests="3")
        view.run_button.click()
        qtbot.waitUntil(lambda: view.run_button.isEnabled(), timeout=30_000)
    assert view.runs_list.count() == 2
    view.runs_list.item(1).setCheckState(view.runs_list.item(0).checkState())
    assert len(view.checked_runs()) == 2
    assert len(view.charts.throughput.plot.listDataItems()) >= 2  # both runs overlaid
    for kind in ("csv", "json", "html"):
        view.export_to(kind, tmp_path / f"out.{kind}")
        assert (tmp_path / f"out.{kind}").stat().st_size > 100
    assert (tmp_path / "out.csv").read_text().count("\n") == 3  # header + a step per run
    assert "<svg" in (tmp_path / "out.html").read_text()
    assert view.charts.throughput.save_png(tmp_path / "thr.png")


def test_a_kept_run_shows_in_compare_as_measured_and_sizes_gpus(  # type: ignore[no-untyped-def]
    qtbot, window, server: str
) -> None:
    view = _bench(window)
    _fill(view, server, values="1", requests="4")
    view.form.target_rps.edit.setText("100")
    view.form.gpu_price.edit.setText("2.5")
    view.run_button.click()
    qtbot.waitUntil(lambda: view.run_button.isEnabled(), timeout=30_000)
    assert "the target load needs" in view.answers.text()
    assert "per million at that load" in view.answers.text()
    compare = window.show_view("compare")
    points = compare.trial_series("ttft_ms")
    measured = [p for p in points if p.source == "measured (benchmark)"]
    assert len(measured) == 1 and measured[0].value > 15  # the server's TTFT is 20 ms
    assert "docs/benchmark-metrics.md" in measured[0].tooltip


def test_gpu_power_utilisation_and_energy_come_from_nvml_or_say_unknown(  # type: ignore[no-untyped-def]
    qtbot, window, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = _bench(window)
    _fill(view, server, values="2", requests="6")
    view.run_button.click()
    qtbot.waitUntil(lambda: view.run_button.isEnabled(), timeout=30_000)
    assert "unknown (no NVIDIA GPU answered through NVML" in view.answers.text()

    FakeNvml([replace(H100, power_draw_mw=300_000, util_pct=87)]).install(monkeypatch)
    view.run_button.click()
    qtbot.waitUntil(lambda: view.run_button.isEnabled(), timeout=30_000)
    text = view.answers.text()
    assert "300 W mean power, 87% mean utilisation" in text
    run = max(view._runs.values(), key=lambda r: r.id or 0)
    step = max(run.steps, key=lambda s: s.output_throughput or 0)
    # Energy is the counter's rise over the step: 300 W × the step's duration.
    assert step.gpu.energy_j == pytest.approx(300 * (step.duration_s or 0), rel=0.5)
    jpt = step.energy_j_per_token
    assert jpt is not None and f"{jpt:,.3f} J per output token" in text
