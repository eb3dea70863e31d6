"""Which llama-server the app uses: the bundled one, the user's pick, or their own GPU build."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from desktop_app.services.engines import discovery
from desktop_app.services.engines.discovery import BUNDLED, find_engine

GPU_LINE = "CUDA0: NVIDIA GeForce RTX 4090 (24080 MiB, 23500 MiB free)"


def _stand_in(path: Path, version: str, devices: list[str] | None) -> Path:
    """A llama-server that answers --version and --list-devices as the real one prints them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if devices is None:  # an old build that does not know --list-devices
        listing = 'echo "error: invalid argument: --list-devices" >&2; exit 1'
    else:
        lines = "".join(f'echo "  {d}"; ' for d in devices) or 'echo "  (none)"; '
        listing = f'echo "Available devices:"; {lines}exit 0'
    path.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = --version ]; then echo "version: {version}" >&2; exit 0; fi\n'
        f'if [ "$1" = --list-devices ]; then {listing}; fi\n'
        "exit 2\n"
    )
    path.chmod(0o755)
    return path


@pytest.fixture
def frozen_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PyInstaller onedir layout (infernav + _internal/) that the test is running as."""
    app = tmp_path / "opt" / "infernav"
    (app / "_internal").mkdir(parents=True)
    (app / "infernav").write_text("")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(app / "_internal"), raising=False)
    monkeypatch.setattr(sys, "executable", str(app / "infernav"))
    monkeypatch.setattr(discovery, "usual_places", lambda engine: [])
    monkeypatch.setenv("PATH", "")
    return app


def _bundle_real_server(app: Path) -> Path:
    real = os.environ.get("INFERNAV_TEST_LLAMA_SERVER")
    if not real or not Path(real).is_file():
        pytest.skip("INFERNAV_TEST_LLAMA_SERVER is not set (run scripts/get-llama-server)")
    bundled = app / "_internal" / discovery.BUNDLE_DIR / "llama-server"
    bundled.parent.mkdir(parents=True)
    bundled.symlink_to(real)
    return bundled


def test_the_frozen_app_finds_its_own_engine_with_an_empty_path(frozen_app: Path) -> None:
    bundled = _bundle_real_server(frozen_app)
    info = find_engine("llama.cpp")
    assert info.usable and info.path == bundled and info.found_by == BUNDLED
    assert info.devices == () and info.accelerates == "CPU only"  # the portable CPU build
    assert "bundled with the app" in info.summary and "CPU only" in info.summary


def test_the_bundle_beats_a_cpu_build_on_path(
    frozen_app: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = _stand_in(frozen_app / "_internal" / "llama.cpp" / "llama-server", "1.0", [])
    _stand_in(tmp_path / "bin" / "llama-server", "2.0", [])
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    info = find_engine("llama.cpp")
    assert info.path == bundled and info.found_by == BUNDLED


def test_the_users_own_gpu_build_on_path_beats_the_bundle(
    frozen_app: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stand_in(frozen_app / "_internal" / "llama.cpp" / "llama-server", "1.0", [])
    gpu = _stand_in(tmp_path / "bin" / "llama-server", "2.0", [GPU_LINE])
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    info = find_engine("llama.cpp")
    assert info.path == gpu and info.found_by == "PATH"
    assert info.devices == (GPU_LINE,)
    assert "found on PATH" in info.summary and "CUDA0: NVIDIA GeForce RTX 4090" in info.summary


def test_the_users_pick_beats_the_bundle(frozen_app: Path, tmp_path: Path) -> None:
    _stand_in(frozen_app / "_internal" / "llama.cpp" / "llama-server", "1.0", [])
    picked = _stand_in(tmp_path / "mine" / "llama-server", "3.0", [])
    info = find_engine("llama.cpp", str(picked))
    assert info.path == picked and info.found_by == "your choice" and info.version == "3.0"


def test_a_broken_bundle_falls_back_to_path(
    frozen_app: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = frozen_app / "_internal" / "llama.cpp" / "llama-server"
    broken.parent.mkdir(parents=True)
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    own = _stand_in(tmp_path / "bin" / "llama-server", "2.0", [])
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert find_engine("llama.cpp").path == own
    monkeypatch.setenv("PATH", "")
    alone = find_engine("llama.cpp")  # nothing else: the user is told what is wrong with it
    assert alone.path == broken and not alone.usable and "failed" in (alone.problem or "")


def test_an_old_build_that_cannot_list_devices_says_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discovery, "usual_places", lambda engine: [])
    old = _stand_in(tmp_path / "bin" / "llama-server", "0.1", None)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    info = find_engine("llama.cpp")
    assert info.path == old and info.usable and info.devices is None
    assert info.accelerates == "unknown" and "runs on: unknown" in info.summary


def test_outside_a_frozen_app_nothing_counts_as_bundled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    assert discovery.bundled_places("llama.cpp") == []
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert discovery.bundled_places("ollama") == []  # the installers carry llama-server only
