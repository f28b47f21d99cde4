"""Reply → Telegram HTML messages within Telegram's limits, and inline keyboards."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.actions import encode
from bot.markup import Block, Span
from bot.reply import Reply

MAX_TEXT = 4096  # Telegram counts the text after entity parsing; we count UTF-16 units
MAX_BUTTONS = 100
MAX_PER_ROW = 8
MAX_SHARE = 256  # an inline query's text


class WireKeyboard(InlineKeyboardMarkup):
    """An inline keyboard that serializes once: rendered pages are reused for every person."""

    __slots__ = ("_wire",)

    def __init__(self, rows: Sequence[Sequence[InlineKeyboardButton]]) -> None:
        super().__init__(rows)
        with self._unfrozen():
            self._wire = super().to_dict()

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        """The cached wire form. PTB only serializes it; nothing may modify it."""
        return self._wire


@dataclass(frozen=True)
class RenderedMessage:
    """One message to send: HTML text, plain length in UTF-16 units, and optional keyboard."""

    html: str
    length: int
    keyboard: InlineKeyboardMarkup | None = None


def utf16_len(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def span_html(span: Span) -> str:
    """One span as Telegram HTML; every character of content is escaped."""
    out = html.escape(span.text, quote=False)
    if span.href:
        out = f'<a href="{html.escape(span.href, quote=True)}">{out}</a>'
    if span.italic:
        out = f"<i>{out}</i>"
    if span.bold:
        out = f"<b>{out}</b>"
    return out


def _block_parts(block: Block) -> tuple[str, str]:
    prefix = "• " if block.bullet else ""
    text = prefix + "".join(s.text for s in block.spans)
    return prefix + "".join(span_html(s) for s in block.spans), text


def _separator(prev: Block, block: Block) -> str:
    return "\n" if prev.bullet and block.bullet else "\n\n"


def split_blocks(blocks: Sequence[Block], limit: int = MAX_TEXT) -> list[tuple[str, int]]:
    """Pack blocks into messages of at most ``limit`` UTF-16 units, breaking between blocks.

    A block longer than the limit on its own is cut at spaces (or anywhere, as a last resort)
    and sent as plain text.
    """
    chunks: list[tuple[str, int]] = []
    cur_html: list[str] = []
    cur_len = 0
    prev: Block | None = None
    for block in blocks:
        b_html, b_text = _block_parts(block)
        b_len = utf16_len(b_text)
        if b_len > limit:
            if cur_html:
                chunks.append(("".join(cur_html), cur_len))
                cur_html, cur_len, prev = [], 0, None
            chunks += [(html.escape(p, quote=False), utf16_len(p)) for p in _cut(b_text, limit)]
            continue
        sep = _separator(prev, block) if prev is not None else ""
        if cur_html and cur_len + len(sep) + b_len > limit:
            chunks.append(("".join(cur_html), cur_len))
            cur_html, cur_len, sep = [], 0, ""
        cur_html += [sep, b_html]
        cur_len += len(sep) + b_len
        prev = block
    if cur_html:
        chunks.append(("".join(cur_html), cur_len))
    return chunks


def _cut(text: str, limit: int) -> list[str]:
    parts: list[str] = []
    while utf16_len(text) > limit:
        end = limit
        while utf16_len(text[:end]) > limit:
            end -= 1
        space = text.rfind(" ", 0, end)
        cut = space if space > limit // 2 else end
        parts.append(text[:cut])
        text = text[cut:].lstrip(" ")
    if text:
        parts.append(text)
    return parts


def keyboard(reply: Reply, reused: bool = False) -> InlineKeyboardMarkup | None:
    """The Reply's buttons as an inline keyboard, kept within Telegram's limits.

    ``reused`` pre-serializes it, worth it only for answers sent many times.
    """
    rows: list[list[InlineKeyboardButton]] = []
    count = 0
    for row in reply.keyboard:
        out: list[InlineKeyboardButton] = []
        for button in row[:MAX_PER_ROW]:
            if count >= MAX_BUTTONS:
                break
            if button.url:
                out.append(InlineKeyboardButton(button.label, url=button.url))
            elif button.share is not None:  # pick a chat; "@bot <share>" is typed there
                out.append(InlineKeyboardButton(button.label,
                                                switch_inline_query=button.share[:MAX_SHARE]))
            elif button.action:
                out.append(InlineKeyboardButton(button.label,
                                                callback_data=encode(button.action)))
            else:
                continue
            count += 1
        if out:
            rows.append(out)
    if not rows:
        return None
    return WireKeyboard(rows) if reused else InlineKeyboardMarkup(rows)


def render(reply: Reply, reused: bool = False) -> list[RenderedMessage]:
    """The messages to send for a Reply; the keyboard goes on the last one.

    A Reply that is only media (a voice note) has no text message.
    """
    if not reply.blocks and reply.media is not None:
        return []
    chunks = split_blocks(reply.blocks) or [(html.escape("…"), 1)]
    markup = keyboard(reply, reused)
    last = len(chunks) - 1
    return [RenderedMessage(h, n, markup if i == last else None) for i, (h, n) in enumerate(chunks)]
