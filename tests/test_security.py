"""Security: no secrets in the repository, content cannot inject markup, the token never logs."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from telegram.error import InvalidToken

from bot.actions import Action, Kind
from bot.bundle import Bundle, load_bundle
from bot.config import ROOT
from bot.render.telegram import render
from bot.respond import respond
from bot.telegram.logs import CHATTY_LOGGERS, setup_logging
from tests.conftest import TODAY
from tests.e2e import TOKEN
from tests.fake_telegram.client import FakeTelegram
from tests.fake_telegram.markup import ApiError, finish_text, parse_html, utf16_len

# --- no secrets in the repository ---------------------------------------------------------------

# Built from pieces so this file does not match its own patterns.
SECRET_PATTERNS = {
    "Telegram bot token": re.compile(r"\b\d{6,}:[A-Za-z0-9_-]{30,}"),
    "private key": re.compile("-----BEGIN (?:[A-Z0-9]+ )*" + "PRIVATE KEY-----"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "AWS secret access key": re.compile(
        r"(?i)aws_?secret_?access_?key\s*[=:]\s*['\"]?[A-Za-z0-9/+=]{40}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
}


def find_secrets(text: str) -> list[tuple[str, str]]:
    """(kind, match) for everything shaped like a secret, except the e2e test token."""
    found = []
    for kind, pattern in SECRET_PATTERNS.items():
        for match in pattern.finditer(text):
            if match.group(0) != TOKEN:
                found.append((kind, match.group(0)))
    return found


def repository_files() -> list[Path]:
    """Every tracked file, and untracked ones not ignored (what the next commit could add)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
        check=True, capture_output=True).stdout.decode().split("\0")
    return [ROOT / name for name in sorted(set(listed)) if name and (ROOT / name).is_file()]


def test_the_scanner_finds_planted_secrets() -> None:
    planted = "\n".join([
        "TELEGRAM_BOT_TOKEN=" + "7012345678:" + "AAHf3kq9Zx_Lm2Np8Qr4St6Uv0Wx1Yz2Ab3",
        "-----BEGIN RSA " + "PRIVATE KEY-----",
        "-----BEGIN " + "PRIVATE KEY-----",
        "AKIA" + "ABCDEFGHIJKLMNOP",
        "aws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "ghp_" + "a" * 36,
    ])
    kinds = [kind for kind, _ in find_secrets(planted)]
    assert kinds == ["Telegram bot token", "private key", "private key", "AWS access key id",
                     "AWS secret access key", "GitHub token"]
    assert find_secrets(f"TOKEN = {TOKEN!r}") == []


def test_no_secrets_in_the_repository() -> None:
    files = repository_files()
    assert len(files) > 100 and ROOT / "bot" / "__main__.py" in files
    leaks = []
    for path in files:
        text = path.read_bytes()[: 4 << 20].decode("utf-8", errors="replace")
        leaks += [f"{path.relative_to(ROOT)}: {kind}: {m[:12]}…" for kind, m in find_secrets(text)]
    assert leaks == []


def test_the_e2e_token_is_clearly_fake() -> None:
    """The one token-shaped string allowed in the repository says what it is."""
    bot_id, secret = TOKEN.split(":")
    assert bot_id == "987654321"  # a countdown, not an issued bot id
    assert "TestToken" in secret and "DoNotLog" in secret


# --- content cannot inject markup ---------------------------------------------------------------

TITLE = "<script>x</script></b>&\"q\"'"  # ≤ 40 characters, the topic title limit
HOTLINE = "ICIRR </b><i>&amp; <a href=\"x\">\"line\"</a>"
REGION = "Illinois </b>&lt;<tg-spoiler>'"
BODY = "Hostile: <script>alert(\"x\")</script> </b></i> &amp; & <a href=\"javascript:x\">y</a> &#0;"
ES_TITLE = "Agentes <b>&</b> \"en\" 'mi' puerta"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def hostile(content_copy: Path) -> Bundle:
    """The fixture content with markup-breaking strings in titles, names, bodies and regions."""
    c, q = content_copy, json.dumps  # a JSON string is a YAML double-quoted scalar
    _replace(c / "topics/at-home.yaml", '"Agents at my door"', q(TITLE))
    _replace(c / "topics/at-home.yaml", "Talk through it.", "Talk through it.\n\n  " + BODY)
    _replace(c / "topics/at-home.yaml", "More detail", BODY + "\n\n  More detail")
    _replace(c / "hotlines.yaml", '"ICIRR Family Support Hotline"', q(HOTLINE))
    _replace(c / "hotlines.yaml", '"24 hours"', q(BODY))
    _replace(c / "regions.yaml", '"Illinois"', q(REGION))
    _replace(c / "translations/es/topics/at-home.yaml", '"Agentes en mi puerta"', q(ES_TITLE))
    _replace(c / "translations/es/hotlines.yaml", '"Línea de apoyo familiar de ICIRR"', q(HOTLINE))
    _replace(c / "translations/es/regions.yaml", '"Illinois"', q(REGION))
    return load_bundle(c, ROOT / "locales")


