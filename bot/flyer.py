"""Printable flyers: a QR code for a deep link and a short line in one language, as PNG and PDF.

Everything is drawn with Pillow onto one US Letter page at 300 dpi; the PDF holds that page as a
lossless black-and-white image, so both files show exactly the same text. Arabic is shaped and laid
out right to left by Pillow's raqm layout; fonts come from Debian (``make system-deps``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont, features

from bot.actions import deep_link_payload, parse_deep_link
from bot.bundle import Bundle

DPI = 300
PAGE = (int(8.5 * DPI), 11 * DPI)  # US Letter, portrait
MARGIN = int(0.6 * DPI)
QR_SIDE = int(3.6 * DPI)
FONT_DIR = Path("/usr/share/fonts/truetype")
USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")
INSTALL_HINT = "install the fonts with: make system-deps"


class FlyerError(ValueError):
    """The flyer cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class Face:
    """A font family from a Debian package: regular and (if it has one) bold file."""

    package: str
    regular: Path
    bold: Path | None
    index: int = 0


# First face that has every character of a text wins: DejaVu (Latin, Cyrillic, Vietnamese,
# Arabic), then WenQuanYi Micro Hei (Chinese, Korean), Lohit Devanagari (Hindi), FreeSans
# (Punjabi's Gurmukhi) and Abyssinica SIL (Ethiopic for Amharic).
FACES = (
    Face("fonts-dejavu-core", FONT_DIR / "dejavu/DejaVuSans.ttf", FONT_DIR / "dejavu/DejaVuSans-Bold.ttf"),
    Face("fonts-wqy-microhei", FONT_DIR / "wqy/wqy-microhei.ttc", None),
    Face("fonts-lohit-deva", FONT_DIR / "lohit-devanagari/Lohit-Devanagari.ttf", None),
    # GNU FreeSans: Gurmukhi together with Latin (Lohit Gurmukhi has no "ICE")
    Face("fonts-freefont-ttf", FONT_DIR / "freefont/FreeSans.ttf", None),
    Face("fonts-sil-abyssinica", FONT_DIR / "abyssinica/AbyssinicaSIL-Regular.ttf", None),
)


@dataclass(frozen=True)
class FlyerText:
    """What a flyer says, in one language."""

    lang: str
    direction: str
    heading: str
    line: str
    footer: str


@dataclass(frozen=True)
class Flyer:
    """A rendered flyer: the link its QR code holds, its words, and the page image."""

    link: str
    payload: str
    text: FlyerText
    image: Image.Image

    def png(self) -> bytes:
        """The page as PNG (grey-level, anti-aliased)."""
        buf = io.BytesIO()
        self.image.save(buf, "PNG", dpi=(DPI, DPI), optimize=True)
        return buf.getvalue()

    def pdf(self) -> bytes:
        """One US Letter page: the same image in black and white, losslessly compressed."""
        buf = io.BytesIO()
        bw = self.image.point(lambda v: 255 if v >= 150 else 0).convert("1", dither=Image.Dither.NONE)
        bw.save(buf, "PDF", resolution=float(DPI), title=self.text.heading, producer="kyr-bot")
        return buf.getvalue()


def deep_link(username: str, payload: str) -> str:
    """``https://t.me/<username>?start=<payload>``; refuses what is not a Telegram bot username."""
    if not USERNAME.fullmatch(username):
        raise FlyerError(f"BOT_USERNAME {username!r} is not a Telegram username "
                         "(5-32 letters, digits or _; without @)")
    return f"https://t.me/{username}?start={payload}"


def flyer_text(bundle: Bundle, lang: str, topic: str | None, today: dt.date) -> FlyerText:
    """The flyer's words from existing UI strings and the topic's title; FlyerError if unknown."""
    lib = bundle.library
    if lang not in lib.languages:
        raise FlyerError(f"unknown language {lang!r}; offered: {' '.join(lib.languages)}")
    _ = bundle.strings(lang)
    heading = _("Know your rights. What is happening now?")
    if topic is not None:
        if topic not in lib.topics:
            raise FlyerError(f"unknown topic {topic!r}; topics: {' '.join(sorted(lib.topics))}")
        page = lib.page(lang, topic)
        if page is None:
            raise FlyerError(f"topic {topic!r} is not verified, so the bot does not serve it")
        if page.expired(today, bundle.grace_days):
            raise FlyerError(f"topic {topic!r} is past its review date and no longer served; "
                             "run: python -m bot check")
        heading = page.title
    return FlyerText(lang, lib.language(lang).direction, heading,
                     _("Know your rights with ICE. Hotlines. Keeps nothing about you."),
                     _("General information, not legal advice."))


def make_flyer(bundle: Bundle, username: str, lang: str, topic: str | None = None,
               today: dt.date | None = None) -> Flyer:
    """Words, link and page for ``lang`` (and ``topic``); FlyerError says what is wrong."""
    text = flyer_text(bundle, lang, topic, today or dt.date.today())
    payload = deep_link_payload(lang, topic)
    if parse_deep_link(payload, bundle.offered) != (lang, topic):
        raise FlyerError(f"the bot would not open {payload!r} as {lang} {topic or 'menu'}")
    link = deep_link(username, payload)
    return Flyer(link, payload, text, render(text, link))


def write_flyer(flyer: Flyer, out: Path) -> tuple[Path, Path]:
    """Write ``flyer-<payload>.png`` and ``.pdf`` into ``out``; return both paths."""
    out.mkdir(parents=True, exist_ok=True)
    png, pdf = out / f"flyer-{flyer.payload}.png", out / f"flyer-{flyer.payload}.pdf"
    png.write_bytes(flyer.png())
    pdf.write_bytes(flyer.pdf())
    return png, pdf


