"""Download one GGUF file over the Hugging Face resolve protocol, from the Hub or a mirror.

huggingface_hub does the metadata: `get_hf_file_metadata` sends HEAD
/{repo}/resolve/{revision}/{file} and reads X-Repo-Commit, X-Linked-Size, X-Linked-Etag and the
302 Location (a CDN), and its errors become one sentence each. The bytes come over the
standard library's http.client (`_Fetch`): Range from the `.part`'s size, `readinto` a reused
buffer, retries of a dropped connection where it stopped, the size checked; huggingface_hub's
own `http_get` reads the body at a third of the socket's speed, and is used only where a proxy
applies (or a certificate fails our check). Its `hf_hub_download` is not used: it deletes the
partial file on any failure (huggingface_hub 2.x), so a paused or interrupted download could
never resume. This module adds what the app needs around those: the download address
(setting, INFERNAV_MODEL_MIRROR or --mirror), free disk space first, a `<file>.part` kept
across pauses, a file lock (two downloads of one file: one wins), the SHA-256 check against
the published hash, progress with speed and time left, pause and cancel, and one sentence for
every failure. Only a checked file gets its real name.
"""

from __future__ import annotations

import errno
import hashlib
import http.client
import logging
import os
import re
import shutil
import ssl
import threading
import time
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urljoin, urlsplit

import huggingface_hub
from filelock import FileLock, Timeout
from huggingface_hub import constants as hf_constants
from huggingface_hub import errors as hf_errors
from huggingface_hub.file_download import http_get

from desktop_app import __version__
from desktop_app.domain.download.starter import Progress, StarterModel, is_sha256
from desktop_app.domain.units import format_bytes
from desktop_app.errors import UserFacingError

log = logging.getLogger(__name__)

HUGGING_FACE = "https://huggingface.co"
MIRROR_ENV = "INFERNAV_MODEL_MIRROR"
# huggingface_hub reads the body in 10 MiB pieces: on a slow line that is one progress step
# (and one chance to pause) every 10 MiB. 1 MiB keeps both under a second at 1 MiB/s (it is
# used only behind a proxy: see _transfer).
hf_constants.DOWNLOAD_CHUNK_SIZE = 1024 * 1024
DISK_MARGIN_BYTES = 64 * 1024 * 1024  # left free after the download
_REPORT_EVERY_S = 0.1
# The byte transfer (_Fetch): the reused read buffer, the smallest piece read into it (a slow
# line), retries as http_get makes them, and further redirects followed on the GET.
_BUFFER_BYTES = 4 * 1024 * 1024
_PIECE_MIN = 64 * 1024
_RETRIES = 5
_RETRY_WAIT_S = 1.0
_RETRY_STATUS = (408, 429)
_HOPS = 5
_USER_AGENT = f"inference-navigator/{__version__}"
_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}

_busy_lock = threading.Lock()
_busy: set[Path] = set()


class DownloadError(UserFacingError):
    """A download that failed; the message is the one sentence the user sees."""


class DownloadStopped(UserFacingError):  # noqa: N818  (a stop the user asked for)
    """The user paused or cancelled; `kept` says whether the partial file stays for later."""

    def __init__(self, message: str, kept: bool) -> None:
        super().__init__(message)
        self.kept = kept


@dataclass(frozen=True)
class Remote:
    """What the download source says about the file (its HEAD answer)."""

    size: int | None
    sha256: str | None  # the X-Linked-Etag when it is a SHA-256
    etag: str
    commit: str | None
    url: str  # the resolve URL
    location: str | None  # where its bytes are (the 302's Location: a CDN), if elsewhere


@dataclass(frozen=True)
class Downloaded:
    """A file that arrived whole and checked."""

    path: Path
    size: int
    sha256: str
    checked: str  # "SHA-256 and size" or "size only"
    seconds: float


def choose_endpoint(explicit: str | None = None, setting: str = "") -> str:
    """The download address: --mirror, INFERNAV_MODEL_MIRROR, the setting, or the Hub."""
    for value in (explicit, os.environ.get(MIRROR_ENV), setting):
        if value and value.strip():
            return check_endpoint(value)
    return HUGGING_FACE


def check_endpoint(text: str) -> str:
    """A mirror address without its trailing slash; DownloadError when it is not a web address."""
    url = text.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DownloadError(
            f"The download address {text.strip()!r} is not a web address; "
            "it must start with http:// or https://."
        )
    return url


