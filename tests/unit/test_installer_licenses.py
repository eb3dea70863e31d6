"""The licence notices every installer ships: Qt's LGPL notice and each bundled package."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path
from types import ModuleType

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]


def runtime_dependencies() -> list[str]:
    """The runtime dependencies pyproject.toml declares for this platform, canonical names."""
    with (REPO / "pyproject.toml").open("rb") as f:
        project = tomllib.load(f)["project"]
    requirements = [Requirement(r) for r in project["dependencies"]]
    return [
        canonicalize_name(r.name) for r in requirements if r.marker is None or r.marker.evaluate()
    ]


def _collector() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "collect_licenses", REPO / "installers" / "collect_licenses.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_notices_cover_qt_lgpl_and_every_runtime_package(tmp_path: Path) -> None:
    out = _collector().collect(tmp_path / "licenses")
    notice = (out / "NOTICE.txt").read_text(encoding="utf-8")
    assert "LGPL-3.0" in notice and "replace" in notice
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in (out / "LGPL-3.0.txt").read_text()
    index = (out / "third-party" / "INDEX.txt").read_text(encoding="utf-8")
    # "name version: licence" per bundled package, after a three-line preamble.
    licences = {}
    for line in index.splitlines()[3:]:
        if line:
            name, _version, licence = re.split(r"\s", line, maxsplit=2)
            licences[canonicalize_name(name)] = licence
    folders = {canonicalize_name(p.name.rsplit("-", 1)[0]) for p in (out / "third-party").iterdir()}
    # The app's direct dependencies, as pyproject declares them, all carry a notice.
    declared = runtime_dependencies()
    assert {"babel", "platformdirs", "nvidia-ml-py", "psutil", "gguf"} <= set(declared)
    for package in [*declared, "python"]:
        assert licences.get(package, "").strip(": "), f"{package} has no notice:\n{index}"
        assert package in folders, f"no licence folder for {package}"
    assert "LGPL-3.0" in next(line for line in index.splitlines() if "PySide6" in line)
    numpy_dir = next((out / "third-party").glob("numpy-*"))
    assert any(numpy_dir.iterdir()), "numpy's licence files were not copied"


def test_test_and_build_tools_are_not_listed(tmp_path: Path) -> None:
    out = _collector().collect(tmp_path / "licenses")
    index = (out / "third-party" / "INDEX.txt").read_text(encoding="utf-8").lower()
    for tool in ("pytest", "hypothesis", "mypy", "ruff", "pyinstaller"):
        assert f"\n{tool} " not in index
