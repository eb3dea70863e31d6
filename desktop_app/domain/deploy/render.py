"""Generated files as text: commands quoted for a POSIX shell, YAML with a comment header."""

from __future__ import annotations

import shlex
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml


@dataclass(frozen=True)
class EnvRef:
    """An argument that ends in the value of an environment variable, expanded by the shell.

    `EnvRef("--from-literal=token=", "HF_TOKEN")` shows as `--from-literal=token="$HF_TOKEN"`:
    the secret stays in the user's environment, never in a file or in shell history.
    """

    prefix: str
    var: str


Arg = str | EnvRef
Command = tuple[Arg, ...]


def quote_arg(arg: Arg) -> str:
    """One argument quoted for a POSIX shell."""
    if isinstance(arg, EnvRef):
        head = shlex.quote(arg.prefix) if arg.prefix else ""
        return f'{head}"${arg.var}"'
    return shlex.quote(arg)


def shell_line(cmd: Command, wrap: bool = False, break_at: int | None = None) -> str:
    """The command as one line to copy (or wrapped with `\\` before each option and before
    argument `break_at`, e.g. the image of `docker run`)."""
    parts = [quote_arg(a) for a in cmd]
    if not wrap:
        return " ".join(parts)
    lines: list[str] = []
    for i, part in enumerate(parts):
        if lines and (part.startswith("-") or i == break_at):
            lines[-1] += " \\"
            lines.append("  " + part)
        elif lines:
            lines[-1] += " " + part
        else:
            lines.append(part)
    return "\n".join(lines)


def argv(cmd: Command, env: dict[str, str] | None = None) -> list[str]:
    """The argument list a program would get (EnvRef filled from `env`, else left empty)."""
    env = env or {}
    return [a if isinstance(a, str) else a.prefix + env.get(a.var, "") for a in cmd]


def compose_escape(value: Any) -> Any:
    """Escape `$` as `$$` in every string so Compose does not interpolate user text."""
    if isinstance(value, str):
        return value.replace("$", "$$")
    if isinstance(value, list):
        return [compose_escape(v) for v in value]
    if isinstance(value, dict):
        return {k: compose_escape(v) for k, v in value.items()}
    return value


def comment_block(lines: Sequence[str], width: int = 92) -> str:
    """`# ` before each line, long lines wrapped with an indent (inputs reject line breaks)."""
    out: list[str] = []
    for line in lines:
        for part in line.splitlines() or [""]:
            wrapped = textwrap.wrap(
                part, width, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
            )
            out.extend(f"# {w}".rstrip() for w in wrapped or [""])
    return "\n".join(out) + "\n"


def to_yaml(doc: Any) -> str:
    """Block-style YAML in the order built, strings quoted where YAML would misread them."""
    return yaml.safe_dump(
        doc, sort_keys=False, default_flow_style=False, allow_unicode=True, width=100
    )


@dataclass(frozen=True)
class Artifact:
    """One generated file: what it is for, its text, and what validates it."""

    filename: str
    title: str
    purpose: str
    text: str
    kind: Literal["compose", "production-stack", "kserve", "shell"]
    doc: Any = None  # the parsed object behind a YAML file
    commands: tuple[Command, ...] = ()
    notes: tuple[str, ...] = field(default=())
