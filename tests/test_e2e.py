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
from bot.config import ROOT
from tests.e2e import (
    TOKEN,
    BotProcess,
    buttons,
    data_for,
    last_text,
    sends,
    wait_handled,
    wait_text,
)
from tests.fake_telegram.client import FakeTelegram

pytestmark = pytest.mark.e2e


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
    for n, lang in enumerate(bundle.library.languages):
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


def test_localized_commands_published_at_start(tg: FakeTelegram, polling: BotProcess,
                                               bundle: Bundle) -> None:
    calls = tg.calls("setMyCommands")
    by_lang = {c["params"].get("language_code", ""): json.loads(c["params"]["commands"])
               for c in calls if c["status"] == 200}
    assert set(by_lang) >= {"", "es", "ar", "zh", "pt", "uk"}
    spanish = {c["command"]: c["description"] for c in by_lang["es"]}
    assert spanish["erase"] == bundle.strings("es")("Erase this chat") != "Erase this chat"
    assert [c["command"] for c in by_lang[""]][:2] == ["start", "door"]
    described = {c["params"].get("language_code", "") for c in tg.calls("setMyDescription")
                 if c["status"] == 200}
    assert described >= {"", "es", "ar"}


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
    tg.press(chat, menu["message_id"], data_for(menu, "1:en:l"))
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


def test_same_button_twice_is_not_an_error(tg: FakeTelegram, polling: BotProcess) -> None:
    chat = 1450
    tg.send_text(chat, "/start", language_code="en")
    menu = wait_text(tg, chat, "Know your rights")
    for _ in range(2):
        tg.press(chat, menu["message_id"], "1:en:t:in-car")
        wait_text(tg, chat, "Stopped in a car")
    tg.wait_for(lambda: [c for c in tg.calls("editMessageText")
                         if int(c["params"]["chat_id"]) == chat and c["status"] == 400
                         and "not modified" in (c["description"] or "")],
                what="Telegram's 'message is not modified' answer")
    assert len(tg.bot_messages(chat)) == 1  # no duplicate page was sent instead


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
    restarted = BotProcess(tg, logs)  # keep a bot running for the tests that follow
    polling.proc, polling.handle = restarted.proc, restarted.handle
    polling.wait_ready(tg)


def test_search_finds_the_door_page_in_spanish_despite_typos(
        tg: FakeTelegram, polling: BotProcess, bundle: Bundle) -> None:
    chat = 1600
    tg.send_text(chat, "polisia en mi puerta", language_code="en")
    answer = wait_text(tg, chat, bundle.strings("es")("Is it one of these?"))
    datas = [d for _, d in buttons(answer)]
    assert "1:es:t:at-home" in datas[:3]


def test_arabic_query_answers_in_arabic(tg: FakeTelegram, polling: BotProcess,
                                        bundle: Bundle) -> None:
    chat = 1601
    tg.send_text(chat, "الشرطة عند الباب", language_code="en")  # "police at the door": opens it
    door = bundle.library.page("ar", "at-home")
    assert door is not None
    answer = wait_text(tg, chat, door.title + "\n")
    assert all(d.startswith("1:ar:") for _, d in buttons(answer) if d)  # "" is Share


def test_greeting_opens_the_menu_in_its_language(tg: FakeTelegram, polling: BotProcess,
                                                  bundle: Bundle) -> None:
    tg.send_text(1602, "Hola!", language_code="en")
    wait_text(tg, 1602, menu_title(bundle, "es"))


def test_illinois_user_finds_the_state_line(tg: FakeTelegram, polling: BotProcess) -> None:
    chat = 1700
    tg.send_text(chat, "Illinois", language_code="en")
    wait_text(tg, chat, "+1 855-435-7693")
    chat += 1
    tg.send_text(chat, "/hotlines", language_code="en")
    national = wait_text(tg, chat, "National hotlines")
    tg.press(chat, national["message_id"], data_for(national, ":s:0"))
    picker = wait_text(tg, chat, "Choose your state or territory (1 of 3)")
    tg.press(chat, picker["message_id"], data_for(picker, ":r:IL"))
    assert "ICIRR" in wait_text(tg, chat, "Hotlines for Illinois")["text"]


def test_officer_card_holds_english_and_the_users_language(
        tg: FakeTelegram, polling: BotProcess, bundle: Bundle) -> None:
    chat = 1800
    tg.send_text(chat, "/officer", language_code="es")
    card = wait_text(tg, chat, "I will remain silent.")
    page = bundle.library.page("es", "show-officer")
    assert page is not None and page.officer
    assert page.officer[0].text in card["text"]
    assert card["text"].index("I will remain silent.") < card["text"].index(page.officer[0].text)


