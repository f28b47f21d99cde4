"""Holds the current Bundle and swaps it whole on reload."""

from __future__ import annotations

import logging

from bot.bundle import Bundle, ContentInvalid, load_bundle
from bot.config import Config

log = logging.getLogger(__name__)


class BundleHolder:
    """The one place the live Bundle is kept; replaced atomically, never mutated."""

    def __init__(self, config: Config, bundle: Bundle) -> None:
        self._config = config
        self.current = bundle

    def reload(self) -> bool:
        """Load and validate afresh; keep serving the old Bundle when the new one is invalid."""
        try:
            fresh = load_bundle(self._config.content_dir, self._config.locales_dir,
                                self._config.review_grace_days)
        except ContentInvalid as exc:
            log.error("reload refused, still serving the previous content:\n%s", exc)
            return False
        self.current = fresh
        log.info("content reloaded: %d topics, %d languages",
                 len(fresh.library.topics), len(fresh.library.languages))
        return True
