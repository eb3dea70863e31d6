"""Start a real llama-server briefly and read its own memory figures from the startup log.

Used by benchmarks/fit_accuracy.py and the engine integration test. The server runs with
`-t 1` (shared 2-core machines), binds 127.0.0.1 on a free port, and is always stopped.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.services.engines.lifecycle import StopPolicy, stop_popen

DEFAULT_SERVER = Path.home() / ".cache/infernav/llama-server/bin/llama-server"
_MODEL = re.compile(r"(\S+) model buffer size =\s+([\d.]+) MiB")
_KV = re.compile(r"KV buffer size =\s+([\d.]+) MiB")
_COMPUTE = re.compile(r"(\S+) compute buffer size =\s+([\d.]+) MiB")
_CELLS = re.compile(r"llama_kv_cache: size =.*\(\s*(\d+) cells,\s+(\d+) layers")


@dataclass
class ServerMemory:
    """What llama-server logged at start-up, in MiB."""

    model_buffers: dict[str, float] = field(default_factory=dict)
    kv_mib: float = 0.0
    compute_mib: float = 0.0
    kv_caches: list[tuple[int, int]] = field(default_factory=list)  # (cells, layers)
    log: str = ""

    @property
    def weights_mib(self) -> float:
        """Model buffers holding the file's tensors (the CPU_REPACK copy is separate)."""
        return sum(v for k, v in self.model_buffers.items() if "REPACK" not in k)

    @property
    def repack_mib(self) -> float:
        """llama.cpp's repacked copy of Q4 tensors for the CPU."""
        return sum(v for k, v in self.model_buffers.items() if "REPACK" in k)


def find_server() -> Path | None:
    """$INFERNAV_TEST_LLAMA_SERVER (a path) or the binary scripts/get-llama-server builds."""
    env = os.environ.get("INFERNAV_TEST_LLAMA_SERVER", "")
    for candidate in (Path(env) if env else None, DEFAULT_SERVER):
        if candidate is not None and candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def parse_log(text: str) -> ServerMemory:
    """The buffer-size lines of a llama-server startup log."""
    mem = ServerMemory(log=text)
    for name, mib in _MODEL.findall(text):
        mem.model_buffers[name] = mem.model_buffers.get(name, 0.0) + float(mib)
    mem.kv_mib = sum(float(m) for m in _KV.findall(text))
    mem.compute_mib = sum(float(m) for _, m in _COMPUTE.findall(text))
    mem.kv_caches = [(int(c), int(n)) for c, n in _CELLS.findall(text)]
    return mem


def measure(
    server: Path,
    model: Path,
    *,
    ctx: int,
    parallel: int = 1,
    kv_type: str = "f16",
    timeout: float = 90.0,
) -> ServerMemory:
    """Start llama-server on `model`, wait until it listens, stop it, parse its log."""
    args = [
        str(server), "-m", str(model), "-t", "1", "--host", "127.0.0.1", "--port", "0",
        "-c", str(ctx), "-np", str(parallel), "-ctk", kv_type, "-ctv", kv_type, "-lv", "4",
    ]  # fmt: skip
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log:
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and proc.poll() is None:
                log.seek(0)
                if "listening on" in log.read():
                    break
                time.sleep(0.1)
        finally:
            stop_popen(proc, StopPolicy(grace_s=10.0, kill_wait_s=10.0))
        log.seek(0)
        text = log.read()
    mem = parse_log(text)
    if "listening on" not in text or not mem.model_buffers:
        tail = "\n".join(text.splitlines()[-5:])
        raise RuntimeError(f"llama-server did not start on {model.name}:\n{tail}")
    return mem
