"""The conversation: Action → Reply. Pure: no network, no clock except the date passed in."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from urllib.parse import urlsplit

import phonenumbers
from babel import Locale

from bot.actions import Action, Kind
from bot.bidi import RLM, has_rtl, isolate_ltr, isolate_pieces
from bot.bundle import Bundle
from bot.content.library import Library, Page
from bot.content.model import Hotline, Source
from bot.i18n import N_, Strings, long_date
from bot.markup import Block, Span, plain
from bot.reply import Button, Media, Reply

URGENT_ROWS = 6
STATES_PER_PAGE = 20
# Arrows for "back", "previous page" and "next page", by text direction.
ARROWS = {"ltr": ("⬅", "◀", "▶"), "rtl": ("➡", "▶", "◀")}

LEGAL_HELP = "legal-help"  # the topic offered beside every list of hotlines
MENU_LABELS = {
    "hotlines": N_("📞 Hotlines"),
    "language": N_("🌐 Language"),
    "erase": N_("🧹 Erase this chat"),
}


def respond(bundle: Bundle, action: Action, today: dt.date) -> Reply:
    """Answer one Action."""
    lang = action.lang if action.lang in bundle.library.languages else bundle.library.source
    action = Action(lang, action.kind, action.arg)
    handler = _HANDLERS.get(action.kind, _menu)
    return handler(bundle, action, today)


def _reply(bundle: Bundle, lang: str, blocks: list[Block], keyboard: list[list[Button]], *,
           erase: bool = False, ephemeral: bool = False, media: Media | None = None) -> Reply:
    info = bundle.library.language(lang)
    rows = [r for r in keyboard if r]
    if info.direction == "rtl":
        blocks = [_rtl_block(b) for b in blocks]
        rows = [[_rtl_button(b) for b in r] for r in rows]
    return Reply(lang, info.direction, tuple(blocks), tuple(tuple(r) for r in rows),
                 erase=erase, ephemeral=ephemeral, media=media)


def _rtl_block(block: Block) -> Block:
    """Numbers, URLs and Latin words keep their order; a paragraph with Arabic reads right to left.

    A block with no right-to-left letter at all (English fallback, the officer card) is left alone.
    """
    if not has_rtl(block.text):
        return block
    texts = isolate_pieces([s.text for s in block.spans])
    texts = [t.replace("\n", "\n" + RLM) for t in texts]
    texts[0] = RLM + texts[0]
    return replace(block, spans=tuple(replace(s, text=t) for s, t in zip(block.spans, texts,
                                                                         strict=True)))


def _rtl_button(button: Button) -> Button:
    if not has_rtl(button.label):
        return button
    return replace(button, label=RLM + isolate_ltr(button.label))


def _nav(bundle: Bundle, lang: str) -> list[Button]:
    _ = bundle.strings(lang)
    return [Button(_("🏠 Menu"), Action(lang, Kind.MENU)),
            Button(_("🌐 Language"), Action(lang, Kind.LANGUAGES))]


def _menu(bundle: Bundle, action: Action, today: dt.date, note: str | None = None) -> Reply:
    lang = action.lang
    _ = bundle.strings(lang)
    blocks = [plain(note)] if note else []
    blocks += [plain(_("Know your rights. What is happening now?"), bold=True),
               plain(_("Free. This bot keeps nothing about you. General information, "
                       "not legal advice."))]
    buttons = [b for entry in bundle.library.menu if (b := _menu_button(bundle, lang, entry))]
    rows = [[b] for b in buttons[:URGENT_ROWS]]
    rest = buttons[URGENT_ROWS:]
    rows += [rest[i : i + 2] for i in range(0, len(rest), 2)]
    return _reply(bundle, lang, blocks, rows)


def _menu_button(bundle: Bundle, lang: str, entry: str) -> Button | None:
    _ = bundle.strings(lang)
    if entry == "hotlines":
        return Button(_(MENU_LABELS[entry]), Action(lang, Kind.HOTLINES))
    if entry == "language":
        return Button(_(MENU_LABELS[entry]), Action(lang, Kind.LANGUAGES))
    if entry == "erase":
        return Button(_(MENU_LABELS[entry]), Action(lang, Kind.ERASE))
    page = bundle.library.page(lang, entry)
    return Button(page.title, Action(lang, Kind.TOPIC, entry)) if page else None


def _topic(bundle: Bundle, action: Action, today: dt.date) -> Reply:
    lang = action.lang
    _ = bundle.strings(lang)
    page = bundle.library.page(lang, action.arg)
    if page is None:
        return _menu(bundle, action, today, _("That page is not available. Here is the menu."))
    if page.expired(today, bundle.grace_days):
        return _expired(bundle, lang, page)
    blocks = _notices(_, page, bundle.library)
    blocks.append(plain(page.title, bold=True))
    blocks += page.body
    if page.officer:
        blocks += _officer_card(bundle, page)
    blocks += _hotline_blocks(bundle, lang, _page_hotlines(bundle, page), _)
    blocks += _footer(bundle, page, _)
    rows: list[list[Button]] = [[Button(label, Action(lang, Kind.TOPIC, tid))]
                                for label, tid in page.choices if bundle.library.page(lang, tid)]
    if bundle.audio.get(lang, page.id):
        rows.append([Button(_("🔊 Listen"), Action(lang, Kind.LISTEN, page.id))])  # after choices
    if page.more:
        rows.append([Button(_("📖 More"), Action(lang, Kind.MORE, page.id))])
    rows.append([Button(_("📚 Sources"), Action(lang, Kind.SOURCES, page.id)),
                 Button(_("📤 Share"), share=page.title)])  # inline mode finds it by its title
    rows += _pairs(_related(bundle, page))
    if page.id == "privacy":
        rows.append([Button(_(MENU_LABELS["erase"]), Action(lang, Kind.ERASE))])
    rows.append([Button(_(MENU_LABELS["hotlines"]), Action(lang, Kind.HOTLINES))])
    rows.append(_nav(bundle, lang))
    card = None
    if page.officer:  # the statement also comes as a picture to hold up (bot/card.py)
        card = Media("card", lang, page.id, _("Save this picture to your photos, so you can "
                                              "show it without internet."))
    return _reply(bundle, lang, blocks, rows, media=card)


def _listen(bundle: Bundle, action: Action, today: dt.date) -> Reply:
    """The topic's first screen as a voice note, and nothing else; the page if there is none."""
    lang = action.lang
    note = bundle.audio.get(lang, action.arg)
    page = bundle.library.page(lang, action.arg)
    if note is None or page is None or page.expired(today, bundle.grace_days):
        return _topic(bundle, Action(lang, Kind.TOPIC, action.arg), today)
    _ = bundle.strings(lang)
    who = (_("Machine voice: a computer reads this page.") if note.machine
           else _("Read by a volunteer."))
    return _reply(bundle, lang, [], [], media=Media("voice", lang, page.id,
                                                    f"🔊 {page.title}\n{who}"))


