"""Downloads over the resolve protocol against the local test server and the real Gemma file."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from desktop_app.domain.download.starter import Progress, StarterModel
from desktop_app.services.download import hub
from tests.conftest import REPO
from tests.fakes.hf_server import HfServer

pytestmark = pytest.mark.slow
GEMMA = "gemma-3-270m-q4_k_m.gguf"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_full_download_lands_verified_in_the_folder(
    hf_server: HfServer, gemma_model: StarterModel, gemma_gguf: tuple[Path, str], tmp_path: Path
) -> None:
    seen: list[Progress] = []
    got = hub.download(gemma_model, tmp_path, endpoint=hf_server.url, on_progress=seen.append)
    assert got.path == tmp_path / gemma_model.filename
    assert got.size == gemma_gguf[0].stat().st_size
    assert got.sha256 == gemma_gguf[1] == _sha(got.path)
    assert got.checked == "SHA-256 and size"
    assert seen[-1].checking and seen[-1].fraction == 1.0
    # The protocol: HEAD on resolve, then the CDN location it pointed at.
    assert any(r.startswith("HEAD /hugginllam/") for r in hf_server.log.requests)
    assert any(r.startswith("GET /cdn/") for r in hf_server.log.requests)


def test_a_dropped_connection_resumes_with_range(
    hf_server: HfServer, gemma_model: StarterModel, gemma_gguf: tuple[Path, str], tmp_path: Path
) -> None:
    hf_server.faults.drop_after = 40 * 1024 * 1024
    got = hub.download(gemma_model, tmp_path, endpoint=hf_server.url)
    assert got.sha256 == gemma_gguf[1]
    assert hf_server.log.ranges, "the second request asked only for the rest"
    assert int(hf_server.log.ranges[0].split("=")[1].split("-")[0]) >= 40 * 1024 * 1024 - 2**20


def test_a_paused_download_keeps_its_part_and_resumes(
    hf_server: HfServer, gemma_model: StarterModel, gemma_gguf: tuple[Path, str], tmp_path: Path
) -> None:
    hf_server.faults.rate_bps = 20 * 1024 * 1024
    cancel = threading.Event()

    def pause_at_30_mib(p: Progress) -> None:
        if p.done > 30 * 1024 * 1024:
            cancel.set()

    with pytest.raises(hub.DownloadStopped) as stopped:
        hub.download(gemma_model, tmp_path, endpoint=hf_server.url, cancel=cancel,
                     on_progress=pause_at_30_mib)  # fmt: skip
    assert stopped.value.kept and "paused" in str(stopped.value)
    assert not (tmp_path / gemma_model.filename).exists()
    etag = gemma_gguf[1]
    kept = hub.partial_bytes(tmp_path, GEMMA)
    assert kept >= 30 * 1024 * 1024
    hf_server.faults.rate_bps = None
    got = hub.download(gemma_model, tmp_path, endpoint=hf_server.url)
    assert got.sha256 == etag
    assert hf_server.log.ranges == [f"bytes={kept}-"]
    assert hub.partial_bytes(tmp_path, GEMMA) == 0


def test_a_slow_server_is_cancelled_and_the_part_removed(
    hf_server: HfServer, gemma_model: StarterModel, gemma_gguf: tuple[Path, str], tmp_path: Path
) -> None:
    hf_server.faults.rate_bps = 1024 * 1024  # 1 MiB/s: the whole file would take minutes
    cancel, discard = threading.Event(), threading.Event()
    timer = threading.Timer(1.5, lambda: (discard.set(), cancel.set()))
    timer.start()
    with pytest.raises(hub.DownloadStopped) as stopped:
        hub.download(gemma_model, tmp_path, endpoint=hf_server.url, cancel=cancel,
                     discard=discard)  # fmt: skip
    timer.join()
    assert not stopped.value.kept and "removed" in str(stopped.value)
    assert hub.partial_bytes(tmp_path, GEMMA) == 0
    assert not (tmp_path / gemma_model.filename).exists()


def test_a_wrong_hash_is_rejected_and_the_file_deleted(
    hf_server: HfServer, gemma_model: StarterModel, tmp_path: Path
) -> None:
    hf_server.faults.corrupt = True
    with pytest.raises(hub.DownloadError, match="does not match its published SHA-256"):
        hub.download(gemma_model, tmp_path, endpoint=hf_server.url)
    assert not (tmp_path / gemma_model.filename).exists()


def test_a_mirror_offering_another_file_downloads_nothing(
    hf_server: HfServer, gemma_model: StarterModel, tmp_path: Path
) -> None:
    other = replace(gemma_model, sha256="0" * 64)
    with pytest.raises(hub.DownloadError, match="different"):
        hub.download(other, tmp_path, endpoint=hf_server.url)
    assert not any(r.startswith("GET /cdn/") for r in hf_server.log.requests)


@pytest.mark.parametrize(("status", "words"), [(404, "has no file"), (500, "HTTP 500")])
def test_mirror_failures_are_one_sentence(
    hf_server: HfServer, gemma_model: StarterModel, tmp_path: Path, status: int, words: str
) -> None:
    hf_server.faults.status = status
    with pytest.raises(hub.DownloadError) as err:
        hub.download(gemma_model, tmp_path, endpoint=hf_server.url)
    message = str(err.value)
    assert words in message and "\n" not in message and "Traceback" not in message
    assert not (tmp_path / gemma_model.filename).exists()


def test_an_unknown_file_on_the_mirror_is_named(
    hf_server: HfServer, gemma_model: StarterModel, tmp_path: Path
) -> None:
    missing = replace(gemma_model, filename="nope.gguf")
    with pytest.raises(hub.DownloadError, match=r"has no file nope\.gguf"):
        hub.download(missing, tmp_path, endpoint=hf_server.url)


def test_a_server_that_is_not_there_is_one_sentence(
    gemma_model: StarterModel, tmp_path: Path
) -> None:
    with pytest.raises(hub.DownloadError, match="could not be reached"):
        hub.download(gemma_model, tmp_path, endpoint="http://127.0.0.1:9")


def test_not_enough_disk_space_is_said_before_anything_is_fetched(
    hf_server: HfServer, gemma_model: StarterModel, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(hub, "DISK_MARGIN_BYTES", 10**18)
    with pytest.raises(hub.DownloadError, match="Not enough free disk space"):
        hub.download(gemma_model, tmp_path, endpoint=hf_server.url)
    assert not any(r.startswith("GET /cdn/") for r in hf_server.log.requests)


def test_two_downloads_of_one_file_one_wins_no_corruption(
    hf_server: HfServer, gemma_model: StarterModel, gemma_gguf: tuple[Path, str], tmp_path: Path
) -> None:
    hf_server.faults.rate_bps = 100 * 1024 * 1024
    results: list[object] = []

    def run() -> None:
        try:
            results.append(hub.download(gemma_model, tmp_path, endpoint=hf_server.url))
        except hub.DownloadError as exc:
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    wins = [r for r in results if isinstance(r, hub.Downloaded)]
    losses = [r for r in results if isinstance(r, hub.DownloadError)]
    assert len(wins) == 1 and len(losses) == 1
    assert "already being downloaded" in str(losses[0])
    assert _sha(tmp_path / gemma_model.filename) == gemma_gguf[1]


DISK_FULL = """
import resource, signal, sys
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (20 * 1024 * 1024, 20 * 1024 * 1024))
from desktop_app.services.download import hub
from tests.fakes.hf_fixture import gemma_starter
model = gemma_starter(sys.argv[3])
try:
    hub.download(model, Path(sys.argv[2]), endpoint=sys.argv[1])
