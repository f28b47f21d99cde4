"""The test control API under ``/_test/``: play the user's side and inspect the fake's state.

Routes take and return JSON and need no token. Bad input answers 400 ``{"ok": false, "error"}``.

- ``POST /_test/message`` {user_id, chat_id?, chat_type?, text, language_code?, first_name?,
  last_name?, username?, title?, edited?, message_id? (with edited), kind?, entities?}
  → {update_id, message_id}
- ``POST /_test/press`` {user_id, chat_id?, message_id, data, language_code?, ...}
  → {update_id, callback_query_id}
- ``POST /_test/raw_update`` {any update without update_id} → {update_id}
- ``GET /_test/chat/{chat_id}`` → [{message_id, from_bot, text, entities, reply_markup, edited,
  message}]
- ``GET /_test/calls?method=`` → [{method, params, status, description, content_type}]
- ``POST /_test/fault`` {method, status, description?, retry_after?, times?, chat_id?, delay?}
- ``POST /_test/block`` {chat_id, blocked?}; ``POST /_test/reset``
- ``GET /_test/webhook_deliveries``; ``GET /_test/updates`` (pending updates)
- ``GET /_test/webhook_stats`` → {in_flight, most_in_flight, max_connections}
- inline mode: ``POST /_test/inline_query``, ``GET /_test/inline_answer/{id}``,
  ``POST /_test/choose_inline`` (see :mod:`.inline`)

Webhook deliveries follow Telegram's rules: at most ``max_connections`` at once, and an update
whose delivery failed stays pending and is delivered again later. A 429 fault with
``retry_after`` refuses that chat's calls (or every call, without ``chat_id``) until it runs out;
such calls are recorded with ``"early": true``.
"""

from __future__ import annotations

import copy
import json
import secrets
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .inline import inline_routes
from .markup import JSON, command_entities

if TYPE_CHECKING:
    from .server import FakeBotApi

CHAT_TYPES = ("private", "group", "supergroup", "channel")
MEDIA_KINDS = ("sticker", "photo", "voice", "location", "contact", "document")
_CAPTIONED = ("photo", "voice", "document")


@dataclass
class Fault:
    """An injected failure for the next ``times`` calls of a method."""

    method: str
    status: int | str
    description: str
    retry_after: int | None = None
    times: int = 1
    chat_id: str | None = None
    delay: float = 6.0


def _fail(message: str) -> web.HTTPBadRequest:
    body = json.dumps({"ok": False, "error": message})
    return web.HTTPBadRequest(text=body, content_type="application/json")


async def _body(request: web.Request) -> JSON:
    try:
        body = await request.json() if request.body_exists else {}
    except ValueError:
        raise _fail("the body must be JSON") from None
    if not isinstance(body, dict):
        raise _fail("the body must be a JSON object")
    return body


def _int(body: JSON, key: str, default: int | None = None) -> int:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _fail(f"{key} must be an integer")
    try:
        return int(value)
    except ValueError:
        raise _fail(f"{key} must be an integer") from None


def _user(body: JSON) -> JSON:
    user: JSON = {"id": _int(body, "user_id"), "is_bot": False}
    user["first_name"] = body.get("first_name") or "Test"
    for key in ("last_name", "username", "language_code"):
        if body.get(key):
            user[key] = body[key]
    return user


def _file(kind: str) -> JSON:
    return {"file_id": f"{kind}-{secrets.token_hex(8)}", "file_unique_id": secrets.token_hex(4)}


def _content(body: JSON, user: JSON | None) -> JSON:
    """The message fields for a text message or one of the media kinds."""
    kind, text = body.get("kind") or "text", body.get("text")
    if kind == "text":
        if not isinstance(text, str) or not text:
            raise _fail("text must be a non-empty string")
        entities = body["entities"] if "entities" in body else command_entities(text)
        return {"text": text, "entities": entities} if entities else {"text": text}
    if kind not in MEDIA_KINDS:
        raise _fail(f"kind must be text or one of {', '.join(MEDIA_KINDS)}")
    media: dict[str, Any] = {
        "sticker": {**_file("sticker"), "type": "regular", "width": 512, "height": 512,
                    "is_animated": False, "is_video": False, "emoji": "👍"},
        "photo": [{**_file("photo"), "width": w, "height": w} for w in (90, 320, 800)],
        "voice": {**_file("voice"), "duration": 3, "mime_type": "audio/ogg"},
        "location": {"latitude": body.get("latitude", 40.7128),
                     "longitude": body.get("longitude", -74.006)},
        "contact": {"phone_number": body.get("phone_number", "+12125550123"),
                    "first_name": (user or {}).get("first_name", "Test"),
                    "user_id": (user or {}).get("id")},
        "document": {**_file("document"), "file_name": "file.pdf", "mime_type": "application/pdf"},
    }  # fmt: skip
    content: JSON = {kind: media[kind]}
    if isinstance(text, str) and text and kind in _CAPTIONED:
        content["caption"] = text
    return content


def _view(message_id: int, data: JSON, from_bot: bool) -> JSON:
    return {
        "message_id": message_id, "from_bot": from_bot,
        "text": data.get("text", data.get("caption")),
        "entities": data.get("entities", data.get("caption_entities", [])),
        "reply_markup": data.get("reply_markup"), "edited": "edit_date" in data,
        "message": copy.deepcopy(data),
    }  # fmt: skip


