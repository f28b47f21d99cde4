"""SIGHUP reloads content in the running bot; broken content is refused and the old one served."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest

from bot.config import ROOT
from tests.e2e import TOKEN, BotProcess, wait_text
from tests.fake_telegram.client import FakeTelegram

pytestmark = pytest.mark.e2e


def test_sighup_swaps_valid_content_and_keeps_old_on_error(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    privacy = content / "topics" / "privacy.yaml"
    with FakeTelegram.start(TOKEN) as tg:
        bot = BotProcess(tg, tmp_path / "bot.log", extra_env={"CONTENT_DIR": str(content)})
        try:
            bot.wait_ready(tg)
            privacy.write_text(privacy.read_text().replace(
                "This bot keeps nothing about you.", "RELOADED: this bot keeps nothing."))
            bot.proc.send_signal(signal.SIGHUP)
            tg.wait_for(lambda: "content reloaded" in bot.log.read_text(), what="reload logged")
            tg.send_text(1, "/privacy")
            wait_text(tg, 1, "RELOADED: this bot keeps nothing.")
            privacy.write_text(privacy.read_text().replace('status: "verified"', 'status: "??"'))
            bot.proc.send_signal(signal.SIGHUP)
            tg.wait_for(lambda: "reload refused" in bot.log.read_text(), what="refusal logged")
            tg.send_text(2, "/privacy")
            wait_text(tg, 2, "RELOADED: this bot keeps nothing.")
            assert bot.proc.poll() is None
        finally:
            bot.stop()
