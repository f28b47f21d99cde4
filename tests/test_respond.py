"""The conversation, channel-free: what a person sees for each Action."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.actions import Action, Kind
from bot.bundle import Bundle, load_bundle
from bot.config import ROOT
from bot.reply import Reply
from bot.respond import respond
from tests.conftest import TODAY


def text(reply: Reply) -> str:
    return "\n".join(b.text for b in reply.blocks)


def buttons(reply: Reply) -> list[tuple[str, Action | None]]:
    return [(b.label, b.action) for row in reply.keyboard for b in row]


def test_menu_puts_the_door_first(bundle: Bundle) -> None:
    reply = respond(bundle, Action("en", Kind.MENU), TODAY)
    first = buttons(reply)[:6]
    assert first[0][1] == Action("en", Kind.TOPIC, "at-home")
    assert [a.arg for _, a in first if a] == [
        "at-home",
        "in-public",
        "in-car",
        "at-work",
        "arrested",
        "find-detained",
    ]
    kinds = [a.kind for _, a in buttons(reply) if a]
    assert Kind.HOTLINES in kinds and Kind.LANGUAGES in kinds and Kind.ERASE in kinds


def test_topic_page_has_stamp_sources_and_navigation(small: Bundle) -> None:
    reply = respond(small, Action("en", Kind.TOPIC, "at-home"), TODAY)
    body = text(reply)
    assert body.startswith("Agents at my door")
    assert "Reviewed by Test editors on November 28, 2026." in body
    assert "Sources: KPBS, January 24, 2025" in body
    assert Action("en", Kind.SOURCES, "at-home") in [a for _, a in buttons(reply)]
    acts = [a for _, a in buttons(reply)]
    assert Action("en", Kind.MORE, "at-home") in acts
    assert Action("en", Kind.TOPIC, "privacy") in acts
    assert Action("en", Kind.MENU) in acts and Action("en", Kind.LANGUAGES) in acts
    assert "ICIRR Family Support Hotline: +1 855-435-7693" in body  # the page's own line


def test_machine_translation_is_labelled(small: Bundle) -> None:
    es = text(respond(small, Action("es", Kind.TOPIC, "at-home"), TODAY))
    assert es.splitlines()[0].startswith("⚠️")
    assert "Agentes en mi puerta" in es
    reviewed = text(respond(small, Action("es", Kind.TOPIC, "privacy"), TODAY))
    assert not reviewed.startswith("⚠️")


def test_stale_and_missing_translations_say_so(content_copy: Path) -> None:
    topic = content_copy / "topics" / "at-home.yaml"
    topic.write_text(topic.read_text().replace("Talk through it.", "Talk through the door."))
    (content_copy / "translations" / "es" / "topics" / "privacy.yaml").unlink()
    b = load_bundle(content_copy, ROOT / "locales")
    stale = text(respond(b, Action("es", Kind.TOPIC, "at-home"), TODAY))
    missing = text(respond(b, Action("es", Kind.TOPIC, "privacy"), TODAY))
    en = b.strings("es")
    assert en("⚠️ The English text was updated on {date}. This translation may be out of date.",
              date="28 de noviembre de 2026") in stale
    assert en("⚠️ Not yet translated into your language. Showing English.") in missing
    assert "This bot keeps nothing about you." in missing


def test_expired_review_is_not_served(small: Bundle) -> None:
    later = dt.date(2027, 8, 1)
    reply = respond(small, Action("en", Kind.TOPIC, "at-home"), later)
    body = text(reply)
    assert "waiting for a new legal review" in body
    assert "Talk through it" not in body
    assert Action("en", Kind.HOTLINES) in [a for _, a in buttons(reply)]


def test_unknown_topic_gets_the_menu(small: Bundle) -> None:
    reply = respond(small, Action("en", Kind.TOPIC, "no-such-topic"), TODAY)
    assert "That page is not available" in text(reply)
    assert buttons(reply)[0][1] == Action("en", Kind.TOPIC, "at-home")


def test_state_lines_and_unverified_lines(small: Bundle) -> None:
    il = text(respond(small, Action("en", Kind.REGION, "IL"), TODAY))
    assert "ICIRR Family Support Hotline: +1 855-435-7693" in il
    ny = text(respond(small, Action("en", Kind.REGION, "NY"), TODAY))
    assert "no checked local hotline for New York" in ny
    national = text(respond(small, Action("en", Kind.HOTLINES), TODAY))
    assert "+1 844-363-1423" not in national + il + ny  # unverified: never served
    es = text(respond(small, Action("es", Kind.REGION, "NY"), TODAY))
    assert "Nueva York" in es


def test_shipped_hotlines_have_no_enforcement_lines(bundle: Bundle) -> None:
    every = "".join(
        text(respond(bundle, Action("en", Kind.REGION, c), TODAY)) for c in bundle.library.regions
    )
    assert "866-347-2423" not in every and "855-448-6903" not in every
    assert "ICIRR" in text(respond(bundle, Action("en", Kind.REGION, "IL"), TODAY))


def test_state_picker_pages_cover_every_region(bundle: Bundle) -> None:
    seen: list[str] = []
    for page in range(3):
        reply = respond(bundle, Action("en", Kind.STATES, str(page)), TODAY)
        seen += [a.arg for _, a in buttons(reply) if a and a.kind is Kind.REGION]
    assert sorted(seen) == sorted(bundle.library.regions)
    assert len(seen) >= 56


def test_officer_card_shows_english_then_the_language(bundle: Bundle) -> None:
    en = text(respond(bundle, Action("en", Kind.TOPIC, "show-officer"), TODAY))
    assert "I will remain silent." in en
    assert "I want to speak to a lawyer." in en
    es = text(respond(bundle, Action("es", Kind.TOPIC, "show-officer"), TODAY))
    english_at = es.index("I will remain silent.")
    assert es.index("— — —") > english_at
    assert "abogado" in es[english_at:].lower()


def _follow(b: Bundle, lang: str, topic: str, choice: int) -> str:
    reply = respond(b, Action(lang, Kind.TOPIC, topic), TODAY)
    action = buttons(reply)[choice][1]
    assert action is not None and action.kind is Kind.TOPIC
    return action.arg


@pytest.mark.parametrize(
    ("path", "result", "phrase"),
    [
        ((0, 0), "warrant-judge", "court"),
        ((0, 0, 0), "warrant-ice", "I-205"),
        ((0, 1), "warrant-unsure", "not a court warrant"),
        ((1,), "warrant-ice", "immigration judge"),
    ],
)
def test_warrant_check_branches(
    bundle: Bundle, path: tuple[int, ...], result: str, phrase: str
) -> None:
    topic = "warrant-check"
    for choice in path:
        topic = _follow(bundle, "en", topic, choice)
    assert topic == result
    assert phrase in text(respond(bundle, Action("en", Kind.TOPIC, topic), TODAY))


def test_erase_reply_asks_the_adapter_to_delete(bundle: Bundle) -> None:
    reply = respond(bundle, Action("en", Kind.ERASE), TODAY)
    assert reply.erase and reply.ephemeral
    assert "48 hours" in text(reply)


def test_privacy_page_offers_erase(bundle: Bundle) -> None:
    reply = respond(bundle, Action("en", Kind.TOPIC, "privacy"), TODAY)
    assert Action("en", Kind.ERASE) in [a for _, a in buttons(reply)]
    assert "nothing" in text(reply).lower()


def test_language_picker_lists_native_names(bundle: Bundle) -> None:
    reply = respond(bundle, Action("en", Kind.LANGUAGES), TODAY)
    labels = dict((a.lang, label) for label, a in buttons(reply) if a)
    assert labels["ar"] == "العربية" and labels["es"] == "Español"
    assert list(labels) == list(bundle.library.languages)