def qr_image(link: str, side: int) -> Image.Image:
    """The QR code (medium error correction, 4-module quiet zone) at most ``side`` px, sharp."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(link)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    n = len(matrix)
    small = Image.new("L", (n, n))
    small.putdata([0 if dark else 255 for row in matrix for dark in row])
    module = max(1, side // n)
    return small.resize((n * module, n * module), Image.Resampling.NEAREST)


# --- text ---------------------------------------------------------------------------------------

def layout_engine() -> ImageFont.Layout:
    """Raqm (bidi and shaping) when Pillow has it, else the basic layout."""
    return ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC


def _raqm(value: str) -> str | None:
    """A direction or language for raqm; the basic layout takes none."""
    return value if layout_engine() is ImageFont.Layout.RAQM else None


@lru_cache(maxsize=64)
def _font(path: Path, size: int, index: int = 0) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, index=index, layout_engine=layout_engine())


@lru_cache(maxsize=8)
def _notdef(path: Path, index: int) -> bytes:
    return _glyph(_font(path, 32, index), "\U0010fffd")


def _glyph(font: ImageFont.FreeTypeFont, char: str) -> bytes:
    left, top, right, bottom = (int(v) for v in font.getbbox(char))
    im = Image.new("L", (max(1, right - left), max(1, bottom - top)))
    ImageDraw.Draw(im).text((-left, -top), char, font=font, fill=255)
    return f"{im.size}".encode() + im.tobytes()


def missing_glyphs(face: Face, text: str) -> set[str]:
    """Characters of ``text`` the face draws as its 'missing glyph' box."""
    font = _font(face.regular, 32, face.index)
    notdef = _notdef(face.regular, face.index)
    return {c for c in set(text) if not c.isspace() and _glyph(font, c) == notdef}


def choose_face(text: str, faces: Sequence[Face] = FACES) -> Face:
    """The first installed face that has every character of ``text``."""
    installed = [f for f in faces if f.regular.is_file()]
    for face in installed:
        if not missing_glyphs(face, text):
            return face
    missing = sorted(f.package for f in faces if f not in installed)
    raise FlyerError(f"no installed font has every character of {text!r}"
                     f"{' (missing: ' + ', '.join(missing) + ')' if missing else ''}; {INSTALL_HINT}")


_HAN = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\uff00-\uffef]")
_NO_LINE_START = set("，。、；：？！）」』》〉,.;:?!)%")


def _breaks(text: str) -> list[int]:
    """Where a line may end: after a space, or between Chinese characters (not before ，。)."""
    out = []
    for i in range(1, len(text)):
        if text[i] in _NO_LINE_START:
            continue
        if text[i - 1] == " " or _HAN.match(text[i - 1]) or _HAN.match(text[i]):
            out.append(i)
    return [*out, len(text)]


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int, direction: str = "ltr") -> list[str]:
    """Greedy line breaking at spaces (and between Chinese characters) within ``width`` px."""
    lines: list[str] = []
    breaks = _breaks(text)
    start = 0
    while start < len(text):
        fits = [b for b in breaks if b > start
                and font.getlength(text[start:b].strip(), direction=_raqm(direction)) <= width]
        end = fits[-1] if fits else next(b for b in breaks if b > start)
        lines.append(text[start:end].strip())
        start = end
    return [line for line in lines if line]


def text_image(text: str, pt: Sequence[int], max_lines: int, *, bold: bool = False, fill: int = 0,
               direction: str = "ltr", lang: str = "en", width: int = PAGE[0] - 2 * MARGIN) -> Image.Image:
    """``text`` wrapped and centred on white, at the largest size in ``pt`` (points at 300 dpi)
    that keeps it within ``max_lines``; shaped and right to left where ``direction`` is rtl."""
    if direction == "rtl" and layout_engine() is not ImageFont.Layout.RAQM:
        raise FlyerError("right-to-left text needs Pillow's raqm layout (libfribidi0 from Debian); "
                         "run: make system-deps")
    face = choose_face(text)
    path = face.bold if bold and face.bold else face.regular
    lines: list[str] = []
    for size in pt:
        font = _font(path, size * DPI // 72, face.index)
        lines = wrap(text, font, width, direction)
        if len(lines) <= max_lines:
            break
    stroke = font.size // 36 if bold and face.bold is None else 0  # stand-in bold for CJK
    ascent, descent = font.getmetrics()
    step = int((ascent + descent) * 1.15)
    im = Image.new("L", (width, step * len(lines)), 255)
    draw = ImageDraw.Draw(im)
    for i, row in enumerate(lines):
        draw.text((width // 2, i * step), row, font=font, fill=fill, anchor="ma",
                  direction=_raqm(direction), language=_raqm(lang), stroke_width=stroke, stroke_fill=fill)
    return im


def render(text: FlyerText, link: str) -> Image.Image:
    """The page: heading, line, QR code, the link spelled out, and the footer; centred."""
    way, lang = text.direction, text.lang
    parts = [
        text_image(text.heading, range(40, 21, -2), 3, bold=True, direction=way, lang=lang),
        text_image(text.line, range(22, 13, -1), 3, fill=40, direction=way, lang=lang),
        qr_image(link, QR_SIDE),
        text_image(link.removeprefix("https://"), (15,), 1),
        text_image(text.footer, range(13, 9, -1), 2, fill=60, direction=way, lang=lang),
    ]
    gap = DPI // 6
    page = Image.new("L", PAGE, 255)
    y = max(MARGIN, (PAGE[1] - sum(p.height for p in parts) - gap * (len(parts) - 1)) // 2)
    for part in parts:
        page.paste(part, ((PAGE[0] - part.width) // 2, y))
        y += part.height + gap
    return page
