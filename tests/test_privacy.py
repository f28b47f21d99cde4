"""Privacy end to end: what simulated people send never lands in a log or a file.

Users whose ids, usernames, names, texts, captions, phone numbers and button data carry unique
markers go through every feature, with the bot polling and then behind its webhook, at
LOG_LEVEL=DEBUG. Afterwards no marker, and neither the token nor the webhook secret, appears in
the bot's output or in any file created or changed meanwhile under the project directory, the home
directory or the temp directory. That PTB keeps no user_data, chat_data or ids is checked in
process by tests/test_forgetful.py and, for every odd update, tests/test_bad_input.py.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.bundle import Bundle
from bot.config import ROOT
from tests.e2e import TOKEN, BotProcess, data_for
from tests.fake_telegram.client import FakeTelegram

pytestmark = pytest.mark.e2e

READ_CAP = 16 << 20  # files larger than this are read up to this many bytes
RUN = secrets.token_hex(5)
MARK = f"Qz{RUN}"  # every marker text starts with it
SENDS = ("sendMessage", "editMessageText")


def _digits(n: int) -> int:
    low = int(10 ** (n - 1))
    return low + secrets.randbelow(9 * low)


@dataclass(frozen=True)
class Person:
    """A simulated user; every identifying field carries a marker."""

    uid: int
    lang: str
    phone: str

    @property
    def names(self) -> dict[str, str]:
        return {"first_name": f"{MARK}First{self.uid}", "last_name": f"{MARK}Last",
                "username": f"{MARK}user"}

    @property
    def markers(self) -> list[str]:
        return [str(self.uid), self.phone.lstrip("+")]


def people(n: int) -> list[Person]:
    """``n`` people with distinct 10-digit ids, in English, Spanish and Arabic."""
    langs = ("en", "es", "ar")
    return [Person(_digits(10), langs[i % 3], "+1" + str(_digits(10))) for i in range(n)]


# --- files touched during the run -----------------------------------------------------------------

Snapshot = dict[str, tuple[int, int]]


def snapshot(roots: list[Path], skip: list[Path]) -> Snapshot:
    """(mtime_ns, size) of every regular file under ``roots``, not following symlinks."""
    skipped = {str(s) for s in skip}
    out: Snapshot = {}

    def walk(path: str) -> None:
        try:
            entries = list(os.scandir(path))
        except OSError:
            return
        for entry in entries:
            try:
                if entry.path in skipped:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    st = entry.stat(follow_symlinks=False)
                    out[entry.path] = (st.st_mtime_ns, st.st_size)
            except OSError:
                continue

    for root in roots:
        walk(str(root))
    return out


def touched(before: Snapshot, after: Snapshot) -> list[str]:
    """Files created or changed between the two snapshots."""
    return sorted(p for p, stat in after.items() if before.get(p) != stat)


def leaks_in(path: str, needles: list[bytes]) -> list[str]:
    """The needles found in the file's first READ_CAP bytes."""
    try:
        with open(path, "rb") as f:
            data = f.read(READ_CAP)
    except OSError:
        return []
    return [n.decode() for n in needles if n in data]


# --- the conversation -------------------------------------------------------------------------------


def replies(tg: FakeTelegram, chat: int) -> list[dict[str, Any]]:
    """The bot's successful sends and edits in ``chat``."""
    return [c for c in tg.calls() if c["method"] in SENDS and c["status"] == 200
            and str(c["params"].get("chat_id")) == str(chat)]


def answered(tg: FakeTelegram, chat: int, act: Callable[[], object]) -> dict[str, Any]:
    """Do ``act`` and wait for the bot's next send or edit in ``chat``; return that message."""
    before = len(replies(tg, chat))
    act()
    call = tg.wait_for(lambda: replies(tg, chat)[before:], 15, chat_id=chat,
                       what=f"a reply in chat {chat}")[-1]
    mid = call["params"].get("message_id")
    mine = tg.bot_messages(chat)
    found = [m for m in mine if mid is not None and str(m["message_id"]) == str(mid)]
    return found[-1] if found else mine[-1]


