"""Read content/ into a Library, collecting every problem as ``file:line: what — how to fix``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError
from pydantic import BaseModel, TypeAdapter, ValidationError

from bot.config import Config
from bot.content import glossary as gloss
from bot.content import paragraphs
from bot.content.library import (
    BUILTIN_MENU_ENTRIES,
    LanguageInfo,
    Library,
    Page,
    build_page,
    review_expired,
    source_hash,
    translation_changes,
)
from bot.content.model import (
    GlossaryFile,
    Hotline,
    HotlinesFile,
    HotlineText,
    LanguagesFile,
    MenuFile,
    RegionsFile,
    SearchFile,
    SourcesPolicyFile,
    Topic,
    TopicTranslation,
)
from bot.content.yamlfile import ContentError, Problem, YamlDoc, load
from bot.markup import MarkupError, parse

M = TypeVar("M", bound=BaseModel)
_HOTLINE_TEXTS = TypeAdapter(dict[str, HotlineText])
# Never to be shown as help: ICE's tip line and the line for detained people claiming citizenship.
FORBIDDEN_NUMBERS = frozenset({"+18663472423", "+18554486903"})
MARKUP_FIELDS = ("body", "more", "officer_statement")
MAX_FIRST_SOURCES = 2  # sources on a topic's first screen; the rest are one tap away
FIRST_SCREEN = 700  # characters: the first screen should fit a small phone (aim for 600)


@dataclass
class Loaded:
    """What load_content found: the Library (None when errors stop it) and every problem."""

    library: Library | None
    problems: list[Problem] = field(default_factory=list)
    docs: dict[str, YamlDoc] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)  # of every valid English topic
    topics: dict[str, Topic] = field(default_factory=dict)  # every valid English topic
    translations: dict[str, dict[str, TopicTranslation]] = field(default_factory=dict)  # lang, id

    @property
    def errors(self) -> list[Problem]:
        """Problems of severity error."""
        return [p for p in self.problems if p.severity == "error"]


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.docs: dict[str, YamlDoc] = {}

    def doc(self, rel: str) -> YamlDoc | None:
        path = self.root / rel
        if not path.is_file():
            return None
        try:
            doc = load(path, label=self._label(path))
        except ContentError as exc:
            self.problems.append(exc.problem)
            return None
        self.docs[rel] = doc
        return doc

    def _label(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def model(self, rel: str, cls: type[M], required: bool = True) -> tuple[M | None, YamlDoc | None]:
        doc = self.doc(rel)
        if doc is None:
            if required and not (self.root / rel).is_file():
                self.problems.append(Problem(str(self.root / rel), 1, "file is missing",
                                             "create it (see docs/content-format.md)"))
            return None, None
        return self.validate(doc, cls), doc

    def validate(self, doc: YamlDoc, cls: type[M]) -> M | None:
        try:
            return cls.model_validate(doc.data)
        except ValidationError as exc:
            self.schema_errors(doc, exc)
            return None

    def schema_errors(self, doc: YamlDoc, exc: ValidationError) -> None:
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
            field_name = ".".join(str(p) for p in loc) or "file"
            self.problems.append(doc.problem(loc, f"{field_name}: {_plain_message(err)}",
                                             _fix_for(err)))

    def add(self, doc: YamlDoc | None, loc: tuple[Any, ...], msg: str, fix: str,
            severity: str = "error") -> None:
        if doc is None:
            self.problems.append(Problem(str(self.root), 1, msg, fix, severity))
        else:
            self.problems.append(doc.problem(loc, msg, fix, severity))


def _plain_message(err: Any) -> str:
    kind = err["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "literal_error":
        return f"must be one of {err['ctx']['expected']}"
    return str(err["msg"]).removeprefix("Value error, ")


def _fix_for(err: Any) -> str:
    kind = err["type"]
    if kind == "missing":
        return "add it (see docs/content-format.md)"
    if kind == "extra_forbidden":
        return "check the spelling of this field or remove it"
    if kind.startswith("date"):
        return 'write the date as "YYYY-MM-DD" in quotes'
    if kind == "string_too_long":
        return "shorten it"
    if kind == "string_pattern_mismatch":
        return "use lower-case letters, digits and hyphens (codes: two capital letters)"
    return "correct the value"


def _language_info(code: str, name: str, greetings: list[str]) -> LanguageInfo:
    try:
        locale: Locale | None = Locale.parse(code, sep="-")
    except (ValueError, UnknownLocaleError):
        locale = None
    direction = locale.text_direction if locale is not None else "ltr"
    return LanguageInfo(code, name, direction, locale, tuple(greetings))


def load_content(root: Path, today: dt.date | None = None,
                 grace_days: int = Config.review_grace_days, *,
                 serve_machine: bool = Config.serve_machine_translations) -> Loaded:
    """Read and validate everything under ``root``; build the Library unless there are errors.

    Without ``serve_machine``, translations no person has reviewed are not served (English is).
    """
    r = _Reader(root)
    today = today or dt.date.today()
    langs_file, langs_doc = r.model("languages.yaml", LanguagesFile)
    menu_file, menu_doc = r.model("menu.yaml", MenuFile)
    hot_file, hot_doc = r.model("hotlines.yaml", HotlinesFile)
    reg_file, _ = r.model("regions.yaml", RegionsFile)
    policy, _ = r.model("refused-sources.yaml", SourcesPolicyFile)
    refused = {entry.domain: entry.why for entry in policy.refused} if policy else {}

    topics: dict[str, Topic] = {}
    topic_docs: dict[str, YamlDoc] = {}
    for path in sorted((root / "topics").glob("*.yaml")):
        rel = f"topics/{path.name}"
        doc = r.doc(rel)
        topic = r.validate(doc, Topic) if doc else None
        if doc is None or topic is None:
            continue
        if topic.id != path.stem:
            r.add(doc, ("id",), f"id '{topic.id}' differs from the file name '{path.stem}'",
                  f"rename the file to {topic.id}.yaml or set id: \"{path.stem}\"")
        topics[topic.id] = topic
        topic_docs[topic.id] = doc
        _check_markup(r, doc, topic)
        _check_critical_markers(r, doc, topic)
        _check_review(r, doc, topic, today, grace_days)
        _check_topic_sources(r, doc, topic, refused)

    hotlines: dict[str, Hotline] = {}
    if hot_file and hot_doc:
        for i, h in enumerate(hot_file.hotlines):
            if h.id in hotlines:
                r.add(hot_doc, ("hotlines", i, "id"), f"duplicate hotline id '{h.id}'",
                      "give each hotline its own id")
            hotlines[h.id] = h
            _check_hotline(r, hot_doc, i, h, today)
            for j, src in enumerate(h.sources):
                _check_url(r, hot_doc, ("hotlines", i, "sources", j, "url"), src.url, refused)

    languages: dict[str, LanguageInfo] = {}
    if langs_file and langs_doc:
        for i, lang in enumerate(langs_file.languages):
            if lang.code in languages:
                r.add(langs_doc, ("languages", i, "code"), f"duplicate language '{lang.code}'",
                      "list each language once")
            languages[lang.code] = _language_info(lang.code, lang.name, lang.greetings)
        if langs_file.source not in languages:
            r.add(langs_doc, ("source",), f"source language '{langs_file.source}' is not offered",
                  "add it to languages")
    source = langs_file.source if langs_file else "en"

    _check_references(r, topics, topic_docs, hotlines, menu_file, menu_doc)
    phrases = _read_phrases(r, root, languages, topics)

    hashes = {tid: source_hash(t) for tid, t in topics.items()}
    pages: dict[tuple[str, str], Page] = {}
    hotline_text: dict[tuple[str, str], HotlineText] = {}
    regions: dict[str, dict[str, str]] = {}
    if reg_file:
        for code, name in reg_file.regions.items():
            regions.setdefault(code, {})[source] = name
    translations: dict[str, dict[str, TopicTranslation]] = {}
    for code in languages:
        if code == source:
            continue
        translations[code] = _read_translations(r, root, code, topics, hashes)
        for hid, text in _read_hotline_texts(r, code, hotlines).items():
            hotline_text[(code, hid)] = text
        for rc, name in _read_regions(r, code, regions).items():
            regions.setdefault(rc, {})[code] = name
    if not any(p.severity == "error" for p in r.problems):
        for code in languages:
            trs = translations.get(code, {})
            for tid, topic in topics.items():
                pages[(code, tid)] = build_page(code, topic, trs.get(tid), hashes[tid],
                                                is_source=code == source,
                                                serve_machine=serve_machine)

    library = None
    if not [p for p in r.problems if p.severity == "error"] and langs_file and menu_file:
        library = Library(source=source, languages=languages, menu=tuple(menu_file.menu),
                          topics=topics, pages=pages, hotlines=hotlines,
                          hotline_text=hotline_text, regions=regions, hashes=hashes,
                          phrases=phrases)
    return Loaded(library, r.problems, r.docs, hashes, topics, translations)


def _check_markup(r: _Reader, doc: YamlDoc, item: Topic | TopicTranslation) -> None:
    if len(item.body) > FIRST_SCREEN:
        r.add(doc, ("body",), f"the first screen is {len(item.body)} characters, over "
              f"{FIRST_SCREEN}: on a small phone people must scroll before the first steps",
              "keep the most urgent steps in body (aim for 600) and move details to more",
              "warning")
    for name in MARKUP_FIELDS:
        text = getattr(item, name)
        if not text:
            continue
        try:
            parse(text)
        except MarkupError as exc:
            # Block scalars start on the line after the key.
            line = doc.line((name,)) + 1 + exc.line
            r.problems.append(Problem(doc.label, line, f"{name}: {exc}",
                                      "fix the markup (see docs/content-format.md)"))


def _check_review(r: _Reader, doc: YamlDoc, topic: Topic, today: dt.date, grace: int) -> None:
    due = topic.review.next_review
    if review_expired(due, today, grace):
        r.add(doc, ("review", "next_review"),
              f"review was due on {due} and the {grace}-day grace period is over; "
              "the bot no longer serves this topic",
              "have it reviewed, then update review.reviewed and review.next_review")
    elif today > due:
        r.add(doc, ("review", "next_review"), f"review was due on {due}",
              "have it reviewed, then update review.reviewed and review.next_review", "warning")


def _refused_domain(url: str, refused: dict[str, str]) -> str | None:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return next((d for d in refused if host == d or host.endswith("." + d)), None)


def _check_url(r: _Reader, doc: YamlDoc, loc: tuple[Any, ...], url: str,
               refused: dict[str, str]) -> None:
    domain = _refused_domain(url, refused)
    if domain:
        r.add(doc, loc, f"{domain} is never a source: {refused[domain]}",
              "cite the publisher's own page (see content/refused-sources.yaml)")
    elif urlsplit(url).path in ("", "/") and not urlsplit(url).query:
        r.add(doc, loc, f"{url} is a whole site, not a page: nobody can re-check the fact there",
              "give the full address of the page that states it")


def _check_topic_sources(r: _Reader, doc: YamlDoc, topic: Topic, refused: dict[str, str]) -> None:
    for i, src in enumerate(topic.sources):
        _check_url(r, doc, ("sources", i, "url"), src.url, refused)
    first = [i for i, src in enumerate(topic.sources) if src.first]
    if len(first) > MAX_FIRST_SOURCES:
        r.add(doc, ("sources", first[MAX_FIRST_SOURCES], "first"),
              f"{len(first)} sources are marked for the first screen, over {MAX_FIRST_SOURCES}",
              "keep 'first: true' on the one or two sources behind the first screen; "
              "the others are one tap away under Sources")
    elif not first:
        r.add(doc, ("sources",), "no source is marked for the first screen",
              "add 'first: true' to the one or two sources behind the body")


def _check_hotline(r: _Reader, doc: YamlDoc, i: int, h: Hotline, today: dt.date) -> None:
    loc = ("hotlines", i)
    for key, number in (("number", h.number), ("sms", h.sms)):
        if number in FORBIDDEN_NUMBERS:
            r.add(doc, (*loc, key), f"{number} is an enforcement line, not help",
                  "remove this hotline: it must never be offered to the people we serve")
    if h.status != "verified":
        if not h.verify:
            r.add(doc, (*loc, "status"), f"unverified hotline '{h.id}' has no 'verify' note",
                  "say what would verify it", "warning")
        return
    newest = max(s.date for s in h.sources)
    if len({s.url for s in h.sources}) < 2:
        r.add(doc, (*loc, "sources"), f"hotline '{h.id}' is verified with fewer than two sources",
              'add a second independent source or set status: "unverified"')
    if (today - newest).days > 730:
        r.add(doc, (*loc, "sources"),
              f"hotline '{h.id}' newest source is from {newest}, over 24 months ago",
              'confirm the number from a recent source or set status: "unverified"')


def _check_references(r: _Reader, topics: dict[str, Topic], docs: dict[str, YamlDoc],
                      hotlines: dict[str, Hotline], menu: MenuFile | None,
                      menu_doc: YamlDoc | None) -> None:
    for tid, topic in topics.items():
        doc = docs[tid]
        for i, ref in enumerate(topic.related):
            if ref not in topics:
                r.add(doc, ("related", i), f"related topic '{ref}' does not exist",
                      "use the id of a file in content/topics/")
        for i, choice in enumerate(topic.choices):
            if choice.topic not in topics:
                r.add(doc, ("choices", i, "topic"), f"choice leads to unknown topic '{choice.topic}'",
                      "use the id of a file in content/topics/")
        for i, hid in enumerate(topic.hotlines):
            line = hotlines.get(hid)
            if line is None:
                r.add(doc, ("hotlines", i), f"hotline '{hid}' does not exist",
                      "use an id from content/hotlines.yaml")
            elif line.status != "verified" and topic.status == "verified":
                r.add(doc, ("hotlines", i), f"hotline '{hid}' is unverified and would not be shown",
                      "remove it here or verify it in hotlines.yaml", "warning")
    if menu and menu_doc:
        seen: set[str] = set()
        for i, entry in enumerate(menu.menu):
            if entry in seen:
                r.add(menu_doc, ("menu", i), f"'{entry}' is listed twice", "list it once")
            seen.add(entry)
            if entry not in topics and entry not in BUILTIN_MENU_ENTRIES:
                r.add(menu_doc, ("menu", i), f"unknown menu entry '{entry}'",
                      f"use a topic id or one of {', '.join(BUILTIN_MENU_ENTRIES)}")


def _read_translations(r: _Reader, root: Path, lang: str, topics: dict[str, Topic],
                       hashes: dict[str, str]) -> dict[str, TopicTranslation]:
    out: dict[str, TopicTranslation] = {}
    terms, _ = r.model(f"glossary/{lang}.yaml", GlossaryFile, required=False)
    folder = root / "translations" / lang / "topics"
    for path in sorted(folder.glob("*.yaml")):
        rel = f"translations/{lang}/topics/{path.name}"
        doc = r.doc(rel)
        tr = r.validate(doc, TopicTranslation) if doc else None
        if doc is None or tr is None:
            continue
        topic = topics.get(tr.id)
        if topic is None or tr.id != path.stem:
            r.add(doc, ("id",), f"translation of unknown topic '{tr.id}'",
                  "use the file name and id of an English topic in content/topics/")
            continue
        _check_markup(r, doc, tr)
        _check_translation_shape(r, doc, topic, tr)
        _check_no_markers(r, doc, tr)
        changes = translation_changes(topic, tr)
        if changes:
            r.add(doc, ("source_paragraphs",),
                  f"stale translation: the English of '{tr.id}' changed in "
                  f"{paragraphs.describe(changes)}",
                  f"translate those paragraphs (python -m bot po export {lang}), then run: "
                  f"python -m bot mark-translated {lang} {tr.id}", "warning")
        elif tr.source_paragraphs is None and tr.source_hash != hashes[tr.id]:
            r.add(doc, ("source_hash",),
                  f"stale translation: the English topic '{tr.id}' changed since this was made",
                  f"update the text, then run: python -m bot mark-translated {lang} {tr.id}",
                  "warning")
        if terms is not None:
            _check_glossary(r, doc, lang, terms, topic, tr, changes)
        out[tr.id] = tr
    for tid in topics:
        if tid not in out:
            r.problems.append(Problem(str(folder / f"{tid}.yaml"), 1,
                                      f"topic '{tid}' is not translated into {lang}",
                                      f"copy content/topics/{tid}.yaml here and translate it",
                                      "warning"))
    return out


def _check_critical_markers(r: _Reader, doc: YamlDoc, topic: Topic) -> None:
    for name in ("title", "summary"):
        if getattr(topic, name).startswith(paragraphs.CRITICAL):
            r.add(doc, (name,), f"{name}: only paragraphs of body, more and officer_statement "
                  "can be marked critical", "remove the '! ' at the start")
    for name in paragraphs.MARKUP_FIELDS:
        for n, unit in enumerate(paragraphs.split(getattr(topic, name)), 1):
            if unit.critical and not unit.text:
                r.add(doc, (name,), f"{name} ¶{n}: a critical marker '! ' with no text",
                      "write the paragraph after '! ' or remove the marker")


def _check_no_markers(r: _Reader, doc: YamlDoc, tr: TopicTranslation) -> None:
    for name in paragraphs.MARKUP_FIELDS:
        for n, unit in enumerate(paragraphs.split(getattr(tr, name)), 1):
            if unit.critical:
                r.add(doc, (name,), f"{name} ¶{n} starts with '! ': only the English marks "
                      "paragraphs critical", "remove the '! ' from the translation")


def _check_glossary(r: _Reader, doc: YamlDoc, lang: str, terms: GlossaryFile, topic: Topic,
                    tr: TopicTranslation, changes: dict[str, list[int]]) -> None:
    for miss in gloss.misses(terms, topic, tr, changes):
        where = miss.field + (f" ¶{miss.number}" if miss.number else "")
        r.add(doc, (miss.field,),
              f"{where}: the English says '{miss.found}' but the translation uses none of the "
              f"approved renderings ({', '.join(miss.term.use)})",
              f"use one of them, or add this rendering to content/glossary/{lang}.yaml",
              "warning")


def _check_translation_shape(r: _Reader, doc: YamlDoc, topic: Topic, tr: TopicTranslation) -> None:
    for name in ("more", "officer_statement"):
        if bool(getattr(topic, name)) != bool(getattr(tr, name)):
            want = "add" if getattr(topic, name) else "remove"
            r.add(doc, (name,), f"'{name}' does not match the English topic",
                  f"{want} '{name}' so it matches content/topics/{topic.id}.yaml")
    if len(tr.choices) != len(topic.choices):
        r.add(doc, ("choices",),
              f"{len(tr.choices)} choice labels for {len(topic.choices)} English choices",
              "translate each English choice label, in the same order")


def _read_hotline_texts(r: _Reader, lang: str, hotlines: dict[str, Hotline]
                        ) -> dict[str, HotlineText]:
    rel = f"translations/{lang}/hotlines.yaml"
    doc = r.doc(rel)
    if doc is None:
        return {}
    try:
        texts = _HOTLINE_TEXTS.validate_python(doc.data or {})
    except ValidationError as exc:
        r.schema_errors(doc, exc)
        return {}
    for hid in texts:
        if hid not in hotlines:
            r.add(doc, (hid,), f"unknown hotline '{hid}'", "use an id from content/hotlines.yaml")
    return texts


def _read_regions(r: _Reader, lang: str, regions: dict[str, dict[str, str]]) -> dict[str, str]:
    rel = f"translations/{lang}/regions.yaml"
    doc = r.doc(rel)
    if doc is None:
        return {}
    model = r.validate(doc, RegionsFile)
    if model is None:
        return {}
    for code in model.regions:
        if code not in regions:
            r.add(doc, ("regions", code), f"unknown region '{code}'",
                  "use a code from content/regions.yaml")
    return dict(model.regions)


def _read_phrases(r: _Reader, root: Path, languages: dict[str, LanguageInfo],
                  topics: dict[str, Topic]) -> dict[str, dict[str, tuple[str, ...]]]:
    """content/search/<lang>.yaml: what people type, by topic; a phrase under two topics is an
    error (the search could not tell which one is meant)."""
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for path in sorted((root / "search").glob("*.yaml")):
        found, doc = r.model(f"search/{path.name}", SearchFile)
        if found is None or doc is None:
            continue
        if path.stem not in languages:
            r.add(doc, (), f"'{path.stem}' is not an offered language",
                  "name the file after a code in content/languages.yaml")
            continue
        owner: dict[str, str] = {}
        for tid, items in found.topics.items():
            if tid not in topics:
                r.add(doc, ("topics", tid), f"unknown topic '{tid}'",
                      "use the id of a file in content/topics/")
            for i, phrase in enumerate(items):
                key = " ".join(phrase.casefold().split())
                if owner.get(key, tid) != tid:
                    r.add(doc, ("topics", tid, i), f"'{phrase}' is also listed under "
                          f"'{owner[key]}'", "keep it under the one topic it means")
                owner.setdefault(key, tid)
        out[path.stem] = {tid: tuple(ps) for tid, ps in found.topics.items() if tid in topics}
    return out