def _host(endpoint: str) -> str:
    return urlsplit(endpoint).netloc or endpoint


# huggingface_hub's errors and the X-Error-Code each stands for (hf_raise_for_status).
_ERROR_CODES: tuple[tuple[type[Exception], str], ...] = (
    (hf_errors.GatedRepoError, "GatedRepo"),  # before its base class, RepositoryNotFoundError
    (hf_errors.RepositoryNotFoundError, "RepoNotFound"),
    (hf_errors.RevisionNotFoundError, "RevisionNotFound"),
    (hf_errors.RemoteEntryNotFoundError, "EntryNotFound"),
)


def _sentence(exc: BaseException, model: StarterModel, endpoint: str) -> str:
    """One sentence for what went wrong talking to the download source."""
    error_code = next((code for kind, code in _ERROR_CODES if isinstance(exc, kind)), None)
    if error_code is not None:
        return _status_sentence(0, error_code, model, endpoint)
    if isinstance(exc, hf_errors.HfHubHTTPError) and exc.response is not None:
        return _status_sentence(exc.response.status_code, None, model, endpoint)
    if isinstance(exc, hf_errors.FileMetadataError):
        return (
            f"{_host(endpoint)} does not answer like a Hugging Face mirror (no file headers), so "
            "nothing was downloaded."
        )
    return f"{_host(endpoint)} could not be reached; check the network or the download source."


def _status_sentence(code: int, error_code: str | None, model: StarterModel, endpoint: str) -> str:
    """One sentence for an HTTP error answer (its status and X-Error-Code header)."""
    host = _host(endpoint)
    if error_code == "GatedRepo":
        return (
            f"{model.repo} on {host} asks you to accept its licence first: accept it on the "
            "model's page and save an access token."
        )
    if error_code == "RepoNotFound":
        return f"{host} has no repository {model.repo} (or it needs an access token)."
    if error_code == "RevisionNotFound":
        return f"{host} has no revision {model.revision} of {model.repo}."
    if error_code == "EntryNotFound":
        return f"{host} has no file {model.filename} in {model.repo}."
    if code == 404:
        return f"{host} has no file {model.filename} in {model.repo} (HTTP 404)."
    if code in (401, 403):
        return f"{host} refused the download (HTTP {code}): it needs an access token."
    return (
        f"{host} answered HTTP {code} for {model.filename}; try again later or choose "
        "another download source."
    )


def probe(
    model: StarterModel, endpoint: str, token: str | None = None, timeout_s: float = 10.0
) -> Remote:
    """HEAD the file on the download source; DownloadError (one sentence) when it cannot."""
    url = huggingface_hub.hf_hub_url(
        model.repo, model.filename, revision=model.revision, endpoint=endpoint
    )
    try:
        meta = huggingface_hub.get_hf_file_metadata(
            url, token=token or False, timeout=timeout_s, endpoint=endpoint
        )
    except Exception as exc:  # every failure of the source becomes one sentence
        log.info("HEAD %s failed: %r", url, exc)
        raise DownloadError(_sentence(exc, model, endpoint)) from exc
    etag = (meta.etag or "").strip('"').lower()
    location = meta.location if meta.location and meta.location != url else None
    return Remote(
        meta.size, etag if is_sha256(etag) else None, etag, meta.commit_hash, url, location
    )


def part_path(dest: Path, filename: str) -> Path:
    """Where the file grows while it downloads (kept after a pause for resuming)."""
    return dest / f"{filename}.part"


def partial_bytes(dest: Path, filename: str) -> int:
    """How much of the file is already here from an earlier, interrupted download."""
    part = part_path(dest, filename)
    return part.stat().st_size if part.is_file() else 0


def check_disk_space(dest: Path, needed: int | None) -> None:
    """DownloadError when `needed` bytes (and a margin) do not fit in `dest`."""
    if needed is None or needed <= 0:
        return
    free = shutil.disk_usage(dest).free
    if free - DISK_MARGIN_BYTES < needed:
        raise DownloadError(
            f"Not enough free disk space in {dest}: {format_bytes(needed)} needed, "
            f"{format_bytes(free)} free."
        )


