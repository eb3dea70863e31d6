"""Pinned container images, charts and schemas, each with the source of its version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desktop_app.errors import UserFacingError

PINS_FORMAT = "infernav-deploy-pins"


class PinsError(UserFacingError):
    """The pins file is missing a field or has the wrong shape (a broken installation)."""


@dataclass(frozen=True)
class ImagePin:
    """A container image pinned to a tag, with where the tag was seen and when."""

    image: str
    tag: str
    source: str
    retrieved: str

    @property
    def ref(self) -> str:
        """`image:tag`."""
        return f"{self.image}:{self.tag}"

    def describe(self) -> str:
        """One line for file headers: the pin and its source."""
        return f"{self.ref} (source: {self.source}; retrieved {self.retrieved})"


@dataclass(frozen=True)
class ChartPin:
    """A Helm chart pinned to a version."""

    repo_name: str
    repo_url: str
    chart: str
    version: str
    source: str
    retrieved: str

    def describe(self) -> str:
        """One line for file headers."""
        return (
            f"chart {self.repo_name}/{self.chart} {self.version} from {self.repo_url} "
            f"(source: {self.source}; retrieved {self.retrieved})"
        )


@dataclass(frozen=True)
class SchemaRef:
    """A vendored JSON Schema file and where it was copied from."""

    file: str
    source: str
    retrieved: str


@dataclass(frozen=True)
class ModelRepos:
    """Hugging Face repositories for a catalogue model: safetensors and GGUF."""

    hf: str
    gguf: str


@dataclass(frozen=True)
class Pins:
    """Everything the generators pin."""

    checked: str
    images: Mapping[str, ImagePin]
    charts: Mapping[str, ChartPin]
    schemas: Mapping[str, SchemaRef]
    models: Mapping[str, ModelRepos]
    models_source: str

    def image(self, engine: str) -> ImagePin:
        """The pin for an engine; PinsError when the file has none."""
        try:
            return self.images[engine]
        except KeyError:
            raise PinsError(f"no pinned image for {engine} in the pins file") from None


def _str(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str):
        raise PinsError(f"{where}: {key!r} must be text")
    return value


def pins_from_dict(doc: Any) -> Pins:
    """Parse the pins document (resources/deploy/pins.json); PinsError when malformed."""
    if not isinstance(doc, dict) or doc.get("format") != PINS_FORMAT:
        raise PinsError("not an Inference Navigator pins file")
    try:
        images = {
            k: ImagePin(
                *(_str(v, f, f"image {k}") for f in ("image", "tag", "source", "retrieved"))
            )
            for k, v in doc["images"].items()
        }
        charts = {
            k: ChartPin(
                *(
                    _str(v, f, f"chart {k}")
                    for f in ("repo_name", "repo_url", "chart", "version", "source", "retrieved")
                )
            )
            for k, v in doc["charts"].items()
        }
        schemas = {
            k: SchemaRef(*(_str(v, f, f"schema {k}") for f in ("file", "source", "retrieved")))
            for k, v in doc["schemas"].items()
        }
        models = {
            k: ModelRepos(_str(v, "hf", f"model {k}"), _str(v, "gguf", f"model {k}"))
            for k, v in doc["models"].items()
        }
    except (KeyError, AttributeError, TypeError) as exc:
        raise PinsError(f"pins file is incomplete: {exc}") from None
    for pin in images.values():
        if not pin.tag or pin.tag in ("latest", "main") or pin.tag.startswith("latest"):
            raise PinsError(f"{pin.image} is not pinned to a version ({pin.tag or 'no tag'})")
    return Pins(
        checked=_str(doc, "checked", "pins"),
        images=images,
        charts=charts,
        schemas=schemas,
        models=models,
        models_source=_str(doc, "models_source", "pins"),
    )
