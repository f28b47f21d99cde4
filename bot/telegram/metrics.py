"""Aggregate answer counters (METRICS=1): per screen, topic and language, nothing about anyone.

A few lines of Prometheus text format instead of ``prometheus_client``: one counter family needs
no dependency, and its default registry would add process collectors nobody asked for. Labels come
only from fixed sets: the screen kinds, the library's topic ids and the offered languages. A topic
or language the library does not know (a forged button) is counted under ``other``, so no input
can create a new series. No chat, user, region, query or time of a request is recorded.
"""

from __future__ import annotations

from collections import Counter

from bot.actions import Action, Kind
from bot.bundle import Bundle

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
NAME = "kyr_bot_answers_total"
OTHER = "other"
SCREENS = {
    Kind.MENU: "menu", Kind.TOPIC: "topic", Kind.MORE: "more", Kind.SOURCES: "sources",
    Kind.HOTLINES: "hotlines",
    Kind.STATES: "states", Kind.REGION: "region", Kind.LANGUAGES: "languages",
    Kind.ERASE: "erase", Kind.SEARCH: "search",
}
WITH_TOPIC = frozenset({Kind.TOPIC, Kind.MORE, Kind.SOURCES})

Labels = tuple[tuple[str, str], ...]


class AnswerCounter:
    """Counts answers; every label value is checked against the Bundle that answered."""

    def __init__(self) -> None:
        self._counts: Counter[Labels] = Counter()

    def count(self, action: Action, bundle: Bundle) -> None:
        """One more answer for ``action``'s screen, topic (for topic pages) and language."""
        labels: list[tuple[str, str]] = [("screen", SCREENS.get(action.kind, OTHER))]
        if action.kind in WITH_TOPIC:
            labels.append(("topic", action.arg if action.arg in bundle.library.topics else OTHER))
        labels.append(("lang", action.lang if action.lang in bundle.offered else OTHER))
        self._counts[tuple(labels)] += 1

    def value(self, screen: str, lang: str, topic: str | None = None) -> int:
        """The count of one series."""
        labels = [("screen", screen)] + ([("topic", topic)] if topic is not None else [])
        return self._counts[(*labels, ("lang", lang))]

    def series(self) -> int:
        """How many distinct series exist."""
        return len(self._counts)

    def exposition(self) -> str:
        """The counters in Prometheus text format, sorted for stable output."""
        lines = [f"# HELP {NAME} Answers sent, by screen, topic and language. No per-user data.",
                 f"# TYPE {NAME} counter"]
        for labels, n in sorted(self._counts.items()):
            inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
            lines.append(f"{NAME}{{{inner}}} {n}")
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
