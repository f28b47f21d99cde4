"""Settings from the environment: defaults, clear errors, and a token that never prints."""

from __future__ import annotations

import pytest

from bot.config import DEFAULT_API, ConfigError, from_env


def test_defaults_and_values() -> None:
    config = from_env({})
    assert config.api_base_url == DEFAULT_API and config.port == 8080
    assert config.bot_base_url == "https://api.telegram.org/bot"
    custom = from_env({"PORT": "9000", "LOG_LEVEL": "debug", "BOT_USERNAME": "@my_bot",
                       "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/"})
    assert (custom.port, custom.log_level, custom.bot_username) == (9000, "DEBUG", "my_bot")
    assert custom.bot_base_url == "http://127.0.0.1:8081/bot"


@pytest.mark.parametrize(("env", "message"), [
    ({"PORT": "eighty"}, "PORT must be a whole number"),
    ({"EPHEMERAL_SECONDS": "soon"}, "EPHEMERAL_SECONDS must be a number"),
    ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be"),
    ({"METRICS": "maybe"}, "METRICS must be 1 or 0"),
    ({"TELEGRAM_API_BASE_URL": "api.telegram.org"}, "must start with https://"),
])
def test_bad_settings_say_which_and_how(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        from_env(env)


def test_token_and_secret_never_in_repr() -> None:
    config = from_env({"TELEGRAM_BOT_TOKEN": "123456:SECRETSECRETSECRET", "WEBHOOK_SECRET": "s3cr3t"})
    assert "SECRETSECRET" not in repr(config) and "s3cr3t" not in repr(config)


def test_the_console_starts_in_the_terminals_language() -> None:
    assert from_env({"LANG": "es_MX.UTF-8"}).terminal_language == "es-MX"
    assert from_env({"LANG": "C.UTF-8"}).terminal_language == ""
    assert from_env({}).terminal_language == ""