def sha256_of(path: Path, cancel: threading.Event | None = None) -> str:
    """The file's SHA-256 (read in 4 MiB pieces; stops early when cancelled)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(4 * 1024 * 1024):
            if cancel is not None and cancel.is_set():
                raise DownloadStopped("Stopped while checking the file.", kept=True)
            digest.update(block)
    return digest.hexdigest()


class _Stop(Exception):  # noqa: N818  (not an error: the user asked)
    """Raised inside the transfer when the user pauses or cancels."""


def _progress_class(
    cancel: threading.Event, on_progress: Callable[[Progress], None] | None
) -> type[Any]:
    """A tqdm stand-in that reports progress with speed and stops when `cancel` is set."""

    class _Bar:
        def __init__(self, *args: Any, total: int | None = None, initial: int = 0,
                     **kwargs: Any) -> None:  # fmt: skip
            self.total = total
            self.n = initial
            self._last = 0.0
            self._samples: deque[tuple[float, int]] = deque(maxlen=64)
            self._samples.append((time.monotonic(), initial))
            self._report(force=True)

        def _speed(self) -> float | None:
            now = time.monotonic()
            while len(self._samples) > 2 and now - self._samples[0][0] > 3.0:
                self._samples.popleft()
            t0, n0 = self._samples[0]
            return (self.n - n0) / (now - t0) if now - t0 > 0.2 else None

        def _report(self, force: bool = False) -> None:
            now = time.monotonic()
            if on_progress is None or (not force and now - self._last < _REPORT_EVERY_S):
                return
            self._last = now
            on_progress(Progress(self.n, self.total, self._speed()))

        def update(self, n: int | float = 1) -> None:
            self.n += int(n)
            self._samples.append((time.monotonic(), self.n))
            if cancel.is_set():
                raise _Stop()
            self._report()

        def restart(self) -> None:
            """Back to 0: the server sends the whole file again."""
            self.n = 0
            self._samples.clear()
            self._samples.append((time.monotonic(), 0))
            self._report(force=True)

        def close(self) -> None:
            self._report(force=True)

        def __enter__(self) -> _Bar:
            return self

        def __exit__(self, *exc: object) -> None:
            self.close()

    return _Bar


def _claim(path: Path, name: str) -> FileLock:
    """Hold the file for this download: another thread or process gets one sentence."""
    message = f"{name} is already being downloaded."
    with _busy_lock:
        if path in _busy:
            raise DownloadError(message)
        _busy.add(path)
    lock = FileLock(path.parent / f".{path.name}.lock", timeout=0)
    try:
        lock.acquire()
    except Timeout:
        _release(path, None)
        raise DownloadError(message) from None
    return lock


def _release(path: Path, lock: FileLock | None) -> None:
    if lock is not None:
        lock.release()
    with _busy_lock:
        _busy.discard(path)


def _same_origin(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.scheme, pa.netloc) == (pb.scheme, pb.netloc)


def download(
    model: StarterModel,
    dest: Path,
    *,
    endpoint: str = HUGGING_FACE,
    token: str | None = None,
    cancel: threading.Event | None = None,
    discard: threading.Event | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> Downloaded:
    """Fetch `model` into `dest`, resuming a partial file; verified, or DownloadError.

    Set `cancel` to stop: the partial file stays for a later resume unless `discard` is set
    too, and DownloadStopped says which. A file whose size or SHA-256 differs from what was
    published is deleted before this raises; only a checked file gets its real name.
    """
    cancel = cancel or threading.Event()
    discard = discard or threading.Event()
    dest.mkdir(parents=True, exist_ok=True)
    target = (dest / model.filename).resolve()
    lock = _claim(target, model.name)
    started = time.monotonic()
    try:
        remote = probe(model, endpoint, token)
        if model.has_hash and remote.sha256 and remote.sha256 != model.sha256:
            raise DownloadError(
                f"{_host(endpoint)} offers a different {model.filename} than the catalogue "
                "names (its SHA-256 differs), so nothing was downloaded."
            )
        expected = model.sha256 if model.has_hash else remote.sha256
        size = remote.size or model.size_bytes
        if target.is_file() and (size is None or target.stat().st_size == size):
            return _verify(model, target, target, size, expected, cancel, started, on_progress)
        part = part_path(target.parent, model.filename)
        have = partial_bytes(target.parent, model.filename)
        if size is not None and have > size:  # not a prefix of this file
            part.unlink()
            have = 0
        check_disk_space(dest, None if size is None else size - have)
        _transfer(model, remote, part, have, size, endpoint, token, cancel, discard,
                  on_progress)  # fmt: skip
        return _verify(model, part, target, size, expected, cancel, started, on_progress)
    finally:
        _release(target, lock)


def _transfer(
    model: StarterModel,
    remote: Remote,
    part: Path,
    have: int,
    size: int | None,
    endpoint: str,
    token: str | None,
    cancel: threading.Event,
    discard: threading.Event,
    on_progress: Callable[[Progress], None] | None,
) -> None:
    """GET the bytes after `have` into `part`: http.client, or http_get where a proxy applies."""
    if size is not None and have == size:
        return  # all here already (stopped while checking): nothing to fetch
    url = remote.url if remote.location is None else urljoin(remote.url, remote.location)
    bar_class = _progress_class(cancel, on_progress)
    try:
        with part.open("ab") as fh:
            fetch = _Fetch(url, fh, have, size, endpoint, token, bar_class)
            try:
                fetch.run(cancel)
            except _Handover as handover:
                # A proxy applies to the URL (http.client would connect straight past it), or
                # its certificate failed our check: huggingface_hub's client fetches the rest,
                # through the proxy from the environment, with the OS trust store.
                log.info("GET %s through huggingface_hub: %s", handover.url, handover)
                _hf_get(handover.url, fh, fetch.offset, size, model, endpoint, token, bar_class)
    except _Stop:
        if discard.is_set():
            part.unlink(missing_ok=True)
            raise DownloadStopped(
                f"Download of {model.name} cancelled; the partial file was removed.", kept=False
            ) from None
        kept = part.stat().st_size if part.is_file() else 0
        raise DownloadStopped(
            f"Download of {model.name} paused with {format_bytes(kept)} kept; "
            "it resumes from there.",
            kept=True,
        ) from None
    except _Refused as exc:
        raise DownloadError(_status_sentence(exc.status, exc.error_code, model, endpoint)) from exc
    except _WrongSize as exc:
        part.unlink(missing_ok=True)
        raise DownloadError(
            f"{model.name} arrived with the wrong size; the partial file was removed."
        ) from exc
    except _Broken as exc:
        raise DownloadError(_broken_sentence(endpoint)) from exc
    except OSError as exc:
        if exc.errno in _DISK_FULL:
            part.unlink(missing_ok=True)
            raise DownloadError(
                f"The disk filled up while downloading {model.name}; the partial file was removed."
            ) from exc
        if isinstance(exc, hf_errors.HfHubHTTPError):
            raise DownloadError(_sentence(exc, model, endpoint)) from exc
        if "Consistency check failed" in str(exc):
            part.unlink(missing_ok=True)
            raise DownloadError(
                f"{model.name} arrived with the wrong size; the partial file was removed."
            ) from exc
        raise
    except Exception as exc:
        if type(exc).__module__.split(".")[0].startswith(("httpx", "httpcore")):
            raise DownloadError(_broken_sentence(endpoint)) from exc
        raise


def _broken_sentence(endpoint: str) -> str:
    return (
        f"The connection to {_host(endpoint)} failed during the download; what arrived is "
        "kept and Download resumes from there."
    )


def _hf_get(
    url: str,
    fh: BinaryIO,
    have: int,
    size: int | None,
    model: StarterModel,
    endpoint: str,
    token: str | None,
    bar_class: type[Any],
) -> None:
    """huggingface_hub's http_get (httpx2: proxies, OS trust store; Range, retries, size)."""
    # The token goes to the download address only, never to a CDN it redirects to.
    headers = {"authorization": f"Bearer {token}"} if token and _same_origin(
        url, endpoint) else {}  # fmt: skip
    http_get(url, fh, resume_size=have, headers=headers, expected_size=size,
             displayed_filename=model.filename, tqdm_class=bar_class)  # fmt: skip


