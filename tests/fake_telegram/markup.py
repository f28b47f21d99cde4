"""Telegram's text rules: errors, UTF-16 lengths, HTML parse mode, inline keyboards, commands.

The HTML parser follows TDLib's ``parse_html`` (the code behind the Bot API): the same tags,
attributes, entity references and error messages, with byte offsets into the UTF-8 source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

JSON = dict[str, Any]

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
MAX_BUTTONS = 100
MAX_ROW = 8


class ApiError(Exception):
    """A Bot API failure, answered as ``{"ok": false, "error_code", "description"}``."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> JSON:
        """The JSON body Telegram sends with this error."""
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    """A 400 with Telegram's ``Bad Request: `` prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's offsets and limits."""
    return len(text.encode("utf-16-le")) // 2


def normalize_url(url: str) -> str | None:
    """The URL as Telegram stores it (scheme and ``/`` path added), or None when invalid."""
    url = url.strip()
    if not url or any(ch.isspace() for ch in url):
        return None
    if "://" not in url and not url.lower().startswith("tg:"):
        url = "http://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme == "tg":
        return url
    host = parts.hostname or ""
    if scheme not in ("http", "https") or not (host == "localhost" or "." in host.strip(".")):
        return None
    return url if parts.path else parts._replace(path="/").geturl()


# --- HTML parse mode -------------------------------------------------------------------------

_SPACES = frozenset(" \t\r\n\v\f")
_SIMPLE = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "blockquote": "blockquote",
}  # fmt: skip
_TAGS = frozenset({*_SIMPLE, "a", "code", "pre", "tg-emoji"})
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_REFERENCE = re.compile(r"&(?:#(?:x([0-9a-fA-F]+)|([0-9]+))|([a-zA-Z]+));?")


def _decode_reference(source: str, i: int) -> tuple[str, int] | None:
    """Decode the ``&...;`` reference at ``i``; None leaves the ``&`` as a literal character."""
    match = _REFERENCE.match(source, i)
    if match is None:
        return None
    hex_digits, digits, name = match.groups()
    if name is not None:
        return (_NAMED[name], match.end()) if name in _NAMED else None
    if len(match.group(0).rstrip(";")) >= 10:
        return None
    code = int(hex_digits, 16) if hex_digits is not None else int(digits)
    if code == 0 or code >= 0x10FFFF:
        return None
    if 0xD800 <= code <= 0xDFFF:
        raise bad_request(
            "can't parse entities: Text contains invalid Unicode characters after decoding HTML "
            "entities, check for unmatched surrogate code units"
        )
    return chr(code), match.end()


@dataclass
class _Open:
    name: str
    argument: str
    offset: int  # UTF-16 offset in the output text
    start: int  # index in the output character list


