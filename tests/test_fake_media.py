"""The fake Bot API's sendPhoto and sendVoice are as strict as Telegram's."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator

import pytest
from PIL import Image
from telegram import Bot
from telegram.error import BadRequest

from bot.config import ROOT
from tests.e2e import TOKEN
from tests.fake_telegram.client import FakeTelegram

pytestmark = pytest.mark.e2e
CHAT = 4242


@pytest.fixture(scope="module")
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram.start(TOKEN) as server:
        server.send_text(CHAT, "hello")  # the chat exists
        yield server


def png_bytes(size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("L", size, 255).save(buf, "PNG")
    return buf.getvalue()


async def call(tg: FakeTelegram, method: str, *args: object, **kwargs: object) -> object:
    async with Bot(TOKEN, base_url=tg.base_url) as bot:
        return await getattr(bot, method)(*args, **kwargs)


def test_photo_upload_then_file_id(tg: FakeTelegram) -> None:
    sent = asyncio.run(call(tg, "send_photo", CHAT, png_bytes((1080, 1920)), caption="card"))
    sizes = sent.photo  # type: ignore[attr-defined]
    assert sizes[-1].width == 1080 and sizes[-1].height == 1920 and len(sizes) > 1
    again = asyncio.run(call(tg, "send_photo", CHAT, sizes[-1].file_id))
    assert again.photo[-1].file_unique_id == sizes[-1].file_unique_id  # type: ignore[attr-defined]
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        asyncio.run(call(tg, "send_photo", CHAT, "photo-forged"))


def test_photo_limits(tg: FakeTelegram) -> None:
    with pytest.raises(BadRequest, match=r"(?i)photo_invalid_dimensions"):
        asyncio.run(call(tg, "send_photo", CHAT, png_bytes((4000, 100))))
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        asyncio.run(call(tg, "send_photo", CHAT, b"not a picture at all"))
    big = png_bytes((64, 64)) + bytes(10 * 1024 * 1024)
    with pytest.raises(BadRequest, match=r"(?i)too big"):
        asyncio.run(call(tg, "send_photo", CHAT, big))
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        asyncio.run(call(tg, "send_photo", CHAT, png_bytes((10, 10)), caption="x" * 1025))


def test_voice_needs_ogg_opus(tg: FakeTelegram) -> None:
    ogg = (ROOT / "content/audio/es/at-home.ogg").read_bytes()
    sent = asyncio.run(call(tg, "send_voice", CHAT, ogg, caption="door"))
    voice = sent.voice  # type: ignore[attr-defined]
    assert voice is not None and voice.mime_type == "audio/ogg"
    assert 50 <= tg.bot_messages(CHAT)[-1]["message"]["voice"]["duration"] <= 60
    again = asyncio.run(call(tg, "send_voice", CHAT, voice.file_id))
    assert again.voice.file_unique_id == voice.file_unique_id  # type: ignore[attr-defined]
    mp3 = asyncio.run(call(tg, "send_voice", CHAT, b"ID3\x03\x00 an mp3"))
    assert mp3.voice is None and mp3.document is not None  # type: ignore[attr-defined]
    with pytest.raises(BadRequest, match=r"(?i)can't use file of type voice as photo"):
        asyncio.run(call(tg, "send_photo", CHAT, voice.file_id))