class _Broken(Exception):  # noqa: N818  (caught here, never shown)
    """The connection failed or broke off; `retry`: asking again may help."""

    def __init__(self, why: object, retry: bool = True) -> None:
        super().__init__(str(why))
        self.retry = retry


class _Refused(Exception):  # noqa: N818
    """The GET was answered with an HTTP error (or an answer that is not the bytes)."""

    def __init__(self, status: int, error_code: str | None, retry_after: float | None) -> None:
        super().__init__(f"HTTP {status}")
        self.status, self.error_code, self.retry_after = status, error_code, retry_after


class _WrongSize(Exception):  # noqa: N818
    """More or fewer bytes arrived than the file has."""


class _Handover(Exception):  # noqa: N818
    """huggingface_hub's client should fetch `url` (a proxy applies, or the certificate)."""

    def __init__(self, url: str, why: str) -> None:
        super().__init__(why)
        self.url = url


def _proxied(url: str) -> bool:
    """Whether a proxy applies to `url`: HTTP(S)_PROXY, ALL_PROXY and NO_PROXY, or the system's."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies()
    if not (proxies.get(parts.scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass(parts.hostname or "")


def _tls_context() -> ssl.SSLContext:
    """Certificates checked (and the host name) against the system's CAs and certifi's bundle."""
    context = ssl.create_default_context()  # also reads SSL_CERT_FILE and SSL_CERT_DIR
    try:
        import certifi
    except ImportError:  # pragma: no cover (httpx depends on it)
        return context
    context.load_verify_locations(certifi.where())
    return context


def _connection(url: str) -> http.client.HTTPConnection:
    """A connection to the URL's host (not yet open), timing out as huggingface_hub's GET does."""
    parts = urlsplit(url)
    try:
        host, port = parts.hostname or "", parts.port
    except ValueError as exc:
        raise _Broken(exc, retry=False) from exc
    timeout = hf_constants.HF_HUB_DOWNLOAD_TIMEOUT
    if parts.scheme == "https":
        return http.client.HTTPSConnection(host, port, timeout=timeout, context=_tls_context())
    if parts.scheme == "http":
        return http.client.HTTPConnection(host, port, timeout=timeout)
    raise _Broken(f"{url} is not an http or https address", retry=False)


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (at most a minute: Pause answers meanwhile), or None."""
    try:
        return min(max(0.0, float(value)), 60.0) if value else None
    except ValueError:
        return None  # an HTTP date: the usual backoff instead


