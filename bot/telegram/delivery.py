"""Bot API calls that wait out ``retry_after`` and retry network faults, for a bounded time.

When a reply still cannot be sent, the update is *handed back*: the webhook answers non-2xx
and polling does not confirm it, so Telegram delivers it again later. Whether that happened is
kept per update in a context variable that ``ForgetfulApplication.handle`` reads.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)
FIRST_BACKOFF = 0.5
MAX_BACKOFF = 4.0
NOT_RETRIED = frozenset({"getUpdates"})  # the polling loop has its own back-off


@dataclass
class Outcome:
    """What became of one update's answer."""

    handed_back: bool = False


_OUTCOME: ContextVar[Outcome | None] = ContextVar("kyr_outcome", default=None)


def begin() -> Outcome:
    """A fresh Outcome for the update processed in the current task."""
    outcome = Outcome()
    _OUTCOME.set(outcome)
    return outcome


def hand_back() -> None:
    """The answer could not be sent for a passing reason: let Telegram deliver it again."""
    outcome = _OUTCOME.get()
    if outcome is not None:
        outcome.handed_back = True


def retryable(error: TelegramError) -> bool:
    """RetryAfter, timeouts and network faults pass; a refusal (400, 403) will not."""
    return isinstance(error, RetryAfter) or (
        isinstance(error, NetworkError) and not isinstance(error, BadRequest))


class PatientRateLimiter(AIORateLimiter):
    """PTB's per-process rate limiter, plus waiting out 429s and retrying network faults.

    Each call is retried until ``budget`` seconds have passed: a 429 is waited out for its
    ``retry_after`` (this chat's call only, not the whole process), a timeout or a lost
    connection with exponential back-off. A timed-out send may have arrived: a retry can
    then send it twice, which is better than never.
    """

    def __init__(self, rate: float, budget: float) -> None:
        super().__init__(overall_max_rate=rate, overall_time_period=1, max_retries=0)
        self._budget = budget

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[Any]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[Any]:
        """Run the call; on a passing failure wait and try again while the budget lasts."""
        if endpoint in NOT_RETRIED:
            return await super().process_request(callback, args, kwargs, endpoint, data,
                                                 rate_limit_args)
        loop = asyncio.get_running_loop()
        deadline, backoff = loop.time() + self._budget, FIRST_BACKOFF
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data,
                                                     rate_limit_args)
            except TelegramError as exc:
                if not retryable(exc):
                    raise
                wait = retry_seconds(exc) if isinstance(exc, RetryAfter) else backoff
                if loop.time() + wait > deadline:
                    raise
                log.info("%s failed (%s); retrying in %.1f s", endpoint, type(exc).__name__, wait)
                backoff = min(backoff * 2, MAX_BACKOFF)
            await asyncio.sleep(wait)


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter's wait in seconds (PTB gives an int or a timedelta)."""
    with warnings.catch_warnings():  # PTB 22 warns that the int form will become a timedelta
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return float(value if isinstance(value, int | float) else value.total_seconds())
