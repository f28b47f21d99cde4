"""Review packets and sign-off: what a reviewer reads and signs, and the stamp set for them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.actions import Action, Kind
from bot.bundle import load_bundle
from bot.config import ROOT
from bot.content.loader import load_content
from bot.respond import respond
from bot.review import browser, packet_html
from bot.translations import approve, mark_translated, next_review
from tests.conftest import TODAY


def test_packet_sets_english_and_translation_side_by_side(content_copy: Path) -> None:
    mark_translated(content_copy, "es", [])
    topic = content_copy / "topics" / "at-home.yaml"
    topic.write_text(topic.read_text().replace("Talk through it.", "Talk through the door."))
    html = packet_html(load_content(content_copy), "es", ["at-home"])
    row = ("<tr class=changed><td class=n>body 1 <span class=mark>CHANGED</span></td>"
           "<td dir=auto>**Do not open the door.** Talk through the door.</td>"
           "<td dir=auto>**No abra la puerta.** Hable a través de ella.</td></tr>")
    assert row in html
    assert "<td dir=auto>• Ask for a warrant signed by a _judge_.</td>" in html
    assert "<tr><td class=n>body 2</td>" in html  # unchanged: not highlighted
    assert "KPBS (2025-01-24): You do not have to open the door" in html
    assert "Translation (es): machine" in html and "Sign-off" in html
    assert "review approve es at-home --by" in html


@pytest.mark.skipif(browser() is None, reason="headless Chromium missing: run make system-deps")
def test_review_writes_html_and_a_pdf(tmp_path: Path) -> None:
    assert main(["review", "ar", "--topic", "show-officer", "--out", str(tmp_path)]) == 0
    html = (tmp_path / "review-ar_show-officer.html").read_text(encoding="utf-8")
    assert "Review packet: ar" in html and "<td dir=auto>" in html
    pdf = (tmp_path / "review-ar_show-officer.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


def test_approve_sets_the_stamp_and_the_page_says_who_checked_it(content_copy: Path) -> None:
    mark_translated(content_copy, "es", [])
    approve(content_copy, "es", "at-home", "Casa de Ayuda", "community", dt.date(2026, 11, 30))
    text = (content_copy / "translations" / "es" / "topics" / "at-home.yaml").read_text()
    assert ('review:\n  state: "community"\n  by: "Casa de Ayuda"\n  reviewed: "2026-11-30"\n'
            '  next_review: "2027-05-30"\n') in text
    bundle = load_bundle(content_copy, ROOT / "locales")
    page = "\n".join(b.text for b in respond(bundle, Action("es", Kind.TOPIC, "at-home"),
                                               TODAY).blocks)
    assert "Casa de Ayuda" in page and "Traducción automática" not in page


def test_approve_legal_on_the_english(content_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTENT_DIR", str(content_copy))
    assert main(["review", "approve", "en", "at-home", "--by", "Legal Aid Org", "--state", "legal",
                 "--today", "2026-12-01"]) == 0
    topic = load_content(content_copy).topics["at-home"]
    assert (topic.review.state, topic.review.by) == ("legal", "Legal Aid Org")
    assert topic.review.next_review == dt.date(2027, 6, 1)


def test_approve_refuses_what_it_cannot_stamp(content_copy: Path) -> None:
    with pytest.raises(ValueError, match="--by"):
        approve(content_copy, "es", "at-home", "  ", "legal", TODAY)
    with pytest.raises(ValueError, match="--state"):
        approve(content_copy, "en", "at-home", "Org", "community", TODAY)
    mark_translated(content_copy, "es", [])
    topic = content_copy / "topics" / "at-home.yaml"
    topic.write_text(topic.read_text().replace("Talk through it.", "Talk through the door."))
    with pytest.raises(ValueError, match="body ¶1"):
        approve(content_copy, "es", "at-home", "Org", "community", TODAY)


def test_check_refuses_a_legal_stamp_without_by(content_copy: Path) -> None:
    path = content_copy / "translations" / "es" / "topics" / "privacy.yaml"
    path.write_text(path.read_text().replace('state: "community"', 'state: "legal"')
                    .replace('  by: "A fluent volunteer"\n', ""))
    errors = load_content(content_copy).errors
    assert any("a legal review needs 'by'" in p.message for p in errors)
    topic = content_copy / "topics" / "at-home.yaml"
    topic.write_text(topic.read_text().replace('state: "source-checked"', 'state: "legal"')
                     .replace('  by: "Test editors"\n', ""))
    assert any("a legal review needs 'by'" in p.message and "topics/at-home" in p.file
               for p in load_content(content_copy).errors)


def test_next_review_is_six_months_later() -> None:
    assert next_review(dt.date(2026, 8, 31)) == dt.date(2027, 2, 28)
