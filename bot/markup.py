"""The small markup volunteers write (bold, italic, links, lists), parsed into channel-neutral blocks.

Paragraphs are separated by blank lines; ``- `` starts a list item; inline ``**bold**``, ``_italic_``
and ``[text](https://…)``. Everything else is literal text: adapters escape it for their channel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")


@dataclass(frozen=True)
class Span:
    """A run of text with one style."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Block:
    """A paragraph, or one list item when ``bullet`` is set.

    ``card`` marks the statement meant to be shown to an officer (the web page prints it as a card).
    """

    spans: tuple[Span, ...]
    bullet: bool = False
    card: bool = False

    @property
    def text(self) -> str:
        """The block's plain text."""
        return "".join(s.text for s in self.spans)


class MarkupError(ValueError):
    """Broken markup; ``line`` is the 0-based line within the text."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def plain(text: str, *, bold: bool = False, italic: bool = False) -> Block:
    """A block of literal text (no markup is interpreted)."""
    return Block((Span(text, bold=bold, italic=italic),))


def parse(text: str) -> tuple[Block, ...]:
    """Parse markup into blocks; raise MarkupError on unbalanced markers or bad links."""
    blocks: list[Block] = []
    para: list[str] = []
    para_start = 0

    def flush() -> None:
        if para:
            blocks.append(Block(_inline(" ".join(para), para_start)))
            para.clear()

    for n, raw in enumerate(text.splitlines()):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("- "):
            flush()
            blocks.append(Block(_inline(line[2:].strip(), n), bullet=True))
        elif blocks and blocks[-1].bullet and not para and raw[:1].isspace():
            prev = blocks.pop()  # an indented continuation of the list item above
            blocks.append(Block(prev.spans + _inline(" " + line, n), bullet=True))
        else:
            if not para:
                para_start = n
            para.append(line)
    flush()
    return tuple(blocks)


def _inline(text: str, line: int) -> tuple[Span, ...]:
    spans: list[Span] = []
    pos = 0
    for match in _LINK.finditer(text):
        spans += _styled(text[pos : match.start()], line)
        url = match.group(2)
        if not url.startswith("https://"):
            raise MarkupError(line, f"link to '{url}' is not https")
        spans.append(Span(match.group(1), href=url))
        pos = match.end()
    spans += _styled(text[pos:], line)
    if "](" in text.replace("](https://", "") or re.search(r"\[[^\]]*$", text):
        raise MarkupError(line, "broken link: write [text](https://address)")
    return tuple(s for s in spans if s.text)


def _styled(text: str, line: int) -> list[Span]:
    spans: list[Span] = []
    bold = italic = False
    buf: list[str] = []
    i = 0

    def emit() -> None:
        if buf:
            spans.append(Span("".join(buf), bold=bold, italic=italic))
            buf.clear()

    while i < len(text):
        if text.startswith("**", i):
            emit()
            bold = not bold
            i += 2
            continue
        if text[i] == "_" and _is_marker(text, i, italic):
            emit()
            italic = not italic
            i += 1
            continue
        buf.append(text[i])
        i += 1
    emit()
    if bold:
        raise MarkupError(line, "'**' opened but not closed")
    if italic:
        raise MarkupError(line, "'_' opened but not closed")
    return spans


def _is_marker(text: str, i: int, closing: bool) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if closing:
        return not before.isspace() and not after.isalnum()
    return not before.isalnum() and not after.isspace()