def test_warrant_flow_ends_in_the_right_advice(tg: FakeTelegram, polling: BotProcess,
                                               bundle: Bundle) -> None:
    chat = 1900
    for choices, result in (((0, 0), "warrant-judge"), ((0, 0, 0), "warrant-ice"),
                            ((0, 1), "warrant-unsure"), ((1,), "warrant-ice")):
        tg.send_text(chat, "/warrant", language_code="en")
        step = wait_text(tg, chat, "Look at the top of the paper")
        topic = "warrant-check"
        for choice in choices:
            page = bundle.library.page("en", topic)
            assert page is not None
            topic = page.choices[choice][1]
            tg.press(chat, step["message_id"], f"1:en:t:{topic}")
            title = bundle.library.page("en", topic)
            assert title is not None
            step = wait_text(tg, chat, title.title + "\n")
        assert topic == result


def test_erase_deletes_the_users_earlier_messages(tg: FakeTelegram, polling: BotProcess) -> None:
    chat = 2000
    sent = [tg.send_text(chat, "/start")["message_id"] for _ in range(3)]
    tg.wait_for_bot_messages(chat, 3)
    erase = tg.send_text(chat, "/erase")["message_id"]
    tg.wait_for(lambda: [c for c in tg.calls("deleteMessages")
                         if int(c["params"]["chat_id"]) == chat], what="deleteMessages")
    deleted: set[int] = set()
    for call in tg.calls("deleteMessages"):
        if int(call["params"]["chat_id"]) == chat:
            ids = call["params"]["message_ids"]
            deleted |= set(json.loads(ids) if isinstance(ids, str) else ids)
    assert set(sent) | {erase} <= deleted
    assert all(len(json.loads(c["params"]["message_ids"]) if isinstance(
        c["params"]["message_ids"], str) else c["params"]["message_ids"]) <= 100
        for c in tg.calls("deleteMessages"))
    remaining = tg.chat(chat)
    assert [m for m in remaining if not m["from_bot"]] == []
    note = remaining[-1]["text"]
    assert "48 hours" in note
    tg.wait_for(lambda: tg.chat(chat) == [], timeout=10, what="the note disappears")


def test_groups_get_a_pointer_to_a_private_chat(tg: FakeTelegram, polling: BotProcess) -> None:
    group = -5000
    tg.send(77, chat_id=group, chat_type="group", text="/start@kyr_test_bot", language_code="es")
    pointer = tg.wait_for(lambda: tg.bot_messages(group), what="group pointer")[-1]
    [(_, url)] = buttons(pointer)
    assert url == "https://t.me/kyr_test_bot?start=es"
    tg.send(77, chat_id=group, chat_type="group", text="where is the door page?")
    tg.send(77, chat_id=group, chat_type="group", text="/start@other_bot")
    wait_handled(tg, group)
    assert len(tg.bot_messages(group)) == 1


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "location", "contact"])
def test_media_gets_a_note_and_the_menu(tg: FakeTelegram, polling: BotProcess, kind: str) -> None:
    chat = 2100 + len(kind)
    tg.send(chat, kind=kind, language_code="en")
    note = wait_text(tg, chat, "I can only read text messages")
    assert "Know your rights" in note["text"]


def test_one_users_failures_do_not_stall_others(tg: FakeTelegram, polling: BotProcess) -> None:
    tg.block(2200)
    tg.send_text(2200, "/start")
    tg.fault("sendMessage", 429, retry_after=1, chat_id=2201, times=1)
    tg.send_text(2201, "/start")
    tg.fault("sendMessage", 502, chat_id=2202, times=3)
    tg.send_text(2202, "/start")
    tg.send_text(2203, "/start")
    wait_text(tg, 2203, "Know your rights")
    wait_text(tg, 2201, "Know your rights")  # retried after retry_after
    tg.send_text(2204, "/start")
    wait_text(tg, 2204, "Know your rights")
    tg.fault("sendMessage", "timeout", chat_id=2205, times=1, delay=8)
    tg.send_text(2205, "/start")
    tg.wait_for(lambda: sends(tg, 2205), what="the slow send under way")
    started = time.monotonic()
    tg.send_text(2206, "/start")
    wait_text(tg, 2206, "Know your rights", timeout=5)
    assert time.monotonic() - started < 4, "a slow chat held up another one"
    assert polling.proc.poll() is None


def _offered() -> list[str]:
    import yaml

    data = yaml.safe_load((ROOT / "content" / "languages.yaml").read_text(encoding="utf-8"))
    return [str(lang["code"]) for lang in data["languages"]]


def _ids(call: dict[str, object]) -> list[int]:
    raw = call["params"]["message_ids"]  # type: ignore[index]
    return [int(i) for i in (json.loads(raw) if isinstance(raw, str) else raw)]


