"""sendPhoto and sendVoice, strict like Telegram: uploads or file_ids, real Message objects.

- A photo is a PNG or JPEG of at most 10 MB, width + height at most 10000, sides in a ratio of at
  most 20; the Message holds PhotoSize objects (thumbnails and the original) with file_ids.
- A voice note shows as a voice note only when it is OGG/Opus; anything else arrives as a
  document (as Telegram does). The duration is read from the file.
- A file_id sent back is accepted only for the same kind of file; an unknown one is refused.
- Captions: at most 1024 characters after entity parsing.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
import struct
from typing import TYPE_CHECKING, Any

from .markup import JSON, bad_request, check_reply_markup, finish_text, parse_html, utf16_len

if TYPE_CHECKING:
    from .server import FakeBotApi, Params

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_CAPTION = 1024
THUMB_SIDES = (90, 320, 800, 1280)


def _new_id(kind: str) -> str:
    return f"{kind}-{secrets.token_urlsafe(24)}"


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG or JPEG, or None when it is neither."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:2] == b"\xff\xd8":
        pos = 2
        while pos + 9 < len(data):
            if data[pos] != 0xFF:
                return None
            marker, length = data[pos + 1], struct.unpack(">H", data[pos + 2:pos + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
                return int(width), int(height)
            pos += 2 + length
    return None


def opus_duration(data: bytes) -> int | None:
    """Whole seconds of an Ogg stream whose first packet is ``OpusHead``; None otherwise."""
    if data[:4] != b"OggS" or len(data) < 28:
        return None
    first = 27 + data[26]
    if data[first:first + 8] != b"OpusHead":
        return None
    pre_skip = struct.unpack_from("<H", data, first + 10)[0]
    last = data.rfind(b"OggS")
    granule = struct.unpack_from("<q", data, last + 6)[0]
    return max(1, round((granule - pre_skip) / 48000))


def _caption(p: Params) -> JSON:
    text = p.text("caption", "") or ""
    if not text:
        return {}
    mode = (p.text("parse_mode", "") or "").lower()
    entities: list[JSON] = []
    if mode == "html":
        text, entities = parse_html(text)
    elif mode:
        raise bad_request(f"unsupported parse_mode {mode}")
    text, entities = finish_text(text, entities)
    if utf16_len(text) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    out: JSON = {"caption": text}
    if entities:
        out["caption_entities"] = entities
    return out


def _upload(p: Params, field: str, limit: int) -> bytes | None:
    """The bytes uploaded for ``field``; None when a file_id (or nothing) was sent instead."""
    data = p.files.get(field)
    if data is None:
        return None
    if not data:
        raise bad_request("file must be non-empty")
    if len(data) > limit:
        raise bad_request("file is too big")
    return data


def _known(api: FakeBotApi, p: Params, field: str, kind: str) -> JSON:
    """The stored file a file_id names, checked for its kind."""
    value = p.text(field, "") or ""
    if not value:
        raise bad_request(f"there is no {field} in the request")
    if value.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")  # the fake fetches nothing
    stored = api.files.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored["kind"] != kind:
        raise bad_request(f"can't use file of type {stored['kind'].title()} as {kind.title()}")
    return copy.deepcopy(stored["object"])


def _photo_sizes(api: FakeBotApi, data: bytes) -> list[JSON]:
    size = image_size(data)
    if size is None:
        raise bad_request("IMAGE_PROCESS_FAILED")
    width, height = size
    if width + height > 10000 or max(width, height) > 20 * min(width, height):
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    unique = hashlib.sha256(data).hexdigest()[:12]
    sides = [s for s in THUMB_SIDES if s < max(width, height)] + [max(width, height)]
    sizes = []
    for side in sides:
        scale = side / max(width, height)
        sizes.append({"file_id": _new_id("photo"), "file_unique_id": f"{unique}{side}",
                      "width": max(1, round(width * scale)),
                      "height": max(1, round(height * scale)),
                      "file_size": len(data) if side == sides[-1] else len(data) * side // sides[-1]})
    for item in sizes:
        api.files[item["file_id"]] = {"kind": "photo", "object": sizes}
    return sizes


async def send_photo(api: FakeBotApi, p: Params) -> JSON:
    """sendPhoto: an upload (multipart) or the file_id of a photo sent before."""
    chat = api.writable_chat(p)
    content = _caption(p)
    data = _upload(p, "photo", MAX_PHOTO_BYTES)
    content["photo"] = _photo_sizes(api, data) if data is not None else _known(api, p, "photo",
                                                                               "photo")
    markup = check_reply_markup(p.json("reply_markup"))
    if markup is not None:
        content["reply_markup"] = markup
    return api.add_message(chat, api.bot_sender, content)


async def send_voice(api: FakeBotApi, p: Params) -> JSON:
    """sendVoice: OGG/Opus shows as a voice note; other audio arrives as a document."""
    chat = api.writable_chat(p)
    content = _caption(p)
    data = _upload(p, "voice", MAX_FILE_BYTES)
    if data is None:
        content["voice"] = _known(api, p, "voice", "voice")
    else:
        seconds = opus_duration(data)
        unique = hashlib.sha256(data).hexdigest()[:12]
        if seconds is None:
            doc: Any = {"file_id": _new_id("document"), "file_unique_id": unique,
                        "file_name": "audio", "mime_type": "application/octet-stream",
                        "file_size": len(data)}
            api.files[doc["file_id"]] = {"kind": "document", "object": doc}
            content["document"] = doc
        else:
            voice = {"file_id": _new_id("voice"), "file_unique_id": unique,
                     "duration": p.integer("duration", seconds) or seconds,
                     "mime_type": "audio/ogg", "file_size": len(data)}
            api.files[voice["file_id"]] = {"kind": "voice", "object": voice}
            content["voice"] = voice
    markup = check_reply_markup(p.json("reply_markup"))
    if markup is not None:
        content["reply_markup"] = markup
    return api.add_message(chat, api.bot_sender, content)
