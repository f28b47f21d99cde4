"""Benchmarks: kyr-bot against a bare python-telegram-bot echo bot, measured in the same run.

Then the cost of memory hygiene (bench/allocator.py) and, in the full run only, floods and a
restart mid-flood over the webhook (bench/flood.py). Prints figures and writes nothing else.
``--quick`` (used by `make test`) runs fewer updates and users but computes every ratio, and
compares only the default allocator with the bot's, on the small test content.
Targets: CPU per update at most 1.25x the bare bot; resident
memory growth under 2 MB between 1,000 and 100,000 distinct users.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from allocator import allocator_section  # noqa: E402
from flood import flood_section, restart_section  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import (  # noqa: E402
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from webhook_load import webhook_section  # noqa: E402

from bot.bundle import load_bundle  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.content.loader import load_content  # noqa: E402
from bot.telegram.app import build_application  # noqa: E402
from bot.telegram.holder import BundleHolder  # noqa: E402
from tests.offline import OfflineRequest, callback_update, message_update  # noqa: E402

TOKEN = "123456:" + "B" * 35
Payload = Callable[[int, int], dict[str, Any]]
WORKLOADS: dict[str, Payload] = {
    "/start": lambda n, uid: message_update(n, uid, "/start", "es"),
    "topic page": lambda n, uid: message_update(n, uid, "/door", "es"),
    "button press": lambda n, uid: callback_update(n, uid, "1:es:t:at-home", "es"),
    "search": lambda n, uid: message_update(n, uid, "polisia en mi puerta", "es"),
}


def rss_kb() -> int:
    """Resident set size of this process in KiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def bare_app() -> Application:  # type: ignore[type-arg]
    """The baseline: an echo bot with no logic, on the same offline request."""
    request = OfflineRequest(record=False)
    app = ApplicationBuilder().token(TOKEN).request(request).get_updates_request(request).build()

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message and update.effective_message.text:
            await update.effective_message.reply_text(update.effective_message.text)

    async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is not None:
            await query.answer()
            await query.edit_message_text(query.data or "x")

    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(press))
    return app


def our_app() -> Application:  # type: ignore[type-arg]
    """kyr-bot's Application with the shipped content, on the same offline request."""
    config = Config(token=TOKEN, rate_limit_per_second=0)
    bundle = load_bundle(ROOT / "content", ROOT / "locales")
    return build_application(config, BundleHolder(config, bundle),
                             request=OfflineRequest(record=False))


async def per_update(app: Application, make: Payload, count: int) -> list[float]:  # type: ignore[type-arg]
    """CPU seconds for each of ``count`` updates from distinct users."""
    times = []
    for n in range(count):
        update = Update.de_json(make(n + 1, 1_000_000 + n), app.bot)
        start = time.process_time()
        await app.process_update(update)
        times.append(time.process_time() - start)
    return times


async def calls_per_update(app: Application, make: Payload, count: int = 50) -> float:  # type: ignore[type-arg]
    """Python function calls per update: a noise-free companion to the CPU figures."""
    profile = cProfile.Profile()
    profile.enable()
    await per_update(app, make, count)
    profile.disable()
    return pstats.Stats(profile).total_calls / count  # type: ignore[attr-defined,no-any-return]


