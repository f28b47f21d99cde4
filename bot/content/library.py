"""The immutable content Library the bot serves from: look-ups by language, topic id and region."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from babel import Locale

from bot.content import paragraphs
from bot.content.model import Hotline, HotlineText, Source, Topic, TopicTranslation
from bot.markup import Block, parse

BUILTIN_MENU_ENTRIES = ("hotlines", "language", "erase")


def source_hash(topic: Topic) -> str:
    """Hash of the translatable English text: a translation made from it records this."""
    fields = [topic.title, topic.summary, topic.body, topic.more, topic.officer_statement,
              [c.label for c in topic.choices]]
    blob = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class LanguageInfo:
    """An offered language with what Babel knows of it."""

    code: str
    name: str
    direction: str
    locale: Locale | None
    greetings: tuple[str, ...]

    @property
    def catalog_dir(self) -> str:
        """Directory name under locales/ (POSIX spelling: zh_Hans, pt_BR)."""
        return locale_dir(self.code)


def locale_dir(code: str) -> str:
    """``zh-hans`` → ``zh_Hans``, ``pt-br`` → ``pt_BR``, ``es`` → ``es``."""
    first, *rest = code.split("-")
    out = [first.lower()]
    for part in rest:
        out.append(part.title() if len(part) == 4 else part.upper())
    return "_".join(out)


@dataclass(frozen=True)
class Page:
    """One topic as served in one language (falling back to English where untranslated)."""

    id: str
    lang: str
    title: str
    summary: str
    body: tuple[Block, ...]
    more: tuple[Block, ...]
    officer: tuple[Block, ...]
    choices: tuple[tuple[str, str], ...]
    related: tuple[str, ...]
    hotlines: tuple[str, ...]
    keywords: tuple[str, ...]
    sources: tuple[Source, ...]
    review_state: str
    reviewed_by: str  # the English text's review
    reviewed_on: dt.date
    translation_by: str | None  # a person's review of the translation (None for machine or English)
    translation_on: dt.date | None
    next_review: dt.date
    served: bool
    translated: bool
    stale: bool
    changes: tuple[tuple[str, tuple[int, ...]], ...] = ()  # English units changed since translated
    withheld: bool = False  # a machine translation not served (SERVE_MACHINE_TRANSLATIONS=0)

    @property
    def first_sources(self) -> tuple[Source, ...]:
        """The one or two sources shown on the first screen."""
        return tuple(s for s in self.sources if s.first)

    def expired(self, today: dt.date, grace_days: int) -> bool:
        """True once the English review is past due by more than the grace period."""
        return review_expired(self.next_review, today, grace_days)


def review_expired(due: dt.date, today: dt.date, grace_days: int) -> bool:
    """The one rule: a topic is no longer served once its review is ``grace_days`` overdue."""
    return today > due + dt.timedelta(days=grace_days)


@dataclass(frozen=True)
class Library:
    """All validated content, immutable; a reload builds a new one and swaps it in whole."""

    source: str
    languages: dict[str, LanguageInfo]
    menu: tuple[str, ...]
    topics: dict[str, Topic]
    pages: dict[tuple[str, str], Page]
    hotlines: dict[str, Hotline]
    hotline_text: dict[tuple[str, str], HotlineText]
    regions: dict[str, dict[str, str]]
    hashes: dict[str, str] = field(default_factory=dict)
    # content/search/<lang>.yaml: language → topic id → what people type for it
    phrases: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    def page(self, lang: str, topic_id: str) -> Page | None:
        """The servable page, or None when unknown or unverified."""
        page = self.pages.get((lang, topic_id))
        return page if page and page.served else None

    def language(self, code: str) -> LanguageInfo:
        """The language, or the source language for an unknown code."""
        return self.languages.get(code) or self.languages[self.source]

    def region_name(self, lang: str, code: str) -> str:
        """A state's name in ``lang``, else in English."""
        names = self.regions.get(code, {})
        return names.get(lang) or names.get(self.source) or code

    def verified_hotlines(self, region: str) -> list[Hotline]:
        """Verified lines serving ``region`` (``US`` for national ones), in file order.

        ICE's own lines are never offered as help: they appear only on the topics that attach them.
        """
        return [h for h in self.hotlines.values()
                if h.status == "verified" and region in h.regions and h.operator != "ice"]

    def hotline_words(self, lang: str, hotline: Hotline) -> HotlineText:
        """Name, hours and note in ``lang`` where translated, else English."""
        text = self.hotline_text.get((lang, hotline.id)) or HotlineText()
        return HotlineText(name=text.name or hotline.name,
                           purpose=text.purpose or hotline.purpose,
                           hours=text.hours or hotline.hours, note=text.note or hotline.note)


