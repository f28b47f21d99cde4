"""Reply → a static HTML page. Buttons become relative links between files; nothing loads from elsewhere.

Every character of content is escaped. Phone numbers become ``tel:`` links when they parse as valid
numbers. The officer statement (blocks marked ``card``) prints as a wallet-size card.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from bot.actions import Action, Kind
from bot.markup import Block, Span
from bot.reply import Button, Media, Reply

STYLESHEET = "style.css"
_SAFE = re.compile(r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$")
_DIGITS = re.compile(r"\d")
# No script, frame, font, image or connection from anywhere; styles only from the site itself.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; media-src 'self'; base-uri 'none'; "
       "form-action 'none'; frame-ancestors 'none'")


def action_path(action: Action) -> str | None:
    """The file of a screen, relative to the site root (``es/t/at-home.html``); None if it has none."""
    lang, arg = action.lang, action.arg
    if not _SAFE.fullmatch(lang) or (arg and not _SAFE.fullmatch(arg)):
        return None
    paths = {
        Kind.MENU: f"{lang}/index.html",
        Kind.TOPIC: f"{lang}/t/{arg}.html",
        Kind.MORE: f"{lang}/x/{arg}.html",
        Kind.SOURCES: f"{lang}/c/{arg}.html",
        Kind.HOTLINES: f"{lang}/hotlines.html",
        Kind.STATES: f"{lang}/s/{arg or '0'}.html",
        Kind.REGION: f"{lang}/r/{arg}.html",
        Kind.LANGUAGES: f"{lang}/languages.html",
    }
    if action.kind in (Kind.TOPIC, Kind.MORE, Kind.SOURCES, Kind.REGION) and not arg:
        return None
    return paths.get(action.kind)  # erasing a chat and typed searches have no page


@dataclass(frozen=True)
class SwitcherEntry:
    """An entry of the language switcher: the same screen in another language."""

    code: str
    name: str
    direction: str
    path: str | None


def relative(from_path: str, to_path: str) -> str:
    """A link from one site file to another (``es/t/a.html`` → ``es/index.html`` is ``../index.html``)."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


