"""Typo- and accent-tolerant search over every language's topics, phrases, greetings and states.

Words are matched after Snowball stemming (PyStemmer) in the languages it has an algorithm for,
so "detained", "detention" and "detain" meet. Volunteers' phrase lists (content/search/<lang>.yaml)
add the words people really type ("la migra", "cops"); a query that contains a whole phrase of
two words or more, or whose best topic leads clearly, is ``clear``: it opens that topic at once.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

import Stemmer
from babel import Locale, UnknownLocaleError

from bot.content.library import Library, Page
from bot.markup import Block

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MAX_RESULTS = 5
MAX_QUERY_CHARS = 300
FUZZY = 0.7
MIN_WORD = 2
SHORT, SHORT_WEIGHT = 2, 0.3  # "my", "en": count, but little
MIN_FUZZY = 5  # shorter words only match exactly: too many neighbours otherwise
_FIELD_WEIGHTS = (("title", 3.0), ("keywords", 3.0), ("phrases", 3.0), ("summary", 2.0),
                  ("text", 1.0))
PHRASE_BONUS = 12.0  # per word of a whole phrase found in the query
CLEAR_RATIO = 2.0  # the best topic scores at least this many times the second: it is meant
CLEAR_MIN_WORDS = 2  # a phrase of one word is a hint, never enough on its own
_ALGORITHMS = frozenset(Stemmer.algorithms()) - {"porter", "dutch_porter"}


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


def stemmer_for(code: str) -> Stemmer.Stemmer | None:
    """The Snowball stemmer for a language code (``pt-br`` → Portuguese), if there is one."""
    try:
        language = Locale.parse(code, sep="-").language
    except (ValueError, UnknownLocaleError):
        return None
    name = (Locale("en").languages.get(language) or "").lower()
    return Stemmer.Stemmer(name) if name in _ALGORITHMS else None


@dataclass(frozen=True)
class Hit:
    """A search answer: the language the query matched, up to five topic ids, and whether the
    first one is clearly what was meant (then it is opened at once)."""

    lang: str
    topics: tuple[str, ...]
    clear: bool = False


class SearchIndex:
    """Built once per Library; read-only afterwards.

    ``_scored[lang][key][topic]`` is the key's field weight times its rarity in that language,
    where a key is a word, stemmed in the languages that have a stemmer; ``_langs[key]`` lists
    the languages that have the key, ``_near[key]`` the (language, key) pairs one deleted letter
    away from ``key`` (typos), and ``_phrases[lang][key]`` the phrases (keys, topic) that
    start with ``key``.
    """

    def __init__(self, library: Library) -> None:
        self._scored: dict[str, dict[str, dict[str, float]]] = {}
        self._langs: dict[str, list[str]] = defaultdict(list)
        self._near: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self._phrases: dict[str, dict[str, list[tuple[frozenset[str], str]]]] = {}
        self._stemmers: dict[str, Stemmer.Stemmer] = {}
        self.greetings: dict[str, str] = {}
        self._titles: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.regions: dict[str, str] = {}
        for code, info in library.languages.items():
            stemmer = stemmer_for(code)
            if stemmer is not None:
                self._stemmers[code] = stemmer
            for word in info.greetings:
                self.greetings.setdefault(normalize(word).strip(), code)
            pages = [p for (lang, _), p in library.pages.items()
                     if lang == code and p.served and p.translated]
            for page in pages:
                self._titles[normalize(page.title).strip()].append((code, page.id))
            phrases = {tid: ps for tid, ps in library.phrases.get(code, {}).items()
                       if any(p.id == tid for p in pages)}
            self._index_language(code, pages, phrases)
        self._plain = frozenset(library.languages) - set(self._stemmers)
        for region, names in library.regions.items():
            self.regions[region.lower()] = region
            for name in names.values():
                self.regions.setdefault(normalize(name).strip(), region)

    def _keys(self, lang: str, text: str) -> list[str]:
        words = tokens(text)
        stemmer = self._stemmers.get(lang)
        return stemmer.stemWords(words) if stemmer is not None else words

    def _index_language(self, lang: str, pages: list[Page],
                        phrases: dict[str, tuple[str, ...]]) -> None:
        postings: dict[str, dict[str, float]] = defaultdict(dict)
        starts: dict[str, list[tuple[frozenset[str], str]]] = defaultdict(list)
        for page in pages:
            fields = {
                "title": page.title,
                "keywords": " ".join(page.keywords),
                "phrases": " ".join(phrases.get(page.id, ())),
                "summary": page.summary,
                "text": _blocks_text(page.body + page.more),
            }
            for name, weight in _FIELD_WEIGHTS:
                for key in self._keys(lang, fields[name]):
                    if postings[key].get(page.id, 0.0) < weight:
                        postings[key][page.id] = weight
            for phrase in phrases.get(page.id, ()):
                keys = self._keys(lang, phrase)
                if keys:
                    starts[keys[0]].append((frozenset(keys), page.id))
        n = max(len(pages), 1)
        scored: dict[str, dict[str, float]] = {}
        for key, topics in postings.items():
            # squared: words found in most topics ("the", "you") barely count
            rarity = math.log(1 + n / len(topics)) ** 2
            scored[key] = {tid: weight * rarity for tid, weight in topics.items()}
            self._langs[key].append(lang)
            for near in _deletes(key):
                self._near[near].append((lang, key))
        self._scored[lang] = scored
        self._phrases[lang] = dict(starts)

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
        stems = {lang: s.stemWords(words) for lang, s in self._stemmers.items()}
        coverage: dict[str, float] = defaultdict(float)
        scores: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for i, word in enumerate(words):
            factor = SHORT_WEIGHT if len(word) <= SHORT and not _CJK.match(word) else 1.0
            variants: dict[str, set[str]] = defaultdict(set)
            variants[word] |= self._plain
            for lang, keys in stems.items():
                variants[keys[i]].add(lang)
            for lang, found in self._matches(variants).items():
                coverage[lang] += factor * max(found.values())
                best: dict[str, float] = {}
                for key, quality in found.items():
                    for tid, value in self._scored[lang][key].items():
                        best[tid] = max(best.get(tid, 0.0), factor * quality * value)
                for tid, value in best.items():
                    scores[lang][tid] += value
        titled = self._titles.get(normalize(query).strip(), [])
        if titled:  # someone typed a button's label: that page, in that language
            lang, tid = next(((lg, t) for lg, t in titled if lg == prefer), titled[0])
            return Hit(lang, (tid,), clear=True)
        if not coverage:
            return None
        lang = max(coverage, key=lambda lg: (round(coverage[lg], 3), lg == prefer,
                                             max(scores[lg].values())))
        ranking = dict(scores.get(lang, {}))
        keys = set(stems.get(lang) or words)
        phrased = self._phrase_topics(lang, keys)
        for tid, size in phrased.items():
            ranking[tid] = ranking.get(tid, 0.0) + PHRASE_BONUS * size
        ordered = sorted(ranking.items(), key=lambda kv: (-kv[1], kv[0]))
        top = ordered[0][1] if ordered else 0.0
        ranked = tuple(tid for tid, score in ordered if score >= 0.34 * top)[:MAX_RESULTS]
        return Hit(lang, ranked, clear=_clear(ordered, phrased))

    def _phrase_topics(self, lang: str, keys: set[str]) -> dict[str, int]:
        """Topics with a whole phrase in the query (any order), and the longest one's length."""
        found: dict[str, int] = {}
        starts = self._phrases.get(lang, {})
        for key in keys:
            for phrase, tid in starts.get(key, ()):
                if phrase <= keys:
                    found[tid] = max(found.get(tid, 0), len(phrase))
        return found

    def _matches(self, variants: dict[str, set[str]]) -> dict[str, dict[str, float]]:
        """Per language, the indexed keys matching a word and how well (1 exact, less typo).

        ``variants`` maps each form of the word (as typed; stemmed per language) to the
        languages in which that form is the one to look up.
        """
        out: dict[str, dict[str, float]] = defaultdict(dict)
        for key, langs in variants.items():
            for lang in self._langs.get(key, ()):
                if lang in langs:
                    out[lang][key] = 1.0
        known = set(out)
        for key, langs in variants.items():
            if known:
                break  # a language knows the word as typed: it is not a typo
            deletes = _deletes(key)
            for near in (*deletes, key):
                for lang, indexed in self._near.get(near, ()):
                    if lang in langs:
                        out[lang].setdefault(indexed, FUZZY)
            for near in deletes:
                for lang in self._langs.get(near, ()):
                    if lang in langs:
                        out[lang].setdefault(near, FUZZY)
        return out


def _clear(ordered: list[tuple[str, float]], phrased: dict[str, int]) -> bool:
    """Whether the first topic is plainly the one meant.

    It is when it leads the second by ``CLEAR_RATIO`` and is backed by a phrase of at least
    ``CLEAR_MIN_WORDS`` words that no other topic's phrase matches as long.
    """
    if not ordered:
        return False
    first, score = ordered[0]
    second = ordered[1][1] if len(ordered) > 1 else 0.0
    longest = phrased.get(first, 0)
    rivals = any(size >= longest for tid, size in phrased.items() if tid != first)
    return score >= CLEAR_RATIO * second and longest >= CLEAR_MIN_WORDS and not rivals
