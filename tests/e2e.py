"""Support for end-to-end tests: the real bot process against the fake Bot API server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bot.config import ROOT
from tests.bidi_layout import CONTROLS
from tests.fake_telegram.client import FakeTelegram

TOKEN = "987654321:AAE2eTestTokenDoNotLog_0123456789abc"


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:``port``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def terminate(proc: subprocess.Popen[Any], timeout: float = 15) -> None:
    """SIGTERM, wait, and kill if it does not stop in time."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class BotProcess:
    """``python -m bot run`` (polling or webhook) with its log captured to a file."""

    def __init__(self, tg: FakeTelegram, log: Path, *, webhook: bool = False,
                 extra_env: dict[str, str] | None = None, register: bool = True) -> None:
        """``register=False``: a webhook replica that leaves setWebhook to ``set-webhook``."""
        self.port = free_port()
        self.secret = "e2e-secret_" + "x" * 20
        env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
        env.update({
            "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": tg.url, "LOG_LEVEL": "DEBUG",
            "PORT": str(self.port), "WEBHOOK_SECRET": self.secret, "EPHEMERAL_SECONDS": "1",
            "WEBHOOK_URL": f"http://127.0.0.1:{self.port}/telegram", "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        })
        self.env = env
        self.log = log
        args = [sys.executable, "-m", "bot", "run"] + (["--webhook"] if webhook else [])
        if webhook and register:
            subprocess.run([sys.executable, "-m", "bot", "set-webhook"], cwd=ROOT, env=env,
                           check=True, capture_output=True, timeout=60)
        self.handle = log.open("ab")
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self.handle,
                                     stderr=subprocess.STDOUT)

    def wait_ready(self, tg: FakeTelegram, webhook: bool = False) -> None:
        """Until the bot polls (or its webhook answers health checks)."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text(errors="replace")
            if webhook:
                if port_open(self.port):
                    return
            elif tg.calls("getUpdates"):
                return
            time.sleep(0.1)
        raise AssertionError("bot did not start:\n" + self.log.read_text(errors="replace"))

    def stop(self) -> None:
        """SIGTERM and wait."""
        terminate(self.proc)
        self.handle.close()


def last_text(tg: FakeTelegram, chat_id: int) -> str:
    """Text of the bot's newest message in the chat."""
    messages = tg.bot_messages(chat_id)
    return str(messages[-1]["text"]) if messages else ""


def wait_text(tg: FakeTelegram, chat_id: int, needle: str, timeout: float = 15) -> dict[str, Any]:
    """Wait for a bot message (new or edited) containing ``needle``; return it.

    Bidi marks and isolates around right-to-left text are ignored (tests/test_bidi.py checks them).
    """
    needle = needle.translate(CONTROLS)
    def find() -> dict[str, Any] | None:
        for m in reversed(tg.bot_messages(chat_id)):
            if needle in (m.get("text") or "").translate(CONTROLS):
                return m
        return None
    return tg.wait_for(find, timeout, chat_id=chat_id, what=f"a bot message with {needle!r}")


def sends(tg: FakeTelegram, chat_id: int) -> list[dict[str, Any]]:
    """The bot's sendMessage calls to the chat, answered or still in flight (status None)."""
    return [c for c in tg.calls("sendMessage") if str(c["params"].get("chat_id")) == str(chat_id)]


def wait_handled(tg: FakeTelegram, chat_id: int | None = None, timeout: float = 15) -> None:
    """Wait until Telegram holds none of the chat's updates (of any chat, without one).

    An update leaves only once the bot has handled it and confirmed it (polling) or answered its
    delivery with 2xx (webhook): whatever the bot was going to send is sent, and it comes no more.
    """
    def handled() -> bool:
        return not [u for u in tg.pending_updates() if chat_id is None
                    or (u.get("message") or {}).get("chat", {}).get("id") == chat_id]
    tg.wait_for(handled, timeout, what="every update handled and acknowledged")


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, callback_data or url) of a message's inline keyboard."""
    markup = message.get("reply_markup") or {}
    return [(b["text"].translate(CONTROLS), b.get("callback_data") or b.get("url", ""))
            for row in markup.get("inline_keyboard", []) for b in row]


def data_for(message: dict[str, Any], needle: str) -> str:
    """The callback data of the button whose data contains ``needle``."""
    for _, data in buttons(message):
        if needle in data:
            return data
    raise AssertionError(f"no button with {needle!r} in {buttons(message)}")
