"""Tests of the fake Bot API server, driven by PTB's real ``telegram.Bot`` and the test client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from telegram import (
    Bot,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from tests.e2e import TOKEN
from tests.fake_telegram.client import FakeTelegram
from tests.fake_telegram.markup import parse_html

USER = 4242


@pytest.fixture(scope="module")
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram.start(TOKEN) as fake:
        yield fake


@pytest.fixture(autouse=True)
def _clean(tg: FakeTelegram) -> None:
    tg.reset()


@pytest_asyncio.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=tg.base_url) as bot:
        yield bot


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(d[:10] or "x", callback_data=d)] for d in data]
    )


@pytest.mark.asyncio
async def test_get_me_token_and_unknown_method(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.is_bot, me.username) == (True, "kyr_test_bot")
    assert str(me.id) == TOKEN.split(":")[0]  # the bot id is the token's first part
    assert me.can_join_groups is True
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with Bot("123456:wrong", base_url=tg.base_url):
            pass
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")
    assert tg.request("POST", f"/bot{TOKEN}/GETME")["result"]["username"] == "kyr_test_bot"
    assert tg.calls("getMe")[-1]["method"] == "getMe"


@pytest.mark.asyncio
async def test_send_message_parses_html_into_entities(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_text(USER, "hello")
    html = '<b>Hi</b> 😀 <i>x</i> <a href="https://example.org">l</a> &lt;&amp;&gt;'
    message = await bot.send_message(USER, html, parse_mode="HTML")
    assert message.text == "Hi 😀 x l <&>"
    assert message.message_id == 2  # one sequence for the user's and the bot's messages
    assert message.from_user is not None and message.from_user.is_bot
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bold", 0, 2),
        ("italic", 6, 1),
        ("text_link", 8, 1),
    ]
    assert message.entities[2].url == "https://example.org/"
    stored = tg.chat(USER)[-1]
    assert stored["from_bot"] and stored["text"] == message.text
    call = tg.calls("sendMessage")[-1]
    # PTB 22.8 sends form-urlencoded strings, with nested values JSON-encoded.
    assert call["content_type"] == "application/x-www-form-urlencoded"
    assert call["params"]["chat_id"] == str(USER)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("html", "detail"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
async def test_malformed_html_is_refused(
    tg: FakeTelegram, bot: Bot, html: str, detail: str
) -> None:
    tg.send_text(USER, "hi")
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(USER, html, parse_mode="HTML")
    call = tg.calls("sendMessage")[-1]
    assert call["status"] == 400
    assert call["description"] == f"Bad Request: can't parse entities: {detail}"
    assert len(tg.chat(USER)) == 1


@pytest.mark.asyncio
async def test_text_limits_count_utf16_after_parsing(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_text(USER, "hi")
    await bot.send_message(USER, "a" * 4096)
    await bot.send_message(USER, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    await bot.send_message(USER, "😀" * 2048)
    for too_long in ("a" * 4097, "😀" * 2048 + "a"):
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(USER, too_long)
    for empty in ("", "  \n ", "<b> </b>"):
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.send_message(USER, empty, parse_mode="HTML")


@pytest.mark.asyncio
async def test_inline_keyboard_limits(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_text(USER, "hi")
    await bot.send_message(USER, "ok", reply_markup=keyboard("a" * 64, "é" * 32))
    for data in ("a" * 65, "é" * 33, ""):
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await bot.send_message(USER, "no", reply_markup=keyboard(data))
    row = [InlineKeyboardButton(str(i), callback_data=str(i)) for i in range(9)]
    with pytest.raises(BadRequest, match=r"(?i)buttons_too_much"):
        await bot.send_message(USER, "no", reply_markup=InlineKeyboardMarkup([row]))
    bad_url = InlineKeyboardMarkup([[InlineKeyboardButton("x", url="not a url")]])
    with pytest.raises(BadRequest, match=r"(?i)button_url_invalid"):
        await bot.send_message(USER, "no", reply_markup=bad_url)


@pytest.mark.asyncio
async def test_edit_message_text(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_text(USER, "hi")
    sent = await bot.send_message(
        USER, "<b>menu</b>", parse_mode="HTML", reply_markup=keyboard("a")
    )
    with pytest.raises(BadRequest, match="Message is not modified: specified new message content"):
        await bot.edit_message_text(
            "<b>menu</b>", USER, sent.message_id, parse_mode="HTML", reply_markup=keyboard("a")
        )
    edited = await bot.edit_message_text("menu", USER, sent.message_id, reply_markup=keyboard("a"))
    assert isinstance(edited, Message) and edited.edit_date is not None
    await bot.edit_message_text("menu", USER, sent.message_id)  # no markup: keyboard removed
    assert tg.chat(USER)[-1]["reply_markup"] is None
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", USER, 999)
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("x", USER, 1)


@pytest.mark.asyncio
async def test_delete_messages_skips_what_cannot_be_deleted(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_text(USER, "hi")
    ids = [(await bot.send_message(USER, f"m{i}")).message_id for i in range(3)]
    assert ids == [2, 3, 4]
    assert await bot.delete_messages(USER, [ids[0], ids[2], 999]) is True
    assert [(m["message_id"], m["text"]) for m in tg.chat(USER)] == [(1, "hi"), (3, "m1")]
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(USER, ids[0])


@pytest.mark.asyncio
async def test_long_polling_returns_a_command_as_soon_as_it_arrives(
    tg: FakeTelegram, bot: Bot
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=8))
    await _until(lambda: tg.calls("getUpdates"))
    assert not poll.done()
    assert tg.calls("getUpdates")[-1]["status"] is None  # recorded while in flight
    started = asyncio.get_running_loop().time()
    sent = await asyncio.to_thread(tg.send_text, USER, "/start@kyr_test_bot go", "pt-br")
    updates = await asyncio.wait_for(poll, 5)
    assert asyncio.get_running_loop().time() - started < 2
    (update,) = updates
    assert update.update_id == sent["update_id"] and update.message is not None
    assert update.message.from_user is not None
    assert update.message.from_user.language_code == "pt-br"
    assert update.message.parse_entities(["bot_command"]) == {
        update.message.entities[0]: "/start@kyr_test_bot"
    }
    assert tg.pending_updates() != []
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    assert tg.pending_updates() == []


@pytest.mark.asyncio
async def test_a_second_poller_terminates_the_first(tg: FakeTelegram, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await _until(lambda: tg.calls("getUpdates"))  # the first poll is under way
    async with Bot(TOKEN, base_url=tg.base_url) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first


@pytest.mark.asyncio
async def test_user_side_updates_parse_in_ptb(tg: FakeTelegram, bot: Bot) -> None:
    first = tg.send_text(USER, "hello")
    tg.send(USER, kind="sticker")
    tg.send(USER, kind="photo", text="caption")
    tg.send_text(USER, "hello again", edited=True, message_id=first["message_id"])
    tg.send_text(USER, "/news", chat_id=-1001, chat_type="channel")
    tg.raw_update({"no_such_update": {"x": 1}})
    updates = await bot.get_updates()
    assert updates[1].message is not None and updates[1].message.sticker is not None
    assert updates[2].message is not None and updates[2].message.caption == "caption"
    assert updates[3].edited_message is not None
    assert updates[3].edited_message.text == "hello again"
    assert updates[4].channel_post is not None and updates[4].channel_post.chat.type == "channel"
    assert updates[5].api_kwargs == {"no_such_update": {"x": 1}}


@pytest.mark.asyncio
async def test_allowed_updates_filter_what_polling_gets(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_text(USER, "hi")
    sent = await bot.send_message(USER, "pick", reply_markup=keyboard("a"))
    tg.press(USER, sent.message_id, "a")
    tg.send(USER, chat_id=-100, chat_type="group", text="/help@kyr_test_bot")
    updates = await bot.get_updates(allowed_updates=["message"])
    assert [u.message.text for u in updates if u.message] == ["hi", "/help@kyr_test_bot"]
    assert len(updates) == 2 and tg.pending_updates()[0]["message"]["text"] == "hi"


@pytest.mark.asyncio
async def test_button_press_and_answer(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_text(USER, "hi")
    sent = await bot.send_message(USER, "pick", reply_markup=keyboard("topic:1"))
    pressed = tg.press(USER, sent.message_id, "forged:data", language_code="es")
    update = (await bot.get_updates())[-1]
    query = update.callback_query
    assert query is not None and query.id == pressed["callback_query_id"]
    assert (query.data, query.from_user.language_code) == ("forged:data", "es")
    assert query.chat_instance and isinstance(query.message, Message)
    assert query.message.reply_markup == keyboard("topic:1")
    with pytest.raises(BadRequest):
        await bot.answer_callback_query(query.id, text="x" * 201)
    assert await bot.answer_callback_query(query.id, text="Done") is True
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query.id)


@pytest.mark.asyncio
async def test_blocked_user_and_unknown_chat(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(USER, "hi")
    tg.send_text(USER, "hi")
    tg.block(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "hi")
    start = tg.send_text(USER, "/start")  # writing to the bot again unblocks it
    reply = ReplyParameters(start["message_id"])
    answer = await bot.send_message(USER, "welcome back", reply_parameters=reply)
    assert answer.reply_to_message is not None and answer.reply_to_message.text == "/start"
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(USER, "x", reply_parameters=ReplyParameters(999))


@pytest.mark.asyncio
async def test_fault_injection(tg: FakeTelegram, bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without PTB_TIMEDELTA, building RetryAfter emits a PTBDeprecationWarning (an error here).
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    tg.send_text(USER, "hi")
    tg.fault("sendMessage", 429, retry_after=1)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(USER, "first")
    assert raised.value.retry_after == timedelta(seconds=1)
    assert tg.calls("sendMessage")[-1]["status"] == 429
    await asyncio.sleep(1.05)  # a call before retry_after runs out is refused again
    await bot.send_message(USER, "second")
    tg.fault("sendMessage", 502, chat_id=USER, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(USER, "x")
    tg.fault("sendMessage", "timeout", delay=1.0)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "slow", read_timeout=0.3)
    assert tg.chat(USER)[-1]["text"] == "slow"  # Telegram still sent it


@pytest.mark.asyncio
async def test_commands_and_descriptions_per_language_and_scope(tg: FakeTelegram, bot: Bot) -> None:
    assert await bot.set_my_commands([("start", "Start")]) is True
    assert await bot.set_my_commands([("start", "Empezar")], language_code="es") is True
    private = {"commands": [{"command": "help", "description": "Help"}],
               "scope": {"type": "all_private_chats"}}  # fmt: skip
    assert tg.request("POST", f"/bot{TOKEN}/setMyCommands", private)["result"] is True  # JSON body
    scoped = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats())
    assert [c.command for c in scoped] == ["help"]
    assert [c.description for c in await bot.get_my_commands()] == ["Start"]
    assert [c.description for c in await bot.get_my_commands(language_code="es")] == ["Empezar"]
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([("Start!", "x")])
    assert await bot.delete_my_commands(language_code="es") is True
    assert await bot.get_my_commands(language_code="es") == ()
    await bot.set_my_description("Hola", language_code="es")
    await bot.set_my_short_description("Short")
    assert (await bot.get_my_description(language_code="es")).description == "Hola"
    assert (await bot.get_my_description()).description == ""
    assert (await bot.get_my_short_description()).short_description == "Short"


class Receiver:
    """A tiny webhook endpoint that records what it gets and answers ``status``."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.got: list[tuple[dict[str, Any], str | None]] = []
        self.gate: asyncio.Event | None = None  # when set, each request waits for it

    async def handle(self, request: web.Request) -> web.Response:
        if self.gate is not None:
            await self.gate.wait()
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        self.got.append((json.loads(await request.read()), secret))
        return web.Response(status=self.status)


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    hook = Receiver()
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield hook, f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    await runner.cleanup()


