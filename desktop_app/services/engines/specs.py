"""Launch specs: the exact argument list and environment for an engine, never a shell line."""

from __future__ import annotations

import functools
import ipaddress
import os
import re
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

LOCALHOST = "127.0.0.1"
OLLAMA_DEFAULT_PORT = 11434


class SpecError(ValueError):
    """A launch option the user must fix (the message says which and how)."""


@dataclass(frozen=True)
class LaunchSpec:
    """What to run: program, arguments, extra environment, and where it will listen."""

    engine: str
    program: str
    args: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)
    host: str = LOCALHOST
    port: int = 0
    notes: tuple[str, ...] = ()  # things the user should be told (port changed, exposed host)

    @property
    def model(self) -> str | None:
        """The model file llama-server is given (`-m`); None for Ollama."""
        args = list(self.args)
        if self.engine != "llama.cpp" or "-m" not in args[:-1]:
            return None
        return args[args.index("-m") + 1]

    @property
    def argv(self) -> list[str]:
        """Program plus arguments, ready for Popen / QProcess."""
        return [self.program, *self.args]

    @property
    def base_url(self) -> str:
        """http://host:port as a client on this machine reaches it."""
        host = LOCALHOST if self.host in ("0.0.0.0", "::", "") else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"


def validate_port(port: int | str) -> int:
    """A port number 1–65535, or SpecError (llama-server silently wraps 99999 to 34463)."""
    try:
        value = int(port)
    except (TypeError, ValueError):
        raise SpecError(f"The port must be a whole number from 1 to 65535, not {port!r}.") from None
    if not 1 <= value <= 65535:
        raise SpecError(f"The port must be from 1 to 65535; {value} is outside that range.")
    return value


def validate_host(host: str, allow_other: bool) -> tuple[str, tuple[str, ...]]:
    """127.0.0.1 unless the user opted in to another address (then a warning note)."""
    host = host.strip() or LOCALHOST
    if host in (LOCALHOST, "localhost", "::1"):
        return host, ()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise SpecError(f"{host!r} is not an IP address to listen on.") from None
    if not allow_other:
        raise SpecError(
            f"Listening on {host} exposes the engine to other machines; "
            "tick 'allow other hosts' to do that on purpose."
        )
    return host, (
        f"Warning: the engine listens on {host}, so other machines on the network can use it "
        "(no password).",
    )


def port_is_free(port: int, host: str = LOCALHOST) -> bool:
    """True when nothing listens on host:port (we try to bind it ourselves)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = LOCALHOST) -> int:
    """A port the OS says is free right now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def choose_port(wanted: int | None, host: str = LOCALHOST, default: int = 8080) -> tuple[int, str]:
    """The wanted port if free, else a free one; the note says which and why."""
    port = validate_port(wanted if wanted is not None else default)
    if port_is_free(port, host):
        return port, ""
    other = free_port(host)
    if wanted is None:
        return other, ""  # the user named no port: any free one will do
    return other, f"Port {port} is busy, so the engine uses port {other} instead."


_FLAG_RE = re.compile(r"(?:^|[\s,])(--?[A-Za-z][\w-]*)")


@functools.lru_cache(maxsize=8)
def _help_flags(program: str, mtime: float) -> frozenset[str]:
    try:
        proc = subprocess.run(
            [program, "--help"],
            capture_output=True,
            text=True,
            timeout=10,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    flags: set[str] = set()
    for line in (proc.stdout + proc.stderr).splitlines():
        if line.startswith("-"):
            head = line.split("  ")[0]
            flags.update(_FLAG_RE.findall(head))
    return frozenset(flags)


def accepted_flags(program: str) -> frozenset[str]:
    """Flags this llama-server build lists in --help (empty when it cannot say)."""
    try:
        mtime = os.stat(program).st_mtime
    except OSError:
        return frozenset()
    return _help_flags(program, mtime)


def llama_server_spec(
    program: str,
    model: Path,
    *,
    port: int | None = None,
    host: str = LOCALHOST,
    allow_other_hosts: bool = False,
    threads: int | None = None,
    ctx: int | None = None,
    gpu_layers: int | None = None,
    parallel: int | None = None,
    extra: tuple[str, ...] = (),
    check_flags: bool = True,
) -> LaunchSpec:
    """The llama-server command for these options; only flags this build accepts."""
    host, notes = validate_host(host, allow_other_hosts)
    chosen, note = choose_port(port, host)
    args: list[tuple[str, str | None]] = [("-m", str(model)), ("--host", host)]
    args.append(("--port", str(chosen)))
    for flag, value, low in (
        ("-t", threads, 1),
        ("-c", ctx, 0),
        ("-ngl", gpu_layers, 0),
        ("-np", parallel, 1),
    ):
        if value is None:
            continue
        if value < low:
            raise SpecError(f"{flag} must be at least {low}; {value} was given.")
        args.append((flag, str(value)))
    flat = [part for flag, value in args for part in (flag, value) if part is not None]
    flat += list(extra)
    if check_flags:
        known = accepted_flags(program)
        if known:
            unknown = [
                a.split("=")[0]
                for a in flat
                if a.startswith("-") and not _is_number(a) and a.split("=")[0] not in known
            ]
            if unknown:
                raise SpecError(
                    f"This llama-server version does not accept {', '.join(sorted(set(unknown)))}."
                )
    return LaunchSpec(
        engine="llama.cpp",
        program=program,
        args=tuple(flat),
        host=host,
        port=chosen,
        notes=(*notes, note) if note else notes,
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def parse_ollama_host(value: str | None) -> tuple[str, int]:
    """OLLAMA_HOST as Ollama reads it: host, host:port, :port, with or without http(s)://."""
    text = (value or "").strip()
    default_port = OLLAMA_DEFAULT_PORT
    for scheme, port in (("http://", 80), ("https://", 443)):
        if text.startswith(scheme):
            text = text[len(scheme) :]
            default_port = port
    text = text.rstrip("/")
    if not text:
        return LOCALHOST, OLLAMA_DEFAULT_PORT
    host, port = text, default_port
    if text.startswith("["):
        end = text.find("]")
        host = text[1:end]
        rest = text[end + 1 :]
        if rest.startswith(":") and rest[1:]:
            port = int(rest[1:])
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
        if port_text:
            port = validate_port(port_text)
    if host in ("", "0.0.0.0", "::"):
        host = LOCALHOST
    return host, port


def ollama_serve_spec(
    program: str,
    *,
    port: int | None = None,
    host: str = LOCALHOST,
    allow_other_hosts: bool = False,
    ctx: int | None = None,
    parallel: int | None = None,
    extra_env: dict[str, str] | None = None,
) -> LaunchSpec:
    """`ollama serve` with OLLAMA_HOST (and friends) set for the child only."""
    host, notes = validate_host(host, allow_other_hosts)
    chosen, note = choose_port(port, host, default=OLLAMA_DEFAULT_PORT)
    bind = f"[{host}]" if ":" in host else host
    env = {"OLLAMA_HOST": f"{bind}:{chosen}"}
    if ctx is not None:
        env["OLLAMA_CONTEXT_LENGTH"] = str(ctx)
    if parallel is not None:
        env["OLLAMA_NUM_PARALLEL"] = str(parallel)
    env.update(extra_env or {})
    return LaunchSpec(
        engine="ollama",
        program=program,
        args=("serve",),
        env=env,
        host=host,
        port=chosen,
        notes=(*notes, note) if note else notes,
    )
