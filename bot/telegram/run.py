"""Run modes on Telegram: long polling, webhook server, one-off setup calls.

Both modes hold at most MAX_PENDING_UPDATES updates and acknowledge an update only once it is
answered. SIGTERM (or SIGINT) stops intake at once, lets what is in hand finish for at most
SHUTDOWN_SECONDS, and exits; anything unfinished was never acknowledged, so Telegram delivers
it again. SIGHUP reloads content in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web

from bot import memory
from bot.bundle import Bundle
from bot.config import Config, ConfigError
from bot.telegram.app import ALLOWED_UPDATES, ForgetfulApplication, build_application, publish_commands
from bot.telegram.holder import BundleHolder
from bot.telegram.intake import Intake
from bot.telegram.logs import silence_http_loggers
from bot.telegram.metrics import AnswerCounter
from bot.telegram.poll import Poller
from bot.telegram.webhook import make_web_app

log = logging.getLogger(__name__)
HTTP_SHUTDOWN_SECONDS = 1.0  # after the drain, connections still open are closed this fast


def _signals(stop: asyncio.Event, holder: BundleHolder) -> set[asyncio.Task[bool]]:
    """Stop on SIGINT/SIGTERM; reload off the event loop on SIGHUP."""
    loop = asyncio.get_running_loop()
    reloads: set[asyncio.Task[bool]] = set()

    def reload() -> None:
        task = loop.create_task(holder.reload_off_loop())
        reloads.add(task)
        task.add_done_callback(reloads.discard)

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    loop.add_signal_handler(signal.SIGHUP, reload)
    return reloads


def _scrubbing(intake: Intake, holder: BundleHolder, stop: asyncio.Event) -> asyncio.Task[None]:
    """Collect what past updates left in reference cycles whenever nothing is in hand."""
    memory.freeze_startup_objects()
    return asyncio.ensure_future(memory.scrub_when_idle(intake, lambda: holder.current, stop))


def _intake(config: Config, app: object) -> Intake:
    if not isinstance(app, ForgetfulApplication):
        raise TypeError("the Application must be a ForgetfulApplication")
    return Intake(app, config.max_pending_updates, config.concurrent_updates)


async def run_polling(config: Config, bundle: Bundle) -> None:
    """Long polling until SIGINT/SIGTERM; SIGHUP reloads content."""
    holder = BundleHolder(config, bundle)
    app = build_application(config, holder, updater=False)
    stop = asyncio.Event()
    async with app:
        if config.publish_commands:
            await publish_commands(app, bundle)
        await app.bot.delete_webhook()
        intake = _intake(config, app)
        poller = Poller(app.bot, intake, ALLOWED_UPDATES)
        _signals(stop, holder)
        scrub = _scrubbing(intake, holder, stop)
        log.info("polling started (at most %d updates in hand)", config.max_pending_updates)
        await poller.run(stop)
        intake.close()
        log.info("stopping: finishing %d updates in hand", intake.held)
        await poller.finish(config.shutdown_seconds)
        await scrub


async def run_webhook(config: Config, bundle: Bundle) -> None:
    """Serve Telegram's webhook on HOST:PORT; does not call setWebhook (see set-webhook)."""
    config.check_webhook(url_required=False)
    silence_http_loggers()
    holder = BundleHolder(config, bundle)
    metrics = AnswerCounter() if config.metrics else None
    app = build_application(config, holder, metrics, updater=False)
    stop = asyncio.Event()
    async with app:
        intake = _intake(config, app)
        web_app = make_web_app(app, config.webhook_secret, config.max_body_bytes, metrics, intake,
                               config.webhook_path)
        runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=HTTP_SHUTDOWN_SECONDS)
        await runner.setup()
        try:
            await web.TCPSite(runner, config.host, config.port).start()
        except OSError as exc:
            await runner.cleanup()
            raise ConfigError(f"cannot listen on {config.host}:{config.port} "
                              f"({exc.strerror or type(exc).__name__}); set HOST and PORT") from None
        _signals(stop, holder)
        scrub = _scrubbing(intake, holder, stop)
        log.info("webhook server on %s:%d%s (at most %d updates in hand)", config.host,
                 config.port, config.webhook_path, config.max_pending_updates)
        await stop.wait()
        await scrub
        intake.close()
        log.info("stopping: finishing %d updates in hand", intake.held)
        if not await intake.drain(config.shutdown_seconds):
            log.warning("%d updates unfinished at shutdown; Telegram will deliver them again",
                        intake.held)
        await runner.cleanup()


async def set_webhook(config: Config, bundle: Bundle) -> None:
    """Register WEBHOOK_URL with its secret once per deploy, and publish the command menu."""
    config.check_webhook(url_required=True)
    app = build_application(config, BundleHolder(config, bundle), updater=False)
    async with app:
        await app.bot.set_webhook(config.webhook_url, secret_token=config.webhook_secret,
                                  allowed_updates=ALLOWED_UPDATES,
                                  max_connections=config.max_connections)
        await publish_commands(app, bundle)


async def setup_telegram(config: Config, bundle: Bundle) -> None:
    """Publish the localized command menu and descriptions."""
    app = build_application(config, BundleHolder(config, bundle), updater=False)
    async with app:
        await publish_commands(app, bundle)
