"""Inline mode in the fake: answerInlineQuery, and the user's side (type ``@bot query``, pick a
result into a chat).

- ``POST /_test/inline_query`` {user_id, query, language_code?, chat_type?}
  → {update_id, inline_query_id}
- ``GET /_test/inline_answer/{inline_query_id}`` → {results, cache_time, is_personal} or null
- ``POST /_test/choose_inline`` {user_id, chat_id, inline_query_id, result_id, chat_type?, title?}
  → the message the user posted "via" the bot into that chat: {message_id, text, ...}

Like Telegram: at most 50 results with unique ids of 1-64 bytes, one answer per query, the
message text parsed (HTML) and checked (4096), the keyboard checked, ``cache_time`` an integer.
"""

from __future__ import annotations

import copy
import secrets
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .markup import JSON, ApiError, bad_request, check_reply_markup

if TYPE_CHECKING:
    from .server import FakeBotApi, Params

MAX_RESULTS = 50
MAX_ID_BYTES = 64
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


async def answer_inline_query(api: FakeBotApi, p: Params) -> bool:
    """answerInlineQuery: validate everything, keep the answer for the test to read."""
    query = api.inline_queries.get(p.text("inline_query_id", "") or "")
    if query is None or query["answered"]:
        raise bad_request(QUERY_INVALID)
    results = p.json("results")
    if not isinstance(results, list):
        raise bad_request("can't parse inline query results JSON object")
    if len(results) > MAX_RESULTS:
        raise bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    checked = [_result(api, p, r, seen) for r in results]
    query.update(answered=True, answer={
        "results": checked, "cache_time": p.integer("cache_time", 300),
        "is_personal": p.flag("is_personal"),
    })  # fmt: skip
    return True


def _result(api: FakeBotApi, p: Params, result: Any, seen: set[str]) -> JSON:
    if not isinstance(result, dict) or result.get("type") != "article":
        raise bad_request("the fake supports InlineQueryResultArticle only")
    rid = result.get("id")
    if not isinstance(rid, str) or not 1 <= len(rid.encode()) <= MAX_ID_BYTES:
        raise bad_request("RESULT_ID_INVALID")
    if rid in seen:
        raise bad_request("RESULT_ID_DUPLICATE")
    seen.add(rid)
    if not isinstance(result.get("title"), str) or not result["title"].strip():
        raise bad_request("RESULT_TITLE_EMPTY")
    content = result.get("input_message_content")
    if not isinstance(content, dict) or "message_text" not in content:
        raise bad_request("the fake supports InputTextMessageContent only")
    try:
        text, entities = api._formatted(p.__class__(content), "message_text")
    except ApiError as error:
        if error.description == "message text is empty":
            raise bad_request("MESSAGE_EMPTY") from None
        raise
    return {
        "id": rid, "title": result["title"], "description": result.get("description"),
        "text": text, "entities": entities,
        "reply_markup": check_reply_markup(result.get("reply_markup")),
    }  # fmt: skip


def inline_routes(api: FakeBotApi, body: Any, fail: Any, to_int: Any, user: Any
                  ) -> list[web.RouteDef]:
    """The user's side of inline mode (helpers passed in from :mod:`.control`)."""

    async def inline_query(request: web.Request) -> web.Response:
        data = await body(request)
        sender = user(data)
        query = data.get("query", "")
        if not isinstance(query, str) or len(query) > 256:
            raise fail("query must be a string of at most 256 characters")
        query_id = str(secrets.randbits(63))
        api.inline_queries[query_id] = {"answered": False, "answer": None}
        update: JSON = {"id": query_id, "from": sender, "query": query, "offset": ""}
        update["chat_type"] = data.get("chat_type", "sender")
        update_id = api.enqueue({"inline_query": update})
        return web.json_response({"update_id": update_id, "inline_query_id": query_id})

    async def inline_answer(request: web.Request) -> web.Response:
        found = api.inline_queries.get(request.match_info["query_id"])
        return web.json_response(copy.deepcopy(found["answer"]) if found else None)

    async def choose(request: web.Request) -> web.Response:
        data = await body(request)
        sender = user(data)
        found = api.inline_queries.get(str(data.get("inline_query_id", "")))
        answer = found["answer"] if found else None
        result = next((r for r in (answer or {}).get("results", [])
                       if r["id"] == data.get("result_id")), None)
        if result is None:
            raise fail("choose needs an answered inline_query_id and one of its result ids")
        chat_type = data.get("chat_type", "group")
        chat = api.ensure_chat(to_int(data, "chat_id"), chat_type, sender,
                               data.get("title") or "Family")
        content: JSON = {"text": result["text"], "via_bot": dict(api.bot_sender)}
        if result["entities"]:
            content["entities"] = result["entities"]
        if result["reply_markup"]:
            content["reply_markup"] = result["reply_markup"]
        return web.json_response(api.add_message(chat, sender, content))

    return [
        web.post("/_test/inline_query", inline_query),
        web.get("/_test/inline_answer/{query_id}", inline_answer),
        web.post("/_test/choose_inline", choose),
    ]
