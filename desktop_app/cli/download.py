"""`infernav download`: list the starter models, or download one (resumed, verified)."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path
from typing import Any

from desktop_app.errors import UserError


def register(sub: Any) -> None:
    """Add the download command."""
    p = sub.add_parser(
        "download",
        help="download a starter model into the models folder (resumes, checks its SHA-256)",
    )
    p.add_argument("model_id", nargs="?", metavar="MODEL_ID", help="a starter model's id")
    p.add_argument("--list", action="store_true", help="list the starter models and exit")
    p.add_argument("--json", action="store_true", help="with --list: machine-readable output")
    p.add_argument(
        "--mirror",
        metavar="URL",
        help="a Hugging Face mirror to download from (default: the setting, "
        "INFERNAV_MODEL_MIRROR, or huggingface.co)",
    )
    p.add_argument("--dir", metavar="DIR", type=Path, help="where to put the file")
    p.set_defaults(handler=download)


def _profile() -> Any:
    from desktop_app.services.hardware.probe import probe_hardware

    return probe_hardware()


def _list(as_json: bool) -> int:
    from desktop_app import paths
    from desktop_app.domain.units import format_bytes
    from desktop_app.services.download.catalogue import starter_rows
    from desktop_app.services.stores import open_bundled

    rows = starter_rows(open_bundled(), _profile(), paths.models_dir())
    if as_json:
        out = [
            {
                "id": r.model.id,
                "name": r.model.name,
                "repo": r.model.repo,
                "file": r.model.filename,
                "revision": r.model.revision,
                "size_bytes": r.model.size_bytes,
                "sha256": r.model.sha256,
                "licence": r.model.licence,
                "suits": r.model.suits,
                "fit_here": r.fit,
                "downloaded": str(r.local) if r.local else None,
                "source": r.model.provenance.source,
                "retrieved": r.model.provenance.retrieved,
            }
            for r in rows
        ]
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    width = max(len(r.model.id) for r in rows)
    for r in rows:
        here = "  (downloaded)" if r.local else ""
        print(f"{r.model.id:<{width}}  {r.model.name}{here}")
        print(f"{'':<{width}}  {r.model.repo}/{r.model.filename}")
        print(
            f"{'':<{width}}  size {format_bytes(r.model.size_bytes)}; licence {r.model.licence}; "
            f"here: {r.fit}; suits: {r.model.suits}"
        )
    print(f"\nFiles go to {paths.models_dir()}. Download one with: infernav download MODEL_ID")
    return 0


def _progress_line(progress: Any) -> str:
    from desktop_app.domain.units import format_byte_rate, format_bytes, format_time_left

    if progress.checking:
        return "Checking the file's SHA-256…"
    share = "" if progress.fraction is None else f"{progress.fraction * 100:5.1f}%  "
    return (
        f"{share}{format_bytes(progress.done)} of {format_bytes(progress.total)}  "
        f"{format_byte_rate(progress.bytes_per_s)}  "
        f"{format_time_left(progress.seconds_left)} left"
    )


def download(args: argparse.Namespace) -> int:
    """List the starter models, or download one with a progress line."""
    if args.list:
        return _list(args.json)
    if not args.model_id:
        raise UserError("Name a starter model to download, or use --list to see them.")
    from desktop_app import paths
    from desktop_app.services.download import hub
    from desktop_app.services.download.catalogue import find
    from desktop_app.services.download.token import get_token
    from desktop_app.services.stores import open_bundled, open_user
    from desktop_app.storage.user.settings import MODEL_MIRROR

    model = find(open_bundled(), args.model_id)
    if model is None:
        raise UserError(
            f"There is no starter model {args.model_id!r}; `infernav download --list` shows them."
        )
    setting = "" if args.mirror else open_user().get_setting(MODEL_MIRROR)
    endpoint = hub.choose_endpoint(args.mirror, setting)
    dest = (args.dir or paths.models_dir()).expanduser()
    if dest.exists() and not dest.is_dir():
        raise UserError(f"{dest} is a file, not a folder.")
    cancel = threading.Event()
    tty = sys.stderr.isatty()
    last = [""]

    def show(progress: Any) -> None:
        line = _progress_line(progress)
        if tty:
            sys.stderr.write(f"\r{line:<72}")
        elif line != last[0] and (progress.checking or progress.done == progress.total):
            sys.stderr.write(line + "\n")
        last[0] = line
        sys.stderr.flush()

    print(f"Downloading {model.name} from {endpoint} into {dest}…", file=sys.stderr)
    try:
        got = hub.download(model, dest, endpoint=endpoint, token=get_token(endpoint),
                           cancel=cancel, on_progress=show)  # fmt: skip
    except KeyboardInterrupt:
        raise UserError(
            "Stopped; the part already downloaded is kept and the same command resumes it."
        ) from None
    finally:
        if tty:
            sys.stderr.write("\n")
    print(f"{got.path} ({got.size:,} bytes, {got.checked} checked: {got.sha256})")
    return 0
