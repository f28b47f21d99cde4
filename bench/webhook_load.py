"""Webhook throughput over HTTP on loopback: kyr-bot's webhook server against a bare aiohttp one.

Both servers get the same POSTs (real update JSON, correct secret) from an aiohttp client with a
bounded number of requests and a fixed concurrency; every request goes to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from aiohttp import ClientSession, ClientTimeout, web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e import TOKEN, free_port, port_open  # noqa: E402
from tests.fake_telegram.client import FakeTelegram  # noqa: E402
from tests.offline import message_update  # noqa: E402

SECRET = "bench-secret-" + "y" * 20


async def _load(url: str, total: int, concurrency: int) -> tuple[float, list[float]]:
    """POST ``total`` updates with ``concurrency`` in flight; (seconds, latencies)."""
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(total):
        queue.put_nowait(n)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}

    async def worker(session: ClientSession) -> None:
        while not queue.empty():
            n = queue.get_nowait()
            body = json.dumps(message_update(10_000_000 + n, 900_000 + n, "/start", "es"))
            start = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"HTTP {response.status}")
            latencies.append(time.perf_counter() - start)

    began = time.perf_counter()
    async with ClientSession(timeout=ClientTimeout(total=30)) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    return time.perf_counter() - began, sorted(latencies)


async def _bare_server(port: int) -> web.AppRunner:
    async def ok(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/telegram", ok)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


def _wait_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the bot exited")
        if port_open(port):
            return
        time.sleep(0.1)
    raise RuntimeError("the bot did not start")


def webhook_section(total: int, concurrency: int = 16) -> list[str]:
    """Requests per second and latency, ours and a bare aiohttp server, same client."""
    lines = [f"Webhook throughput over HTTP ({total} POSTs, {concurrency} in flight, loopback):"]
    with FakeTelegram.start(TOKEN) as tg:
        port = free_port()
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": tg.url,
               "WEBHOOK_SECRET": SECRET, "PORT": str(port), "LOG_LEVEL": "WARNING",
               "RATE_LIMIT_PER_SECOND": "0"}
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--webhook"], cwd=ROOT,
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_port(port, proc)
            ours, ours_lat = asyncio.run(_load(f"http://127.0.0.1:{port}/telegram", total,
                                               concurrency))
        finally:
            proc.terminate()
            proc.wait(timeout=15)

    async def bare() -> tuple[float, list[float]]:
        bare_port = free_port()
        runner = await _bare_server(bare_port)
        try:
            return await _load(f"http://127.0.0.1:{bare_port}/telegram", total, concurrency)
        finally:
            await runner.cleanup()

    base, base_lat = asyncio.run(bare())
    for name, took, lat in (("kyr-bot", ours, ours_lat), ("bare aiohttp", base, base_lat)):
        lines.append(f"  {name:13} {total / took:8.0f} req/s  p50 {lat[len(lat) // 2] * 1e3:6.2f} ms"
                     f"  p99 {lat[int(len(lat) * 0.99) - 1] * 1e3:6.2f} ms")
    lines.append(f"  ratio: kyr-bot takes {ours / base:.1f}x the bare server's time: it parses "
                 "each update and answers it, calling the Bot API, in the same process")
    return lines


if __name__ == "__main__":
    for line in webhook_section(int(sys.argv[1]) if len(sys.argv) > 1 else 2000):
        print(line)
