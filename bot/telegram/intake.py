"""Admission of updates: a bounded number held at once, each answered once, none kept after.

Telegram is the queue. A replica holds at most ``capacity`` updates (running plus waiting for
one of ``concurrency`` slots); beyond that, or once shutting down, it refuses and Telegram
delivers the update again later. An update is acknowledged only after it was handled; one
whose answer could not be sent is handed back. The ids of recent updates (numbers only, a
bounded set) make a replayed update a no-op.
"""

from __future__ import annotations

import asyncio
import enum
from collections import OrderedDict
from typing import Protocol

from telegram import Update

RECENT_IDS = 10_000


class Handles(Protocol):
    """What the intake needs from the Application (``ForgetfulApplication.handle``)."""

    async def handle(self, update: Update) -> bool:
        """Process the update; False when its answer was handed back."""


class Verdict(enum.Enum):
    """What became of a submitted update, and whether Telegram may forget it."""

    DONE = "done"
    DUPLICATE = "duplicate"
    IN_HAND = "already in hand"
    BUSY = "busy"
    CLOSED = "closed"
    HANDED_BACK = "handed back"

    @property
    def acknowledged(self) -> bool:
        """Whether Telegram may consider it delivered."""
        return self in (Verdict.DONE, Verdict.DUPLICATE)


class RecentIds:
    """The last ``size`` update ids seen (integers only), oldest forgotten first."""

    def __init__(self, size: int = RECENT_IDS) -> None:
        self._ids: OrderedDict[int, None] = OrderedDict()
        self._size = size

    def __contains__(self, update_id: int) -> bool:
        return update_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, update_id: int) -> None:
        """Remember one id, forgetting the oldest beyond the bound."""
        self._ids[update_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)


class Intake:
    """Bounded, deduplicated, drainable processing of updates."""

    def __init__(self, app: Handles, capacity: int, concurrency: int) -> None:
        self._app = app
        self.capacity = capacity
        self._slots = asyncio.Semaphore(concurrency)
        self._active: set[int] = set()
        self._done = RecentIds()
        self._idle = asyncio.Event()
        self._idle.set()
        self.closed = False

    @property
    def held(self) -> int:
        """Updates running or waiting for a slot."""
        return len(self._active)

    @property
    def free(self) -> int:
        """How many more updates may be taken now."""
        return 0 if self.closed else max(0, self.capacity - self.held)

    def seen(self, update_id: int) -> bool:
        """Whether this update is in hand or was answered recently."""
        return update_id in self._active or update_id in self._done

    async def submit(self, update: Update) -> Verdict:
        """Process ``update`` if there is room; say what became of it."""
        uid = update.update_id
        if self.closed:
            return Verdict.CLOSED
        if uid in self._active:  # not acknowledged: the first copy may yet be handed back
            return Verdict.IN_HAND
        if uid in self._done:
            return Verdict.DUPLICATE
        if self.held >= self.capacity:
            return Verdict.BUSY
        self._active.add(uid)
        self._idle.clear()
        try:
            async with self._slots:
                handled = await self._app.handle(update)
        finally:
            self._active.discard(uid)
            if not self._active:
                self._idle.set()
        if not handled:
            return Verdict.HANDED_BACK
        self._done.add(uid)
        return Verdict.DONE

    def close(self) -> None:
        """Take nothing more; what is in hand carries on."""
        self.closed = True

    async def drain(self, timeout: float) -> bool:
        """Wait until nothing is in hand, at most ``timeout`` seconds; True if it emptied."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True
