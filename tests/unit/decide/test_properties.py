"""Property tests: every combination of answers gives a complete, well-ordered ranking."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.domain.decide.data import decision_data
from desktop_app.domain.decide.guide import BUDGETS, HARDWARE, NEEDS, TIMES, Answers
from desktop_app.domain.decide.rank import WEIGHT_MAX, recommend
from desktop_app.domain.decide.scoring import CRITERION_IDS
from desktop_app.domain.hardware.profile import (
    AppleSilicon,
    CpuInfo,
    GpuDevice,
    HardwareProfile,
    MemoryInfo,
)
from desktop_app.domain.sources.frameworks import FRAMEWORK_IDS


def _data():  # type: ignore[no-untyped-def]
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
gpus = st.one_of(
    st.builds(
        GpuDevice,
        index=st.just(0),
        name=st.sampled_from(["NVIDIA H100", "NVIDIA A100", "Tesla V100", "GeForce GTX 1060"]),
        vendor=st.just("NVIDIA"),
        source=st.just("NVML"),
        compute_capability=st.none() | st.sampled_from(["5.0", "6.1", "7.0", "8.0", "8.9", "9.0"]),
    ),
    st.builds(GpuDevice, index=st.just(0), name=st.just("Radeon RX 7900"),
              vendor=st.just("AMD"), source=st.just("sysfs")),
)  # fmt: skip
profiles = st.none() | st.builds(
    HardwareProfile,
    label=st.just("machine"),
    planned=st.booleans(),
    os_name=st.sampled_from(["Linux", "Windows", "Darwin"]),
    os_version=st.just(""),
    cpu=st.just(CpuInfo(None, None, "x86_64", None, None, None, ("avx2",))),
    memory=st.just(MemoryInfo(None, None)),
    gpus=st.lists(gpus, max_size=2).map(tuple),
    apple=st.none() | st.just(AppleSilicon("Apple M3", None, None, True)),
)
weights = st.none() | st.fixed_dictionaries(
    {c: st.integers(min_value=0, max_value=WEIGHT_MAX) for c in CRITERION_IDS}
)


@settings(max_examples=300, deadline=None)
@given(answers, weights)
def test_every_answer_gives_a_complete_ordered_ranking(
    a: Answers, w: dict[str, int] | None
) -> None:
    rec = recommend(DATA, a, weights=w)
    assert sorted(r.id for r in rec.ranking) == sorted(FRAMEWORK_IDS)
    flags = [r.excluded for r in rec.ranking]
    # An excluded framework never ranks above an eligible one.
    assert flags == sorted(flags)
    eligible = [r.score for r in rec.ranking if not r.excluded]
    assert eligible == sorted(eligible, reverse=True)
    for r in rec.ranking:
        assert 1 <= r.score <= 5
        assert r.reasons or r is rec.ranking[0]
        assert not r.excluded or r.reasons[0].startswith("Excluded:")


@settings(max_examples=60, deadline=None)
@given(answers)
def test_same_answers_same_ranking(a: Answers) -> None:
    assert recommend(DATA, a).ranking == recommend(DATA, a).ranking