def build_page(
    lang: str, topic: Topic, tr: TopicTranslation | None, current_hash: str, *, is_source: bool,
    serve_machine: bool = True,
) -> Page:
    """Merge an English topic with its translation (if any) into a Page.

    A stale translation is served as it is, except that an English paragraph marked critical
    and changed since is shown in English in its place. Without ``serve_machine`` a translation
    no person has reviewed is withheld and the English is served.
    """
    withheld = tr is not None and tr.review.state == "machine" and not serve_machine
    if withheld:
        tr = None
    changes = translation_changes(topic, tr) if tr is not None else {}
    src = tr if tr is not None else topic
    labels = tuple(tr.choices) if tr is not None and len(tr.choices) == len(topic.choices) else tuple(
        c.label for c in topic.choices)
    state: str = topic.review.state
    tr_by: str | None = None
    tr_on: dt.date | None = None
    stale = False
    if tr is not None:
        state = tr.review.state
        if state != "machine":  # a machine draft has only the English review, and a notice
            tr_by, tr_on = tr.review.by, tr.review.reviewed
        stale = bool(changes) if tr.source_paragraphs else tr.source_hash != current_hash
    officer = (_served(topic, tr, "officer_statement", changes) if tr and tr.officer_statement
               else paragraphs.strip_markers(topic.officer_statement or ""))
    return Page(
        id=topic.id,
        lang=lang,
        title=src.title,
        summary=src.summary,
        body=parse(_served(topic, tr, "body", changes)),
        more=parse(_served(topic, tr, "more", changes)),
        officer=parse(officer),
        choices=tuple(zip(labels, (c.topic for c in topic.choices), strict=True)),
        related=tuple(topic.related),
        hotlines=tuple(topic.hotlines),
        keywords=tuple(tr.keywords) if tr else tuple(topic.keywords),
        sources=tuple(topic.sources),
        review_state=state,
        reviewed_by=topic.review.who,
        reviewed_on=topic.review.reviewed,
        translation_by=tr_by,
        translation_on=tr_on,
        next_review=topic.review.next_review,
        served=topic.status == "verified",
        translated=tr is not None or is_source,
        stale=stale,
        changes=tuple((k, tuple(v)) for k, v in changes.items()),
        withheld=withheld,
    )


def translation_changes(topic: Topic, tr: TopicTranslation) -> dict[str, list[int]]:
    """Per field, the English units changed since the translation was made (empty: up to date,
    or an older file without ``source_paragraphs``)."""
    if tr.source_paragraphs is None:
        return {}
    return paragraphs.changed(paragraphs.hashes(topic), tr.source_paragraphs.as_dict())


def _served(topic: Topic, tr: TopicTranslation | None, name: str,
            changes: dict[str, list[int]]) -> str:
    """The markup served for one field: the translation's, with changed critical English
    paragraphs put in place of their old translation."""
    english = getattr(topic, name) or ""
    if tr is None:
        return paragraphs.strip_markers(english)
    text = getattr(tr, name) or ""
    en_units = paragraphs.split(english)
    nums = set(changes.get(name, ()))
    if not any(u.critical for i, u in enumerate(en_units, 1) if i in nums):
        return paragraphs.strip_markers(text)
    recorded = tr.source_paragraphs.as_dict().get(name, []) if tr.source_paragraphs else []
    tr_units = paragraphs.split(text)
    if len(tr_units) != len(recorded):  # the translation's paragraphs do not line up: all English
        return paragraphs.strip_markers(english)
    in_place = len(en_units) == len(recorded)
    out = []
    for i, unit in enumerate(en_units):
        plain_unit = paragraphs.Unit(unit.text, unit.bullet)
        if unit.hash in recorded:
            out.append(tr_units[recorded.index(unit.hash)])
        elif in_place and not unit.critical:
            out.append(tr_units[i])
        else:
            out.append(plain_unit)
    return paragraphs.strip_markers(paragraphs.join(out))