def routes(api: FakeBotApi) -> list[web.RouteDef]:
    """The control routes bound to one fake."""

    async def message(request: web.Request) -> web.Response:
        body = await _body(request)
        chat_type = body.get("chat_type", "private")
        if chat_type not in CHAT_TYPES:
            raise _fail(f"chat_type must be one of {', '.join(CHAT_TYPES)}")
        user = None if chat_type == "channel" else _user(body)
        default_chat = user["id"] if user is not None and chat_type == "private" else None
        chat_id = _int(body, "chat_id", default_chat)
        if user is not None and chat_type == "private" and chat_id != user["id"]:
            raise _fail("a private chat's id is its user's id")
        try:
            chat = api.ensure_chat(chat_id, chat_type, user, body.get("title") or "Test chat")
        except ValueError as error:
            raise _fail(str(error)) from None
        api.blocked.discard(chat_id)  # a user who writes to the bot has unblocked it
        content = _content(body, user)
        channel = chat_type == "channel"
        if body.get("edited"):
            stored = chat.messages.get(_int(body, "message_id"))
            if stored is None or stored.from_bot or "text" not in content:
                raise _fail("edited needs message_id of a user's message and a new text")
            stored.data.pop("entities", None)
            stored.data.update(content, edit_date=int(time.time()))
            kind, sent = ("edited_channel_post" if channel else "edited_message"), stored.data
        else:
            kind, sent = (
                ("channel_post" if channel else "message"),
                api.add_message(chat, user, content),
            )
        update_id = api.enqueue({kind: copy.deepcopy(sent)})
        return web.json_response({"update_id": update_id, "message_id": sent["message_id"]})

    async def press(request: web.Request) -> web.Response:
        body = await _body(request)
        user = _user(body)
        chat = api.chats.get(_int(body, "chat_id", user["id"]))
        stored = chat.messages.get(_int(body, "message_id")) if chat else None
        if chat is None or stored is None:
            raise _fail("press needs an existing chat_id and message_id")
        query_id = str(secrets.randbits(63))
        query: JSON = {"id": query_id, "from": user, "message": copy.deepcopy(stored.data)}
        query["chat_instance"] = chat.instance
        if body.get("data") is not None:
            query["data"] = body["data"]
        api.queries[query_id] = {"answered": False}
        update_id = api.enqueue({"callback_query": query})
        return web.json_response({"update_id": update_id, "callback_query_id": query_id})

    async def raw_update(request: web.Request) -> web.Response:
        body = await _body(request)
        body.pop("update_id", None)
        return web.json_response({"update_id": api.enqueue(body)})

    async def chat(request: web.Request) -> web.Response:
        try:
            found = api.chats.get(int(request.match_info["chat_id"]))
        except ValueError:
            raise _fail("chat_id must be an integer") from None
        messages = found.messages.items() if found else []
        return web.json_response([_view(i, s.data, s.from_bot) for i, s in messages])

    async def calls(request: web.Request) -> web.Response:
        method = request.query.get("method", "").lower()
        return web.json_response(
            [c for c in api.calls if not method or c["method"].lower() == method]
        )

    async def reset(request: web.Request) -> web.Response:
        api.reset()
        return web.json_response({"ok": True})

    async def fault(request: web.Request) -> web.Response:
        body = await _body(request)
        status = body.get("status", 429)
        if status != "timeout" and not (isinstance(status, int) and 400 <= status <= 599):
            raise _fail('status must be an HTTP error status or "timeout"')
        retry_after = body.get("retry_after", 1 if status == 429 else None)
        description = body.get("description") or _description(status, retry_after)
        api.faults.append(Fault(
            method=str(body.get("method", "")).lower(), status=status, description=description,
            retry_after=retry_after, times=_int(body, "times", 1),
            chat_id=None if body.get("chat_id") is None else str(body["chat_id"]),
            delay=float(body.get("delay", 6.0)),
        ))  # fmt: skip
        return web.json_response({"ok": True})

    async def block(request: web.Request) -> web.Response:
        body = await _body(request)
        chat_id = _int(body, "chat_id")
        if body.get("blocked", True):
            api.blocked.add(chat_id)
        else:
            api.blocked.discard(chat_id)
        return web.json_response({"ok": True})

    async def deliveries(request: web.Request) -> web.Response:
        return web.json_response(api.updates.deliveries)

    async def updates(request: web.Request) -> web.Response:
        return web.json_response(api.updates.pending)

    async def webhook_stats(request: web.Request) -> web.Response:
        hook = api.updates.webhook
        return web.json_response({
            "in_flight": len(api.updates.in_flight), "most_in_flight": api.updates.most_in_flight,
            "max_connections": hook["max_connections"] if hook else None,
        })  # fmt: skip

    return [
        web.post("/_test/message", message),
        web.post("/_test/press", press),
        web.post("/_test/raw_update", raw_update),
        web.get("/_test/chat/{chat_id}", chat),
        web.get("/_test/calls", calls),
        web.post("/_test/reset", reset),
        web.post("/_test/fault", fault),
        web.post("/_test/block", block),
        web.get("/_test/webhook_deliveries", deliveries),
        web.get("/_test/updates", updates),
        web.get("/_test/webhook_stats", webhook_stats),
        *inline_routes(api, _body, _fail, _int, _user),
    ]


def _description(status: int | str, retry_after: Any) -> str:
    if status == "timeout":
        return ""
    if status == 429:
        return f"Too Many Requests: retry after {retry_after}"
    try:
        return HTTPStatus(int(status)).phrase
    except ValueError:
        return "Error"
