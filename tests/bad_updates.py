"""A corpus of hostile, odd and unusual Telegram updates, each with what the bot should do.

Every case is a raw update (as Telegram would POST it) and an ``Expect``: the Bot API methods the
bot calls, in order (repeated calls collapsed), and the texts its answer shows. Texts are English
msgids, translated into ``Expect.lang`` by the test; strings that are not msgids pass unchanged.
Used by tests/test_bad_input.py.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]
BOT_NAME = "kyr_test_bot"  # tests/offline.py BOT_USER
DATE = 1764300000
USER_ID = 5_550_001
GROUP_ID = -4_000_000_001
SUPERGROUP_ID = -1_001_234_567_890
CHANNEL_ID = -1_009_876_543_210

MENU = "Know your rights. What is happening now?"
NOTE = "I can only read text messages. Here is the menu."
OUT_OF_DATE = "That button is out of date. Here is the menu."
UNAVAILABLE = "That page is not available. Here is the menu."
NOT_FOUND = "I did not find that. Choose a topic:"
RESULTS = "Is it one of these?"
POINTER = "To keep you safe, I only answer in a private chat. Tap the button."
NATIONAL = "National hotlines"
LANGUAGES = "Choose your language:"
ERASED = "🧹 I deleted the recent messages of this chat."
SOURCES = "Sources:"


@dataclass(frozen=True)
class Expect:
    """What the bot does with one update; the default is deliberate silence."""

    methods: tuple[str, ...] = ()
    shows: tuple[str, ...] = ()
    lang: str = "en"
    toast: str | None = None  # the answerCallbackQuery text (a msgid); "" = answered, no text
    one_of: tuple[str, ...] = ()  # at least one of these is shown (search results vary)


@dataclass(frozen=True)
class Case:
    """One update and what it should produce."""

    name: str
    update: JSON
    expect: Expect = field(default_factory=Expect)


SILENT = Expect()
ANSWERED_ONLY = Expect(("answerCallbackQuery",), toast="")  # the spinner stops, nothing else


def note_menu(lang: str = "en") -> Expect:
    """Media, edits and channel posts: one new message with the note and the menu."""
    return Expect(("sendMessage",), (NOTE, MENU), lang)


def answer(*shows: str, lang: str = "en") -> Expect:
    """A private text or command: exactly one new message."""
    return Expect(("sendMessage",), shows, lang)


def pressed(*shows: str, lang: str = "en", method: str = "editMessageText") -> Expect:
    """A valid button: answered without a toast, the message turned into the screen."""
    return Expect(("answerCallbackQuery", method), shows, lang, toast="")


def forged(lang: str = "en", method: str = "editMessageText") -> Expect:
    """A forged, stale or junk button: a toast, and the message turned into the menu."""
    return Expect(("answerCallbackQuery", method), (MENU,), lang, toast=OUT_OF_DATE)


# --- building blocks ------------------------------------------------------------------------------


def user(uid: int = USER_ID, **fields: Any) -> JSON:
    """A Telegram user; ``field=None`` drops an optional field."""
    base: JSON = {"id": uid, "is_bot": False, "first_name": "Ana", "last_name": "Lee",
                  "username": "ana_lee", "language_code": "en"}
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def chat(kind: str = "private", cid: int | None = None) -> JSON:
    """A chat of ``kind`` (private chats take the user's id)."""
    if kind == "private":
        return {"id": cid or USER_ID, "type": "private", "first_name": "Ana"}
    ids = {"group": GROUP_ID, "supergroup": SUPERGROUP_ID, "channel": CHANNEL_ID}
    return {"id": cid or ids[kind], "type": kind, "title": "Neighbours <b>&</b>"}


def message(content: JSON, *, kind: str = "private", sender: JSON | None = None,
            message_id: int = 7, **extra: Any) -> JSON:
    """A message in a chat of ``kind`` from ``sender`` (None: no ``from``, as in channels)."""
    msg: JSON = {"message_id": message_id, "date": DATE, "chat": chat(kind), **content, **extra}
    if sender is not None:
        msg["from"] = sender
    return msg


def text_content(text: str) -> JSON:
    """``text`` with the bot_command entity Telegram adds to a leading command."""
    content: JSON = {"text": text}
    head = text.split(" ", 1)[0]
    if text.startswith("/") and len(head) > 1:
        content["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(head.encode("utf-16-le")) // 2}]
    return content


def private_text(text: str, **sender: Any) -> JSON:
    """A private message update with ``text``."""
    return {"message": message(text_content(text), sender=user(**sender))}


def group_text(text: str, kind: str = "group", **sender: Any) -> JSON:
    """A group or supergroup message update with ``text``."""
    return {"message": message(text_content(text), kind=kind, sender=user(**sender))}


def bot_message(kind: str = "private", message_id: int = 1) -> JSON:
    """The bot's own message that carries the buttons."""
    return {"message_id": message_id, "date": DATE, "chat": chat(kind), "text": "menu",
            "from": {"id": 4242, "is_bot": True, "first_name": "KYR", "username": BOT_NAME}}


def press(data: Any, *, missing: bool = False, on: JSON | None = None, **sender: Any) -> JSON:
    """A callback query with ``data`` (``missing``: no data key at all) on the bot's message."""
    query: JSON = {"id": "q1", "chat_instance": "ci", "from": user(**sender),
                   "message": on if on is not None else bot_message()}
    if not missing:
        query["data"] = data
    return {"callback_query": query}


def file(kind: str) -> JSON:
    """A file_id pair."""
    return {"file_id": f"{kind}-AgAD", "file_unique_id": f"{kind}-u"}


# --- the corpus -----------------------------------------------------------------------------------

JUNK_CALLBACK_DATA: list[tuple[str, Any]] = [
    ("empty", ""),
    ("colon only", ":"),
    ("colons only", ":::"),
    ("oversized 65 bytes", "1:en:t:" + "a" * 58),
    ("oversized topic", "1:en:t:at-home" + "-x" * 30),
    ("oversized unicode 66 bytes", "é" * 33),
    ("oversized 4 KiB", "1:en:m:" + "x" * 4096),
    ("wrong version 0", "0:en:m"),
    ("wrong version 2", "2:en:m"),
    ("wrong version 9", "9:en:t:at-home"),
    ("wrong version v1", "v1:en:m"),
    ("wrong version 1.0", "1.0:en:m"),
    ("unknown language xx", "1:xx:m"),
    ("unknown language upper EN", "1:EN:m"),
    ("unknown language en-us", "1:en-us:m"),
    ("unknown language zh", "1:zh:t:at-home"),
    ("empty language", "1::m"),
    ("unknown kind z", "1:en:z"),
    ("unknown kind upper M", "1:en:M"),
    ("empty kind", "1:en:"),
    ("search kind is never a button", "1:en:q:door"),
    ("menu with an argument", "1:en:m:at-home"),
    ("too many parts", "1:en:t:at-home:extra"),
    ("path traversal", "1:en:t:../../etc/passwd"),
    ("path traversal encoded", "1:en:t:..%2f..%2fetc"),
    ("path traversal backslash", "1:en:x:..\\..\\win.ini"),
    ("absolute path", "1:en:t:/etc/shadow"),
    ("sql injection", "1:en:t:' OR 1=1 --"),
    ("sql drop table", "1:en:r:IL'; DROP TABLE users;--"),
    ("sql in language", "1:en' OR '1'='1:m"),
    ("html in data", "1:en:t:<b>x</b>"),
    ("script tag", "<script>alert(1)</script>"),
    ("format string", "1:en:t:%s%s%n{0}"),
    ("python attribute", "{0.__class__.__mro__}"),
    ("json object", '{"lang": "en", "kind": "m"}'),
    ("cyrillic look-alike topic", "1:en:t:аt-home"),
    ("zero-width in topic", "1:en:t:at\u200b-home"),
    ("bidi override topic", "1:ar:t:\u202eemoh-ta"),
    ("nul byte", "1:en:m:\x00"),
    ("trailing newline", "1:en:t:at-home\n"),
    ("emoji version", "🙂:en:m"),
    ("lower-case region", "1:en:r:il"),
    ("three-letter region", "1:en:r:ILL"),
    ("two-digit state page", "1:en:s:10"),
    ("negative state page", "1:en:s:-1"),
    ("upper-case topic", "1:en:t:AT-HOME"),
    ("double dash topic", "1:en:t:at--home"),
]


def _callback_cases() -> list[Case]:
    cases = [Case(f"callback: {name}", press(data), forged()) for name, data in JUNK_CALLBACK_DATA]
    cases += [
        Case("callback: no data at all (a game button)", press(None, missing=True), forged()),
        Case("callback: forged, Spanish speaker", press("9:es:m", language_code="es"),
             forged("es")),
        Case("callback: forged, Arabic speaker", press("1:ar:zz", language_code="ar"),
             forged("ar")),
        Case("callback: forged, unknown language_code", press("x", language_code="tlh"),
             forged()),
        Case("callback: forged, no language_code", press("x", language_code=None), forged()),
        Case("callback: forged, no username", press("x", username=None, last_name=None),
             forged()),
        Case("callback: forged on an inaccessible message",
             press("1:xx:m", on={"chat": chat(), "message_id": 1, "date": 0}),
             forged(method="sendMessage")),
        Case("callback: valid on an inaccessible message",
             press("1:en:h", on={"chat": chat(), "message_id": 1, "date": 0}),
             pressed(NATIONAL, method="sendMessage")),
        Case("callback: inline message (no chat)",
             {"callback_query": {"id": "q2", "chat_instance": "ci", "from": user(),
                                 "inline_message_id": "AAAA", "data": "1:en:m"}},
             Expect(("answerCallbackQuery",), toast="")),
        Case("callback: unknown topic (well formed)", press("1:en:t:no-such-topic"),
             pressed(UNAVAILABLE, MENU)),
        Case("callback: more of an unknown topic", press("1:en:x:no-such-topic"),
             pressed(UNAVAILABLE, MENU)),
        Case("callback: unknown region (well formed)", press("1:en:r:ZZ"), pressed(NATIONAL)),
        Case("callback: state page past the end", press("1:en:s:9"),
             pressed("Choose your state or territory")),
        Case("callback: valid topic", press("1:en:t:at-home"), pressed(SOURCES)),
        Case("callback: valid language switch", press("1:es:m"), pressed(MENU, lang="es")),
        Case("callback: valid erase sends anew", press("1:en:e"),
             Expect(("answerCallbackQuery", "sendMessage", "deleteMessages"), (ERASED,), toast="")),
        # only the presser's own private chat is acted on: elsewhere answered, nothing deleted
        *(Case(f"callback: erase pressed in a {kind}", press("1:en:e", on=bot_message(kind)),
               ANSWERED_ONLY) for kind in ("group", "supergroup", "channel")),
        *(Case(f"callback: menu pressed in a {kind}", press("1:en:m", on=bot_message(kind)),
               ANSWERED_ONLY) for kind in ("group", "channel")),
        Case("callback: erase in someone else's private chat",
             press("1:en:e", on={**bot_message(), "chat": chat(cid=USER_ID + 1)}), ANSWERED_ONLY),
    ]
    return cases


LONG_TEXTS: list[tuple[str, str]] = [
    ("exactly 4096 characters", "q" * 4096),
    ("4097 characters", "q" * 4097),
    ("10000 characters with spaces", "qzx " * 2500),
    ("4096 emoji (8192 UTF-16 units)", "🧿" * 4096),
    ("4096 characters of Arabic", "ع" * 4096),
]
ODD_TEXTS: list[tuple[str, str]] = [
    ("zero-width only", "\u200b\u200c\u200d\ufeff"),
    ("zero-width inside a word", "q\u200bz\u200dx"),
    ("bidi override", "\u202eqzx\u202c"),
    ("bidi isolates", "\u2066\u2067\u2068qzx\u2069"),
    ("combining marks", "q\u0301\u0302\u0303\u0304" * 200),
    ("zalgo", "Z̸̡̢̛̗̘̙̜̝̞̟̠̊̋̌̍̎̏̐̑̒̓̔ą̷̨̛̛̖̗̘̙̜̝̞̟̠̊̋̌̍̎̏̐̑̒̓"),
    ("emoji only", "🚨🚨🚨"),
    ("family emoji (ZWJ sequence)", "👨‍👩‍👧‍👦"),
    ("flag emoji", "🇺🇸🇲🇽"),
    ("whitespace only", " \t \n "),
    ("control characters", "\x01\x1b[31mqzx\x7f"),
    ("html tags", "<b>qzx</b><script>alert(1)</script>"),
    ("html entities", "&amp; &lt; &#0; &#xD800;"),
    ("sql injection", "'; DROP TABLE users; --"),
    ("format string", "%s %n {0} {lang} %(x)s"),
    ("lone surrogate", "qzx\ud800"),
    ("private use characters", "\ue000\uf8ff"),
    ("non-characters", "\ufffe\uffff"),
    ("mathematical letters", "𝐪𝐳𝐱"),
]
COMMANDS: list[tuple[str, str, Expect]] = [
    ("/start", "/start", answer(MENU)),
    ("/START in capitals", "/START", answer(MENU)),
    ("/start addressed to this bot", f"/start@{BOT_NAME}", answer(MENU)),
    ("/start addressed to another bot", "/start@other_bot", answer(MENU)),
    ("/start with a huge payload", "/start " + "x" * 5000, answer(MENU)),
    ("/start with path traversal", "/start ../../etc/passwd", answer(MENU)),
    ("/start with a traversal topic", "/start es_../../x", answer(MENU, lang="es")),
    ("/start with an unknown language", "/start zz", answer(MENU)),
    ("/start deep link", "/start es_at-home", answer(SOURCES, lang="es")),
    ("/start with an emoji payload", "/start 🚨", answer(MENU)),
    ("unknown command", "/unknown", answer(MENU)),
    ("slash only", "/", answer(MENU)),
    ("double slash", "//", answer(MENU)),
    ("/door with arguments", "/door now please", answer(SOURCES)),
    ("/hotlines", "/hotlines", answer(NATIONAL)),
    ("/language", "/language", answer(LANGUAGES)),
    ("/privacy", "/privacy", answer(SOURCES)),
    ("/officer", "/officer",  # the page, then the card as a picture to hold up
     Expect(("sendMessage", "sendPhoto"), ("I will remain silent.",))),
    ("/warrant", "/warrant", answer("Look at the top of the paper")),
    ("/erase", "/erase", Expect(("sendMessage", "deleteMessages"), (ERASED,))),
    ("/start with a zero-width space", "/start\u200b", answer(MENU)),
    ("greeting in Spanish", "Hola", answer(MENU, lang="es")),
    ("state name", "Illinois", answer("+1 855-435-7693")),
    ("Arabic question", "الشرطة عند الباب", answer(SOURCES, lang="ar")),  # opens the door page
]


def _text_cases() -> list[Case]:
    search = Expect(("sendMessage",), one_of=(NOT_FOUND, RESULTS))
    cases = [Case(f"text: {name}", private_text(text), answer(NOT_FOUND, MENU))
             for name, text in LONG_TEXTS]
    cases += [Case(f"text: {name}", private_text(text), search) for name, text in ODD_TEXTS]
    cases += [Case(f"command: {name}", private_text(text), expect)
              for name, text, expect in COMMANDS]
    no_from = private_text("/start")
    del no_from["message"]["from"]
    cases += [
        Case("missing: no from", no_from, answer(MENU)),
        Case("missing: no language_code", private_text("/start", language_code=None),
             answer(MENU)),
        Case("missing: no username or last name",
             private_text("/start", username=None, last_name=None), answer(MENU)),
        Case("odd: empty language_code", private_text("/start", language_code=""),
             answer(MENU)),
        Case("odd: unknown language_code", private_text("/start", language_code="tlh"),
             answer(MENU)),
        Case("odd: regional language_code", private_text("/start", language_code="es-MX"),
             answer(MENU, lang="es")),
        Case("odd: names full of markup",
             private_text("/start", first_name="<b>&", last_name="</i>", username="x_y"),
             answer(MENU)),
        Case("odd: entity past the end of the text",
             {"message": message({"text": "qzx", "entities": [
                 {"type": "bold", "offset": 2, "length": 99}]}, sender=user())},
             answer(NOT_FOUND, MENU)),
        Case("odd: forwarded text",
             {"message": message(text_content("qzx"), sender=user(), forward_origin={
                 "type": "hidden_user", "sender_user_name": "X", "date": DATE})},
             answer(NOT_FOUND, MENU)),
        Case("odd: a reply to the bot's message",
             {"message": message(text_content("/start"), sender=user(),
                                 reply_to_message=bot_message())}, answer(MENU)),
        Case("odd: sent via an inline bot",
             {"message": message(text_content("qzx"), sender=user(), via_bot={
                 "id": 99, "is_bot": True, "first_name": "Other", "username": "other_bot"})},
             answer(NOT_FOUND, MENU)),
        Case("odd: message without any content", {"message": message({}, sender=user())},
             note_menu()),
    ]
    return cases


MEDIA: list[tuple[str, JSON]] = [
    ("sticker", {"sticker": {**file("sticker"), "type": "regular", "width": 512, "height": 512,
                             "is_animated": False, "is_video": False, "emoji": "👍"}}),
    ("photo", {"photo": [{**file("photo"), "width": 90, "height": 90}]}),
    ("photo with a caption", {"photo": [{**file("photo"), "width": 90, "height": 90}],
                              "caption": "where is my door"}),
    ("voice", {"voice": {**file("voice"), "duration": 3, "mime_type": "audio/ogg"}}),
    ("video", {"video": {**file("video"), "width": 640, "height": 480, "duration": 5}}),
    ("video note", {"video_note": {**file("vnote"), "length": 240, "duration": 5}}),
    ("audio", {"audio": {**file("audio"), "duration": 60, "title": "<b>song</b>"}}),
    ("document", {"document": {**file("doc"), "file_name": "../../etc/passwd",
                               "mime_type": "application/pdf"}}),
    ("animation", {"animation": {**file("gif"), "width": 1, "height": 1, "duration": 1},
                   "document": {**file("gif")}}),
    ("location", {"location": {"latitude": 40.7128, "longitude": -74.006}}),
    ("live location", {"location": {"latitude": 41.88, "longitude": -87.63,
                                    "live_period": 900, "heading": 90}}),
    ("venue", {"venue": {"location": {"latitude": 41.88, "longitude": -87.63},
                         "title": "Court", "address": "1 Main St"},
               "location": {"latitude": 41.88, "longitude": -87.63}}),
    ("contact", {"contact": {"phone_number": "+12125550123", "first_name": "Ana",
                             "user_id": USER_ID}}),
    ("poll", {"poll": {"id": "p1", "question": "Safe?", "options": [
        {"text": "yes", "voter_count": 0, "persistent_id": "o1"},
        {"text": "no", "voter_count": 0, "persistent_id": "o2"}],
        "total_voter_count": 0, "is_closed": False, "is_anonymous": True, "type": "regular",
        "allows_multiple_answers": False, "allows_revoting": False,
        "members_only": False}}),
    ("dice", {"dice": {"emoji": "🎲", "value": 6}}),
    ("game", {"game": {"title": "g", "description": "d", "photo": [
        {**file("gp"), "width": 1, "height": 1}]}}),
    ("story", {"story": {"chat": chat(), "id": 1}}),
]
SERVICE: list[tuple[str, JSON]] = [
    ("pinned message", {"pinned_message": bot_message()}),
    ("auto-delete timer changed", {"message_auto_delete_timer_changed": {
        "message_auto_delete_time": 86400}}),
    ("write access allowed", {"write_access_allowed": {"from_request": True}}),
]
GROUP_SERVICE: list[tuple[str, JSON]] = [
    ("bot added (new_chat_members)", {"new_chat_members": [
        {"id": 4242, "is_bot": True, "first_name": "KYR", "username": BOT_NAME}]}),
    ("member left (left_chat_member)", {"left_chat_member": user(6)}),
    ("pinned message", {"pinned_message": bot_message("group")}),
    ("new title", {"new_chat_title": "<script>"}),
    ("group created", {"group_chat_created": True}),
    ("migrated to a supergroup", {"migrate_to_chat_id": SUPERGROUP_ID}),
]


def _message_type_cases() -> list[Case]:
    cases = [Case(f"private {name}", {"message": message(content, sender=user())}, note_menu())
             for name, content in MEDIA]
    cases.append(Case("private sticker from an Arabic speaker", {"message": message(
        MEDIA[0][1], sender=user(language_code="ar"))}, note_menu("ar")))
    cases += [Case(f"private service: {name}", {"message": message(content, sender=user())})
              for name, content in SERVICE]
    cases += [Case(f"group {name}", {"message": message(content, kind="group", sender=user())})
              for name, content in MEDIA[:4] + GROUP_SERVICE]
    cases += [Case(f"supergroup {name}", {"message": message(content, kind="supergroup",
                                                              sender=user())})
              for name, content in MEDIA[:2] + GROUP_SERVICE[:2]]
    return cases


def _chat_kind_cases() -> list[Case]:
    anonymous_admin = group_text(f"/start@{BOT_NAME}", "supergroup")
    del anonymous_admin["message"]["from"]
    anonymous_admin["message"]["sender_chat"] = chat("supergroup")
    forum = group_text("where is my door", "supergroup")
    forum["message"].update(message_thread_id=3, is_topic_message=True)
    pointer = Expect(("sendMessage",), (POINTER,))
    cases = [
        Case("group: plain text", group_text("where is my door"), SILENT),
        Case("group: command not addressed to anyone", group_text("/start"), SILENT),
        Case("group: command addressed to this bot", group_text(f"/start@{BOT_NAME}"), pointer),
        Case("group: command addressed in capitals", group_text(f"/door@{BOT_NAME.upper()}"),
             pointer),
        Case("group: command addressed to another bot", group_text("/start@other_bot"), SILENT),
        Case("group: Spanish speaker's command", group_text(
            f"/hotlines@{BOT_NAME} es", language_code="es"), Expect(("sendMessage",), (POINTER,),
                                                                     "es")),
        Case("group: 4097 characters", group_text("q" * 4097), SILENT),
        Case("supergroup: plain text", group_text("where is my door", "supergroup"), SILENT),
        Case("supergroup: addressed command", group_text(f"/start@{BOT_NAME}", "supergroup"),
             pointer),
        Case("supergroup: anonymous admin's command", anonymous_admin, pointer),
        Case("supergroup: forum topic text", forum, SILENT),
        Case("group: edited command", {"edited_message": message(
            text_content(f"/start@{BOT_NAME}"), kind="group", sender=user(),
            edit_date=DATE + 5)}, SILENT),
        Case("private: edited text", {"edited_message": message(
            text_content("where is my door"), sender=user(), edit_date=DATE + 5)}, note_menu()),
        Case("private: edited text, Spanish speaker", {"edited_message": message(
            text_content("dónde"), sender=user(language_code="es"), edit_date=DATE + 5)},
            note_menu("es")),
        Case("private: edited caption", {"edited_message": message(
            {**MEDIA[2][1], "caption": "x"}, sender=user(), edit_date=DATE + 5)}, note_menu()),
        # a bot in a channel answers nobody: no menu under the channel's posts
        Case("channel: text post", {"channel_post": message(text_content("news"),
                                                            kind="channel")}, SILENT),
        Case("channel: photo post", {"channel_post": message(MEDIA[1][1], kind="channel")},
             SILENT),
        Case("channel: command post", {"channel_post": message(
            text_content(f"/start@{BOT_NAME}"), kind="channel")}, SILENT),
        Case("channel: edited post", {"edited_channel_post": message(
            text_content("news, edited"), kind="channel", edit_date=DATE + 5)}, SILENT),
        Case("channel: pinned post (service)", {"channel_post": message(
            {"pinned_message": bot_message("channel")}, kind="channel")}, SILENT),
    ]
    return cases


def _member(status: str, uid: int = USER_ID) -> JSON:
    extra: JSON = {"until_date": 0} if status == "kicked" else {}
    return {"status": status, "user": user(uid), **extra}


def _other_update_cases() -> list[Case]:
    poll = MEDIA[13][1]["poll"]
    shipping = {"country_code": "US", "state": "IL", "city": "Chicago", "street_line1": "1 Main",
                "street_line2": "", "post_code": "60601"}
    updates: list[tuple[str, JSON]] = [
        ("inline query", {"inline_query": {"id": "iq", "from": user(), "query": "door",
                                           "offset": ""}}),
        ("inline query, 256 characters of junk", {"inline_query": {
            "id": "iq", "from": user(), "query": "<b>" * 64, "offset": "x", "chat_type": "sender"}}),
        ("chosen inline result", {"chosen_inline_result": {"result_id": "r", "from": user(),
                                                           "query": "door"}}),
        ("shipping query", {"shipping_query": {"id": "s", "from": user(), "invoice_payload": "x",
                                               "shipping_address": shipping}}),
        ("pre-checkout query", {"pre_checkout_query": {
            "id": "p", "from": user(), "currency": "USD", "total_amount": 100,
            "invoice_payload": "x"}}),
        ("poll state", {"poll": poll}),
        ("poll answer", {"poll_answer": {"poll_id": "p1", "user": user(), "option_ids": [0],
                                         "option_persistent_ids": ["o1"]}}),
        ("my_chat_member: blocked", {"my_chat_member": {
            "chat": chat(), "from": user(), "date": DATE, "old_chat_member": _member("member", 4242),
            "new_chat_member": _member("kicked", 4242)}}),
        ("my_chat_member: added to a group", {"my_chat_member": {
            "chat": chat("group"), "from": user(), "date": DATE,
            "old_chat_member": _member("left", 4242), "new_chat_member": _member("member", 4242)}}),
        ("chat_member", {"chat_member": {
            "chat": chat("supergroup"), "from": user(), "date": DATE,
            "old_chat_member": _member("left"), "new_chat_member": _member("member")}}),
        ("chat_join_request", {"chat_join_request": {
            "chat": chat("supergroup"), "from": user(), "user_chat_id": USER_ID, "date": DATE}}),
        ("message reaction", {"message_reaction": {
            "chat": chat(), "message_id": 1, "user": user(), "date": DATE, "old_reaction": [],
            "new_reaction": [{"type": "emoji", "emoji": "👍"}]}}),
        ("message reaction count", {"message_reaction_count": {
            "chat": chat("channel"), "message_id": 1, "date": DATE,
            "reactions": [{"type": {"type": "emoji", "emoji": "👍"}, "total_count": 3}]}}),
        ("chat boost", {"chat_boost": {"chat": chat("channel"), "boost": {
            "boost_id": "b", "add_date": DATE, "expiration_date": DATE + 1,
            "source": {"source": "premium", "user": user()}}}}),
        ("removed chat boost", {"removed_chat_boost": {
            "chat": chat("channel"), "boost_id": "b", "remove_date": DATE,
            "source": {"source": "premium", "user": user()}}}),
        ("business connection", {"business_connection": {
            "id": "bc", "user": user(), "user_chat_id": USER_ID, "date": DATE,
            "is_enabled": True}}),
        ("business message (text)", {"business_message": message(
            text_content("where is my door"), sender=user(), business_connection_id="bc")}),
        ("business message (sticker)", {"business_message": message(
            MEDIA[0][1], sender=user(), business_connection_id="bc")}),
        ("edited business message", {"edited_business_message": message(
            text_content("x"), sender=user(), business_connection_id="bc", edit_date=DATE)}),
        ("deleted business messages", {"deleted_business_messages": {
            "business_connection_id": "bc", "chat": chat(), "message_ids": [1, 2]}}),
        ("purchased paid media", {"purchased_paid_media": {"from": user(),
                                                           "paid_media_payload": "x"}}),
        ("managed bot", {"managed_bot": {"user": user(), "bot": {
            "id": 77, "is_bot": True, "first_name": "Managed", "username": "managed_bot"}}}),
        ("guest message (text)", {"guest_message": message(
            text_content("where is my door"), sender=user(), guest_query_id="gq")}),
        ("guest message (sticker)", {"guest_message": message(
            MEDIA[0][1], sender=user(), guest_query_id="gq")}),
        ("unknown update type", {"future_update_kind": {"anything": ["at", "all"]}}),
        ("unknown update type shaped like a message", {"message_v2": private_text("/start")[
            "message"]}),
        ("update_id only", {}),
    ]
    inline = Expect(("answerInlineQuery",))  # answered from the content, nothing else
    return [Case(f"update: {name}", update, inline if "inline_query" in update else SILENT)
            for name, update in updates]


def corpus() -> list[Case]:
    """Every case, each update given a distinct update_id (fresh copies, safe to mutate)."""
    cases = (_callback_cases() + _text_cases() + _message_type_cases() + _chat_kind_cases()
             + _other_update_cases())
    out = []
    for n, case in enumerate(cases, 1):
        update = {"update_id": 100 + n, **copy.deepcopy(case.update)}
        out.append(Case(case.name, update, case.expect))
    return out
