"""Data does not outlive its update: after a flood is answered, the bot's memory holds no names
or texts from it.

The real ``python -m bot run`` (webhook and polling) against tests/fake_telegram gets a flood of
updates whose first names, message texts and button presses carry unique marks; once every
update is answered exactly once, the test reads the bot process's own memory
(``/proc/<pid>/maps`` and ``/proc/<pid>/mem``; the test started the process, so it may) and
counts the marks still there. Without the bot's memory hygiene (bot/memory.py, the webhook
reading bodies without caching them) about one in six of the names stays readable.
"""

from __future__ import annotations

import re
import secrets
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from bot.actions import Action, Kind, encode
from bot.config import ROOT, from_env
from bot.memory import NO_TCACHE, SCRUB_SECONDS, hygienic_env
from tests.e2e import TOKEN, BotProcess
from tests.fake_telegram.client import FakeTelegram

pytestmark = pytest.mark.e2e
FIRST_USER = 7_100_000
TEXT = "police at my door"  # a search: the answer does not repeat what was typed
ALLOWED_LEFT = 5  # marks of all kinds together; 0 were found in every run so far
FAST = {"RATE_LIMIT_PER_SECOND": "0", "LOG_LEVEL": "INFO"}


def read_memory(pid: int, pattern: re.Pattern[bytes]) -> tuple[Counter[bytes], int]:
    """Every match of ``pattern`` in the process's writable memory, and how many bytes were read."""
    found: Counter[bytes] = Counter()
    scanned = 0
    maps = Path(f"/proc/{pid}/maps").read_text().splitlines()
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for line in maps:
            fields = line.split()
            perms, name = fields[1], (fields[5] if len(fields) > 5 else "")
            if not perms.startswith("r") or name in {"[vvar]", "[vsyscall]"}:
                continue
            if name.startswith("/") and "w" not in perms:
                continue  # code and read-only data of files: nothing of a person's
            low, high = (int(x, 16) for x in fields[0].split("-"))
            try:
                mem.seek(low)
                data = mem.read(high - low)
            except OSError:
                continue
            scanned += len(data)
            found.update(m.group(0) for m in pattern.finditer(data))
    return found, scanned


def marks(run: str) -> re.Pattern[bytes]:
    """Marks of this run: N (first name), T (text), P (the presser's first name)."""
    return re.compile(rb"KYR[NTP]" + run.encode() + rb"\d{5}Z")


def mark(kind: str, run: str, n: int) -> str:
    return f"KYR{kind}{run}{n:05d}Z"


def sent_per_chat(tg: FakeTelegram, method: str) -> Counter[int]:
    """Successful calls of ``method`` per chat id."""
    return Counter(int(c["params"]["chat_id"]) for c in tg.calls(method)
                   if c["status"] == 200 and "chat_id" in c["params"])


def flood(tg: FakeTelegram, run: str, count: int, presses: int) -> None:
    """``count`` people each send a marked text; then ``presses`` of them press Menu."""
    def write(n: int) -> None:
        tg.send_text(FIRST_USER + n, f"{TEXT} {mark('T', run, n)}", first_name=mark("N", run, n))

    def press(n: int) -> None:
        [answer] = tg.bot_messages(FIRST_USER + n)
        tg.press(FIRST_USER + n, answer["message_id"], encode(Action("en", Kind.MENU)),
                 first_name=mark("P", run, n))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, range(count)))
        wait_answered(tg, count)
        list(pool.map(press, range(presses)))


def wait_answered(tg: FakeTelegram, count: int) -> None:
    """Until Telegram holds nothing undelivered or unconfirmed and every chat has its answer."""
    tg.wait_for(lambda: not tg.pending_updates(), 120, what="every update answered")
    tg.wait_for(lambda: len(sent_per_chat(tg, "sendMessage")) >= count, 30,
                what=f"{count} chats answered")


def rss_bytes(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) * 1024  # type: ignore[union-attr]


