"""Nothing acknowledged is lost: retries, hand-backs, replays, bounds and shutdown, end to end.

The real bot process against tests/fake_telegram, which delivers like Telegram: a webhook
delivery answered with anything but 2xx is delivered again, at most max_connections at once, and
a call made before a 429's retry_after ran out is refused again (and marked "early").
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import ROOT
from tests.e2e import TOKEN, BotProcess, sends, wait_handled, wait_text
from tests.fake_telegram.client import FakeTelegram

pytestmark = pytest.mark.e2e
FAST = {"SEND_RETRY_SECONDS": "1.5", "MAX_PENDING_UPDATES": "4", "SHUTDOWN_SECONDS": "3"}


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram.start(TOKEN) as fake:
        yield fake


def answers(tg: FakeTelegram, chat_id: int) -> int:
    return sum(1 for c in sends(tg, chat_id) if c["status"] == 200)

def test_webhook_hands_back_what_it_could_not_send_and_answers_it_once(
        tg: FakeTelegram, tmp_path: Path) -> None:
    bot = BotProcess(tg, tmp_path / "bot.log", webhook=True, extra_env=FAST)
    try:
        bot.wait_ready(tg, webhook=True)
        assert tg.webhook_stats()["max_connections"] == 4  # set-webhook matches the bound
        tg.fault("sendMessage", 502, chat_id=301, times=6)  # the Bot API is down for a while
        tg.send_text(301, "/start")
        wait_text(tg, 301, "Know your rights", timeout=30)
        failed = [d for d in tg.deliveries() if d["status"] == 503]
        assert failed, "the update was acknowledged although its answer was not sent"
        wait_handled(tg)
        assert answers(tg, 301) == 1
    finally:
        bot.stop()


def test_polling_honours_retry_after_and_answers_once(tg: FakeTelegram, tmp_path: Path) -> None:
    bot = BotProcess(tg, tmp_path / "bot.log", extra_env={**FAST, "SEND_RETRY_SECONDS": "10"})
    try:
        bot.wait_ready(tg)
        tg.fault("sendMessage", 429, retry_after=2, chat_id=302, times=3)
        tg.send_text(302, "/start")
        tg.send_text(303, "/start")
        wait_text(tg, 303, "Know your rights")  # others are not held up
        wait_text(tg, 302, "Know your rights", timeout=20)
        calls = tg.calls("sendMessage")
        assert not [c for c in calls if c.get("early")], "a call before retry_after ran out"
        assert answers(tg, 302) == 1
    finally:
        bot.stop()


def test_polling_hands_back_during_an_outage_and_answers_after(
        tg: FakeTelegram, tmp_path: Path) -> None:
    bot = BotProcess(tg, tmp_path / "bot.log", extra_env=FAST)
    try:
        bot.wait_ready(tg)
        tg.fault("sendMessage", 502, times=8)
        for chat in (311, 312):
            tg.send_text(chat, "/start")
        for chat in (311, 312):
            wait_text(tg, chat, "Know your rights", timeout=30)
        wait_handled(tg)
        assert [answers(tg, c) for c in (311, 312)] == [1, 1]
        limits = [int(c["params"].get("limit", 100)) for c in tg.calls("getUpdates")]
        assert max(limits) <= 4  # never asks for more than it can hold
    finally:
        bot.stop()


@pytest.mark.parametrize("webhook", [False, True])
def test_sigterm_stops_within_seconds_and_loses_nothing(
        tg: FakeTelegram, tmp_path: Path, webhook: bool) -> None:
    bot = BotProcess(tg, tmp_path / "bot.log", webhook=webhook, extra_env=FAST)
    bot.wait_ready(tg, webhook=webhook)
    tg.fault("sendMessage", "timeout", chat_id=321, times=1, delay=30)
    tg.send_text(321, "/start")
    tg.send_text(322, "/start")
    wait_text(tg, 322, "Know your rights")
    tg.wait_for(lambda: sends(tg, 321), what="the slow send under way")
    began = time.monotonic()
    bot.proc.send_signal(signal.SIGTERM)
    bot.proc.wait(timeout=15)
    bot.handle.close()
    assert time.monotonic() - began < 6
    assert "Traceback" not in bot.log.read_text()
    # the slow update was never acknowledged: a new replica answers it
    again = BotProcess(tg, tmp_path / "bot2.log", webhook=webhook, extra_env=FAST)
    try:
        again.wait_ready(tg, webhook=webhook)
        tg.wait_for(lambda: answers(tg, 321) >= 1, 30, what="the unfinished update answered")
    finally:
        again.stop()
    assert answers(tg, 322) == 1


@pytest.mark.parametrize(("command", "secret"), [
    (["set-webhook"], "has spaces"), (["set-webhook"], "é" * 8), (["set-webhook"], "x" * 257),
    (["run", "--webhook"], "has spaces"), (["run", "--webhook"], ""),
    (["run", "--webhook"], "x" * 257),
])
def test_both_commands_refuse_a_secret_telegram_would_refuse(
        command: list[str], secret: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_SECRET": secret,
           "WEBHOOK_URL": "https://bot.example.org/telegram",
           "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9"}
    done = subprocess.run([sys.executable, "-m", "bot", *command], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "configuration error: WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and - "
        "(for example: openssl rand -hex 32)"]


@pytest.mark.parametrize("url", ["https://bot.example.org", "ftp://bot.example.org/telegram",
                                 "https://bot.example.org/telegram?x=1"])
def test_set_webhook_refuses_a_url_it_could_not_serve(url: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_SECRET": "ok_secret",
           "WEBHOOK_URL": url, "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9"}
    done = subprocess.run([sys.executable, "-m", "bot", "set-webhook"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("configuration error: WEBHOOK_URL must")


def test_the_bot_process_writes_no_core_dump(tg: FakeTelegram, tmp_path: Path) -> None:
    bot = BotProcess(tg, tmp_path / "bot.log", webhook=True, register=False)
    try:
        bot.wait_ready(tg, webhook=True)
        limits = Path(f"/proc/{bot.proc.pid}/limits").read_text()
        [core] = [line.split() for line in limits.splitlines() if line.startswith("Max core")]
        assert core[4:6] == ["0", "0"]  # soft and hard limit
    finally:
        bot.stop()
