"""`infernav bench` as a user runs it: a real process against the OpenAI-compatible test server."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from desktop_app import paths
from desktop_app.storage.user.bench import BenchStore
from tests.cli.test_cli import infernav
from tests.fakes.openai_server import running


@pytest.fixture(autouse=True)
def no_real_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI child looks keys up in the null keyring, never the developer's."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    monkeypatch.delenv("INFERNAV_API_KEY", raising=False)


def test_ladder_prints_a_line_per_step_the_answers_and_keeps_the_run(
    isolated_home: Path,
) -> None:
    with running("--ttft-ms", "20", "--itl-ms", "2", "--slots", "2") as url:
        out = infernav(
            "bench",
            "--url",
            url + "/v1",
            "--slots",
            "2",
            "--requests",
            "6",
            "--output-tokens",
            "8",
            "--slo",
            "ttft_ms=2000,tpot_ms=100",
            "--ttft-target",
            "2000",
            "--user-target",
            "5",
        )
    assert out.returncode == 0, out.stderr
    steps = [line for line in out.stderr.splitlines() if line.startswith("step ")]
    assert [s.split(" · ")[0] for s in steps] == ["step 1/3", "step 2/3", "step 3/3"]
    assert "Maximum throughput:" in out.stdout
    assert "4 users at once meet your targets" in out.stdout
    assert "kept as benchmark run #1" in out.stderr
    store = BenchStore(paths.user_store_path())
    try:
        run = store.get(1)
    finally:
        store.close()
    assert run is not None and len(run.records) == 18 and run.config.slo.ttft_ms == 2000
    assert all(r.ttft_s is not None and r.ttft_s > 0.015 for r in run.records)


def test_json_csv_and_html_outputs(tmp_path: Path) -> None:
    with running("--itl-ms", "1", "--error-every", "4") as url:
        js = infernav(
            "bench",
            "--url",
            url,
            "--concurrency",
            "1,2",
            "--requests",
            "8",
            "--output-tokens",
            "4",
            "--json",
            "--no-save",
        )
        cs = infernav(
            "bench",
            "--url",
            url,
            "--rate",
            "5",
            "--arrivals",
            "poisson",
            "--requests",
            "8",
            "--output-tokens",
            "4",
            "--csv",
            "--no-save",
        )
        report = tmp_path / "report.html"
        ht = infernav(
            "bench",
            "--url",
            url,
            "--concurrency",
            "1",
            "--requests",
            "3",
            "--output-tokens",
            "4",
            "--out",
            str(report),
            "--no-save",
        )
    assert js.returncode == 0, js.stderr
    data = json.loads(js.stdout)
    assert [s["value"] for s in data["steps"]] == [1, 2]
    assert data["steps"][0]["errors"] == {"http_5xx": 2}  # counted, not fatal
    assert len(data["requests"]) == 16 and data["metrics_definitions"].endswith(".md")
    assert cs.returncode == 0, cs.stderr
    rows = list(csv.DictReader(io.StringIO(cs.stdout)))
    assert rows[0]["mode"] == "rate" and rows[0]["value"] == "5"
    assert rows[0]["gpu_power_w_mean"] == "unknown"  # never 0
    assert ht.returncode == 0, ht.stderr
    page = report.read_text()
    assert page.startswith("<!doctype html>") and "<svg" in page and "<script" not in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--concurrency", "1,0"], "Each concurrency must be a whole number from 1"),
        (["--rate", "-1"], "Each rate must be more than 0"),
        (["--slo", "ttft=5"], "--slo: 'ttft=5' is not an objective"),
        (["--output-tokens", "0"], "Output tokens must be a whole number from 1"),
        (["--out", "x.pdf"], "--out must end in .json, .csv or .html"),
    ],
)
def test_absurd_settings_get_one_sentence(args: list[str], message: str) -> None:
    out = infernav("bench", "--url", "http://127.0.0.1:9", *args)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_unreachable_and_not_openai_endpoints() -> None:
    with running() as url:
        pass
    gone = infernav("bench", "--url", url, "--requests", "1")
    assert gone.returncode == 2 and "Could not reach" in gone.stderr
    with running("--not-openai") as url2:
        html = infernav("bench", "--url", url2, "--requests", "1")
    assert html.returncode == 2
    assert "is not an OpenAI-compatible endpoint" in html.stderr
    assert "Traceback" not in gone.stderr + html.stderr
