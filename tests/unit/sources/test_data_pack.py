"""Data packs: a checked pack updates prices with their dates; a tampered one changes nothing."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from desktop_app.errors import UserError
from desktop_app.services.datapack import active_pack, import_pack
from desktop_app.services.stores import open_bundled

HEADER = (
    "id,provider,instance_type,gpu,gpu_count,vcpus,memory_gib,region_label,region_code,"
    "price_usd_per_hour,per_gpu_usd_per_hour,monthly_usd_730h,pricing,price_components,source,"
    "source_version,observed,retrieved,note,source_type\n"
)
ROW = (
    "P007,AWS,p4d.24xlarge,A100 40GB,8,96,1152,US,us-east-1,{h},{g},{m},on-demand,instance,"
    "aws.amazon.com/ec2/pricing/on-demand,,{obs},2026-12-01,workshop quote,provider price page\n"
)


def _pack(path: Path, csv_text: str, *, tamper: bool = False, version: int = 1) -> Path:
    data = csv_text.encode()
    manifest = {
        "format": "infernav-data-pack",
        "schema": 1,
        "name": "workshop",
        "version": version,
        "created": "2026-12-01",
        "files": {"cloud_prices.csv": hashlib.sha256(data).hexdigest()},
    }
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("manifest.json", json.dumps(manifest))
        z.writestr("cloud_prices.csv", data + (b"x" if tamper else b""))
    return path


def _p4d():  # type: ignore[no-untyped-def]
    return next(p for p in open_bundled().cloud_prices() if p.id == "P007")


def test_import_shows_new_prices_with_their_dates_and_refuses_a_tampered_pack(
    tmp_path: Path,
) -> None:
    assert _p4d().per_gpu_usd_per_hour == 4.0966  # the bundled row
    good = _pack(tmp_path / "good.zip", HEADER + ROW.format(h=20, g=2.5, m=14600, obs="2026-11"))
    import_pack(good)
    p = _p4d()
    assert p.per_gpu_usd_per_hour == 2.5 and p.observed == "2026-11"
    assert p.provenance.pack == "workshop v1 (2026-12-01)"
    fig = open_bundled().figure("P007-h")
    assert fig is not None and "Data pack: workshop v1" in fig.provenance.describe()

    bad = _pack(
        tmp_path / "bad.zip",
        HEADER + ROW.format(h=1, g=0.1, m=73, obs="2026-12"),
        tamper=True,
        version=2,
    )
    with pytest.raises(UserError, match="altered or damaged"):
        import_pack(bad)
    assert _p4d().per_gpu_usd_per_hour == 2.5  # the previous pack's data stays
    active = active_pack()
    assert active is not None and active.manifest.version == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEADER + ROW.format(h="lots", g=1, m=1, obs=""), "is not a number"),
        (HEADER.replace("observed,", "") + "x\n", "lacks the column"),
        (HEADER + ROW.format(h=1, g=1, m=1, obs="") * 2, "repeats an id"),
    ],
)
def test_a_bad_pack_is_refused_whole_with_a_sentence(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        import_pack(_pack(tmp_path / "p.zip", text))
    assert _p4d().per_gpu_usd_per_hour == 4.0966
    assert active_pack() is None


def test_a_file_that_is_not_a_pack_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "prices.zip"
    f.write_bytes(b"not a zip")
    with pytest.raises(UserError, match="not a zip"):
        import_pack(f)


def test_the_sample_pack_builder_makes_a_pack_that_imports(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_data_pack", Path(__file__).parents[3] / "scripts" / "build-data-pack.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    root = Path(__file__).parents[3] / "data"
    out = mod.build(
        [root / "cloud_prices.csv", root / "fx_rates.csv"],
        "sample",
        1,
        tmp_path / "s.zip",
        "2026-12-01",
    )
    pack = import_pack(out)
    assert len(pack.cloud_prices) == 34 and len(pack.fx_rates) == 8
