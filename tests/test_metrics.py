"""Aggregate counters: per screen, topic and language only, bounded, and off unless METRICS=1."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.actions import Action, Kind
from bot.bundle import Bundle
from bot.config import Config, from_env
from bot.telegram.app import build_application
from bot.telegram.holder import BundleHolder
from bot.telegram.metrics import AnswerCounter
from bot.telegram.webhook import make_web_app
from tests.offline import OfflineRequest, callback_update, message_update, to_update

TOKEN = "123456:" + "A" * 35
USER = 987_654_321


async def press_and_type(small: Bundle, counter: AnswerCounter, payloads: list[dict[str, object]]) -> None:
    config = Config(token=TOKEN, rate_limit_per_second=0)
    app = build_application(config, BundleHolder(config, small), counter, request=OfflineRequest())
    async with app:
        for payload in payloads:
            await app.process_update(to_update(payload, app.bot))


async def test_answers_are_counted_per_topic_and_language(small: Bundle) -> None:
    counter = AnswerCounter()
    await press_and_type(small, counter, [
        message_update(1, USER, "/start", language_code="es"),
        callback_update(2, USER, "1:es:t:at-home"),
        callback_update(3, USER, "1:es:t:at-home"),
        callback_update(4, USER, "1:en:t:at-home"),
        callback_update(5, USER, "1:en:t:privacy"),
        callback_update(6, USER, "1:es:h"),
    ])
    assert counter.value("menu", "es") == 1
    assert counter.value("topic", "es", "at-home") == 2
    assert counter.value("topic", "en", "at-home") == 1
    assert counter.value("topic", "en", "privacy") == 1
    assert counter.value("hotlines", "es") == 1
    assert counter.series() == 5


async def test_typed_text_is_counted_as_search_without_the_text(small: Bundle) -> None:
    counter = AnswerCounter()
    await press_and_type(small, counter, [message_update(1, USER, "SECRETWORD door police")])
    text = counter.exposition()
    assert 'screen="search"' in text
    assert "SECRETWORD" not in text and str(USER) not in text


async def test_forged_topics_and_regions_create_no_new_series(small: Bundle) -> None:
    counter = AnswerCounter()
    forged = [callback_update(n, USER, f"1:en:t:forged-{n}") for n in range(1, 40)]
    forged += [callback_update(n, USER, f"1:en:x:made-up-{n}") for n in range(40, 60)]
    forged += [callback_update(n, USER, f"1:en:r:{code}") for n, code in
               zip(range(60, 70), ["IL", "CA", "ZZ", "QQ", "NY", "TX", "AA", "BB", "CC", "DD"],
                   strict=True)]
    await press_and_type(small, counter, forged)
    assert counter.value("topic", "en", "other") == 39
    assert counter.value("more", "en", "other") == 20
    assert counter.value("region", "en") == 10
    assert counter.series() == 3
    assert "forged" not in counter.exposition() and "IL" not in counter.exposition()


def test_unknown_language_falls_under_other(small: Bundle) -> None:
    counter = AnswerCounter()
    counter.count(Action("xx", Kind.MENU), small)
    counter.count(Action("yy", Kind.MENU), small)
    assert counter.value("menu", "other") == 2 and counter.series() == 1


def test_exposition_is_prometheus_text(small: Bundle) -> None:
    counter = AnswerCounter()
    counter.count(Action("es", Kind.TOPIC, "at-home"), small)
    counter.count(Action("es", Kind.TOPIC, "at-home"), small)
    counter.count(Action("en", Kind.MENU), small)
    assert counter.exposition().splitlines() == [
        "# HELP kyr_bot_answers_total Answers sent, by screen, topic and language. No per-user data.",
        "# TYPE kyr_bot_answers_total counter",
        'kyr_bot_answers_total{screen="menu",lang="en"} 1',
        'kyr_bot_answers_total{screen="topic",topic="at-home",lang="es"} 2',
    ]


def test_metrics_are_off_by_default() -> None:
    assert from_env({}).metrics is False
    assert from_env({"METRICS": "0"}).metrics is False
    assert from_env({"METRICS": "1"}).metrics is True


@pytest.fixture
async def web(small: Bundle) -> AsyncIterator[tuple[TestClient, TestClient, AnswerCounter]]:  # type: ignore[type-arg]
    config = Config(token=TOKEN, rate_limit_per_second=0)
    app = build_application(config, BundleHolder(config, small), request=OfflineRequest())
    counter = AnswerCounter()
    counter.count(Action("es", Kind.MENU), small)
    off = TestClient(TestServer(make_web_app(app, "s" * 20, 1 << 20)))
    on = TestClient(TestServer(make_web_app(app, "s" * 20, 1 << 20, counter)))
    async with off, on:
        yield off, on, counter


async def test_metrics_endpoint_is_404_when_off(web: tuple[TestClient, TestClient, AnswerCounter]) -> None:  # type: ignore[type-arg]
    off, _, _ = web
    assert (await off.get("/metrics")).status == 404
    assert (await off.get("/healthz")).status == 200


async def test_metrics_endpoint_serves_the_counters_when_on(
        web: tuple[TestClient, TestClient, AnswerCounter]) -> None:  # type: ignore[type-arg]
    _, on, counter = web
    response = await on.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert await response.text() == counter.exposition()
    assert 'kyr_bot_answers_total{screen="menu",lang="es"} 1' in await response.text()