def _screens(b: Bundle) -> Iterator[Action]:
    for lang in b.library.languages:
        yield from (Action(lang, k) for k in (Kind.MENU, Kind.HOTLINES, Kind.LANGUAGES, Kind.ERASE))
        yield from (Action(lang, Kind.REGION, code) for code in b.library.regions)
        yield from (Action(lang, k, t) for t in b.library.topics for k in (Kind.TOPIC, Kind.MORE))
        yield Action(lang, Kind.STATES, "0")
        yield Action(lang, Kind.SEARCH, "door")


def as_telegram_shows(html_text: str) -> tuple[str, list[dict[str, object]]]:
    """What Telegram makes of the HTML (the fake server's parser); a 400 fails the test."""
    try:
        text, entities = finish_text(*parse_html(html_text))
    except ApiError as error:
        raise AssertionError(f"{error.description}\n{html_text}") from None
    assert utf16_len(text) <= 4096
    return text, entities


def _entity_text(text: str, entity: dict[str, object]) -> str:
    units = text.encode("utf-16-le")
    start, length = int(entity["offset"]) * 2, int(entity["length"]) * 2  # type: ignore[call-overload]
    return units[start : start + length].decode("utf-16-le")


def test_hostile_strings_parse_and_show_verbatim(hostile: Bundle) -> None:
    assert hostile.library.page("en", "at-home").title == TITLE  # type: ignore[union-attr]
    seen: set[str] = set()
    for action in _screens(hostile):
        for message in render(respond(hostile, action, TODAY)):
            text, entities = as_telegram_shows(message.html)
            for needle in (TITLE, HOTLINE, REGION, BODY, ES_TITLE):
                if needle in text:
                    seen.add(needle)
            for entity in entities:
                if entity["type"] == "text_link":
                    assert str(entity["url"]).startswith("https://"), entity
                assert entity["type"] in {"bold", "italic", "text_link"}, entity
            if action.kind is Kind.TOPIC and action.arg == "at-home":
                title = TITLE if action.lang == "en" else ES_TITLE
                bold = [_entity_text(text, e) for e in entities if e["type"] == "bold"]
                assert title in bold, (bold, message.html[:300])  # one bold run, not broken up
    assert seen == {TITLE, HOTLINE, REGION, BODY, ES_TITLE}


def test_hostile_strings_in_buttons_stay_plain(hostile: Bundle) -> None:
    """Button labels are never parsed as HTML: they reach Telegram exactly as written."""
    markup = render(respond(hostile, Action("en", Kind.MENU), TODAY))[-1].keyboard
    assert markup is not None
    labels = [b.text for row in markup.inline_keyboard for b in row]
    assert TITLE in labels


# --- the token never reaches a log --------------------------------------------------------------

# A token the fake server does not know, so it is rejected; in two pieces: not a leak.
REJECTED_TOKEN = "5123456789:" + "AAFakeRedactionTest_token-0123456789"


