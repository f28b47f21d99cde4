"""Strict YAML: strings stay strings, duplicate keys and syntax errors name the line."""

from __future__ import annotations

import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from bot.config import ROOT
from bot.content.yamlfile import MAX_FILE_BYTES, ContentError, load


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


ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))


@pytest.mark.parametrize(("text", "line", "words"), [
    ("a: 1\nb: &x\n  c: 2\nd: *x\n", 2, "anchor '&x' is not allowed"),
    ("a: 1\nb: *x\n", 2, "alias '*x' is not allowed"),
    ("a: &loop [1, *loop]\n", 1, "anchor '&loop'"),
    ("a: 1\nb: !!python/object/apply:os.system [echo hi]\n", 2, "tag 'tag:yaml.org,2002:python"),
    ("a: !foo bar\n", 1, "tag '!foo' is not allowed"),
    ("a: !!str 1\n", 1, "tag 'tag:yaml.org,2002:str'"),
    ("a: 1\n---\nb: 2\n", 2, "more than one YAML document"),
    ("a:\n  b: " + "[" * 40 + "]" * 40 + "\n", 2, "nested more than"),
])
def test_anchors_aliases_tags_and_deep_nesting_are_refused_with_a_line(
        tmp_path: Path, text: str, line: int, words: str) -> None:
    with pytest.raises(ContentError) as err:
        load(write(tmp_path, text), label="x.yaml")
    assert (err.value.problem.file, err.value.problem.line) == ("x.yaml", line)
    assert words in err.value.problem.message and err.value.problem.fix


def test_alias_bomb_is_refused_fast_and_small(tmp_path: Path) -> None:
    path = write(tmp_path, ALIAS_BOMB)
    tracemalloc.start()
    began = time.perf_counter()
    with pytest.raises(ContentError, match="anchor '&a' is not allowed"):
        load(path)
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 0.5 and peak < 1 << 20


def test_file_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write(tmp_path, "a: '" + "x" * MAX_FILE_BYTES + "'\n")
    with pytest.raises(ContentError) as err:
        load(path, label="big.yaml")
    assert str(err.value).startswith("big.yaml:1: error: file is over the 256 KiB limit")
    load(write(tmp_path, "a: '" + "x" * (MAX_FILE_BYTES - 100) + "'\n"))  # just under: fine


def test_check_reports_a_bomb_and_a_recursive_alias_as_lines(content_copy: Path) -> None:
    (content_copy / "topics" / "bomb.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    (content_copy / "topics" / "loop.yaml").write_text("a: &l [*l]\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bot", "check", "--content", str(content_copy)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert "content/topics/bomb.yaml:1: error: anchor '&a' is not allowed" in done.stdout
    assert "content/topics/loop.yaml:1: error: anchor '&l' is not allowed" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
