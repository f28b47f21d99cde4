"""`stats`: what volunteers read to see what is missing, stale or unreviewed."""

from __future__ import annotations

from pathlib import Path

from bot.config import ROOT, Config
from bot.stats import stats_table


def row(table: str, lang: str) -> list[str]:
    return next(line.split() for line in table.splitlines() if line.startswith(lang + " "))


def test_stats_counts_states_missing_and_stale(content_copy: Path) -> None:
    config = Config(content_dir=content_copy, locales_dir=ROOT / "locales")
    table = stats_table(config)
    assert row(table, "en")[:7] == ["en", "2", "0", "0", "0", "0", "2"]
    assert row(table, "es")[:8] == ["es", "2", "0", "0", "1", "1", "0", "0"]
    assert "1 verified (served), 1 unverified (not served)" in table
    (content_copy / "translations" / "es" / "topics" / "privacy.yaml").unlink()
    topic = content_copy / "topics" / "at-home.yaml"
    topic.write_text(topic.read_text().replace("Talk through it.", "Talk through the door."))
    assert row(stats_table(config), "es")[:5] == ["es", "1", "1", "1", "1"]