async def _until(condition: Any, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)


@pytest.mark.asyncio
async def test_webhook_delivery_with_secret(
    tg: FakeTelegram, bot: Bot, receiver: tuple[Receiver, str]
) -> None:
    hook, url = receiver
    assert await bot.set_webhook(url, secret_token="s3cret_Token-1") is True
    sent = tg.send_text(USER, "/start")
    await _until(lambda: hook.got)
    ((update, secret),) = hook.got
    assert secret == "s3cret_Token-1"
    assert update["update_id"] == sent["update_id"] and update["message"]["text"] == "/start"
    delivery = (await asyncio.to_thread(tg.deliveries))[0]
    assert (delivery["status"], delivery["attempt"], delivery["error"]) == (200, 1, None)
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    assert (await bot.get_webhook_info()).pending_update_count == 0


@pytest.mark.asyncio
async def test_failed_webhook_deliveries_are_retried_until_acknowledged(
    tg: FakeTelegram, bot: Bot, receiver: tuple[Receiver, str]
) -> None:
    hook, url = receiver
    hook.status = 503
    await bot.set_webhook(url)
    sent = tg.send_text(USER, "hi")
    await _until(lambda: len(hook.got) == 3)
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 503 Service Unavailable"
    assert info.pending_update_count == 1  # Telegram keeps it
    hook.status = 200
    await _until(lambda: tg.pending_updates() == [])
    deliveries = await asyncio.to_thread(tg.deliveries)
    assert [d["status"] for d in deliveries][-1] == 200
    assert [d["attempt"] for d in deliveries] == list(range(1, len(deliveries) + 1))
    assert {d["update_id"] for d in deliveries} == {sent["update_id"]}
    await bot.set_webhook("http://127.0.0.1:9/nothing-listens")
    tg.send_text(USER, "again")
    await _until(lambda: len(tg.deliveries()) >= len(deliveries) + 2)
    assert tg.deliveries()[-1]["error"].startswith("Connection failed")
    assert len(tg.pending_updates()) == 1
    assert await bot.delete_webhook() is True
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["again"]


