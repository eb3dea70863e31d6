"""The layer contract (domain <- storage <- services <- ui) holds, checked by import-linter."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_import_linter_contracts_are_kept() -> None:
    beside = Path(sys.executable).parent / "lint-imports"
    linter = str(beside) if beside.exists() else shutil.which("lint-imports")
    assert linter, "import-linter is not installed (pip install -e '.[test]')"
    out = subprocess.run([linter], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout
