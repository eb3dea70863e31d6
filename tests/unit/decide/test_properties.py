"""Property tests: every combination of answers gives a complete, well-ordered ranking."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.domain.decide.data import decision_data
from desktop_app.domain.decide.guide import BUDGETS, HARDWARE, NEEDS, TIMES, Answers
from desktop_app.domain.decide.rank import WEIGHT_MAX, recommend
from desktop_app.domain.decide.scoring import CRITERION_IDS
from desktop_app.domain.hardware.profile import HardwareProfile
from desktop_app.domain.sources.frameworks import FRAMEWORK_IDS
from tests.fakes.profiles import (
    amd,
    apple_silicon,
    detected_nvidia,
    planned_cpu_only,
    planned_gpu,
    planned_unknown_ram,
)


def _data():
    from desktop_app import paths
    from desktop_app.storage.bundled.store import BundledStore

    return decision_data(BundledStore(paths.bundled_store_path()))


DATA = _data()

answers = st.builds(
    Answers,
    budget=st.none() | st.sampled_from(BUDGETS),
    time=st.none() | st.sampled_from(TIMES),
    users=st.none() | st.integers(min_value=1, max_value=1_000_000),
    hardware=st.sampled_from(HARDWARE),
    needs=st.frozensets(st.sampled_from(NEEDS)),
    rows=st.frozensets(st.sampled_from([r.id for r in DATA.matrix])),
)
gpu_names = st.sampled_from(["NVIDIA H100", "NVIDIA A100", "Tesla V100", "GeForce GTX 1060"])
capabilities = st.none() | st.sampled_from(["5.0", "6.1", "7.0", "8.0", "8.9", "9.0"])
systems = st.sampled_from(["Linux", "Windows"])
# Every kind of machine the app hands the Decide view; None is "not detected yet".
profiles = st.one_of(
    st.none(),
    st.builds(detected_nvidia, gpu_names, capabilities, count=st.integers(1, 8), os_name=systems),
    st.builds(planned_gpu, gpu_names, capabilities, count=st.integers(1, 8), os_name=systems),
    st.builds(planned_cpu_only, st.integers(1, 128)),
    st.builds(planned_unknown_ram),
    st.builds(apple_silicon, st.sampled_from(["Apple M2", "Apple M3 Max"])),
    st.builds(amd, os_name=systems),
)
weights = st.none() | st.fixed_dictionaries(
    {c: st.integers(min_value=0, max_value=WEIGHT_MAX) for c in CRITERION_IDS}
)


@settings(max_examples=300, deadline=None)
@given(answers, weights, profiles)
def test_every_answer_and_machine_gives_a_complete_ordered_ranking(
    a: Answers, w: dict[str, int] | None, profile: HardwareProfile | None
) -> None:
    rec = recommend(DATA, a, profile, weights=w)
    assert sorted(r.id for r in rec.ranking) == sorted(FRAMEWORK_IDS)
    flags = [r.excluded for r in rec.ranking]
    # An excluded framework never ranks above an eligible one.
    assert flags == sorted(flags)
    # Within each step of the rule the weighted score breaks ties, best first.
    eligible = [r for r in rec.ranking if not r.excluded]
    for a_, b_ in itertools.pairwise(eligible):
        key_a = (len(a_.placement.needs), len(a_.placement.generic))
        key_b = (len(b_.placement.needs), len(b_.placement.generic))
        assert key_a > key_b or (key_a == key_b and a_.score >= b_.score)
    for r in rec.ranking:
        assert 1 <= r.score <= 5
        assert r.reasons or r is rec.ranking[0]
        assert not r.excluded or r.reasons[0].startswith("Excluded:")
    if a.hardware == "auto" and profile is not None:
        # The machine itself is read: its kind shows, and NVIDIA-only engines need NVIDIA.
        assert rec.hardware.label != "unknown hardware"
        trt = next(r for r in rec.ranking if r.id == "tensorrt-llm")
        if not profile.nvidia_gpus:
            assert trt.excluded, profile.label


@settings(max_examples=60, deadline=None)
@given(answers)
def test_same_answers_same_ranking(a: Answers) -> None:
    assert recommend(DATA, a).ranking == recommend(DATA, a).ranking


# ------------------------------------------------------------------ the decision rule

USERS = (None, 5, 50, 500)
EVERY_COMBINATION = [
    Answers(budget=b, time=t, users=u, hardware=h, needs=frozenset({n}))
    for b in (None, *BUDGETS)
    for t in (None, *TIMES)
    for u in USERS
    for h in HARDWARE
    for n in NEEDS
]


def test_the_explicit_need_ranks_first_unless_a_hard_constraint_excludes_it() -> None:
    """Every combination of the four questions with each special need (2,304 of them)."""
    names = {fw.id: fw.name for fw in DATA.frameworks}
    assert len(EVERY_COMBINATION) == 4 * 4 * 4 * len(HARDWARE) * len(NEEDS)
    for a in EVERY_COMBINATION:
        rec = recommend(DATA, a)
        (need,) = [n for n in rec.needs if n.key.startswith("need:")]
        why = " ".join([*rec.clashes, *(d.text for d in rec.guide_notes)])
        out = {r.id: r for r in rec.ranking if r.excluded}
        for fid in need.guide_frameworks:
            if fid in out:  # the Why panel names the constraint that excluded it
                said = out[fid].constraints[0].text.rstrip(".")[:40].lower()
                assert names[fid] in why and said in why.lower(), (a, why)
        if not need.frameworks:
            continue
        top = rec.top
        assert not top.excluded, a
        if top.id not in need.frameworks:
            # Only another explicit need ("can't afford GPUs") may take first place, and then
            # the Why says the two needs point to different frameworks.
            assert rec.clashes and top.placement.needs, a
            assert set(need.frameworks) & {r.id for r in rec.ranking[:3]}, a
        # An excluded framework never ranks: all of them come after every eligible one.
        flags = [r.excluded for r in rec.ranking]
        assert flags == sorted(flags), a
        assert all(r.placement.step == "hard constraint" for r in out.values()), a


def test_cant_afford_gpus_never_ranks_gpu_only_serving() -> None:
    for a in EVERY_COMBINATION:
        if a.budget != "no-gpu":
            continue
        rec = recommend(DATA, a)
        trt = next(r for r in rec.ranking if r.id == "tensorrt-llm")
        assert trt.excluded, a
        assert any("can't afford GPUs" in c.text for c in trt.constraints) or (
            trt.constraints[0].kind == "hardware"
        ), a


def test_an_archived_framework_is_never_recommended_for_new_work() -> None:
    for a in EVERY_COMBINATION[::7]:
        rec = recommend(DATA, a)
        tgi = next(r for r in rec.ranking if r.id == "tgi")
        assert tgi.excluded and any(c.kind == "archived" for c in tgi.constraints), a
        assert "2026-03-21" in " ".join(c.text for c in tgi.constraints)
