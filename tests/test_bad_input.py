"""Bad input: a corpus of odd, hostile and unexpected updates through the real Application.

Each case in tests/bad_updates.py is fed in process (tests/offline.py, no network). The bot must
never reach PTB's error handler, never show a traceback, answer exactly as the case expects (or
stay silent on purpose), send only text Telegram accepts (checked with the fake server's HTML
parser) and forget every id afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update
from telegram.ext import Application, ContextTypes
from telegram.warnings import PTBDeprecationWarning

from bot.actions import MAX_CALLBACK_BYTES, parse_callback_data
from bot.bundle import Bundle
from bot.config import Config
from bot.telegram.app import PERSISTENCE_ID_SETS, build_application
from bot.telegram.holder import BundleHolder
from tests.bad_updates import MENU, NOT_FOUND, RESULTS, SOURCES, Case, corpus
from tests.e2e import TOKEN
from tests.fake_telegram.markup import ApiError, finish_text, parse_html, utf16_len
from tests.offline import OfflineRequest, message_update, to_update

CASES = corpus()
SENDS = ("sendMessage", "editMessageText")
Calls = list[tuple[str, dict[str, Any]]]


def make_app(bundle: Bundle) -> tuple[Application, OfflineRequest, list[BaseException]]:  # type: ignore[type-arg]
    """The production Application on an offline Bot API, with every handled error recorded."""
    config = Config(token=TOKEN, rate_limit_per_second=0, ephemeral_seconds=0)
    request = OfflineRequest()
    app = build_application(config, BundleHolder(config, bundle), request=request)
    errors: list[BaseException] = []

    async def record(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error or RuntimeError("error handler called without an error"))

    app.add_error_handler(record)
    return app, request, errors


@contextmanager
def no_error_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail if anything logs at ERROR or above (the bot's error handler does for every crash)."""
    with caplog.at_level(logging.ERROR):
        start = len(caplog.records)
        yield
        errors = [r for r in caplog.records[start:] if r.levelno >= logging.ERROR]
    assert not errors, [f"{r.name}: {r.getMessage()}" for r in errors]


def parse(payload: dict[str, Any], app: Application) -> Update:  # type: ignore[type-arg]
    """The update as PTB parses it (PTB's own deprecation notices while parsing are not ours)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return to_update(payload, app.bot)


def collapse(methods: list[str]) -> tuple[str, ...]:
    """Method names in order, repeats of the same method in a row counted once."""
    out: list[str] = []
    for m in methods:
        if not out or out[-1] != m:
            out.append(m)
    return tuple(out)


def shown_text(params: dict[str, Any]) -> str:
    """The text a person sees, after Telegram parses it; fails like Telegram's 400 would."""
    text = str(params.get("text", ""))
    if params.get("parse_mode") == "HTML":
        try:
            text, _ = finish_text(*parse_html(text))
        except ApiError as error:  # pragma: no cover - shown when the renderer breaks
            raise AssertionError(f"Telegram would refuse this: {error.description}\n{text}") from None
    assert text.strip(), "an empty message"
    assert utf16_len(text) <= 4096, f"{utf16_len(text)} UTF-16 units"
    return text


def check_keyboard(params: dict[str, Any], offered: frozenset[str]) -> None:
    """Buttons within Telegram's limits; every callback button decodes to a valid Action."""
    markup = params.get("reply_markup")
    if markup is None:
        return
    rows = markup["inline_keyboard"] if isinstance(markup, dict) else markup.inline_keyboard
    buttons = [b if isinstance(b, dict) else b.to_dict() for row in rows for b in row]
    assert 0 < len(buttons) <= 100 and all(len(row) <= 8 for row in rows)
    for button in buttons:
        if "url" in button:
            assert button["url"].startswith("https://")
            continue
        if "switch_inline_query" in button:  # Share: a page title to search for inline
            assert 0 < len(button["switch_inline_query"]) <= 256
            continue
        data = button["callback_data"]
        assert len(data.encode()) <= MAX_CALLBACK_BYTES, data
        assert parse_callback_data(data, offered) is not None, data


def check_calls(calls: Calls, bundle: Bundle) -> list[str]:
    """Checks every reply must pass; returns the texts shown."""
    texts = []
    for method, params in calls:
        assert "Traceback" not in repr(params), (method, params)
        if method in SENDS:
            texts.append(shown_text(params))
            check_keyboard(params, bundle.offered)
        if method == "answerCallbackQuery" and params.get("text"):
            assert len(params["text"]) <= 200
    return texts


