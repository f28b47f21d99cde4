"""Settings from the environment, read in one place into one frozen object passed explicitly."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

N = TypeVar("N", int, float)
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_API = "https://api.telegram.org"
DEFAULT_WEBHOOK_PATH = "/telegram"
SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what setWebhook's secret_token accepts


class ConfigError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class Config:
    """Everything configurable. ``token`` is never printed (see ``__repr__``)."""

    token: str = field(default="", repr=False)
    api_base_url: str = DEFAULT_API
    webhook_url: str = ""
    webhook_secret: str = field(default="", repr=False)
    host: str = "127.0.0.1"
    port: int = 8080
    log_level: str = "INFO"
    content_dir: Path = ROOT / "content"
    locales_dir: Path = ROOT / "locales"
    review_grace_days: int = 30
    bot_username: str = "kyr_bot"
    erase_range: int = 300
    ephemeral_seconds: float = 60.0
    max_body_bytes: int = 1 << 20
    concurrent_updates: int = 16
    max_pending_updates: int = 64
    send_retry_seconds: float = 10.0
    shutdown_seconds: float = 8.0
    rate_limit_per_second: float = 30.0
    publish_commands: bool = True
    metrics: bool = False
    serve_machine_translations: bool = True
    terminal_language: str = ""  # the console chat's first language, from the system's LANG

    @property
    def bot_base_url(self) -> str:
        """PTB's base_url: the API root with ``/bot`` (PTB appends the token)."""
        return self.api_base_url.rstrip("/") + "/bot"

    @property
    def webhook_path(self) -> str:
        """The path the webhook server serves: WEBHOOK_URL's, or ``/telegram`` without one."""
        return urlsplit(self.webhook_url).path if self.webhook_url else DEFAULT_WEBHOOK_PATH

    @property
    def max_connections(self) -> int:
        """setWebhook's max_connections: no more deliveries at once than one replica holds."""
        return min(100, self.max_pending_updates)

    def check_webhook(self, *, url_required: bool) -> None:
        """The same checks for ``set-webhook`` and ``run --webhook``; ConfigError says what to fix."""
        if not SECRET_RE.fullmatch(self.webhook_secret):
            raise ConfigError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and - "
                              "(for example: openssl rand -hex 32)")
        if not self.webhook_url and not url_required:
            return
        parts = urlsplit(self.webhook_url)
        local = parts.scheme == "http" and parts.hostname in {"127.0.0.1", "localhost"}
        if not (parts.scheme == "https" or local) or not parts.hostname:
            raise ConfigError("WEBHOOK_URL must be the public https:// address, "
                              f"e.g. https://bot.example.org{DEFAULT_WEBHOOK_PATH}")
        if parts.query or parts.fragment or not parts.path.startswith("/"):
            raise ConfigError("WEBHOOK_URL must have a path and no ?query or #fragment, "
                              f"e.g. https://bot.example.org{DEFAULT_WEBHOOK_PATH}")


def _number(env: Mapping[str, str], name: str, default: N, kind: Callable[[str], N]) -> N:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError as exc:
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{name} must be {what}, got {raw!r}") from exc


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    return _number(env, name, default, int)


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    return _number(env, name, default, float)


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    value = _int(env, name, default)
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, got {value}")
    return value


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be 1 or 0, got {raw!r}")


def _text(env: Mapping[str, str], name: str, default: str) -> str:
    return env.get(name, "").strip() or default


def from_env(env: Mapping[str, str] | None = None) -> Config:
    """Build the Config from environment variables (see README, "Configuration").

    Every default comes from ``Config`` itself; an empty variable counts as unset.
    """
    env = os.environ if env is None else env
    d = Config()
    level = _text(env, "LOG_LEVEL", d.log_level).upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {level!r}")
    api = _text(env, "TELEGRAM_API_BASE_URL", d.api_base_url)
    if not api.startswith(("https://", "http://")):
        raise ConfigError("TELEGRAM_API_BASE_URL must start with https:// (or http:// for tests)")
    return Config(
        token=_text(env, "TELEGRAM_BOT_TOKEN", d.token),
        api_base_url=api,
        webhook_url=_text(env, "WEBHOOK_URL", d.webhook_url),
        webhook_secret=_text(env, "WEBHOOK_SECRET", d.webhook_secret),
        host=_text(env, "HOST", d.host),
        port=_int(env, "PORT", d.port),
        log_level=level,
        content_dir=Path(_text(env, "CONTENT_DIR", str(d.content_dir))),
        locales_dir=Path(_text(env, "LOCALES_DIR", str(d.locales_dir))),
        review_grace_days=_int(env, "REVIEW_GRACE_DAYS", d.review_grace_days),
        bot_username=_text(env, "BOT_USERNAME", "").lstrip("@") or d.bot_username,
        erase_range=_int(env, "ERASE_RANGE", d.erase_range),
        ephemeral_seconds=_float(env, "EPHEMERAL_SECONDS", d.ephemeral_seconds),
        concurrent_updates=_positive(env, "CONCURRENT_UPDATES", d.concurrent_updates),
        max_pending_updates=_positive(env, "MAX_PENDING_UPDATES", d.max_pending_updates),
        send_retry_seconds=_float(env, "SEND_RETRY_SECONDS", d.send_retry_seconds),
        shutdown_seconds=_float(env, "SHUTDOWN_SECONDS", d.shutdown_seconds),
        rate_limit_per_second=_float(env, "RATE_LIMIT_PER_SECOND", d.rate_limit_per_second),
        publish_commands=_flag(env, "PUBLISH_COMMANDS", d.publish_commands),
        metrics=_flag(env, "METRICS", d.metrics),
        serve_machine_translations=_flag(env, "SERVE_MACHINE_TRANSLATIONS",
                                         d.serve_machine_translations),
        terminal_language=_terminal_language(env.get("LANG", "")),
    )


def _terminal_language(lang: str) -> str:
    """``es_MX.UTF-8`` → ``es-MX``; nothing for ``C`` or ``POSIX``."""
    raw = lang.strip().split(".")[0]
    return raw.replace("_", "-") if raw not in {"C", "POSIX"} else ""
