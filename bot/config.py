"""Settings from the environment, read in one place into one frozen object passed explicitly."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

N = TypeVar("N", int, float)
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_API = "https://api.telegram.org"


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
    rate_limit_per_second: float = 30.0
    publish_commands: bool = True
    metrics: bool = False

    @property
    def bot_base_url(self) -> str:
        """PTB's base_url: the API root with ``/bot`` (PTB appends the token)."""
        return self.api_base_url.rstrip("/") + "/bot"


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
        concurrent_updates=_int(env, "CONCURRENT_UPDATES", 16),
        rate_limit_per_second=_float(env, "RATE_LIMIT_PER_SECOND", 30.0),
        publish_commands=env.get("PUBLISH_COMMANDS", "1").strip() not in {"0", "false", "no"},
        metrics=env.get("METRICS", "").strip().lower() in {"1", "true", "yes"},
    )