async def cpu_section(count: int) -> list[str]:
    """CPU per update and latency percentiles, ours against the bare bot, interleaved."""
    lines = ["CPU per update (process time), kyr-bot vs bare PTB echo bot, same offline request:"]
    ours, bare = our_app(), bare_app()
    async with ours, bare:
        for name, make in WORKLOADS.items():
            await per_update(ours, make, 20)
            await per_update(bare, make, 20)
            o_times: list[float] = []
            b_times: list[float] = []
            for _ in range(5):  # interleave rounds so machine noise hits both sides alike
                o_times += await per_update(ours, make, count // 5)
                b_times += await per_update(bare, make, count // 5)
            o_mean, b_mean = statistics.mean(o_times), statistics.mean(b_times)
            o_sorted = sorted(o_times)
            p50 = o_sorted[len(o_sorted) // 2] * 1e3
            p99 = o_sorted[int(len(o_sorted) * 0.99) - 1] * 1e3
            calls = await calls_per_update(ours, make) / await calls_per_update(bare, make)
            lines.append(f"  {name:13} ours {o_mean * 1e6:7.0f} us  bare {b_mean * 1e6:7.0f} us  "
                         f"ratio {o_mean / b_mean:4.2f}x  (target <= 1.25x)  "
                         f"p50 {p50:.2f} ms  p99 {p99:.2f} ms  calls {calls:4.2f}x")
    return lines


async def memory_section(small: int, large: int) -> list[str]:
    """Resident memory after updates from ``small`` and then ``large`` distinct users."""
    app = our_app()
    async with app:
        await per_update(app, WORKLOADS["/start"], 200)
        gc.collect()
        base = rss_kb()
        await per_update(app, WORKLOADS["/start"], small)
        gc.collect()
        at_small = rss_kb()
        await per_update(app, WORKLOADS["button press"], large - small)
        gc.collect()
        at_large = rss_kb()
        ids = sum(len(getattr(app, n)) for n in ("_user_ids_to_be_updated_in_persistence",
                                                  "_chat_ids_to_be_updated_in_persistence"))
    growth = (at_large - at_small) / 1024
    return [f"Resident memory: {base / 1024:.1f} MB after warm-up, {at_small / 1024:.1f} MB after "
            f"{small:,} users, {at_large / 1024:.1f} MB after {large:,} users: growth "
            f"{growth:+.2f} MB (target < 2 MB); ids held by PTB: {ids}"]


def cold_start() -> list[str]:
    """Content + catalogs + validation + search index, and memory with all languages loaded."""
    before = rss_kb()
    start = time.perf_counter()
    bundle = load_bundle(ROOT / "content", ROOT / "locales")
    took = time.perf_counter() - start
    return [f"Cold start: {took * 1e3:.0f} ms to load {len(bundle.library.topics)} topics in "
            f"{len(bundle.library.languages)} languages; +{(rss_kb() - before) / 1024:.1f} MB"]


def scaling(factors: list[int]) -> list[str]:
    """Content loading time at 1x, 10x, 100x the topics (copies with new ids)."""
    lines = ["Content loading vs size (should grow linearly):"]
    base_time = None
    for factor in factors:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "content"
            shutil.copytree(ROOT / "content", root)
            topics = sorted((ROOT / "content" / "topics").glob("*.yaml"))
            for k in range(1, factor):
                for path in topics:
                    new_id = f"{path.stem}-x{k}"
                    text = path.read_text(encoding="utf-8").replace(
                        f'id: "{path.stem}"', f'id: "{new_id}"', 1)
                    (root / "topics" / f"{new_id}.yaml").write_text(text, encoding="utf-8")
            start = time.perf_counter()
            loaded = load_content(root)
            took = time.perf_counter() - start
            base_time = base_time or took
            lines.append(f"  {factor:4}x  {len(loaded.docs):6} files  {took * 1e3:8.0f} ms  "
                         f"{took / base_time:6.1f}x the 1x time")
    return lines


def main() -> int:
    """Run every section and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer updates and users")
    args = parser.parse_args()
    count = 200 if args.quick else 2000
    small, large = (1_000, 10_000) if args.quick else (1_000, 100_000)
    print(f"kyr-bot benchmarks ({'quick' if args.quick else 'full'}), Python {sys.version.split()[0]}")
    for line in cold_start():
        print(line)
    for line in asyncio.run(cpu_section(count)):
        print(line)
    for line in asyncio.run(memory_section(small, large)):
        print(line)
    for line in scaling([1, 10] if args.quick else [1, 10, 100]):
        print(line)
    for line in webhook_section(300 if args.quick else 3000):
        print(line)
    sections: list[Callable[[], list[str]]]
    if args.quick:  # the floods' behaviour is tested in `make test`; their figures need `make bench`
        sections = [lambda: allocator_section(200, 1, ["default (pymalloc)", "hygienic"],
                                              ROOT / "tests" / "fixtures" / "content")]
    else:
        sections = [lambda: allocator_section(2000, 3), lambda: flood_section(2000, "pymalloc"),
                    lambda: flood_section(2000), lambda: flood_section(20_000),
                    lambda: restart_section(5000)]
    for section in sections:
        for line in section():
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
