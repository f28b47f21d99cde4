"""The webhook HTTP server: secret checked in constant time before the body is read."""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.telegram.metrics import CONTENT_TYPE, AnswerCounter

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
WEBHOOK_PATH = "/telegram"


def make_web_app(app: Application, secret: str, max_body: int,  # type: ignore[type-arg]
                 metrics: AnswerCounter | None = None) -> web.Application:
    """aiohttp app with POST /telegram (updates), GET /healthz and, with ``metrics``, GET /metrics."""
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(status=403, text="forbidden")
        if request.content_length is not None and request.content_length > max_body:
            return web.Response(status=413, text="too large")
        try:
            body = await request.content.read(max_body + 1)
        except (ConnectionError, ValueError):
            return web.Response(status=400, text="bad request")
        if len(body) > max_body:
            return web.Response(status=413, text="too large")
        try:
            update = Update.de_json(json.loads(body), app.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            log.warning("webhook body is not a valid update")  # the body is never logged
            return web.Response(status=400, text="bad request")
        await app.update_queue.put(update)
        log.debug("update accepted")  # which replica served it; nothing from the update
        return web.Response(text="ok")

    async def health(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    web_app = web.Application(client_max_size=max_body + 1024)
    web_app.router.add_post(WEBHOOK_PATH, receive)
    web_app.router.add_get("/healthz", health)
    if metrics is not None:
        async def scrape(_: web.Request) -> web.Response:
            return web.Response(body=metrics.exposition().encode(),
                                headers={"Content-Type": CONTENT_TYPE})

        web_app.router.add_get("/metrics", scrape)
    return web_app
