"""Right-to-left replies read right: laid out with FriBiDi, every number, command and Latin word
keeps its order, and every paragraph holding Arabic is right to left."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.actions import Action, Kind
from bot.bidi import LRI, PDI, isolate_ltr
from bot.bundle import Bundle
from bot.respond import respond
from tests.bidi_layout import CONTROLS, layout
from tests.conftest import TODAY

PHONE = re.compile(r"\+\d[\d\- ]+\d")
TOKEN = re.compile(r"[A-Za-z0-9+/][A-Za-z0-9+/\-.:]*[A-Za-z0-9]")
ARABIC = re.compile(r"[\u0600-\u06ff]")


def test_isolates_numbers_commands_and_latin_words() -> None:
    assert isolate_ltr("نص: +1 855-435-7693.") == f"نص: {LRI}+1 855-435-7693{PDI}."
    assert isolate_ltr("اكتب /erase") == f"اكتب {LRI}/erase{PDI}"
    assert isolate_ltr("(ICE) هنا") == f"{LRI}(ICE){PDI} هنا"
    assert isolate_ltr("لا شيء") == "لا شيء"


def test_layout_reproduces_the_fault_the_isolates_fix() -> None:
    """Without isolates the number shows reversed: the test can see the fault it guards against."""
    visual, _ = layout("نص: +1 855-435-7693")
    assert "+1 855-435-7693" not in visual
    visual, direction = layout("\u200f" + isolate_ltr("نص: +1 855-435-7693"))
    assert "+1 855-435-7693" in visual and direction == "rtl"


def _screens(bundle: Bundle, lang: str) -> list[Action]:
    lib = bundle.library
    out = [Action(lang, k) for k in (Kind.MENU, Kind.HOTLINES, Kind.LANGUAGES, Kind.ERASE)]
    out += [Action(lang, Kind.STATES, str(n)) for n in range(3)]
    out += [Action(lang, Kind.REGION, code) for code in lib.regions]
    out += [Action(lang, k, tid) for tid in lib.topics
            for k in (Kind.TOPIC, Kind.MORE, Kind.SOURCES)]
    return out


def _lines(bundle: Bundle, action: Action, today: dt.date) -> list[str]:
    reply = respond(bundle, action, today)
    lines = [line for b in reply.blocks for line in b.text.split("\n")]
    return lines + [b.label for row in reply.keyboard for b in row]


@pytest.mark.parametrize("lang", ["ar"])
def test_every_rtl_screen_keeps_numbers_and_words_in_order(bundle: Bundle, lang: str) -> None:
    assert bundle.library.language(lang).direction == "rtl"
    faults = []
    checked = 0
    for action in _screens(bundle, lang):
        for line in _lines(bundle, action, TODAY):
            logical = line.translate(CONTROLS)
            if not ARABIC.search(logical):
                continue
            visual, direction = layout(line)
            if direction != "rtl":
                faults.append(f"{action}: left-to-right paragraph: {logical[:60]!r}")
            for item in PHONE.findall(logical) + TOKEN.findall(logical):
                checked += 1
                if item not in visual:
                    faults.append(f"{action}: {item!r} is not shown in order in {logical[:80]!r}")
    assert checked > 1000, checked
    assert faults == [], "\n".join(faults[:20])


def test_rtl_arrows_point_the_reading_way(bundle: Bundle) -> None:
    more = next(t for t in bundle.library.topics if bundle.library.page("ar", t)
                and bundle.library.page("ar", t).more)  # type: ignore[union-attr]
    labels = [b.label for row in respond(bundle, Action("ar", Kind.MORE, more), TODAY).keyboard
              for b in row]
    assert any("➡" in label for label in labels) and not any("⬅" in lb for lb in labels)
    states = respond(bundle, Action("ar", Kind.STATES, "1"), TODAY).keyboard
    paging = [b.label for row in states for b in row if b.action and b.action.kind is Kind.STATES]
    assert paging == ["▶", "◀"]  # previous, then next
    en = respond(bundle, Action("en", Kind.STATES, "1"), TODAY).keyboard
    assert [b.label for row in en for b in row if b.action and b.action.kind is Kind.STATES] == [
        "◀", "▶"]
