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


def from_env(env: Mapping[str, str] | None = None) -> Config:
    """Build the Config from environment variables (see README, "Configuration")."""
    env = os.environ if env is None else env
    level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {level!r}")
    api = env.get("TELEGRAM_API_BASE_URL", "").strip() or DEFAULT_API
    if not api.startswith(("https://", "http://")):
        raise ConfigError("TELEGRAM_API_BASE_URL must start with https:// (or http:// for tests)")
    return Config(
        token=env.get("TELEGRAM_BOT_TOKEN", "").strip(),
        api_base_url=api,
        webhook_url=env.get("WEBHOOK_URL", "").strip(),
        webhook_secret=env.get("WEBHOOK_SECRET", "").strip(),
        host=env.get("HOST", "127.0.0.1").strip() or "127.0.0.1",
        port=_int(env, "PORT", 8080),
        log_level=level,
        content_dir=Path(env.get("CONTENT_DIR", "").strip() or ROOT / "content"),
        locales_dir=Path(env.get("LOCALES_DIR", "").strip() or ROOT / "locales"),
        review_grace_days=_int(env, "REVIEW_GRACE_DAYS", 30),
        bot_username=env.get("BOT_USERNAME", "kyr_bot").strip().lstrip("@") or "kyr_bot",
        erase_range=_int(env, "ERASE_RANGE", 300),
        ephemeral_seconds=_float(env, "EPHEMERAL_SECONDS", 60.0),
        concurrent_updates=_positive(env, "CONCURRENT_UPDATES", 16),
        max_pending_updates=_positive(env, "MAX_PENDING_UPDATES", 64),
        send_retry_seconds=_float(env, "SEND_RETRY_SECONDS", 10.0),
        shutdown_seconds=_float(env, "SHUTDOWN_SECONDS", 8.0),
        rate_limit_per_second=_float(env, "RATE_LIMIT_PER_SECOND", 30.0),
        publish_commands=env.get("PUBLISH_COMMANDS", "1").strip() not in {"0", "false", "no"},
        metrics=env.get("METRICS", "").strip().lower() in {"1", "true", "yes"},
        serve_machine_translations=env.get("SERVE_MACHINE_TRANSLATIONS", "1").strip().lower()
        not in {"0", "false", "no"},
    )
