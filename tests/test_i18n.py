"""Language negotiation, catalogs in every language, dates in the user's locale."""

from __future__ import annotations

import datetime as dt

import pytest
from babel import Locale

from bot.__main__ import main
from bot.bundle import Bundle
from bot.config import ROOT
from bot.i18n import catalog_path, long_date, negotiate

OFFERED = ["en", "es", "zh-hans", "vi", "tl", "ar", "ht", "fr", "pt-br", "ko", "ru", "uk",
           "hi", "pa", "so", "am"]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("es", "es"),
        ("es-419", "es"),
        ("es-MX", "es"),
        ("pt-br", "pt-br"),
        ("pt", "pt-br"),
        ("pt-pt", "pt-br"),
        ("zh-hans", "zh-hans"),
        ("zh-tw", "zh-hans"),
        ("zh-hant", "zh-hans"),
        ("zh", "zh-hans"),
        ("tl", "tl"),
        ("fil", "tl"),
        ("ar-eg", "ar"),
        ("fr-ca", "fr"),
        ("uk", "uk"),
        ("ru", "ru"),
        ("ko", "ko"),
        ("vi", "vi"),
        ("ht", "ht"),
        ("en-gb", "en"),
        ("", "en"),
        (None, "en"),
        ("mam", "en"),
        ("xx-yy", "en"),
        ("!!", "en"),
        ("he", "en"),
    ],
)
def test_negotiation_table(code: str | None, expected: str) -> None:
    assert negotiate(code, OFFERED) == expected


def test_shipped_languages_and_directions(bundle: Bundle) -> None:
    offered = list(bundle.library.languages)
    assert offered[0] == "en" and set(offered) <= set(OFFERED)
    assert bundle.library.languages["ar"].direction == "rtl"
    assert all(bundle.library.languages[c].direction == "ltr" for c in offered if c != "ar")


@pytest.mark.parametrize("lang", OFFERED[1:])
def test_every_catalog_translates(bundle: Bundle, lang: str) -> None:
    if lang not in bundle.library.languages:
        pytest.skip(f"{lang} is not offered yet (see content/languages.yaml)")
    _ = bundle.strings(lang)
    for msg in ("National hotlines", "Choose your language:",
                "Know your rights. What is happening now?"):
        assert _(msg) != msg, f"{lang} does not translate {msg!r}"
    stamp = _("Reviewed by {who} on {date}.", who="WHO", date="DATE")
    assert "WHO" in stamp and "DATE" in stamp


def test_dates_follow_the_locale() -> None:
    day = dt.date(2026, 11, 28)
    assert long_date(day, Locale.parse("es")) == "28 de noviembre de 2026"
    assert long_date(day, Locale.parse("en")) == "November 28, 2026"
    assert long_date(day, None) == "2026-11-28"
    assert long_date(day, Locale.parse("ht")) == "2026-11-28"  # CLDR has no month names for ht


def test_make_i18n_updates_a_catalog_for_every_offered_language(
        bundle: Bundle, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["langs", "--catalog-dirs"]) == 0
    dirs = capsys.readouterr().out.split()
    assert "zh_Hans" in dirs and "pt_BR" in dirs and "en" not in dirs
    assert len(dirs) == len(bundle.library.languages) - 1
    assert all(catalog_path(ROOT / "locales", d).is_file() for d in dirs)
