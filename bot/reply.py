"""Reply: what the bot answers, channel-neutral (blocks of text and rows of buttons)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.actions import Action
from bot.markup import Block


@dataclass(frozen=True)
class Button:
    """A button that triggers an Action, or opens a URL."""

    label: str
    action: Action | None = None
    url: str | None = None


@dataclass(frozen=True)
class Reply:
    """An answer in one language.

    ``erase`` asks the adapter to delete the chat's recent messages before sending;
    ``ephemeral`` asks it to delete this reply after a short while.
    """

    lang: str
    direction: str
    blocks: tuple[Block, ...]
    keyboard: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)
    erase: bool = False
    ephemeral: bool = False
