"""`po export` / `po import`: topic text as a gettext catalog, for Poedit, Weblate and the like.

One entry per title, summary, paragraph, list item and button label; the context is
``<topic>/<field>/<number>``, the msgid the English, the msgstr the translation. Paragraphs whose
English changed since they were translated are fuzzy, with the previous English (from git, when
the history has it). Where a translation's paragraphs do not line up with the English, the whole
field is one entry (context ``<topic>/<field>``). Import writes only fields whose text changed and
stamps, per paragraph, the English each confirmed (non-fuzzy) entry was translated from.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.content import glossary as gloss
from bot.content import paragraphs
from bot.content.library import locale_dir
from bot.content.loader import Loaded, load_content
from bot.content.model import GlossaryFile, Topic, TopicTranslation
from bot.content.paragraphs import Unit
from bot.content.yamledit import write_fields
from bot.content.yamlfile import ContentError, load

LIMITS = {"title": 60, "summary": 200, "choices": 90}
UNSTAMPED = paragraphs.unit_hash("")  # a paragraph whose translation was not confirmed


class PoError(ValueError):
    """The language or file cannot be used; the message says why."""


@dataclass(frozen=True)
class _Entry:
    text: str
    fuzzy: bool


def glossary_of(content: Path, lang: str) -> GlossaryFile:
    """content/glossary/<lang>.yaml, or an empty glossary."""
    path = content / "glossary" / f"{lang}.yaml"
    try:
        return GlossaryFile.model_validate(load(path).data) if path.is_file() else GlossaryFile()
    except (ContentError, ValueError):
        return GlossaryFile()


def _loaded(content: Path, lang: str, loaded: Loaded | None = None) -> Loaded:
    loaded = loaded or load_content(content)
    if lang not in loaded.translations:
        raise PoError(f"'{lang}' is not a translated language of this content")
    return loaded


def export_po(content: Path, lang: str, loaded: Loaded | None = None) -> Catalog:
    """The catalog of every topic's text in ``lang``."""
    loaded = _loaded(content, lang, loaded)
    terms = glossary_of(content, lang)
    catalog = Catalog(locale=locale_dir(lang), project="kyr-bot topics", fuzzy=False,
                      charset="utf-8")
    for tid, topic in loaded.topics.items():
        tr = loaded.translations[lang].get(tid)
        history = _history(content, tid) if tr and tr.source_paragraphs and any(
            paragraphs.changed(paragraphs.hashes(topic), tr.source_paragraphs.as_dict())) else {}
        for name in paragraphs.FIELDS:
            _export_field(catalog, terms, topic, tr, name, history)
    return catalog


def _export_field(catalog: Catalog, terms: GlossaryFile, topic: Topic,
                  tr: TopicTranslation | None, name: str, history: dict[str, str]) -> None:
    en = paragraphs.field_units(topic, name)
    mine = paragraphs.field_units(tr, name) if tr else []
    rec = tr.source_paragraphs.as_dict().get(name, []) if tr and tr.source_paragraphs else []
    where: list[tuple[str, Any]] = [(f"content/topics/{topic.id}.yaml", None)]
    if tr and mine and len(mine) != len(rec or en):
        comment = ("The paragraphs of this translation do not line up with the English: "
                   "translate the whole field; keep a blank line between paragraphs and '- ' "
                   "before list items.")
        changed = [h for h in (u.hash for u in en) if h not in rec] if rec else []
        catalog.add(paragraphs.join(en).rstrip("\n"), str(getattr(tr, name)).rstrip("\n"),
                    where, auto_comments=[comment], flags=["fuzzy"] if changed else [],
                    context=f"{topic.id}/{name}")
        return
    for n, unit in enumerate(en, 1):
        text, fuzzy, previous = "", False, ""
        if unit.hash in rec and len(mine) == len(rec):
            text = mine[rec.index(unit.hash)].text
        elif rec:
            fuzzy = True
            if len(en) == len(rec) == len(mine):  # edited in place: offer the old translation
                text, previous = mine[n - 1].text, history.get(rec[n - 1], "")
        elif len(mine) == len(en):
            text = mine[n - 1].text
        notes = _notes(terms, name, unit)
        catalog.add(unit.text, text, where, flags=["fuzzy"] if fuzzy else [],
                    auto_comments=notes, previous_id=previous or (),
                    context=f"{topic.id}/{name}/{n}")


def _notes(terms: GlossaryFile, name: str, unit: Unit) -> list[str]:
    notes = []
    if name in LIMITS:
        notes.append(f"At most {LIMITS[name]} characters.")
    if unit.bullet:
        notes.append("A list item.")
    if unit.critical:
        notes.append("Critical: until this is translated, readers see the English.")
    for term in terms.terms:
        found = gloss.uses(term, unit.text)
        if found:
            notes.append(f"Glossary: {found} = {' | '.join(term.use)}")
    return notes


