"""Command line: ``python -m tests.fake_telegram --port N --token TOKEN``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from aiohttp import web

from .server import FakeBotApi, create_app


async def serve(host: str, port: int, token: str, username: str) -> None:
    """Serve until SIGTERM or SIGINT; print ``READY <port>`` once listening."""
    app = create_app(FakeBotApi(token, username))
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0, handler_cancellation=True)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    print(f"READY {runner.addresses[0][1]}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and run the server."""
    parser = argparse.ArgumentParser(prog="python -m tests.fake_telegram", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", required=True, help="the only token accepted")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--username", default="kyr_test_bot", help="the bot's username")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="fake_telegram %(levelname)s %(message)s")
    asyncio.run(serve(args.host, args.port, args.token, args.username))


if __name__ == "__main__":
    main()
