"""Flyers: the QR code opens the bot's deep link, the words are the language's own and drawn with
real glyphs (Arabic shaped, right to left), the PDF is one Letter page, and mistakes are refused."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
import zxingcpp
from PIL import Image, ImageFont

from bot.__main__ import main
from bot.actions import parse_deep_link
from bot.bundle import Bundle
from bot.flyer import (
    FACES,
    PAGE,
    FlyerError,
    choose_face,
    flyer_text,
    layout_engine,
    make_flyer,
    missing_glyphs,
    text_image,
    wrap,
)
from tests.conftest import TODAY

CASES = [("en", None), ("es", None), ("es", "at-home"), ("ar", None), ("ar", "find-detained"),
         ("zh-hans", None), ("zh-hans", "at-home"), ("ko", "arrested")]


def read_qr(image: Image.Image) -> zxingcpp.Barcode:
    """The one QR code in ``image``."""
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1
    return found[0]


def ink(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """How many pixels in ``box`` are darker than the white page."""
    histogram = image.convert("L").crop(box).histogram()
    return sum(histogram[:200])


@pytest.mark.parametrize(("lang", "topic"), CASES)
def test_png_qr_opens_the_deep_link_and_text_is_drawn(bundle: Bundle, lang: str, topic: str | None) -> None:
    flyer = make_flyer(bundle, "my_kyr_bot", lang, topic, TODAY)
    image = Image.open(io.BytesIO(flyer.png()))
    assert image.size == PAGE
    code = read_qr(image)
    expected = "https://t.me/my_kyr_bot?start=" + (f"{lang}_{topic}" if topic else lang)
    assert code.text == expected == flyer.link
    assert parse_deep_link(expected.rsplit("=", 1)[1], bundle.offered) == (lang, topic)

    corners = [code.position.top_left, code.position.top_right, code.position.bottom_left,
               code.position.bottom_right]
    top, bottom = min(p.y for p in corners), max(p.y for p in corners)
    assert ink(image, (0, 0, PAGE[0], top - 60)) > 50_000  # heading and line above the code
    assert ink(image, (0, bottom + 60, PAGE[0], PAGE[1])) > 8000  # the link and the footer below


@pytest.mark.parametrize(("lang", "topic"), [("en", None), ("ar", "find-detained"), ("zh-hans", "at-home")])
def test_pdf_is_one_letter_page_whose_qr_opens_the_link(bundle: Bundle, lang: str, topic: str | None) -> None:
    flyer = make_flyer(bundle, "my_kyr_bot", lang, topic, TODAY)
    data = flyer.pdf()
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (612.0, 792.0)  # 8.5 x 11 inches
    (embedded,) = reader.pages[0].images
    assert read_qr(embedded.image).text == flyer.link


def test_words_are_the_languages_own(bundle: Bundle) -> None:
    for lang in ("es", "ar", "zh-hans", "ko"):
        _ = bundle.strings(lang)
        menu = flyer_text(bundle, lang, None, TODAY)
        assert menu.heading == _("Know your rights. What is happening now?")
        assert menu.heading != "Know your rights. What is happening now?"
        page = bundle.library.page(lang, "at-home")
        assert page is not None
        assert flyer_text(bundle, lang, "at-home", TODAY).heading == page.title != "Agents at my door"
    assert flyer_text(bundle, "ar", None, TODAY).direction == "rtl"


def test_every_offered_language_has_a_font_with_every_glyph(bundle: Bundle) -> None:
    for lang in bundle.library.languages:
        text = flyer_text(bundle, lang, "at-home", TODAY)
        words = text.heading + text.line + text.footer
        face = choose_face(words)
        assert not missing_glyphs(face, words), lang


def test_missing_glyphs_are_noticed() -> None:
    latin = FACES[0]
    assert missing_glyphs(latin, "了解 ok") == {"了", "解"}
    assert choose_face("了解") is not latin
    with pytest.raises(FlyerError, match="make system-deps"):
        choose_face("了解", faces=[latin])


def _gaps(image: Image.Image) -> int:
    """Blank columns between the first and the last inked column."""
    columns = [any(image.getpixel((x, y)) < 128 for y in range(image.height))  # type: ignore[operator]
               for x in range(image.width)]
    inked = [x for x, c in enumerate(columns) if c]
    return sum(1 for x in range(inked[0], inked[-1]) if not columns[x])


def test_arabic_is_shaped_so_letters_join() -> None:
    assert layout_engine() is ImageFont.Layout.RAQM
    joined = text_image("يحتفظ", (30,), 1, direction="rtl", lang="ar", width=900)
    apart = text_image("\u200c".join("يحتفظ"), (30,), 1, direction="rtl", lang="ar", width=900)
    assert _gaps(joined) == 0
    assert _gaps(apart) > 0


def test_wrap_keeps_lines_within_width_and_breaks_chinese_between_characters() -> None:
    font = ImageFont.truetype(str(FACES[1].regular), 60, layout_engine=layout_engine())
    text = "用您的语言，为在美国面临移民执法的人提供信息和热线号码。本机器人不保存任何关于您的信息。"
    lines = wrap(text, font, 700)
    assert len(lines) > 2
    assert "".join(lines) == text
    assert all(font.getlength(line) <= 700 for line in lines)
    assert not any(line[0] in "，。" for line in lines)
    spaced = wrap("Know your rights. What is happening now?", font, 700)
    assert " ".join(spaced) == "Know your rights. What is happening now?"


def test_refuses_unknown_language_topic_and_username(bundle: Bundle) -> None:
    with pytest.raises(FlyerError, match="unknown language 'xx'; offered: en es"):
        make_flyer(bundle, "kyr_bot", "xx", None, TODAY)
    with pytest.raises(FlyerError, match=r"unknown topic 'nope'; topics: .*at-home"):
        make_flyer(bundle, "kyr_bot", "es", "nope", TODAY)
    with pytest.raises(FlyerError, match="not a Telegram username"):
        make_flyer(bundle, "@kyr-bot", "es", None, TODAY)


def test_command_writes_png_and_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("BOT_USERNAME", "@my_kyr_bot")
    assert main(["flyer", "--lang", "ES", "--topic", "at-home", "--out", str(tmp_path / "out"),
                 "--today", TODAY.isoformat()]) == 0
    png, pdf = tmp_path / "out/flyer-es_at-home.png", tmp_path / "out/flyer-es_at-home.pdf"
    assert read_qr(Image.open(png)).text == "https://t.me/my_kyr_bot?start=es_at-home"
    assert pdf.read_bytes().startswith(b"%PDF-")
    out = capsys.readouterr()
    assert str(png) in out.out and "https://t.me/my_kyr_bot?start=es_at-home" in out.out
    assert "BOT_USERNAME" not in out.err


@pytest.mark.parametrize(("argv", "message"), [
    (["--lang", "xx"], "flyer: unknown language 'xx'; offered: en es zh-hans"),
    (["--lang", "es", "--topic", "nope"], "flyer: unknown topic 'nope'"),
    (["--lang", "es", "--topic", "at-home", "--today", "2100-01-01"], "past its review date"),
])
def test_command_explains_mistakes_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            argv: list[str], message: str) -> None:
    assert main(["flyer", *argv, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_command_warns_when_the_username_is_the_placeholder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("BOT_USERNAME", raising=False)
    assert main(["flyer", "--lang", "en", "--out", str(tmp_path), "--today", TODAY.isoformat()]) == 0
    assert "BOT_USERNAME is not set" in capsys.readouterr().err
