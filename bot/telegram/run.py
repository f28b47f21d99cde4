"""Run modes on Telegram: long polling, webhook server, one-off setup calls."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web

from bot.bundle import Bundle
from bot.config import Config, ConfigError
from bot.telegram.app import ALLOWED_UPDATES, build_application, publish_commands
from bot.telegram.holder import BundleHolder
from bot.telegram.metrics import AnswerCounter
from bot.telegram.webhook import WEBHOOK_PATH, make_web_app

log = logging.getLogger(__name__)


def _signals(stop: asyncio.Event, holder: BundleHolder) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    loop.add_signal_handler(signal.SIGHUP, holder.reload)


async def run_polling(config: Config, bundle: Bundle) -> None:
    """Long polling until SIGINT/SIGTERM; SIGHUP reloads content."""
    holder = BundleHolder(config, bundle)
    app = build_application(config, holder)
    stop = asyncio.Event()
    async with app:
        if config.publish_commands:
            await publish_commands(app, bundle)
        await app.bot.delete_webhook()
        await app.start()
        if app.updater is None:
            raise RuntimeError("the Application was built without an Updater")
        await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES, timeout=20)
        _signals(stop, holder)
        log.info("polling started")
        await stop.wait()
        await app.updater.stop()
        await app.stop()


async def run_webhook(config: Config, bundle: Bundle) -> None:
    """Serve Telegram's webhook on HOST:PORT; does not call setWebhook (see set-webhook)."""
    if not config.webhook_secret:
        raise ConfigError("WEBHOOK_SECRET is required in webhook mode (letters, digits, _ and -)")
    holder = BundleHolder(config, bundle)
    metrics = AnswerCounter() if config.metrics else None
    app = build_application(config, holder, metrics)
    stop = asyncio.Event()
    async with app:
        await app.start()
        runner = web.AppRunner(make_web_app(app, config.webhook_secret, config.max_body_bytes,
                                            metrics), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, config.host, config.port)
        await site.start()
        _signals(stop, holder)
        log.info("webhook server on %s:%d%s", config.host, config.port, WEBHOOK_PATH)
        await stop.wait()
        await runner.cleanup()
        await app.stop()


async def set_webhook(config: Config, bundle: Bundle) -> None:
    """Register WEBHOOK_URL with its secret once per deploy, and publish the command menu."""
    if not config.webhook_url.startswith("https://") and not config.webhook_url.startswith(
            "http://127.0.0.1"):
        raise ConfigError("WEBHOOK_URL must be the public https:// address ending in /telegram")
    if not config.webhook_secret:
        raise ConfigError("WEBHOOK_SECRET is required")
    app = build_application(config, BundleHolder(config, bundle))
    async with app:
        await app.bot.set_webhook(config.webhook_url, secret_token=config.webhook_secret,
                                  allowed_updates=ALLOWED_UPDATES)
        await publish_commands(app, bundle)


async def setup_telegram(config: Config, bundle: Bundle) -> None:
    """Publish the localized command menu and descriptions."""
    app = build_application(config, BundleHolder(config, bundle))
    async with app:
        await publish_commands(app, bundle)
