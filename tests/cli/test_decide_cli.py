"""`infernav recommend` as a user runs it: real process, real store."""

from __future__ import annotations

import json

import pytest

from desktop_app import cli
from tests.cli.test_cli import infernav


def test_s1_on_the_command_line_json() -> None:
    out = infernav(
        "recommend", "--json", "--budget", "no-gpu", "--hardware", "cpu", "--need", "tight-budget"
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    ranking = data["ranking"]
    assert ranking[0]["id"] == "llama.cpp"
    assert len(ranking) == 8
    for r in ranking:
        assert {"id", "name", "score", "excluded", "reasons"} <= set(r)
        assert isinstance(r["reasons"], list) and all(isinstance(s, str) for s in r["reasons"])
    trt = next(r for r in ranking if r["id"] == "tensorrt-llm")
    assert trt["excluded"] is True and trt["reasons"][0].startswith("Excluded:")
    assert trt["score"] is None and trt["decided_by"]["step"] == "hard constraint"
    assert [r["excluded"] for r in ranking] == sorted(r["excluded"] for r in ranking)
    assert set(data["matrix_rows_ticked"]) == {"M1", "M7"}
    top_sources = ranking[0]["deciding_facts"][0]["sources"]
    assert top_sources and "Retrieved: 2026-11-29" in top_sources[0]["source"]
    decided = ranking[0]["decided_by"]
    assert decided["step"] == "explicit need"
    assert decided["explicit_needs"] == ["budget:no-gpu", "need:tight-budget"]
    assert "M1" in [s["id"] for s in decided["sources"]]


@pytest.mark.parametrize(
    ("args", "winner"),
    [
        (["--budget", "cluster", "--time", "dedicated-team", "--users", "200",
          "--hardware", "nvidia"], "tensorrt-llm"),
        (["--budget", "cluster", "--time", "dedicated-team", "--users", "200",
          "--hardware", "nvidia", "--need", "data-sovereignty"], "vllm"),
        (["--budget", "cluster", "--time", "week", "--users", "500", "--hardware", "nvidia"],
         "vllm"),
        (["--time", "today", "--hardware", "apple"], "ollama"),
        (["--time", "today", "--hardware", "cpu"], "llama.cpp"),
    ],
    ids=["S2-singapore", "S2-with-sovereignty-need", "S3-san-francisco", "prototype-today",
         "today-cpu-only"],
)  # fmt: skip
def test_guide_scenarios_on_the_command_line(args: list[str], winner: str) -> None:
    out = infernav("recommend", "--json", *args)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["ranking"][0]["id"] == winner


def test_need_repeats_and_text_output_names_the_winner() -> None:
    out = infernav(
        "recommend", "--users", "500", "--hardware", "nvidia", "--time", "week",
        "--need", "data-sovereignty", "--need", "agentic",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Guide matrix rows that apply: M4, M6, M8" in out.stdout
    first = out.stdout.split("\n1. ", 1)[1].splitlines()[0]
    assert first.startswith(("vLLM", "SGLang"))


def test_maintenance_is_flagged_and_guide_disagreement_shown() -> None:
    out = infernav("recommend", "--hardware", "nvidia", "--need", "hf-ecosystem")
    assert out.returncode == 0, out.stderr
    assert "1. vLLM" in out.stdout and "2. SGLang" in out.stdout
    group = out.stdout.split("Not for you, because…", 1)[1]
    assert "✗ Hugging Face TGI: Its repository was archived read-only on 2026-03-21" in group
    assert "maintainers recommend vLLM or SGLang instead" in out.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--budget", "lots"], "choose from 'no-gpu', 'one-or-two-gpus', 'cluster'"),
        (["--hardware", "tpu"], "'deployment', 'nvidia', 'amd', 'apple', 'cpu', 'auto'"),
        (["--need", "speed"], "'prototype', 'hf-ecosystem', 'agentic'"),
        (["--time", "month"], "'today', 'week', 'dedicated-team'"),
        (["--users", "many"], "a whole number of users is needed, not 'many'"),
        (["--users", "0"], "at least 1"),
    ],
)
def test_bad_values_get_one_line_with_the_valid_ones(args: list[str], message: str) -> None:
    out = infernav("recommend", *args)
    assert out.returncode == 2
    assert out.stdout == ""
    assert message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_auto_with_a_failing_probe_assumes_cpu_with_a_note(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import desktop_app.services.hardware as hardware

    def broken() -> None:
        raise OSError("sysfs unreadable")

    monkeypatch.setattr(hardware, "probe_hardware", broken)
    assert cli.run(["recommend", "--json", "--hardware", "auto"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["hardware"]["label"] == "unknown hardware"
    assert any("assuming CPU only" in n for n in data["notes"])
    assert next(r for r in data["ranking"] if r["id"] == "tensorrt-llm")["excluded"] is True


def test_decide_is_an_alias_and_json_says_what_decided_each_place() -> None:
    out = infernav("decide", "--json", "--need", "agentic", "--need", "prototype")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["rule"] == [
        "hard constraints",
        "explicit needs",
        "generic rows",
        "weighted criteria",
    ]
    assert data["hardware"]["class"] == "any" and "deployment target" in data["hardware"]["basis"]
    first_two = {r["id"] for r in data["ranking"][:2]}
    assert first_two == {"sglang", "ollama"}
    assert "Your needs point to different frameworks" in data["needs_disagree"][0]
    for r in data["ranking"]:
        step = r["decided_by"]["step"]
        assert step in {"hard constraint", "explicit need", "generic row", "weighted criteria"}
        assert (step == "hard constraint") == r["excluded"]
        assert r["decided_by"]["text"]
    tgi = next(r for r in data["ranking"] if r["id"] == "tgi")
    assert tgi["decided_by"]["constraint"] == "archived"


def test_before_any_answer_the_text_says_it_rests_on_the_hardware_alone() -> None:
    out = infernav("recommend")
    assert out.returncode == 0, out.stderr
    assert "No question answered yet: this is based on the hardware alone." in out.stdout
    assert "1. Ollama" in out.stdout
