"""Callback data and deep links: compact, versioned, at most 64 bytes, junk refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.actions import Action, Kind, encode, parse_callback_data, parse_deep_link

OFFERED = frozenset({"en", "es", "zh-hans", "pt-br", "ar"})
BUTTON_KINDS = [k for k in Kind if k is not Kind.SEARCH]


@pytest.mark.parametrize(
    "action",
    [
        Action("es", Kind.TOPIC, "at-home"),
        Action("zh-hans", Kind.MENU),
        Action("ar", Kind.REGION, "IL"),
        Action("pt-br", Kind.STATES, "2"),
        Action("en", Kind.ERASE),
    ],
)
def test_round_trip(action: Action) -> None:
    data = encode(action)
    assert len(data.encode()) <= 64
    assert parse_callback_data(data, OFFERED) == action


@pytest.mark.parametrize(
    "data",
    [
        "",
        "junk",
        "2:es:t:at-home",
        "1:xx:t:at-home",
        "1:es:z",
        "1:es:t:AT HOME",
        "1:es:t:",
        "1:es:m:extra",
        "1:es:r:il",
        "1:es:s:12",
        "1:es:q:search",
        "1:es:t:a:b",
        "1:es:t:" + "a" * 60,
        "1:es:t:../etc",
        "1:es:t:at-home\n",
        None,
        42,
    ],
)
def test_forged_or_junk_is_refused(data: object) -> None:
    assert parse_callback_data(data, OFFERED) is None


def test_encode_refuses_what_would_not_fit() -> None:
    with pytest.raises(ValueError):
        encode(Action("en", Kind.TOPIC, "x" * 70))
    with pytest.raises(ValueError):
        encode(Action("en", Kind.SEARCH, "door"))


@given(st.text(max_size=100))
def test_decode_never_raises(data: str) -> None:
    action = parse_callback_data(data, OFFERED)
    if action is not None:
        assert encode(action) == data


@given(
    st.sampled_from(sorted(OFFERED)),
    st.sampled_from(BUTTON_KINDS),
    st.from_regex(r"[a-z0-9]{1,12}(-[a-z0-9]{1,10}){0,2}", fullmatch=True),
)
def test_topic_round_trip_property(lang: str, kind: Kind, arg: str) -> None:
    action = Action(lang, Kind.TOPIC, arg)
    assert parse_callback_data(encode(action), OFFERED) == action


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("es", ("es", None)),
        ("es_at-home", ("es", "at-home")),
        ("zh-hans", ("zh-hans", None)),
        ("PT-BR_find-detained", ("pt-br", "find-detained")),
        ("es_../x", ("es", None)),
        ("xx_at-home", None),
        ("", None),
    ],
)
def test_deep_links(payload: str, expected: tuple[str, str | None] | None) -> None:
    assert parse_deep_link(payload, OFFERED) == expected
