"""The byte transfer (http.client, or huggingface_hub behind a proxy) as a user sees it.

Against the local resolve-protocol server and the real Gemma file: every test ends with the
file's bytes (its SHA-256) or one sentence, and what is kept on disk.
"""

from __future__ import annotations

import hashlib
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import huggingface_hub
import pytest

from desktop_app.domain.download.starter import Progress, StarterModel
from desktop_app.services.download import hub
from tests.fakes.hf_fixture import GEMMA_FILE, GEMMA_REPO
from tests.fakes.hf_server import HfServer, running_hf_server

pytestmark = pytest.mark.slow
MIB = 1024 * 1024
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _keep_prefix(origin: Path, dest: Path, n: int) -> None:
    """A `.part` holding the first `n` bytes, as an earlier interrupted download leaves it."""
    with origin.open("rb") as fh:
        hub.part_path(dest, GEMMA_FILE).write_bytes(fh.read(n))


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """No proxy variables, and huggingface_hub's shared client made afresh before and after."""
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    huggingface_hub.close_session()  # its client reads the proxy variables when it is made
    yield monkeypatch
    huggingface_hub.close_session()


def test_repeated_cuts_mid_body_resume_exactly_where_they_stopped(
    hf_server: HfServer, gemma_model: StarterModel, gemma_gguf: tuple[Path, str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(hub, "_RETRY_WAIT_S", 0.01)
    cut = 10 * MIB + 7  # not on a piece boundary
    hf_server.faults.drop_after, hf_server.faults.drops = cut, 3
    got = hub.download(gemma_model, tmp_path, endpoint=hf_server.url)
    assert got.sha256 == gemma_gguf[1] == _sha(got.path)
    assert hf_server.log.ranges == [f"bytes={k * cut}-" for k in (1, 2, 3)]


def test_a_range_answered_with_the_whole_file_starts_again_from_zero(
    hf_server: HfServer, gemma_model: StarterModel, gemma_gguf: tuple[Path, str], tmp_path: Path
) -> None:
    origin, sha = gemma_gguf
    _keep_prefix(origin, tmp_path, 30 * MIB)
    hf_server.faults.ignore_range = True  # 200 and every byte, as some CDNs answer
    seen: list[Progress] = []
    got = hub.download(gemma_model, tmp_path, endpoint=hf_server.url, on_progress=seen.append)
    assert hf_server.log.ranges == [f"bytes={30 * MIB}-"]
    assert got.size == origin.stat().st_size and got.sha256 == sha == _sha(got.path)
    assert all(p.total is None or p.done <= p.total for p in seen), "progress never over 100%"


def test_a_connection_that_keeps_failing_gives_up_and_keeps_what_arrived(
    hf_server: HfServer, gemma_model: StarterModel, gemma_gguf: tuple[Path, str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(hub, "_RETRY_WAIT_S", 0.01)
    _keep_prefix(gemma_gguf[0], tmp_path, 3 * MIB)
    hf_server.faults.drop_after, hf_server.faults.drops = 0, 1000  # headers, then nothing
    with pytest.raises(hub.DownloadError) as err:
        hub.download(gemma_model, tmp_path, endpoint=hf_server.url)
    assert str(err.value) == (
        f"The connection to {hf_server.url.split('//')[1]} failed during the download; what "
        "arrived is kept and Download resumes from there."
    )
    gets = [r for r in hf_server.log.requests if r.startswith("GET /cdn/")]
    assert len(gets) == 1 + 5, "five retries, as huggingface_hub's http_get makes"
    assert hub.partial_bytes(tmp_path, GEMMA_FILE) == 3 * MIB


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (403, "refused the download (HTTP 403): it needs an access token."),
        (404, f"has no file {GEMMA_FILE} in {GEMMA_REPO} (HTTP 404)."),
        (500, f"answered HTTP 500 for {GEMMA_FILE}; try again later"),
    ],
)
def test_an_http_error_on_the_cdn_is_one_sentence(
    hf_server: HfServer, gemma_model: StarterModel, tmp_path: Path, status: int, words: str
) -> None:
    hf_server.faults.cdn_status = status  # the HEAD is answered; the GET of the bytes is not
    with pytest.raises(hub.DownloadError) as err:
        hub.download(gemma_model, tmp_path, endpoint=hf_server.url)
    assert str(err.value).startswith("127.0.0.1:") and words in str(err.value)
    assert not (tmp_path / GEMMA_FILE).exists()


@pytest.mark.parametrize("off_by", [4096, -4096])
def test_a_body_of_another_size_than_announced_is_removed(
    hf_server: HfServer, gemma_model: StarterModel, gemma_gguf: tuple[Path, str], tmp_path: Path,
    off_by: int,
) -> None:  # fmt: skip
    hf_server.faults.linked_size = gemma_gguf[0].stat().st_size + off_by
    with pytest.raises(hub.DownloadError, match="arrived with the wrong size; the partial file"):
        hub.download(gemma_model, tmp_path, endpoint=hf_server.url)
    assert hub.partial_bytes(tmp_path, GEMMA_FILE) == 0
    assert not (tmp_path / GEMMA_FILE).exists()


def test_a_slow_line_reports_progress_often_and_pauses_promptly(
    hf_server: HfServer, gemma_model: StarterModel, tmp_path: Path
) -> None:
    hf_server.faults.rate_bps = 2 * MIB
    cancel = threading.Event()
    seen: list[float] = []
    timer = threading.Timer(1.0, cancel.set)
    began = time.monotonic()
    timer.start()
    with pytest.raises(hub.DownloadStopped) as stopped:
        hub.download(gemma_model, tmp_path, endpoint=hf_server.url, cancel=cancel,
                     on_progress=lambda p: seen.append(time.monotonic()))  # fmt: skip
    timer.join()
    assert stopped.value.kept
    assert time.monotonic() - began < 2.0, "Pause answered within a second on a 2 MiB/s line"
    assert len(seen) >= 5, "progress several times a second"
    assert hub.partial_bytes(tmp_path, GEMMA_FILE) >= MIB


def test_a_proxy_in_the_environment_carries_the_download(
    hf_server: HfServer, gemma_model: StarterModel, gemma_gguf: tuple[Path, str], tmp_path: Path,
    no_proxy_env: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    # The test server also answers as a forward proxy: `GET http://cdn/...` is logged and served.
    no_proxy_env.setenv("HTTP_PROXY", hf_server.url)
    got = hub.download(gemma_model, tmp_path, endpoint=hf_server.url, token="hf_secret")
    assert got.sha256 == gemma_gguf[1] == _sha(got.path)
    assert f"GET {hf_server.cdn_url}/cdn/{gemma_gguf[1]}/{GEMMA_FILE}" in hf_server.log.proxied
    assert not [a for a in hf_server.log.authorized if "/cdn/" in a], "no token to the CDN"


def test_a_proxy_that_does_not_apply_leaves_the_fast_path(
    hf_server: HfServer, gemma_model: StarterModel, gemma_gguf: tuple[Path, str], tmp_path: Path,
    no_proxy_env: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    no_proxy_env.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    no_proxy_env.setenv("NO_PROXY", "127.0.0.1")
    handed_over: list[Any] = []
    real = hub._hf_get
    no_proxy_env.setattr(hub, "_hf_get", lambda *a: handed_over.append(a) or real(*a))
    got = hub.download(gemma_model, tmp_path, endpoint=hf_server.url)
    assert got.sha256 == gemma_gguf[1]
    assert not hf_server.log.proxied
    assert not handed_over, "http.client did the transfer (the 3x faster one)"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key (made by the openssl tool)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_server(certificate: tuple[Path, Path], gemma_gguf: tuple[Path, str]) -> Iterator[HfServer]:
    """The resolve-protocol server whose CDN speaks https with the self-signed certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    with running_hf_server(cdn_tls=context) as server:
        server.serve(GEMMA_REPO, GEMMA_FILE, *gemma_gguf)
        yield server


def test_an_https_cdn_with_a_trusted_certificate_downloads_directly(
    tls_server: HfServer, certificate: tuple[Path, Path], gemma_model: StarterModel,
    gemma_gguf: tuple[Path, str], tmp_path: Path, no_proxy_env: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    assert tls_server.cdn_url.startswith("https://")
    no_proxy_env.setenv("SSL_CERT_FILE", str(certificate[0]))  # the CA the user trusts
    handed_over: list[Any] = []
    no_proxy_env.setattr(hub, "_hf_get", lambda *a, **k: handed_over.append(a))
    got = hub.download(gemma_model, tmp_path, endpoint=tls_server.url)
    assert got.sha256 == gemma_gguf[1] == _sha(got.path)
    assert not handed_over, "http.client did the transfer, with the certificate checked"


def test_an_https_cdn_with_an_unknown_certificate_is_refused(
    tls_server: HfServer, gemma_model: StarterModel, tmp_path: Path,
    no_proxy_env: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    # Neither http.client nor huggingface_hub's client (tried next) accepts it.
    with pytest.raises(hub.DownloadError, match="failed during the download"):
        hub.download(gemma_model, tmp_path, endpoint=tls_server.url)
    assert hub.partial_bytes(tmp_path, GEMMA_FILE) == 0
    assert not (tmp_path / GEMMA_FILE).exists()
