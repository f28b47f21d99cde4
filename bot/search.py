"""Typo- and accent-tolerant search over every language's topics, greetings and state names."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from bot.content.library import Library, Page
from bot.markup import Block

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MAX_RESULTS = 5
MAX_QUERY_CHARS = 300
FUZZY = 0.7
MIN_WORD = 2
SHORT, SHORT_WEIGHT = 2, 0.3  # "my", "en": count, but little
MIN_FUZZY = 5  # shorter words only match exactly: too many neighbours otherwise
_FIELD_WEIGHTS = (("title", 3.0), ("keywords", 3.0), ("summary", 2.0), ("text", 1.0))


def normalize(text: str) -> str:
    """Case-folded, accents stripped (``Policía`` → ``policia``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """Words of two or more letters; runs of CJK characters become overlapping pairs."""
    out: list[str] = []
    for word in _words(normalize(text)):
        if _CJK.search(word):
            out += _cjk_pairs(word)
        elif len(word) >= MIN_WORD or word.isdigit():
            out.append(word)
    return out


def _words(text: str) -> list[str]:
    """Runs of letters, digits and combining marks (Devanagari and Gurmukhi vowel signs are
    marks: a plain ``\\w+`` would cut Hindi and Punjabi words apart)."""
    return "".join(c if c.isalnum() or unicodedata.category(c)[0] == "M" else " "
                   for c in text).split()


def _cjk_pairs(word: str) -> list[str]:
    chars = [c for c in word if _CJK.match(c)]
    if len(chars) < 2:
        return chars
    return [a + b for a, b in pairwise(chars)]


def _deletes(token: str) -> set[str]:
    if len(token) < MIN_FUZZY:
        return set()
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


def _blocks_text(blocks: Iterable[Block]) -> str:
    return " ".join(b.text for b in blocks)


@dataclass(frozen=True)
class Hit:
    """A search answer: the language the query matched and up to five topic ids."""

    lang: str
    topics: tuple[str, ...]


class SearchIndex:
    """Built once per Library; read-only afterwards.

    ``_scored[lang][token][topic]`` is the token's field weight times its rarity in that
    language; ``_langs[token]`` lists the languages that have the token, and ``_near[key]``
    the (language, token) pairs one deleted letter away from ``key``, for typo matching.
    """

    def __init__(self, library: Library) -> None:
        self._scored: dict[str, dict[str, dict[str, float]]] = {}
        self._langs: dict[str, list[str]] = defaultdict(list)
        self._near: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.greetings: dict[str, str] = {}
        self._titles: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.regions: dict[str, str] = {}
        for code, info in library.languages.items():
            for word in info.greetings:
                self.greetings.setdefault(normalize(word).strip(), code)
            pages = [p for (lang, _), p in library.pages.items()
                     if lang == code and p.served and p.translated]
            for page in pages:
                self._titles[normalize(page.title).strip()].append((code, page.id))
            self._index_language(code, pages)
        for region, names in library.regions.items():
            self.regions[region.lower()] = region
            for name in names.values():
                self.regions.setdefault(normalize(name).strip(), region)

    def _index_language(self, lang: str, pages: list[Page]) -> None:
        postings: dict[str, dict[str, float]] = defaultdict(dict)
        for page in pages:
            fields = {
                "title": page.title,
                "keywords": " ".join(page.keywords),
                "summary": page.summary,
                "text": _blocks_text(page.body + page.more),
            }
            for name, weight in _FIELD_WEIGHTS:
                for tok in tokens(fields[name]):
                    if postings[tok].get(page.id, 0.0) < weight:
                        postings[tok][page.id] = weight
        n = max(len(pages), 1)
        scored: dict[str, dict[str, float]] = {}
        for tok, topics in postings.items():
            # squared: words found in most topics ("the", "you") barely count
            rarity = math.log(1 + n / len(topics)) ** 2
            scored[tok] = {tid: weight * rarity for tid, weight in topics.items()}
            self._langs[tok].append(lang)
            for key in _deletes(tok):
                self._near[key].append((lang, tok))
        self._scored[lang] = scored

    def greeting(self, text: str) -> str | None:
        """The language of a typed greeting or 'help', if the text is one."""
        return self.greetings.get(normalize(text).strip(" !?.¡¿،؟。！？"))

    def region(self, text: str) -> str | None:
        """A state or territory named or coded by the whole text."""
        key = normalize(text).strip(" .!?")
        return self.regions.get(key)

    def search(self, query: str, prefer: str) -> Hit | None:
        """Best-matching topics in the language the query matched best.

        The language is the one whose words cover most of the query (exact matches count
        more than typo matches); ``prefer`` (the person's language) wins ties.
        """
        words = list(dict.fromkeys(tokens(query[:MAX_QUERY_CHARS])))
        if not words:
            return None
        coverage: dict[str, float] = defaultdict(float)
        scores: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for word in words:
            factor = SHORT_WEIGHT if len(word) <= SHORT and not _CJK.match(word) else 1.0
            for lang, found in self._matches(word).items():
                coverage[lang] += factor * max(found.values())
                best: dict[str, float] = {}
                for tok, quality in found.items():
                    for tid, value in self._scored[lang][tok].items():
                        best[tid] = max(best.get(tid, 0.0), factor * quality * value)
                for tid, value in best.items():
                    scores[lang][tid] += value
        titled = self._titles.get(normalize(query).strip(), [])
        first: tuple[str, ...] = ()
        if titled:  # someone typed a button's label: that page first, in that language
            lang, tid = next(((lg, t) for lg, t in titled if lg == prefer), titled[0])
            first = (tid,)
        elif coverage:
            lang = max(coverage, key=lambda lg: (round(coverage[lg], 3), lg == prefer,
                                                 max(scores[lg].values())))
        else:
            return None
        ranking = scores.get(lang, {})
        top = max(ranking.values(), default=0.0)
        ranked = [tid for tid, score in sorted(ranking.items(), key=lambda kv: (-kv[1], kv[0]))
                  if score >= 0.34 * top and tid not in first]
        return Hit(lang, (*first, *ranked)[:MAX_RESULTS])

    def _matches(self, word: str) -> dict[str, dict[str, float]]:
        """Per language, the indexed tokens matching ``word`` and how well (1 exact, less typo)."""
        out: dict[str, dict[str, float]] = defaultdict(dict)
        for lang in self._langs.get(word, ()):
            out[lang][word] = 1.0
        keys = _deletes(word)
        for key in (*keys, word):
            for lang, tok in self._near.get(key, ()):
                out[lang].setdefault(tok, FUZZY)
        for key in keys:
            for lang in self._langs.get(key, ()):
                out[lang].setdefault(key, FUZZY)
        return out
