"""The officer card picture and wallet card, and the voice notes: what they hold and when they go."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from bot.__main__ import main
from bot.actions import Action, Kind
from bot.audio import (
    CRISIS_TOPICS,
    MAX_SECONDS,
    VOICES,
    AudioError,
    generate,
    load_audio,
    opus_seconds,
    spoken_text,
)
from bot.bundle import Bundle, load_bundle
from bot.card import card_text, phone_card, wallet_pdf
from bot.config import ROOT
from bot.respond import respond
from tests.conftest import TODAY


def dark_bands(image: Image.Image, x0: int, x1: int) -> list[int]:
    """Heights of the runs of rows holding dark pixels (lines of text) between x0 and x1."""
    grey = image.convert("L").crop((x0, 0, x1, image.height))
    rows = [grey.crop((0, y, grey.width, y + 1)).getextrema()[0] < 100  # type: ignore[operator]
            for y in range(grey.height)]
    bands, run = [], 0
    for dark in rows:
        if dark:
            run += 1
        elif run:
            bands.append(run)
            run = 0
    return bands


def test_phone_card_is_portrait_with_large_english_first(bundle: Bundle) -> None:
    text = card_text(bundle, "es")
    assert text is not None
    english = bundle.library.page("en", "show-officer")
    assert english is not None
    assert text.english == tuple(b.text for b in english.officer)
    assert "Quiero hablar con un abogado." in text.translated
    image = phone_card(text)
    assert image.size == (1080, 1920)
    bands = dark_bands(image.crop((0, 40, 1080, 1880)), 60, 1020)  # inside the red frame
    # English lines at least 70 px tall on a 1080 px wide screen (about 4.5 mm on a phone),
    # readable from a metre; the Spanish lines under them are smaller.
    assert min(bands[:3]) >= 70 and max(bands[-3:]) < 60 and len(bands) >= 8


def test_card_content_version_changes_with_text_and_language(bundle: Bundle) -> None:
    es, en, ar = (card_text(bundle, lang) for lang in ("es", "en", "ar"))
    assert es and en and ar
    assert len({es.digest, en.digest, ar.digest}) == 3
    assert card_text(bundle, "es") == es and es.digest == card_text(bundle, "es").digest  # type: ignore[union-attr]
    assert en.translated == () and ar.direction == "rtl"


def test_wallet_card_pdf_is_credit_card_size(tmp_path: Path) -> None:
    assert main(["card", "--lang", "es", "--out", str(tmp_path)]) == 0
    pdf = (tmp_path / "card-es.pdf").read_bytes()
    boxes = re.findall(rb"/MediaBox \[ ?0 0 ([\d.]+) ([\d.]+) ?\]", pdf)
    assert len(boxes) == 2  # English front, Spanish back
    for w, h in boxes:
        assert abs(float(w) / 72 * 25.4 - 85.6) < 0.3 and abs(float(h) / 72 * 25.4 - 54) < 0.3
    with Image.open(tmp_path / "card-es.png") as picture:
        assert picture.size == (1080, 1920)
    assert main(["card", "--lang", "xx", "--out", str(tmp_path)]) == 2


def test_wallet_card_in_every_language(bundle: Bundle) -> None:
    for lang in bundle.library.languages:
        text = card_text(bundle, lang)
        assert text is not None
        assert wallet_pdf(text).startswith(b"%PDF")


def test_shipped_voice_notes_are_opus_current_and_short(bundle: Bundle) -> None:
    index, problems = load_audio(ROOT / "content", bundle.library)
    assert problems == []
    for lang in VOICES:
        for topic in CRISIS_TOPICS:
            note = index.get(lang, topic)
            assert note is not None, (lang, topic)
            assert 5 < note.seconds < MAX_SECONDS and note.machine
    assert index.get("ar", "at-home") is None and index.get("zh-hans", "at-home") is None


def test_opus_check_refuses_other_formats(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="not an Ogg"):
        opus_seconds(b"RIFF\x00\x00\x00\x00WAVEfmt ")
    vorbis = (b"OggS\x00\x02" + bytes(20) + b"\x01\x1e" + b"\x01vorbis" + bytes(23))
    with pytest.raises(AudioError, match="no Opus"):
        opus_seconds(vorbis)
    good = (ROOT / "content/audio/es/at-home.ogg").read_bytes()
    with pytest.raises(AudioError, match="cut short"):
        opus_seconds(good[: len(good) // 2])


def test_listen_button_only_where_a_current_note_exists(bundle: Bundle) -> None:
    _ = bundle.strings("es")
    door = respond(bundle, Action("es", Kind.TOPIC, "at-home"), TODAY)
    first = door.keyboard[0][0]
    assert first.label == _("🔊 Listen") and first.action == Action("es", Kind.LISTEN, "at-home")
    for lang, topic in (("ar", "at-home"), ("es", "documents")):
        reply = respond(bundle, Action(lang, Kind.TOPIC, topic), TODAY)
        assert all(b.action is None or b.action.kind is not Kind.LISTEN
                   for row in reply.keyboard for b in row)
    note = respond(bundle, Action("es", Kind.LISTEN, "at-home"), TODAY)
    assert note.blocks == () and note.media is not None and note.media.kind == "voice"
    assert _("Machine voice: a computer reads this page.") in note.media.caption
    forged = respond(bundle, Action("ar", Kind.LISTEN, "at-home"), TODAY)
    assert forged.media is None and forged.blocks  # no note: the page itself


def test_officer_page_carries_the_card_picture(bundle: Bundle) -> None:
    reply = respond(bundle, Action("vi", Kind.TOPIC, "show-officer"), TODAY)
    assert reply.media is not None and reply.media.kind == "card" and reply.media.lang == "vi"
    assert reply.blocks  # the text answer stays
    assert respond(bundle, Action("vi", Kind.TOPIC, "at-home"), TODAY).media is None


def test_changed_text_makes_the_note_stale_and_unserved(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    door = content / "translations" / "es" / "topics" / "at-home.yaml"
    door.write_text(door.read_text(encoding="utf-8").replace("No abra la puerta.",
                                                             "Nunca abra la puerta."),
                    encoding="utf-8")
    fresh = load_bundle(content, ROOT / "locales")
    _, problems = load_audio(content, fresh.library)
    assert [p.severity for p in problems] == ["warning"]
    assert "stale voice note" in problems[0].message and "at-home" in problems[0].message
    assert fresh.audio.get("es", "at-home") is None and fresh.audio.get("es", "in-car")
    reply = respond(fresh, Action("es", Kind.TOPIC, "at-home"), TODAY)
    assert all(b.action is None or b.action.kind is not Kind.LISTEN
               for row in reply.keyboard for b in row)
    (content / "audio" / "es" / "in-car.ogg").write_bytes(b"ID3\x03 not opus")
    _, problems = load_audio(content, fresh.library)
    assert any("in-car.ogg" in p.message and p.severity == "error" for p in problems)


def test_generate_remakes_the_shipped_note_exactly(tmp_path: Path, bundle: Bundle) -> None:
    content = tmp_path / "content"
    (content / "audio" / "es").mkdir(parents=True)
    written = generate(content, bundle.library, ["es"], ["show-officer"])
    assert (content / "audio/es/show-officer.ogg").read_bytes() == (
        ROOT / "content/audio/es/show-officer.ogg").read_bytes()
    assert content / "audio/es/index.yaml" in written
    page = bundle.library.page("es", "show-officer")
    assert page is not None and "Quiero hablar con un abogado." in spoken_text(page)
    with pytest.raises(AudioError, match="no intelligible"):
        generate(content, bundle.library, ["ar"])