def converse(tg: FakeTelegram, p: Person, bundle: Bundle, group: int) -> None:
    """One person through every feature, each step waited for."""
    chat, lang, names = p.uid, p.lang, p.names

    def say(text: str, **fields: Any) -> dict[str, Any]:
        return answered(tg, chat, lambda: tg.send_text(chat, text, language_code=lang,
                                                       **names, **fields))

    def tap(message: dict[str, Any], needle: str) -> dict[str, Any]:
        data = data_for(message, needle)
        return answered(tg, chat, lambda: tg.press(chat, message["message_id"], data,
                                                   language_code=lang, **names))

    menu = say(f"/start {MARK}payload")
    assert bundle.strings(lang)("Know your rights. What is happening now?") in menu["text"]
    page = tap(menu, ":t:at-home")
    more = tap(page, ":x:at-home")
    picker = tap(more, f"1:{lang}:l")
    spanish = tap(picker, "1:es:m")
    hotlines = tap(spanish, "1:es:h")
    states = tap(hotlines, ":s:0")
    assert "ICIRR" in tap(states, ":r:IL")["text"]
    assert "I will remain silent." in say("/officer")["text"]
    tg.wait_for(lambda: [c for c in tg.calls() if c["method"] == "sendPhoto"
                         and str(c["params"].get("chat_id")) == str(chat)], 15, chat_id=chat,
                what="the officer card picture")  # sent after the text: wait before the next step
    tap(say("/warrant"), ":t:")
    say("/privacy")
    say("/door")
    say("/hotlines")
    say("/language")
    say(f"polisia en mi puerta {MARK}search")
    say(f"Illinois {MARK}state")
    say(f"{MARK}hello?")
    note = "I can only read text messages"
    for kind in ("sticker", "photo", "voice", "location", "document"):
        assert bundle.strings(lang)(note + ". Here is the menu.") in say(
            f"{MARK}caption", kind=kind)["text"]
    say("", kind="contact", phone_number=p.phone)
    typed: dict[str, Any] = {}
    answered(tg, chat, lambda: typed.update(tg.send_text(chat, f"{MARK}typo",
                                                         language_code=lang, **names)))
    say(f"{MARK}edited", edited=True, message_id=typed["message_id"])
    answered(tg, chat, lambda: tg.press(chat, menu["message_id"], f"{MARK}forged",
                                        language_code=lang, **names))
    before = len(replies(tg, group))
    tg.send(chat, chat_id=group, chat_type="group", title=f"{MARK}group",
            text=f"{MARK}group chatter", language_code=lang, **names)
    answered(tg, group, lambda: tg.send(chat, chat_id=group, chat_type="group",
                                        title=f"{MARK}group", text="/start@kyr_test_bot",
                                        language_code=lang, **names))
    assert len(replies(tg, group)) == before + 1  # the chatter got no answer
    erased = len([c for c in tg.calls("deleteMessages")
                  if str(c["params"].get("chat_id")) == str(chat)])
    say("/erase")
    tg.wait_for(lambda: len([c for c in tg.calls("deleteMessages")
                             if str(c["params"].get("chat_id")) == str(chat)]) > erased,
                what="the chat erased")


# --- the test ---------------------------------------------------------------------------------------


@pytest.fixture
def roots() -> list[Path]:
    """Where a careless bot could leave things."""
    found = [ROOT, Path.home(), Path(tempfile.gettempdir())]
    return [r.resolve() for r in found if r.exists()]


@pytest.fixture
def watched(tmp_path_factory: pytest.TempPathFactory, roots: list[Path]) -> Iterator[
        Callable[[], list[str]]]:
    """Snapshot before; the returned callable lists the files touched since."""
    skip = [tmp_path_factory.getbasetemp().resolve(), ROOT / ".pytest_cache"]
    before = snapshot(roots, skip)
    assert len(before) > 100, roots
    yield lambda: touched(before, snapshot(roots, skip))


def test_no_trace_of_anyone_in_logs_or_files(tmp_path: Path, bundle: Bundle,
                                             watched: Callable[[], list[str]]) -> None:
    crowd = people(4)
    group = -(10**12) - _digits(9)
    log = tmp_path / "bot.log"
    with FakeTelegram.start(TOKEN) as tg:
        polling = BotProcess(tg, log)
        try:
            polling.wait_ready(tg)
            for person in crowd[:2]:
                converse(tg, person, bundle, group)
        finally:
            polling.stop()
        hook = BotProcess(tg, log, webhook=True)
        try:
            with log.open("ab") as out:  # set-webhook's own output is log output too
                subprocess.run([sys.executable, "-m", "bot", "set-webhook"], cwd=ROOT,
                               env=hook.env, stdout=out, stderr=subprocess.STDOUT, check=True,
                               timeout=60)
            hook.wait_ready(tg, webhook=True)
            for person in crowd[2:]:
                converse(tg, person, bundle, group)
            assert {d["update_id"] for d in tg.deliveries()}, "nothing went through the webhook"
        finally:
            hook.stop()
            tg.request("POST", "/bot" + TOKEN + "/deleteWebhook", {})
        secret = hook.secret
    assert hook.proc.poll() is not None  # stopped: everything it wrote is written
    text = log.read_bytes()
    assert b"polling started" in text and b"webhook server on" in text, text[-2000:]
    markers = [MARK, TOKEN, TOKEN.split(":")[1], secret, str(-group)]
    markers += [m for p in crowd for m in p.markers]
    needles = [m.encode() for m in markers]
    in_log = [m.decode() for m in needles if m in text]
    assert in_log == [], f"leaked into the bot's output: {in_log}"
    files = watched()
    leaked = {path: found for path in files if (found := leaks_in(path, needles))}
    assert leaked == {}, f"markers in files written during the run: {leaked}"
