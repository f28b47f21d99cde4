"""An offline Bot API for in-process tests and benchmarks: answers every call, records it."""

from __future__ import annotations

import json
from typing import Any

from telegram import Update
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

BOT_USER = {
    "id": 4242,
    "is_bot": True,
    "first_name": "KYR",
    "username": "kyr_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


class OfflineRequest(BaseRequest):
    """Answers like Telegram would, without a network; ``calls`` keeps (method, params)."""

    def __init__(self, record: bool = True) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.record = record
        self._next_id = 1000

    @property
    def read_timeout(self) -> float | None:
        """No waiting offline."""
        return 1.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = None,
        write_timeout: ODVInput[float] = None,
        connect_timeout: ODVInput[float] = None,
        pool_timeout: ODVInput[float] = None,
    ) -> tuple[int, bytes]:
        """Answer one Bot API call."""
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        if self.record:
            self.calls.append((name, dict(params)))
        result: Any = True
        if name == "getMe":
            result = BOT_USER
        elif name in ("sendMessage", "editMessageText"):
            self._next_id += 1
            chat_id = int(params.get("chat_id", 1))
            result = {
                "message_id": int(params.get("message_id", self._next_id)),
                "date": 0,
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT_USER,
                "text": "x",
            }
        elif name in ("sendPhoto", "sendVoice"):
            self._next_id += 1
            result = {"message_id": self._next_id, "date": 0, "from": BOT_USER,
                      "chat": {"id": int(params.get("chat_id", 1)), "type": "private"}}
            file = {"file_id": f"{name}-{self._next_id}", "file_unique_id": str(self._next_id)}
            if name == "sendPhoto":
                result["photo"] = [{**file, "width": 1080, "height": 1920}]
            else:
                result["voice"] = {**file, "duration": 1}
        elif name == "getUpdates":
            result = []
        return 200, json.dumps({"ok": True, "result": result}).encode()


def message_update(
    update_id: int, user_id: int, text: str, language_code: str = "en", **user: Any
) -> dict[str, Any]:
    """A private text message update as Telegram sends it."""
    entities = (
        [{"type": "bot_command", "offset": 0, "length": len(text.split(maxsplit=1)[0])}]
        if text.startswith("/")
        else []
    )
    sender = {
        "id": user_id,
        "is_bot": False,
        "first_name": user.get("first_name", "A"),
        "language_code": language_code,
        **user,
    }
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1764300000,
            "text": text,
            "entities": entities,
            "chat": {"id": user_id, "type": "private", "first_name": sender["first_name"]},
            "from": sender,
        },
    }


def callback_update(
    update_id: int, user_id: int, data: str, language_code: str = "en"
) -> dict[str, Any]:
    """A button press on the bot's message 1."""
    return {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id),
            "chat_instance": "ci",
            "data": data,
            "from": {
                "id": user_id,
                "is_bot": False,
                "first_name": "A",
                "language_code": language_code,
            },
            "message": {
                "message_id": 1,
                "date": 1764300000,
                "text": "menu",
                "chat": {"id": user_id, "type": "private"},
                "from": BOT_USER,
            },
        },
    }


def to_update(payload: dict[str, Any], bot: Any) -> Update:
    """Parse a payload into a PTB Update for ``bot``."""
    update = Update.de_json(payload, bot)
    assert update is not None
    return update
