"""Checks beyond the schema: rendered sizes, keyboards, and the gettext catalogs."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.actions import Action, Kind, encode
from bot.audio import load_audio
from bot.bundle import Bundle
from bot.content.library import Library
from bot.content.yamlfile import Problem
from bot.i18n import catalog_path, template_path
from bot.render.telegram import MAX_BUTTONS, MAX_PER_ROW, MAX_TEXT, render, utf16_len
from bot.respond import respond

_PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def check_rendering(bundle: Bundle, today: dt.date) -> list[Problem]:
    """Every page and every screen in every language renders within Telegram's limits."""
    problems: list[Problem] = []
    lib = bundle.library
    for lang in lib.languages:
        actions = [Action(lang, Kind.MENU), Action(lang, Kind.HOTLINES),
                   Action(lang, Kind.LANGUAGES), Action(lang, Kind.ERASE)]
        actions += [Action(lang, Kind.STATES, str(n)) for n in range(3)]
        actions += [Action(lang, Kind.REGION, code) for code in lib.regions]
        for tid in lib.topics:
            actions += [Action(lang, k, tid) for k in (Kind.TOPIC, Kind.MORE, Kind.SOURCES)]
        for action in actions:
            problems += _check_action(bundle, action, today)
    return problems


def _check_action(bundle: Bundle, action: Action, today: dt.date) -> list[Problem]:
    where = _where(bundle.library, action)
    reply = respond(bundle, action, today)
    out = []
    for msg in render(reply):
        if msg.length > MAX_TEXT:
            out.append(Problem(where, 1, f"a message is {msg.length} characters, over {MAX_TEXT}",
                               "shorten the text or split it into paragraphs"))
    for block in reply.blocks:
        if utf16_len(block.text) > MAX_TEXT:
            out.append(Problem(where, 1, "one paragraph is longer than a Telegram message",
                               "split it with blank lines"))
    buttons = [b for row in reply.keyboard for b in row]
    if len(buttons) > MAX_BUTTONS or any(len(row) > MAX_PER_ROW for row in reply.keyboard):
        out.append(Problem(where, 1, "too many buttons", "fewer related topics or choices"))
    for b in buttons:
        if b.action is not None:
            try:
                encode(b.action)
            except ValueError as exc:
                out.append(Problem(where, 1, str(exc), "shorten the topic id"))
    return out


def _where(lib: Library, action: Action) -> str:
    if action.kind in (Kind.TOPIC, Kind.MORE, Kind.SOURCES) and action.arg:
        if action.lang == lib.source:
            return f"content/topics/{action.arg}.yaml"
        return f"content/translations/{action.lang}/topics/{action.arg}.yaml"
    return f"({action.lang} {action.kind.name.lower()} screen)"


def check_audio(content: Path, lib: Library) -> list[Problem]:
    """Voice notes: OGG/Opus, under 90 s, indexed, and made from the current text."""
    return load_audio(content, lib)[1]


def extract_template(root: Path) -> Catalog:
    """The catalog template as extraction from bot/ gives it now."""
    template = Catalog(project="kyr-bot", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(root / "bot"), method_map=[("**.py", "python")],
            keywords={"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}):
        template.add(message, None, [(f"bot/{filename}", lineno)], auto_comments=comments,
                     context=context)
    return template


def check_catalogs(root: Path, locales: Path, lib: Library) -> list[Problem]:
    """Catalogs exist, are current with the code, complete, and keep every placeholder."""
    problems: list[Problem] = []
    wanted = {m.id for m in extract_template(root) if m.id}
    pot = template_path(locales)
    if pot.is_file():
        with pot.open("rb") as fh:
            have = {m.id for m in read_po(fh) if m.id}
        if have != wanted:
            problems.append(Problem(str(pot), 1, "the template is stale: the code's strings changed",
                                    "run: make i18n, then translate the new entries"))
    else:
        problems.append(Problem(str(pot), 1, "template missing", "run: make i18n"))
    for code, info in lib.languages.items():
        if code == lib.source:
            continue
        po = catalog_path(locales, info.catalog_dir)
        if not po.is_file():
            problems.append(Problem(str(po), 1, f"no catalog for {code}", "run: make i18n"))
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=info.catalog_dir)
        for msg in catalog:
            if not msg.id:
                continue
            msgid = msg.id if isinstance(msg.id, str) else msg.id[0]
            line = msg.lineno or 1
            if msgid not in wanted:
                continue
            text = msg.string if isinstance(msg.string, str) else (msg.string[0] if msg.string else "")
            if not text or msg.fuzzy:
                problems.append(Problem(str(po), line, f"untranslated: {msgid[:50]!r}",
                                        "translate it (and clear the fuzzy flag)", "warning"))
                continue
            if sorted(_PLACEHOLDER.findall(msgid)) != sorted(_PLACEHOLDER.findall(text)):
                problems.append(Problem(str(po), line,
                                        f"placeholders differ from the English: {msgid[:50]!r}",
                                        "keep every {name} exactly as in the msgid"))
        missing = wanted - {m.id for m in catalog if m.id}
        if missing:
            problems.append(Problem(str(po), 1, f"{len(missing)} strings missing from the catalog",
                                    "run: make i18n"))
    return problems
