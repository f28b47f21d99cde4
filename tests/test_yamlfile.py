"""Strict YAML: strings stay strings, duplicate keys and syntax errors name the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.yamlfile import ContentError, load


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_11_booleans_and_numbers_stay_text(tmp_path: Path) -> None:
    doc = load(write(tmp_path, "no: on\nversion: 1.10\nempty:\n"))
    assert doc.data == {"no": "on", "version": "1.10", "empty": None}


def test_duplicate_key_names_its_line(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as err:
        load(write(tmp_path, "a: 1\nb: 2\na: 3\n"), label="x.yaml")
    assert err.value.problem.line == 3
    assert "duplicate key 'a'" in str(err.value)


def test_syntax_error_names_its_line(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as err:
        load(write(tmp_path, "a: 1\nb: [1, 2\nc: 3\n"))
    assert err.value.problem.line >= 2
    assert "YAML syntax error" in err.value.problem.message


def test_lines_are_kept_for_nested_values(tmp_path: Path) -> None:
    doc = load(write(tmp_path, "top:\n  - id: a\n  - id: b\n    name: x\n"))
    assert doc.line(("top", 1, "name")) == 4
    assert doc.line(("top", 1, "missing")) == 3
