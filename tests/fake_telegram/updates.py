"""The update queue: long polling with offsets, and webhook delivery with the secret header."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import re
import time
from typing import TYPE_CHECKING

import aiohttp

from .markup import JSON, ApiError, bad_request

if TYPE_CHECKING:
    from .server import Params

log = logging.getLogger(__name__)

UPDATE_TYPES = frozenset({
    "message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
    "business_message", "edited_business_message", "deleted_business_messages",
    "message_reaction", "message_reaction_count", "inline_query", "chosen_inline_result",
    "callback_query", "shipping_query", "pre_checkout_query", "purchased_paid_media", "poll",
    "poll_answer", "my_chat_member", "chat_member", "chat_join_request", "chat_boost",
    "removed_chat_boost",
})  # fmt: skip
DEFAULT_UPDATES = UPDATE_TYPES - {"chat_member", "message_reaction", "message_reaction_count"}
WEBHOOK_RETRY_DELAY = 0.2  # first wait after a failed delivery; doubles per attempt
WEBHOOK_MAX_RETRY_DELAY = 2.0  # Telegram waits longer; kept short for tests
WEBHOOK_TIMEOUT = 10.0
CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _allowed(update: JSON, allowed: list[str] | None) -> bool:
    """Whether allowed_updates lets the update through (unknown kinds always pass)."""
    kind = next((key for key in update if key != "update_id"), "")
    return kind not in UPDATE_TYPES or kind in (allowed or DEFAULT_UPDATES)


class Updates:
    """Pending updates, served by getUpdates or POSTed to the webhook."""

    def __init__(self) -> None:
        self._next_id = 100_000_001  # never reset: a running poller keeps its offset
        self._changed = asyncio.Event()
        self._poller = 0
        self.session: aiohttp.ClientSession | None = None
        self.reset()

    def reset(self) -> None:
        """Drop pending updates, the webhook and the delivery log."""
        self.pending: list[JSON] = []
        self.deliveries: list[JSON] = []
        self.webhook: JSON | None = None
        self.webhook_error: tuple[int, str] | None = None
        self.allowed: list[str] | None = None
        self.in_flight: set[int] = set()
        self.most_in_flight = 0
        self._attempts: dict[int, int] = {}
        self._next_at: dict[int, float] = {}
        self.wake()

    def wake(self) -> None:
        """Wake long polls and the webhook sender."""
        self._changed.set()
        self._changed = asyncio.Event()

    def enqueue(self, update: JSON) -> int:
        """Queue an update and return its new update_id."""
        update_id = self._next_id
        self._next_id += 1
        self.pending.append({"update_id": update_id, **update})
        self.wake()
        return update_id

    # --- Bot API methods ---------------------------------------------------------------------

    async def get_updates(self, p: Params) -> list[JSON]:
        """Confirm updates below ``offset``, then wait up to ``timeout`` s for any update."""
        if self.webhook is not None:
            raise ApiError(409, CONFLICT_WEBHOOK)
        offset = p.integer("offset", 0) or 0
        limit = min(max(p.integer("limit", 100) or 100, 1), 100)
        timeout = min(max(p.integer("timeout", 0) or 0, 0), 50)
        allowed = p.json("allowed_updates")
        if isinstance(allowed, list):
            self.allowed = allowed
        if offset < 0:
            self.pending = self.pending[offset:]
        else:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        self._poller += 1
        me = self._poller
        self.wake()  # an older getUpdates still waiting ends with 409
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            self.pending = [u for u in self.pending if _allowed(u, self.allowed)]
            remaining = deadline - asyncio.get_running_loop().time()
            if self.pending or remaining <= 0:
                return copy.deepcopy(self.pending[:limit])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
            if me != self._poller:
                raise ApiError(409, CONFLICT_POLL)
            if self.webhook is not None:
                raise ApiError(409, CONFLICT_WEBHOOK)

    async def set_webhook(self, p: Params) -> bool:
        """Set the webhook (http:// allowed, for local tests); an empty url deletes it."""
        url = p.text("url", "") or ""
        if not url:
            return await self.delete_webhook(p)
        if not re.fullmatch(r"https?://[^/\s]+(/\S*)?", url):
            raise bad_request("bad webhook: invalid webhook URL specified")
        secret = p.text("secret_token")
        if secret is not None and not _SECRET.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        if p.flag("drop_pending_updates"):
            self.pending.clear()
        allowed = p.json("allowed_updates")
        if isinstance(allowed, list):
            self.allowed = allowed
        self.webhook = {
            "url": url, "secret_token": secret,
            "max_connections": p.integer("max_connections", 40),
        }  # fmt: skip
        self.webhook_error = None
        self.wake()
        return True

    async def delete_webhook(self, p: Params) -> bool:
        if p.flag("drop_pending_updates"):
            self.pending.clear()
        self.webhook = None
        self.wake()
        return True

    async def get_webhook_info(self, p: Params) -> JSON:
        info: JSON = {"url": "", "has_custom_certificate": False}
        info["pending_update_count"] = len(self.pending)
        if self.webhook is not None:
            info["url"] = self.webhook["url"]
            info["max_connections"] = self.webhook["max_connections"]
            if self.allowed:
                info["allowed_updates"] = self.allowed
        if self.webhook_error is not None:
            info["last_error_date"], info["last_error_message"] = self.webhook_error
        return info

    # --- webhook delivery --------------------------------------------------------------------

    async def deliver_forever(self) -> None:
        """Send pending updates to the webhook, oldest first, never raising.

        Like Telegram: at most ``max_connections`` deliveries at once; an update whose delivery
        failed (no answer, or any status but 2xx) stays pending and is delivered again after a
        growing delay, until it is acknowledged or the webhook is removed.
        """
        tasks: set[asyncio.Task[None]] = set()
        while True:
            changed = self._changed
            try:
                for task in self._launch():
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
            except Exception:
                log.exception("webhook delivery failed unexpectedly")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), self._next_due())

    def _next_due(self) -> float | None:
        """Seconds until a waiting redelivery is due (None: nothing waits)."""
        waiting = [at for uid, at in self._next_at.items() if uid not in self.in_flight]
        if self.webhook is None or not waiting:
            return None
        return max(0.0, min(waiting) - asyncio.get_running_loop().time())

    def _launch(self) -> list[asyncio.Task[None]]:
        """Start deliveries for pending updates that are due, within max_connections."""
        hook = self.webhook
        if hook is None:
            return []
        self.pending = [u for u in self.pending if _allowed(u, self.allowed)]
        now, started = asyncio.get_running_loop().time(), []
        for update in self.pending:
            uid = update["update_id"]
            if len(self.in_flight) >= max(1, int(hook["max_connections"] or 40)):
                break
            if uid in self.in_flight or self._next_at.get(uid, 0.0) > now:
                continue
            self.in_flight.add(uid)
            self.most_in_flight = max(self.most_in_flight, len(self.in_flight))
            started.append(asyncio.create_task(self._deliver(hook, update)))
        return started

    async def _deliver(self, hook: JSON, update: JSON) -> None:
        """One attempt; on success the update is confirmed, else it waits for the next one."""
        uid = update["update_id"]
        attempt = self._attempts.get(uid, 0) + 1
        try:
            status, error = await self._post(hook, update)
        finally:
            self.in_flight.discard(uid)
        self.deliveries.append({
            "update_id": uid, "url": hook["url"], "attempt": attempt,
            "status": status, "error": error, "secret_token": hook["secret_token"],
        })  # fmt: skip
        if error is None:
            self.pending = [u for u in self.pending if u["update_id"] != uid]
            self._attempts.pop(uid, None)
            self._next_at.pop(uid, None)
        else:
            self.webhook_error = (int(time.time()), error)
            self._attempts[uid] = attempt
            delay = min(WEBHOOK_RETRY_DELAY * 2 ** (attempt - 1), WEBHOOK_MAX_RETRY_DELAY)
            self._next_at[uid] = asyncio.get_running_loop().time() + delay
        self.wake()

    async def _post(self, hook: JSON, update: JSON) -> tuple[int | None, str | None]:
        """POST one update; return the HTTP status (None if unreachable) and an error."""
        if self.session is None:
            self.session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=WEBHOOK_TIMEOUT)
            )
        headers = {"Content-Type": "application/json"}
        if hook["secret_token"]:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
        try:
            async with self.session.post(
                hook["url"], data=json.dumps(update), headers=headers
            ) as r:
                await r.read()
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            return None, f"Connection failed: {error.__class__.__name__}: {error}"
        if 200 <= r.status < 300:
            return r.status, None
        return r.status, f"Wrong response from the webhook: {r.status} {r.reason}"

    async def close(self) -> None:
        """Close the HTTP session used for deliveries."""
        if self.session is not None:
            await self.session.close()
