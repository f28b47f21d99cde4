"""The per-language glossary: where a translated paragraph's English uses a glossary term, the
translation must use one of the approved renderings.

Terms match the English at a word start, with any ending (``lawyer`` matches ``lawyers``);
renderings match anywhere in the translated paragraph, ignoring case, so a stem such as
``abogad`` covers ``abogado`` and ``abogada``. English words kept exactly as in the English (a
paper's heading quoted as printed) also pass.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from bot.content import paragraphs
from bot.content.model import GlossaryFile, GlossaryTerm, Topic, TopicTranslation


@dataclass(frozen=True)
class Miss:
    """A translated unit whose English uses ``term`` without an approved rendering."""

    field: str
    number: int  # 1-based unit within the field; 0 when the field is compared whole
    term: GlossaryTerm
    found: str  # the English variant found


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("**", "")).casefold()


def _pattern(term: GlossaryTerm) -> re.Pattern[str]:
    alts = "|".join(re.escape(v) for v in sorted(term.en, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z])({alts})", re.IGNORECASE)


def uses(term: GlossaryTerm, english: str) -> str | None:
    """The English variant of ``term`` used in ``english``, if any."""
    match = _pattern(term).search(english)
    return match.group(1) if match else None


def rendered(term: GlossaryTerm, translated: str, found: str = "") -> bool:
    """True when ``translated`` uses one of the approved renderings, or keeps the English words
    exactly as found (a paper's heading quoted as printed)."""
    folded = _fold(translated)
    return any(_fold(r) in folded for r in term.use) or bool(found and found in translated)


def pairs(topic: Topic, tr: TopicTranslation) -> Iterator[tuple[str, int, str, str]]:
    """(field, number, English, translation) for each unit, or the whole field when the
    translation's paragraphs do not line up with the English."""
    for name in paragraphs.FIELDS:
        en = paragraphs.field_units(topic, name)
        mine = paragraphs.field_units(tr, name)
        if len(en) == len(mine):
            for n, (a, b) in enumerate(zip(en, mine, strict=True), 1):
                yield name, n, a.text, b.text
        elif en and mine:
            yield (name, 0, " ".join(u.text for u in en), " ".join(u.text for u in mine))


def misses(glossary: GlossaryFile, topic: Topic, tr: TopicTranslation,
           skip: dict[str, list[int]]) -> list[Miss]:
    """Units whose English uses a term the translation does not render as approved; units in
    ``skip`` (English changed since the translation) are left to the stale warning."""
    out = []
    for name, n, english, translated in pairs(topic, tr):
        if n in skip.get(name, ()) or (n == 0 and name in skip):
            continue
        for term in glossary.terms:
            found = uses(term, english)
            if found and not rendered(term, translated, found):
                out.append(Miss(name, n, term, found))
    return out