@dataclass
class _Html:
    """One run of the parser over ``source``."""

    source: str
    out: list[str] = field(default_factory=list)
    units: int = 0
    stack: list[_Open] = field(default_factory=list)
    entities: list[JSON] = field(default_factory=list)

    def fail(self, message: str) -> ApiError:
        return bad_request(f"can't parse entities: {message}")

    def byte(self, i: int) -> int:
        return len(self.source[:i].encode("utf-8"))

    def at(self, i: int) -> str:
        return self.source[i] if i < len(self.source) else ""

    def skip_spaces(self, i: int) -> int:
        while self.at(i) in _SPACES and self.at(i):
            i += 1
        return i

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.units += utf16_len(text)

    def run(self) -> tuple[str, list[JSON]]:
        i = 0
        while i < len(self.source):
            char = self.source[i]
            decoded = _decode_reference(self.source, i) if char == "&" else None
            if decoded is not None:
                self.emit(decoded[0])
                i = decoded[1]
            elif char != "<":
                self.emit(char)
                i += 1
            elif self.at(i + 1) == "/":
                i = self.end_tag(i)
            else:
                i = self.start_tag(i)
        if self.stack:
            raise self.fail(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        return "".join(self.out), self.entities

    def start_tag(self, begin: int) -> int:
        i = begin + 1
        while self.at(i) and self.at(i) not in _SPACES and self.at(i) != ">":
            i += 1
        if not self.at(i):
            raise self.fail(f"Unclosed start tag at byte offset {self.byte(begin)}")
        name = self.source[begin + 1 : i].lower()
        if name not in _TAGS:
            raise self.fail(f'Unsupported start tag "{name}" at byte offset {self.byte(begin)}')
        argument = ""
        while self.at(i) != ">":
            i, attribute, value = self.attribute(name, begin, i)
            if attribute:
                argument = _argument(name, attribute, value) or argument
        if name == "span" and argument != "spoiler":
            raise self.fail(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte(begin)}'
            )
        self.stack.append(_Open(name, argument, self.units, len(self.out)))
        return i + 1

    def attribute(self, tag: str, begin: int, i: int) -> tuple[int, str, str]:
        """Parse one ``name=value`` (or ``>``); return the new position, name and value."""
        i = self.skip_spaces(i)
        if self.at(i) == ">":
            return i, "", ""
        name_start = i
        while self.at(i) and self.at(i) not in _SPACES and self.at(i) not in "=>":
            i += 1
        name = self.source[name_start:i].lower()
        if not name:
            raise self.fail(
                f'Empty attribute name in the tag "{tag}" at byte offset {self.byte(begin)}'
            )
        i = self.skip_spaces(i)
        if not self.at(i):
            raise self.fail(f'Unclosed start tag "{tag}" at byte offset {self.byte(begin)}')
        if self.at(i) != "=":
            if tag == "blockquote" and name == "expandable" and self.at(i):
                return i, name, ""
            raise self.fail(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {self.byte(begin)}'
            )
        i = self.skip_spaces(i + 1)
        if not self.at(i):
            raise self.fail(f'Unclosed start tag "{tag}" at byte offset {self.byte(begin)}')
        i, value = self.quoted(i) if self.at(i) in "'\"" else self.token(i)
        if not self.at(i):
            raise self.fail(f"Unclosed start tag at byte offset {self.byte(begin)}")
        return i, name, value

    def quoted(self, i: int) -> tuple[int, str]:
        quote, i, value = self.source[i], i + 1, []
        while self.at(i) and self.at(i) != quote:
            decoded = _decode_reference(self.source, i) if self.at(i) == "&" else None
            value.append(decoded[0] if decoded else self.at(i))
            i = decoded[1] if decoded else i + 1
        return (i + 1 if self.at(i) else i), "".join(value)

    def token(self, i: int) -> tuple[int, str]:
        start = i
        while self.at(i) and (
            (self.at(i).isascii() and self.at(i).isalnum()) or self.at(i) in ".-"
        ):
            i += 1
        if self.at(i) and self.at(i) not in _SPACES and self.at(i) != ">":
            raise self.fail(f"Unexpected end of name token at byte offset {self.byte(start)}")
        return i, self.source[start:i].lower()

    def end_tag(self, begin: int) -> int:
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {self.byte(begin)}")
        i = begin + 2
        while self.at(i) and self.at(i) not in _SPACES and self.at(i) != ">":
            i += 1
        name = self.source[begin + 2 : i].lower()
        i = self.skip_spaces(i)
        if self.at(i) != ">":
            raise self.fail(f"Unclosed end tag at byte offset {self.byte(begin)}")
        top = self.stack.pop()
        if name and name != top.name:
            raise self.fail(
                f'Unmatched end tag at byte offset {self.byte(begin)}, expected "</{top.name}>", '
                f'found "</{name}>"'
            )
        self.close(top)
        return i + 1

    def close(self, tag: _Open) -> None:
        length = self.units - tag.offset
        if length <= 0:
            return
        entity: JSON = {
            "type": _SIMPLE.get(tag.name, tag.name),
            "offset": tag.offset,
            "length": length,
        }
        last = self.entities[-1] if self.entities else None
        same = last is not None and (last["offset"], last["length"]) == (tag.offset, length)
        if tag.name == "a":
            url = normalize_url(tag.argument or "".join(self.out[tag.start :]))
            if url is None:
                return
            entity.update(type="text_link", url=url)
        elif tag.name == "blockquote" and tag.argument == "expandable":
            entity["type"] = "expandable_blockquote"
        elif tag.name == "tg-emoji":
            if not tag.argument.isdigit() or int(tag.argument) == 0:
                raise self.fail("Invalid custom emoji identifier specified")
            entity.update(type="custom_emoji", custom_emoji_id=tag.argument)
        elif tag.name in ("pre", "code") and tag.argument:
            entity["language"] = tag.argument
        if tag.name in ("pre", "code") and same and last is not None:
            merged = {**last, **entity, "type": "pre"}
            if {last["type"], tag.name} == {"pre", "code"} and "language" in merged:
                self.entities[-1] = merged
                return
        self.entities.append(entity)


