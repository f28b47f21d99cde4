"""Volunteers' stamps: the English paragraphs a translation was made from (`mark-translated`), and
review sign-off (`review approve`), written for them so nobody hand-edits YAML."""

from __future__ import annotations

import calendar
import datetime as dt
import sys
from pathlib import Path

from bot.content import paragraphs
from bot.content.library import translation_changes
from bot.content.loader import load_content
from bot.content.yamledit import write_fields

REVIEW_MONTHS = 6  # the next review is due this many months after a review


def mark_translated(content: Path, lang: str, topics: list[str]) -> int:
    """Record, in each named translation (all when none named), the hashes of the current English
    paragraphs as ``source_paragraphs`` (replacing an older ``source_hash``)."""
    english = load_content(content).topics  # there even when other files have errors
    folder = content / "translations" / lang / "topics"
    targets = topics or sorted(p.stem for p in folder.glob("*.yaml"))
    status = 0
    for tid in targets:
        path = folder / f"{tid}.yaml"
        if tid not in english or not path.is_file():
            sys.stderr.write(f"{path}: no such translation or English topic\n")
            status = 1
            continue
        stamp = paragraphs.hashes(english[tid])
        write_fields(path, {"source_paragraphs": stamp, "source_hash": None}, after="id")
        print(f"{path}: source_paragraphs for {sum(map(len, stamp.values()))} paragraphs")
    return status


def next_review(today: dt.date, months: int = REVIEW_MONTHS) -> dt.date:
    """``today`` plus ``months`` (the day clamped to the month's end)."""
    month = today.month - 1 + months
    year, month = today.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def approve(content: Path, lang: str, tid: str, by: str, state: str, today: dt.date,
            source: str = "en") -> str:
    """Set a topic's review stamp (the English one when ``lang`` is the source language) to
    ``state`` by ``by`` today; returns the file written. Raises ValueError saying what is wrong."""
    by = by.strip()
    if not by:
        raise ValueError("--by must name the person or organisation that reviewed it")
    allowed = ("legal",) if lang == source else ("community", "legal")
    if state not in allowed:
        raise ValueError(f"--state must be one of {', '.join(allowed)} for {lang}")
    loaded = load_content(content)
    topic = loaded.topics.get(tid)
    if topic is None:
        raise ValueError(f"no English topic '{tid}'")
    if lang == source:
        path = content / "topics" / f"{tid}.yaml"
    else:
        tr = loaded.translations.get(lang, {}).get(tid)
        path = content / "translations" / lang / "topics" / f"{tid}.yaml"
        if tr is None:
            raise ValueError(f"{path}: no such translation")
        changes = translation_changes(topic, tr)
        if changes:
            raise ValueError(f"{path}: the English changed in {paragraphs.describe(changes)}; "
                             "translate those paragraphs and run mark-translated first")
    stamp = {"state": state, "by": by, "reviewed": today.isoformat(),
             "next_review": next_review(today).isoformat()}
    write_fields(path, {"review": stamp})
    return str(path)
