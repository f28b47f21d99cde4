"""What the December review asked of the content, as a person would see it in every language."""

from __future__ import annotations

import re

import pytest

from bot.actions import Action, Kind
from bot.bundle import Bundle
from bot.reply import Reply
from bot.respond import respond
from tests.conftest import TODAY

ICE_LINE = "+1 888-351-4024"
ORR_LINE = "+1 800-203-7001"


def text(reply: Reply) -> str:
    return "\n".join(b.text for b in reply.blocks)


def targets(reply: Reply) -> list[Action]:
    return [b.action for row in reply.keyboard for b in row if b.action]


def langs(bundle: Bundle) -> list[str]:
    return list(bundle.library.languages)


def test_ice_line_is_never_offered_as_help(bundle: Bundle) -> None:
    for lang in langs(bundle):
        screens = [Action(lang, Kind.HOTLINES)]
        screens += [Action(lang, Kind.REGION, code) for code in bundle.library.regions]
        for action in screens:
            assert ICE_LINE not in text(respond(bundle, action, TODAY)), action
        for tid in bundle.library.topics:
            shown = ICE_LINE in text(respond(bundle, Action(lang, Kind.TOPIC, tid), TODAY))
            assert shown == (tid == "find-detained"), (lang, tid)


def test_ice_line_on_find_detained_is_labelled_run_by_ice(bundle: Bundle) -> None:
    for lang in langs(bundle):
        _ = bundle.strings(lang)
        page = text(respond(bundle, Action(lang, Kind.TOPIC, "find-detained"), TODAY))
        label = _("Run by ICE (Immigration and Customs Enforcement).")
        block = next(b for b in page.split("📞") if ICE_LINE in b)
        assert label in block.replace("\u2066", "").replace("\u2069", "").replace("\u200f", ""), lang


def test_orr_line_on_the_children_and_detained_pages(bundle: Bundle) -> None:
    for tid in ("children", "find-detained"):
        assert ORR_LINE in text(respond(bundle, Action("en", Kind.TOPIC, tid), TODAY)), tid


def test_warrant_check_tells_a_court_judge_from_an_immigration_judge(bundle: Bundle) -> None:
    for lang in langs(bundle):
        reply = respond(bundle, Action(lang, Kind.TOPIC, "warrant-check"), TODAY)
        choices = [a.arg for a in targets(reply) if a.kind is Kind.TOPIC][:2]
        assert choices[1] == "warrant-ice", lang
    check = text(respond(bundle, Action("en", Kind.TOPIC, "warrant-check"), TODAY))
    labels = [b.label for row in respond(bundle, Action("en", Kind.TOPIC, "warrant-check"),
                                         TODAY).keyboard for b in row]
    assert "A court judge or magistrate" in labels
    assert "An immigration judge, an ICE officer, or I can't tell" in labels
    assert "Immigration Judge" in check or "immigration judge" in check


@pytest.mark.parametrize("tid", ["arrested", "in-public", "at-home"])
def test_stay_silent_pages_carry_the_expedited_removal_exception(bundle: Bundle, tid: str) -> None:
    page = bundle.library.page("en", tid)
    assert page is not None
    first = " ".join(b.text for b in page.body)
    assert re.search(r"\b2 years\b", first), first
    assert "expedited-removal" in page.related


def test_first_screen_shows_at_most_two_sources_and_all_are_one_tap_away(bundle: Bundle) -> None:
    for tid in bundle.library.topics:
        page = bundle.library.page("en", tid)
        assert page is not None and 1 <= len(page.first_sources) <= 2, tid
        reply = respond(bundle, Action("en", Kind.TOPIC, tid), TODAY)
        footer = [s.href for s in reply.blocks[-1].spans if s.href]
        assert footer == [s.url for s in page.first_sources], tid
        assert Action("en", Kind.SOURCES, tid) in targets(reply), tid
        listing = respond(bundle, Action("en", Kind.SOURCES, tid), TODAY)
        hrefs = [s.href for b in listing.blocks for s in b.spans if s.href]
        assert hrefs == [s.url for s in page.sources], tid


def test_translated_pages_say_whose_review_the_stamp_is(bundle: Bundle) -> None:
    for lang in langs(bundle):
        if lang == bundle.library.source:
            continue
        _ = bundle.strings(lang)
        english = _("English text reviewed by {who} on {date}.", who="@@", date="@@")
        head = english.split("@@")[0]
        page = text(respond(bundle, Action(lang, Kind.TOPIC, "at-home"), TODAY))
        assert head and head in page, lang


def test_every_served_line_says_what_it_is_for_and_how_to_reach_it(bundle: Bundle) -> None:
    page = text(respond(bundle, Action("en", Kind.REGION, "WA"), TODAY))
    block = next(b for b in page.split("📞") if "WAISN" in b)
    assert "Call or text." in block and "Pacific" in block
    for line in bundle.library.hotlines.values():
        if line.status == "verified":
            assert line.purpose, line.id


def test_a_state_without_a_checked_line_says_so_and_offers_help(bundle: Bundle) -> None:
    reply = respond(bundle, Action("en", Kind.REGION, "NV"), TODAY)
    assert "We have no checked local hotline for Nevada yet." in text(reply)
    assert Action("en", Kind.TOPIC, "legal-help") in targets(reply)


def test_privacy_page_tells_what_telegram_may_hand_over(bundle: Bundle) -> None:
    page = bundle.library.page("en", "privacy")
    assert page is not None
    words = " ".join(b.text for b in page.body + page.more)
    assert "IP address" in words and "phone number" in words
