"""Typed text, commands and deep links → Actions (channel-free)."""

from __future__ import annotations

from bot.actions import Action, Kind, parse_deep_link
from bot.commands import BY_NAME


def from_text(text: str, lang: str, offered: frozenset[str], bot_username: str = "") -> Action:
    """What a typed message means. ``lang`` is the negotiated language of the sender."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return Action(lang, Kind.SEARCH, stripped)
    head, _, payload = stripped.partition(" ")
    name, _, addressee = head[1:].partition("@")
    name = name.lower()
    if addressee and bot_username and addressee.lower() != bot_username.lower():
        return Action(lang, Kind.MENU)
    if name == "start" and payload.strip():
        link = parse_deep_link(payload, offered)
        if link is not None:
            link_lang, topic = link
            return Action(link_lang, Kind.TOPIC, topic) if topic else Action(link_lang, Kind.MENU)
    command = BY_NAME.get(name)
    return Action(lang, command.kind, command.arg) if command else Action(lang, Kind.MENU)


def addressed_to(text: str, bot_username: str) -> bool:
    """In a group: is this a command addressed to this bot (``/cmd@thisbot``)?"""
    head = text.strip().split(" ", 1)[0]
    if not head.startswith("/") or "@" not in head:
        return False
    return head.split("@", 1)[1].lower() == bot_username.lower()
