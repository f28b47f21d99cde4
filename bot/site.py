"""``python -m bot site OUT/``: every screen of the conversation, in every language, as static pages.

The pages are the same Replies the bot sends (``respond()``), rendered by ``bot.render.web``: the
menu, every topic and its "more" page, hotlines, the state picker and every state's page, and the
language picker, for each offered language; ``index.html`` at the root picks a language.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from pathlib import Path

from bot.actions import Action, Kind
from bot.bundle import Bundle
from bot.card import card_text, phone_card, png
from bot.render.web import CSS, STYLESHEET, SwitcherEntry, action_path, media_path, render_page
from bot.reply import Media, Reply
from bot.respond import MENU_LABELS, respond

ROOT_INDEX = "index.html"


def seeds(bundle: Bundle, lang: str) -> list[Action]:
    """The screens of one language that a visitor must be able to reach."""
    lib = bundle.library
    out = [Action(lang, Kind.MENU), Action(lang, Kind.HOTLINES), Action(lang, Kind.STATES, "0"),
           Action(lang, Kind.LANGUAGES)]
    for tid in lib.topics:
        page = lib.page(lang, tid)
        if page is not None:
            out.append(Action(lang, Kind.TOPIC, tid))
            if page.more:
                out.append(Action(lang, Kind.MORE, tid))
    out += [Action(lang, Kind.REGION, code) for code in lib.regions]
    return out


def screens(bundle: Bundle, today: dt.date) -> dict[str, tuple[Action, Reply]]:
    """Every page of the site by path: the seeds, and every screen their buttons lead to."""
    found: dict[str, tuple[Action, Reply]] = {}
    queue = deque(a for lang in bundle.library.languages for a in seeds(bundle, lang))
    while queue:
        action = queue.popleft()
        path = action_path(action)
        if path is None or path in found:
            continue
        reply = respond(bundle, action, today)
        found[path] = (action, reply)
        queue.extend(b.action for row in reply.keyboard for b in row if b.action is not None)
    return found


def _switcher(bundle: Bundle, action: Action, pages: dict[str, tuple[Action, Reply]]) -> list[SwitcherEntry]:
    out = []
    for code, info in bundle.library.languages.items():
        path = action_path(Action(code, action.kind, action.arg))
        if path not in pages:
            path = action_path(Action(code, Kind.MENU))
        out.append(SwitcherEntry(code, info.name, info.direction, path))
    return out


def build_site(bundle: Bundle, out: Path, today: dt.date) -> list[Path]:
    """Write the site under ``out``; returns the files written."""
    pages = screens(bundle, today)
    source = bundle.library.source
    root = (Action(source, Kind.LANGUAGES), respond(bundle, Action(source, Kind.LANGUAGES), today))
    written = write_assets(bundle, [r for _, r in pages.values()], out)
    assets = {p.relative_to(out).as_posix() for p in written}
    for path, (action, reply) in [*pages.items(), (ROOT_INDEX, root)]:
        label = bundle.strings(reply.lang)(MENU_LABELS["language"])
        text = render_page(reply, path, pages=pages, languages=_switcher(bundle, action, pages),
                           switcher_label=label, assets=assets)
        written.append(_write(out / path, text))
    written.append(_write(out / STYLESHEET, CSS))
    return written


def write_assets(bundle: Bundle, replies: list[Reply], out: Path) -> list[Path]:
    """The officer card pictures and voice notes the pages show: the same files the bot sends."""
    media: set[Media] = {r.media for r in replies if r.media is not None and r.media.kind == "card"}
    media |= {Media("voice", b.action.lang, b.action.arg, "") for r in replies for row in r.keyboard
              for b in row if b.action is not None and b.action.kind is Kind.LISTEN}
    written = []
    for item in sorted(media, key=lambda m: (m.kind, m.lang, m.topic)):
        target = media_path(item)
        if target is None:
            continue
        if item.kind == "card":
            text = card_text(bundle, item.lang, item.topic)
            blob = png(phone_card(text)) if text is not None else None
        else:
            note = bundle.audio.get(item.lang, item.topic)
            blob = note.path.read_bytes() if note is not None else None
        if blob is not None:
            (out / target).parent.mkdir(parents=True, exist_ok=True)
            (out / target).write_bytes(blob)
            written.append(out / target)
    return written


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    return path
