"""Telegram rendering: escaping, splitting within 4096 UTF-16 units, keyboards within limits."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.actions import Action, Kind
from bot.bundle import Bundle
from bot.markup import Block, Span, parse, plain
from bot.render.telegram import MAX_TEXT, render, split_blocks, utf16_len
from bot.reply import Button, Reply
from bot.respond import respond
from tests.conftest import TODAY

HOSTILE = [
    "<script>alert(1)</script>",
    '</b><a href="javascript:x">',
    "&amp; &lt;",
    "<<>>&&",
    "\"quoted\" 'single'",
    "<tg-spoiler>",
    "\u202eevil\u202c",
    "a\u200bb",
    "🇺🇸👨‍👩‍👧",
]
TAG = re.compile(r"</?(b|i|a)( href=\"[^\"]*\")?>")


def strip_tags(text: str) -> str:
    return html.unescape(TAG.sub("", text))


def test_hostile_content_is_escaped() -> None:
    for evil in HOSTILE:
        [(out, length)] = split_blocks([Block((Span(evil, bold=True),))])
        assert out.startswith("<b>") and out.endswith("</b>")
        inner = out[3:-4]
        assert "<" not in inner and ">" not in inner
        assert html.unescape(inner) == evil
        assert length == utf16_len(evil)


def test_link_href_cannot_break_out() -> None:
    [(out, _)] = split_blocks(parse('[x](https://e.org/"><b>)'))
    assert '"><b>' not in out


def test_long_page_splits_at_paragraphs() -> None:
    paras = [plain(f"Paragraph {n}. " + "word " * 150) for n in range(12)]
    chunks = split_blocks(paras)
    assert len(chunks) > 1
    for text, length in chunks:
        assert length <= MAX_TEXT
        assert utf16_len(strip_tags(text)) == length
        assert strip_tags(text).startswith("Paragraph")


def test_one_huge_paragraph_is_cut_below_the_limit() -> None:
    chunks = split_blocks([plain("😀" * 3000)])  # each emoji is two UTF-16 units
    assert len(chunks) == 2
    assert all(n <= MAX_TEXT for _, n in chunks)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=3000), min_size=0, max_size=8), st.booleans())
def test_split_property(texts: list[str], bullet: bool) -> None:
    blocks = [Block((Span(t, bold=bullet),), bullet=bullet) for t in texts if t]
    chunks = split_blocks(blocks)
    for out, length in chunks:
        assert length <= MAX_TEXT
        assert utf16_len(strip_tags(out)) == length
    joined = "".join(strip_tags(out) for out, _ in chunks)
    for t in texts:
        assert t.replace(" ", "")[:20] in joined.replace(" ", "").replace("•", "")


def _all_actions(b: Bundle) -> list[Action]:
    lib = b.library
    out = []
    for lang in lib.languages:
        out += [Action(lang, k) for k in (Kind.MENU, Kind.HOTLINES, Kind.LANGUAGES, Kind.ERASE)]
        out += [Action(lang, Kind.STATES, str(n)) for n in range(3)]
        out += [Action(lang, Kind.REGION, c) for c in lib.regions]
        out += [Action(lang, k, t) for t in lib.topics for k in (Kind.TOPIC, Kind.MORE)]
    return out


def test_every_screen_in_every_language_fits(bundle: Bundle) -> None:
    for action in _all_actions(bundle):
        messages = render(respond(bundle, action, TODAY))
        assert messages, action
        for msg in messages:
            assert msg.length <= MAX_TEXT, action
        markup = messages[-1].keyboard
        assert markup is not None, action
        buttons = [b for row in markup.inline_keyboard for b in row]
        assert 0 < len(buttons) <= 100, action
        assert all(len(row) <= 8 for row in markup.inline_keyboard), action
        for b in buttons:
            if b.switch_inline_query is not None:  # Share: the page's title, to search inline
                assert 1 <= len(b.switch_inline_query) <= 256, action
                continue
            assert b.callback_data is not None
            assert 1 <= len(str(b.callback_data).encode()) <= 64, (action, b.callback_data)


def test_keyboard_is_capped_at_telegram_limits() -> None:
    row = tuple(Button(str(n), Action("en", Kind.MENU)) for n in range(12))
    reply = Reply("en", "ltr", (plain("x"),), (row,) * 13)
    markup = render(reply)[-1].keyboard
    assert markup is not None
    assert all(len(r) <= 8 for r in markup.inline_keyboard)
    assert sum(len(r) for r in markup.inline_keyboard) == 100
