"""The officer card as a picture: a phone-sized PNG to hold up, and a wallet-size red card PDF.

Drawn by the flyers' renderer (bot/flyer.py: Pillow with raqm, Debian fonts). The English statement
comes first, large, black on white inside a red frame, readable through a window from a metre
away; the person's language is under it. Only existing, reviewed text is drawn: the English
``officer_statement`` of ``show-officer`` and its translation.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw

from bot.bundle import Bundle
from bot.flyer import FlyerError, text_image

TOPIC = "show-officer"
VERSION = "1"  # bump when the drawing changes, so Telegram gets the new picture
PHONE = (1080, 1920)  # portrait, the shape of a phone screen held up
WALLET = (1011, 638)  # 85.6 × 54 mm at 300 dpi
DPI = 300
RED = (176, 0, 32)
FRAME = 28


@dataclass(frozen=True)
class CardText:
    """The statement in English and (when translated) in the person's language."""

    lang: str
    direction: str
    english: tuple[str, ...]
    translated: tuple[str, ...]

    @property
    def digest(self) -> str:
        """The content version: what is drawn, and how (a new text makes a new picture)."""
        blob = "\x1f".join([VERSION, self.lang, self.direction, *self.english, "\x1e",
                            *self.translated])
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def card_text(bundle: Bundle, lang: str, topic: str = TOPIC) -> CardText | None:
    """The card's words for ``lang``; None when the bot does not serve the statement."""
    lib = bundle.library
    english = lib.page(lib.source, topic)
    if english is None or not english.officer:
        return None
    page = lib.page(lang, topic)
    translated: tuple[str, ...] = ()
    if lang != lib.source and page is not None and page.translated and page.officer:
        translated = tuple(b.text for b in page.officer)
    return CardText(lang, lib.language(lang).direction, tuple(b.text for b in english.officer),
                    translated)


@lru_cache(maxsize=32)
def _fit(paragraphs: tuple[str, ...], sizes: tuple[int, ...], width: int, height: int, *,
         bold: bool, fill: int, direction: str = "ltr", lang: str = "en") -> list[Image.Image]:
    """The paragraphs at the largest size in ``sizes`` (points at 300 dpi) that fits ``height``.

    Cached: the English statement is the same on every language's card. Callers only read.
    """
    images: list[Image.Image] = []
    for size in sizes:
        images = [text_image(p, (size,), 99, bold=bold, fill=fill, direction=direction,
                             lang=lang, width=width) for p in paragraphs]
        if sum(i.height for i in images) <= height:
            break
    return images


def _frame(size: tuple[int, int], frame: int) -> Image.Image:
    page = Image.new("RGB", size, RED)
    ImageDraw.Draw(page).rectangle((frame, frame, size[0] - frame - 1, size[1] - frame - 1),
                                   fill="white")
    return page


def _stack(page: Image.Image, parts: list[Image.Image], top: int, gap: int) -> int:
    y = top
    for part in parts:
        page.paste(part.convert("RGB"), ((page.width - part.width) // 2, y))
        y += part.height + gap
    return y


def phone_card(text: CardText) -> Image.Image:
    """The picture for a phone: English large on top, the person's language under a red rule."""
    width, height = PHONE
    inner = width - 2 * FRAME - 80
    share = 0.74 if text.translated else 0.9
    english = _fit(text.english, tuple(range(30, 15, -1)), inner, int(height * share) - 120,
                   bold=True, fill=0)
    page = _frame(PHONE, FRAME)
    y = _stack(page, english, FRAME + 60, 18)
    if text.translated:
        ImageDraw.Draw(page).rectangle((FRAME + 40, y + 10, width - FRAME - 40, y + 22), fill=RED)
        rest = height - y - FRAME - 90
        own = _fit(text.translated, tuple(range(17, 7, -1)), inner, rest, bold=False, fill=30,
                   direction=text.direction, lang=text.lang)
        _stack(page, own, y + 60, 10)
    return page


def wallet_pages(text: CardText) -> list[Image.Image]:
    """The wallet-size red card: English on the front, the person's language on the back."""
    width, height = WALLET
    inner = width - 2 * 40 - 40
    pages = []
    for words, direction, lang, bold in ((text.english, "ltr", "en", True),
                                         (text.translated, text.direction, text.lang, False)):
        if not words:
            continue
        parts = _fit(words, tuple(range(11, 4, -1)), inner, height - 2 * 40 - 50, bold=bold,
                     fill=0, direction=direction, lang=lang)
        page = _frame(WALLET, 40)
        gap = 8
        top = (height - sum(p.height for p in parts) - gap * (len(parts) - 1)) // 2
        _stack(page, parts, top, gap)
        pages.append(page)
    return pages


def png(image: Image.Image) -> bytes:
    """PNG bytes in 16 colours (about 60 KB, well under Telegram's 10 MB for photos)."""
    buf = io.BytesIO()
    image.quantize(16, method=Image.Quantize.FASTOCTREE).save(buf, "PNG", compress_level=9)
    return buf.getvalue()


def wallet_pdf(text: CardText) -> bytes:
    """The wallet card as a PDF of 85.6 × 54 mm pages, ready to print and cut."""
    pages = wallet_pages(text)
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=float(DPI), save_all=True, append_images=pages[1:],
                  title="Show an officer", producer="kyr-bot")
    return buf.getvalue()


def write_cards(bundle: Bundle, langs: Sequence[str], out: Path) -> list[Path]:
    """``card-<lang>.png`` and ``card-<lang>.pdf`` for each language; FlyerError if unknown."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in langs:
        if lang not in bundle.library.languages:
            raise FlyerError(f"unknown language {lang!r}; offered: "
                             f"{' '.join(bundle.library.languages)}")
        text = card_text(bundle, lang)
        if text is None:
            raise FlyerError(f"the topic {TOPIC!r} is not served, so there is no card")
        for path, blob in ((out / f"card-{lang}.png", png(phone_card(text))),
                           (out / f"card-{lang}.pdf", wallet_pdf(text))):
            path.write_bytes(blob)
            written.append(path)
    return written
