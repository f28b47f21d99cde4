"""Thin Telegram handlers: decode the update into an Action, respond(), send the Reply."""

from __future__ import annotations

import datetime as dt
import logging

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.actions import Action, Kind, deep_link_payload, parse_callback_data
from bot.config import Config
from bot.decode import addressed_to, from_text
from bot.i18n import negotiate
from bot.markup import plain
from bot.reply import Reply
from bot.respond import respond
from bot.telegram.holder import BundleHolder
from bot.telegram.media import MediaCache
from bot.telegram.metrics import AnswerCounter
from bot.telegram.send import send_reply

log = logging.getLogger(__name__)


class Handlers:
    """Callbacks registered on the Application; they keep nothing between updates."""

    def __init__(self, config: Config, holder: BundleHolder,
                 metrics: AnswerCounter | None = None) -> None:
        self.config = config
        self.holder = holder
        self.metrics = metrics
        self.media = MediaCache(lambda: holder.current)  # file_ids by content, never by person

    def _lang(self, update: Update) -> str:
        user = update.effective_user
        bundle = self.holder.current
        return negotiate(user.language_code if user else None, bundle.library.languages,
                         bundle.library.source)

    async def _send(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, action: Action,
                    edit: Message | None = None) -> None:
        reply, rendered = self.holder.answer(action, dt.date.today())
        await send_reply(context.bot, chat_id, reply, edit=edit, rendered=rendered,
                         erase_range=self.config.erase_range,
                         ephemeral_seconds=self.config.ephemeral_seconds, media=self.media)
        if self.metrics is not None:
            self.metrics.count(action, self.holder.current)

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A private text message or command."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        bundle = self.holder.current
        action = from_text(message.text, self._lang(update), bundle.offered,
                           context.bot.username or "")
        await self._send(context, message.chat_id, action)

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button press: the Action is in the callback data, nothing else is needed.

        Only a press in the presser's own private chat is acted on: in a group or a channel,
        or on an inline message, it is answered (the spinner stops) and nothing is sent,
        edited or deleted.
        """
        query = update.callback_query
        if query is None:
            return
        message = query.message
        if message is None or not _own_private_chat(message.chat.id, message.chat.type,
                                                    query.from_user.id):
            await self._answer(query, None)
            return
        bundle = self.holder.current
        action = parse_callback_data(query.data, bundle.offered)
        note = None
        if action is None:
            action = Action(self._lang(update), Kind.MENU)
            _ = bundle.strings(action.lang)
            note = _("That button is out of date. Here is the menu.")
        await self._answer(query, note)
        editable = message if message.is_accessible else None
        await self._send(context, message.chat.id, action, edit=editable)  # type: ignore[arg-type]

    @staticmethod
    async def _answer(query: CallbackQuery, note: str | None) -> None:
        try:
            await query.answer(note[:200] if note else None)
        except TelegramError as exc:
            log.info("callback not answered: %s", type(exc).__name__)

    async def group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """In groups only a command addressed to this bot gets an answer: a link to a private chat."""
        message = update.effective_message
        username = context.bot.username or ""
        if message is None or not message.text or not addressed_to(message.text, username):
            return
        lang = self._lang(update)
        _ = self.holder.current.strings(lang)
        link = f"https://t.me/{username}?start={deep_link_payload(lang)}"
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(_("🔒 Open a private chat"),
                                                             url=link)]])
        text = _("To keep you safe, I only answer in a private chat. Tap the button.")
        try:
            await context.bot.send_message(message.chat_id, text, reply_markup=markup)
        except TelegramError as exc:
            log.info("group pointer not sent: %s", type(exc).__name__)

    async def other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Private media, stickers, locations and edits: a short note and the menu."""
        chat = update.effective_chat
        user = update.effective_user
        if chat is None or user is None or not _own_private_chat(chat.id, chat.type, user.id):
            return
        bundle = self.holder.current
        lang = self._lang(update)
        _ = bundle.strings(lang)
        note = _("I can only read text messages. Here is the menu.")
        reply = respond(bundle, Action(lang, Kind.MENU), dt.date.today())
        reply = Reply(reply.lang, reply.direction, (plain(note), *reply.blocks), reply.keyboard)
        await send_reply(context.bot, chat.id, reply)

    async def error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the update's type and the exception's class; nothing the person sent."""
        kind = "none"
        if isinstance(update, Update):
            kind = next((k for k in Update.ALL_TYPES if getattr(update, k, None)), "unknown")
        log.error("error handling an update of type %s: %s", kind,
                  type(context.error).__name__ if context.error else "unknown")


def _own_private_chat(chat_id: int, chat_type: str, user_id: int) -> bool:
    """Whether the chat is the private chat of this user (the only place the bot acts)."""
    return chat_type == ChatType.PRIVATE and chat_id == user_id