@pytest.mark.asyncio
async def test_webhook_deliveries_stay_within_max_connections(
    tg: FakeTelegram, bot: Bot, receiver: tuple[Receiver, str]
) -> None:
    hook, url = receiver
    hook.gate = release = asyncio.Event()
    await bot.set_webhook(url, max_connections=2)
    for n in range(5):
        tg.send_text(USER, f"n{n}")
    await _until(lambda: tg.webhook_stats()["in_flight"] == 2)
    await asyncio.sleep(0.3)
    assert tg.webhook_stats() == {"in_flight": 2, "most_in_flight": 2, "max_connections": 2}
    release.set()
    await _until(lambda: tg.pending_updates() == [])
    assert tg.webhook_stats()["most_in_flight"] == 2 and len(hook.got) == 5


@pytest.mark.asyncio
async def test_calls_before_retry_after_runs_out_are_refused_and_marked(
    tg: FakeTelegram, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    tg.send_text(USER, "hi")
    tg.fault("sendMessage", 429, retry_after=1, chat_id=USER)
    for _ in range(2):
        with pytest.raises(RetryAfter):
            await bot.send_message(USER, "x")
    assert [c.get("early", False) for c in tg.calls("sendMessage")] == [False, True]
    await asyncio.sleep(1.1)
    assert (await bot.send_message(USER, "now")).text == "now"


@pytest.mark.parametrize(
    ("html", "text", "entities"),
    [
        ("🏟 🏟<i>🏟 &gt;<b a=b>&lt🏟</b></i>", "🏟 🏟🏟 ><🏟", [("italic", 5, 7), ("bold", 9, 3)]),
        ("&lt;&gt;&amp;&quot;&laquo;&#128512;", '<>&"&laquo;😀', []),
        ('<pre><code class="language-py">x</code></pre>', "x", [("pre", 0, 1)]),
        ("<a>telegram.org</a> <tg-spoiler>s</tg-spoiler>", "telegram.org s",
         [("text_link", 0, 12), ("spoiler", 13, 1)]),
        ("<blockquote expandable>q</blockquote>", "q", [("expandable_blockquote", 0, 1)]),
    ],
)  # fmt: skip
def test_html_parser_follows_tdlib(
    html: str, text: str, entities: list[tuple[str, int, int]]
) -> None:
    parsed_text, parsed = parse_html(html)
    assert parsed_text == text
    assert [(e["type"], e["offset"], e["length"]) for e in parsed] == entities
