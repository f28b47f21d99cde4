"""Build the python-telegram-bot Application: no persistence, nothing kept per user."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.bundle import Bundle
from bot.commands import MENU
from bot.config import Config
from bot.i18n import N_
from bot.telegram import delivery
from bot.telegram.handlers import Handlers
from bot.telegram.holder import BundleHolder
from bot.telegram.inline import InlineAnswers
from bot.telegram.metrics import AnswerCounter

log = logging.getLogger(__name__)

DESCRIPTION = N_(
    "Know-your-rights information for people facing immigration enforcement in the US, "
    "and hotline numbers, in your language. This bot keeps nothing about you. "
    "General information, not legal advice."
)
SHORT_DESCRIPTION = N_("Know your rights with ICE. Hotlines. Keeps nothing about you.")
PERSISTENCE_ID_SETS = (
    "_user_ids_to_be_updated_in_persistence",
    "_chat_ids_to_be_updated_in_persistence",
)


class ForgetfulApplication(Application):  # type: ignore[type-arg]
    """An Application that forgets every user and chat id once an update is handled.

    PTB adds each update's user and chat id to sets meant for persistence and empties them
    only when a persistence stores user or chat data; without one they grow for the life
    of the process. tests/test_forgetful.py fails if PTB renames or drops these sets.
    """

    async def process_update(self, update: object) -> None:
        """Handle the update, then forget who sent it."""
        try:
            await super().process_update(update)
        finally:
            self.forget_ids()

    async def handle(self, update: Update) -> bool:
        """``process_update``; False when an answer could not be sent and must come again."""
        outcome = delivery.begin()
        await self.process_update(update)
        return not outcome.handed_back

    def forget_ids(self) -> None:
        """Empty PTB's per-user id sets and any lazily created user/chat data."""
        for name in PERSISTENCE_ID_SETS:
            ids = getattr(self, name, None)
            if isinstance(ids, set):
                ids.clear()
        self._user_data.clear()
        self._chat_data.clear()


def build_application(config: Config, holder: BundleHolder, metrics: AnswerCounter | None = None,
                      *, updater: bool = True,
                      **builder_hooks: Any) -> Application:  # type: ignore[type-arg]
    """The Application wired with handlers; ``builder_hooks`` lets tests pass ``request=…``.

    ``updater=False``: no PTB Updater; the bot's own Poller or webhook feeds the Application.
    """
    builder = (
        ApplicationBuilder()
        .application_class(ForgetfulApplication)
        .token(config.token)
        .base_url(config.bot_base_url)
        .concurrent_updates(config.concurrent_updates)
    )
    builder = builder.rate_limiter(delivery.PatientRateLimiter(  # type: ignore[arg-type]
        max(config.rate_limit_per_second, 0), config.send_retry_seconds))
    if "request" in builder_hooks:
        builder = builder.request(builder_hooks["request"]).get_updates_request(
            builder_hooks["request"])
    else:
        builder = builder.connection_pool_size(config.concurrent_updates + 4)
    if not updater:
        builder = builder.updater(None)
    app = builder.build()
    register(app, Handlers(config, holder, metrics))
    return app


def register(app: Application, h: Handlers) -> None:  # type: ignore[type-arg]
    """Handlers in order: buttons, inline queries, private text, groups, everything else.

    Channel posts get nothing: a bot in a channel answers nobody (ALLOWED_UPDATES does not even
    ask for them).
    """
    private = filters.ChatType.PRIVATE
    app.add_handler(CallbackQueryHandler(h.button))
    app.add_handler(InlineQueryHandler(InlineAnswers(h.config, h.holder)))
    app.add_handler(MessageHandler(private & filters.UpdateType.MESSAGE & filters.TEXT, h.text))
    app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.UpdateType.MESSAGE
                                   & filters.COMMAND, h.group))
    # Private media and edits get a note and the menu. Service messages (a pin, the auto-delete
    # timer the privacy page suggests) and business or guest messages get nothing.
    media = filters.UpdateType.MESSAGE & ~filters.TEXT
    app.add_handler(MessageHandler(
        ~filters.StatusUpdate.ALL & private & (filters.UpdateType.EDITED_MESSAGE | media),
        h.other))
    app.add_error_handler(h.error)


async def publish_commands(app: Application, bundle: Bundle) -> None:  # type: ignore[type-arg]
    """Localized command menu and descriptions for every offered language (no per-user data)."""
    seen: set[str] = set()
    for code in bundle.library.languages:
        _ = bundle.strings(code)
        tg_code = code.split("-")[0]
        if tg_code in seen:
            continue
        seen.add(tg_code)
        language = None if code == bundle.library.source else tg_code
        commands = [BotCommand(name, _(desc)) for name, desc in MENU]
        try:
            await app.bot.set_my_commands(commands, language_code=language)
            await app.bot.set_my_description(_(DESCRIPTION)[:512], language_code=language)
            await app.bot.set_my_short_description(_(SHORT_DESCRIPTION)[:120],
                                                   language_code=language)
        except TelegramError as exc:
            log.warning("could not publish commands for %s: %s", code, type(exc).__name__)


ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
