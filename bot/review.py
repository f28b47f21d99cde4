"""`review`: a printable packet for a reviewer — English and translation side by side, paragraph
by paragraph, with the sources, the current stamps, changed paragraphs highlighted and a sign-off
block. HTML, printed to PDF by headless Chromium (`make system-deps` installs it)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from html import escape
from pathlib import Path

from bot.content import paragraphs
from bot.content.library import translation_changes
from bot.content.loader import Loaded
from bot.content.model import Topic, TopicTranslation

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
STYLE = """
body{font-family:"DejaVu Sans",sans-serif;font-size:11pt;margin:0 1.5em}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:.3em;vertical-align:top}
th{background:#eee}td.n{width:5em;font-size:9pt;color:#444}tr.changed td{background:#fff3b0}
.mark{font-weight:bold}section{page-break-after:always}.sign td{height:2.2em}
"""


def _stamp(topic: Topic, tr: TopicTranslation | None, lang: str) -> str:
    r = topic.review
    text = (f"English: {r.state}, by {r.who}, reviewed {r.reviewed}, next review "
            f"{r.next_review}.")
    if tr is not None:
        t = tr.review
        text += f" Translation ({lang}): {t.state}, by {t.by or '—'}"
        text += f", reviewed {t.reviewed}." if t.reviewed else "."
    return text


def _rows(topic: Topic, tr: TopicTranslation | None, changes: dict[str, list[int]]) -> list[str]:
    rows = []
    for name in paragraphs.FIELDS:
        en = paragraphs.field_units(topic, name)
        mine = paragraphs.field_units(tr, name) if tr else []
        if tr and mine and len(mine) != len(en):  # not aligned: the whole field in one row
            en, mine = ([paragraphs.Unit("\n\n".join(u.text for u in en))],
                        [paragraphs.Unit("\n\n".join(u.text for u in mine))])
        for n, unit in enumerate(en, 1):
            changed = n in changes.get(name, ()) or (name in changes and len(en) == 1)
            label = f"{name} {n}" + (" <span class=mark>CHANGED</span>" if changed else "")
            if unit.critical:
                label += " <span class=mark>critical</span>"
            cells = [f"<td class=n>{label}</td>", f"<td>{_text(unit)}</td>"]
            if tr is not None:
                other = mine[n - 1] if n - 1 < len(mine) else None
                cells.append(f"<td>{_text(other) if other else '—'}</td>")
            rows.append(f"<tr{' class=changed' if changed else ''}>{''.join(cells)}</tr>")
    return rows


def _text(unit: paragraphs.Unit) -> str:
    return ("• " if unit.bullet else "") + escape(unit.text).replace("\n", "<br>")


def _section(topic: Topic, tr: TopicTranslation | None, lang: str) -> str:
    changes = translation_changes(topic, tr) if tr else {}
    head = "<tr><th></th><th>English</th>" + (
        f"<th>{escape(lang)}</th>" if tr is not None else "") + "</tr>"
    table = "<table>" + head + "".join(_rows(topic, tr, changes)) + "</table>"
    sources = "".join(
        f"<li>{escape(s.publisher)} ({s.date}): {escape(s.supports)} "
        f'<a href="{escape(s.url)}">{escape(s.url)}</a></li>' for s in topic.sources)
    changed = (f"<p class=mark>{sum(len(v) for v in changes.values())} changed since the "
               f"translation was made: {escape(paragraphs.describe(changes))}</p>"
               if changes else "")
    state = "community | legal" if tr is not None else "legal"
    return (f'<section id="{escape(topic.id)}"><h2>{escape(topic.title)} '
            f"<small>({escape(topic.id)})</small></h2><p>{escape(_stamp(topic, tr, lang))}</p>"
            f"{changed}{table.replace('<td>', '<td dir=auto>')}"
            f"<h3>Sources</h3><ol>{sources}</ol>"
            "<h3>Sign-off</h3><p>I have read the text above"
            + (" in English and in translation, side by side," if tr is not None else "")
            + " and it is correct.</p><table class=sign>"
            "<tr><td>Name</td><td></td></tr><tr><td>Organisation</td><td></td></tr>"
            f"<tr><td>Review state</td><td>{state}</td></tr>"
            "<tr><td>Date</td><td></td></tr><tr><td>Signature</td><td></td></tr></table>"
            f"<p>Then: <code>python -m bot review approve {escape(lang)} {escape(topic.id)} "
            f"--by \"ORGANISATION\" --state {state.rsplit(' | ', maxsplit=1)[-1]}</code></p></section>")


def packet_html(loaded: Loaded, lang: str, topic_ids: list[str], source: str = "en") -> str:
    """The packet for ``lang`` (``source`` for the English alone) and the given topics."""
    trs = loaded.translations.get(lang, {})
    sections = [_section(loaded.topics[tid], trs.get(tid) if lang != source else None, lang)
                for tid in topic_ids]
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>Review packet: {escape(lang)}</title><style>{STYLE}</style></head><body>"
            f"<h1>Review packet: {escape(lang)}</h1>" + "".join(sections) + "</body></html>\n")


def browser() -> str | None:
    """A headless Chromium on PATH, if any."""
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def print_pdf(html_file: Path, pdf: Path) -> bool:
    """Print the HTML file to PDF with headless Chromium; False when there is none."""
    exe = browser()
    if exe is None:
        return False
    with tempfile.TemporaryDirectory() as profile:  # its own profile: another Chromium may run
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 f"--user-data-dir={profile}", "--no-pdf-header-footer"]
        subprocess.run([exe, *flags, f"--print-to-pdf={pdf}",  # noqa: S603  (fixed flags)
                        html_file.resolve().as_uri()], capture_output=True, timeout=120, check=True)
    return pdf.is_file()
