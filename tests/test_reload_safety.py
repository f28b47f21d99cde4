"""A reload cannot hurt the running bot: off the event loop, and any failure keeps the old content."""

from __future__ import annotations

import asyncio
import signal
import time
import urllib.request
from pathlib import Path

import pytest

from bot.bundle import Bundle, load_bundle
from bot.config import ROOT, Config
from bot.telegram import holder as holder_module
from bot.telegram.holder import BundleHolder
from tests.e2e import TOKEN, BotProcess
from tests.fake_telegram.client import FakeTelegram
from tests.test_yamlfile import ALIAS_BOMB


async def test_a_slow_failing_reload_leaves_the_loop_free_and_the_content_in_place(
        small: Bundle, monkeypatch: pytest.MonkeyPatch) -> None:
    def slow_and_out_of_memory(*_: object, **__: object) -> Bundle:
        time.sleep(0.6)  # blocks its thread, not the event loop
        raise MemoryError

    monkeypatch.setattr(holder_module, "load_bundle", slow_and_out_of_memory)
    holder = BundleHolder(Config(), small)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.ensure_future(tick())
    second = asyncio.ensure_future(holder.reload_off_loop())
    await asyncio.sleep(0.05)
    assert not await holder.reload_off_loop()  # one reload at a time
    assert not await second
    ticker.cancel()
    assert ticks >= 30 and holder.current is small


@pytest.mark.e2e
def test_sighup_with_an_alias_bomb_is_refused_while_healthz_answers(
        content_copy: Path, tmp_path: Path) -> None:
    load_bundle(content_copy, ROOT / "locales")  # the copy is valid to begin with
    with FakeTelegram.start(TOKEN) as tg:
        bot = BotProcess(tg, tmp_path / "bot.log", webhook=True,
                         extra_env={"CONTENT_DIR": str(content_copy)})
        try:
            bot.wait_ready(tg, webhook=True)
            (content_copy / "topics" / "bomb.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
            bot.proc.send_signal(signal.SIGHUP)
            slowest = 0.0
            deadline = time.monotonic() + 20
            while "reload refused" not in bot.log.read_text() and time.monotonic() < deadline:
                began = time.monotonic()
                with urllib.request.urlopen(f"http://127.0.0.1:{bot.port}/healthz", timeout=5) as r:
                    assert r.status == 200
                slowest = max(slowest, time.monotonic() - began)
            log = bot.log.read_text()
            assert "topics/bomb.yaml:1: error: anchor '&a' is not allowed" in log
            assert bot.proc.poll() is None and slowest < 0.5
        finally:
            bot.stop()
