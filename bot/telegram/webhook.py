"""The webhook HTTP server: secret checked in constant time before the body is read.

An update is acknowledged (200) only once it has been answered, or when it is a replay of one
that was. When the replica is full, shutting down, or could not send the answer, it answers
503 and Telegram delivers the update again later (Telegram keeps undelivered updates for a
day). Nothing from a request is logged.
"""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.config import DEFAULT_WEBHOOK_PATH, Config
from bot.telegram.intake import Intake
from bot.telegram.logs import silence_http_loggers
from bot.telegram.metrics import CONTENT_TYPE, AnswerCounter

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
WEBHOOK_PATH = DEFAULT_WEBHOOK_PATH
RETRY_AFTER_SECONDS = "1"


def make_web_app(app: Application, secret: str, max_body: int,  # type: ignore[type-arg]
                 metrics: AnswerCounter | None = None, intake: Intake | None = None,
                 path: str = WEBHOOK_PATH) -> web.Application:
    """aiohttp app with POST ``path`` (updates), GET /healthz and, with ``metrics``, GET /metrics.

    Without ``intake``, one with the default bounds (``Config``) is made for ``app``.
    """
    silence_http_loggers()
    expected = secret.encode()
    if intake is None:
        defaults = Config()
        intake = Intake(app, defaults.max_pending_updates,  # type: ignore[arg-type]
                        defaults.concurrent_updates)

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(status=403, text="forbidden")
        if intake.free == 0:  # refused before reading: Telegram keeps the update
            return _again()
        body = await _read_body(request, max_body)
        update = _parse(body, app)
        del body
        if update is None:
            return web.Response(status=400, text="bad request")
        verdict = await intake.submit(update)
        if not verdict.acknowledged:
            log.info("update not acknowledged: %s", verdict.value)
            return _again()
        log.debug("update accepted (%s)", verdict.value)  # which replica; nothing from the update
        return web.Response(text="ok")

    async def health(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    web_app = web.Application(client_max_size=max_body)
    web_app.router.add_post(path, receive)
    web_app.router.add_get("/healthz", health)
    if metrics is not None:
        async def scrape(_: web.Request) -> web.Response:
            return web.Response(body=metrics.exposition().encode(),
                                headers={"Content-Type": CONTENT_TYPE})

        web_app.router.add_get("/metrics", scrape)
    return web_app


async def _read_body(request: web.Request, limit: int) -> bytes:
    """The whole body (413 beyond ``limit``), not cached on the request.

    ``request.read()`` keeps the body on the request object, and aiohttp keeps a keep-alive
    connection's last request until the next one comes: a person's update would stay in memory.
    """
    chunks: list[bytes] = []
    size = 0
    while chunk := await request.content.readany():
        size += len(chunk)
        if size > limit:
            raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=size)
        chunks.append(chunk)
    return b"".join(chunks)


def _again() -> web.Response:
    """503: not taken now; Telegram delivers it again later."""
    return web.Response(status=503, text="busy", headers={"Retry-After": RETRY_AFTER_SECONDS})


def _parse(body: bytes, app: Application) -> Update | None:  # type: ignore[type-arg]
    """The Update in ``body``, or None (logged by kind only) for anything else."""
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise TypeError("not an update")
        return Update.de_json(data, app.bot)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        log.warning("webhook body is not a valid update (%s)", type(exc).__name__)
        return None
