"""Lay text out as a screen would, with FriBiDi (the Unicode bidirectional algorithm)."""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

_PAR_ON, _PAR_LTR, _PAR_RTL = 0x40, 0x110, 0x111
CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e"))


@cache
def _lib() -> ctypes.CDLL:
    name = ctypes.util.find_library("fribidi") or "libfribidi.so.0"
    return ctypes.CDLL(name)


def layout(line: str) -> tuple[str, str]:
    """(visual string left to right, paragraph direction "ltr"/"rtl") of one line, direction auto."""
    n = len(line)
    chars = (ctypes.c_uint32 * max(n, 1))(*map(ord, line))
    visual = (ctypes.c_uint32 * max(n, 1))()
    base = ctypes.c_uint32(_PAR_ON)
    ok = _lib().fribidi_log2vis(chars, n, ctypes.byref(base), visual, None, None, None)
    assert ok, "fribidi_log2vis failed"
    text = "".join(chr(c) for c in visual[:n])
    return text.translate(CONTROLS), "rtl" if base.value == _PAR_RTL else "ltr"