def _history(content: Path, tid: str, depth: int = 30) -> dict[str, str]:
    """Hash → text of every unit in the last ``depth`` committed versions of a topic (git, local;
    empty when there is no repository)."""
    rel = Path("topics") / f"{tid}.yaml"
    git = shutil.which("git")
    if git is None:
        return {}
    try:  # fixed arguments; the path is a validated topic id
        log = subprocess.run([git, "log", f"-n{depth}", "--format=%H", "--", str(rel)],  # noqa: S603
                             cwd=content, capture_output=True, text=True, timeout=20, check=True)
        out: dict[str, str] = {}
        for commit in log.stdout.split():
            shown = subprocess.run([git, "show", f"{commit}:./{rel}"], cwd=content,  # noqa: S603
                                   capture_output=True, text=True, timeout=20, check=True)
            data = yaml.safe_load(shown.stdout)
            for name in (*paragraphs.MARKUP_FIELDS, "title", "summary"):
                value = data.get(name) if isinstance(data, dict) else None
                units = paragraphs.split(value) if name in paragraphs.MARKUP_FIELDS else (
                    [Unit(value)] if isinstance(value, str) else [])
                out.update({u.hash: u.text for u in units})
        return out
    except (OSError, subprocess.SubprocessError, yaml.YAMLError):
        return {}


def write_catalog(catalog: Catalog, out: Path) -> None:
    """Write the .po file."""
    buf = BytesIO()
    write_po(buf, catalog, width=0, include_previous=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buf.getvalue())


def glossary_tbx(terms: GlossaryFile, lang: str) -> str:
    """The glossary as TBX, which Weblate and other translation tools import."""
    def esc(text: str) -> str:
        return html.escape(text, quote=True)

    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<martif type="TBX" xml:lang="en"><martifHeader><fileDesc><sourceDesc>'
           f"<p>kyr-bot glossary, {esc(lang)}</p></sourceDesc></fileDesc></martifHeader>",
           "<text><body>"]
    for n, term in enumerate(terms.terms, 1):
        out.append(f'<termEntry id="t{n}">')
        if term.note:
            out.append(f'<descrip type="definition">{esc(term.note)}</descrip>')
        out.append('<langSet xml:lang="en">' + "".join(
            f"<tig><term>{esc(t)}</term></tig>" for t in term.en) + "</langSet>")
        out.append(f'<langSet xml:lang="{esc(lang)}">' + "".join(
            f"<tig><term>{esc(t)}</term></tig>" for t in term.use) + "</langSet>")
        out.append("</termEntry>")
    out.append("</body></text></martif>")
    return "\n".join(out) + "\n"


def import_po(content: Path, lang: str, po: Path, loaded: Loaded | None = None) -> list[str]:
    """Write the translations in ``po`` into the content files; returns what was written."""
    loaded = _loaded(content, lang, loaded)
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale_dir(lang))
    entries: dict[str, dict[str, dict[int, _Entry]]] = {}
    for msg in catalog:
        if not msg.context or not isinstance(msg.string, str):
            continue
        tid, _, rest = msg.context.partition("/")
        name, _, num = rest.partition("/")
        entries.setdefault(tid, {}).setdefault(name, {})[int(num) if num else 0] = _Entry(
            msg.string, msg.fuzzy)
    written = []
    for tid, fields in entries.items():
        topic, tr = loaded.topics.get(tid), loaded.translations[lang].get(tid)
        if topic is None or tr is None:
            written.append(f"{tid}: no English topic or no translation file; skipped")
            continue
        values = _imported(topic, tr, fields)
        path = content / "translations" / lang / "topics" / f"{tid}.yaml"
        if values and write_fields(path, values, after="id"):
            written.append(str(path))
    return written


def _imported(topic: Topic, tr: TopicTranslation, fields: dict[str, dict[int, _Entry]]
              ) -> dict[str, Any]:
    """The changed fields of one translation, and its new stamp (empty when nothing changed)."""
    stamp = tr.source_paragraphs.as_dict() if tr.source_paragraphs else {}
    values: dict[str, Any] = {}
    for name in paragraphs.FIELDS:
        en = paragraphs.field_units(topic, name)
        got = fields.get(name, {})
        if 0 in got:  # the whole field as one entry
            entry = got[0]
            current = str(getattr(tr, name) or "")
            if entry.text and entry.text.rstrip("\n") != current.rstrip("\n"):
                values[name] = entry.text.rstrip("\n") + "\n"
            if entry.text and not entry.fuzzy:
                stamp[name] = [u.hash for u in en]
            continue
        if not en or len(got) != len(en) or not all(e.text for e in got.values()):
            continue  # incomplete: the field stays as it was
        new = [Unit(got[n].text, bullet=u.bullet) for n, u in enumerate(en, 1)]
        mine = paragraphs.field_units(tr, name)
        if [(u.text, u.bullet) for u in new] != [(u.text, u.bullet) for u in mine]:
            values[name] = _field_value(name, new)
        old = stamp.get(name, [])
        stamp[name] = [u.hash if not got[n].fuzzy else (old[n - 1] if len(old) == len(en)
                                                         else UNSTAMPED)
                       for n, u in enumerate(en, 1)]
    if stamp != (tr.source_paragraphs.as_dict() if tr.source_paragraphs else {}) and (
            values or tr.source_paragraphs):
        values["source_paragraphs"] = {k: stamp[k] for k in paragraphs.FIELDS if stamp.get(k)}
    return values


def _field_value(name: str, units: list[Unit]) -> Any:
    if name == "choices":
        return [u.text for u in units]
    if name in paragraphs.MARKUP_FIELDS:
        return paragraphs.join(units)
    return units[0].text
