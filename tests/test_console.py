"""The offline console chat: same content and handlers, buttons by number."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from bot.bundle import Bundle
from bot.config import ROOT
from bot.console import run_console
from tests.bidi_layout import CONTROLS


def chat(bundle: Bundle, lines: list[str], lang: str | None = None) -> str:
    out = io.StringIO()
    run_console(bundle, io.StringIO("\n".join(lines) + "\n"), out, lang)
    return out.getvalue()


def test_door_is_one_number_away(bundle: Bundle) -> None:
    out = chat(bundle, ["1"])
    assert "[1] Agents at my door" in out
    assert "Do not open the door" in out.split("> 1", 1)[1]


def test_console_switches_language_and_searches(bundle: Bundle) -> None:
    out = chat(bundle, ["/start es", "polisia en mi puerta"])
    es_menu = bundle.strings("es")("Know your rights. What is happening now?")
    assert es_menu in out.split("> /start es", 1)[1]
    door = bundle.library.page("es", "at-home")
    assert door is not None
    assert door.title in out.split("> polisia en mi puerta", 1)[1]


def test_console_hotlines_by_state(bundle: Bundle) -> None:
    out = chat(bundle, ["Illinois"])
    assert "+1 855-435-7693" in out


def test_make_run_without_token_opens_the_console() -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    # -o: use the virtual environment running this test as it is; never rebuild it from here
    cmd = ["make", "-s", "-o", f"{sys.prefix}/.installed", "run", f"VENV={sys.prefix}"]
    result = subprocess.run(cmd, input="1\nq\n", capture_output=True, text=True, cwd=ROOT,
                            env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "kyr-bot console (offline)" in result.stdout
    assert "Do not open the door" in result.stdout


@pytest.mark.parametrize("lang", ["en", "es", "zh-hans", "vi", "tl", "ar", "ht", "fr", "pt-br",
                                  "ko", "ru", "uk", "hi", "pa", "so", "am"])
def test_crisis_features_in_the_console_in_every_language(bundle: Bundle, lang: str) -> None:
    if lang not in bundle.library.languages:
        pytest.skip(f"{lang} is not offered")
    lib = bundle.library
    _ = bundle.strings(lang)
    door = lib.page(lang, "at-home")
    not_court = lib.page(lang, "warrant-ice")
    officer = lib.page(lang, "show-officer")
    assert door and not_court and officer
    state = lib.region_name(lang, "IL")
    out = chat(bundle, ["/officer", "/warrant", "2", door.title, state, "/privacy", "/erase"],
               lang).translate(CONTROLS)
    assert "I will remain silent." in out and officer.officer[-1].text in out
    assert not_court.title in out.split("> 2", 1)[1]
    assert door.body[0].text in out.split(f"> {door.title}", 1)[1]  # a typed title opens it
    assert _("Hotlines for {state}", state=state) in out and "855-435-7693" in out
    assert "[erase:" in out and _("🧹 I deleted the recent messages of this chat.") in out
