"""UI strings through gettext catalogs, language negotiation, and dates in the user's locale."""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Iterable
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where the language is known."""
    return message


def catalog_path(locales_dir: Path, catalog_dir: str) -> Path:
    """Where a language's UI catalog is: ``<locales>/<catalog_dir>/LC_MESSAGES/messages.po``."""
    return locales_dir / catalog_dir / "LC_MESSAGES" / f"{DOMAIN}.po"


def template_path(locales_dir: Path) -> Path:
    """The template ``make i18n`` extracts the code's strings into."""
    return locales_dir / f"{DOMAIN}.pot"


def load_catalogs(locales_dir: Path, codes: Iterable[tuple[str, str]]) -> dict[str, Translations]:
    """Compile each ``(code, catalog_dir)``'s .po in memory; missing catalogs raise FileNotFoundError.

    Compiling at start-up keeps compiled files out of git and avoids Babel's silent
    NullTranslations when a .mo is missing.
    """
    out: dict[str, Translations] = {}
    for code, folder in codes:
        po = catalog_path(locales_dir, folder)
        if not po.is_file():
            if code == "en":
                out[code] = Translations()
                continue
            raise FileNotFoundError(f"{po}: catalog missing for language '{code}'")
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=folder)
        buf = BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        out[code] = Translations(fp=buf, domain=DOMAIN)
    return out


class Strings:
    """The UI strings of one language: ``_()`` bound to its catalog."""

    def __init__(self, translations: gettext.NullTranslations) -> None:
        self._t = translations

    def __call__(self, message: str, **values: object) -> str:
        text = self._t.gettext(message)
        return text.format(**values) if values else text


@lru_cache(maxsize=512)
def _parts(code: str) -> tuple[str, str | None, str | None] | None:
    try:
        loc = Locale.parse(code.replace("_", "-"), sep="-")
    except (ValueError, UnknownLocaleError, TypeError):
        return None
    return loc.language, loc.script, loc.territory


def negotiate(language_code: str | None, offered: Iterable[str], default: str = "en") -> str:
    """Map a Telegram ``language_code`` to an offered language.

    The chain: the exact tag; then Babel's normalized form matched on language+territory
    (``pt-br``), language+script (``zh-hans``), then language alone (``es-419`` → ``es``,
    ``zh-tw`` → ``zh-hans``, ``fil`` → ``tl``); else ``default``. Unknown or junk codes give
    ``default``.
    """
    if not language_code:
        return default
    return _negotiate(language_code, tuple(offered), default)


@lru_cache(maxsize=1024)
def _negotiate(language_code: str, offered: tuple[str, ...], default: str) -> str:
    code = language_code.strip().lower().replace("_", "-")
    if code in offered:
        return code
    wanted = _parts(code)
    if wanted is None:
        base = code.split("-")[0]
        return base if base in offered else default
    parsed = {o: _parts(o) for o in offered}
    lang, script, territory = wanted
    for key in (
        lambda p: p == wanted,
        lambda p: territory is not None and (p[0], p[2]) == (lang, territory),
        lambda p: script is not None and (p[0], p[1]) == (lang, script),
        lambda p: p[0] == lang,
    ):
        for o, p in parsed.items():
            if p is not None and key(p):
                return o
    return default


def _no_month_names(locale: Locale) -> bool:
    """CLDR has placeholders ("M11") instead of month names for some languages (ht)."""
    wide = locale.months.get("format", {}).get("wide", {})
    return not wide or str(wide.get(1, "")).startswith("M0")


def long_date(day: dt.date, locale: Locale | None) -> str:
    """A date in the user's locale (Gregorian, Latin digits), ISO where CLDR has no data."""
    if locale is None or _no_month_names(locale):
        return day.isoformat()
    try:
        return format_date(day, format="long", locale=locale)
    except (ValueError, KeyError, UnknownLocaleError):
        return day.isoformat()
