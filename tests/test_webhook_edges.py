"""The webhook server at its edges: split and large bodies, hostile requests, replays, back-pressure.

In process, on loopback, against the offline Bot API (tests/offline.py) and the small content.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
import yaml
from aiohttp import web
from telegram import Update

from bot.bundle import Bundle
from bot.config import ROOT, Config, from_env
from bot.telegram.app import ALLOWED_UPDATES, ForgetfulApplication, build_application
from bot.telegram.holder import BundleHolder
from bot.telegram.intake import Intake, Verdict
from bot.telegram.webhook import SECRET_HEADER, make_web_app
from tests.offline import OfflineRequest, message_update

TOKEN = "123456:" + "W" * 35
SECRET = "s" * 24
MARKER = "ZQXMARKER"


class FlakyRequest(OfflineRequest):
    """The offline Bot API, with sendMessage failing (502) while ``down`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False

    async def do_request(self, url: str, method: str, request_data: Any = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if self.down and url.endswith("/sendMessage"):
            self.calls.append(("sendMessage", {"failed": True}))
            return 502, b'{"ok":false,"error_code":502,"description":"Bad Gateway"}'
        return await super().do_request(url, method, request_data, *args, **kwargs)


class Server:
    """A webhook replica on a loopback port, its Application and its offline Bot API."""

    def __init__(self, small: Bundle, **settings: Any) -> None:
        self.config = Config(token=TOKEN, rate_limit_per_second=0, webhook_secret=SECRET,
                             send_retry_seconds=0.3, **settings)
        self.request = FlakyRequest()
        self.app = build_application(self.config, BundleHolder(self.config, small),
                                     updater=False, request=self.request)
        assert isinstance(self.app, ForgetfulApplication)
        self.intake = Intake(self.app, self.config.max_pending_updates,
                             self.config.concurrent_updates)
        self.runner = web.AppRunner(make_web_app(
            self.app, SECRET, self.config.max_body_bytes, None, self.intake,
            self.config.webhook_path), access_log=None)
        self.port = 0

    async def start(self) -> None:
        await self.app.initialize()
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = self.runner.addresses[0][1]

    async def stop(self) -> None:
        await self.runner.cleanup()
        await self.app.shutdown()

    def sent(self) -> int:
        return sum(1 for m, p in self.request.calls if m == "sendMessage" and "failed" not in p)

    async def raw(self, *chunks: bytes, pause: float = 0.1) -> tuple[int, bytes]:
        """Write ``chunks`` on one connection with pauses; the status and body of the answer."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        for chunk in chunks:
            writer.write(chunk)
            await writer.drain()
            await asyncio.sleep(pause)
        answer = await asyncio.wait_for(reader.read(), 10)
        writer.close()
        head, _, body = answer.partition(b"\r\n\r\n")
        return int(head.split()[1]), body

    async def post(self, body: bytes, path: str = "/telegram") -> tuple[int, bytes]:
        head = (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"{SECRET_HEADER}: {SECRET}\r\nContent-Length: {len(body)}\r\n"
                "Connection: close\r\n\r\n").encode()
        return await self.raw(head + body, pause=0)


@pytest_asyncio.fixture
async def server(small: Bundle) -> AsyncIterator[Server]:
    s = Server(small)
    await s.start()
    yield s
    await s.stop()


def update(n: int, text: str = "/start", **extra: Any) -> bytes:
    return json.dumps({**message_update(n, 7000 + n, text), **extra}).encode()


async def test_a_body_in_two_tcp_writes_is_answered(server: Server) -> None:
    body = update(1)
    head = (f"POST /telegram HTTP/1.1\r\nHost: x\r\n{SECRET_HEADER}: {SECRET}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    status, _ = await server.raw(head + body[:40], body[40:], pause=0.2)
    assert status == 200 and server.sent() == 1


async def test_a_large_valid_update_is_read_whole_and_a_larger_one_refused(server: Server) -> None:
    assert (await server.post(update(2, padding="p" * 600_000)))[0] == 200
    assert server.sent() == 1
    assert (await server.post(update(3, padding="p" * (1 << 20))))[0] == 413
    assert server.sent() == 1


async def test_deep_nesting_is_a_400_without_a_traceback(
        server: Server, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    deep = b'{"update_id": 5, "message": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    assert (await server.post(deep))[0] == 400
    assert (await server.post(b'{"update_id": 6, "message": {"x": ' * 5000 + b"1" + b"}}" * 5000
                              ))[0] == 400
    assert "Traceback" not in caplog.text and not [r for r in caplog.records
                                                   if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("request_bytes", [
    f"GET /telegram HTTP/1.1\r\nHost: x\r\nX-{MARKER}: \x00{MARKER}\r\n\r\n",
    f"POST /telegram HTTP/9.{MARKER}\r\n\r\n",
    f"{MARKER} /{MARKER} HTTP/1.1\r\n\r\n",
    f"POST /telegram HTTP/1.1\r\nContent-Length: {MARKER}\r\n\r\n{MARKER}",
    f"POST /telegram HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz{MARKER}\r\n",
])
async def test_malformed_requests_leave_nothing_in_any_log(
        server: Server, caplog: pytest.LogCaptureFixture, request_bytes: str) -> None:
    caplog.set_level(logging.DEBUG)
    status, _ = await server.raw(request_bytes.encode())
    assert 400 <= status < 500
    assert MARKER not in caplog.text
    assert not any(MARKER in str(r.args) or MARKER in str(r.msg) for r in caplog.records)


async def test_a_replayed_update_is_answered_once(server: Server) -> None:
    for _ in range(3):
        assert (await server.post(update(9)))[0] == 200
    assert server.sent() == 1


async def test_an_answer_that_could_not_be_sent_is_handed_back(server: Server) -> None:
    server.request.down = True
    status, _ = await server.post(update(10))
    assert status == 503 and server.sent() == 0  # Telegram will deliver it again
    server.request.down = False
    assert (await server.post(update(10)))[0] == 200  # the redelivery
    assert (await server.post(update(10)))[0] == 200  # a replay after that
    assert server.sent() == 1


async def test_the_path_served_is_the_path_of_webhook_url(small: Bundle) -> None:
    s = Server(small, webhook_url="https://bot.example.org/hooks/kyr")
    await s.start()
    try:
        assert (await s.post(update(11), path="/hooks/kyr"))[0] == 200
        assert (await s.post(update(12), path="/telegram"))[0] == 404
        assert s.sent() == 1
    finally:
        await s.stop()


class Blocking:
    """A stand-in Application whose updates finish when ``release`` is set."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.handled: list[int] = []
        self.fail = False

    async def handle(self, update: Update) -> bool:
        await self.release.wait()
        self.handled.append(update.update_id)
        return not self.fail


def bare(n: int) -> Update:
    return Update(n)


async def test_the_intake_holds_at_most_its_capacity_and_drains() -> None:
    app = Blocking()
    intake = Intake(app, capacity=2, concurrency=1)
    first = [asyncio.ensure_future(intake.submit(bare(n))) for n in (1, 2)]
    await asyncio.sleep(0)
    assert (intake.held, intake.free) == (2, 0)
    assert await intake.submit(bare(3)) is Verdict.BUSY
    assert await intake.submit(bare(1)) is Verdict.IN_HAND
    app.release.set()
    assert [await t for t in first] == [Verdict.DONE, Verdict.DONE]
    assert await intake.submit(bare(1)) is Verdict.DUPLICATE
    intake.close()
    assert await intake.submit(bare(4)) is Verdict.CLOSED
    assert await intake.drain(0.1) and app.handled == [1, 2]


async def test_a_full_replica_answers_503_before_reading(small: Bundle) -> None:
    s = Server(small, max_pending_updates=1)
    await s.start()
    blocker = Blocking()
    s.intake._app = blocker  # the one slot stays taken until released
    try:
        held = asyncio.ensure_future(s.post(update(20)))
        async with asyncio.timeout(5):
            while s.intake.held < 1:  # until the first update has the slot
                await asyncio.sleep(0.01)
        status, _ = await s.post(update(21))
        assert status == 503
        blocker.release.set()
        assert (await held)[0] == 200
    finally:
        await s.stop()


def test_channel_posts_are_not_even_asked_for() -> None:
    assert "channel_post" not in ALLOWED_UPDATES and "edited_channel_post" not in ALLOWED_UPDATES



def test_the_kubernetes_manifest_agrees_with_the_bounds() -> None:
    docs = [d for d in yaml.safe_load_all((ROOT / "deploy" / "kubernetes.yaml").read_text()) if d]
    [deployment] = [d for d in docs if d["kind"] == "Deployment"]
    [job] = [d for d in docs if d["kind"] == "Job"]
    pod = deployment["spec"]["template"]["spec"]
    env = from_env({e["name"]: e["value"] for e in pod["containers"][0]["env"] if "value" in e})
    job_env = from_env({e["name"]: e["value"] for e in
                        job["spec"]["template"]["spec"]["containers"][0]["env"] if "value" in e})
    assert env.webhook_path == job_env.webhook_path  # replicas serve the path set-webhook registers
    assert job_env.max_connections == env.max_pending_updates
    # SIGTERM: finish what is in hand, then close; the kill comes only after that
    assert pod["terminationGracePeriodSeconds"] >= env.shutdown_seconds + 5
    assert env.send_retry_seconds < pod["terminationGracePeriodSeconds"]