def check_forgotten(app: Application) -> None:  # type: ignore[type-arg]
    """Nothing about the sender is left in the Application (see tests/test_forgetful.py)."""
    for name in PERSISTENCE_ID_SETS:
        assert getattr(app, name) == set(), name
    assert dict(app.user_data) == {} and dict(app.chat_data) == {}


def test_the_corpus_is_large_and_varied() -> None:
    assert len(CASES) >= 100
    assert len({c.name for c in CASES}) == len(CASES)
    kinds = {next(k for k in c.update if k != "update_id") for c in CASES if len(c.update) > 1}
    assert set(Update.ALL_TYPES) <= kinds, "a new update type needs a case"
    silent = [c for c in CASES if not c.expect.methods]
    assert 30 <= len(silent) < len(CASES) - 50


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_bad_input(case: Case, bundle: Bundle, caplog: pytest.LogCaptureFixture) -> None:
    app, request, errors = make_app(bundle)
    with no_error_logs(caplog):
        async with app:
            request.calls.clear()
            update = parse(case.update, app)
            await app.process_update(update)
            for _ in range(3):  # let an /erase note's deletion (after 0 s) run
                await asyncio.sleep(0)
            check_forgotten(app)
    assert errors == []
    calls = [(m, p) for m, p in request.calls if m != "getMe"]
    expect = case.expect
    assert collapse([m for m, _ in calls]) == expect.methods, calls
    texts = check_calls(calls, bundle)
    _ = bundle.strings(expect.lang)
    shown = "\n".join(texts)
    for msgid in expect.shows:
        assert _(msgid) in shown, (msgid, shown[:600])
    if expect.one_of:
        langs = bundle.library.languages
        assert any(bundle.strings(code)(m) in shown for code in langs for m in expect.one_of), \
            shown[:600]
    chat = update.effective_chat
    for method, params in calls:
        if method in SENDS:
            assert chat is not None and params["chat_id"] == chat.id
    if expect.toast is not None:
        [toast] = [p.get("text") for m, p in calls if m == "answerCallbackQuery"]
        assert (toast or "") == (_(expect.toast) if expect.toast else "")


async def test_every_update_type_passes_through_one_application(
        bundle: Bundle, caplog: pytest.LogCaptureFixture) -> None:
    """The whole corpus through one long-lived Application: nothing builds up, nothing breaks."""
    app, request, errors = make_app(bundle)
    with no_error_logs(caplog):
        async with app:
            for case in CASES:
                await app.process_update(parse(case.update, app))
            await asyncio.sleep(0.01)
            check_forgotten(app)
    assert errors == []
    check_calls(request.calls, bundle)


ODD = "\u200b\u200d\u202e\u202c\u2066\u2069\u0301\u0308 /@_:-\n\t<>&\"'🚨👨‍👩‍👧عa1"
TEXTS = st.one_of(
    st.text(min_size=1, max_size=5000),
    st.text(alphabet=ODD, min_size=1, max_size=300),
    st.builds(lambda cmd, rest: f"/{cmd} {rest}", st.sampled_from(
        ["start", "door", "hotlines", "officer", "warrant", "language", "privacy", "nope"]),
        st.text(max_size=80)),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS, language=st.sampled_from(["en", "es", "ar", "zh-hans", "tlh", "", None]))
def test_any_private_text_gets_exactly_one_reply(bundle: Bundle, text: str,
                                                  language: str | None) -> None:
    """Property: any text a person types gets one message back, within Telegram's limits."""
    with asyncio.Runner() as runner:
        app, request, errors = make_app(bundle)
        runner.run(app.initialize())
        request.calls.clear()
        update = message_update(1, 42, text, language_code=language)  # type: ignore[arg-type]
        runner.run(app.process_update(to_update(update, app.bot)))
        runner.run(app.shutdown())
    assert errors == []
    sent = [p for m, p in request.calls if m == "sendMessage"]
    assert len(sent) == 1, request.calls
    others = [m for m, _ in request.calls if m not in ("sendMessage", "deleteMessages")]
    assert others in ([], ["sendPhoto"]), request.calls  # the officer card comes as a picture
    [shown] = check_calls(request.calls, bundle)
    assert sent[0]["chat_id"] == 42
    if not text.strip().startswith("/"):
        langs = bundle.library.languages
        shows = (MENU, NOT_FOUND, RESULTS, SOURCES)  # SOURCES: a page opened at once
        anything = {bundle.strings(code)(m) for code in langs for m in shows}
        assert any(a in shown for a in anything) or "📞" in shown, shown[:300]
