"""Memory hygiene: what a person sent must not stay readable in the process after its update.

CPython keeps freed objects in its own arenas and glibc keeps freed blocks in caches, both
unwiped, so names and texts of past updates stay in memory until reused. ``python -m bot run``
therefore starts itself again (same pid, ``exec``) with every allocation going through glibc
(``PYTHONMALLOC=malloc``), freed blocks overwritten (``MALLOC_PERTURB_``) and glibc's per-thread
cache of freed blocks, which is never overwritten, switched off (``tcache_count=0``). An
operator who sets ``PYTHONMALLOC`` chooses for themself: nothing is changed then.

While running, ``scrub_when_idle`` collects garbage cycles whenever no update is in hand (HTTP
responses sit in reference cycles until a collection), so that their memory is freed, and
thereby overwritten, within about a second of the last answer. The content and libraries loaded
at start are frozen out of the collector first, which keeps each collection well under a
millisecond.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import sys
from collections.abc import Callable, Mapping
from typing import Protocol

log = logging.getLogger(__name__)
PERTURB_BYTE = "165"  # 0xA5: freed blocks are filled with it, new ones with its complement
NO_TCACHE = "glibc.malloc.tcache_count=0"
SCRUB_SECONDS = 1.0


def hygienic_env(env: Mapping[str, str]) -> dict[str, str] | None:
    """``env`` with the allocator settings added, or None when it needs none (or opted out)."""
    if "PYTHONMALLOC" in env:
        return None
    tunables = env.get("GLIBC_TUNABLES", "")
    return {
        **env,
        "PYTHONMALLOC": "malloc",
        "MALLOC_PERTURB_": env.get("MALLOC_PERTURB_") or PERTURB_BYTE,
        "GLIBC_TUNABLES": f"{tunables}:{NO_TCACHE}" if tunables else NO_TCACHE,
    }


def restart_with_hygienic_allocator() -> None:
    """Replace this process with itself under ``hygienic_env`` (returns only if not needed)."""
    env = hygienic_env(os.environ)
    if env is None:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)  # noqa: S606 - itself


def report() -> None:
    """Log whether freed memory is overwritten in this process (a warning when it is not)."""
    env = os.environ
    if (env.get("PYTHONMALLOC") == "malloc" and env.get("MALLOC_PERTURB_")
            and not sys.flags.ignore_environment):
        log.info("freed memory is overwritten (PYTHONMALLOC=malloc, MALLOC_PERTURB_)")
    else:
        log.warning("freed memory is NOT overwritten: PYTHONMALLOC was set by hand or python -E "
                    "was used; unset it to let the bot choose")


def no_core_dumps() -> None:
    """A crash must not write the process's memory (people's messages) to disk."""
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class Busy(Protocol):
    """What the scrubber needs to know: how many updates are in hand (``Intake.held``)."""

    @property
    def held(self) -> int:
        """Updates running or waiting."""


def freeze_startup_objects() -> None:
    """Collect once, then leave what is alive now (content, libraries) out of later collections."""
    gc.collect()
    gc.freeze()


async def scrub_when_idle(intake: Busy, current: Callable[[], object], stop: asyncio.Event,
                          every: float = SCRUB_SECONDS) -> None:
    """Every ``every`` seconds with nothing in hand, collect garbage cycles, until ``stop``.

    ``current`` returns the live content; when it changed (a reload), the old content is let go
    and the new one frozen.
    """
    frozen = current()
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
        if intake.held:
            continue
        if current() is not frozen:
            gc.unfreeze()
            freeze_startup_objects()
            frozen = current()
        else:
            gc.collect()
