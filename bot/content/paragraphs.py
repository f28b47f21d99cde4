"""Topic text as translation units: paragraphs and list items, their hashes and critical markers.

A unit is one paragraph or one list item of a markup field, or a whole title, summary or choice
label. A translation records the 8-hex hash of each English unit it was made from
(``source_paragraphs``), so a change in the English is found paragraph by paragraph, offline.
An English paragraph or list item that starts with ``! `` is *critical*: when it changes, an old
translation of it is not served; the English paragraph is shown in its place.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

MARKUP_FIELDS = ("body", "more", "officer_statement")
FIELDS = ("title", "summary", *MARKUP_FIELDS, "choices")
CRITICAL = "! "
_MARKER = re.compile(r"^(\s*(?:- )?)! ", re.MULTILINE)


@dataclass(frozen=True)
class Unit:
    """One paragraph or list item (its text without the ``- `` and ``! `` markers)."""

    text: str
    bullet: bool = False
    critical: bool = False

    @property
    def hash(self) -> str:
        """8 hex digits of the text with whitespace folded (markers excluded)."""
        return unit_hash(self.text)


def unit_hash(text: str) -> str:
    """The hash a translation records for one English unit."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:8]


def split(text: str | None) -> list[Unit]:
    """Markup → units, following bot.markup's rules (blank lines, ``- `` items, indented
    continuations); lines of one unit are joined by one space."""
    units: list[Unit] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            units.append(_unit(" ".join(para), bullet=False))
            para.clear()

    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("- "):
            flush()
            units.append(_unit(line[2:].strip(), bullet=True))
        elif units and units[-1].bullet and not para and raw[:1].isspace():
            prev = units.pop()
            units.append(Unit(prev.text + " " + line, bullet=True, critical=prev.critical))
        else:
            para.append(line)
    flush()
    return units


def _unit(text: str, *, bullet: bool) -> Unit:
    if text.startswith(CRITICAL):
        return Unit(text[len(CRITICAL):].lstrip(), bullet=bullet, critical=True)
    return Unit(text, bullet=bullet)


def join(units: list[Unit]) -> str:
    """Units → markup (a blank line between paragraphs, list items on consecutive lines)."""
    out = ""
    for i, u in enumerate(units):
        if i:
            out += "\n" if u.bullet and units[i - 1].bullet else "\n\n"
        out += ("- " if u.bullet else "") + (CRITICAL if u.critical else "") + u.text
    return out + "\n" if out else ""


def strip_markers(text: str) -> str:
    """The text as readers see it: critical markers removed."""
    return _MARKER.sub(r"\1", text)


def field_units(item: object, name: str) -> list[Unit]:
    """The units of one field of a Topic or TopicTranslation."""
    value = getattr(item, name, None)
    if name == "choices":
        labels = [getattr(c, "label", c) for c in value or []]
        return [Unit(str(label)) for label in labels]
    if name in MARKUP_FIELDS:
        return split(value)
    return [Unit(value)] if value else []


def hashes(item: object) -> dict[str, list[str]]:
    """Per field, the hashes of its units (empty fields left out)."""
    out = {name: [u.hash for u in field_units(item, name)] for name in FIELDS}
    return {k: v for k, v in out.items() if v}


def changed(current: dict[str, list[str]], recorded: dict[str, list[str]]) -> dict[str, list[int]]:
    """Per field, the 1-based numbers of English units not in the recorded hashes (new or edited);
    a field whose units were removed lists 0."""
    out: dict[str, list[int]] = {}
    for name in FIELDS:
        now, then = current.get(name, []), recorded.get(name, [])
        nums = [i for i, h in enumerate(now, 1) if h not in then]
        if not nums and any(h not in now for h in then):
            nums = [0]
        if nums:
            out[name] = nums
    return out


def describe(changes: dict[str, list[int]]) -> str:
    """``body ¶3, ¶5; more ¶1`` (``removed`` for a field that lost paragraphs)."""
    parts = []
    for name, nums in changes.items():
        if name in ("title", "summary"):
            parts.append(name)
        else:
            parts.append(name + " " + ", ".join("removed" if n == 0 else f"¶{n}" for n in nums))
    return "; ".join(parts)
