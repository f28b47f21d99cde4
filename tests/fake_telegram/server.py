"""A strict fake of the Telegram Bot API for end-to-end tests (aiohttp).

Bot requests go to ``/bot<TOKEN>/<method>``; the test control API (``/_test/...``) lives in
:mod:`.control`. State is in memory and belongs to one :class:`FakeBotApi`.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import re
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from aiohttp import web

from .control import Fault, routes
from .inline import answer_inline_query
from .markup import (
    JSON,
    MAX_TEXT,
    ApiError,
    bad_request,
    check_entities,
    check_reply_markup,
    finish_text,
    parse_html,
    utf16_len,
)
from .media import send_photo, send_voice
from .updates import Updates

log = logging.getLogger(__name__)

SCOPES = frozenset({
    "default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
    "chat_administrators", "chat_member",
})  # fmt: skip
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
_INTEGER = re.compile(r"-?\d+")
MAX_UPLOAD = 60 * 1024 * 1024  # above the Bot API's 50 MB, so its own limits answer first


class Params:
    """Method parameters read the way Telegram reads them: JSON values or form strings."""

    def __init__(self, raw: JSON, files: dict[str, bytes] | None = None) -> None:
        self.raw = raw
        self.files = files or {}  # uploaded files by field name (multipart)

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.raw.get(name)
        if value is None:
            return default
        if isinstance(value, dict | list):
            raise bad_request(f'field "{name}" must be of type String')
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            return int(value)
        raise bad_request(f'field "{name}" must be of type Integer')

    def flag(self, name: str) -> bool:
        value = self.raw.get(name)
        return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))

    def json(self, name: str) -> Any:
        value = self.raw.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None


@dataclass
class Stored:
    """A message as the chat holds it."""

    data: JSON
    from_bot: bool


@dataclass
class Chat:
    """A chat the bot knows: its Chat object, messages and one message_id sequence."""

    info: JSON
    messages: dict[int, Stored] = field(default_factory=dict)
    last_id: int = 0
    instance: str = field(default_factory=lambda: str(secrets.randbits(62)))

    @property
    def id(self) -> int:
        return int(self.info["id"])


class FakeBotApi:
    """State and Bot API methods of one fake bot."""

    def __init__(self, token: str, username: str = "kyr_test_bot") -> None:
        self.token = token
        bot_id = token.split(":", 1)[0]
        self.bot_user: JSON = {
            "id": int(bot_id) if bot_id.isdigit() else 7000000001,
            "is_bot": True,
            "first_name": "Kyr Test Bot",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,  # turned on with @BotFather's /setinline
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.bot_sender: JSON = {
            k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")
        }
        self.updates = Updates()
        self.methods: dict[str, tuple[str, Callable[[Params], Awaitable[Any]]]] = {
            name.lower(): (name, handler) for name, handler in self._method_table().items()
        }
        self.reset()

    # --- state -------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget everything except the update_id sequence."""
        self.chats: dict[int, Chat] = {}
        self.calls: list[JSON] = []
        self.faults: list[Fault] = []
        self.queries: dict[str, JSON] = {}
        self.files: dict[str, JSON] = {}  # file_id → {"kind", "object"} of photos and voice notes
        self.inline_queries: dict[str, JSON] = {}  # id → {"answered", "answer"}
        self.blocked: set[int] = set()
        self.flood_until: dict[str, float] = {}  # chat_id ("" = any) → end of a 429's retry_after
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.descriptions: dict[str, dict[str, str]] = {"description": {}, "short_description": {}}
        self.updates.reset()

    def enqueue(self, update: JSON) -> int:
        """Queue an update and return its update_id."""
        return self.updates.enqueue(update)

    def chat(self, chat_id: Any) -> Chat:
        """The chat a method names, or 400 ``chat not found``."""
        key = str(chat_id).strip() if chat_id is not None else ""
        if not key:
            raise bad_request("chat_id is empty")
        for chat in self.chats.values():
            if key in (str(chat.id), "@" + str(chat.info.get("username"))):
                return chat
        raise bad_request("chat not found")

    def ensure_chat(self, chat_id: int, chat_type: str, user: JSON | None, title: str) -> Chat:
        """The chat with this id, created on first use (a private chat is the user's)."""
        chat = self.chats.get(chat_id)
        if chat is not None:
            if chat.info["type"] != chat_type:
                raise ValueError(f"chat {chat_id} is a {chat.info['type']} chat")
            return chat
        info: JSON = {"id": chat_id, "type": chat_type}
        if chat_type == "private" and user is not None:
            info.update({k: user[k] for k in ("first_name", "last_name", "username") if k in user})
        else:
            info["title"] = title
        self.chats[chat_id] = chat = Chat(info)
        return chat

    def add_message(self, chat: Chat, sender: JSON | None, content: JSON) -> JSON:
        """Store a new message (user's or bot's) with the chat's next message_id."""
        chat.last_id += 1
        message: JSON = {"message_id": chat.last_id}
        if chat.info["type"] == "channel":
            message["sender_chat"] = dict(chat.info)
        elif sender is not None:
            message["from"] = dict(sender)
        message.update(chat=dict(chat.info), date=int(time.time()), **content)
        chat.messages[chat.last_id] = Stored(message, from_bot=sender is self.bot_sender)
        return copy.deepcopy(message)

    # --- HTTP --------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        """Serve ``/bot<TOKEN>/<method>``; the call is recorded while in flight (status None)."""
        raw, content_type, files = await _read_params(request)
        name, handler = self.methods.get(request.match_info["method"].lower(), ("", None))
        call: JSON = {
            "method": name or request.match_info["method"], "params": raw, "status": None,
            "description": None, "content_type": content_type,
        }  # fmt: skip
        self.calls.append(call)
        delay = 0.0
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            if handler is None:
                raise ApiError(404, "Not Found")
            params = Params(raw, files)
            self._flood_wait(params, call)
            delay = self._fault(name, params)
            body: JSON = {"ok": True, "result": await handler(params)}
        except ApiError as error:
            body = error.payload()
        except asyncio.CancelledError:  # the client went away (an abandoned long poll)
            with contextlib.suppress(ValueError):
                self.calls.remove(call)
            raise
        except Exception as error:  # a bug in the fake: answer, record and log it
            log.exception("fake Bot API failed in %s", name)
            body = ApiError(500, f"Internal Server Error: {error!r}").payload()
        status = int(body.get("error_code", 200))
        call.update(status=status, description=body.get("description"))
        if delay:
            await asyncio.sleep(delay)  # done, as Telegram would, but answered after the timeout
        return web.json_response(body, status=status)

    def _flood_wait(self, params: Params, call: JSON) -> None:
        """Like Telegram, refuse a call made before a 429's ``retry_after`` ran out.

        The call is marked ``early``: a client that honours ``retry_after`` makes none.
        """
        now = time.monotonic()
        for key in ("", str(params.raw.get("chat_id", ""))):
            until = self.flood_until.get(key, 0.0)
            if until > now:
                call["early"] = True
                wait = max(1, round(until - now))
                raise ApiError(429, f"Too Many Requests: retry after {wait}", wait)

    def _fault(self, method: str, params: Params) -> float:
        """Apply the first matching fault: raise its error, or return a delay for "timeout"."""
        for fault in self.faults:
            if fault.method != method.lower():
                continue
            if fault.chat_id is not None and str(params.raw.get("chat_id")) != fault.chat_id:
                continue
            fault.times -= 1
            if fault.times <= 0:
                self.faults.remove(fault)
            if fault.status == "timeout":
                return fault.delay
            if fault.status == 429 and fault.retry_after:
                self.flood_until[fault.chat_id or ""] = time.monotonic() + fault.retry_after
            raise ApiError(int(fault.status), fault.description, fault.retry_after)
        return 0.0

    # --- messages ----------------------------------------------------------------------------

    def _formatted(self, p: Params, name: str = "text") -> tuple[str, list[JSON]]:
        text = p.text(name, "") or ""
        mode = (p.text("parse_mode", "") or "").lower()
        entities = p.json("entities")
        if entities is not None:
            entities = check_entities(text, entities)
        elif mode == "html":
            text, entities = parse_html(text)
        elif mode in ("markdown", "markdownv2"):
            raise bad_request(f"parse_mode {mode} is not supported by the fake server, use HTML")
        elif mode:
            raise bad_request(f"unsupported parse_mode {mode}")
        text, entities = finish_text(text, entities or [])
        if not text:
            raise bad_request("message text is empty")
        if utf16_len(text) > MAX_TEXT:
            raise bad_request("message is too long")
        return text, entities

    def writable_chat(self, p: Params) -> Chat:
        """The chat a send names; 403 when the user blocked the bot."""
        return self._writable(p)

    def _writable(self, p: Params) -> Chat:
        chat = self.chat(p.raw.get("chat_id"))
        if chat.id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    async def send_message(self, p: Params) -> JSON:
        chat = self._writable(p)
        text, entities = self._formatted(p)
        markup = check_reply_markup(p.json("reply_markup"))
        content: JSON = {"text": text}
        reply = p.json("reply_parameters") or {"message_id": p.integer("reply_to_message_id")}
        if not isinstance(reply, dict):
            raise bad_request("can't parse reply parameters JSON object")
        reply_to = Params(reply).integer("message_id")
        if reply_to is not None:
            target = chat.messages.get(reply_to)
            if target is not None:
                content["reply_to_message"] = copy.deepcopy(target.data)
            elif not reply.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
        if entities:
            content["entities"] = entities
        if markup is not None:
            content["reply_markup"] = markup
        return self.add_message(chat, self.bot_sender, content)

    def _own_message(self, p: Params) -> Stored:
        if p.raw.get("inline_message_id") is not None:
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._writable(p)
        stored = chat.messages.get(p.integer("message_id") or 0)
        if stored is None:
            raise bad_request("message to edit not found")
        if not stored.from_bot:
            raise bad_request("message can't be edited")
        return stored

    def _edit(self, stored: Stored, changes: JSON) -> JSON:
        data = stored.data
        current = {key: data.get(key) for key in changes}
        if current == changes:
            raise bad_request(NOT_MODIFIED)
        for key, value in changes.items():
            if value:
                data[key] = value
            else:
                data.pop(key, None)
        data["edit_date"] = int(time.time())
        return copy.deepcopy(data)

    async def edit_message_text(self, p: Params) -> JSON:
        stored = self._own_message(p)
        if "text" not in stored.data:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._formatted(p)
        markup = check_reply_markup(p.json("reply_markup"))
        return self._edit(
            stored, {"text": text, "entities": entities or None, "reply_markup": markup}
        )

    async def edit_message_reply_markup(self, p: Params) -> JSON:
        stored = self._own_message(p)
        return self._edit(stored, {"reply_markup": check_reply_markup(p.json("reply_markup"))})

    async def answer_callback_query(self, p: Params) -> bool:
        query = self.queries.get(p.text("callback_query_id", "") or "")
        if query is None or query["answered"]:
            raise bad_request(QUERY_INVALID)
        text = p.text("text", "") or ""
        if utf16_len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query.update(answered=True, text=text, show_alert=p.flag("show_alert"), url=p.text("url"))
        return True

    def _deletable(self, chat: Chat, message_id: int) -> bool:
        stored = chat.messages.get(message_id)
        return stored is not None and (stored.from_bot or chat.info["type"] == "private")

    async def delete_message(self, p: Params) -> bool:
        chat = self.chat(p.raw.get("chat_id"))
        message_id = p.integer("message_id") or 0
        if message_id not in chat.messages:
            raise bad_request("message to delete not found")
        if not self._deletable(chat, message_id):
            raise bad_request("message can't be deleted")
        del chat.messages[message_id]
        return True

    async def delete_messages(self, p: Params) -> bool:
        chat = self.chat(p.raw.get("chat_id"))
        ids = p.json("message_ids")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, int) for i in ids):
            raise bad_request("message identifiers are not specified")
        if len(ids) > 100:
            raise bad_request("too many message identifiers specified")
        for message_id in ids:
            if self._deletable(chat, message_id):
                del chat.messages[message_id]
        return True

    # --- bot settings ------------------------------------------------------------------------

    def _settings_key(self, p: Params) -> tuple[str, str]:
        scope = p.json("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in SCOPES:
            raise bad_request("wrong scope type specified")
        return json.dumps(scope, sort_keys=True), self._language(p)

    def _language(self, p: Params) -> str:
        language = p.text("language_code", "") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        return language

    async def set_my_commands(self, p: Params) -> bool:
        commands = p.json("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be an Array of at most 100 BotCommand")
        for command in commands:
            name = command.get("command") if isinstance(command, dict) else None
            description = command.get("description") if isinstance(command, dict) else None
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._settings_key(p)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def get_my_commands(self, p: Params) -> list[JSON]:
        return copy.deepcopy(self.commands.get(self._settings_key(p), []))

    async def delete_my_commands(self, p: Params) -> bool:
        self.commands.pop(self._settings_key(p), None)
        return True

    def _set_text(self, p: Params, field_name: str, limit: int) -> bool:
        value = p.text(field_name, "") or ""
        if len(value) > limit:
            raise bad_request(f"{field_name.replace('_', ' ')} is too long")
        self.descriptions[field_name][self._language(p)] = value
        return True

    async def set_my_description(self, p: Params) -> bool:
        return self._set_text(p, "description", 512)

    async def get_my_description(self, p: Params) -> JSON:
        return {"description": self.descriptions["description"].get(self._language(p), "")}

    async def set_my_short_description(self, p: Params) -> bool:
        return self._set_text(p, "short_description", 120)

    async def get_my_short_description(self, p: Params) -> JSON:
        language = self._language(p)
        return {"short_description": self.descriptions["short_description"].get(language, "")}

    async def get_me(self, p: Params) -> JSON:
        return dict(self.bot_user)

    async def close(self, p: Params) -> bool:
        return True

    def _method_table(self) -> dict[str, Callable[[Params], Awaitable[Any]]]:
        return {
            "getMe": self.get_me, "getUpdates": self.updates.get_updates,
            "setWebhook": self.updates.set_webhook, "deleteWebhook": self.updates.delete_webhook,
            "getWebhookInfo": self.updates.get_webhook_info,
            "sendMessage": self.send_message, "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "answerCallbackQuery": self.answer_callback_query,
            "sendPhoto": lambda p: send_photo(self, p), "sendVoice": lambda p: send_voice(self, p),
            "answerInlineQuery": lambda p: answer_inline_query(self, p),
            "deleteMessage": self.delete_message, "deleteMessages": self.delete_messages,
            "setMyCommands": self.set_my_commands, "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setMyDescription": self.set_my_description,
            "getMyDescription": self.get_my_description,
            "setMyShortDescription": self.set_my_short_description,
            "getMyShortDescription": self.get_my_short_description,
            "close": self.close, "logOut": self.close,
        }  # fmt: skip


async def _read_params(request: web.Request) -> tuple[JSON, str, dict[str, bytes]]:
    """Query string plus a JSON, form-urlencoded or multipart body, and the uploaded files.

    An uploaded file is recorded as ``{"file": name, "size": bytes}``; ``attach://name`` points
    a field at the upload named ``name``, as Telegram allows.
    """
    raw: JSON = dict(request.query)
    files: dict[str, bytes] = {}
    content_type = request.content_type if request.body_exists else ""
    if content_type == "application/json":
        with contextlib.suppress(ValueError):
            body = await request.json()
            raw.update(body if isinstance(body, dict) else {})
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                files[key] = value.file.read()
                raw[key] = {"file": value.filename, "size": len(files[key])}
            else:
                raw[key] = value.decode() if isinstance(value, bytes) else value
    for key, value in list(raw.items()):
        if isinstance(value, str) and value.startswith("attach://") and value[9:] in files:
            files[key] = files[value[9:]]
    return raw, content_type, files


def create_app(api: FakeBotApi) -> web.Application:
    """The aiohttp application serving the Bot API and the control API.

    Serve it with ``handler_cancellation=True`` so that a long poll the client abandoned ends
    (unrecorded) instead of answering nobody with a 409 later.
    """

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        sender = asyncio.create_task(api.updates.deliver_forever())
        yield
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sender
        await api.updates.close()

    app = web.Application(client_max_size=MAX_UPLOAD)
    app["api"] = api
    app.cleanup_ctx.append(lifecycle)
    app.router.add_routes(routes(api))
    app.router.add_route("*", "/bot{token}/{method}", api.handle)

    async def not_found(request: web.Request) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": 404, "description": HTTPStatus.NOT_FOUND.phrase}, status=404
        )

    app.router.add_route("*", "/{tail:.*}", not_found)
    return app