@pytest.fixture
def bot_logging(capsys: pytest.CaptureFixture[str]) -> Iterator[io.StringIO]:
    """The bot's logging setup at DEBUG writing to a buffer; restored afterwards."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, sys.excepthook,
             {n: logging.getLogger(n).level for n in CHATTY_LOGGERS})
    setup_logging("DEBUG")
    buffer = io.StringIO()
    root.handlers[0].setStream(buffer)  # type: ignore[attr-defined]
    try:
        yield buffer
    finally:
        root.handlers[:], root.level, sys.excepthook = saved[0], saved[1], saved[2]
        for name, level in saved[3].items():
            logging.getLogger(name).setLevel(level)


def _raise_with_token() -> None:
    try:
        raise ConnectionError(f"POST https://api.telegram.org/bot{REJECTED_TOKEN}/getMe failed")
    except ConnectionError as exc:
        raise InvalidToken(f"The token `{REJECTED_TOKEN}` was rejected by the server.") from exc


def test_token_is_redacted_from_messages_arguments_and_tracebacks(
        bot_logging: io.StringIO) -> None:
    log = logging.getLogger("bot.telegram.test")
    log.info("calling https://api.telegram.org/bot%s/getMe", REJECTED_TOKEN)
    log.warning(f"token in an f-string {REJECTED_TOKEN}")
    logging.getLogger("telegram.ext.Updater").error("network loop failed for %s", REJECTED_TOKEN)
    logging.getLogger("httpx").info("HTTP Request: POST https://api/bot%s/getUpdates", REJECTED_TOKEN)
    try:
        _raise_with_token()
    except InvalidToken:
        log.exception("could not start")
        log.error("again", exc_info=True, stack_info=True)
    out = bot_logging.getvalue()
    assert out.count("<token>") >= 7, out
    assert "Traceback" in out and "InvalidToken" in out and "ConnectionError" in out
    assert REJECTED_TOKEN not in out and REJECTED_TOKEN.split(":")[1] not in out
    assert "HTTP Request" not in out  # httpx stays at WARNING whatever LOG_LEVEL says


def test_an_uncaught_error_is_logged_redacted(bot_logging: io.StringIO) -> None:
    try:
        _raise_with_token()
    except InvalidToken as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    out = bot_logging.getvalue()
    assert "stopped by an unhandled error" in out and "was rejected" in out
    assert REJECTED_TOKEN.split(":")[1] not in out


@pytest.mark.e2e
def test_a_rejected_token_does_not_reach_the_process_output() -> None:
    """PTB's InvalidToken carries the token in its message; the process must not print it."""
    with FakeTelegram.start(TOKEN) as tg:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
        env.update(TELEGRAM_BOT_TOKEN=REJECTED_TOKEN, TELEGRAM_API_BASE_URL=tg.url,
                   LOG_LEVEL="DEBUG")
        for command in (["run"], ["set-webhook"], ["setup-telegram"]):
            env["WEBHOOK_URL"], env["WEBHOOK_SECRET"] = "http://127.0.0.1:9/telegram", "s" * 20
            done = subprocess.run([sys.executable, "-m", "bot", *command], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=60, check=False)
            out = done.stdout + done.stderr
            assert done.returncode != 0, out
            assert "was rejected" in out, out
            assert REJECTED_TOKEN not in out and REJECTED_TOKEN.split(":")[1] not in out, out


# --- the dependency audit cannot pass without auditing ---------------------------------------------


def test_audit_fails_when_nothing_could_be_audited() -> None:
    """What pip-audit reports when its service is unreachable must not count as a pass."""
    from tools.audit import verdict

    not_found = "Dependency not found on PyPI and could not be audited: aiohttp (3.13.2)"
    unreachable = {"dependencies": [
        {"name": "kyr-bot", "skip_reason": "distribution marked as editable"},
        {"name": "aiohttp", "skip_reason": not_found}], "fixes": []}
    lines, code = verdict(unreachable, "pypi")
    assert code == 2 and "aiohttp: NOT AUDITED" in lines[0]
    clean = {"dependencies": [{"name": "kyr-bot", "skip_reason": "editable"},
                              {"name": "aiohttp", "version": "3.13.2", "vulns": []}]}
    assert verdict(clean, "pypi") == (["make audit: 1 packages audited against pypi, "
                                        "0 vulnerable, 0 not audited"], 0)
    vulnerable = {"dependencies": [{"name": "aiohttp", "version": "3.8.0", "vulns": [
        {"id": "GHSA-xxxx", "fix_versions": ["3.9.4"]}]}]}
    lines, code = verdict(vulnerable, "osv")
    assert code == 1 and lines[0] == "aiohttp 3.8.0: GHSA-xxxx (fixed in 3.9.4)"
    assert verdict({"dependencies": []}, "pypi")[1] == 2
