"""Search: typos, missing accents, any language; greetings; state names."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.bundle import Bundle
from bot.search import normalize, tokens


def test_normalize_strips_accents_and_case() -> None:
    assert normalize("Policía en mi PUERTA") == "policia en mi puerta"
    assert tokens("警察在我家门口") == ["警察", "察在", "在我", "我家", "家门", "门口"]


def test_typo_spanish_query_finds_the_door(bundle: Bundle) -> None:
    hit = bundle.index.search("polisia en mi puerta", prefer="en")
    assert hit is not None and hit.lang == "es"
    assert "at-home" in hit.topics[:3]


def test_english_query_stays_english(bundle: Bundle) -> None:
    hit = bundle.index.search("how do I find my husband who was detained", prefer="en")
    assert hit is not None and hit.lang == "en"
    assert "find-detained" in hit.topics


def test_arabic_query_answers_in_arabic(bundle: Bundle) -> None:
    hit = bundle.index.search("الشرطة عند الباب", prefer="en")
    assert hit is not None and hit.lang == "ar"


def test_greetings_and_states(bundle: Bundle) -> None:
    assert bundle.index.greeting("Hola!") == "es"
    assert bundle.index.greeting("hello") == "en"
    assert bundle.index.greeting("where is the door") is None
    assert bundle.index.region("illinois") == "IL"
    assert bundle.index.region("IL") == "IL"
    assert bundle.index.region("Nueva York") == "NY"


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=400))
def test_search_never_raises_and_answers_at_most_five(bundle: Bundle, query: str) -> None:
    hit = bundle.index.search(query, prefer="en")
    if hit is not None:
        assert len(hit.topics) <= 5
        assert hit.lang in bundle.library.languages


def test_indic_words_stay_whole() -> None:
    # vowel signs are combining marks: they must not split Hindi or Punjabi words
    assert tokens("दरवाज़ा वकील हिरासत चाहिए") == ["दरवाजा", "वकील", "हिरासत", "चाहिए"]
    assert tokens("ਦਰਵਾਜ਼ਾ ਵਕੀਲ") == ["ਦਰਵਾਜਾ", "ਵਕੀਲ"]