def _argument(tag: str, attribute: str, value: str) -> str | None:
    """The attribute values Telegram keeps; everything else is ignored."""
    if (tag, attribute) in (("a", "href"), ("tg-emoji", "emoji-id")):
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if tag == "blockquote" and attribute == "expandable":
        return "expandable"
    return None


def parse_html(source: str) -> tuple[str, list[JSON]]:
    """Parse Telegram HTML into plain text and entities, or raise a 400 ApiError."""
    text, entities = _Html(source).run()
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return text, entities


def finish_text(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Trim surrounding whitespace like Telegram, shifting and clipping the entities."""
    stripped = text.strip("".join(_SPACES))
    lead = utf16_len(text[: len(text) - len(text.lstrip("".join(_SPACES)))])
    total = utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        end = min(total, entity["offset"] + entity["length"] - lead)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    result.sort(key=lambda e: (e["offset"], -e["length"]))
    return stripped, result


def check_entities(text: str, entities: Any) -> list[JSON]:
    """Validate an explicit ``entities`` parameter against the text."""
    total = utf16_len(text)
    if not isinstance(entities, list):
        raise bad_request("can't parse entities JSON object")
    for entity in entities:
        if not isinstance(entity, dict) or not isinstance(entity.get("type"), str):
            raise bad_request("can't parse entities: MessageEntity must be an Object with a type")
        offset, length = entity.get("offset"), entity.get("length")
        if not (isinstance(offset, int) and isinstance(length, int)):
            raise bad_request("can't parse entities: entity offset and length must be integers")
        if offset < 0 or length <= 0 or offset + length > total:
            raise bad_request("can't parse entities: entity is out of the text bounds")
    return [dict(entity) for entity in entities]


# --- Keyboards and commands ------------------------------------------------------------------

_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip
_OTHER_MARKUPS = ("keyboard", "remove_keyboard", "force_reply")


def check_reply_markup(markup: Any) -> JSON | None:
    """Validate reply_markup; return the inline keyboard to store in the message, if any."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if any(key in markup for key in _OTHER_MARKUPS):
            return None
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    if sum(map(len, rows)) > MAX_BUTTONS or any(len(row) > MAX_ROW for row in rows):
        raise bad_request("BUTTONS_TOO_MUCH")
    for row in rows:
        for button in row:
            _check_button(button)
    return {"inline_keyboard": [[dict(button) for button in row] for row in rows if row]}


def _check_button(button: Any) -> None:
    prefix = "can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise bad_request(prefix + "InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str):
        raise bad_request(prefix + 'Field "text" must be of type String')
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [key for key in _ACTIONS if key in button]
    if not actions:
        raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise bad_request("BUTTON_TYPE_INVALID")
    data = button.get("callback_data")
    if "callback_data" in button and not (
        isinstance(data, str) and 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA
    ):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if "url" in button and not (isinstance(url, str) and normalize_url(url)):
        raise bad_request("BUTTON_URL_INVALID")


_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")


def command_entities(text: str) -> list[JSON]:
    """``bot_command`` entities for ``/cmd`` and ``/cmd@botname`` tokens, as clients send them."""
    return [
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m[0])}
        for m in _COMMAND.finditer(text)
    ]
