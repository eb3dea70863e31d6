"""Gather the licence notices that ship inside every installer.

Copies the hand-written notices in installers/licenses/ and, for every Python distribution the
app needs at run time (the dependency closure of `inference-navigator`, extras left out), the
licence files from its metadata, plus the Python interpreter's own licence. The PyInstaller spec
calls `collect(dest)`; run it by hand with `python installers/collect_licenses.py DEST`.
"""

from __future__ import annotations

import importlib.metadata as md
import re
import shutil
import sys
import sysconfig
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT_DIST = "inference-navigator"
_LICENSE_NAME = re.compile(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_distributions(root: str = ROOT_DIST) -> list[md.Distribution]:
    """The installed distributions `root` needs at run time, `root` itself excluded."""
    seen: dict[str, md.Distribution] = {}
    todo = [root]
    while todo:
        name = todo.pop()
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue  # an optional, platform-specific requirement that is not installed
        for req in dist.requires or []:
            if "extra ==" in req:
                continue
            marker_ok = True
            if ";" in req:
                marker_ok = _marker_true(req.split(";", 1)[1])
            dep = re.split(r"[\s<>=!~\[;(]", req.strip(), maxsplit=1)[0]
            if marker_ok and _norm(dep) not in seen:
                try:
                    seen[_norm(dep)] = md.distribution(dep)
                except md.PackageNotFoundError:
                    continue
                todo.append(dep)
    return sorted(seen.values(), key=lambda d: _norm(d.metadata["Name"]))


def _marker_true(marker: str) -> bool:
    try:
        from packaging.markers import Marker
    except ImportError:  # without packaging, include rather than miss a notice
        return True
    return bool(Marker(marker).evaluate({"extra": ""}))


def _licence_text(dist: md.Distribution) -> str:
    meta = dist.metadata
    if meta.get("License-Expression"):
        return str(meta["License-Expression"])
    first = (meta.get("License") or "").strip().splitlines()
    if first and len(first[0]) < 80:
        return first[0]
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or []]
    licences = [c for c in classifiers if "License" in c or "GPL" in c]
    return ", ".join(licences)


def collect(dest: Path) -> Path:
    """Write every notice under `dest` (emptied first); returns `dest`."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for item in sorted(HERE.joinpath("licenses").iterdir()):
        if item.is_file():
            shutil.copy2(item, dest / item.name)
    third = dest / "third-party"
    lines = [
        "Python packages bundled with Inference Navigator (name, version, licence).",
        "Their licence files are in the folders next to this file.",
        "",
    ]
    for dist in runtime_distributions():
        name, version = dist.metadata["Name"], dist.version
        folder = third / f"{_norm(name)}-{version}"
        folder.mkdir(parents=True, exist_ok=True)
        for file in dist.files or []:
            if _LICENSE_NAME.search(file.name) and "dist-info" in str(file):
                src = Path(str(file.locate()))
                if src.is_file():
                    shutil.copy2(src, folder / src.name)
        licence = _licence_text(dist) or "see the package's metadata"
        lines.append(f"{name} {version}: {licence}")
    candidates = [
        Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt",  # Linux, macOS
        Path(sys.base_prefix) / "LICENSE.txt",  # Windows
    ]
    python_licence = next((p for p in candidates if p.is_file()), None)
    if python_licence is not None:
        folder = third / f"python-{sys.version.split()[0]}"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(python_licence, folder / "LICENSE.txt")
        lines.append(f"Python {sys.version.split()[0]}: PSF-2.0")
    (third / "INDEX.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


if __name__ == "__main__":
    out = collect(Path(sys.argv[1] if len(sys.argv) > 1 else "build/licenses"))
    print(out)
