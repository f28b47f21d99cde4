"""The validator: each class of error is reported with its file, line and a fix."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from bot.config import ROOT
from bot.content.loader import load_content
from bot.translations import mark_translated
from tests.conftest import FIXTURE, TODAY


def problems(root: Path, today: dt.date = TODAY) -> list[str]:
    return [str(p) for p in load_content(root, today=today).problems]


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_fixture_is_clean() -> None:
    loaded = load_content(FIXTURE, today=TODAY)
    assert loaded.library is not None
    assert [str(p) for p in loaded.problems] == []


def test_invalid_phone_number(content_copy: Path) -> None:
    replace(content_copy / "hotlines.yaml", '"+18554357693"', '"+1855435769"')
    found = problems(content_copy)
    assert any("hotlines.yaml:4:" in p and "number" in p for p in found), found


def test_non_https_source(content_copy: Path) -> None:
    replace(
        content_copy / "topics" / "at-home.yaml",
        '"https://www.kpbs.org/news/border-immigration/2025/01/24/know-your-rights"',
        '"http://www.kpbs.org/news/border-immigration/2025/01/24/know-your-rights"',
    )
    found = problems(content_copy)
    assert any("at-home.yaml:16:" in p and "https" in p for p in found), found


def test_unknown_related_topic(content_copy: Path) -> None:
    replace(content_copy / "topics" / "at-home.yaml", '["privacy"]', '["privacy", "nowhere"]')
    found = problems(content_copy)
    assert any("at-home.yaml:12:" in p and "'nowhere' does not exist" in p for p in found), found


def test_broken_markup_points_at_the_line(content_copy: Path) -> None:
    replace(
        content_copy / "topics" / "at-home.yaml",
        "- Ask for a warrant signed by a _judge_.",
        "- Ask for a warrant signed by a **judge.",
    )
    found = problems(content_copy)
    assert any("at-home.yaml:8:" in p and "'**' opened but not closed" in p for p in found), found


def test_stale_translation_is_a_warning(content_copy: Path) -> None:
    replace(content_copy / "topics" / "at-home.yaml", "Talk through it.", "Talk through the door.")
    found = problems(content_copy)
    stale = [p for p in found if "stale translation" in p]
    assert len(stale) == 1 and "translations/es/topics/at-home.yaml:2: warning" in stale[0]
    assert "mark-translated es at-home" in stale[0]


def test_missing_translation_is_a_warning(content_copy: Path) -> None:
    (content_copy / "translations" / "es" / "topics" / "privacy.yaml").unlink()
    found = problems(content_copy)
    assert any(
        "topic 'privacy' is not translated into es" in p and "warning" in p for p in found
    ), found


def test_review_due_is_a_warning_then_an_error(content_copy: Path) -> None:
    soon = problems(content_copy, dt.date(2027, 6, 1))
    assert any("at-home.yaml:26: warning: review was due on 2027-05-28" in p for p in soon), soon
    late = problems(content_copy, dt.date(2027, 8, 1))
    assert any("at-home.yaml:26: error:" in p and "grace period" in p for p in late), late


def test_verified_hotline_needs_recent_sources(content_copy: Path) -> None:
    replace(content_copy / "hotlines.yaml", 'status: "unverified"', 'status: "verified"')
    found = problems(content_copy)
    assert any("'old-line' is verified with fewer than two sources" in p for p in found), found
    assert any("over 24 months ago" in p for p in found), found


def test_ice_tip_line_is_refused(content_copy: Path) -> None:
    replace(content_copy / "hotlines.yaml", '"+18443631423"', '"+18663472423"')
    found = problems(content_copy)
    assert any("enforcement line, not help" in p for p in found), found


def test_unknown_field_and_bad_date(content_copy: Path) -> None:
    replace(content_copy / "topics" / "privacy.yaml", "summary:", "sumary:")
    replace(content_copy / "topics" / "privacy.yaml", '"2026-11-28"', '"28/11/2026"')
    found = problems(content_copy)
    assert any("privacy.yaml:4:" in p and "sumary: is not a known field" in p for p in found)
    assert any("privacy.yaml:1:" in p and "summary: is required" in p for p in found)
    assert any("privacy.yaml:16:" in p and "YYYY-MM-DD" in p for p in found), found


def test_duplicate_hotline_id(content_copy: Path) -> None:
    replace(content_copy / "hotlines.yaml", 'id: "old-line"', 'id: "icirr"')
    found = problems(content_copy)
    assert any("hotlines.yaml:16:" in p and "duplicate hotline id 'icirr'" in p for p in found)


def test_check_command_reports_file_and_line(content_copy: Path) -> None:
    replace(content_copy / "hotlines.yaml", '"+18554357693"', '"+1 855 435"')
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check", "--content", str(content_copy)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 1
    assert "content/hotlines.yaml:4: error: hotlines.0.number:" in result.stdout


def test_strict_turns_warnings_into_errors(content_copy: Path) -> None:
    (content_copy / "translations" / "es" / "topics" / "privacy.yaml").unlink()
    cmd = [sys.executable, "-m", "bot", "check", "--content", str(content_copy)]
    lenient = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    strict = subprocess.run(
        [*cmd, "--strict"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert lenient.returncode == 0
    assert strict.returncode == 1
    assert "error: topic 'privacy' is not translated into es" in strict.stdout


def test_long_first_screen_is_a_warning(content_copy: Path) -> None:
    replace(content_copy / "topics" / "privacy.yaml", "This bot keeps nothing about you.",
            "This bot keeps nothing about you. " + "More words here. " * 50)
    found = problems(content_copy)
    assert any("privacy.yaml:5: warning: the first screen is" in p for p in found), found


def test_mark_translated_clears_staleness_even_with_errors_elsewhere(content_copy: Path) -> None:
    replace(content_copy / "topics" / "at-home.yaml", "Talk through it.", "Talk through the door.")
    replace(content_copy / "hotlines.yaml", '"+18554357693"', '"+1855"')  # an unrelated error
    assert any("stale translation" in p for p in problems(content_copy))
    assert mark_translated(content_copy, "es", ["at-home"]) == 0
    assert not any("stale translation" in p for p in problems(content_copy))


KPBS = '"https://www.kpbs.org/news/border-immigration/2025/01/24/know-your-rights"'


def test_refused_domain_is_an_error_at_its_line(content_copy: Path) -> None:
    replace(content_copy / "topics" / "at-home.yaml", KPBS,
            '"https://www.arcamax.com/politics/story/s-12345"')
    replace(content_copy / "hotlines.yaml", '"https://es.icirr.org/hotline"',
            '"https://news.arcamax.com/icirr"')
    found = problems(content_copy)
    assert any("at-home.yaml:16: error: arcamax.com is never a source" in p for p in found), found
    assert any("hotlines.yaml:12: error: arcamax.com is never a source" in p for p in found), found


def test_bare_domain_is_not_a_source(content_copy: Path) -> None:
    replace(content_copy / "topics" / "at-home.yaml", KPBS, '"https://www.kpbs.org/"')
    found = problems(content_copy)
    assert any("at-home.yaml:16: error:" in p and "a whole site, not a page" in p
               for p in found), found


def test_source_needs_a_date(content_copy: Path) -> None:
    replace(content_copy / "topics" / "at-home.yaml", '    published: "2025-01-24"\n', "")
    replace(content_copy / "topics" / "at-home.yaml", '    seen: "2026-11-20"\n', "")
    found = problems(content_copy)
    assert any("at-home.yaml:16: error:" in p and "a source needs a date" in p
               for p in found), found


def test_at_most_two_sources_on_the_first_screen(content_copy: Path) -> None:
    topic = content_copy / "topics" / "at-home.yaml"
    entry = ('  - url: "https://www.aclu.org/know-your-rights/immigrants-rights"\n'
             '    publisher: "ACLU"\n    seen: "2026-11-20"\n    supports: "Stay silent"\n'
             '    first: true\n')
    replace(topic, "review:\n", entry + entry.replace("immigrants-rights", "x") + "review:\n")
    found = problems(content_copy)
    assert any("at-home.yaml:31: error: 3 sources are marked for the first screen" in p
               for p in found), found
    text = topic.read_text(encoding="utf-8").replace("    first: true\n", "")
    topic.write_text(text, encoding="utf-8")
    found = problems(content_copy)
    assert any("no source is marked for the first screen" in p for p in found), found
