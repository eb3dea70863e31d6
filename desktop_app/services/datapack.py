"""Import a data pack (blocking): check it whole, then keep it as the user's overlay.

The overlay is one SQLite file under the user data folder (paths.data_pack_path()) holding
the pack's manifest and its checked CSVs. It is written to a temporary file and moved into
place only after the whole pack passed, so a refused pack leaves the previous data as it
was. `open_bundled` overlays it on the bundled store at start-up.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import zipfile
from pathlib import Path

from desktop_app import paths
from desktop_app.domain.sources.pack import (
    PackContents,
    PackError,
    check_pack,
    parse_manifest,
)
from desktop_app.errors import UserError

log = logging.getLogger(__name__)
MAX_PACK_BYTES = 50 * 2**20


def read_pack(path: Path) -> PackContents:
    """Read and check a pack file; UserError with one sentence when it is refused."""
    try:
        if path.stat().st_size > MAX_PACK_BYTES:
            raise UserError("This data pack is larger than 50 MB; it cannot be a price list.")
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            if "manifest.json" not in names:
                raise UserError("This file is not a data pack: it has no manifest.json.")
            manifest = parse_manifest(z.read("manifest.json"))
            files = {n: z.read(n) for n in names if n.endswith(".csv") and "/" not in n.strip("/")}
        return check_pack(manifest, files)
    except PackError as exc:
        raise UserError(f"Data pack refused, nothing changed: {exc}") from None
    except zipfile.BadZipFile:
        raise UserError("Data pack refused, nothing changed: the file is not a zip.") from None
    except OSError as exc:
        raise UserError(f"Could not read the data pack ({exc.strerror or exc}).") from None


def _write_overlay(contents: PackContents, raw: dict[str, bytes], target: Path) -> None:
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        with con:
            con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            con.execute("CREATE TABLE file (name TEXT PRIMARY KEY, content BLOB NOT NULL)")
            con.execute("INSERT INTO meta VALUES ('manifest', ?)", (raw["manifest.json"],))
            con.executemany(
                "INSERT INTO file VALUES (?, ?)",
                [(n, raw[n]) for n in contents.manifest.files],
            )
    finally:
        con.close()
    os.replace(tmp, target)


def import_pack(path: Path, target: Path | None = None) -> PackContents:
    """Check a pack and make it the active overlay; the old overlay stays if it is refused."""
    contents = read_pack(path)
    with zipfile.ZipFile(path) as z:
        raw = {"manifest.json": z.read("manifest.json")}
        raw.update({n: z.read(n) for n in contents.manifest.files})
    _write_overlay(contents, raw, target or paths.data_pack_path())
    log.info("data pack imported: %s", contents.manifest.label)
    return contents


def active_pack(target: Path | None = None) -> PackContents | None:
    """The imported pack, checked again; None when there is none or it no longer checks."""
    where = target or paths.data_pack_path()
    if not where.is_file():
        return None
    try:
        con = sqlite3.connect(f"file:{where}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key='manifest'").fetchone()
            files = dict(con.execute("SELECT name, content FROM file").fetchall())
        finally:
            con.close()
        manifest = parse_manifest(bytes(row[0]) if isinstance(row[0], bytes) else row[0].encode())
        return check_pack(manifest, {k: bytes(v) for k, v in files.items()})
    except (sqlite3.Error, PackError, TypeError) as exc:
        log.warning("ignoring the imported data pack %s: %s", where, exc)
        return None
