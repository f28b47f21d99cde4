"""Pictures and voice notes on Telegram: uploaded once, then sent again by ``file_id``.

The cache is keyed by kind, language, topic and content version (a digest of what is drawn or
of the audio file), never by person; a reload with new text makes a new key, so a new upload.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

from telegram import Bot, InputFile, Message
from telegram.error import BadRequest

from bot.bundle import Bundle
from bot.card import card_text, phone_card, png
from bot.reply import Media

log = logging.getLogger(__name__)
MAX_IDS = 512  # kinds × languages × topics is far fewer; forged input cannot grow it past this


@dataclass(frozen=True)
class Upload:
    """What to send for a Media: its cache key, how to make its bytes, its file name."""

    key: tuple[str, str, str, str]
    load: Callable[[], bytes]
    filename: str
    seconds: int = 0


def upload_for(bundle: Bundle, media: Media) -> Upload | None:
    """The file behind ``media`` in this Bundle; None when the content has none."""
    if media.kind == "card":
        text = card_text(bundle, media.lang, media.topic)
        if text is None:
            return None
        return Upload(("card", media.lang, media.topic, text.digest),
                      lambda: png(phone_card(text)), f"{media.topic}-{media.lang}.png")
    if media.kind == "voice":
        note = bundle.audio.get(media.lang, media.topic)
        if note is None:
            return None
        return Upload(("voice", media.lang, media.topic, note.digest), note.path.read_bytes,
                      f"{media.topic}-{media.lang}.ogg", math.ceil(note.seconds))
    return None


class MediaCache:
    """Sends a Reply's media, reusing Telegram's ``file_id`` after the first upload."""

    def __init__(self, bundle: Callable[[], Bundle]) -> None:
        self._bundle = bundle
        self._ids: dict[tuple[str, str, str, str], str] = {}

    def file_id(self, key: tuple[str, str, str, str]) -> str | None:
        """The remembered ``file_id`` for a key (tests look)."""
        return self._ids.get(key)

    async def send(self, bot: Bot, chat_id: int, media: Media) -> Message | None:
        """Send ``media``; None when the content has no such file. Telegram errors propagate."""
        upload = upload_for(self._bundle(), media)
        if upload is None:
            return None
        known = self._ids.get(upload.key)
        if known is not None:
            try:
                return await self._post(bot, chat_id, media, upload, known)
            except BadRequest as exc:  # the id no longer works (another bot, expired): upload
                log.info("file_id refused (%s); uploading again", type(exc).__name__)
                self._ids.pop(upload.key, None)
        data = await asyncio.to_thread(upload.load)
        sent = await self._post(bot, chat_id, media, upload,
                                InputFile(data, filename=upload.filename))
        new_id = _file_id(sent)
        if new_id is not None:
            if len(self._ids) >= MAX_IDS:
                self._ids.clear()
            self._ids[upload.key] = new_id
        return sent

    @staticmethod
    async def _post(bot: Bot, chat_id: int, media: Media, upload: Upload,
                    file: str | InputFile) -> Message:
        if media.kind == "voice":
            return await bot.send_voice(chat_id, file, caption=media.caption,
                                        duration=dt.timedelta(seconds=upload.seconds))
        return await bot.send_photo(chat_id, file, caption=media.caption)


def _file_id(message: Message) -> str | None:
    """The ``file_id`` Telegram gave the upload (the largest size of a photo)."""
    if message.voice is not None:
        return message.voice.file_id
    if message.photo:
        return max(message.photo, key=lambda p: p.width * p.height).file_id
    return None
