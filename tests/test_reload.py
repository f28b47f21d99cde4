"""Hot reload: a broken content change is refused and the old content keeps serving."""

from __future__ import annotations

from pathlib import Path

from bot.actions import Action, Kind
from bot.bundle import load_bundle
from bot.config import ROOT, Config
from bot.telegram.holder import BundleHolder
from tests.conftest import TODAY


def test_reload_swaps_valid_content_and_refuses_broken(content_copy: Path) -> None:
    config = Config(content_dir=content_copy, locales_dir=ROOT / "locales")
    holder = BundleHolder(config, load_bundle(content_copy, ROOT / "locales"))
    topic = content_copy / "topics" / "privacy.yaml"
    topic.write_text(topic.read_text().replace("keeps nothing about you", "keeps NOTHING"))
    assert holder.reload()
    reply, _ = holder.answer(Action("en", Kind.TOPIC, "privacy"), TODAY)
    assert "keeps NOTHING" in "".join(b.text for b in reply.blocks)
    topic.write_text(topic.read_text().replace('status: "verified"', 'status: "maybe"'))
    before = holder.current
    assert not holder.reload()
    assert holder.current is before
    reply, _ = holder.answer(Action("en", Kind.TOPIC, "privacy"), TODAY)
    assert "keeps NOTHING" in "".join(b.text for b in reply.blocks)
