"""Actions: what a button, command, deep link or typed text means, and their compact wire forms.

Callback data is ``1:<lang>:<kind>[:<arg>]`` (version 1), at most 64 bytes, validated on the way in.
Deep links (``/start`` payloads) are ``<lang>`` or ``<lang>_<topic>``. The language a person chose
travels in every button, so nothing about them is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.ids import LANG_CODE_RE, REGION_CODE_RE, TOPIC_ID_RE

VERSION = "1"
MAX_CALLBACK_BYTES = 64
_ARG = {
    "t": TOPIC_ID_RE,
    "x": TOPIC_ID_RE,
    "c": TOPIC_ID_RE,
    "v": TOPIC_ID_RE,
    "s": re.compile(r"^[0-9]$"),
    "r": REGION_CODE_RE,
}


class Kind(StrEnum):
    """What the person asked for."""

    MENU = "m"
    TOPIC = "t"
    MORE = "x"
    SOURCES = "c"
    HOTLINES = "h"
    STATES = "s"
    REGION = "r"
    LANGUAGES = "l"
    ERASE = "e"
    LISTEN = "v"  # a topic's first screen as a voice note
    SEARCH = "q"  # typed text; never encoded into a button


@dataclass(frozen=True)
class Action:
    """A request in a language; ``arg`` is a topic id, region code, page number or query."""

    lang: str
    kind: Kind
    arg: str = ""


def encode(action: Action) -> str:
    """The callback data for a button; raises ValueError if it cannot be a valid button."""
    if action.kind is Kind.SEARCH:
        raise ValueError("search actions are never put in buttons")
    data = f"{VERSION}:{action.lang}:{action.kind.value}"
    if action.arg:
        data += f":{action.arg}"
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def parse_callback_data(data: object, offered: frozenset[str] | set[str]) -> Action | None:
    """Parse callback data; None for anything unknown, malformed or forged."""
    if not isinstance(data, str) or not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    parts = data.split(":")
    if len(parts) not in (3, 4) or parts[0] != VERSION:
        return None
    lang, kind_code = parts[1], parts[2]
    arg = parts[3] if len(parts) == 4 else ""
    if lang not in offered:
        return None
    try:
        kind = Kind(kind_code)
    except ValueError:
        return None
    if kind is Kind.SEARCH:
        return None
    pattern = _ARG.get(kind.value)
    if pattern is None:
        return Action(lang, kind) if not arg else None
    if not pattern.fullmatch(arg):
        return None
    return Action(lang, kind, arg)


def deep_link_payload(lang: str, topic: str | None = None) -> str:
    """The ``/start`` payload for a flyer link (``es`` or ``es_at-home``)."""
    return f"{lang}_{topic}" if topic else lang


def parse_deep_link(payload: str, offered: frozenset[str] | set[str]) -> tuple[str, str | None] | None:
    """``es_at-home`` → ("es", "at-home"); ``zh-hans`` → ("zh-hans", None); None if invalid."""
    payload = payload.strip().lower()
    lang, _, topic = payload.partition("_")
    if lang not in offered or not LANG_CODE_RE.fullmatch(lang):
        return None
    if topic and not TOPIC_ID_RE.fullmatch(topic):
        return lang, None
    return lang, topic or None
