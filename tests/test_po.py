"""`po export` / `po import` and the glossary: what a translator in Poedit or Weblate gets, and
what comes back into the content files."""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.pofile import read_po

from bot.__main__ import main
from bot.config import ROOT
from bot.content.loader import load_content
from bot.po import export_po, import_po, write_catalog
from bot.translations import mark_translated


def test_round_trip_of_every_shipped_language_changes_nothing(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    loaded = load_content(content)
    langs = sorted(loaded.translations)
    assert len(langs) == 15
    for lang in langs:
        po = tmp_path / f"{lang}.po"
        write_catalog(export_po(content, lang, loaded), po)
        assert import_po(content, lang, po, loaded) == [], lang
    for path in sorted((ROOT / "content").rglob("*.yaml")):
        assert (content / path.relative_to(ROOT / "content")).read_bytes() == path.read_bytes()


def test_one_entry_per_paragraph_with_topic_and_field_as_context(tmp_path: Path) -> None:
    po = tmp_path / "es.po"
    write_catalog(export_po(ROOT / "content", "es"), po)
    with po.open("rb") as fh:
        catalog = read_po(fh)
    title = catalog.get("Agents at my door", context="at-home/title/1")
    assert title is not None and title.string == "Agentes en mi puerta"
    first = catalog.get("**Do not open the door.** Talk through the closed door.",
                        context="at-home/body/1")
    assert first is not None and first.string.startswith("**No abra la puerta.**")
    assert not any(m.fuzzy for m in catalog if m.id)
    assert any("Glossary: court warrant" in c for m in catalog for c in m.auto_comments)


def test_a_changed_paragraph_is_fuzzy_and_its_import_clears_the_warning(
        content_copy: Path, tmp_path: Path) -> None:
    mark_translated(content_copy, "es", [])
    topic = content_copy / "topics" / "at-home.yaml"
    topic.write_text(topic.read_text().replace("Ask for a warrant signed by a _judge_.",
                                               "Ask for a warrant signed by a court _judge_."))
    po = tmp_path / "es.po"
    write_catalog(export_po(content_copy, "es"), po)
    with po.open("rb") as fh:
        catalog = read_po(fh, locale="es")
    fuzzy = [m for m in catalog if m.id and m.fuzzy]
    assert [m.context for m in fuzzy] == ["at-home/body/2"]
    assert fuzzy[0].string == "Pida una orden firmada por un _juez_."  # the old translation
    fuzzy[0].string = "Pida una orden firmada por un _juez_ de una corte."
    fuzzy[0].flags.discard("fuzzy")
    write_catalog(catalog, po)
    written = import_po(content_copy, "es", po)
    assert [Path(w).name for w in written] == ["at-home.yaml"]
    loaded = load_content(content_copy)
    assert not [p for p in loaded.problems if "stale" in p.message]
    tr = (content_copy / "translations" / "es" / "topics" / "at-home.yaml").read_text()
    assert "  - Pida una orden firmada por un _juez_ de una corte.\n" in tr
    assert 'more: |\n  Más detalles' in tr  # the other fields are untouched


def test_an_unconfirmed_entry_leaves_the_paragraph_stale(content_copy: Path, tmp_path: Path) -> None:
    mark_translated(content_copy, "es", [])
    topic = content_copy / "topics" / "at-home.yaml"
    topic.write_text(topic.read_text().replace("Talk through it.", "Talk through the door."))
    po = tmp_path / "es.po"
    write_catalog(export_po(content_copy, "es"), po)
    assert import_po(content_copy, "es", po) == []
    assert [p for p in load_content(content_copy).problems if "body ¶1" in p.message]


def test_export_writes_the_glossary_for_translation_tools(tmp_path: Path, capsys: object) -> None:
    out = tmp_path / "fr.po"
    assert main(["po", "export", "fr", "--out", str(out)]) == 0
    tbx = (tmp_path / "fr.tbx").read_text(encoding="utf-8")
    assert "<term>court warrant</term>" in tbx and "<term>mandat d&#x27;un tribunal</term>" in tbx
    assert out.read_text(encoding="utf-8").count('msgctxt "at-home/') > 20


def test_glossary_warns_where_the_approved_rendering_is_missing(content_copy: Path) -> None:
    (content_copy / "glossary").mkdir()
    (content_copy / "glossary" / "es.yaml").write_text(
        'terms:\n  - en: ["judge"]\n    use: ["magistrado"]\n')
    warnings = [p for p in load_content(content_copy).problems if "approved" in p.message]
    assert len(warnings) == 1
    assert warnings[0].file.endswith("translations/es/topics/at-home.yaml")
    assert "body ¶2" in warnings[0].message and "'judge'" in warnings[0].message
    (content_copy / "glossary" / "es.yaml").write_text(
        'terms:\n  - en: ["judge"]\n    use: ["juez"]\n')
    assert not [p for p in load_content(content_copy).problems if "approved" in p.message]


def test_the_shipped_translations_follow_their_glossaries() -> None:
    loaded = load_content(ROOT / "content")
    assert sorted(p.name for p in (ROOT / "content" / "glossary").glob("*.yaml")) == sorted(
        f"{lang}.yaml" for lang in loaded.translations)
    assert not [p for p in loaded.problems if "approved" in p.message]
