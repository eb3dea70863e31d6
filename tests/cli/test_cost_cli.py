"""`infernav cost` as a user runs it."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import infernav


def test_cost_json_has_the_documented_keys() -> None:
    out = infernav(
        "cost",
        "--region",
        "us",
        "--framework",
        "vllm",
        "--framework",
        "sglang",
        "--load-rps",
        "540",
        "--gpu-month",
        "2500",
        "--json",
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    vllm, sglang = data["frameworks"]
    assert vllm["gpus_needed"] == {"conservative": 5, "optimistic": 4}
    assert vllm["monthly_cost"] == {"low": 12000.0, "high": 16250.0, "currency": "USD"}
    assert vllm["setup_cost"] == {"low": 2400.0, "high": 2400.0}
    assert vllm["total_cost"] == {"low": 12000 * 12 + 2400, "high": 16250 * 12 + 2400}
    assert vllm["break_even_months"] == {"low": 4.0, "high": 6.0}  # $10-15k / $2,500
    assert sglang["gpus_needed"] == {"conservative": None, "optimistic": None}


def test_cost_text_in_rupees() -> None:
    out = infernav("cost", "--region", "in", "--framework", "tensorrt-llm", "--load-rps", "540")
    assert out.returncode == 0, out.stderr
    assert "setup ₹4,00,000–5,00,000" in out.stdout
    assert "G074" in out.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--load-rps", "0"], "--load-rps: Must be more than 0."),
        (["--load-rps", "-1"], "--load-rps: Must be more than 0."),
        (["--load-rps", "nan"], "--load-rps: Enter a finite number."),
        (["--load-rps", "lots"], "is not a number"),
        (["--load-rps", "1e30"], "--load-rps: Too large"),
        (["--load-rps", "5", "--months", "1.5"], "--months: Enter a whole number."),
        (["--load-rps", "5", "--gpu-month", "inf"], "--gpu-month: Enter a finite number."),
        (["--load-rps", "5", "--gpu", "A100"], "matches several GPUs"),
    ],
)
def test_bad_numbers_are_one_line_errors(args: list[str], message: str) -> None:
    out = infernav("cost", "--framework", "vllm", *args)
    assert out.returncode == 2
    assert message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_cost_text_in_lakh_with_cpu_option_and_break_even() -> None:
    out = infernav(
        "cost", "--region", "in", "--framework", "tensorrt-llm", "--load-rps", "540", "--lakh"
    )
    assert out.returncode == 0, out.stderr
    assert "setup ₹4–5 lakh" in out.stdout
    assert "CPU-only llama.cpp server (guide): ₹10,000–15,000/month (G153)" in out.stdout
    assert "from the guide's own prices 3.2–8.0; it states 4–6 months" in out.stdout


def test_cost_for_a_model_and_users_gives_a_bottom_line_and_sources() -> None:
    out = infernav(
        "cost",
        "--region",
        "in",
        "--users",
        "50",
        "--model",
        "Llama-3.1-8B",
        "--per-million",
        "--json",
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["framework_choice"] == "default for the scale"
    m = doc["model"]
    assert m["bottom_line"].startswith("For 50 users in India")
    assert m["model"]["source"].startswith("catalogue")
    vllm = next(f for f in m["frameworks"] if f["framework"] == "vllm")
    assert vllm["throughput"]["kind"] == "guide" and vllm["per_million_output"] is not None
    assert doc["exchange_rate"]["observed"] == "2026-03-06" and doc["exchange_rate"]["stale"]
