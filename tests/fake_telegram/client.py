"""Synchronous pytest client for the fake Bot API server (standard library only).

with FakeTelegram.start("123:TEST") as tg:
    ...  # point the bot at tg.base_url
    tg.send_text(42, "/start")
    messages = tg.wait_for_bot_messages(42, 1)
"""

from __future__ import annotations

import json
import selectors
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")
REPO_ROOT = Path(__file__).resolve().parents[2]


class FakeTelegram:
    """A fake Bot API server process and the control API around it."""

    def __init__(self, port: int, token: str, process: subprocess.Popen[str] | None = None) -> None:
        self.port = port
        self.token = token
        self.process = process

    @classmethod
    def start(
        cls, token: str, *, username: str = "kyr_test_bot", timeout: float = 15.0
    ) -> FakeTelegram:
        """Launch ``python -m tests.fake_telegram`` on a free port and wait for ``READY``."""
        command = [sys.executable, "-m", "tests.fake_telegram", "--port", "0", "--token", token]
        process = subprocess.Popen(
            [*command, "--username", username], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            ready = selector.select(timeout)
        line = process.stdout.readline() if ready else ""
        if not line.startswith("READY "):
            process.kill()
            process.communicate()
            raise RuntimeError(f"fake Telegram did not start (got {line!r})")
        return cls(int(line.split()[1]), token, process)

    def stop(self) -> None:
        """Terminate the server process."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
        self.process = None

    def __enter__(self) -> FakeTelegram:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The server root, e.g. ``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The ``base_url`` for PTB, which appends the token and the method."""
        return f"{self.url}/bot"

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """Call the server and decode its JSON answer; control API errors raise RuntimeError."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            error.close()
            raise RuntimeError(f"{method} {path} -> {error.code}: {detail}") from None

    # --- the user's side ---------------------------------------------------------------------

    def send(self, user_id: int, **fields: Any) -> dict[str, Any]:
        """POST /_test/message with any fields (kind, chat_type, edited, ...)."""
        result: dict[str, Any] = self.request(
            "POST", "/_test/message", {"user_id": user_id, **fields}
        )
        return result

    def send_text(
        self, user_id: int, text: str, language_code: str | None = "en", **fields: Any
    ) -> dict[str, Any]:
        """The user sends ``text``; returns ``{update_id, message_id}``."""
        return self.send(user_id, text=text, language_code=language_code, **fields)

    def press(
        self,
        user_id: int,
        message_id: int,
        data: Any,
        language_code: str | None = "en",
        **fields: Any,
    ) -> dict[str, Any]:
        """The user presses a button; returns ``{update_id, callback_query_id}``."""
        body = {"user_id": user_id, "message_id": message_id, "data": data, **fields}
        result: dict[str, Any] = self.request(
            "POST", "/_test/press", {**body, "language_code": language_code}
        )
        return result

    def inline_query(self, user_id: int, query: str, language_code: str | None = "en",
                     **fields: Any) -> dict[str, Any]:
        """The user types ``@bot query`` in some chat; returns ``{update_id, inline_query_id}``."""
        body = {"user_id": user_id, "query": query, "language_code": language_code, **fields}
        result: dict[str, Any] = self.request("POST", "/_test/inline_query", body)
        return result

    def inline_answer(self, query_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """Wait for the bot's answer to an inline query: {results, cache_time, is_personal}."""
        path = f"/_test/inline_answer/{query_id}"
        answer: dict[str, Any] = self.wait_for(lambda: self.request("GET", path), timeout,
                                               what="an answer to the inline query")
        return answer

    def choose_inline(self, user_id: int, chat_id: int, query_id: str, result_id: str,
                      **fields: Any) -> dict[str, Any]:
        """The user picks a result: it is posted into ``chat_id`` (a group by default)."""
        body = {"user_id": user_id, "chat_id": chat_id, "inline_query_id": query_id,
                "result_id": result_id, **fields}
        result: dict[str, Any] = self.request("POST", "/_test/choose_inline", body)
        return result

    def raw_update(self, update: dict[str, Any]) -> int:
        """Queue any update as is; returns its update_id."""
        return int(self.request("POST", "/_test/raw_update", update)["update_id"])

    def block(self, chat_id: int, blocked: bool = True) -> None:
        """Mark the user as having blocked (or unblocked) the bot."""
        self.request("POST", "/_test/block", {"chat_id": chat_id, "blocked": blocked})

    # --- inspection and control --------------------------------------------------------------

    def chat(self, chat_id: int) -> list[dict[str, Any]]:
        """The chat's current messages, oldest first."""
        result: list[dict[str, Any]] = self.request("GET", f"/_test/chat/{chat_id}")
        return result

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's current messages in the chat."""
        return [m for m in self.chat(chat_id) if m["from_bot"]]

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Recorded Bot API calls (method, params, status, description, content_type)."""
        query = "?" + urllib.parse.urlencode({"method": method}) if method else ""
        result: list[dict[str, Any]] = self.request("GET", "/_test/calls" + query)
        return result

    def fault(
        self,
        method: str,
        status: int | str = 429,
        *,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
        delay: float | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail (``status="timeout"`` sleeps)."""
        body: dict[str, Any] = {"method": method, "status": status, "times": times}
        optional = {"description": description, "retry_after": retry_after, "chat_id": chat_id}
        body.update({k: v for k, v in {**optional, "delay": delay}.items() if v is not None})
        self.request("POST", "/_test/fault", body)

    def reset(self) -> None:
        """Forget chats, updates, calls, faults, webhook and settings."""
        self.request("POST", "/_test/reset", {})

    def deliveries(self) -> list[dict[str, Any]]:
        """Webhook delivery attempts: update_id, url, attempt, status, error, secret_token."""
        result: list[dict[str, Any]] = self.request("GET", "/_test/webhook_deliveries")
        return result

    def webhook_stats(self) -> dict[str, Any]:
        """Deliveries in flight now, the most ever at once, and the webhook's max_connections."""
        result: dict[str, Any] = self.request("GET", "/_test/webhook_stats")
        return result

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by getUpdates or delivered to the webhook."""
        result: list[dict[str, Any]] = self.request("GET", "/_test/updates")
        return result

    # --- waiting -----------------------------------------------------------------------------

    def wait_for(
        self,
        predicate: Callable[[], T],
        timeout: float = 10.0,
        *,
        chat_id: int | None = None,
        what: str = "condition",
    ) -> T:
        """Poll ``predicate`` until it returns something truthy; return that value."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                shown = json.dumps(self.chat(chat_id), indent=1) if chat_id is not None else ""
                raise AssertionError(f"{what} not met within {timeout}s\n{shown}".rstrip())
            time.sleep(0.05)

    def wait_for_bot_messages(
        self, chat_id: int, count: int, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """Wait until the bot has at least ``count`` messages in the chat; return them."""

        def enough() -> list[dict[str, Any]]:
            messages = self.bot_messages(chat_id)
            return messages if len(messages) >= max(count, 1) else []

        what = f"{count} bot message(s) in chat {chat_id}"
        return self.wait_for(enough, timeout, chat_id=chat_id, what=what)