@pytest.mark.parametrize("lang", _offered())
def test_crisis_features_in_every_language(tg: FakeTelegram, polling: BotProcess,
                                           bundle: Bundle, lang: str) -> None:
    """Officer card, warrant check, search, state lines, privacy and erase, in ``lang``."""
    _ = bundle.strings(lang)
    lib = bundle.library
    chat = 5000 + 10 * _offered().index(lang)

    def page(tid: str) -> str:
        found = lib.page(lang, tid)
        assert found is not None
        return found.title

    # show the officer: English statement first, then the person's language
    tg.send_text(chat, "/officer", language_code=lang)
    card = wait_text(tg, chat, "I will remain silent.")
    officer = lib.page(lang, "show-officer")
    assert officer is not None
    assert officer.officer[-1].text in card["text"]
    # warrant check: "an immigration judge, an ICE officer, or I can't tell" → not a court warrant
    tg.send_text(chat, "/warrant", language_code=lang)
    step = wait_text(tg, chat, page("warrant-check") + "\n")
    not_court = [d for _, d in buttons(step) if d.endswith(":t:warrant-ice")]
    assert not_court, buttons(step)
    tg.press(chat, step["message_id"], not_court[0], language_code=lang)
    wait_text(tg, chat, page("warrant-ice") + "\n")
    # free text in this language finds the door page in this language
    tg.send_text(chat, page("at-home"), language_code="en")  # a button's label opens its page
    found = wait_text(tg, chat, page("at-home") + "\n")
    assert f"1:{lang}:c:at-home" in [d for _, d in buttons(found)]
    # the state typed in this language, and picked from the state picker
    tg.send_text(chat, lib.region_name(lang, "IL"), language_code=lang)
    wait_text(tg, chat, _("Hotlines for {state}", state=lib.region_name(lang, "IL")))
    tg.send_text(chat, "/hotlines", language_code=lang)
    national = wait_text(tg, chat, _("National hotlines") + "\n")
    tg.press(chat, national["message_id"], f"1:{lang}:s:0", language_code=lang)
    picker = wait_text(tg, chat, _("Choose your state or territory ({page} of {pages}):",
                                    page=1, pages=3))
    tg.press(chat, picker["message_id"], data_for(picker, ":r:IL"), language_code=lang)
    il = wait_text(tg, chat, _("Hotlines for {state}", state=lib.region_name(lang, "IL")) + "\n")
    assert "+1 855-435-7693" in il["text"]
    # privacy, then erase from its button
    tg.send_text(chat, "/privacy", language_code=lang)
    privacy = wait_text(tg, chat, page("privacy") + "\n")
    user_ids = [m["message_id"] for m in tg.chat(chat) if not m["from_bot"]]
    tg.press(chat, privacy["message_id"], f"1:{lang}:e", language_code=lang)
    wait_text(tg, chat, _("🧹 I deleted the recent messages of this chat."))
    deleted = {i for c in tg.calls("deleteMessages") if int(c["params"]["chat_id"]) == chat
               for i in _ids(c)}
    assert set(user_ids) <= deleted
    assert [m for m in tg.chat(chat) if not m["from_bot"]] == []


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        err.close()
        return int(err.code)


def test_webhook_mode(tg: FakeTelegram, polling: BotProcess, logs: Path, bundle: Bundle) -> None:
    polling.stop()
    hook = BotProcess(tg, logs, webhook=True)
    try:
        hook.wait_ready(tg, webhook=True)
        url = f"http://127.0.0.1:{hook.port}/telegram"
        body = json.dumps({"update_id": 1}).encode()
        assert post(url, body, {}) == 403
        assert post(url, body, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}) == 403
        big = b"{" + b" " * (2 << 20) + b"}"
        assert post(url, big, {"X-Telegram-Bot-Api-Secret-Token": hook.secret}) == 413
        with urllib.request.urlopen(f"http://127.0.0.1:{hook.port}/healthz", timeout=5) as r:
            assert r.status == 200
        chat = 2300
        tg.send_text(chat, "/start", language_code="es")
        menu = wait_text(tg, chat, menu_title(bundle, "es"))
        tg.press(chat, menu["message_id"], "1:es:t:at-home")
        door = bundle.library.page("es", "at-home")
        assert door is not None
        wait_text(tg, chat, door.title + "\n")
        assert any(d.get("secret_token") == hook.secret for d in tg.deliveries())
    finally:
        hook.stop()
        tg.request("POST", "/bot" + TOKEN + "/deleteWebhook", {})


def test_logs_carry_no_user_data_and_no_token(tg: FakeTelegram, logs: Path) -> None:
    """Runs last in this module: everything above was logged at DEBUG into ``logs``."""
    bot = BotProcess(tg, logs)
    try:
        bot.wait_ready(tg)
        marker_id = 777_000_111
        tg.send_text(marker_id, "MARKERTEXT-q9 where is my door", language_code="en",
                     first_name="MARKERFIRST", last_name="MARKERLAST", username="MARKERUSER")
        tg.wait_for_bot_messages(marker_id, 1)
        tg.send(marker_id, kind="location", language_code="en", first_name="MARKERFIRST")
        wait_text(tg, marker_id, "I can only read text messages")
    finally:
        bot.stop()
    text = logs.read_text(errors="replace")
    assert text, "the bot wrote no log at all"
    for marker in ("MARKERTEXT", "MARKERFIRST", "MARKERLAST", "MARKERUSER", str(marker_id),
                   TOKEN, TOKEN.split(":")[1], "polisia"):
        assert marker not in text, f"{marker!r} leaked into the log"

