"""End to end: the real bot process, polling and webhook, against the fake Bot API server."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.bundle import Bundle
from tests.e2e import TOKEN, BotProcess, buttons, data_for, last_text, wait_text
from tests.fake_telegram.client import FakeTelegram

pytestmark = pytest.mark.e2e
LANGS = ["en", "es", "zh-hans", "vi", "tl", "ar", "ht", "fr", "pt-br", "ko", "ru", "uk"]


@pytest.fixture(scope="module")
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram.start(TOKEN) as server:
        yield server


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e") / "bot.log"


@pytest.fixture(scope="module")
def polling(tg: FakeTelegram, logs: Path) -> Iterator[BotProcess]:
    proc = BotProcess(tg, logs)
    proc.wait_ready(tg)
    yield proc
    proc.stop()


def menu_title(bundle: Bundle, lang: str) -> str:
    return bundle.strings(lang)("Know your rights. What is happening now?")


def test_start_then_door_in_one_tap_in_every_language(tg: FakeTelegram, polling: BotProcess,
                                                      bundle: Bundle) -> None:
    for n, lang in enumerate(LANGS):
        chat = 1000 + n
        tg.send_text(chat, "/start", language_code=lang, first_name="Ana")
        menu = wait_text(tg, chat, menu_title(bundle, lang))
        first_label, first_data = buttons(menu)[0]
        door = bundle.library.page(lang, "at-home")
        assert door is not None
        assert first_label == door.title and first_data == f"1:{lang}:t:at-home"
        tg.press(chat, menu["message_id"], first_data, language_code=lang)
        page = wait_text(tg, chat, door.title + "\n")
        assert page["message_id"] == menu["message_id"]  # the menu turned into the page
        if lang != "en":
            notice = bundle.strings(lang)("⚠️ Automatic translation, not yet checked by a person.")
            assert notice in page["text"]


def test_unknown_language_code_gets_english(tg: FakeTelegram, polling: BotProcess,
                                            bundle: Bundle) -> None:
    tg.send_text(1100, "/start", language_code="mam")
    wait_text(tg, 1100, "Know your rights. What is happening now?")
    tg.send_text(1101, "/start", language_code=None)
    wait_text(tg, 1101, "Know your rights. What is happening now?")


def test_language_switch_rides_in_the_buttons(tg: FakeTelegram, polling: BotProcess,
                                              bundle: Bundle) -> None:
    chat = 1200
    tg.send_text(chat, "/start", language_code="en")
    menu = wait_text(tg, chat, "Know your rights")
    tg.press(chat, menu["message_id"], data_for(menu, ":l"))
    picker = wait_text(tg, chat, "Choose your language")
    tg.press(chat, picker["message_id"], data_for(picker, "1:ar:m"))
    arabic = wait_text(tg, chat, menu_title(bundle, "ar"))
    assert all(data.startswith("1:ar:") for _, data in buttons(arabic))


def test_deep_links_open_language_and_page(tg: FakeTelegram, polling: BotProcess,
                                           bundle: Bundle) -> None:
    tg.send_text(1300, "/start es_at-home", language_code="en")
    door = bundle.library.page("es", "at-home")
    assert door is not None
    wait_text(tg, 1300, door.title)
    tg.send_text(1301, "/start zh-hans", language_code="en")
    wait_text(tg, 1301, menu_title(bundle, "zh-hans"))


def test_forged_button_gets_answered_and_the_menu(tg: FakeTelegram, polling: BotProcess) -> None:
    chat = 1400
    tg.send_text(chat, "/start", language_code="en")
    menu = wait_text(tg, chat, "Know your rights")
    for forged in ["1:xx:t:at-home", "9:en:t:at-home", "1:en:t:../../etc", "x" * 64, "1:en:z"]:
        pressed = tg.press(chat, menu["message_id"], forged)
        tg.wait_for(lambda p=pressed: [c for c in tg.calls("answerCallbackQuery")
                                       if c["params"].get("callback_query_id")
                                       == p["callback_query_id"] and c["status"] == 200],
                    what="the forged press answered")
    assert "Know your rights" in last_text(tg, chat)


def test_restart_between_two_taps(tg: FakeTelegram, polling: BotProcess, logs: Path,
                                  bundle: Bundle) -> None:
    chat = 1500
    tg.send_text(chat, "/start", language_code="es")
    menu = wait_text(tg, chat, menu_title(bundle, "es"))
    polling.stop()
    fresh = BotProcess(tg, logs)
    try:
        fresh.wait_ready(tg)
        tg.press(chat, menu["message_id"], data_for(menu, "1:es:t:in-public"), language_code="en")
        page = bundle.library.page("es", "in-public")
        assert page is not None
        wait_text(tg, chat, page.title)
    finally:
        fresh.stop()
    polling.proc = BotProcess(tg, logs).proc  # keep the module's bot running for later tests
    polling.handle = logs.open("ab")
    polling.wait_ready(tg)
