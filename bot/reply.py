"""Reply: what the bot answers, channel-neutral (blocks of text and rows of buttons)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.actions import Action
from bot.markup import Block


@dataclass(frozen=True)
class Button:
    """A button that triggers an Action, opens a URL, or shares: ``share`` is the search that
    finds the page for posting into another chat (Telegram's inline mode; other channels leave
    the button out)."""

    label: str
    action: Action | None = None
    url: str | None = None
    share: str | None = None


@dataclass(frozen=True)
class Media:
    """A picture or voice note sent after the text: ``card`` (the officer card) or ``voice``.

    Adapters load it by ``lang`` and ``topic`` from the content; ``caption`` is already translated.
    """

    kind: str
    lang: str
    topic: str
    caption: str


@dataclass(frozen=True)
class Reply:
    """An answer in one language.

    ``erase`` asks the adapter to delete the chat's recent messages before sending;
    ``ephemeral`` asks it to delete this reply after a short while; ``media`` is sent after
    the text (a Reply with no blocks is the media alone).
    """

    lang: str
    direction: str
    blocks: tuple[Block, ...]
    keyboard: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)
    erase: bool = False
    ephemeral: bool = False
    media: Media | None = None
