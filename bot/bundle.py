"""Everything the bot serves from, loaded and validated together and swapped whole on reload."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from babel.support import Translations

from bot.audio import AudioIndex, load_audio
from bot.config import Config
from bot.content.library import Library
from bot.content.loader import load_content
from bot.i18n import Strings, load_catalogs
from bot.search import SearchIndex


class ContentInvalid(Exception):
    """The content has errors; the message lists them one per line."""


@dataclass(frozen=True)
class Bundle:
    """Library, UI catalogs and search index: immutable."""

    library: Library
    catalogs: dict[str, Translations]
    index: SearchIndex
    grace_days: int
    audio: AudioIndex = field(default_factory=AudioIndex)

    def strings(self, lang: str) -> Strings:
        """UI strings for ``lang`` (English when no catalog)."""
        return Strings(self.catalogs.get(lang) or Translations())

    @property
    def offered(self) -> frozenset[str]:
        """Offered language codes."""
        return frozenset(self.library.languages)


def load_bundle(content_dir: Path, locales_dir: Path,
                grace_days: int = Config.review_grace_days, *,
                serve_machine: bool = Config.serve_machine_translations) -> Bundle:
    """Load and validate content and catalogs; raise ContentInvalid listing every error."""
    loaded = load_content(content_dir, grace_days=grace_days, serve_machine=serve_machine)
    if loaded.library is None:
        raise ContentInvalid("\n".join(str(p) for p in loaded.errors) or "content did not load")
    lib = loaded.library
    try:
        catalogs = load_catalogs(locales_dir, [(c, i.catalog_dir) for c, i in lib.languages.items()])
    except (OSError, ValueError) as exc:
        raise ContentInvalid(str(exc)) from exc
    audio, _ = load_audio(content_dir, lib)  # broken or stale notes are left out; `check` says why
    return Bundle(lib, catalogs, SearchIndex(lib), grace_days, audio)
