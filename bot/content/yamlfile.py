"""Read YAML strictly: every scalar stays a string, duplicate keys are errors, lines are kept.

PyYAML's resolver follows YAML 1.1 (``no`` becomes False, ``1.10`` becomes 1.1). Content never needs
YAML's implicit types, so the node tree is converted by hand: plain scalars stay text, ``~``, ``null``
and empty values become None.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml is in the wheels we install
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Loc = tuple[str | int, ...]
_NULLS = {"~", "null", "Null", "NULL", ""}


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
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(Problem(name, 1, f"cannot read file ({exc})", "save it as UTF-8")) from exc
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ContentError(
            Problem(name, line, f"YAML syntax error: {exc.problem}",
                    "check indentation, colons and quotes on this line and the one above")
        ) from exc
    doc = YamlDoc(path, name, None)
    doc.data = {} if node is None else _convert(node, (), doc)
    return doc


def _convert(node: yaml.Node, loc: Loc, doc: YamlDoc) -> Any:
    doc.lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        value = str(node.value)
        if not node.style and value in _NULLS:
            return None
        return value
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*loc, i), doc) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        out: dict[Hashable, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise ContentError(doc.problem(loc, "a key must be plain text",
                                               "write the key as a simple word"))
            key = str(key_node.value)
            if key in out:
                raise ContentError(Problem(
                    doc.label, key_node.start_mark.line + 1, f"duplicate key '{key}'",
                    f"keep only one '{key}:' in this block"))
            out[key] = _convert(value_node, (*loc, key), doc)
        return out
    raise ContentError(doc.problem(loc, "unsupported YAML node", "use plain maps, lists and text"))
