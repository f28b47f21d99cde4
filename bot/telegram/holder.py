"""Holds the current Bundle and swaps it whole on reload."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from bot.actions import Action, Kind
from bot.bundle import Bundle, ContentInvalid, load_bundle
from bot.config import Config
from bot.render.telegram import RenderedMessage, render
from bot.reply import Reply
from bot.respond import respond

log = logging.getLogger(__name__)
MAX_RENDERED = 4096


class BundleHolder:
    """The one place the live Bundle is kept; replaced atomically, never mutated."""

    def __init__(self, config: Config, bundle: Bundle) -> None:
        self._config = config
        self.current = bundle
        self._rendered: dict[Action, tuple[Reply, list[RenderedMessage]]] = {}
        self._day: dt.date | None = None
        self._reloading = False

    def answer(self, action: Action, today: dt.date) -> tuple[Reply, list[RenderedMessage]]:
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
        return self._swap(self._load())

    async def reload_off_loop(self) -> bool:
        """``reload`` in a worker thread, so answers and /healthz keep flowing; one at a time."""
        if self._reloading:
            log.warning("reload already running; this signal is ignored")
            return False
        self._reloading = True
        try:
            return self._swap(await asyncio.to_thread(self._load))
        finally:
            self._reloading = False

    def _load(self) -> Bundle | None:
        """A fresh Bundle, or None (logged) on any failure, running out of memory included."""
        try:
            return load_bundle(self._config.content_dir, self._config.locales_dir,
                               self._config.review_grace_days,
                               serve_machine=self._config.serve_machine_translations)
        except ContentInvalid as exc:
            log.error("reload refused, still serving the previous content:\n%s", exc)
        except (MemoryError, RecursionError, Exception) as exc:
            log.error("reload refused (%s), still serving the previous content",
                      type(exc).__name__)
        return None

    def _swap(self, fresh: Bundle | None) -> bool:
        if fresh is None:
            return False
        self.current, self._rendered = fresh, {}
        log.info("content reloaded: %d topics, %d languages",
                 len(fresh.library.topics), len(fresh.library.languages))
        return True