class _Fetch:
    """One GET of the file's bytes from `offset` on into `fh`, over http.client.

    huggingface_hub's http_get (httpx2 over h11) reads the body 64 KiB at a time and copies it
    into 1 MiB chunks: about 650 MiB/s at best on the benchmark machine, a third of what the
    socket gives. `HTTPResponse.readinto` fills one reused buffer straight from the socket and
    each piece is written from it (a memoryview, no copy): 1,140 MiB/s there. The piece grows
    to the whole buffer while reads are quick and shrinks on a slow line, so that progress
    and Pause still come every 0.1 s or so. What http_get did is kept: Range from the part's
    size, a 200 to a Range request starts again from byte 0, five retries of a dropped
    connection from where it stopped (reset whenever bytes arrived), 408 and 429 asked again,
    further redirects followed, and the size checked.
    """

    def __init__(
        self,
        url: str,
        fh: BinaryIO,
        offset: int,
        size: int | None,
        endpoint: str,
        token: str | None,
        bar_class: type[Any],
    ) -> None:
        self.url, self.fh, self.offset, self.size = url, fh, offset, size
        self.endpoint, self.token = endpoint, token
        self.bar = bar_class(total=size, initial=offset)
        self.arrived = 0  # bytes received by this fetch, all tries together
        self._buffer = memoryview(bytearray(_BUFFER_BYTES))

    def run(self, cancel: threading.Event) -> None:
        """Fetch to the end, retrying; _Broken, _Refused, _WrongSize, _Handover or _Stop."""
        retries, refusals = _RETRIES, 0
        try:
            while True:
                arrived = self.arrived
                try:
                    self._once()
                    break
                except _Refused as exc:
                    if exc.status not in _RETRY_STATUS or refusals >= _RETRIES:
                        raise
                    wait = exc.retry_after
                    if wait is None:
                        wait = _RETRY_WAIT_S * min(2.0**refusals, 8.0)
                    refusals += 1
                    log.warning("GET %s: HTTP %d, asking again in %.0f s", self.url,
                                exc.status, wait)  # fmt: skip
                except _Broken as exc:
                    if self.arrived > arrived:
                        retries = _RETRIES
                    if not exc.retry or retries <= 0:
                        log.warning("GET %s failed: %s", self.url, exc)
                        raise
                    retries -= 1
                    wait = _RETRY_WAIT_S
                    log.warning("GET %s broke off at %d bytes (%s); resuming", self.url,
                                self.offset, exc)  # fmt: skip
                if cancel.wait(wait):
                    raise _Stop()
        finally:
            self.bar.close()
        if self.size is not None and self.offset != self.size:
            raise _WrongSize(f"{self.offset} bytes instead of {self.size}")

    def _once(self) -> None:
        conn, resp = self._open()
        try:
            start = 0
            if resp.status == 206:
                m = re.match(r"bytes (\d+)-", resp.getheader("Content-Range") or "")
                start = int(m[1]) if m else -1
            if start != self.offset:
                if start != 0:
                    raise _Broken(f"asked for bytes from {self.offset}, got {start}", retry=False)
                # The server sent the whole file, not the rest (a Range ignored, as CloudFront
                # may): start again from the first byte.
                self.fh.seek(0)
                self.fh.truncate()
                self.offset = 0
                self.bar.restart()
            self._body(resp)
        finally:
            conn.close()

    def _open(self) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """Send the GET, following redirects; the connection and its 200 or 206 answer."""
        url = self.url
        for _ in range(_HOPS + 1):
            if _proxied(url):
                raise _Handover(url, "a proxy applies")
            parts = urlsplit(url)
            headers = {"User-Agent": _USER_AGENT}
            if self.offset:
                headers["Range"] = f"bytes={self.offset}-"
            # The token goes to the download address only, never to a CDN it redirects to.
            if self.token and _same_origin(url, self.endpoint):
                headers["Authorization"] = f"Bearer {self.token}"
            conn = _connection(url)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            try:
                conn.request("GET", target, headers=headers)
                resp = conn.getresponse()
            except ssl.SSLCertVerificationError as exc:
                conn.close()
                raise _Handover(url, f"certificate: {exc.verify_message}") from exc
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                raise _Broken(exc) from exc
            if resp.status in (200, 206):
                return conn, resp
            location = resp.getheader("Location")
            status, error_code = resp.status, resp.getheader("X-Error-Code")
            retry_after = _retry_after(resp.getheader("Retry-After"))
            conn.close()
            if status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            raise _Refused(status, error_code, retry_after)
        raise _Broken(f"more than {_HOPS} redirects", retry=False)

    def _body(self, resp: http.client.HTTPResponse) -> None:
        buffer, piece = self._buffer, _PIECE_MIN
        while True:
            began = time.monotonic()
            try:
                n = resp.readinto(buffer[:piece])
            except (OSError, http.client.HTTPException) as exc:
                raise _Broken(exc) from exc
            if not n:
                if resp.length:  # http.client ends a body cut short without a word
                    raise _Broken(f"the connection closed {resp.length:,} bytes early")
                return
            took = time.monotonic() - began
            self.fh.write(buffer[:n])  # an OSError here is the disk's
            self.offset += n
            self.arrived += n
            if self.size is not None and self.offset > self.size:
                raise _WrongSize(f"more than {self.size} bytes")
            self.bar.update(n)  # reports progress; _Stop when paused or cancelled
            if n == piece and took < _REPORT_EVERY_S / 4:
                piece = min(2 * piece, len(buffer))
            elif took > _REPORT_EVERY_S:
                piece = max(piece // 2, _PIECE_MIN)


def _verify(
    model: StarterModel,
    path: Path,
    target: Path,
    size: int | None,
    expected: str | None,
    cancel: threading.Event,
    started: float,
    on_progress: Callable[[Progress], None] | None,
) -> Downloaded:
    """Check size and SHA-256 of `path`, then give it the real name `target`."""
    actual_size = path.stat().st_size
    if size is not None and actual_size != size:
        path.unlink(missing_ok=True)
        raise DownloadError(
            f"{model.name} arrived with {actual_size:,} bytes instead of {size:,}; "
            "it was deleted and nothing was started."
        )
    if on_progress is not None:
        on_progress(Progress(actual_size, actual_size, None, checking=True))
    digest = sha256_of(path, cancel)
    if expected is not None and digest != expected:
        path.unlink(missing_ok=True)
        raise DownloadError(
            f"{model.name} does not match its published SHA-256; it was deleted and "
            "nothing was started."
        )
    if path != target:
        os.replace(path, target)
    checked = "SHA-256 and size" if expected is not None else "size only"
    return Downloaded(target, actual_size, digest, checked, time.monotonic() - started)
