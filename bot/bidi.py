"""Right-to-left text that reads right: left-to-right runs isolated, paragraphs anchored RTL.

Inside Arabic text a phone number, URL, command or Latin word is laid out by the Unicode
bidirectional algorithm together with its neighbours, so ``+1 855-435-7693`` can show as
``7693-435-855 1+`` and a paragraph that begins with "ICE" becomes a left-to-right paragraph.
Each left-to-right run is wrapped in LRI … PDI (it keeps its own order and is neutral to the text
around it), and each paragraph starts with RLM so its direction is right to left whatever comes first.
"""

from __future__ import annotations

import unicodedata

LRI, PDI, RLM = "\u2066", "\u2069", "\u200f"
_LTR = frozenset({"L", "EN"})
# Characters that join two left-to-right pieces into one run: "+1 855-435-7693", "I-205", "U.S."
_JOINERS = frozenset(" -–./:,+()_@#&'’%")
_OPENERS = frozenset("+/(")


def _ltr(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in _LTR


def ltr_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each left-to-right run: Latin words, numbers, URLs, commands."""
    runs: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if not (_ltr(ch) or (ch in _OPENERS and i + 1 < n and _ltr(text[i + 1]))):
            i += 1
            continue
        end = j = i + 1  # end: one past the last character that belongs to the run
        while j < n and (_ltr(text[j]) or text[j] in _JOINERS):
            if _ltr(text[j]):
                end = j + 1
            j += 1
        if text.count("(", i, end) > text.count(")", i, end) and end < n and text[end] == ")":
            end += 1
        runs.append((i, end))
        i = end
    return runs


def has_rtl(text: str) -> bool:
    """True when ``text`` holds a right-to-left letter (Arabic, Hebrew, …)."""
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def isolate_ltr(text: str) -> str:
    """``text`` with each left-to-right run in LRI … PDI."""
    return "".join(isolate_pieces([text]))


def isolate_pieces(pieces: list[str]) -> list[str]:
    """Isolate the runs of the joined ``pieces`` (styled spans), keeping the pieces' boundaries.

    A run may cross pieces ("**ICE** agents"): its LRI goes into the piece where it starts and its
    PDI into the piece where it ends, so it stays one run.
    """
    text = "".join(pieces)
    marks: dict[int, str] = {}
    for start, end in ltr_runs(text):
        marks[start] = marks.get(start, "") + LRI
        marks[end] = PDI + marks.get(end, "")
    out, pos = [], 0
    for k, piece in enumerate(pieces):
        last = k == len(pieces) - 1
        chars = []
        for i, ch in enumerate(piece):
            at = pos + i
            mark = marks.get(at, "")
            if i == 0 and mark.startswith(PDI):  # a run that ended with the previous piece
                mark = mark.removeprefix(PDI)
            chars.append(mark + ch)
        end = pos + len(piece)
        tail = marks.get(end, "")
        closing = tail[: len(tail) - len(tail.lstrip(PDI))]
        chars.append(tail if last else closing)
        out.append("".join(chars))
        pos = end
    return out
