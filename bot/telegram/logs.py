"""Logging that never carries the token, user ids, names or message text."""

from __future__ import annotations

import logging
import re
import sys
from types import TracebackType

TOKEN_RE = re.compile(r"(bot)?\d{4,}:[A-Za-z0-9_-]{20,}")
CHATTY_LOGGERS = ("telegram", "httpx", "httpcore", "apscheduler", "hpack")
# aiohttp's server loggers write a malformed request's raw bytes (ids, names, texts) at ERROR,
# and a handler's traceback with its locals' reprs: they are switched off at every level.
SILENT_LOGGERS = ("aiohttp.server", "aiohttp.access", "aiohttp.web", "aiohttp.internal")


class RedactTokens(logging.Filter):
    """Replace anything shaped like a bot token in a record, message and arguments alike."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = TOKEN_RE.sub("<token>", message)
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # an exception's message can carry the token (PTB's InvalidToken does): format the
            # traceback here, redacted; formatters use exc_text instead of formatting it again
            record.exc_text = _TRACEBACK.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = TOKEN_RE.sub("<token>", record.exc_text)
        if record.stack_info:
            record.stack_info = TOKEN_RE.sub("<token>", record.stack_info)
        return True


_TRACEBACK = logging.Formatter()


def _log_uncaught(kind: type[BaseException], error: BaseException,
                  tb: TracebackType | None) -> None:
    """sys.excepthook: an error that stops the process goes through the redacting handler."""
    logging.getLogger("bot").critical("stopped by an unhandled error", exc_info=(kind, error, tb))


def setup_logging(level: str) -> None:
    """Root logging at ``level``; libraries that log ids, texts or URLs held at WARNING or above.

    PTB logs updates and API parameters at DEBUG and httpx logs the token URL at INFO, so those
    loggers never follow LOG_LEVEL below WARNING. Uncaught errors are logged through the same
    handler, so their tracebacks are redacted too.
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
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)  # 429s: see delivery
    silence_http_loggers()
    sys.excepthook = _log_uncaught


def silence_http_loggers() -> None:
    """Switch aiohttp's server loggers off entirely (see SILENT_LOGGERS)."""
    for name in SILENT_LOGGERS:
        logger = logging.getLogger(name)
        logger.disabled, logger.propagate = True, False
        logger.setLevel(logging.CRITICAL + 1)
