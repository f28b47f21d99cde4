"""Read YAML strictly: every scalar stays a string, duplicate keys are errors, lines are kept.

PyYAML's resolver follows YAML 1.1 (``no`` becomes False, ``1.10`` becomes 1.1). Content never needs
YAML's implicit types, so the data is built by hand from parser events: plain scalars stay text,
``~``, ``null`` and empty values become None. Anchors, aliases, tags, files over
``MAX_FILE_BYTES`` and nesting deeper than ``MAX_DEPTH`` are refused before anything is built, so
a volunteer's file can neither expand into gigabytes nor construct Python objects.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml is in the wheels we install
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Loc = tuple[str | int, ...]
_NULLS = {"~", "null", "Null", "NULL", ""}
MAX_FILE_BYTES = 256 * 1024  # the largest shipped file is about 30 KiB
MAX_DEPTH = 32  # content nests a few levels; this stops a "[[[[…" file cheaply


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, located in a file."""

    file: str
    line: int
    message: str
    fix: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message} — {self.fix}"


class ContentError(Exception):
    """Raised when a file cannot be read at all (syntax, duplicate keys)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class YamlDoc:
    """A parsed file: its data and the line (1-based) of each value by path."""

    path: Path
    label: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line(self, loc: Loc) -> int:
        """Line of the value at ``loc``, or of its nearest parent that has one."""
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)

    def problem(self, loc: Loc, message: str, fix: str, severity: str = "error") -> Problem:
        """A Problem pointing at the value at ``loc``."""
        return Problem(self.label, self.line(loc), message, fix, severity)


def load(path: Path, label: str | None = None) -> YamlDoc:
    """Parse one YAML file; raise ContentError naming file and line on any fault."""
    name = label or str(path)
    doc = YamlDoc(path, name, None)
    text = _read(path, name)
    try:
        data = _Builder(doc).build(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ContentError(
            Problem(name, line, f"YAML syntax error: {exc.problem}",
                    "check indentation, colons and quotes on this line and the one above")
        ) from exc
    except yaml.YAMLError as exc:
        raise ContentError(Problem(name, 1, f"YAML error: {type(exc).__name__}",
                                   "remove control characters and save it as UTF-8")) from exc
    doc.data = {} if data is _EMPTY else data
    return doc


def _read(path: Path, name: str) -> str:
    """The file's text, refusing files over MAX_FILE_BYTES without reading them whole."""
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise ContentError(Problem(
                name, 1, f"file is over the {MAX_FILE_BYTES // 1024} KiB limit",
                "split it into smaller files (one topic per file)"))
        return raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(Problem(name, 1, f"cannot read file ({exc})", "save it as UTF-8")) from exc


_EMPTY = object()


@dataclass
class _Frame:
    """An open map or list while events are read: where it is and the key awaiting a value."""

    value: dict[Hashable, Any] | list[Any]
    loc: Loc
    key: str | None = None


class _Builder:
    """Builds plain data straight from parser events: no node graph, no recursion.

    Anchors, aliases and tags are refused as soon as their event arrives, so an alias bomb or a
    recursive alias is never expanded and ``!!python/...`` never reaches a constructor.
    """

    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.stack: list[_Frame] = []
        self.root: Any = _EMPTY
        self.documents = 0

    def build(self, events: Iterator[yaml.Event]) -> Any:
        for event in events:
            line = event.start_mark.line + 1 if event.start_mark else 1
            if isinstance(event, yaml.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    self._fail(line, "more than one YAML document (a second '---')",
                               "keep one document per file")
            elif isinstance(event, yaml.AliasEvent):
                self._fail(line, f"alias '*{event.anchor}' is not allowed",
                           "write the value out in full instead of referring to an anchor")
            elif isinstance(event, yaml.NodeEvent):
                self._check_node(event, line)
                self._node(event, line)
            elif isinstance(event, yaml.CollectionEndEvent):
                self.stack.pop()
        return self.root

    def _check_node(self, event: yaml.NodeEvent, line: int) -> None:
        if event.anchor is not None:
            self._fail(line, f"anchor '&{event.anchor}' is not allowed",
                       "remove it and write each value out in full")
        tag = getattr(event, "tag", None)
        if tag is not None:
            self._fail(line, f"tag '{tag}' is not allowed",
                       "remove the '!…' before the value; content is plain text, lists and maps")
        if len(self.stack) >= MAX_DEPTH:
            self._fail(line, f"nested more than {MAX_DEPTH} levels deep",
                       "flatten the structure (see docs/content-format.md)")

    def _node(self, event: yaml.NodeEvent, line: int) -> None:
        top = self.stack[-1] if self.stack else None
        if isinstance(top, _Frame) and isinstance(top.value, dict) and top.key is None:
            self._key(top, event, line)
            return
        if isinstance(event, yaml.ScalarEvent):
            value: Any = str(event.value)
            if not event.style and value in _NULLS:
                value = None
            self._place(top, value, line)
            return
        container: dict[Hashable, Any] | list[Any] = (
            {} if isinstance(event, yaml.MappingStartEvent) else [])
        loc = self._place(top, container, line)
        self.stack.append(_Frame(container, loc))

    def _key(self, frame: _Frame, event: yaml.NodeEvent, line: int) -> None:
        if not isinstance(event, yaml.ScalarEvent):
            self._fail(line, "a key must be plain text", "write the key as a simple word")
        key = str(event.value)
        if key in frame.value:
            self._fail(line, f"duplicate key '{key}'", f"keep only one '{key}:' in this block")
        frame.key = key

    def _place(self, top: _Frame | None, value: Any, line: int) -> Loc:
        loc: Loc = ()
        if top is None:
            self.root = value
        elif isinstance(top.value, list):
            loc = (*top.loc, len(top.value))
            top.value.append(value)
        else:
            key = str(top.key)
            loc = (*top.loc, key)
            top.value[key], top.key = value, None
        self.doc.lines[loc] = line
        return loc

    def _fail(self, line: int, message: str, fix: str) -> NoReturn:
        raise ContentError(Problem(self.doc.label, line, message, fix))
