"""Three webhook replicas behind nginx (deploy/nginx.conf): one conversation across all of them.

Debian's nginx comes from `make system-deps`. The shipped configuration is run as is, with only
its replica ports, its listen address and its TLS lines swapped for loopback ones. Telegram is the
fake Bot API server; `python -m bot set-webhook` registers nginx's address once, and the replicas
never call setWebhook themselves.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.bundle import Bundle
from bot.config import ROOT
from tests.e2e import TOKEN, BotProcess, buttons, data_for, free_port, port_open, terminate
from tests.fake_telegram.client import FakeTelegram

pytestmark = pytest.mark.e2e
REPLICAS = 3
SHIPPED = ROOT / "deploy" / "nginx.conf"
UPSTREAM_LINE = re.compile(r"^(\s*server )127\.0\.0\.1:\d+(.*;)$")
CHAT = 4100


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        pytest.fail("nginx is not installed: run `make system-deps` (make test does)")
    return found


def loopback_site(listen: int, replicas: list[int]) -> str:
    """deploy/nginx.conf with the replica ports, the listen address and TLS made local."""
    out: list[str] = []
    ports = iter(replicas)
    listened = False
    for line in SHIPPED.read_text().splitlines():
        stripped = line.strip()
        upstream = UPSTREAM_LINE.match(line)
        if upstream:
            out.append(f"{upstream[1]}127.0.0.1:{next(ports)}{upstream[2]}")
        elif stripped.startswith("listen "):
            if not listened:
                out.append(f"    listen 127.0.0.1:{listen};")
            listened = True
        elif not stripped.startswith("ssl_"):
            out.append(line)
    assert next(ports, None) is None, "deploy/nginx.conf no longer lists three replica ports"
    assert listened, "deploy/nginx.conf has no listen line"
    return "\n".join(out) + "\n"


def main_config(tmp: Path, site: Path) -> str:
    """A whole nginx.conf: foreground, one worker (one round-robin state), everything in ``tmp``."""
    temps = "\n".join(f"    {kind}_temp_path {tmp / kind};"
                      for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""daemon off;
worker_processes 1;
pid {tmp / "nginx.pid"};
error_log {tmp / "error.log"} info;
events {{ worker_connections 64; }}
http {{
{temps}
    access_log {tmp / "access.log"};
    include {site};
}}
"""


