"""The bot's commands, written once: what each means, and its line in the published menu."""

from __future__ import annotations

from dataclasses import dataclass

from bot.actions import Kind
from bot.i18n import N_


@dataclass(frozen=True)
class Command:
    """A typed command, the Action it opens, and its menu description (None: not in the menu)."""

    name: str
    kind: Kind
    arg: str = ""
    description: str | None = None


COMMANDS = (
    Command("start", Kind.MENU, description=N_("Menu: know your rights")),
    Command("menu", Kind.MENU),
    Command("help", Kind.MENU),
    Command("door", Kind.TOPIC, "at-home", N_("Agents at my door")),
    Command("hotlines", Kind.HOTLINES, description=N_("Hotlines by state")),
    Command("officer", Kind.TOPIC, "show-officer", N_("Show the officer")),
    Command("warrant", Kind.TOPIC, "warrant-check", N_("Check a warrant")),
    Command("language", Kind.LANGUAGES, description=N_("Change language")),
    Command("privacy", Kind.TOPIC, "privacy", N_("What this bot keeps: nothing")),
    Command("erase", Kind.ERASE, description=N_("Erase this chat")),
)
BY_NAME = {command.name: command for command in COMMANDS}
MENU = tuple((command.name, command.description) for command in COMMANDS if command.description)
