"""Deliver a Reply on Telegram: edit or send, erase the chat, remove ephemeral notes."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.config import Config
from bot.render.telegram import RenderedMessage, render
from bot.reply import Reply
from bot.telegram.delivery import hand_back
from bot.telegram.media import MediaCache

log = logging.getLogger(__name__)
DELETE_BATCH = 100  # deleteMessages takes at most 100 ids
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # sources are links: no preview cards


async def send_reply(bot: Bot, chat_id: int, reply: Reply, *, edit: Message | None = None,
                     rendered: list[RenderedMessage] | None = None, erase_range: int = Config.erase_range,
                     ephemeral_seconds: float = Config.ephemeral_seconds,
                     media: MediaCache | None = None) -> list[int]:
    """Send ``reply`` to ``chat_id`` (editing ``edit`` when it fits in one message).

    The reply's picture or voice note, if any, follows the text (``media`` sends it).

    Returns the ids of the messages sent. Telegram errors are logged by class only and never
    raised: one person's failure must not stall anyone else. A refusal (blocked, bad request)
    is final; a passing fault that outlasted the retries (see delivery.py) hands the update
    back, so Telegram delivers it again.
    """
    messages = rendered if rendered is not None else render(reply)
    sent: list[int] = []
    try:
        if (edit is not None and len(messages) == 1 and not reply.erase
                and await _edit(bot, edit, messages[0].html, messages[0].keyboard)):
            sent.append(edit.message_id)
        else:
            for msg in messages:
                out = await bot.send_message(chat_id, msg.html, parse_mode=ParseMode.HTML,
                                             reply_markup=msg.keyboard,
                                             link_preview_options=NO_PREVIEW)
                sent.append(out.message_id)
        if reply.media is not None and media is not None:
            attached = await media.send(bot, chat_id, reply.media)
            if attached is not None:
                sent.append(attached.message_id)
        if reply.erase and sent:
            await erase_before(bot, chat_id, min(sent), erase_range)
        if reply.ephemeral and sent:
            asyncio.get_running_loop().create_task(
                _delete_later(bot, chat_id, sent, ephemeral_seconds))
    except Forbidden:
        log.info("delivery refused: the user blocked the bot or left the chat")
    except BadRequest as exc:
        log.warning("reply not delivered: %s", type(exc).__name__)
    except (RetryAfter, NetworkError) as exc:
        log.warning("reply not delivered (%s); handed back to Telegram", type(exc).__name__)
        hand_back()
    except TelegramError as exc:
        log.warning("reply not delivered: %s", type(exc).__name__)
    return sent


async def _edit(bot: Bot, message: Message, html: str, keyboard: object) -> bool:
    try:
        await bot.edit_message_text(html, chat_id=message.chat_id, message_id=message.message_id,
                                    parse_mode=ParseMode.HTML,
                                    reply_markup=keyboard,  # type: ignore[arg-type]
                                    link_preview_options=NO_PREVIEW)
    except BadRequest as exc:
        # "not modified" is success; anything else (too old, gone) means send a new message
        return "not modified" in str(exc).lower()
    return True


async def erase_before(bot: Bot, chat_id: int, newest: int, span: int) -> None:
    """Delete message ids ``newest - span`` … ``newest - 1`` in batches.

    Ids in a private chat are sequential, so the range covers both the person's and the
    bot's messages without storing anything. Telegram skips ids it cannot delete
    (older than 48 hours, already gone).
    """
    first = max(1, newest - span)
    ids = list(range(first, newest))
    for start in range(len(ids) - DELETE_BATCH, -DELETE_BATCH, -DELETE_BATCH):
        batch = ids[max(0, start) : start + DELETE_BATCH]
        if not batch:
            continue
        try:
            await bot.delete_messages(chat_id, batch)
        except TelegramError as exc:
            log.warning("erase batch failed: %s", type(exc).__name__)


async def _delete_later(bot: Bot, chat_id: int, ids: list[int], delay: float) -> None:
    await asyncio.sleep(delay)
    try:
        await bot.delete_messages(chat_id, ids)
    except TelegramError as exc:
        log.info("ephemeral note not removed: %s", type(exc).__name__)
