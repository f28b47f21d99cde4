"""Translator tools: stamp a translation with the hash of the English it was made from."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bot.content.loader import load_content

_HASH_LINE = re.compile(r'^source_hash:.*$', re.MULTILINE)


def mark_translated(content: Path, lang: str, topics: list[str]) -> int:
    """Write the current English hash into each named translation (all when none named)."""
    hashes = load_content(content).hashes  # there even when other files have errors
    folder = content / "translations" / lang / "topics"
    targets = topics or sorted(p.stem for p in folder.glob("*.yaml"))
    status = 0
    for tid in targets:
        path = folder / f"{tid}.yaml"
        if tid not in hashes or not path.is_file():
            sys.stderr.write(f"{path}: no such translation or English topic\n")
            status = 1
            continue
        text = path.read_text(encoding="utf-8")
        line = f'source_hash: "{hashes[tid]}"'
        if _HASH_LINE.search(text):
            text = _HASH_LINE.sub(line, text, count=1)
        else:
            text = re.sub(r'^(id:.*)$', rf"\1\n{line}", text, count=1, flags=re.MULTILINE)
        path.write_text(text, encoding="utf-8")
        print(f"{path}: {line}")
    return status
