"""End to end: the officer card as a picture and the voice notes, uploaded once, then reused."""

from __future__ import annotations

import json
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.bundle import Bundle
from bot.config import ROOT
from tests.e2e import TOKEN, BotProcess, data_for, wait_text
from tests.fake_telegram.client import FakeTelegram

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram.start(TOKEN) as server:
        yield server


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped content, so one test can change it and reload."""
    dest = tmp_path_factory.mktemp("media") / "content"
    shutil.copytree(ROOT / "content", dest)
    return dest


@pytest.fixture(scope="module")
def bot(tg: FakeTelegram, content: Path,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    proc = BotProcess(tg, tmp_path_factory.mktemp("media-log") / "bot.log",
                      extra_env={"CONTENT_DIR": str(content)})
    proc.wait_ready(tg)
    yield proc
    proc.stop()


def media_calls(tg: FakeTelegram, method: str, chat: int) -> list[dict[str, Any]]:
    return [c for c in tg.calls(method) if str(c["params"].get("chat_id")) == str(chat)]


def wait_media(tg: FakeTelegram, chat: int, kind: str) -> dict[str, Any]:
    def found() -> dict[str, Any] | None:
        return next((m["message"] for m in tg.bot_messages(chat) if kind in m["message"]), None)
    return tg.wait_for(found, 15, chat_id=chat, what=f"a {kind} in chat {chat}")


def test_officer_card_is_a_picture_uploaded_once_then_reused(tg: FakeTelegram, bot: BotProcess,
                                                             bundle: Bundle) -> None:
    _ = bundle.strings("es")
    caption = _("Save this picture to your photos, so you can show it without internet.")
    assert caption != "Save this picture to your photos, so you can show it without internet."
    page = bundle.library.page("es", "show-officer")
    assert page is not None
    tg.send_text(501, "/officer", language_code="es")
    wait_text(tg, 501, page.title)  # the text answer stays, for people who cannot load images
    photo = wait_media(tg, 501, "photo")
    assert photo["caption"] == caption
    biggest = max(photo["photo"], key=lambda s: s["width"])
    assert (biggest["width"], biggest["height"]) == (1080, 1920)  # portrait, a phone screen
    first = media_calls(tg, "sendPhoto", 501)
    assert len(first) == 1 and first[0]["content_type"] == "multipart/form-data"
    assert first[0]["params"]["photo"]["size"] > 10_000  # the PNG itself went up
    # Someone else, in the same language, pressing the menu button: no new upload.
    tg.send_text(502, "/start", language_code="es")
    menu = wait_text(tg, 502, _("Know your rights. What is happening now?"))
    tg.press(502, menu["message_id"], "1:es:t:show-officer", language_code="es")
    again = wait_media(tg, 502, "photo")
    second = media_calls(tg, "sendPhoto", 502)
    assert len(second) == 1 and second[0]["content_type"] != "multipart/form-data"
    assert second[0]["params"]["photo"] == biggest["file_id"]
    assert again["caption"] == caption
    # Another language is another picture.
    tg.send_text(503, "/officer", language_code="en")
    wait_media(tg, 503, "photo")
    assert media_calls(tg, "sendPhoto", 503)[0]["content_type"] == "multipart/form-data"


def test_voice_note_of_the_door_page_is_sent_then_reused(tg: FakeTelegram, bot: BotProcess,
                                                        bundle: Bundle) -> None:
    _ = bundle.strings("es")
    tg.send_text(511, "/door", language_code="es")
    door = bundle.library.page("es", "at-home")
    assert door is not None
    page = wait_text(tg, 511, door.title)
    listen = data_for(page, ":v:at-home")
    assert listen == "1:es:v:at-home"
    assert any(label == _("🔊 Listen") for label, _d in
               [(b["text"], b.get("callback_data")) for row in page["reply_markup"]["inline_keyboard"]
                for b in row])
    tg.press(511, page["message_id"], listen, language_code="es")
    voice = wait_media(tg, 511, "voice")
    assert voice["voice"]["mime_type"] == "audio/ogg"
    assert 10 <= voice["voice"]["duration"] < 90
    assert door.title in voice["caption"]
    assert _("Machine voice: a computer reads this page.") in voice["caption"]
    first = media_calls(tg, "sendVoice", 511)
    assert len(first) == 1 and first[0]["content_type"] == "multipart/form-data"
    shown = tg.bot_messages(511)  # the page stays as it was, the note comes under it
    assert [m["message_id"] for m in shown] == [page["message_id"], shown[-1]["message_id"]]
    assert not shown[0]["edited"] and "voice" in shown[-1]["message"]
    tg.send_text(512, "/door", language_code="es")
    other = wait_text(tg, 512, door.title)
    tg.press(512, other["message_id"], listen, language_code="es")
    wait_media(tg, 512, "voice")
    second = media_calls(tg, "sendVoice", 512)
    assert len(second) == 1 and second[0]["content_type"] != "multipart/form-data"
    assert second[0]["params"]["voice"] == voice["voice"]["file_id"]


def test_new_content_makes_a_new_picture_after_sighup(tg: FakeTelegram, bot: BotProcess,
                                                      content: Path) -> None:
    tg.send_text(521, "/officer", language_code="es")
    before = wait_media(tg, 521, "photo")
    path = content / "translations" / "es" / "topics" / "show-officer.yaml"
    text = path.read_text(encoding="utf-8")
    assert "Quiero hablar con un abogado." in text
    path.write_text(text.replace("Quiero hablar con un abogado.",
                                 "Quiero hablar con un abogado ahora."), encoding="utf-8")
    bot.proc.send_signal(signal.SIGHUP)
    tg.wait_for(lambda: bot.log.read_text().count("content reloaded") >= 1, what="reload")
    tg.send_text(522, "/officer", language_code="es")
    after = wait_media(tg, 522, "photo")
    call = media_calls(tg, "sendPhoto", 522)[0]
    assert call["content_type"] == "multipart/form-data"  # a new picture, uploaded
    assert max(after["photo"], key=lambda s: s["width"])["file_id"] != max(
        before["photo"], key=lambda s: s["width"])["file_id"]
    log = bot.log.read_text(errors="replace")
    assert "Quiero hablar" not in log and TOKEN not in log
    json.dumps(call)  # recorded calls hold no file bytes