@lru_cache(maxsize=4096)
def _phones(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, E.164) of each valid phone number written in ``text``."""
    if len(_DIGITS.findall(text)) < 7:
        return ()
    found = []
    for match in phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.VALID):
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        found.append((match.start, match.end, str(e164)))
    return tuple(found)


def _text_html(text: str) -> str:
    """Escaped text, phone numbers as ``tel:`` links, line breaks kept."""
    out: list[str] = []
    pos = 0
    for start, end, e164 in _phones(text):
        out.append(_esc(text[pos:start]))
        out.append(f'<a class="tel" href="tel:{_esc(e164)}">{_esc(text[start:end])}</a>')
        pos = end
    out.append(_esc(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def span_html(span: Span) -> str:
    """One span as HTML; only https links are kept, and they open without a referrer."""
    if span.href and span.href.startswith("https://"):
        out = (f'<a href="{_esc(span.href)}" rel="noopener noreferrer external">'
               f"{_esc(span.text)}</a>")
    else:
        out = _text_html(span.text)
    if span.italic:
        out = f"<em>{out}</em>"
    if span.bold:
        out = f"<strong>{out}</strong>"
    return out


def _is_heading(block: Block) -> bool:
    return not block.bullet and not block.card and all(s.bold and not s.href for s in block.spans)


def _groups(blocks: Sequence[Block]) -> Iterator[tuple[str, list[Block]]]:
    """Runs of list items and card blocks; other blocks one by one."""
    run: list[Block] = []
    kind = ""
    for block in blocks:
        k = "card" if block.card else "list" if block.bullet else "para"
        if run and (k != kind or k == "para"):
            yield kind, run
            run = []
        kind = k
        run.append(block)
    if run:
        yield kind, run


def blocks_html(blocks: Sequence[Block]) -> tuple[str, str]:
    """The page body and its title (the first all-bold paragraph, as the page's heading)."""
    parts: list[str] = []
    title = ""
    for kind, run in _groups(blocks):
        if kind == "list":
            items = "".join(f"<li>{''.join(span_html(s) for s in b.spans)}</li>" for b in run)
            parts.append(f"<ul>{items}</ul>")
        elif kind == "card":
            inner = "".join(f"<p>{''.join(span_html(s) for s in b.spans)}</p>" for b in run)
            parts.append(f'<section class="card">{inner}</section>')
        elif not title and _is_heading(run[0]):
            title = run[0].text
            parts.append(f"<h1>{_text_html(title)}</h1>")
        else:
            parts.append(f"<p>{''.join(span_html(s) for s in run[0].spans)}</p>")
    if not title and blocks:
        title = blocks[0].text
    return "\n".join(parts), title


def _button_html(button: Button, path: str, pages: Collection[str],
                 directions: dict[str, str], lang: str) -> str | None:
    label = _esc(button.label)
    if button.url:
        if not button.url.startswith("https://"):
            return None
        return f'<a class="button" href="{_esc(button.url)}" rel="noopener noreferrer external">{label}</a>'
    if button.action is None:
        return None
    target = action_path(button.action)
    if target is None or target not in pages:
        return None
    attrs = f'class="button" href="{_esc(relative(path, target))}"'
    other = button.action.lang
    if other != lang:  # a language picker entry: its name is written in that language
        attrs += (f' lang="{_esc(other)}" hreflang="{_esc(other)}"'
                  f' dir="{_esc(directions.get(other, "auto"))}"')
    return f"<a {attrs}>{label}</a>"


def keyboard_html(reply: Reply, path: str, pages: Collection[str], directions: dict[str, str]) -> str:
    """The buttons as rows of links; buttons without a page here (erase a chat) are left out."""
    rows = []
    for row in reply.keyboard:
        links = [h for b in row if (h := _button_html(b, path, pages, directions, reply.lang))]
        if links:
            rows.append(f'<div class="row">{"".join(links)}</div>')
    return f'<nav class="buttons">\n{chr(10).join(rows)}\n</nav>' if rows else ""


def switcher_html(lang: str, path: str, label: str, languages: Sequence[SwitcherEntry]) -> str:
    """Links to this screen in every other language, each name in its own language."""
    items = []
    for other in languages:
        attrs = f'lang="{_esc(other.code)}" dir="{_esc(other.direction)}"'
        if other.code == lang:
            items.append(f'<li><span {attrs} aria-current="page">{_esc(other.name)}</span></li>')
        elif other.path:
            href = _esc(relative(path, other.path))
            items.append(f'<li><a {attrs} hreflang="{_esc(other.code)}" href="{href}">'
                         f"{_esc(other.name)}</a></li>")
    return f'<nav class="languages" aria-label="{_esc(label)}"><ul>{"".join(items)}</ul></nav>'


def media_path(media: Media) -> str | None:
    """The site file of a picture or voice note (``card/show-officer-es.png``, ``audio/es/x.ogg``)."""
    if not _SAFE.fullmatch(media.lang) or not _SAFE.fullmatch(media.topic):
        return None
    if media.kind == "card":
        return f"card/{media.topic}-{media.lang}.png"
    if media.kind == "voice":
        return f"audio/{media.lang}/{media.topic}.ogg"
    return None


def media_html(reply: Reply, path: str, assets: Collection[str]) -> tuple[str, str]:
    """The page's voice note as a local ``<audio>`` player (for the top of the page) and its
    picture (for the bottom), when the site has the files."""
    parts, after = [], ""
    for row in reply.keyboard:
        for b in row:
            if b.action is None or b.action.kind is not Kind.LISTEN:
                continue
            target = media_path(Media("voice", b.action.lang, b.action.arg, ""))
            if target is not None and target in assets:
                src = _esc(relative(path, target))
                parts.append(f'<p class="listen">{_esc(b.label)}<br><audio controls '
                             f'preload="none" src="{src}"><a href="{src}">{_esc(b.label)}</a>'
                             "</audio></p>")
    picture = media_path(reply.media) if reply.media and reply.media.kind == "card" else None
    if picture is not None and picture in assets and reply.media is not None:
        src = _esc(relative(path, picture))
        after = (f'<figure class="picture"><a href="{src}" download><img src="{src}" alt="" '
                 f'width="270" height="480"></a><figcaption>{_esc(reply.media.caption)}'
                 "</figcaption></figure>")
    return "\n".join(parts), after


def render_page(reply: Reply, path: str, *, pages: Collection[str], languages: Sequence[SwitcherEntry],
                switcher_label: str, assets: Collection[str] = ()) -> str:
    """A whole HTML document for ``reply``, written to ``path`` (relative to the site root).

    ``pages`` are the files the site has: buttons to anything else are left out.
    """
    body, title = blocks_html(reply.blocks)
    directions = {lang.code: lang.direction for lang in languages}
    direction = "rtl" if reply.direction == "rtl" else "ltr"
    alternates = "".join(
        f'\n<link rel="alternate" hreflang="{_esc(o.code)}" href="{_esc(relative(path, o.path))}">'
        for o in languages if o.path and o.code != reply.lang)
    card = ' class="has-card"' if any(b.card for b in reply.blocks) else ""
    listen, picture = media_html(reply, path, assets)
    return f"""<!doctype html>
<html lang="{_esc(reply.lang)}" dir="{direction}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_esc(CSP)}">
<meta name="referrer" content="no-referrer">
<title>{_esc(title)}</title>
<link rel="stylesheet" href="{_esc(relative(path, STYLESHEET))}">{alternates}
</head>
<body{card}>
<header>{switcher_html(reply.lang, path, switcher_label, languages)}</header>
<main>
{listen}
{body}
{picture}
</main>
{keyboard_html(reply, path, pages, directions)}
</body>
</html>
"""


# Logical properties only (margin-inline, padding-inline-start, text-align: start), so Arabic
# mirrors by itself; system fonts only.
CSS = """\
:root { color-scheme: light; --ink: #111; --paper: #fff; --line: #767676; --accent: #0b57d0; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", sans-serif; line-height: 1.5;
  color: var(--ink); background: var(--paper); -webkit-text-size-adjust: 100%; }
body { margin: 0; padding-block: 1rem 3rem; padding-inline: 1rem; }
header, main, nav.buttons { max-inline-size: 42rem; margin-inline: auto; }
h1 { font-size: 1.6rem; line-height: 1.25; margin-block: 0.5rem 1rem; }
p, ul { margin-block: 0 1rem; text-align: start; }
/* An English line in an Arabic page (untranslated text, the officer card) keeps its own direction. */
h1, p, li { unicode-bidi: plaintext; }
a[rel~="external"] { unicode-bidi: plaintext; white-space: nowrap; }
main { overflow-wrap: anywhere; }
ul { padding-inline-start: 1.5rem; }
a { color: var(--accent); }
a.tel { font-weight: bold; white-space: nowrap; unicode-bidi: isolate; direction: ltr; }
nav.languages ul { list-style: none; margin: 0 0 1rem; padding: 0 0 0.5rem;
  display: flex; flex-wrap: wrap; gap: 0.25rem 0.9rem; border-block-end: 1px solid var(--line); }
nav.languages [aria-current] { font-weight: bold; }
nav.buttons { margin-block-start: 1.5rem; }
nav.buttons .row { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-block-end: 0.5rem; }
a.button { flex: 1 1 12rem; display: block; padding-block: 0.7rem; padding-inline: 1rem;
  border: 1px solid var(--line); border-radius: 0.5rem; text-decoration: none; color: var(--ink);
  background: #f2f4f7; text-align: start; }
a.button:hover, a.button:focus { background: #e1e7f0; }
section.card { border: 3px solid #b00020; border-radius: 0.75rem; padding-block: 0.75rem;
  padding-inline: 1rem; margin-block: 1rem; font-size: 1.15rem; background: #fff8f8; }
section.card p { margin-block: 0 0.35rem; }
p.listen audio { inline-size: 100%; margin-block-start: 0.25rem; }
figure.picture { margin-inline: 0; }
figure.picture img { display: block; inline-size: 12rem; block-size: auto; border: 1px solid var(--line); }
@page card { size: 85.6mm 54mm; margin: 0; }
@media print {
  body { padding: 0; }
  header, nav.buttons, .has-card main > :not(.card) { display: none; }
  a { color: inherit; text-decoration: none; }
  /* The card is one page of wallet size; a statement too long for it would spill onto a second. */
  .has-card section.card { page: card; inline-size: 85.6mm; min-block-size: 53.5mm; margin: 0;
    padding-block: 2.5mm; padding-inline: 4mm; border: 0.5mm solid #000; border-radius: 3mm;
    font-size: 7.5pt; line-height: 1.2; background: #fff; break-inside: avoid;
    display: flex; flex-direction: column; justify-content: center; }
  .has-card section.card p { margin-block: 0 0.5mm; }
}
"""