def manifest_memory_limit() -> int:
    docs = [d for d in yaml.safe_load_all((ROOT / "deploy" / "kubernetes.yaml").read_text()) if d]
    [deployment] = [d for d in docs if d["kind"] == "Deployment"]
    limit = deployment["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]
    value = str(limit["memory"])
    assert value.endswith("Mi")
    return int(value[:-2]) * 1024 * 1024


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram.start(TOKEN) as fake:
        yield fake


@pytest.mark.parametrize(("webhook", "count", "presses"), [(True, 1000, 250), (False, 500, 100)],
                         ids=["webhook", "polling"])
def test_names_and_texts_of_answered_updates_are_gone_from_the_bots_memory(
        tg: FakeTelegram, tmp_path: Path, webhook: bool, count: int, presses: int) -> None:
    run = secrets.token_hex(3)
    bot = BotProcess(tg, tmp_path / "bot.log", webhook=webhook, extra_env=FAST)
    try:
        bot.wait_ready(tg, webhook=webhook)
        began = time.monotonic()
        flood(tg, run, count, presses)
        tg.wait_for(lambda: not tg.pending_updates(), 60, what="every press answered")
        assert time.monotonic() - began < 90
        # every update answered exactly once
        assert set(sent_per_chat(tg, "sendMessage").values()) == {1}
        assert len(sent_per_chat(tg, "sendMessage")) == count
        assert len([c for c in tg.calls("answerCallbackQuery") if c["status"] == 200]) == presses
        time.sleep(2 * SCRUB_SECONDS + 0.5)  # the bot is idle now: give it its second to scrub

        left, scanned = read_memory(bot.proc.pid, marks(run))
        alive, _ = read_memory(bot.proc.pid, re.compile(re.escape(TOKEN.encode())))
        assert alive, "the scan cannot see the bot's heap: the token it holds was not found"
        assert scanned > 32 << 20
        kinds = Counter(m[3:4].decode() for m in left)
        assert len(left) <= ALLOWED_LEFT, (
            f"{len(left)} of {2 * count + presses} marks still in the bot's memory "
            f"(names {kinds['N']}, texts {kinds['T']}, pressers {kinds['P']})")
        # a flood leaves the replica well inside the memory the Kubernetes manifest gives it
        assert rss_bytes(bot.proc.pid) < 0.75 * manifest_memory_limit()
    finally:
        bot.stop()
    assert "Traceback" not in bot.log.read_text()
    assert "freed memory is overwritten" in bot.log.read_text()


def test_the_manifests_rate_and_bounds_fit_telegrams_limits() -> None:
    docs = [d for d in yaml.safe_load_all((ROOT / "deploy" / "kubernetes.yaml").read_text()) if d]
    [deployment] = [d for d in docs if d["kind"] == "Deployment"]
    pod = deployment["spec"]["template"]["spec"]
    env = from_env({e["name"]: e["value"] for e in pod["containers"][0]["env"] if "value" in e})
    # all replicas together stay under Telegram's 30 messages a second
    assert env.rate_limit_per_second * deployment["spec"]["replicas"] <= 30
    # a full replica can answer all it holds, at its own rate, before shutdown gives up
    assert env.max_pending_updates / env.rate_limit_per_second <= env.shutdown_seconds
    assert env.shutdown_seconds < pod["terminationGracePeriodSeconds"]


def test_run_chooses_an_allocator_that_overwrites_freed_memory() -> None:
    env = hygienic_env({"PATH": "/usr/bin", "GLIBC_TUNABLES": "glibc.malloc.arena_max=2"})
    assert env is not None
    assert env["PYTHONMALLOC"] == "malloc" and int(env["MALLOC_PERTURB_"]) > 0
    assert env["GLIBC_TUNABLES"] == f"glibc.malloc.arena_max=2:{NO_TCACHE}"  # the operator's kept
    assert env["PATH"] == "/usr/bin"
    assert hygienic_env({"PYTHONMALLOC": "pymalloc"}) is None  # an operator's choice stands


def test_an_operator_who_opts_out_is_warned(tg: FakeTelegram, tmp_path: Path) -> None:
    bot = BotProcess(tg, tmp_path / "bot.log", webhook=True, register=False,
                     extra_env={"PYTHONMALLOC": "pymalloc"})
    try:
        bot.wait_ready(tg, webhook=True)
    finally:
        bot.stop()
    assert "WARNING bot.memory: freed memory is NOT overwritten" in bot.log.read_text()
