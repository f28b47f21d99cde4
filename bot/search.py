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

_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MAX_RESULTS = 5
MAX_QUERY_CHARS = 300
FUZZY = 0.7
_FIELD_WEIGHTS = (("title", 3.0), ("keywords", 3.0), ("summary", 2.0), ("text", 1.0))


def normalize(text: str) -> str:
    """Case-folded, accents stripped (``Policía`` → ``policia``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """Words of three or more letters; runs of CJK characters become overlapping pairs."""
    out: list[str] = []
    for word in _WORD.findall(normalize(text)):
        if _CJK.search(word):
            out += _cjk_pairs(word)
        elif len(word) >= 3 or word.isdigit():
            out.append(word)
    return out


def _cjk_pairs(word: str) -> list[str]:
    chars = [c for c in word if _CJK.match(c)]
    if len(chars) < 2:
        return chars
    return [a + b for a, b in pairwise(chars)]


def _deletes(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))} if len(token) >= 4 else set()


def _blocks_text(blocks: Iterable[Block]) -> str:
    return " ".join(b.text for b in blocks)


@dataclass(frozen=True)
class Hit:
    """A search answer: the language the query matched and up to five topic ids."""

    lang: str
    topics: tuple[str, ...]


class SearchIndex:
    """Built once per Library; read-only afterwards."""

    def __init__(self, library: Library) -> None:
        self._postings: dict[str, dict[str, dict[str, float]]] = {}
        self._fuzzy: dict[str, dict[str, set[str]]] = {}
        self._idf: dict[str, dict[str, float]] = {}
        self.greetings: dict[str, str] = {}
        self.regions: dict[str, str] = {}
        for code, info in library.languages.items():
            for word in info.greetings:
                self.greetings.setdefault(normalize(word).strip(), code)
            pages = [p for (lang, _), p in library.pages.items()
                     if lang == code and p.served and p.translated]
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
        fuzzy: dict[str, set[str]] = defaultdict(set)
        for tok in postings:
            for d in _deletes(tok):
                fuzzy[d].add(tok)
        n = max(len(pages), 1)
        self._postings[lang] = dict(postings)
        self._fuzzy[lang] = dict(fuzzy)
        self._idf[lang] = {t: math.log(1 + n / len(p)) for t, p in postings.items()}

    def greeting(self, text: str) -> str | None:
        """The language of a typed greeting or 'help', if the text is one."""
        return self.greetings.get(normalize(text).strip(" !?.¡¿،؟。！？"))

    def region(self, text: str) -> str | None:
        """A state or territory named or coded by the whole text."""
        key = normalize(text).strip(" .!?")
        return self.regions.get(key)

    def search(self, query: str, prefer: str) -> Hit | None:
        """Best-matching topics in the language the query best matched (``prefer`` wins ties)."""
        words = tokens(query[:MAX_QUERY_CHARS])
        if not words:
            return None
        best: tuple[float, int, str, dict[str, float]] | None = None
        for lang in self._postings:
            scores = self._score(lang, words)
            if not scores:
                continue
            top = max(scores.values())
            rank = (top, 1 if lang == prefer else 0)
            if best is None or rank > best[:2]:
                best = (top, rank[1], lang, scores)
        if best is None:
            return None
        top, _, lang, scores = best
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        chosen = tuple(tid for tid, score in ranked if score >= 0.34 * top)[:MAX_RESULTS]
        return Hit(lang, chosen)

    def _score(self, lang: str, words: list[str]) -> dict[str, float]:
        postings, fuzzy, idf = self._postings[lang], self._fuzzy[lang], self._idf[lang]
        scores: dict[str, float] = defaultdict(float)
        for word in dict.fromkeys(words):
            matches: dict[str, float] = {}
            if word in postings:
                matches[word] = 1.0
            for d in _deletes(word) | {word}:
                for cand in fuzzy.get(d, ()):
                    matches.setdefault(cand, FUZZY)
                if d != word and d in postings:
                    matches.setdefault(d, FUZZY)
            per_topic: dict[str, float] = {}
            for tok, quality in matches.items():
                for tid, weight in postings[tok].items():
                    value = quality * weight * idf[tok]
                    per_topic[tid] = max(per_topic.get(tid, 0.0), value)
            for tid, value in per_topic.items():
                scores[tid] += value
        return dict(scores)
