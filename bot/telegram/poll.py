"""Long polling that asks for no more updates than it can hold and confirms only handled ones.

Telegram confirms every update below the ``offset`` of the next getUpdates, so the offset
never passes an update still in hand or handed back: it is the lowest such id. Updates that
come again while in hand, or after they were answered, are skipped by the Intake.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging

from telegram import Bot, Update
from telegram.error import InvalidToken, RetryAfter, TelegramError

from bot.telegram.delivery import retry_seconds
from bot.telegram.intake import Intake, Verdict

log = logging.getLogger(__name__)
POLL_TIMEOUT = 20
MAX_LIMIT = 100  # getUpdates returns at most 100
MAX_BACKOFF = 10.0
REFETCH_SECONDS = 0.25  # with an update in hand getUpdates returns at once: ask this often


class Poller:
    """getUpdates in a loop, feeding an Intake."""

    def __init__(self, bot: Bot, intake: Intake, allowed_updates: list[str]) -> None:
        self._bot = bot
        self._intake = intake
        self._allowed = allowed_updates
        self._tasks: dict[int, asyncio.Task[Verdict]] = {}
        self._unsettled: set[int] = set()  # fetched, not yet answered: in hand or handed back
        self._next = 0  # one past the highest id fetched

    @property
    def offset(self) -> int:
        """What to confirm: everything below the lowest unsettled id."""
        return min(self._unsettled) if self._unsettled else self._next

    async def run(self, stop: asyncio.Event) -> None:
        """Fetch and hand out updates until ``stop`` is set."""
        backoff = 1.0
        while not stop.is_set():
            if self._intake.free == 0:
                await self._wait_any(stop)
                continue
            try:
                updates = await self._fetch(stop)
            except InvalidToken:
                raise
            except TelegramError as exc:
                wait = retry_seconds(exc) if isinstance(exc, RetryAfter) else backoff
                log.warning("getUpdates failed (%s); again in %.0f s", type(exc).__name__, wait)
                backoff = min(backoff * 2, MAX_BACKOFF)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), wait)
                continue
            backoff = 1.0
            if updates is None:
                continue
            started = self._start(updates)
            del updates  # the tasks hold the updates while they run; this loop must not after
            if not started and self._tasks:
                # only copies of updates in hand came back: wait a little for one to finish
                await self._wait_any(stop, REFETCH_SECONDS)

    async def _fetch(self, stop: asyncio.Event) -> list[Update] | None:
        """One getUpdates, abandoned (None) when ``stop`` is set first."""
        # copies of the updates in hand come back first (they are not confirmed): room for them
        # plus the free slots is exactly what this replica can hold
        limit = min(MAX_LIMIT, self._intake.held + self._intake.free)
        timeout = 0 if self._unsettled else POLL_TIMEOUT
        call = asyncio.ensure_future(self._bot.get_updates(
            offset=self.offset, limit=limit, timeout=timeout, allowed_updates=self._allowed))
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait({call, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if not call.done():
            call.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await call
            return None
        return list(call.result())

    def _start(self, updates: list[Update]) -> bool:
        """Start the updates not already in hand or answered; True if any started."""
        started = False
        for update in updates:
            uid = update.update_id
            self._next = max(self._next, uid + 1)
            if uid in self._tasks or (self._intake.seen(uid) and uid not in self._unsettled):
                continue
            self._unsettled.add(uid)
            task = asyncio.ensure_future(self._intake.submit(update))
            task.add_done_callback(functools.partial(self._settle, uid))
            self._tasks[uid] = task
            started = True
        return started

    def _settle(self, uid: int, task: asyncio.Task[Verdict]) -> None:
        self._tasks.pop(uid, None)
        if not task.cancelled() and task.exception() is None and task.result().acknowledged:
            self._unsettled.discard(uid)

    async def _wait_any(self, stop: asyncio.Event, timeout: float | None = None) -> None:
        """Until one update in hand finishes, ``stop``, or ``timeout`` seconds."""
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait({stopped, *self._tasks.values()}, timeout=timeout,
                           return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()

    async def finish(self, timeout: float) -> None:
        """Let what is in hand finish (at most ``timeout`` s), then confirm what was answered."""
        if self._tasks:
            await asyncio.wait(set(self._tasks.values()), timeout=timeout)
        for task in list(self._tasks.values()):
            task.cancel()
        try:
            await self._bot.get_updates(offset=self.offset, limit=1, timeout=0,
                                        allowed_updates=self._allowed)
        except TelegramError as exc:
            log.warning("could not confirm the last updates: %s", type(exc).__name__)
