"""Floods over the webhook, against the fake Bot API on loopback: bounded memory, nothing lost.

- ``flood_section``: ``total`` people write at once. The replica holds at most
  MAX_PENDING_UPDATES and answers 503 beyond (the fake, like Telegram, delivers those again):
  resident memory before, at its peak and after; every update answered exactly once; marks of
  names and texts left in the bot's memory afterwards.
- ``restart_section``: the same, with SIGTERM to the replica when about half is answered and a
  new replica started in its place: every update answered exactly once.

Updates come through the fake's control API from a few threads; every request goes to 127.0.0.1.
"""

from __future__ import annotations

import secrets
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e import TOKEN, BotProcess  # noqa: E402
from tests.fake_telegram.client import FakeTelegram  # noqa: E402
from tests.test_memory_residue import marks, read_memory, rss_bytes, sent_per_chat  # noqa: E402

FAST = {"RATE_LIMIT_PER_SECOND": "0", "LOG_LEVEL": "WARNING"}
FIRST_USER = 8_200_000


class PeakRss:
    """Samples a process's resident memory in a thread; ``peak`` in bytes."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.peak = 0
        self._stop = threading.Event()

        def sample() -> None:
            while not self._stop.wait(every):
                try:
                    self.peak = max(self.peak, rss_bytes(pid))
                except (OSError, AttributeError):
                    return

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def _send_all(tg: FakeTelegram, run: str, total: int, first: int = FIRST_USER) -> None:
    def write(n: int) -> None:
        tg.send_text(first + n, f"police at my door KYRT{run}{n:05d}Z",
                     first_name=f"KYRN{run}{n:05d}Z")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, range(total)))


def _exactly_once(tg: FakeTelegram, total: int) -> tuple[int, int, int]:
    """(chats answered once, answered more than once, not answered)."""
    per_chat = sent_per_chat(tg, "sendMessage")
    once = sum(1 for n in range(total) if per_chat.get(FIRST_USER + n) == 1)
    more = sum(1 for n in range(total) if per_chat.get(FIRST_USER + n, 0) > 1)
    return once, more, total - once - more


def _pending(tg: FakeTelegram) -> int:
    """Updates Telegram still holds for the bot (a cheap call, unlike listing them)."""
    return int(tg.request("GET", f"/bot{TOKEN}/getWebhookInfo")["result"]["pending_update_count"])


def _wait_pending(tg: FakeTelegram, at_most: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _pending(tg) > at_most:
        if time.monotonic() > deadline:
            raise RuntimeError(f"more than {at_most} updates still pending after {timeout:.0f} s")
        time.sleep(0.25)


def _wait_drained(tg: FakeTelegram, timeout: float) -> None:
    _wait_pending(tg, 0, timeout)


def _mb(n: int) -> str:
    return f"{n / (1 << 20):.1f} MB"


def flood_section(total: int, allocator: str = "") -> list[str]:
    """``total`` updates at once over the webhook; memory, exactly-once and leftovers.

    ``allocator``: a PYTHONMALLOC value to run the bot with instead of its own choice.
    """
    run = secrets.token_hex(3)
    env = {**FAST, "PYTHONMALLOC": allocator} if allocator else FAST
    with tempfile.TemporaryDirectory() as tmp, FakeTelegram.start(TOKEN) as tg:
        bot = BotProcess(tg, Path(tmp) / "bot.log", webhook=True, extra_env=env)
        try:
            bot.wait_ready(tg, webhook=True)
            time.sleep(1.5)
            before = rss_bytes(bot.proc.pid)
            peak = PeakRss(bot.proc.pid)
            began = time.monotonic()
            _send_all(tg, run, total)
            steps = []
            for left_over in (3 * total // 4, total // 2, total // 4, 0):
                _wait_pending(tg, left_over, 60 + total / 20)
                steps.append(rss_bytes(bot.proc.pid))
            took = time.monotonic() - began
            top = peak.stop()
            time.sleep(2.5)  # idle: the bot scrubs within about a second
            after = rss_bytes(bot.proc.pid)
            left, _ = read_memory(bot.proc.pid, marks(run))
            stats = tg.webhook_stats()
            refused = sum(1 for d in tg.deliveries() if d["status"] == 503)
            once, more, lost = _exactly_once(tg, total)
        finally:
            bot.stop()
    return [
        f"Flood over the webhook ({total:,} updates at once, MAX_PENDING_UPDATES 64, "
        "rate limit off, " + (f"PYTHONMALLOC={allocator} set by hand" if allocator else
                              "the bot's own allocator settings") + "):",
        f"  answered in {took:.1f} s ({total / took:.0f}/s); exactly once {once:,}, twice or more "
        f"{more}, never {lost}; {refused:,} deliveries answered 503 and delivered again; at most "
        f"{stats['most_in_flight']} deliveries in flight",
        f"  resident memory: {_mb(before)} idle before, {_mb(top)} at the peak, {_mb(after)} idle "
        f"after ({(after - before) / (1 << 20):+.1f} MB); with a quarter, half, three quarters "
        f"and all answered: {', '.join(_mb(n) for n in steps)}",
        f"  marks left in the bot's memory after it went idle: {len(left)} of {2 * total:,} "
        "(names and texts)",
    ]


def restart_section(total: int) -> list[str]:
    """SIGTERM in the middle of a flood, a new replica in its place; exactly once for each."""
    run = secrets.token_hex(3)
    with tempfile.TemporaryDirectory() as tmp, FakeTelegram.start(TOKEN) as tg:
        first = BotProcess(tg, Path(tmp) / "bot1.log", webhook=True, extra_env=FAST)
        second = None
        try:
            first.wait_ready(tg, webhook=True)
            began = time.monotonic()
            _send_all(tg, run, total)
            _wait_pending(tg, total // 2, 60 + total / 20)
            stopping = time.monotonic()
            first.proc.send_signal(signal.SIGTERM)
            first.proc.wait(timeout=30)
            stopped = time.monotonic() - stopping
            first.handle.close()
            answered_by_first = len(sent_per_chat(tg, "sendMessage"))
            second = BotProcess(tg, Path(tmp) / "bot2.log", webhook=True, extra_env=FAST)
            second.wait_ready(tg, webhook=True)
            _wait_drained(tg, 60 + total / 20)
            took = time.monotonic() - began
            once, more, lost = _exactly_once(tg, total)
            tracebacks = sum("Traceback" in p.read_text() for p in Path(tmp).glob("*.log"))
        finally:
            first.stop()
            if second is not None:
                second.stop()
    return [
        f"Restart in the middle of a flood ({total:,} updates over the webhook; SIGTERM when "
        "half were answered, then a new replica):",
        f"  the first replica answered {answered_by_first:,} and stopped {stopped:.1f} s after "
        f"SIGTERM; all done in {took:.1f} s",
        f"  exactly once {once:,}, twice or more {more}, never {lost}; logs with a traceback: "
        f"{tracebacks}",
    ]


if __name__ == "__main__":
    for line in [*flood_section(int(sys.argv[1]) if len(sys.argv) > 1 else 2000),
                 *restart_section(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)]:
        print(line)
