"""Search in people's own words: tests/search_queries.yaml, phrase lists, stemming, direct open."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.actions import Action, Kind
from bot.bundle import Bundle
from bot.content.loader import load_content
from bot.reply import Reply
from bot.respond import respond
from bot.search import stemmer_for
from tests.conftest import TODAY

QUERIES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "search_queries.yaml").read_text(encoding="utf-8"))["queries"]
VAGUE = [("ICE", "en"), ("warrant", "en"), ("lawyer", "en"), ("police", "en"), ("la migra", "es"),
         ("policia", "es"), ("what are my rights", "en"), ("abogado", "es")]


def opened(reply: Reply) -> str | None:
    """The topic a reply is the page of (its Sources button names it), or None for a list."""
    for row in reply.keyboard:
        for b in row:
            if b.action is not None and b.action.kind is Kind.SOURCES:
                return b.action.arg
    return None


def test_the_query_set_is_big_and_varied() -> None:
    assert len(QUERIES) >= 80
    assert len({q["lang"] for q in QUERIES}) >= 8
    assert min(Counter(q["lang"] for q in QUERIES).values()) >= 9


def test_at_least_95_percent_find_the_topic_in_the_top_three(bundle: Bundle) -> None:
    misses = []
    for q in QUERIES:
        assert bundle.library.page(q["lang"], q["topic"]), q
        hit = bundle.index.search(q["q"], prefer=q["lang"])
        if hit is None or q["topic"] not in hit.topics[:3]:
            misses.append((q["q"], q["topic"], hit))
    assert len(misses) <= 0.05 * len(QUERIES), misses


def test_a_query_that_clearly_means_one_topic_opens_it(bundle: Bundle) -> None:
    direct = [q for q in QUERIES if q.get("direct")]
    assert len(direct) >= 15 and len({q["lang"] for q in direct}) >= 8
    for q in direct:
        reply = respond(bundle, Action(q["lang"], Kind.SEARCH, q["q"]), TODAY)
        assert opened(reply) == q["topic"], q
        assert reply.lang == q["lang"], q
        page = bundle.library.page(q["lang"], q["topic"])
        assert page is not None and any(page.title in b.text for b in reply.blocks)


def test_no_query_opens_a_wrong_topic(bundle: Bundle) -> None:
    wrong = []
    for q in QUERIES:
        topic = opened(respond(bundle, Action(q["lang"], Kind.SEARCH, q["q"]), TODAY))
        if topic is not None and topic != q["topic"]:
            wrong.append((q["q"], topic))
    assert wrong == []


@pytest.mark.parametrize(("query", "lang"), VAGUE)
def test_a_vague_query_gets_a_list_to_choose_from(bundle: Bundle, query: str, lang: str) -> None:
    reply = respond(bundle, Action(lang, Kind.SEARCH, query), TODAY)
    assert opened(reply) is None
    assert reply.blocks[0].text == bundle.strings(reply.lang)("Is it one of these?")
    assert len([r for r in reply.keyboard if r[0].action and r[0].action.kind is Kind.TOPIC]) >= 2


def test_stemming_joins_word_forms(bundle: Bundle) -> None:
    english = stemmer_for("en")
    portuguese = stemmer_for("pt-br")
    assert english is not None and portuguese is not None and stemmer_for("ko") is None
    assert english.stemWord("detained") == english.stemWord("detain")
    assert portuguese.stemWord("detido") == portuguese.stemWord("detidos")
    for a, b in (("knocking at my door", "they knocked on my door"),
                 ("filmed the agents", "filming agents"), ("carrying papers", "papers to carry")):
        first, second = bundle.index.search(a, "en"), bundle.index.search(b, "en")
        assert first and second and first.topics[0] == second.topics[0], (first, second)


def test_typing_a_buttons_label_opens_that_page(bundle: Bundle) -> None:
    title = bundle.library.page("es", "find-detained")
    assert title is not None
    reply = respond(bundle, Action("en", Kind.SEARCH, title.title), TODAY)
    assert opened(reply) == "find-detained" and reply.lang == "es"


# --- content/search/<lang>.yaml is checked like every content file ---------------------------

def _problems(root: Path) -> list[str]:
    return [str(p) for p in load_content(root, today=TODAY).problems]


def test_phrases_load_and_serve(content_copy: Path) -> None:
    (content_copy / "search").mkdir()
    (content_copy / "search" / "es.yaml").write_text(
        'topics:\n  at-home: ["la migra toca", "tocan fuerte"]\n', encoding="utf-8")
    loaded = load_content(content_copy, today=TODAY)
    assert loaded.library is not None and not loaded.errors
    assert loaded.library.phrases["es"]["at-home"] == ("la migra toca", "tocan fuerte")


@pytest.mark.parametrize(("name", "text", "line", "message"), [
    ("es.yaml", 'topics:\n  at-home: ["tocan"]\n  nowhere: ["x y"]\n', 3, "unknown topic 'nowhere'"),
    ("es.yaml", 'topics:\n  at-home:\n    - "la migra"\n  privacy:\n    - "La  Migra"\n', 5,
     "'La  Migra' is also listed under 'at-home'"),
    ("xx.yaml", 'topics:\n  at-home: ["door"]\n', 1, "'xx' is not an offered language"),
    ("es.yaml", 'topics:\n  at-home: "tocan"\n', 2, "at-home"),
    ("es.yaml", 'phrases:\n  at-home: ["tocan"]\n', 2, "is not a known field"),
])
def test_bad_phrase_files_are_reported_with_file_and_line(
        content_copy: Path, name: str, text: str, line: int, message: str) -> None:
    (content_copy / "search").mkdir()
    (content_copy / "search" / name).write_text(text, encoding="utf-8")
    found = _problems(content_copy)
    assert any(f"search/{name}:{line}:" in p and message in p for p in found), found
    assert load_content(content_copy, today=TODAY).library is None