class Nginx:
    """nginx in the foreground on a free loopback port."""

    def __init__(self, tmp: Path, replicas: list[int]) -> None:
        self.tmp = tmp
        self.port = free_port()
        site = tmp / "kyr-bot.conf"
        site.write_text(loopback_site(self.port, replicas))
        conf = tmp / "nginx.conf"
        conf.write_text(main_config(tmp, site))
        binary = nginx_binary()
        check = subprocess.run([binary, "-t", "-p", str(tmp), "-c", str(conf), "-e",
                                str(tmp / "error.log")], capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stderr
        self.proc = subprocess.Popen([binary, "-p", str(tmp), "-c", str(conf), "-e",
                                      str(tmp / "error.log")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.logs()
            if port_open(self.port):
                return
            time.sleep(0.05)
        raise AssertionError("nginx did not start:\n" + self.logs())

    @property
    def url(self) -> str:
        """The address Telegram is told to call."""
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> str:
        """Everything nginx wrote to its logs."""
        return "".join(p.read_text(errors="replace") for p in sorted(self.tmp.glob("*.log")))

    def stop(self) -> None:
        """Fast shutdown and wait."""
        terminate(self.proc, timeout=10)


@dataclass
class Stack:
    tg: FakeTelegram
    replicas: list[BotProcess]
    nginx: Nginx


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("replicas")
    (tmp / "nginx").mkdir()
    with FakeTelegram.start(TOKEN) as tg:
        replicas: list[BotProcess] = []
        nginx: Nginx | None = None
        try:
            for n in range(REPLICAS):
                replicas.append(BotProcess(tg, tmp / f"replica{n}.log", webhook=True, register=False,
                                           extra_env={"METRICS": "1"}))
            for replica in replicas:
                replica.wait_ready(tg, webhook=True)
            nginx = Nginx(tmp / "nginx", [r.port for r in replicas])
            env = {**replicas[0].env, "WEBHOOK_URL": nginx.url + "/telegram"}
            subprocess.run([sys.executable, "-m", "bot", "set-webhook"], cwd=ROOT, env=env,
                           check=True, capture_output=True, timeout=60)
            yield Stack(tg, replicas, nginx)
        finally:
            if nginx is not None:
                nginx.stop()
            for replica in replicas:
                replica.stop()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as err:
        with err:
            return int(err.code), ""


def post(url: str, body: bytes, secret: str) -> int:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"X-Telegram-Bot-Api-Secret-Token": secret,
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        with err:
            return int(err.code)


def answers(replica: BotProcess) -> Counter[str]:
    """The replica's own counters, straight from its port (nginx does not expose /metrics)."""
    status, text = get(f"http://127.0.0.1:{replica.port}/metrics")
    assert status == 200
    counts: Counter[str] = Counter()
    for line in text.splitlines():
        if not line.startswith("#"):
            series, value = line.rsplit(" ", 1)
            counts[series] += int(value)
    return counts


def tap(tg: FakeTelegram, message: dict[str, Any], data: str,
        done: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """Press the button with ``data``, as a person whose Telegram is in English; wait for the change."""
    before = {m["message_id"]: m.get("text") for m in tg.bot_messages(CHAT)}
    tg.press(CHAT, message["message_id"], data_for(message, data), language_code="en")

    def changed() -> dict[str, Any] | None:
        for m in reversed(tg.bot_messages(CHAT)):
            if before.get(m["message_id"]) != m.get("text") and done(m):
                return m
        return None
    return tg.wait_for(changed, 15, chat_id=CHAT, what=f"the answer to {data}")


def says(needle: str) -> Callable[[dict[str, Any]], bool]:
    return lambda m: needle in (m.get("text") or "")


def test_one_conversation_across_three_replicas(stack: Stack, bundle: Bundle) -> None:
    tg, es = stack.tg, bundle.strings("es")
    menu_es = es("Know your rights. What is happening now?")
    door = bundle.library.page("es", "at-home")
    assert door is not None and door.more
    pages = -(-len(bundle.library.regions) // 20)
    states = es("Choose your state or territory ({page} of {pages}):", page=1, pages=pages)
    illinois = es("Hotlines for {state}", state=bundle.library.region_name("es", "IL"))

    tg.send_text(CHAT, "/start", language_code="en", first_name="MARKERFIRST")
    msg = tg.wait_for(lambda: [m for m in tg.bot_messages(CHAT)
                               if "Know your rights. What is happening now?" in m["text"]],
                      15, chat_id=CHAT, what="the English menu")[-1]
    msg = tap(tg, msg, "1:en:l", says("Choose your language:"))
    msg = tap(tg, msg, "1:es:m", says(menu_es))
    msg = tap(tg, msg, "1:es:h", says(es("National hotlines")))
    msg = tap(tg, msg, "1:es:s:0", says(states))
    msg = tap(tg, msg, "1:es:r:IL", says(illinois))
    assert "ICIRR" in msg["text"]
    msg = tap(tg, msg, "1:es:m", says(menu_es))
    msg = tap(tg, msg, "1:es:t:at-home", says(door.title + "\n"))
    msg = tap(tg, msg, "1:es:x:at-home",
              lambda m: ("⬅ " + door.title, "1:es:t:at-home") in buttons(m))
    assert all(data.startswith("1:es:") for _, data in buttons(msg))

    per_replica = [answers(r) for r in stack.replicas]
    assert all(sum(c.values()) > 0 for c in per_replica), per_replica  # every replica answered
    total = sum(per_replica, Counter())
    assert total == Counter({
        'kyr_bot_answers_total{screen="menu",lang="en"}': 1,
        'kyr_bot_answers_total{screen="languages",lang="en"}': 1,
        'kyr_bot_answers_total{screen="menu",lang="es"}': 2,
        'kyr_bot_answers_total{screen="hotlines",lang="es"}': 1,
        'kyr_bot_answers_total{screen="states",lang="es"}': 1,
        'kyr_bot_answers_total{screen="region",lang="es"}': 1,
        'kyr_bot_answers_total{screen="topic",topic="at-home",lang="es"}': 1,
        'kyr_bot_answers_total{screen="more",topic="at-home",lang="es"}': 1,
    })  # each update answered exactly once, none lost, none twice
    for replica in stack.replicas:
        assert "update accepted" in replica.log.read_text(errors="replace")

    hook = stack.nginx.url + "/telegram"
    assert [c["params"]["url"] for c in tg.calls("setWebhook")] == [hook]  # set-webhook only
    assert tg.calls("deleteWebhook") == []
    deliveries = tg.deliveries()
    assert len(deliveries) == 9 and all(d["url"] == hook and d["status"] == 200 for d in deliveries)


def test_nginx_passes_updates_and_health_only(stack: Stack) -> None:
    url, secret = stack.nginx.url, stack.replicas[0].secret
    assert get(url + "/healthz") == (200, "ok")
    assert get(url + "/metrics")[0] == 404  # the counters stay on the replicas' own ports
    assert get(f"http://127.0.0.1:{stack.replicas[0].port}/metrics")[0] == 200
    assert get(url + "/telegram")[0] == 403
    assert post(url + "/telegram", b'{"update_id": 1}', "wrong") == 403  # the replica's check
    assert post(url + "/telegram", b"{" + b" " * (2 << 20) + b"}", secret) == 413  # nginx's limit


def test_logs_hold_no_secret_token_or_user_data(stack: Stack) -> None:
    """Runs last: everything above went through nginx (error log at info) and the replicas (DEBUG)."""
    assert (stack.nginx.tmp / "access.log").read_text() == ""  # access_log off in deploy/nginx.conf
    texts = [stack.nginx.logs()] + [r.log.read_text(errors="replace") for r in stack.replicas]
    secret = stack.replicas[0].secret
    for text in texts:
        for leak in (secret, TOKEN, TOKEN.split(":")[1], "MARKERFIRST", str(CHAT)):
            assert leak not in text