except hub.DownloadError as exc:
    print(exc)
"""


def test_a_full_disk_removes_the_part_and_says_so(
    hf_server: HfServer, gemma_gguf: tuple[Path, str], tmp_path: Path
) -> None:
    # A child process with a 20 MiB file-size limit: the write fails as on a full disk.
    out = subprocess.run(
        [sys.executable, "-c", DISK_FULL, hf_server.url, str(tmp_path), gemma_gguf[1]],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )  # fmt: skip
    assert "The disk filled up while downloading Gemma 3 270M" in out.stdout, out.stderr[-2000:]
    assert hub.partial_bytes(tmp_path, GEMMA) == 0


def test_the_address_comes_from_flag_then_environment_then_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(hub.MIRROR_ENV, raising=False)
    assert hub.choose_endpoint() == "https://huggingface.co"
    assert hub.choose_endpoint(setting="http://mirror.lan/") == "http://mirror.lan"
    monkeypatch.setenv(hub.MIRROR_ENV, "https://hf.example.org")
    assert hub.choose_endpoint(setting="http://mirror.lan") == "https://hf.example.org"
    assert hub.choose_endpoint("http://10.0.0.2:8080") == "http://10.0.0.2:8080"
    with pytest.raises(hub.DownloadError, match="must start with http"):
        hub.check_endpoint("mirror.lan")


def test_the_token_goes_to_the_download_address_and_never_to_the_cdn(
    hf_server: HfServer, gemma_model: StarterModel, gemma_gguf: tuple[Path, str], tmp_path: Path
) -> None:
    hf_server.faults.redirects = 2  # the CDN sends the GET to the address, which sends it back
    got = hub.download(gemma_model, tmp_path, endpoint=hf_server.url, token="hf_secret")
    assert got.sha256 == gemma_gguf[1]
    cdn = hf_server.cdn_url
    gets = [r for r in hf_server.log.requests if r.startswith("GET /cdn/")]
    assert len(gets) == 3, "two further redirects on the GET were followed"
    assert any(a.startswith(f"{hf_server.url} HEAD /") for a in hf_server.log.authorized)
    assert not [a for a in hf_server.log.authorized if a.startswith(cdn)], "never to the CDN"