def _more(bundle: Bundle, action: Action, today: dt.date) -> Reply:
    lang = action.lang
    _ = bundle.strings(lang)
    page = bundle.library.page(lang, action.arg)
    if page is None or not page.more:
        return _topic(bundle, Action(lang, Kind.TOPIC, action.arg), today)
    if page.expired(today, bundle.grace_days):
        return _expired(bundle, lang, page)
    blocks = _notices(_, page, bundle.library)
    blocks.append(plain(page.title, bold=True))
    blocks += page.more
    blocks += _hotline_blocks(bundle, lang, _page_hotlines(bundle, page), _)
    blocks += _footer(bundle, page, _)
    rows = [[_back_to(bundle, page)],
            [Button(_("📚 Sources"), Action(lang, Kind.SOURCES, page.id))],
            *_pairs(_related(bundle, page)), _nav(bundle, lang)]
    return _reply(bundle, lang, blocks, rows)


def _sources(bundle: Bundle, action: Action, today: dt.date) -> Reply:
    """Every source of a topic: publisher, date, what it supports, and the link."""
    lang = action.lang
    _ = bundle.strings(lang)
    page = bundle.library.page(lang, action.arg)
    if page is None:
        return _menu(bundle, action, today, _("That page is not available. Here is the menu."))
    locale = bundle.library.language(lang).locale
    blocks = [plain(_("Sources: {title}", title=page.title), bold=True),
              plain(_("Each fact on this page comes from the publisher's own page. The notes "
                      "are in English."), italic=True)]
    for n, src in enumerate(page.sources, 1):
        blocks.append(Block((Span(f"{n}. "), Span(src.publisher, bold=True),
                             Span(f" ({_source_date(_, src, locale)}): "),
                             Span(src.supports + " "), Span(_host(src.url), href=src.url))))
    rows = [[_back_to(bundle, page)],
            _nav(bundle, lang)]
    return _reply(bundle, lang, blocks, rows)


