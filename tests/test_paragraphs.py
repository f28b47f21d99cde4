"""Paragraph-level change tracking: which English paragraphs changed, what a stale page serves,
critical paragraphs, and the switch that serves only translations a person reviewed."""

from __future__ import annotations

from pathlib import Path

from bot.actions import Action, Kind
from bot.bundle import load_bundle
from bot.config import ROOT, Config, from_env
from bot.content.loader import load_content
from bot.respond import respond
from bot.stats import stats_table
from bot.translations import mark_translated
from tests.conftest import FIXTURE, TODAY


def _text(content: Path, lang: str, topic: str, **kw: bool) -> str:
    bundle = load_bundle(content, ROOT / "locales", **kw)
    return "\n".join(b.text for b in respond(bundle, Action(lang, Kind.TOPIC, topic), TODAY).blocks)


def _edit_english(content: Path, old: str, new: str) -> None:
    topic = content / "topics" / "at-home.yaml"
    text = topic.read_text(encoding="utf-8")
    assert old in text
    topic.write_text(text.replace(old, new), encoding="utf-8")


def test_mark_translated_stamps_paragraphs_and_drops_the_old_hash(content_copy: Path) -> None:
    assert mark_translated(content_copy, "es", []) == 0
    text = (content_copy / "translations" / "es" / "topics" / "at-home.yaml").read_text()
    assert "source_hash" not in text and "source_paragraphs:" in text
    assert "  body: [" in text
    assert not [p for p in load_content(content_copy).problems if "stale" in p.message]


def test_check_and_stats_name_the_changed_paragraph(content_copy: Path) -> None:
    mark_translated(content_copy, "es", [])
    _edit_english(content_copy, "Ask for a warrant signed by a _judge_.",
                  "Ask for a warrant signed by a _judge_ of a court.")
    stale = [p for p in load_content(content_copy).problems if "stale" in p.message]
    assert len(stale) == 1
    assert stale[0].file.endswith("translations/es/topics/at-home.yaml")
    assert "body ¶2" in stale[0].message and "¶1" not in stale[0].message
    table = stats_table(Config(content_dir=content_copy, locales_dir=ROOT / "locales"))
    assert "es at-home: body ¶2" in table


def test_a_stale_page_keeps_serving_with_the_date_of_the_english(content_copy: Path) -> None:
    mark_translated(content_copy, "es", [])
    _edit_english(content_copy, "Ask for a warrant signed by a _judge_.",
                  "Ask for a warrant signed by a _judge_ of a court.")
    page = _text(content_copy, "es", "at-home")
    assert "Pida una orden firmada por un juez." in page  # the old translation is still served
    assert "actualizó el 28 de noviembre de 2026" in page


def test_a_changed_critical_paragraph_is_shown_in_english(content_copy: Path) -> None:
    mark_translated(content_copy, "es", [])
    _edit_english(content_copy, "- Say: \"I do not consent.\"",
                  "- ! Say: \"I do not consent to a search.\"")
    page = _text(content_copy, "es", "at-home")
    assert 'Say: "I do not consent to a search."' in page  # English in its place, no marker
    assert "! Say" not in page and "No doy mi consentimiento" not in page
    assert "Pida una orden firmada por un juez." in page  # the unchanged items stay Spanish
    english = _text(content_copy, "en", "at-home")
    assert 'Say: "I do not consent to a search."' in english and "! " not in english


def test_marking_a_paragraph_critical_does_not_make_translations_stale(content_copy: Path) -> None:
    mark_translated(content_copy, "es", [])
    _edit_english(content_copy, "- Say: \"I do not consent.\"", "- ! Say: \"I do not consent.\"")
    assert not [p for p in load_content(content_copy).problems if "stale" in p.message]
    assert "No doy mi consentimiento" in _text(content_copy, "es", "at-home")


def test_a_critical_marker_in_a_translation_is_refused(content_copy: Path) -> None:
    path = content_copy / "translations" / "es" / "topics" / "at-home.yaml"
    path.write_text(path.read_text().replace("  - Diga:", "  - ! Diga:"))
    errors = load_content(content_copy).errors
    assert any("only the English marks" in p.message for p in errors)


def test_without_machine_translations_only_reviewed_pages_are_translated() -> None:
    machine = _text(FIXTURE, "es", "at-home", serve_machine=False)
    assert "Do not open the door." in machine and "No abra la puerta" not in machine
    assert "no ha sido revisada por una persona, por eso se muestra en inglés" in machine
    reviewed = _text(FIXTURE, "es", "privacy", serve_machine=False)
    assert "Este bot no guarda nada sobre usted." in reviewed
    assert "No abra la puerta" in _text(FIXTURE, "es", "at-home")  # served by default


def test_the_switch_is_read_from_the_environment() -> None:
    assert from_env({}).serve_machine_translations is True
    assert from_env({"SERVE_MACHINE_TRANSLATIONS": "0"}).serve_machine_translations is False
