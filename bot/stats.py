"""Per-language status for volunteers: topics present, missing, stale; review states; hotlines."""

from __future__ import annotations

from collections import Counter
from io import BytesIO

from babel.messages.pofile import read_po

from bot.checks import extract_template
from bot.config import ROOT, Config
from bot.content.library import Library
from bot.content.loader import load_content
from bot.content.paragraphs import describe
from bot.i18n import catalog_path


def stats_table(config: Config) -> str:
    """A plain-text table."""
    loaded = load_content(config.content_dir, grace_days=config.review_grace_days)
    lib = loaded.library
    if lib is None:
        return "content has errors: run python -m bot check"
    wanted = {m.id for m in extract_template(ROOT) if m.id}
    states = ("machine", "community", "source-checked", "legal")
    rows = [f"{'lang':8} {'topics':>6} {'missing':>7} {'stale':>5} "
            + " ".join(f"{st:>14}" for st in states) + f" {'ui strings':>10}"]
    for code, info in lib.languages.items():
        pages = [p for (lang, _), p in lib.pages.items() if lang == code]
        counts = Counter(p.review_state for p in pages if p.translated)
        missing = sum(not p.translated for p in pages)
        stale = sum(p.stale for p in pages)
        ui = f"{len(wanted)}/{len(wanted)}"
        if code != lib.source:
            po = catalog_path(config.locales_dir, info.catalog_dir)
            done = 0
            if po.is_file():
                with BytesIO(po.read_bytes()) as fh:
                    cat = read_po(fh, locale=info.catalog_dir)
                done = sum(1 for m in cat if m.id in wanted and m.string and not m.fuzzy)
            ui = f"{done}/{len(wanted)}"
        rows.append(f"{code:8} {len(pages) - missing:>6} {missing:>7} {stale:>5} "
                    + " ".join(f"{counts[st]:>14}" for st in states) + f" {ui:>10}")
    rows += _changed(lib)
    verified = sum(h.status == "verified" for h in lib.hotlines.values())
    rows.append("")
    rows.append(f"hotlines: {verified} verified (served), "
                f"{len(lib.hotlines) - verified} unverified (not served)")
    return "\n".join(rows)


def _changed(lib: Library) -> list[str]:
    """One line per stale translation: which English paragraphs changed since it was made."""
    lines = [f"  {lang} {tid}: {describe({k: list(v) for k, v in page.changes})}"
             for (lang, tid), page in sorted(lib.pages.items()) if page.changes]
    return ["", "English paragraphs changed since translated:", *lines] if lines else []
