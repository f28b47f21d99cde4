"""Inline mode and Share: "@bot door" lists topics in the person's language, ready to post."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.bundle import Bundle
from bot.config import Config
from bot.render.telegram import MAX_TEXT, utf16_len
from bot.telegram.app import ALLOWED_UPDATES
from bot.telegram.holder import BundleHolder
from bot.telegram.inline import CRISIS_TOPICS, MAX_RESULTS, inline_results
from tests.bidi_layout import CONTROLS
from tests.conftest import TODAY
from tests.e2e import TOKEN, BotProcess, wait_text
from tests.fake_telegram.client import FakeTelegram
from tests.fake_telegram.markup import parse_html

USERNAME = "kyr_test_bot"


def holder(bundle: Bundle) -> BundleHolder:
    return BundleHolder(Config(token=TOKEN), bundle)


def test_inline_query_is_asked_for() -> None:
    assert "inline_query" in ALLOWED_UPDATES and "chosen_inline_result" not in ALLOWED_UPDATES


@pytest.mark.parametrize("lang", ["es", "ar", "zh-hans", "en"])
def test_empty_query_lists_the_crisis_topics_in_the_persons_language(bundle: Bundle,
                                                                     lang: str) -> None:
    results = inline_results(holder(bundle), "", lang, USERNAME, TODAY)
    assert [r.id for r in results] == [f"{lang}_{t}" for t in CRISIS_TOPICS]
    for r, tid in zip(results, CRISIS_TOPICS, strict=True):
        page = bundle.library.page(lang, tid)
        assert page is not None and r.title == page.title
        text, _ = parse_html(r.input_message_content.message_text)  # type: ignore[union-attr]
        assert page.title in text.translate(CONTROLS) and utf16_len(text) <= MAX_TEXT
        (button,), = r.reply_markup.inline_keyboard  # type: ignore[union-attr]
        assert button.url == f"https://t.me/{USERNAME}?start={lang}_{tid}"
        assert button.text == bundle.strings(lang)("🤖 Open in the bot")


def test_a_query_finds_topics_and_answers_in_the_persons_language(bundle: Bundle) -> None:
    results = inline_results(holder(bundle), "la migra en mi puerta", "es", USERNAME, TODAY)
    assert results[0].id == "es_at-home"
    # the same words typed by someone whose Telegram is in Arabic: Arabic pages
    arabic = inline_results(holder(bundle), "la migra en mi puerta", "ar", USERNAME, TODAY)
    assert arabic[0].id == "ar_at-home"
    page = bundle.library.page("ar", "at-home")
    assert page is not None and arabic[0].title == page.title
    assert inline_results(holder(bundle), "zzzzqqq", "es", USERNAME, TODAY) == []


def test_results_stay_within_telegrams_limits(bundle: Bundle) -> None:
    for lang in bundle.library.languages:
        for query in ("", "door", "ICE", "abogado", "a" * 300):
            results = inline_results(holder(bundle), query, lang, USERNAME, TODAY)
            ids = [r.id for r in results]
            assert len(ids) <= MAX_RESULTS and len(set(ids)) == len(ids)
            assert all(1 <= len(i.encode()) <= 64 for i in ids)


# --- end to end: the bot process against the fake Bot API ------------------------------------

@pytest.fixture(scope="module")
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram.start(TOKEN, username=USERNAME) as server:
        yield server


@pytest.fixture(scope="module")
def running(tg: FakeTelegram, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    proc = BotProcess(tg, tmp_path_factory.mktemp("inline") / "bot.log")
    proc.wait_ready(tg)
    yield proc
    proc.stop()


@pytest.mark.e2e
def test_inline_query_answered_in_spanish_with_deep_links(tg: FakeTelegram, running: BotProcess,
                                                          bundle: Bundle) -> None:
    marker = "zqxmarker"
    sent = tg.inline_query(2001, f"la migra en mi puerta {marker}", language_code="es-US")
    answer = tg.inline_answer(sent["inline_query_id"])
    assert answer["is_personal"] is False and answer["cache_time"] > 0
    first = answer["results"][0]
    door = bundle.library.page("es", "at-home")
    assert door is not None and first["id"] == "es_at-home" and first["title"] == door.title
    assert door.title in first["text"] and door.body[0].text in first["text"]
    for result in answer["results"]:
        (button,), = result["reply_markup"]["inline_keyboard"]
        assert button["url"] == f"https://t.me/{USERNAME}?start={result['id']}"
    assert marker not in running.log.read_text(errors="replace")  # nothing of the query is logged
    empty = tg.inline_answer(tg.inline_query(2001, "", language_code="es")["inline_query_id"])
    assert [r["id"] for r in empty["results"]] == [f"es_{t}" for t in CRISIS_TOPICS]


@pytest.mark.e2e
def test_share_posts_the_page_into_a_family_chat(tg: FakeTelegram, running: BotProcess,
                                                 bundle: Bundle) -> None:
    door = bundle.library.page("es", "at-home")
    assert door is not None
    tg.send_text(2002, "/door", language_code="es")
    page = wait_text(tg, 2002, door.title + "\n")
    shares = [b for row in page["reply_markup"]["inline_keyboard"] for b in row
              if "switch_inline_query" in b]
    assert [b["text"] for b in shares] == [bundle.strings("es")("📤 Share")]
    # the person taps Share, picks the family group; Telegram types "@bot <query>" there
    sent = tg.inline_query(2002, shares[0]["switch_inline_query"], language_code="es",
                           chat_type="group")
    answer = tg.inline_answer(sent["inline_query_id"])
    assert answer["results"][0]["id"] == "es_at-home"
    posted = tg.choose_inline(2002, -5005, sent["inline_query_id"], "es_at-home")
    assert posted["via_bot"]["username"] == USERNAME
    assert door.body[0].text in posted["text"]
    (button,), = posted["reply_markup"]["inline_keyboard"]
    assert button["url"] == f"https://t.me/{USERNAME}?start=es_at-home"
    # a relative who opens the link lands on the page in Spanish
    tg.send_text(2003, "/start es_at-home", language_code="en")
    wait_text(tg, 2003, door.title + "\n")
    calls = [json.loads(c["params"].get("allowed_updates") or "[]")
             for c in tg.calls("getUpdates")]
    assert any("inline_query" in allowed for allowed in calls)


def test_readme_tells_the_deployer_to_turn_inline_mode_on() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "/setinline" in readme and "@BotFather" in readme
