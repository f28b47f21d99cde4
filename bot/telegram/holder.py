"""Holds the current Bundle and swaps it whole on reload."""

from __future__ import annotations

import datetime as dt
import logging

from bot.actions import Action, Kind
from bot.bundle import Bundle, ContentInvalid, load_bundle
from bot.config import Config
from bot.render.telegram import Message, render
from bot.reply import Reply
from bot.respond import respond

log = logging.getLogger(__name__)
MAX_RENDERED = 4096


class BundleHolder:
    """The one place the live Bundle is kept; replaced atomically, never mutated."""

    def __init__(self, config: Config, bundle: Bundle) -> None:
        self._config = config
        self.current = bundle
        self._rendered: dict[Action, tuple[Reply, list[Message]]] = {}
        self._day: dt.date | None = None

    def answer(self, action: Action, today: dt.date) -> tuple[Reply, list[Message]]:
        """The Reply and its Telegram messages, rendered once per day and content version.

        Only button and command answers are kept (a bounded set: languages × screens); typed
        text is never a key, so nothing a person writes stays in memory.
        """
        bundle = self.current
        if action.kind is Kind.SEARCH:
            reply = respond(bundle, action, today)
            return reply, render(reply)
        if today != self._day:
            self._rendered, self._day = {}, today
        hit = self._rendered.get(action)
        if hit is None:
            if len(self._rendered) >= MAX_RENDERED:  # forged buttons cannot grow it without bound
                self._rendered.clear()
            reply = respond(bundle, action, today)
            hit = self._rendered[action] = (reply, render(reply, reused=True))
        return hit

    def reload(self) -> bool:
        """Load and validate afresh; keep serving the old Bundle when the new one is invalid."""
        try:
            fresh = load_bundle(self._config.content_dir, self._config.locales_dir,
                                self._config.review_grace_days)
        except ContentInvalid as exc:
            log.error("reload refused, still serving the previous content:\n%s", exc)
            return False
        self.current, self._rendered = fresh, {}
        log.info("content reloaded: %d topics, %d languages",
                 len(fresh.library.topics), len(fresh.library.languages))
        return True
