"""Inline mode: ``@bot door`` in any chat lists topics, in the person's language, ready to post.

Each result posts the topic's first screen (the page as the bot renders it) with a button that
opens the topic in a private chat with the bot (a deep link). The answer depends only on the
query and the language, so Telegram may cache it for everyone (``is_personal`` false); nothing
of the query is logged or kept.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.actions import Action, Kind, deep_link_payload
from bot.bundle import Bundle
from bot.config import Config
from bot.i18n import N_, negotiate
from bot.telegram.holder import BundleHolder

log = logging.getLogger(__name__)

# An empty query lists these: what people share when agents are near.
CRISIS_TOPICS = ("at-home", "in-public", "in-car", "at-work", "arrested", "find-detained",
                 "show-officer", "warrant-check")
MAX_RESULTS = 50  # Telegram's limit per answer
CACHE_SECONDS = 300  # Telegram may serve the same answer to anyone typing the same, for this long
OPEN_LABEL = N_("🤖 Open in the bot")


def inline_topics(bundle: Bundle, query: str, lang: str) -> list[str]:
    """Topic ids for a query: what the search finds, or the crisis topics when it is empty."""
    if not query.strip():
        return [t for t in CRISIS_TOPICS if bundle.library.page(lang, t)]
    hit = bundle.index.search(query, prefer=lang)
    return list(hit.topics) if hit else []


def inline_results(holder: BundleHolder, query: str, lang: str, username: str,
                   today: dt.date) -> list[InlineQueryResultArticle]:
    """One article per topic found: its first screen, and a deep link into the bot.

    Ids are ``<lang>_<topic>`` (unique, at most 53 bytes); pages waiting for review are left out.
    """
    bundle = holder.current
    _ = bundle.strings(lang)
    out = []
    for tid in inline_topics(bundle, query, lang)[:MAX_RESULTS]:
        page = bundle.library.page(lang, tid)
        if page is None or page.expired(today, bundle.grace_days):
            continue
        _reply, messages = holder.answer(Action(lang, Kind.TOPIC, tid), today)
        link = f"https://t.me/{username}?start={deep_link_payload(lang, tid)}"
        out.append(InlineQueryResultArticle(
            id=f"{lang}_{tid}", title=page.title, description=page.summary,
            input_message_content=InputTextMessageContent(
                messages[0].html, parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True)),
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(_(OPEN_LABEL), url=link)]]),
        ))
    return out


class InlineAnswers:
    """The inline_query callback; it keeps nothing between updates."""

    def __init__(self, config: Config, holder: BundleHolder) -> None:
        self.config = config
        self.holder = holder

    async def __call__(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer with the topics the query finds, in the language of the person's Telegram."""
        query = update.inline_query
        if query is None:
            return
        library = self.holder.current.library
        lang = negotiate(query.from_user.language_code, library.languages, library.source)
        username = context.bot.username or self.config.bot_username
        results = inline_results(self.holder, query.query, lang, username, dt.date.today())
        try:
            await query.answer(results, cache_time=CACHE_SECONDS, is_personal=False)
        except TelegramError as exc:
            log.info("inline query not answered: %s", type(exc).__name__)
