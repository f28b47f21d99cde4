"""Logging that never carries the token, user ids, names or message text."""

from __future__ import annotations

import logging
import re

TOKEN_RE = re.compile(r"(bot)?\d{4,}:[A-Za-z0-9_-]{20,}")
CHATTY_LOGGERS = ("telegram", "httpx", "httpcore", "aiohttp.access", "aiohttp.server",
                  "apscheduler", "hpack")


class RedactTokens(logging.Filter):
    """Replace anything shaped like a bot token in a record, message and arguments alike."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = TOKEN_RE.sub("<token>", message)
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        return True


def setup_logging(level: str) -> None:
    """Root logging at ``level``; libraries that log ids, texts or URLs held at WARNING or above.

    PTB logs updates and API parameters at DEBUG and httpx logs the token URL at INFO, so those
    loggers never follow LOG_LEVEL below WARNING.
    """
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    floor = max(logging.WARNING, logging.getLevelName(level))
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(floor)
