"""Launch specs, ports, OLLAMA_HOST parsing and failure sentences."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import pytest

from desktop_app.services.engines.discovery import find_engine, remember_path, remembered_path
from desktop_app.services.engines.failures import classify_failure
from desktop_app.services.engines.specs import (
    SpecError,
    choose_port,
    llama_server_spec,
    ollama_serve_spec,
    parse_ollama_host,
    validate_host,
    validate_port,
)
from desktop_app.storage.user.store import UserStore


@pytest.mark.parametrize("bad", [0, -1, 65536, 99999, "abc"])
def test_ports_outside_1_to_65535_are_refused(bad: object) -> None:
    with pytest.raises(SpecError, match="port"):
        validate_port(bad)  # type: ignore[arg-type]


def test_a_busy_port_is_replaced_and_the_user_is_told() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        busy = sock.getsockname()[1]
        port, note = choose_port(busy)
    assert port != busy
    assert note == f"Port {busy} is busy, so the engine uses port {port} instead."


def test_other_hosts_need_an_explicit_opt_in_and_warn() -> None:
    with pytest.raises(SpecError, match="allow other hosts"):
        validate_host("0.0.0.0", allow_other=False)
    host, notes = validate_host("0.0.0.0", allow_other=True)
    assert host == "0.0.0.0" and "other machines" in notes[0]


def test_llama_spec_is_an_argument_list_on_localhost(tmp_path: Path) -> None:
    spec = llama_server_spec(
        "/nonexistent/llama-server",
        tmp_path / "m.gguf",
        port=None,
        threads=1,
        ctx=2048,
        gpu_layers=0,
        parallel=1,
    )
    assert spec.argv[0] == "/nonexistent/llama-server"
    args = spec.argv[1:]
    assert args[args.index("-m") + 1] == str(tmp_path / "m.gguf")
    assert args[args.index("--host") + 1] == "127.0.0.1"
    assert args[args.index("--port") + 1] == str(spec.port)
    assert args[args.index("-t") + 1] == "1"
    assert args[args.index("-c") + 1] == "2048"
    assert args[args.index("-ngl") + 1] == "0"
    assert args[args.index("-np") + 1] == "1"
    assert spec.base_url == f"http://127.0.0.1:{spec.port}"


def test_flags_this_build_does_not_list_are_refused(tmp_path: Path) -> None:
    fake = tmp_path / "llama-server"
    fake.write_text(
        "#!/bin/sh\ncat <<'X'\n-m,    --model FNAME   model\n--host HOST  host\n"
        "--port PORT  port\n-t,    --threads N   threads\nX\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    spec = llama_server_spec(str(fake), tmp_path / "m.gguf", threads=1)
    assert "-t" in spec.args
    with pytest.raises(SpecError, match="does not accept -c"):
        llama_server_spec(str(fake), tmp_path / "m.gguf", ctx=512)
    with pytest.raises(SpecError, match="--no-mmap"):
        llama_server_spec(str(fake), tmp_path / "m.gguf", extra=("--no-mmap",))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ("127.0.0.1", 11434)),
        ("", ("127.0.0.1", 11434)),
        ("0.0.0.0", ("127.0.0.1", 11434)),
        ("127.0.0.1:9999", ("127.0.0.1", 9999)),
        (":9998", ("127.0.0.1", 9998)),
        ("http://example.lan", ("example.lan", 80)),
        ("https://example.lan", ("example.lan", 443)),
        ("http://10.0.0.2:8000/", ("10.0.0.2", 8000)),
    ],
)
def test_ollama_host_is_read_like_ollama_does(value: str | None, expected: tuple) -> None:
    assert parse_ollama_host(value) == expected


def test_ollama_serve_gets_its_address_in_the_environment() -> None:
    spec = ollama_serve_spec("/usr/bin/ollama", ctx=8192, parallel=2)
    assert spec.argv == ["/usr/bin/ollama", "serve"]
    assert spec.env["OLLAMA_HOST"] == f"127.0.0.1:{spec.port}"
    assert spec.env["OLLAMA_CONTEXT_LENGTH"] == "8192"
    assert spec.env["OLLAMA_NUM_PARALLEL"] == "2"


# Real log lines captured from llama-server (docs/engines.md §5.8).
@pytest.mark.parametrize(
    ("code", "log", "expected"),
    [
        (
            1,
            "0.00.027 E srv start: couldn't bind HTTP server socket, hostname: 127.0.0.1, "
            "port: 18090\n0.00.028 E srv llama_server: exiting due to HTTP server error",
            "port is already in use",
        ),
        (
            1,
            "E gguf_init_from_file: failed to open GGUF file 'models/does-not-exist.gguf' "
            "(No such file or directory)\nE srv load_model: failed to load model",
            "model file does not exist",
        ),
        (
            1,
            "E llama_model_load: error loading model: tensor 'token_embd.weight' data is not "
            "within the file bounds, model is corrupted or incomplete",
            "corrupt or incomplete",
        ),
        (1, "E gguf_init_from_reader: failed to read key-value pairs", "corrupt or incomplete"),
        (
            1,
            "E gguf_init_from_reader: invalid magic characters: '??x3', expected 'GGUF'",
            "not a GGUF model",
        ),
        (1, "E gguf_init_from_reader: failed to read magic", "not a GGUF model"),
        (1, "error: invalid argument: --no-mmap", "does not accept the option --no-mmap"),
        (1, "ggml_backend_cpu_buffer_type_alloc_buffer: failed to allocate buffer", "memory"),
        (-4, "", "unsupported CPU"),
        (-6, "GGML_ASSERT(id_to_token.size() == token_to_id.size()) failed", "duplicate"),
        (-11, "", "crashed (SIGSEGV)"),
        (-9, "", "killed (SIGKILL)"),
        (3, "something odd", "exited with code 3. Its last message: something odd"),
    ],
)
def test_failures_become_plain_sentences(code: int, log: str, expected: str) -> None:
    assert expected in classify_failure(code, log.splitlines())


def test_a_picked_binary_is_remembered_and_checked(tmp_path: Path) -> None:
    store = UserStore(tmp_path / "u.sqlite")
    fake = tmp_path / "llama-server"
    fake.write_text("#!/bin/sh\necho 'version: 9.9.9 (build 7, commit abc)'\n")
    fake.chmod(0o755)
    remember_path(store, "llama.cpp", str(fake))
    assert remembered_path(store, "llama.cpp") == str(fake)
    info = find_engine("llama.cpp", remembered_path(store, "llama.cpp"))
    assert info.usable and info.found_by == "your choice"
    assert info.version == "9.9.9 (build 7, commit abc)"
    gone = find_engine("llama.cpp", str(tmp_path / "missing"))
    assert not gone.usable and "does not exist" in (gone.problem or "")
    store.close()


def test_a_missing_engine_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr("desktop_app.services.engines.discovery.usual_places", lambda engine: [])
    info = find_engine("ollama")
    assert info.path is None and info.found_by == "not found"
    assert "https://ollama.com/download" in info.how_to_get
