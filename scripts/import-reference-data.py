"""One-off import of ../shared/reference-data into the project's own data/ files.

The files under data/ are the human-editable source of truth afterwards; this script
only records how they were first made (adding ids, source types and retrieval dates).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

REF = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference-data")
OUT = Path(__file__).resolve().parent.parent / "data"
RETRIEVED = "2026-11-29"
GUIDE = "Guide: Choosing an LLM inference framework (2025)"

FRAMEWORK_IDS = {
    "vLLM": "vllm",
    "TensorRT-LLM": "tensorrt-llm",
    "Ollama": "ollama",
    "llama.cpp": "llama.cpp",
    "Hugging Face TGI": "tgi",
    "TGI": "tgi",
    "SGLang": "sglang",
    "LMDeploy": "lmdeploy",
    "MLC-LLM": "mlc-llm",
}


def framework_of(entity: str) -> str:
    """Return the framework id an entity string is about, or ''."""
    for name, fid in FRAMEWORK_IDS.items():
        if entity == name or entity.startswith(name + " ("):
            return fid
    return ""


def write(name: str, header: list[str], rows: list[dict[str, str]]) -> None:
    with (OUT / name).open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in header})


def read(name: str) -> list[dict[str, str]]:
    with (REF / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def main() -> None:
    rows = []
    for i, r in enumerate(read("seed_figures.csv"), start=1):
        derived = r["note"].startswith("DERIVED")
        rows.append(
            {
                "id": f"G{i:03d}",
                "topic": r["topic"],
                "entity": r["entity"],
                "framework": framework_of(r["entity"]),
                "metric": r["metric"],
                "low": r["low"],
                "high": r["high"],
                "unit": r["unit"],
                "region": r["region"],
                "conditions": r["seed_section"],
                "source": f"Guide line {r['seed_line']} — {r['seed_section']}",
                "source_type": "derived from guide" if derived else "guide claim",
                "retrieved": RETRIEVED,
                "note": r["note"],
            }
        )
    write("guide_figures.csv", list(rows[0]), rows)

    rows = []
    for r in read("frameworks.csv"):
        r = dict(r)
        r["framework"] = FRAMEWORK_IDS[r["framework"]]
        rows.append(r)
    write("framework_facts.csv", list(rows[0]), rows)

    rows = []
    for i, r in enumerate(read("benchmarks.csv"), start=1):
        r = {"id": f"B{i:03d}", **r}
        r["framework"] = FRAMEWORK_IDS.get(r["framework"], r["framework"])
        rows.append(r)
    write("benchmarks.csv", list(rows[0]), rows)

    rows = [dict(r) for r in read("gpus.csv")]
    write("gpus.csv", list(rows[0]), rows)

    rows = []
    for i, r in enumerate(read("cloud_prices.csv"), start=1):
        rows.append({"id": f"P{i:03d}", **r, "source_type": "provider price catalog"})
    write("cloud_prices.csv", list(rows[0]), rows)

    rows = []
    for i, r in enumerate(read("fx_rates.csv"), start=1):
        rows.append({"id": f"X{i:03d}", **r, "retrieved": RETRIEVED})
    write("fx_rates.csv", list(rows[0]), rows)

    rows = []
    for r in read("model_arch.csv"):
        secondary = "secondary" in r["source"].lower() or "public" in r["source"].lower()
        rows.append(
            {
                **r,
                "source_type": "secondary (config copy)" if secondary else "repo",
                "retrieved": RETRIEVED,
            }
        )
    write("model_arch.csv", list(rows[0]), rows)

    rows = []
    for i, r in enumerate(read("seed_decision_matrix.csv"), start=1):
        rows.append(
            {
                "id": f"M{i}",
                "constraint": r["primary_constraint"],
                "frameworks": ";".join(
                    FRAMEWORK_IDS[x.strip()] for x in r["recommended_framework"].split(" or ")
                ),
                "why": r["why_seed_wording"],
                "source": f"Guide line {r['seed_line']} — {r['seed_section']}",
                "source_type": "guide claim",
                "retrieved": RETRIEVED,
            }
        )
    write("decision_matrix.csv", list(rows[0]), rows)

    rows = []
    for r in read("seed_scenarios.csv"):
        r = dict(r)
        r["framework"] = FRAMEWORK_IDS[r["framework"]]
        lines, section = r.pop("seed_lines"), r.pop("seed_section")
        r["source"] = f"Guide lines {lines} — {section}"
        r["source_type"] = "guide claim"
        r["retrieved"] = RETRIEVED
        rows.append(r)
    write("scenarios.csv", list(rows[0]), rows)


if __name__ == "__main__":
    main()
