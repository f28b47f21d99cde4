"""Rewrite one top-level field of a content file, leaving every other line exactly as it was.

Used by the tools that write content for volunteers (mark-translated, po import, review approve),
so nobody hand-edits stamps and a file's diff shows only what changed. Every edit is read back
with the strict loader and refused if the field would not load as the value written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from bot.content.yamlfile import load

_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*):")


def quoted(value: str) -> str:
    """A YAML double-quoted scalar (JSON's escaping is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def flow(values: list[str]) -> str:
    """A one-line YAML list of quoted strings."""
    return "[" + ", ".join(quoted(v) for v in values) + "]"


def render(key: str, value: Any) -> str:
    """``key: value`` as YAML lines: text with newlines as a ``|`` block, lists in flow style,
    maps one level deep."""
    if isinstance(value, dict):
        lines = [f"{key}:"]
        for k, v in value.items():
            lines.append(f"  {k}: " + (flow(v) if isinstance(v, list) else quoted(str(v))))
        return "\n".join(lines) + "\n"
    if isinstance(value, list):
        return f"{key}: {flow(value)}\n"
    text = str(value)
    if "\n" not in text:
        return f"{key}: {quoted(text)}\n"
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    chomp = "-" if trailing == 0 else "" if trailing == 1 else "+"
    indent = "2" if body[:1] == " " else ""
    lines = [f"  {line}" if line.strip() else "" for line in body.split("\n")]
    return f"{key}: |{indent}{chomp}\n" + "\n".join(lines) + "\n" * max(trailing, 1)


def _blocks(lines: list[str]) -> list[tuple[str | None, int, int]]:
    """(key, first line, end) of each top-level entry; comments and blank lines before a key
    belong to no entry."""
    out: list[tuple[str | None, int, int]] = []
    for i, line in enumerate(lines):
        match = _TOP_KEY.match(line)
        if match or line.startswith("#"):
            if out:
                out[-1] = (out[-1][0], out[-1][1], i)
            out.append((match.group(1) if match else None, i, len(lines)))
    return out


def _trim(lines: list[str], start: int, end: int) -> int:
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def set_field(text: str, key: str, value: Any, *, after: str | None = None) -> str:
    """``text`` with the top-level ``key`` set to ``value`` (inserted after ``after``, or at the
    end, when absent); ``value`` None removes the key."""
    lines = text.splitlines(keepends=True)
    blocks = _blocks(lines)
    new = [] if value is None else render(key, value).splitlines(keepends=True)
    for name, start, stop in blocks:
        if name == key:
            end = _trim(lines, start, stop)  # blank lines before the next entry stay
            return "".join(lines[:start] + new + lines[end:])
    if value is None:
        return text
    for name, start, stop in blocks:
        if name == after:
            end = _trim(lines, start, stop)
            return "".join(lines[:end] + new + lines[end:])
    tail = "" if not text or text.endswith("\n") else "\n"
    return text + tail + "".join(new)


def write_fields(path: Path, values: dict[str, Any], *, after: str | None = None) -> bool:
    """Set several fields of one file; write it only when something changed. Returns True when
    written. Raises ValueError (nothing written) if the result would not read back as written."""
    old = path.read_text(encoding="utf-8")
    text = old
    for key, value in values.items():
        text = set_field(text, key, value, after=after)
    if text == old:
        return False
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    try:
        data = load(tmp).data
        for key, value in values.items():
            if data.get(key) != value:
                raise ValueError(f"{path}: {key} would not read back as written")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return True
