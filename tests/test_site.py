"""The static website: every screen in every language, links between files, nothing from elsewhere."""

from __future__ import annotations

import posixpath
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from bot.__main__ import main
from bot.actions import Action, Kind
from bot.bundle import Bundle
from bot.markup import Block, Span
from bot.render.web import CSS, action_path, render_page
from bot.reply import Button, Reply
from bot.site import build_site
from tests.bidi_layout import CONTROLS
from tests.conftest import TODAY


class Page(HTMLParser):
    """Tags with their attributes, and the text inside each element kind we look at."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.open: list[tuple[str, dict[str, str], list[str]]] = []
        self.closed: list[tuple[str, dict[str, str], str]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append((tag, values))
        if tag not in {"meta", "link", "br"}:
            self.open.append((tag, values, []))

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            name, attrs, parts = self.open.pop()
            text = "".join(parts)
            self.closed.append((name, attrs, text))
            if self.open:
                self.open[-1][2].append(text)
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.open:
            self.open[-1][2].append(data)

    def elements(self, tag: str, **attrs: str) -> list[tuple[dict[str, str], str]]:
        """(attributes, text) of each ``tag`` whose attributes include ``attrs``."""
        return [(a, t) for n, a, t in self.closed
                if n == tag and all(a.get(k) == v for k, v in attrs.items())]

    def links(self) -> dict[str, str]:
        """Link text → href."""
        return {t.strip(): a["href"] for a, t in self.elements("a")}


@pytest.fixture(scope="module")
def site(bundle: Bundle, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_site(bundle, out, TODAY)
    return out


def read(site: Path, path: str) -> Page:
    return Page((site / path).read_text(encoding="utf-8"))


def test_every_screen_of_every_language_has_a_page(bundle: Bundle, site: Path) -> None:
    lib = bundle.library
    assert (site / "index.html").is_file() and (site / "style.css").is_file()
    for lang in lib.languages:
        expected = [f"{lang}/index.html", f"{lang}/hotlines.html", f"{lang}/languages.html",
                    f"{lang}/s/0.html"]
        expected += [f"{lang}/r/{code}.html" for code in lib.regions]
        for tid in lib.topics:
            page = lib.page(lang, tid)
            if page is None:
                continue
            expected += [f"{lang}/t/{tid}.html", f"{lang}/c/{tid}.html"]
            if page.more:
                expected.append(f"{lang}/x/{tid}.html")
        for path in expected:
            assert (site / path).is_file(), path
        door = lib.page(lang, "at-home")
        assert door is not None
        html = read(site, f"{lang}/t/at-home.html")
        assert ("html", {"lang": lang, "dir": lib.language(lang).direction}) in html.tags
        assert [t.translate(CONTROLS) for _, t in html.elements("h1")] == [door.title]
    assert len(lib.regions) > 50 and len(list(site.glob("es/r/*.html"))) == len(lib.regions)


def test_every_internal_link_resolves(site: Path) -> None:
    files = {str(f.relative_to(site)) for f in site.rglob("*") if f.is_file()}
    checked = 0
    for name in sorted(f for f in files if f.endswith(".html")):
        for tag, attrs in read(site, name).tags:
            for attr in ("href", "src"):
                url = attrs.get(attr)
                if url is None:
                    continue
                parts = urlsplit(url)
                if parts.scheme in ("https", "tel"):
                    assert tag == "a", f"{name}: <{tag} {attr}={url}>"
                    continue
                assert not parts.scheme and not parts.netloc, f"{name}: {url}"
                target = posixpath.normpath(posixpath.join(posixpath.dirname(name),
                                                           unquote(parts.path)))
                assert target in files, f"{name}: {url} does not resolve"
                checked += 1
    assert checked > 10_000


def test_nothing_loads_from_elsewhere(site: Path) -> None:
    loaders = {"script", "img", "iframe", "frame", "object", "embed", "video", "audio", "source",
               "picture", "track", "form", "base", "svg"}
    for file in site.rglob("*.html"):
        page = read(site, str(file.relative_to(site)))
        for tag, attrs in page.tags:
            if tag in {"img", "audio"}:  # the officer card picture and voice notes: site files
                src = attrs["src"]
                assert not urlsplit(src).scheme and (file.parent / src).resolve().is_file(), src
                assert (file.parent / src).resolve().is_relative_to(site.resolve()), src
            else:
                assert tag not in loaders, f"{file}: {tag}"
            assert "style" not in attrs and not any(k.startswith("on") for k in attrs), file
            if tag == "link":
                assert not urlsplit(attrs["href"]).scheme, f"{file}: {attrs}"
            if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
                raise AssertionError(f"{file}: meta refresh")
            if tag == "a" and attrs["href"].startswith("http"):
                assert attrs["href"].startswith("https://"), f"{file}: {attrs['href']}"
                assert "noreferrer" in attrs["rel"]
        csp = [a["content"] for t, a in page.tags if a.get("http-equiv") == "Content-Security-Policy"]
        assert csp and "default-src 'none'" in csp[0]
    for bad in ("url(", "@import", "http:", "https:", "@font-face"):
        assert bad not in CSS
    assert (site / "style.css").read_text(encoding="utf-8") == CSS


def test_arabic_is_laid_out_right_to_left(site: Path) -> None:
    assert '<html lang="ar" dir="rtl">' in (site / "ar/index.html").read_text(encoding="utf-8")
    assert '<html lang="en" dir="ltr">' in (site / "en/index.html").read_text(encoding="utf-8")
    # Only logical properties, so one stylesheet mirrors itself for Arabic.
    assert not re.search(r"\b(left|right)\b", CSS)
    assert "margin-inline" in CSS and "padding-inline-start" in CSS and "text-align: start" in CSS


def test_language_switcher_links_the_same_screen(bundle: Bundle, site: Path) -> None:
    page = read(site, "es/t/at-home.html")
    switch = {a["lang"]: a.get("href") for a, _ in page.elements("a") if "hreflang" in a}
    assert switch["ar"] == "../../ar/t/at-home.html"
    assert switch["zh-hans"] == "../../zh-hans/t/at-home.html"
    assert [t for a, t in page.elements("span", lang="es")] == ["Español"]
    assert set(switch) == set(bundle.library.languages) - {"es"}
    region = read(site, "vi/r/IL.html")
    assert ({"lang": "en", "dir": "ltr", "hreflang": "en", "href": "../../en/r/IL.html"}, "English") in (
        region.elements("a"))


def test_buttons_become_links_between_pages(bundle: Bundle, site: Path) -> None:
    _ = bundle.strings("es")
    menu = read(site, "es/index.html").links()
    door = bundle.library.page("es", "at-home")
    assert door is not None
    assert menu[door.title] == "t/at-home.html"
    assert menu[_("📞 Hotlines")] == "hotlines.html"
    assert _("🧹 Erase this chat") not in menu  # a website has no chat to erase
    topic = read(site, "es/t/at-home.html").links()
    assert topic[_("🏠 Menu")] == "../index.html"
    hotlines = read(site, "es/hotlines.html").links()
    assert hotlines[_("📍 Choose your state")] == "s/0.html"
    states = read(site, "es/s/0.html").links()
    assert states[bundle.library.region_name("es", "AL")] == "../r/AL.html"
    assert states["▶"] == "1.html"
    root = read(site, "index.html").links()
    assert root["العربية"] == "ar/index.html" and root["English"] == "en/index.html"


def test_hotlines_by_state_with_phone_links(bundle: Bundle, site: Path) -> None:
    illinois = read(site, "en/r/IL.html")
    tel = {a["href"] for a, _ in illinois.elements("a", **{"class": "tel"})}
    local = [h for h in bundle.library.verified_hotlines("IL") if "US" not in h.regions]
    national = bundle.library.verified_hotlines("US")
    assert local and national
    assert {f"tel:{h.number}" for h in local + national} <= tel
    assert "ICIRR" in "".join(illinois.text)
    for lang in bundle.library.languages:
        page = read(site, f"{lang}/hotlines.html")
        assert {f"tel:{h.number}" for h in national} <= {a["href"] for a, _ in page.elements("a")}


def test_review_stamp_and_sources_are_shown(bundle: Bundle, site: Path) -> None:
    page = bundle.library.page("en", "at-home")
    assert page is not None
    html = read(site, "en/t/at-home.html")
    text = "".join(html.text)
    assert f"Reviewed by {page.reviewed_by}" in text
    hrefs = {a["href"] for a, _ in html.elements("a")}
    assert {s.url for s in page.first_sources} <= hrefs
    assert "../c/at-home.html" in hrefs
    listing = {a["href"] for a, _ in read(site, "en/c/at-home.html").elements("a")}
    assert {s.url for s in page.sources} <= listing


def test_officer_card_prints_as_a_wallet_card(bundle: Bundle, site: Path) -> None:
    page = bundle.library.page("es", "show-officer")
    assert page is not None and page.officer
    html = read(site, "es/t/show-officer.html")
    [(_, card)] = html.elements("section", **{"class": "card"})
    assert "I will remain silent." in card and page.officer[0].text in card
    assert card.index("I will remain silent.") < card.index(page.officer[0].text)
    assert ("body", {"class": "has-card"}) in html.tags
    assert ("body", {}) in read(site, "es/t/at-home.html").tags
    assert "@page card { size: 85.6mm 54mm;" in CSS and "page: card;" in CSS.split("@media print")[1]


HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "&amp; &lt;", "' \" < >"]


def test_everything_is_escaped() -> None:
    blocks = [Block((Span(h, bold=True),)) for h in HOSTILE]
    blocks += [Block((Span("x", href='https://e.org/"><script>'),
                      Span("y", href="javascript:alert(1)"))),
               Block((Span(HOSTILE[1]),), card=True)]
    reply = Reply("en", "ltr", tuple(blocks), ((Button(HOSTILE[0], Action("en", Kind.MENU)),
                                                 Button(HOSTILE[1], url="javascript:alert(1)")),))
    out = render_page(reply, "en/t/x.html", pages={"en/index.html"}, languages=[],
                      switcher_label=HOSTILE[1])
    page = Page(out)
    assert {t for t, _ in page.tags} <= {"html", "head", "meta", "title", "link", "body", "header",
                                         "nav", "ul", "main", "h1", "p", "strong", "em", "a",
                                         "section", "div"}
    assert "javascript:" not in out
    assert not [k for _, attrs in page.tags for k in attrs if k.startswith("on")]
    for h in HOSTILE:
        assert h in "".join(page.text)
    assert page.links()[HOSTILE[0]] == "../index.html"
    assert [t for _, t in page.elements("title")] == [HOSTILE[0]]


def test_phone_numbers_become_tel_links_only_when_valid() -> None:
    text = "Call +1 855-435-7693 (855-HELP-MY-FAMILY). A-number 123456789, on 2026-11-28, case 12-3456."
    reply = Reply("en", "ltr", (Block((Span(text),)),))
    page = Page(render_page(reply, "en/index.html", pages=(), languages=[], switcher_label=""))
    assert [(a["href"], t) for a, t in page.elements("a")] == [("tel:+18554357693", "+1 855-435-7693")]


def test_action_paths() -> None:
    assert action_path(Action("es", Kind.TOPIC, "at-home")) == "es/t/at-home.html"
    assert action_path(Action("es", Kind.MENU)) == "es/index.html"
    assert action_path(Action("es", Kind.REGION, "IL")) == "es/r/IL.html"
    assert action_path(Action("zh-hans", Kind.STATES, "2")) == "zh-hans/s/2.html"
    assert action_path(Action("en", Kind.ERASE)) is None
    assert action_path(Action("en", Kind.SEARCH, "help")) is None
    assert action_path(Action("en", Kind.TOPIC, "../../etc/passwd")) is None
    assert action_path(Action("../x", Kind.MENU)) is None
    assert action_path(Action("en", Kind.TOPIC)) is None


def test_site_command_writes_every_language_quickly(bundle: Bundle, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    start = time.perf_counter()
    assert main(["site", str(tmp_path / "out"), "--today", TODAY.isoformat()]) == 0
    elapsed = time.perf_counter() - start
    assert "files written" in capsys.readouterr().out
    for lang in bundle.library.languages:
        assert (tmp_path / "out" / lang / "t" / "show-officer.html").is_file()
    assert elapsed < 15, f"site took {elapsed:.1f}s"
