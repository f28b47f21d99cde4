"""The offline chat in a terminal: the same respond() and content, buttons picked by number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TextIO

from bot.actions import Action, Kind
from bot.bundle import Bundle
from bot.decode import from_text
from bot.i18n import negotiate
from bot.render.console import render_console
from bot.respond import respond

HELP = ("Type a number to press a button, any text to search, a command such as /start or "
        "/hotlines, /start es to switch language, or q to quit.")


def run_console(bundle: Bundle, stdin: TextIO, stdout: TextIO, language: str | None = None,
                today: Callable[[], dt.date] = dt.date.today) -> None:
    """Chat until end of input or ``q``."""
    lang = negotiate(language, bundle.library.languages, bundle.library.source)
    stdout.write(f"kyr-bot console (offline). {HELP}\n\n")
    lang, actions = _show(bundle, Action(lang, Kind.MENU), today(), stdout)
    for raw in stdin:
        line = raw.strip()
        if line.lower() in {"q", "quit", "exit"}:
            break
        if not line:
            continue
        stdout.write(f"> {line}\n")
        if line.isdigit() and 1 <= int(line) <= len(actions):
            action = actions[int(line) - 1]
        else:
            action = from_text(line, lang, bundle.offered)
        lang, actions = _show(bundle, action, today(), stdout)
    stdout.write("bye\n")


def _show(bundle: Bundle, action: Action, today: dt.date, out: TextIO) -> tuple[str, list[Action]]:
    """Print the answer; return its language and the Actions behind its numbers."""
    reply = respond(bundle, action, today)
    text, actions = render_console(reply)
    if reply.erase:
        text = "[erase: on Telegram the recent messages are deleted here]\n" + text
    out.write(text + "\n")
    out.flush()
    return reply.lang, actions