def _back_to(bundle: Bundle, page: Page) -> Button:
    """The button back to a topic's first screen, its arrow pointing the reading way."""
    back = ARROWS[bundle.library.language(page.lang).direction][0]
    return Button(back + " " + page.title, Action(page.lang, Kind.TOPIC, page.id))


def _source_date(_: Strings, src: Source, locale: Locale | None) -> str:
    if src.published:
        return long_date(src.published, locale)
    return _("seen {date}", date=long_date(src.date, locale))


def _host(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def _notices(_: Strings, page: Page, lib: Library) -> list[Block]:
    if page.lang == lib.source:
        return []
    if page.withheld:
        return [plain(_("⚠️ The translation of this page has not been checked by a person yet, "
                        "so it is shown in English."), italic=True)]
    if not page.translated:
        return [plain(_("⚠️ Not yet translated into your language. Showing English."),
                      italic=True)]
    out = []
    if page.review_state == "machine":
        out.append(plain(_("⚠️ Automatic translation, not yet checked by a person."),
                         italic=True))
    if page.stale:
        date = long_date(page.reviewed_on, lib.language(page.lang).locale)
        out.append(plain(_("⚠️ The English text was updated on {date}. This translation may be "
                           "out of date.", date=date), italic=True))
    return out


def _officer_card(bundle: Bundle, page: Page) -> list[Block]:
    source = bundle.library.source
    english = bundle.library.page(source, page.id)
    blocks: list[Block] = []
    if english and english.officer:
        blocks += [Block((Span(b.text, bold=True),), card=True) for b in english.officer]
    if page.lang != source and page.translated:
        blocks.append(Block((Span("— — —"),), card=True))
        blocks += [replace(b, card=True) for b in page.officer]
    return blocks


def _expired(bundle: Bundle, lang: str, page: Page) -> Reply:
    _ = bundle.strings(lang)
    blocks = [plain(page.title, bold=True),
              plain(_("This page is waiting for a new legal review, so it is not shown "
                      "right now. Please call a hotline for help."))]
    blocks += _hotline_blocks(bundle, lang, bundle.library.verified_hotlines("US"), _)
    rows = [[Button(_(MENU_LABELS["hotlines"]), Action(lang, Kind.HOTLINES))], _nav(bundle, lang)]
    return _reply(bundle, lang, blocks, rows)


def _page_hotlines(bundle: Bundle, page: Page) -> list[Hotline]:
    lines = [bundle.library.hotlines.get(h) for h in page.hotlines]
    return [h for h in lines if h is not None and h.status == "verified"]


def _related(bundle: Bundle, page: Page) -> list[Button]:
    out = []
    for tid in page.related:
        other = bundle.library.page(page.lang, tid)
        if other:
            out.append(Button(other.title, Action(page.lang, Kind.TOPIC, tid)))
    return out


def _pairs(buttons: list[Button]) -> list[list[Button]]:
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def _footer(bundle: Bundle, page: Page, _: Strings) -> list[Block]:
    """The review stamps, said for what they cover, and the one or two sources behind this screen."""
    locale = bundle.library.language(page.lang).locale
    english = long_date(page.reviewed_on, locale)
    if page.lang == bundle.library.source:
        stamp = _("Reviewed by {who} on {date}.", who=page.reviewed_by, date=english)
    else:
        stamp = _("English text reviewed by {who} on {date}.", who=page.reviewed_by, date=english)
        if page.translation_by and page.translation_on:
            stamp = _("Translation checked by {who} on {date}.", who=page.translation_by,
                      date=long_date(page.translation_on, locale)) + " " + stamp
    spans: list[Span] = [Span(_("Sources:") + " ", italic=True)]
    for n, src in enumerate(page.first_sources, 1):
        if n > 1:
            spans.append(Span(" · ", italic=True))
        spans.append(Span(f"{src.publisher}, {_source_date(_, src, locale)}", href=src.url))
    more = len(page.sources) - len(page.first_sources)
    if more > 0:
        spans.append(Span(" · " + _("Sources in all: {count}", count=len(page.sources)),
                          italic=True))
    return [plain(stamp + " " + _("General information, not legal advice."), italic=True),
            Block(tuple(spans))]


def format_number(number: str) -> str:
    """``+18554357693`` → ``+1 855-435-7693`` (phones make it tappable)."""
    parsed = phonenumbers.parse(number, None)
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def _hotline_blocks(bundle: Bundle, lang: str, lines: list[Hotline], _: Strings) -> list[Block]:
    """Each line: name and number, then what it is for, who runs it, how and when to reach it."""
    blocks = []
    for h in lines:
        words = bundle.library.hotline_words(lang, h)
        number = format_number(h.number)
        if h.vanity:
            number += f" ({h.vanity})"
        spans = [Span(f"📞 {words.name}: ", bold=True), Span(number, bold=True)]
        lines_out = []
        if h.operator == "ice":
            lines_out.append("⚠️ " + _("Run by ICE (Immigration and Customs Enforcement)."))
        lines_out.append(str(words.purpose))
        if h.sms == h.number:
            how = _("Call or text.")
        elif h.sms:
            how = _("Call. Text: {number}", number=format_number(h.sms))
        else:
            how = _("Call.")
        details = [how]
        if words.hours:
            details.append(words.hours)
        if h.languages:
            names = [bundle.library.language(c).name if c in bundle.library.languages
                     else c for c in h.languages]
            details.append(_("Languages: {names}", names=", ".join(names)))
        lines_out.append(" · ".join(details))
        if words.note:
            lines_out.append(words.note)
        spans.append(Span("\n" + "\n".join(lines_out)))
        blocks.append(Block(tuple(spans)))
    return blocks


def _hotlines(bundle: Bundle, action: Action, today: dt.date) -> Reply:
    lang = action.lang
    _ = bundle.strings(lang)
    blocks = [plain(_("National hotlines"), bold=True)]
    blocks += _hotline_blocks(bundle, lang, bundle.library.verified_hotlines("US"), _)
    blocks.append(plain(_("Choose your state to see local lines. You can also type its name.")))
    rows = [[Button(_("📍 Choose your state"), Action(lang, Kind.STATES, "0"))],
            *_legal_help_row(bundle, lang), _nav(bundle, lang)]
    return _reply(bundle, lang, blocks, rows)


def _legal_help_row(bundle: Bundle, lang: str) -> list[list[Button]]:
    page = bundle.library.page(lang, LEGAL_HELP)
    return [[Button("⚖️ " + page.title, Action(lang, Kind.TOPIC, LEGAL_HELP))]] if page else []


def _states(bundle: Bundle, action: Action, today: dt.date) -> Reply:
    lang = action.lang
    _ = bundle.strings(lang)
    codes = list(bundle.library.regions)
    pages = max(1, -(-len(codes) // STATES_PER_PAGE))
    n = min(int(action.arg or 0), pages - 1)
    chunk = codes[n * STATES_PER_PAGE : (n + 1) * STATES_PER_PAGE]
    buttons = [Button(bundle.library.region_name(lang, c), Action(lang, Kind.REGION, c))
               for c in chunk]
    rows = _pairs(buttons)
    _back, previous, following = ARROWS[bundle.library.language(lang).direction]
    paging = []
    if n > 0:
        paging.append(Button(previous, Action(lang, Kind.STATES, str(n - 1))))
    if n < pages - 1:
        paging.append(Button(following, Action(lang, Kind.STATES, str(n + 1))))
    rows.append(paging)
    rows.append(_nav(bundle, lang))
    text = _("Choose your state or territory ({page} of {pages}):", page=n + 1, pages=pages)
    return _reply(bundle, lang, [plain(text, bold=True)], rows)


def _region(bundle: Bundle, action: Action, today: dt.date) -> Reply:
    lang = action.lang
    _ = bundle.strings(lang)
    code = action.arg
    if code not in bundle.library.regions:
        return _hotlines(bundle, Action(lang, Kind.HOTLINES), today)
    name = bundle.library.region_name(lang, code)
    local = [h for h in bundle.library.verified_hotlines(code) if "US" not in h.regions]
    blocks = [plain(_("Hotlines for {state}", state=name), bold=True)]
    if local:
        blocks += _hotline_blocks(bundle, lang, local, _)
        blocks.append(plain(_("National hotlines"), bold=True))
    else:
        blocks.append(plain(_("We have no checked local hotline for {state} yet. These national "
                              "lines are not run by ICE, and free legal help is one tap away "
                              "below:", state=name)))
    blocks += _hotline_blocks(bundle, lang, bundle.library.verified_hotlines("US"), _)
    rows = [[Button(_("📍 Choose your state"), Action(lang, Kind.STATES, "0"))],
            *_legal_help_row(bundle, lang), _nav(bundle, lang)]
    return _reply(bundle, lang, blocks, rows)


def _languages(bundle: Bundle, action: Action, today: dt.date) -> Reply:
    _ = bundle.strings(action.lang)
    buttons = [Button(info.name, Action(code, Kind.MENU))
               for code, info in bundle.library.languages.items()]
    text = _("Choose your language:")
    return _reply(bundle, action.lang, [plain(text, bold=True)], _pairs(buttons))


def _erase(bundle: Bundle, action: Action, today: dt.date) -> Reply:
    lang = action.lang
    _ = bundle.strings(lang)
    blocks = [
        plain(_("🧹 I deleted the recent messages of this chat."), bold=True),
        plain(_("Bots cannot delete messages older than 48 hours. Delete those yourself.")),
        plain(_("Now also delete the chat on your phone: press and hold the chat, then Delete. "
                "Turn on auto-delete: open the chat, tap the bot's name, then Auto-Delete.")),
        plain(_("This note will disappear in a minute."), italic=True),
    ]
    rows = [[Button(_("🏠 Menu"), Action(lang, Kind.MENU))]]
    return _reply(bundle, lang, blocks, rows, erase=True, ephemeral=True)


def _search(bundle: Bundle, action: Action, today: dt.date) -> Reply:
    lang = action.lang
    index = bundle.index
    text = action.arg
    greeting_lang = index.greeting(text)
    if greeting_lang:
        return _menu(bundle, Action(greeting_lang, Kind.MENU), today)
    region = index.region(text)
    if region:
        return _region(bundle, Action(lang, Kind.REGION, region), today)
    hit = index.search(text, prefer=lang)
    if hit is None or not hit.topics:
        _ = bundle.strings(lang)
        return _menu(bundle, action, today, _("I did not find that. Choose a topic:"))
    if hit.clear:  # plainly one topic: open it instead of asking
        return _topic(bundle, Action(hit.lang, Kind.TOPIC, hit.topics[0]), today)
    _ = bundle.strings(hit.lang)
    rows = []
    for tid in hit.topics:
        page = bundle.library.page(hit.lang, tid)
        if page:
            rows.append([Button(page.title, Action(hit.lang, Kind.TOPIC, tid))])
    rows.append(_nav(bundle, hit.lang))
    return _reply(bundle, hit.lang, [plain(_("Is it one of these?"), bold=True)], rows)


_HANDLERS = {
    Kind.MENU: _menu,
    Kind.TOPIC: _topic,
    Kind.MORE: _more,
    Kind.SOURCES: _sources,
    Kind.HOTLINES: _hotlines,
    Kind.STATES: _states,
    Kind.REGION: _region,
    Kind.LANGUAGES: _languages,
    Kind.ERASE: _erase,
    Kind.SEARCH: _search,
    Kind.LISTEN: _listen,
}
